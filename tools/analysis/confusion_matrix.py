#!/usr/bin/env python
"""Confusion matrix of a recognizer, from a ``tools/test.py --dump`` file
(or a checkpoint): mmaction2's own
``tools/analysis_tools/confusion_matrix.py``, run with this plugin's shims
and components registered (the stock script alone fails to import
mmaction2 1.2.0, see README "Compatibility shims").

Examples::

    python tools/test.py CONFIG CKPT --dump preds.pkl --trust-checkpoint
    python tools/analysis/confusion_matrix.py CONFIG preds.pkl \\
        --label-file data/synthetic/classes.txt --include-values \\
        --show-path confusion.png --out confusion.pkl

``--show-path`` draws the matrix (rows: ground truth, columns: prediction);
``--out`` saves it as a tensor.
"""
import mmaction_imr  # noqa: F401  (shims + registration)
from mmaction_imr.engine.cli import load_upstream_tool

if __name__ == '__main__':
    load_upstream_tool('analysis_tools/confusion_matrix').main()
