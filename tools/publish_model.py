#!/usr/bin/env python
"""Publish a training checkpoint to the model zoo, weights only.

Removes the optimizer state and training history, keeps the model weights
and plain metadata, checks that the result loads with
``torch.load(weights_only=True)`` and names it ``OUT-<sha256[:8]>.pth``.

    python tools/publish_model.py work_dirs/run/epoch_20.pth \
        zoo/imr_r18_k400-pmsp-ctp.pth

Exit codes: 0 published, 1 the checkpoint could not be read or written,
2 bad arguments.
"""
import sys

import mmaction_imr.register  # noqa: F401  (shims + registration)
from mmaction_imr.apis import tool_parser
from mmaction_imr.engine.checkpoint import (CheckpointReadError,
                                            UntrustedCheckpointError,
                                            publish_checkpoint)


def main(argv=None) -> int:
    parser = tool_parser(__doc__, src='training checkpoint (.pth)',
                         out='output path; the hash is appended')
    parser.add_argument(
        '--trust-checkpoint', action='store_true',
        help='SRC is a full pickle you trust (your own training run)')
    args = parser.parse_args(argv)
    try:
        path = publish_checkpoint(
            args.src, args.out, trust=args.trust_checkpoint)
    except (OSError, ValueError, UntrustedCheckpointError,
            CheckpointReadError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
