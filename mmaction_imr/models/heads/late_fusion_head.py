"""Late fusion of per-stream classification heads (two-stream testing)."""
from typing import Dict, Mapping, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmaction.registry import MODELS
from mmaction.utils import SampleList
from ..backbones.stream_backbones import select_streams

__all__ = ['LateFusionHead']


@MODELS.register_module()
class LateFusionHead(BaseModule):
    """One mmaction2 head per stream; predictions average their
    probabilities.

    Reads the tuple of maps of
    :class:`~mmaction_imr.models.backbones.StreamBackbones` (same stream
    names, same order). Training sums the heads' losses, each logged under
    its stream (``rgb.loss_cls``, ``rgb.top1_acc``, ...), so the heads learn
    independently, as two models trained apart would. Testing averages, per
    sample, each head's clip-averaged probabilities with ``weights``
    (the two-stream late fusion of CoCLR / MVCGC). With one stream it is
    that head.

    Args:
        heads (dict): ``{stream: head config}``, e.g. ``dict(rgb=dict(
            type='I3DHead', num_classes=101, in_channels=512,
            average_clips='prob'))``. With more than one stream every head
            needs ``average_clips='prob'`` (probabilities are averaged).
        weights (dict, optional): ``{stream: weight}`` of the average
            (streams left out have no weight). Defaults to equal weights.
        streams (sequence of str, optional): the heads to build, a subset of
            ``heads`` (as ``StreamBackbones(streams=...)``); default all.
        init_cfg (dict, optional): mmengine initialisation config.
    """

    def __init__(self, heads: Mapping[str, Dict],
                 weights: Optional[Mapping[str, float]] = None,
                 streams: Optional[Sequence[str]] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not heads:
            raise ValueError('LateFusionHead needs at least one head')
        self.streams = select_streams(heads, streams, 'LateFusionHead')
        self.heads = nn.ModuleDict(
            {name: MODELS.build(heads[name]) for name in self.streams})
        if len(self.streams) > 1:
            for name, head in self.heads.items():
                if getattr(head, 'average_clips', None) != 'prob':
                    raise ValueError(
                        f"LateFusionHead: head {name!r} has average_clips="
                        f"{getattr(head, 'average_clips', None)!r}; late "
                        "fusion averages probabilities: set "
                        "average_clips='prob'")
        weights = dict(weights or {name: 1. for name in heads})
        if set(weights) != set(heads):
            raise ValueError(f'LateFusionHead: weights {sorted(weights)} must '
                             f'name the heads {sorted(heads)}')
        weights = {name: weights[name] for name in self.streams}
        total = float(sum(weights.values()))
        if total <= 0 or min(weights.values()) < 0:
            raise ValueError(f'LateFusionHead: weights must be >= 0 with a '
                             f'positive sum, got {weights}')
        self.weights = {k: float(v) / total for k, v in weights.items()}

    def _split(self, feats: Sequence[torch.Tensor]
               ) -> Tuple[Tuple[str, nn.Module, torch.Tensor], ...]:
        if isinstance(feats, torch.Tensor) or len(feats) != len(self.streams):
            n = 1 if isinstance(feats, torch.Tensor) else len(feats)
            raise ValueError(f'LateFusionHead: {n} feature map(s) for the '
                             f'heads {self.streams}')
        return tuple((name, self.heads[name], x)
                     for name, x in zip(self.streams, feats))

    def forward(self, feats: Sequence[torch.Tensor],
                **kwargs) -> Tuple[torch.Tensor, ...]:
        """Class scores of each head (before clip averaging), in order."""
        return tuple(head(x, **kwargs) for _, head, x in self._split(feats))

    def loss(self, feats: Sequence[torch.Tensor], data_samples: SampleList,
             **kwargs) -> Dict[str, torch.Tensor]:
        losses = {}
        for name, head, x in self._split(feats):
            for key, value in head.loss(x, data_samples, **kwargs).items():
                losses[f'{name}.{key}'] = value
        return losses

    def predict(self, feats: Sequence[torch.Tensor], data_samples: SampleList,
                **kwargs) -> SampleList:
        if len(self.streams) == 1:
            (_, head, x), = self._split(feats)
            return head.predict(x, data_samples, **kwargs)
        fused = 0.
        for name, head, x in self._split(feats):
            scores = head(x, **kwargs)
            num_segs = scores.shape[0] // len(data_samples)
            fused = fused + self.weights[name] * head.average_clip(
                scores, num_segs=num_segs)
        for ds, score in zip(data_samples, fused):
            ds.set_pred_score(score)
        return data_samples
