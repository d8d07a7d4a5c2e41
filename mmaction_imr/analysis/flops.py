"""Parameters and multiply-adds of a compressed-video model, per part.

Runs ONE clip of ``T`` I-frames and ``T * kappa`` P-frames (the shapes of
:mod:`mmaction_imr.streams`) through the backbone and the classification
head in eval mode and counts with mmengine's ``FlopAnalyzer`` (fvcore's jit
counter): one fused multiply-add = 1 "flop", i.e. the numbers are
MULTIPLY-ADDS (MACs). Convs, linears and BN (2 per element in eval mode)
are counted; element-wise ops (ReLU, add, max-pool, sigmoid, gating
products, concatenation) are not.

Used by ``tools/analysis/get_flops.py``. Needs torch and mmengine (no
registry: the caller builds the model).
"""
from collections import OrderedDict
from typing import Dict, Sequence, Tuple

import torch
import torch.nn as nn

from ..streams import IMGS, STREAM_KEYS, STREAMS, check_streams

__all__ = ['dummy_inputs', 'count_complexity']


class _OneClip(nn.Module):
    """backbone (+ cls_head) with positional tensor inputs, for tracing."""

    def __init__(self, model: nn.Module, streams: Sequence[str]) -> None:
        super().__init__()
        self.backbone = model.backbone
        # Recognizers have a cls_head; a self-supervised model (backbone +
        # pretext heads) is counted as its backbone only.
        self.cls_head = getattr(model, 'cls_head', None)
        self.streams = tuple(streams)

    def forward(self, *xs: torch.Tensor):
        feats = self.backbone(**dict(zip(self.streams, xs)))
        return self.cls_head(feats) if self.cls_head is not None else feats


def dummy_inputs(streams: Sequence[str], num_gops: int, kappa: int,
                 height: int, width: int) -> Tuple[torch.Tensor, ...]:
    """One random clip per stream, ``[1, C, T or T*kappa, H, W]`` each.

    Args:
        streams: Stream keys (any order; returned in canonical order).
        num_gops: T.
        kappa: P-frames per GOP.
        height, width: Frame size in pixels.
    """
    return tuple(
        torch.randn(1, STREAMS[s].channels, STREAMS[s].frames(
            num_gops, kappa), height, width) for s in check_streams(streams))


def _sum_parts(by_module: Dict[str, int], params: Dict[str, int],
               prefix: str, part: str) -> Tuple[int, int]:
    """MACs and parameters of ``<prefix>.<i>.<part>`` over all ``i``."""
    names = [
        n for n in by_module if n.startswith(prefix + '.')
        and n.split('.')[3:4] == [part] and len(n.split('.')) == 4
    ]
    return (sum(by_module[n] for n in names),
            sum(params.get(n, 0) for n in names))


def count_complexity(model: nn.Module, model_cfg: Dict, num_gops: int,
                     height: int, width: int) -> Dict:
    """Parameters and multiply-adds of one clip, with a breakdown.

    Args:
        model: A recognizer (``backbone`` [+ ``cls_head``]) in eval mode.
        model_cfg: Its config (for ``backbone.streams`` and ``kappa``).
        num_gops: T, I-frames per clip (P-frames: T * kappa).
        height, width: Input size in pixels.

    Returns:
        dict with ``macs``, ``params``, ``frames`` (every frame the network
        reads), ``breakdown`` (name -> (macs, params): the pathways, the
        fusion parts ``p_to_i`` / ``i_to_p`` / ``gates``, the head),
        ``by_operator`` (op -> macs), ``unsupported`` (op -> number of
        uncounted calls).
    """
    from mmengine.analysis import FlopAnalyzer, parameter_count
    bb_cfg = model_cfg.get('backbone', {})
    kappa = bb_cfg.get('kappa', 5)
    streams = check_streams(bb_cfg.get('streams', STREAM_KEYS),
                            'backbone.streams')
    inputs = dummy_inputs(streams, num_gops, kappa, height, width)
    # Every frame the network reads: the T I-frames and the T*kappa
    # P-frames (the MV and the residual of a P-frame are one frame).
    frames = (num_gops if IMGS in streams else 0) + (
        num_gops * kappa if any(STREAMS[s].per_pframe
                                for s in streams) else 0)
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
        breakdown[f'pathway {s}'] = _sum_parts(by_module, params,
                                               'backbone.stages', s)
    for part in ('p_to_i', 'i_to_p', 'gates'):
        breakdown[f'fusion {part}'] = _sum_parts(by_module, params,
                                                 'backbone.fusions', part)
    if wrapper.cls_head is not None:
        breakdown['cls_head'] = (by_module.get('cls_head', 0),
                                 params.get('cls_head', 0))
    return dict(macs=macs, params=params[''], frames=frames,
                breakdown=breakdown, by_operator=dict(analyzer.by_operator()),
                unsupported=dict(analyzer.unsupported_ops()))
