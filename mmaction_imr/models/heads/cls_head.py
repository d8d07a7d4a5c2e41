"""Classification head for the multi-pathway IMR backbone."""
from typing import Dict, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model.weight_init import normal_init

from mmaction.models.heads.base import BaseHead
from mmaction.registry import MODELS


@MODELS.register_module()
class IMRClsHead(BaseHead):
    """Late fusion of the pathways: global average pool of each pathway's
    map, concatenation, dropout, fc (docs/design.md#output-and-complexity).

    Args:
        num_classes (int): number of classes.
        in_channels (int | Sequence[int]): channels of each pathway's map,
            e.g. ``(512, 32, 32)`` for R18, or their sum (``576``). A
            sequence also checks the number and widths of the pathways at
            run time, with a clear error; an int only checks the sum.
        loss_cls (dict): loss config. Defaults to cross-entropy.
        dropout_ratio (float): dropout before the fc. Defaults to 0.5.
        init_std (float): std of the fc's normal init. Defaults to 0.01.
        average_clips (str): how test clips/crops of a sample are merged:
            ``'prob'`` (average softmax scores, the paper's 3-crop test),
            ``'score'`` or None. Defaults to ``'prob'``.
        **kwargs: other :class:`BaseHead` arguments (``topk``,
            ``label_smooth_eps``, ``multi_class``, ``init_cfg``).
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: Union[int, Sequence[int]],
                 loss_cls: Dict = dict(type='CrossEntropyLoss'),
                 dropout_ratio: float = 0.5,
                 init_std: float = 0.01,
                 average_clips: str = 'prob',
                 **kwargs) -> None:
        if isinstance(in_channels, int):
            self.pathway_channels = None
            total = in_channels
        else:
            self.pathway_channels = tuple(int(c) for c in in_channels)
            total = sum(self.pathway_channels)
        if total < 1:
            raise ValueError(f'in_channels must be positive, got '
                             f'{in_channels!r}')
        super().__init__(num_classes, total, loss_cls,
                         average_clips=average_clips, **kwargs)
        self.dropout_ratio = dropout_ratio
        self.init_std = init_std
        self.dropout = nn.Dropout(dropout_ratio) if dropout_ratio else None
        self.fc_cls = nn.Linear(total, num_classes)

    def init_weights(self) -> None:
        """Normal(0, init_std) fc weights, zero bias (as I3DHead)."""
        normal_init(self.fc_cls, std=self.init_std)

    def forward(self, x: Union[torch.Tensor, Tuple[torch.Tensor, ...]],
                **kwargs) -> torch.Tensor:
        """Class scores.

        Args:
            x (Tensor | tuple[Tensor]): the backbone's pathway maps
                ``[N, C_k, T_k, h, w]`` (or one map).

        Returns:
            Tensor: ``[N, num_classes]`` scores (logits).
        """
        xs = (x, ) if isinstance(x, torch.Tensor) else tuple(x)
        channels = tuple(t.shape[1] for t in xs)
        if self.pathway_channels is not None and \
                channels != self.pathway_channels:
            raise ValueError(f'{type(self).__name__}: in_channels='
                             f'{self.pathway_channels} but the pathways '
                             f'have {channels} channels')
        # [N, C_k, T, h, w] -> [N, C_k] per pathway, then [N, sum C_k]
        feat = torch.cat([t.flatten(2).mean(2) for t in xs], dim=1)
        if feat.shape[1] != self.in_channels:
            raise ValueError(f'{type(self).__name__}: in_channels='
                             f'{self.in_channels} but the pathways have '
                             f'{channels} = {feat.shape[1]} channels')
        if self.dropout is not None:
            feat = self.dropout(feat)
        return self.fc_cls(feat)
