"""Stream sensitivity: how much each pathway's features depend on each input.

Pure torch on a backbone and batches of its inputs (no mmengine), behind
``tools/analysis/stream_sensitivity.py``.

For a batch of ``N >= 2`` clips, a *swap* replaces some input streams of
every clip by those of the next clip (``torch.roll`` by one along the batch:
clip ``i`` gets the streams of clip ``i - 1``) and keeps the others. For
every recorded feature map ``f`` of every pathway the sensitivity to the
swap is the relative change::

    ||f(swapped) - f(orig)|| / ||f(orig)||

with the norms taken over all clips seen (the squared differences and the
squared norms are summed over every clip of every batch before the ratio),
so clips with small features do not dominate. 0 means the map does not
depend on the swapped streams at all; swapping ALL streams of clips whose
maps are zero-mean, uncorrelated and of equal norm gives ``sqrt(2)``
(post-ReLU maps share a positive mean, which keeps real values lower).

Default swaps (:data:`DEFAULT_SWAPS`): ``'imgs'`` (the I-frames) and
``'p_streams'`` (``motion_vectors`` and ``residuals`` together, as CTP moves
them). A pathway whose features do not change when the I-frames are swapped
cannot tell a clip's I-frames apart, so a head comparing it with the P
pathways cannot detect a mismatch of I- and P-frames (what CTP asks).

Recorded maps: the output of every stage of ``backbone.stages`` except the
last (ResNet names ``conv1``, ``res2``, ...; the output of a stage's
pathways BEFORE the lateral fusion that follows it) and ``output``, the
backbone's return value (the final maps the heads see; for
:class:`~mmaction_imr.models.backbones.IMRResNet3d` that is ``res5``, after
which nothing is fused). A backbone without ``stages`` gives ``output``
only.

The backbone runs in eval mode (BatchNorm with its running statistics), so
the clips of a batch do not interact, and its mode is restored afterwards.
"""
import math
from collections import OrderedDict
from typing import (Callable, Dict, Iterable, List, Mapping, Optional,
                    Sequence, Tuple)

import torch
import torch.nn as nn

__all__ = [
    'DEFAULT_SWAPS', 'fold_views', 'swap_streams', 'stage_names',
    'StreamSensitivity', 'stream_sensitivity', 'format_table'
]

#: Swap name -> the input streams it exchanges between clips.
DEFAULT_SWAPS: Mapping[str, Tuple[str, ...]] = OrderedDict(
    imgs=('imgs', ), p_streams=('motion_vectors', 'residuals'))

#: Name of the backbone's return value in the results.
OUTPUT = 'output'


def fold_views(inputs: Mapping[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Fold views into the batch: ``[N, M, C, T, H, W] -> [N*M, C, T, H, W]``
    (5-D tensors pass unchanged), as mmaction's recognizers do."""
    out = {}
    for key, x in inputs.items():
        if x.ndim not in (5, 6):
            raise ValueError(f'{key} must be [N, M, C, T, H, W] or '
                             f'[N, C, T, H, W], got {tuple(x.shape)}')
        out[key] = x.flatten(0, 1) if x.ndim == 6 else x
    return out


def swap_streams(inputs: Mapping[str, torch.Tensor],
                 keys: Sequence[str]) -> Dict[str, torch.Tensor]:
    """Give clip ``i`` the ``keys`` streams of clip ``i - 1`` (roll by one).

    Args:
        inputs: stream key -> ``[N, C, T, H, W]``, ``N >= 2``.
        keys: streams to swap; keys absent from ``inputs`` are ignored, but
            at least one must be present.

    Returns:
        A new dict; the other streams are the same tensors.
    """
    present = [k for k in keys if k in inputs]
    if not present:
        raise ValueError(f'none of the streams {tuple(keys)} to swap is in '
                         f'the inputs ({", ".join(inputs)})')
    num_clips = inputs[present[0]].shape[0]
    if num_clips < 2:
        raise ValueError(f'swapping streams needs at least 2 clips, got '
                         f'{num_clips}')
    out = dict(inputs)
    for k in present:
        out[k] = torch.roll(inputs[k], 1, dims=0)
    return out


def stage_names(num_stages: int) -> List[str]:
    """ResNet names of ``num_stages`` stages: ``conv1, res2, res3, ...``."""
    return ['conv1'] + [f'res{i + 1}' for i in range(1, num_stages)]


class StreamSensitivity:
    """Accumulates the sensitivity of a backbone over batches.

    Args:
        backbone: called as ``backbone(**inputs)``; returns a tuple with one
            map per pathway (``[N, C, ...]``). With a ``stages``
            :class:`~torch.nn.ModuleList` whose modules return the tuple of
            pathway maps, every stage but the last is recorded too.
        swaps: swap name -> streams it exchanges. Defaults to
            :data:`DEFAULT_SWAPS`.
        pathways: names of the pathways, in output order. Defaults to
            ``backbone.streams`` when the backbone has it (IMRResNet3d),
            else ``pathway0``, ``pathway1``, ...
        per_stage: record the stages too (else ``output`` only).

    Example::

        meter = StreamSensitivity(model.backbone)
        for inputs in batches:
            meter.update(inputs)
        meter.result()['p_streams']['output']['imgs']
    """

    def __init__(self,
                 backbone: nn.Module,
                 swaps: Optional[Mapping[str, Sequence[str]]] = None,
                 pathways: Optional[Sequence[str]] = None,
                 per_stage: bool = True) -> None:
        self.backbone = backbone
        self.swaps = OrderedDict(
            (name, tuple(keys))
            for name, keys in (swaps or DEFAULT_SWAPS).items())
        if not self.swaps:
            raise ValueError('give at least one swap')
        if pathways is None:
            pathways = getattr(backbone, 'streams', None)
        self.pathways = tuple(pathways) if pathways is not None else None
        stages = getattr(backbone, 'stages', None) if per_stage else None
        self._stages = list(stages)[:-1] if stages is not None else []
        self.layers = stage_names(len(self._stages) + 1)[:-1] + [OUTPUT]
        # (swap, layer, pathway index) -> [sum ||df||^2, sum ||f||^2]
        self._sums: Dict[Tuple[str, str, int], List[float]] = {}
        self.num_clips = 0

    def _maps(self, inputs: Mapping[str, torch.Tensor]
              ) -> 'OrderedDict[str, Tuple[torch.Tensor, ...]]':
        """Every recorded map of one forward pass: layer -> pathway maps."""
        maps: 'OrderedDict[str, Tuple[torch.Tensor, ...]]' = OrderedDict()

        def recorder(name: str) -> Callable:

            def hook(module, args, output):
                maps[name] = tuple(output)

            return hook

        handles = [
            stage.register_forward_hook(recorder(name))
            for name, stage in zip(self.layers, self._stages)
        ]
        try:
            out = self.backbone(**inputs)
        finally:
            for h in handles:
                h.remove()
        maps[OUTPUT] = tuple(out) if isinstance(out, (tuple, list)) else (
            out, )
        return maps

    @torch.no_grad()
    def update(self, inputs: Mapping[str, torch.Tensor]) -> None:
        """Add one batch.

        Args:
            inputs: stream key -> ``[N, C, T, H, W]`` (or with a view axis
                ``[N, M, ...]``, folded in), as fed to the backbone, i.e.
                after the data preprocessor; ``N * M >= 2``.
        """
        inputs = fold_views(inputs)
        was_training = self.backbone.training
        self.backbone.eval()
        try:
            ref = self._maps(inputs)
            for swap, keys in self.swaps.items():
                new = self._maps(swap_streams(inputs, keys))
                for layer, maps in ref.items():
                    for k, (a, b) in enumerate(zip(maps, new[layer])):
                        acc = self._sums.setdefault((swap, layer, k),
                                                    [0., 0.])
                        acc[0] += float((b - a).double().pow(2).sum())
                        acc[1] += float(a.double().pow(2).sum())
        finally:
            self.backbone.train(was_training)
        self.num_clips += int(next(iter(ref.values()))[0].shape[0])

    def result(self) -> 'OrderedDict[str, OrderedDict]':
        """``{swap: {layer: {pathway: relative change}}}`` over all clips.

        A map that is zero on every clip has no relative change: NaN.
        """
        if not self._sums:
            raise ValueError('no batch was measured')
        num = 1 + max(k for _, _, k in self._sums)
        names = self.pathways or tuple(f'pathway{k}' for k in range(num))
        if len(names) != num:
            raise ValueError(f'{num} pathway maps but pathway names '
                             f'{tuple(names)}')
        out: 'OrderedDict[str, OrderedDict]' = OrderedDict()
        for (swap, layer, k), (diff, ref) in self._sums.items():
            value = math.sqrt(diff / ref) if ref > 0 else float('nan')
            out.setdefault(swap, OrderedDict()).setdefault(
                layer, OrderedDict())[names[k]] = value
        return out


def stream_sensitivity(
        backbone: nn.Module,
        batches: Iterable[Mapping[str, torch.Tensor]],
        swaps: Optional[Mapping[str, Sequence[str]]] = None,
        pathways: Optional[Sequence[str]] = None,
        per_stage: bool = True) -> 'OrderedDict[str, OrderedDict]':
    """:class:`StreamSensitivity` over ``batches``; returns its result."""
    meter = StreamSensitivity(backbone, swaps, pathways, per_stage)
    for inputs in batches:
        meter.update(inputs)
    return meter.result()


def format_table(result: Mapping[str, Mapping[str, Mapping[str, float]]],
                 digits: int = 3) -> str:
    """A plain-text table: one row per (layer, pathway), one column per
    swap (``swap imgs``, ``swap p_streams``)."""
    swaps = list(result)
    first = result[swaps[0]]
    rows = [(layer, p) for layer in first for p in first[layer]]
    header = ['layer', 'pathway'] + [f'swap {s}' for s in swaps]
    body = [[layer, p] + [f'{result[s][layer][p]:.{digits}f}' for s in swaps]
            for layer, p in rows]
    widths = [max(len(r[i]) for r in [header] + body)
              for i in range(len(header))]
    lines = []
    for r in [header] + body:
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1])] + [
            c.rjust(w) for c, w in zip(r[2:], widths[2:])]
        lines.append('  '.join(cells))
    return '\n'.join(lines)
