"""CTP head: the classifier beta of correspondence type prediction (paper
2.2; docs/design.md#ctp-head)."""
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from mmaction.registry import MODELS
from .pmsp_head import check_features

__all__ = ['CTPHead', 'POOL_MODES']

#: Where CTPHead averages over GOPs and positions (see its docstring).
POOL_MODES = ('before', 'hidden')


@MODELS.register_module()
class CTPHead(BaseModule):
    """2-layer MLP on the clip embedding -> correspondence type.

    ``Linear -> ReLU -> Linear(num_classes)`` on the concatenated final
    maps of the three pathways (e.g. 512 + 32 + 32 channels for R18). Where
    the average pooling over time and space sits is ``pool``:

    * ``'before'`` (the default, the paper's reading): global average
      pool of each pathway's map, concatenated, then the MLP.
    * ``'hidden'``: the first layer is applied at every GOP and position of
      the final maps (the P pathways' ``kappa`` frames of a GOP averaged, so
      all three have one step per GOP), then ReLU, then the average, then
      the second layer. The first layer is linear, so this differs from
      ``'before'`` only by taking the ReLU before the average: the head can
      then flag a mismatch of I-frame and P-frame features at one GOP and
      place (what shuffle / shift leave), which a clip average mixes away.
      Same parameters, so checkpoints load either way. The toy CTP-only
      config uses it because 4-way CTP learns faster with it at that scale
      (measurements in docs/selfsup.md).

    Args:
        in_channels (Sequence[int]): channels of each pathway's final map.
        num_classes (int): 4 for CTP (aligned / random / shuffle / shift),
            2 for CTP(Binary); must equal ``len(ctp_types)`` of the model.
            Defaults to 4.
        hidden_channels (int): MLP hidden width. Defaults to 512.
        pool (str): ``'before'`` or ``'hidden'``, see above. Defaults to
            ``'before'``.
        loss_cls (dict): Defaults to ``dict(type='CrossEntropyLoss')``.
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 num_classes: int = 4,
                 hidden_channels: int = 512,
                 pool: str = 'before',
                 loss_cls: Dict = dict(type='CrossEntropyLoss'),
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_classes < 2:
            raise ValueError(f'num_classes must be >= 2, got {num_classes}')
        if pool not in POOL_MODES:
            raise ValueError(f'pool must be one of {POOL_MODES}, got '
                             f'{pool!r}')
        self.in_channels = tuple(int(c) for c in in_channels)
        self.num_classes = num_classes
        self.pool = pool
        self.mlp = nn.Sequential(
            nn.Linear(sum(self.in_channels), hidden_channels),
            nn.ReLU(inplace=True), nn.Linear(hidden_channels, num_classes))
        self.loss_cls = MODELS.build(loss_cls)

    def forward(self, feats: Tuple[torch.Tensor, ...]) -> torch.Tensor:
        """Logits ``[N, num_classes]`` from maps ``[N, C_i, T_i, h, w]``."""
        check_features(feats, self.in_channels, type(self).__name__)
        if self.pool == 'before':
            x = torch.cat(
                [F.adaptive_avg_pool3d(f, 1).flatten(1) for f in feats], 1)
            return self.mlp(x)
        # One step per GOP: the I map has T frames, the P maps kappa * T.
        size = (min(f.shape[2] for f in feats), ) + tuple(feats[0].shape[3:])
        x = torch.cat([F.adaptive_avg_pool3d(f, size) for f in feats], 1)
        hidden = self.mlp[1](self.mlp[0](x.flatten(2).transpose(1, 2)))
        return self.mlp[2](hidden.mean(1))

    def loss(self, feats: Tuple[torch.Tensor, ...],
             targets: torch.Tensor) -> Dict[str, torch.Tensor]:
        """``loss_ctp`` (cross-entropy, batch mean) and ``acc_ctp`` (logged).

        The loss is unweighted here; :class:`IMRSelfSup` multiplies it by
        ``ctp_loss_weight`` before it is summed and logged, so a training
        log shows ``ctp_loss_weight`` x this value.

        Args:
            feats: backbone output.
            targets: ``[N]`` long, type index from ``ctp_transform``.
        """
        logits = self(feats)
        loss = self.loss_cls(logits, targets)
        with torch.no_grad():
            acc = (logits.argmax(1) == targets).float().mean()
        return dict(loss_ctp=loss, acc_ctp=acc)

    def predict(self, feats: Tuple[torch.Tensor, ...]) -> torch.Tensor:
        """Predicted type index, LongTensor ``[N]``."""
        return self(feats).argmax(1)
