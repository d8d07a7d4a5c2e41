#!/usr/bin/env python
"""Count parameters and multiply-adds of a compressed-video model per clip
and per frame.

The model is built from an mmengine config (``model=...``, default scope
mmaction) and run on ONE clip of T I-frames and T*kappa P-frames
(kappa from ``model.backbone.kappa``, default 5) through the backbone and
the classification head, in eval mode (mmaction_imr.analysis.flops). The
count is mmengine's ``FlopAnalyzer`` (fvcore's jit counter): one fused
multiply-add = 1 "flop", i.e. the numbers are MULTIPLY-ADDS (MACs); convs,
linears and BN (2 per element in eval mode) are counted, element-wise ops
(ReLU, add, max-pool, sigmoid, gating products, concatenation) are not.

Per frame = per clip / (T + T*kappa), all frames the network reads.

Examples::

    python tools/analysis/get_flops.py configs/_base_/models/imr_r18.py
    python tools/analysis/get_flops.py CONFIG --shape 5 224 224
    python tools/analysis/get_flops.py CONFIG --cfg-options \\
        model.backbone.fusion.connection=none

The last line of the output is ``GFLOPs/frame: <number>`` (G multiply-adds).
Exit code 0 ok, 1 bad config / model, 2 usage.
"""
import argparse
import sys
from typing import Dict, Optional, Tuple

import torch.nn as nn
from mmengine.config import DictAction

import mmaction_imr.register  # noqa: F401  (shims + registration)
from mmaction_imr.analysis.flops import count_complexity
from mmaction_imr.apis import init_model, tool_parser

__all__ = ['build_model', 'count_complexity', 'main']


def build_model(config: str,
                cfg_options: Optional[Dict] = None) -> Tuple[nn.Module, Dict]:
    """Model (eval mode, fresh weights) and its ``model`` config from a
    config file, built by :func:`mmaction_imr.apis.init_model`."""
    model = init_model(config, cfg_options=cfg_options)
    return model, model.cfg.model


def parse_args(argv=None) -> argparse.Namespace:
    parser = tool_parser(__doc__, config='config file with a `model`')
    parser.add_argument(
        '--shape', type=int, nargs=3, default=[5, 224, 224],
        metavar=('T', 'H', 'W'),
        help='I-frames (GOPs) per clip, height, width (default 5 224 224); '
        'P-frames = T * kappa')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, key=value '
        '(e.g. model.backbone.depth=50)')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    t, h, w = args.shape
    if min(args.shape) < 1:
        print(f'--shape must be positive, got {args.shape}', file=sys.stderr)
        return 2
    try:
        model, model_cfg = build_model(args.config, args.cfg_options)
        res = count_complexity(model, model_cfg, t, h, w)
    except Exception as err:  # config/model errors are input failures
        print(f'{args.config}: {type(err).__name__}: {err}', file=sys.stderr)
        return 1
    kappa = model_cfg.get('backbone', {}).get('kappa', 5)
    macs, frames = res['macs'], res['frames']
    print(f'config: {args.config}')
    print(f'input: T={t} I-frames + {t * kappa} P-frames (kappa={kappa}), '
          f'{h}x{w}; {frames} frames per clip')
    print(f'{"part":<24}{"GMACs":>10}{"share":>8}{"params (M)":>12}')
    for name, (m, p) in res['breakdown'].items():
        print(f'{name:<24}{m / 1e9:>10.3f}{m / max(macs, 1):>8.1%}'
              f'{p / 1e6:>12.3f}')
    print(f'{"total":<24}{macs / 1e9:>10.3f}{1:>8.0%}'
          f'{res["params"] / 1e6:>12.3f}')
    print('by operator (GMACs): ' + ', '.join(
        f'{k} {v / 1e9:.3f}' for k, v in res['by_operator'].items()))
    if res['unsupported']:
        print('not counted (element-wise/pooling ops): ' + ', '.join(
            f'{k.replace("aten::", "")}x{v}'
            for k, v in sorted(res['unsupported'].items())))
    print(f'Params: {res["params"] / 1e6:.3f} M')
    print(f'GMACs/clip: {macs / 1e9:.3f}')
    print(f'GMACs/P-frame (clip / {t * kappa}): '
          f'{macs / 1e9 / max(t * kappa, 1):.3f}')
    print(f'GFLOPs/frame: {macs / 1e9 / frames:.4f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
