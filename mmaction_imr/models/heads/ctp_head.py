"""CTP head: the classifier beta of correspondence type prediction (paper
2.2; DESIGN.md §4)."""
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from mmaction.registry import MODELS
from .pmsp_head import check_features

__all__ = ['CTPHead']


@MODELS.register_module()
class CTPHead(BaseModule):
    """2-layer MLP on the pooled clip embedding -> correspondence type.

    Global average pool of each pathway's final map, concatenated (the
    paper's final embedding, e.g. 512 + 32 + 32 for R18), then
    ``Linear -> ReLU -> Linear(num_classes)``.

    Args:
        in_channels (Sequence[int]): channels of each pathway's final map.
        num_classes (int): 4 for CTP (aligned / random / shuffle / shift),
            2 for CTP(Binary); must equal ``len(ctp_types)`` of the model.
            Defaults to 4.
        hidden_channels (int): MLP hidden width. Defaults to 512.
        loss_cls (dict): Defaults to ``dict(type='CrossEntropyLoss')``.
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 num_classes: int = 4,
                 hidden_channels: int = 512,
                 loss_cls: Dict = dict(type='CrossEntropyLoss'),
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_classes < 2:
            raise ValueError(f'num_classes must be >= 2, got {num_classes}')
        self.in_channels = tuple(int(c) for c in in_channels)
        self.num_classes = num_classes
        self.mlp = nn.Sequential(
            nn.Linear(sum(self.in_channels), hidden_channels),
            nn.ReLU(inplace=True), nn.Linear(hidden_channels, num_classes))
        self.loss_cls = MODELS.build(loss_cls)

    def forward(self, feats: Tuple[torch.Tensor, ...]) -> torch.Tensor:
        """Logits ``[N, num_classes]`` from maps ``[N, C_i, T_i, h, w]``."""
        check_features(feats, self.in_channels, type(self).__name__)
        x = torch.cat([F.adaptive_avg_pool3d(f, 1).flatten(1) for f in feats],
                      dim=1)
        return self.mlp(x)

    def loss(self, feats: Tuple[torch.Tensor, ...],
             targets: torch.Tensor) -> Dict[str, torch.Tensor]:
        """``loss_ctp`` (cross-entropy, batch mean) and ``acc_ctp`` (logged).

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
