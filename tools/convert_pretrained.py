#!/usr/bin/env python
"""Convert a self-supervised pretraining checkpoint into backbone weights.

Keeps the backbone (keys under --prefix, default ``backbone.``), drops the
pretext heads (PMSP, CTP) and the training state, and writes a weights-only
file ``{'state_dict', 'meta'}`` that loads with torch.load(weights_only=True):

    python tools/convert_pretrained.py \\
        work_dirs/imr_selfsup/epoch_20.pth imr_r18_selfsup_backbone.pth \\
        --trust-checkpoint --config configs/imrnet/<finetune config>.py

Use the result as ``load_from`` of a fine-tuning config, or in the backbone
``init_cfg=dict(type='Pretrained', checkpoint=DST, prefix='backbone.')``.

An mmengine training checkpoint is a full pickle: loading it runs code stored
in the file. It is read only with --trust-checkpoint (say so only for files
you made), when a run of yours wrote it (the manifest beside it), or when
it is listed in $MMACTION_IMR_TRUSTED_CHECKPOINTS; weights-only sources need
nothing.

Exit codes: 0 converted; 1 the checkpoint could not be read, has no backbone
keys or does not match --config (the keys are listed); 2 bad arguments.
"""
import sys
from collections import Counter

import mmaction_imr.register  # noqa: F401  (shims + registration first)
from mmaction_imr.apis import tool_parser
from mmaction_imr.engine.checkpoint import (CheckpointReadError,
                                            UntrustedCheckpointError)
from mmaction_imr.engine.convert import convert_pretrained


def _summary(keys):
    groups = Counter('.'.join(k.split('.')[:2]) for k in keys)
    return ', '.join(f'{g} ({n})' for g, n in sorted(groups.items()))


def main(argv=None) -> int:
    parser = tool_parser(__doc__, src='pretraining checkpoint (.pth)',
                         dst='output backbone checkpoint (.pth)')
    parser.add_argument('--prefix', default='backbone.',
                        help='key prefix of the backbone weights, kept in '
                        'DST (default: %(default)s)')
    parser.add_argument('--out-prefix', help='prefix of the keys in DST '
                        '(default: --prefix, kept); e.g. --prefix '
                        'encoders.rgb.backbone. --out-prefix backbone.rgb. '
                        'for a StreamBackbones stream (docs/mvcgc.md)')
    parser.add_argument('--config', help='a config whose model.backbone the '
                        'weights must match exactly (fails listing the keys '
                        'otherwise)')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='SRC is a full pickle that you trust (your own '
                        'training run); needed for mmengine checkpoints')
    args = parser.parse_args(argv)
    backbone_cfg = None
    if args.config:
        from mmengine.config import Config
        try:
            backbone_cfg = Config.fromfile(args.config).model.backbone
        except Exception as err:  # noqa: BLE001 - any config error
            print(f'error: {args.config}: cannot read model.backbone '
                  f'({err})', file=sys.stderr)
            return 1
    try:
        result = convert_pretrained(args.src, args.dst, args.prefix,
                                    args.trust_checkpoint, backbone_cfg,
                                    args.out_prefix)
    except (OSError, ValueError, UntrustedCheckpointError,
            CheckpointReadError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    print(f'kept {len(result.kept)} tensors: {_summary(result.kept)}')
    print(f'dropped {len(result.dropped)} tensors: '
          f'{_summary(result.dropped) or "-"}')
    print(f'wrote {args.dst}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
