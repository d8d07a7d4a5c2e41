#!/usr/bin/env python
"""Count parameters and multiply-adds of a compressed-video model per clip
and per frame.

The model is built from an mmengine config (``model=...``, default scope
mmaction) and run on ONE clip of T I-frames and T*kappa P-frames
(kappa from ``model.backbone.kappa``, default 5) through the backbone and
the classification head, in eval mode. The count is mmengine's
``FlopAnalyzer`` (fvcore's jit counter): one fused multiply-add = 1 "flop",
i.e. the numbers are MULTIPLY-ADDS (MACs); convs, linears and BN (2 per
element in eval mode) are counted, element-wise ops (ReLU, add, max-pool,
sigmoid, gating products, concatenation) are not.

Per frame = per clip / (T + T*kappa), all frames the network reads.

Examples::

    python tools/analysis/get_flops.py configs/_base_/models/imr_r18.py
    python tools/analysis/get_flops.py CONFIG --shape 5 224 224
    python tools/analysis/get_flops.py CONFIG --cfg-options \\
        model.backbone.connection=none

The last line of the output is ``GFLOPs/frame: <number>`` (G multiply-adds).
Exit code 0 ok, 1 bad config / model, 2 usage.
"""
import argparse
import sys
from collections import OrderedDict
from typing import Dict, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.config import Config, DictAction

import mmaction_imr  # noqa: F401  (shims + registration)

#: input channels and frame-rate factor (1 for I, kappa for P) per stream
STREAM_SPECS = OrderedDict(
    imgs=(3, False), motion_vectors=(2, True), residuals=(3, True))


class _OneClip(nn.Module):
    """backbone (+ cls_head) with positional tensor inputs, for tracing."""

    def __init__(self, model: nn.Module, streams: Sequence[str]) -> None:
        super().__init__()
        self.backbone = model.backbone
        # recognizers have a cls_head; a self-supervised model (backbone +
        # pretext heads) is counted as its backbone only
        self.cls_head = getattr(model, 'cls_head', None)
        self.streams = tuple(streams)

    def forward(self, *xs: torch.Tensor):
        feats = self.backbone(**dict(zip(self.streams, xs)))
        return self.cls_head(feats) if self.cls_head is not None else feats


def build_model(config: str, cfg_options: Dict = None) -> Tuple[nn.Module,
                                                                 Dict]:
    """Model and its ``model`` config from a config file."""
    from mmengine.registry import init_default_scope

    from mmaction.registry import MODELS
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if 'model' not in cfg:
        raise ValueError(f'{config}: no `model` in the config')
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model = MODELS.build(cfg.model)
    model.eval()
    return model, cfg.model


def count_complexity(model: nn.Module, model_cfg: Dict, num_gops: int,
                     height: int, width: int) -> Dict:
    """Parameters and multiply-adds of one clip, with a breakdown.

    Args:
        model: a recognizer (``backbone`` [+ ``cls_head``]) in eval mode.
        model_cfg: its config (for ``backbone.streams`` and ``kappa``).
        num_gops: T, I-frames per clip (P-frames: T * kappa).
        height, width: input size in pixels.

    Returns:
        dict with ``macs``, ``params``, ``frames``, ``breakdown`` (name ->
        (macs, params)), ``by_operator`` (op -> macs), ``unsupported``
        (op -> number of uncounted calls).
    """
    from mmengine.analysis import FlopAnalyzer, parameter_count
    bb_cfg = model_cfg.get('backbone', {})
    kappa = bb_cfg.get('kappa', 5)
    streams = tuple(
        s for s in STREAM_SPECS if s in bb_cfg.get('streams', STREAM_SPECS))
    inputs = tuple(
        torch.randn(1, STREAM_SPECS[s][0],
                    num_gops * (kappa if STREAM_SPECS[s][1] else 1),
                    height, width) for s in streams)
    # every frame the network reads: the T I-frames and the T*kappa P-frames
    # (MV and residual of a P-frame are one frame)
    frames = (num_gops if 'imgs' in streams else 0) + (
        num_gops * kappa if any(STREAM_SPECS[s][1] for s in streams) else 0)
    wrapper = _OneClip(model, streams).eval()
    analyzer = FlopAnalyzer(wrapper, inputs)
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    with torch.no_grad():
        macs = analyzer.total()
    by_module = analyzer.by_module()
    params = parameter_count(wrapper)

    breakdown = OrderedDict()
    for s in streams:
        names = [n for n in by_module
                 if n.startswith('backbone.stages.') and
                 n.split('.')[3:4] == [s] and len(n.split('.')) == 4]
        breakdown[f'pathway {s}'] = (sum(by_module[n] for n in names),
                                     sum(params.get(n, 0) for n in names))
    for part in ('p_to_i', 'i_to_p', 'gates'):
        names = [n for n in by_module if n.startswith('backbone.fusions.')
                 and n.split('.')[3:4] == [part] and len(n.split('.')) == 4]
        breakdown[f'fusion {part}'] = (sum(by_module[n] for n in names),
                                       sum(params.get(n, 0) for n in names))
    if wrapper.cls_head is not None:
        breakdown['cls_head'] = (by_module.get('cls_head', 0),
                                 params.get('cls_head', 0))
    return dict(macs=macs, params=params[''], frames=frames,
                breakdown=breakdown, by_operator=dict(analyzer.by_operator()),
                unsupported=dict(analyzer.unsupported_ops()))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('config', help='config file with a `model`')
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
