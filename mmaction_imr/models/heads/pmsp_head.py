"""PMSP head: the classifiers alpha_r of pyramidal motion statistics
prediction (paper 2.2; docs/design.md#pmsp-head)."""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule, ModuleList

from mmaction.registry import MODELS
from mmaction_imr.pretext.pmsp import (DEFAULT_SPATIAL, DEFAULT_TEMPORAL,
                                       pmsp_levels, pmsp_windows)

__all__ = [
    'PMSPHead', 'PMSP_LOSS_REDUCTIONS', 'pool_window', 'check_features'
]

#: How ``PMSPHead.loss`` combines the per-column cross-entropies.
PMSP_LOSS_REDUCTIONS = ('sum', 'mean')


def check_features(feats: Sequence[torch.Tensor],
                   in_channels: Sequence[int], owner: str) -> None:
    """Raise a clear error when the backbone output does not fit the head."""
    got = tuple(int(x.shape[1]) for x in feats)
    if any(x.ndim != 5 for x in feats) or got != tuple(in_channels):
        raise ValueError(
            f'{owner} expects one [N, C, T, h, w] map per pathway with '
            f'in_channels={tuple(in_channels)}, got shapes '
            f'{[tuple(x.shape) for x in feats]}')


def pool_window(x: torch.Tensor, num_gops: int, start: int,
                stop: int) -> torch.Tensor:
    """Average a pathway's map over the frames of GOPs ``[start, stop)``.

    A pathway with ``T_f`` frames for ``num_gops`` GOPs has ``T_f / T``
    frames per GOP (1 for I, kappa for M/R, as the backbone does not
    down-sample time); the window covers frames
    ``floor(start * T_f / T) .. ceil(stop * T_f / T) - 1``, which also keeps
    it non-empty if a backbone ever pools time.

    Args:
        x: ``[N, C, T_f, h, w]``.

    Returns:
        ``[N, C, h, w]``.
    """
    t_f = x.shape[2]
    lo = (start * t_f) // num_gops
    hi = -((-stop * t_f) // num_gops)
    return x[:, :, lo:max(hi, lo + 1)].mean(2)


@MODELS.register_module()
class PMSPHead(BaseModule):
    """One 2-layer MLP alpha_r per pyramid level r = (s, t).

    For window ``n`` of temporal scale ``t`` (GOPs ``[n, n + T - t]``, the
    same windows as :func:`~mmaction_imr.pretext.pmsp_labels`), each
    pathway's final map is averaged over the frames of those GOPs, the three
    are concatenated (``C = sum(in_channels)``) and adaptively average-pooled
    to ``s x s`` (``F.adaptive_avg_pool2d``), keeping the spatial layout. The
    MLP of level (s, t) acts on the flattened ``C * s * s`` vector:
    ``Linear(C*s*s, hidden) -> ReLU -> Linear(hidden, s*s)``, so it sees
    every cell at its place and outputs one logit per cell (row-major, like
    the labels). The MLP is shared by the ``t`` windows of its level (the
    paper defines one classifier per r).

    Loss: cross-entropy of every label column (mean over the batch), summed
    over levels and positions (27 terms by default), like the paper's
    ``L_PMSP``; ``loss(..., reduction='mean')`` averages the columns
    instead (the model's ``pmsp_loss_reduction`` chooses).

    Args:
        in_channels (Sequence[int]): channels of each pathway's final map,
            in the backbone's output order, e.g. ``(512, 32, 32)`` for R18.
        hidden_channels (int): MLP hidden width. Defaults to 256.
        spatial (Sequence[int]): grid sizes s. Defaults to (2, 3, 4).
        temporal (Sequence[int]): temporal scales t. Defaults to (1, 3, 5).
        loss_cls (dict): per-column classification loss. Defaults to
            ``dict(type='CrossEntropyLoss')``.
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 hidden_channels: int = 256,
                 spatial: Sequence[int] = DEFAULT_SPATIAL,
                 temporal: Sequence[int] = DEFAULT_TEMPORAL,
                 loss_cls: Dict = dict(type='CrossEntropyLoss'),
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.in_channels = tuple(int(c) for c in in_channels)
        self.spatial = tuple(int(s) for s in spatial)
        self.temporal = tuple(int(t) for t in temporal)
        pmsp_levels(max(self.temporal), self.spatial, self.temporal)  # check
        channels = sum(self.in_channels)
        # mlps[i * len(spatial) + j] is alpha_(spatial[j], temporal[i])
        self.mlps = ModuleList([
            nn.Sequential(
                nn.Linear(channels * s * s, hidden_channels),
                nn.ReLU(inplace=True), nn.Linear(hidden_channels, s * s))
            for _ in self.temporal for s in self.spatial
        ])
        self.loss_cls = MODELS.build(loss_cls)

    @property
    def num_labels(self) -> int:
        """Label columns per clip (27 by default)."""
        return len(self.spatial) * sum(self.temporal)

    def forward(self, feats: Tuple[torch.Tensor, ...],
                num_gops: int) -> List[torch.Tensor]:
        """Logits of every label column.

        Args:
            feats: the backbone's final maps ``[N, C_i, T_i, h, w]``.
            num_gops: ``T`` of the input clip.

        Returns:
            list of ``[N, s * s]`` logits, one per column, in the order of
            :func:`~mmaction_imr.pretext.pmsp_levels`.
        """
        check_features(feats, self.in_channels, type(self).__name__)
        logits = []
        for t, n, start, stop in pmsp_windows(num_gops, self.temporal):
            x = torch.cat([pool_window(f, num_gops, start, stop)
                           for f in feats], dim=1)  # [N, C, h, w]
            i = self.temporal.index(t)
            for j, s in enumerate(self.spatial):
                cells = F.adaptive_avg_pool2d(x, s).flatten(1)
                logits.append(self.mlps[i * len(self.spatial) + j](cells))
        return logits

    def loss(self, feats: Tuple[torch.Tensor, ...], targets: torch.Tensor,
             num_gops: int,
             reduction: str = 'sum') -> Dict[str, torch.Tensor]:
        """``loss_pmsp`` and ``acc_pmsp`` (mean over columns, logged only).

        Args:
            feats: backbone output.
            targets: ``[N, L]`` long, from ``pmsp_labels``.
            num_gops: ``T``.
            reduction: how the ``L`` per-column cross-entropies (each a
                batch mean) combine: ``'sum'`` (the paper's ``L_PMSP``) or
                ``'mean'`` (the sum / ``L``).
        """
        if reduction not in PMSP_LOSS_REDUCTIONS:
            raise ValueError(f'reduction must be one of '
                             f'{PMSP_LOSS_REDUCTIONS}, got {reduction!r}')
        logits = self(feats, num_gops)
        if targets.shape != (logits[0].shape[0], len(logits)):
            raise ValueError(f'PMSP targets must be [N, {len(logits)}], got '
                             f'{tuple(targets.shape)}')
        loss = sum(self.loss_cls(lg, targets[:, k])
                   for k, lg in enumerate(logits))
        if reduction == 'mean':
            loss = loss / len(logits)
        with torch.no_grad():
            pred = torch.stack([lg.argmax(1) for lg in logits], 1)
            acc = (pred == targets).float().mean()
        return dict(loss_pmsp=loss, acc_pmsp=acc)

    def predict(self, feats: Tuple[torch.Tensor, ...],
                num_gops: int) -> torch.Tensor:
        """Predicted cell per column: LongTensor ``[N, L]``."""
        return torch.stack([lg.argmax(1) for lg in self(feats, num_gops)], 1)
