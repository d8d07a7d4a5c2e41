#!/usr/bin/env python
"""Merge the weights of single-stream models into one two-stream checkpoint.

Late fusion (two-stream testing and retrieval) runs one model whose backbone
holds a backbone per stream (StreamBackbones) and whose head holds a head per
stream (LateFusionHead). Each stream is trained on its own with the same
layout, so the two-stream checkpoint is the union of their weights
(backbone.rgb.*, cls_head.heads.rgb.* + backbone.mv.*, ...). The training
state is dropped; the output is weights only:

    python tools/merge_weights.py work_dirs/two_stream.pth \\
        work_dirs/<rgb run>/epoch_N.pth work_dirs/<mv run>/epoch_N.pth
    python tools/test.py configs/mvcgc/<two-stream config>.py \\
        work_dirs/two_stream.pth

Training checkpoints of your own runs are trusted through their manifests;
others load only with --trust-checkpoint (an mmengine checkpoint is a full
pickle) or when listed in $MMACTION_IMR_TRUSTED_CHECKPOINTS.

Exit codes: 0 merged; 1 a checkpoint could not be read or two share a key
(the key and both files are named); 2 bad arguments.
"""
import sys

import mmaction_imr.register  # noqa: F401  (shims + registration first)
from mmaction_imr.apis import tool_parser
from mmaction_imr.engine.checkpoint import (CheckpointReadError,
                                            UntrustedCheckpointError)
from mmaction_imr.engine.convert import merge_weights


def main(argv=None) -> int:
    parser = tool_parser(__doc__, dst='output checkpoint (.pth)')
    parser.add_argument('srcs', nargs='+', metavar='SRC',
                        help='checkpoints to merge (two or more)')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='every SRC is a full pickle that you trust')
    args = parser.parse_args(argv)
    if len(args.srcs) < 2:
        parser.error('give at least two checkpoints to merge')
    try:
        keys = merge_weights(args.srcs, args.dst, args.trust_checkpoint)
    except (OSError, ValueError, UntrustedCheckpointError,
            CheckpointReadError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    tops = sorted({'.'.join(k.split('.')[:2]) for k in keys})
    print(f'wrote {args.dst}: {len(keys)} tensors ({", ".join(tops)})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
