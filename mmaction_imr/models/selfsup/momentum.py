"""MoCo building blocks shared by the contrastive models.

One place for what :class:`~mmaction_imr.models.selfsup.IMRInfoNCE` and
:class:`~mmaction_imr.models.selfsup.MVCGC` have in common:

- :class:`ContrastiveEncoder`: any registered backbone, the global average
  pool of its output (every pathway, concatenated) and a 2-layer MLP
  projection to an L2-normalised embedding (dropped downstream);
- :func:`momentum_copy` / :func:`momentum_update`: the key (momentum)
  encoder, ``target = m * target + (1 - m) * online``;
- :class:`FeatureQueue`: a ring buffer of keys, one bank per modality, and
  the id of the video each key came from, index-aligned, filled with the
  keys of every process under DDP.
"""
import copy
import hashlib
import operator
from typing import Dict, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.dist import all_gather, get_world_size
from mmengine.model import BaseModule
from mmengine.registry import DefaultScope

from mmaction.registry import MODELS

__all__ = [
    'pool_embedding', 'ProjectionHead', 'ContrastiveEncoder',
    'momentum_copy', 'momentum_update', 'FeatureQueue', 'split_views',
    'video_ids'
]

Features = Union[torch.Tensor, Sequence[torch.Tensor]]


def pool_embedding(feats: Features) -> torch.Tensor:
    """Global average pool of backbone maps, concatenated over pathways.

    Args:
        feats: one map ``[N, C, T, H, W]`` (e.g. ``ResNet2Plus1d``) or one
            per pathway (``IMRResNet3d``: I, M, R).

    Returns:
        ``[N, sum(C)]``.
    """
    if isinstance(feats, torch.Tensor):
        feats = (feats, )
    return torch.cat([x.flatten(2).mean(dim=2) for x in feats], dim=1)


class ProjectionHead(nn.Module):
    """``Linear -> ReLU -> Linear``, then L2 normalisation (MoCo v2, CoCLR).

    Args:
        in_channels (int): pooled backbone channels.
        out_channels (int): embedding size. Defaults to 128.
        hidden_channels (int, optional): defaults to ``in_channels``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int = 128,
                 hidden_channels: Optional[int] = None) -> None:
        super().__init__()
        hidden_channels = hidden_channels or in_channels
        self.mlp = nn.Sequential(
            nn.Linear(in_channels, hidden_channels), nn.ReLU(inplace=True),
            nn.Linear(hidden_channels, out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``[N, in_channels] -> [N, out_channels]``, unit norm."""
        return F.normalize(self.mlp(x), dim=1)


class ContrastiveEncoder(BaseModule):
    """Backbone + global pool + projection head.

    Its own ``init_cfg`` loads a whole encoder (backbone and head) from an
    earlier run, e.g. MVCGC stage 2 from a stage-1 checkpoint:
    ``init_cfg=dict(type='Pretrained', checkpoint=...,
    prefix='encoders.rgb.')``.

    Args:
        backbone (dict): any registered backbone; called as
            ``backbone(x)`` or, with dict inputs, ``backbone(**x)``.
        in_channels (int): channels of :func:`pool_embedding` of its output
            (512 for R(2+1)D-18, the sum over pathways for IMRNet).
        embed_dim (int): projection size. Defaults to 128.
        hidden_channels (int, optional): hidden width of the projection;
            defaults to ``in_channels``.
        init_cfg (dict, optional): mmengine init config of the encoder.
    """

    def __init__(self,
                 backbone: Dict,
                 in_channels: int,
                 embed_dim: int = 128,
                 hidden_channels: Optional[int] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        # mmcv's layer builders (e.g. ResNet2Plus1d's `Conv2plus1d`) look
        # their types up in the default scope's registry: build in mmaction's
        # scope also outside a Runner
        with DefaultScope.overwrite_default_scope('mmaction'):
            self.backbone = MODELS.build(backbone)
        self.head = ProjectionHead(in_channels, embed_dim, hidden_channels)
        self.in_channels = in_channels

    def pooled(self, x: Union[torch.Tensor, Dict[str, torch.Tensor]]
               ) -> torch.Tensor:
        """Pooled backbone features ``[N, in_channels]`` (before the head)."""
        feats = self.backbone(**x) if isinstance(x, dict) else self.backbone(x)
        pooled = pool_embedding(feats)
        if pooled.shape[1] != self.in_channels:
            raise ValueError(f'the backbone gives {pooled.shape[1]} pooled '
                             f'channels, the encoder was built with '
                             f'in_channels={self.in_channels}')
        return pooled

    def forward(self, x: Union[torch.Tensor, Dict[str, torch.Tensor]]
                ) -> torch.Tensor:
        """Unit-norm embedding ``[N, embed_dim]``."""
        return self.head(self.pooled(x))


def momentum_copy(module: nn.Module) -> nn.Module:
    """A frozen copy of ``module`` to serve as its momentum (key) encoder.

    Its parameters do not require gradients, so the optimiser and DDP leave
    them alone; :func:`momentum_update` moves them.
    """
    target = copy.deepcopy(module)
    for param in target.parameters():
        param.requires_grad_(False)
    return target


@torch.no_grad()
def momentum_update(online: nn.Module, target: nn.Module,
                    momentum: float) -> None:
    """``target = momentum * target + (1 - momentum) * online``.

    Applied to every parameter. Buffers (BN statistics) are copied from the
    online module, as mmengine's ``ExponentialMovingAverage`` does by
    default. ``momentum=0`` copies, ``momentum=1`` freezes.

    Raises:
        ValueError: ``momentum`` outside ``[0, 1]`` or the modules differ.
    """
    if not 0 <= momentum <= 1:
        raise ValueError(f'momentum must be in [0, 1], got {momentum}')
    pairs = list(zip(online.parameters(), target.parameters()))
    buffers = list(zip(online.buffers(), target.buffers()))
    if len(pairs) != len(list(target.parameters())) or \
            any(o.shape != t.shape for o, t in pairs + buffers):
        raise ValueError('online and target modules have different '
                         'parameters')
    for p_online, p_target in pairs:
        p_target.mul_(momentum).add_(p_online.detach(), alpha=1 - momentum)
    for b_online, b_target in buffers:
        b_target.copy_(b_online)


def _gather_rows(x: torch.Tensor) -> torch.Tensor:
    """Concatenate ``x`` of every process along dim 0 (rank order).

    Processes may hold different numbers of rows (the last batch of an
    epoch): the sizes are gathered first and the rows padded to the
    largest, because ``all_gather`` needs equal shapes.
    """
    if get_world_size() == 1:
        return x
    size = torch.tensor([x.shape[0]], device=x.device)
    sizes = [int(s) for s in all_gather(size)]
    pad = x.new_zeros((max(sizes) - x.shape[0], ) + x.shape[1:])
    parts = all_gather(torch.cat([x, pad]))
    return torch.cat([part[:n] for part, n in zip(parts, sizes)])


class FeatureQueue(nn.Module):
    """Ring buffer of keys, one bank per modality, plus their video ids.

    Row ``j`` of every bank and entry ``j`` of :attr:`ids` come from the same
    clip: MVCGC mines positives by comparing an RGB similarity and an MV
    similarity to the same entries. :meth:`enqueue` gathers the keys of all
    processes under DDP (mmengine's ``all_gather``, rank order), so every
    process holds the same queue. Everything is a buffer: it is saved in
    checkpoints and resumes with them.

    Before they are overwritten, the slots hold random unit vectors (MoCo's
    initial negatives, the same in every process) with id ``-1``; use
    :meth:`valid` to keep them out of positive mining.

    Args:
        size (int): number of keys K.
        dim (int): key size D.
        banks (Sequence[str]): one name per modality. Defaults to
            ``('keys', )``.
    """

    def __init__(self, size: int, dim: int,
                 banks: Sequence[str] = ('keys', )) -> None:
        super().__init__()
        if size < 1 or dim < 1 or not banks or len(set(banks)) != len(banks):
            raise ValueError(f'FeatureQueue needs size, dim >= 1 and distinct '
                             f'bank names, got {size}, {dim}, {banks}')
        self.size, self.dim, self.banks = size, dim, tuple(banks)
        # a fixed generator: the initial queue must not depend on the rank
        # or consume the run's random stream
        gen = torch.Generator().manual_seed(0)
        init = torch.randn(len(self.banks), size, dim, generator=gen)
        self.register_buffer('keys', F.normalize(init, dim=2))
        self.register_buffer('ids', torch.full((size, ), -1,
                                                dtype=torch.long))
        self.register_buffer('ptr', torch.zeros((), dtype=torch.long))
        self.register_buffer('filled', torch.zeros((), dtype=torch.long))

    def bank(self, name: str) -> torch.Tensor:
        """A copy of bank ``name`` ``[K, D]``.

        A copy, because :meth:`enqueue` writes the buffer in place while
        autograd may still hold it for the backward pass.
        """
        if name not in self.banks:
            raise KeyError(f'no queue bank {name!r}; banks: {self.banks}')
        return self.keys[self.banks.index(name)].clone()

    def valid(self) -> torch.Tensor:
        """``[K]`` bool, ``True`` on slots that hold an enqueued key."""
        return torch.arange(self.size, device=self.ids.device) < self.filled

    def same_video(self, ids: torch.Tensor) -> torch.Tensor:
        """``[B, K]`` bool, queue entries from the video of each query.

        Args:
            ids: ``[B]`` video ids of the queries (>= 0).
        """
        return (ids[:, None] == self.ids[None]) & self.valid()[None]

    @torch.no_grad()
    def enqueue(self, keys: Dict[str, torch.Tensor],
                ids: Optional[torch.Tensor] = None) -> None:
        """Append a batch of keys (all processes under DDP), oldest out.

        Args:
            keys: one ``[B, D]`` tensor per bank, rows aligned.
            ids: ``[B]`` long video ids; ``None`` stores ``-1`` (unknown).
        """
        if set(keys) != set(self.banks):
            raise KeyError(f'enqueue needs keys for banks {self.banks}, got '
                           f'{sorted(keys)}')
        stacked = torch.stack([keys[name].detach() for name in self.banks])
        if stacked.ndim != 3 or stacked.shape[2] != self.dim:
            raise ValueError(f'keys must be [B, {self.dim}], got '
                             f'{[tuple(k.shape) for k in keys.values()]}')
        batch = stacked.shape[1]
        if ids is None:
            ids = torch.full((batch, ), -1, dtype=torch.long)
        ids = ids.to(self.ids.device, torch.long)
        if ids.shape != (batch, ):
            raise ValueError(f'ids must be [{batch}], got {tuple(ids.shape)}')
        # ids travel apart from the keys: a float cast would round them
        keys_all = _gather_rows(stacked.permute(1, 0, 2).reshape(batch, -1))
        ids_all = _gather_rows(ids)
        keys_all, ids_all = keys_all[-self.size:], ids_all[-self.size:]
        num = keys_all.shape[0]  # more keys than slots: the newest stay
        slots = (self.ptr + torch.arange(num, device=self.ptr.device)
                 ) % self.size
        self.keys[:, slots] = keys_all.reshape(
            num, len(self.banks), self.dim).permute(1, 0, 2).to(
                self.keys.dtype)
        self.ids[slots] = ids_all
        self.ptr.copy_((self.ptr + num) % self.size)
        self.filled.copy_(torch.clamp(self.filled + num, max=self.size))

    def extra_repr(self) -> str:
        return f'size={self.size}, dim={self.dim}, banks={self.banks}'


def split_views(x: torch.Tensor, num_views: int = 2
                ) -> Tuple[torch.Tensor, ...]:
    """``[N, V, ...] -> V`` tensors ``[N, ...]`` (view order kept)."""
    if x.ndim < 2 or x.shape[1] != num_views:
        raise ValueError(f'expected [N, {num_views}, ...] (two views per '
                         f'video), got {tuple(x.shape)}')
    return x.unbind(dim=1)


def video_ids(values: Sequence[Union[int, str]],
              device: Optional[torch.device] = None) -> torch.Tensor:
    """Video identities as ``[B]`` long tensor ids, the same in every process.

    Ints (e.g. a data set index) are used as they are (>= 0); strings (e.g.
    a file name) are hashed to 56 bits with BLAKE2b, which, unlike Python's
    ``hash``, does not change between processes.
    """
    out = []
    for value in values:
        if isinstance(value, str):
            value = int.from_bytes(
                hashlib.blake2b(value.encode(), digest_size=7).digest(),
                'little')
        else:
            try:  # int, numpy integer, 0-d integer tensor
                value = operator.index(value)
            except TypeError:
                value = -1
        if value < 0:
            raise ValueError(f'a video id must be an int >= 0 or a str, got '
                             f'{values!r}')
        out.append(value)
    return torch.tensor(out, dtype=torch.long, device=device)
