#!/usr/bin/env python
"""Confusion matrix of a recognizer, from a ``tools/test.py --dump`` file
(or a checkpoint): mmaction2's own
``tools/analysis_tools/confusion_matrix.py``, run with this plugin's shims
and components registered (the stock script alone fails to import
mmaction2 1.2.0, see README "Compatibility shims").

Examples::

    python tools/test.py CONFIG CKPT --dump preds.pkl
    python tools/analysis/confusion_matrix.py CONFIG preds.pkl \\
        --label-file data/synthetic/classes.txt --include-values \\
        --show-path confusion.png --out confusion.pkl

``--show-path`` draws the matrix (rows: ground truth, columns: prediction);
``--out`` saves it as a tensor.

A ``.pkl`` results file is read without running code from it: only the
types a ``--dump`` file holds (containers, tensors, numpy values) are built,
anything else is refused (exit 1), unless the file is listed in
``$MMACTION_IMR_TRUSTED_CHECKPOINTS``. A ``.pth`` checkpoint follows the
checkpoint trust policy (README "Checkpoints and trust").
"""
import pickle
import sys

import mmaction_imr.register  # noqa: F401  (shims + registration)
from mmaction_imr.engine.checkpoint import CheckpointReadError, load_results
from mmaction_imr.engine.cli import load_upstream_tool


def main() -> int:
    tool = load_upstream_tool('analysis_tools/confusion_matrix')
    # The stock tool reads results with mmengine's `load` (plain pickle);
    # swap in the restricted reader, in that module only.
    tool.load = load_results
    try:
        tool.main()
    except (OSError, pickle.UnpicklingError, CheckpointReadError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
