"""Bidirectional dynamic connections between the I and P pathways (paper 2.1).

One :class:`IMRLateralFusion` sits after a stage of the backbone. It takes
and returns the tuple of pathway tensors, like SlowFast's ``FuseFastToSlow``,
so the backbone reads ``for stage, fuse in zip(stages, fusions): xs =
fuse(stage(xs))``. Pathway 0 is the I pathway (``T_I`` frames); every other
pathway is a P pathway (motion vectors, residuals) with ``kappa * T_I``
frames. For each pair (I, P)::

    z    = [maxpool(x_I); maxpool(x_P)]                    # [N, C_I + C_P]
    h    = LeakyReLU(W2 LeakyReLU(W1 z + b1) + b2)         # [N, C_I + C_P]
    a_I  = sigmoid(W3 h + b3)                              # [N, ceil(C_I/div)]
    a_P  = sigmoid(W4 h + b4)                              # [N, ceil(C_P/div)]
    v_PI = a_I * conv(x_P)     # Conv3d (kappa,1,1)/(kappa,1,1): T_P -> T_I
    v_IP = a_P * deconv(x_I)   # ConvTranspose3d: T_I -> T_P
    x_I <- [x_I; v_MI; v_RI],  x_P <- [x_P; v_IP]
"""
import math
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmengine.model.weight_init import kaiming_init

from mmaction.registry import MODELS

CONNECTIONS = ('bidirectional', 'unidirectional', 'none')
LATERALS = ('conv', 'resample')


def lateral_width(channels: int, divisor: int) -> int:
    """Width of a lateral INTO a pathway of ``channels`` channels.

    Paper eq. 2: ``a_I`` has ``C_I / 8`` entries; we round up and keep at
    least one channel, so R18's thin P pathways (4 channels) still receive a
    1-channel lateral from the I pathway.
    """
    return max(1, math.ceil(channels / divisor))


class _Resample(nn.Module):
    """Parameter-free temporal re-sampling (+ 1x1x1 projection if needed).

    The 'no conv' ablation of the paper's Table 2. Down-sampling (P->I) is an
    average over each group of ``kappa`` frames, up-sampling (I->P) repeats
    each frame ``kappa`` times. Decision: the lateral keeps the SAME width as
    the (de)conv variant, so the next stage's channels and cost do not change
    and the ablation isolates the learned temporal kernel; a bias-free 1x1x1
    projection is added only when the source channels differ from that width
    (e.g. channel_ratio=16, divisor=8: C_P = C_I/16 != C_I/8). Without it,
    I->P would push all C_I channels into a C_I/16-wide pathway.
    """

    def __init__(self, in_channels: int, out_channels: int, kappa: int,
                 up: bool) -> None:
        super().__init__()
        self.kappa = kappa
        self.up = up
        self.proj = (
            nn.Conv3d(in_channels, out_channels, 1, bias=False)
            if in_channels != out_channels else nn.Identity())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Project at the lower frame rate: cheaper, and the two linear maps
        # commute.
        if self.up:  # [N, C, T, H, W] -> [N, C', T * kappa, H, W]
            return self.proj(x).repeat_interleave(self.kappa, dim=2)
        # [N, C, T * kappa, H, W] -> [N, C', T, H, W]
        return self.proj(
            F.avg_pool3d(x, (self.kappa, 1, 1), stride=(self.kappa, 1, 1)))


class MultimodalGate(nn.Module):
    """Multimodal-gated attention of one (I, P) pair (paper eq. 2).

    Hidden width = ``C_I + C_P`` (the paper's ``W1, W2`` are
    ``C_Z x C_Z``).

    Args:
        i_channels (int): ``C_I``.
        p_channels (int): ``C_P``.
        i_width (int): entries of ``a_I`` (width of the P->I lateral).
        p_width (int): entries of ``a_P``; 0 for a unidirectional connection
            (no ``W4``).
    """

    def __init__(self, i_channels: int, p_channels: int, i_width: int,
                 p_width: int) -> None:
        super().__init__()
        hidden = i_channels + p_channels
        self.mlp = nn.Sequential(
            nn.Linear(hidden, hidden), nn.LeakyReLU(),
            nn.Linear(hidden, hidden), nn.LeakyReLU())
        self.to_i = nn.Linear(hidden, i_width)
        self.to_p = nn.Linear(hidden, p_width) if p_width else None

    def forward(self, x_i: torch.Tensor, x_p: torch.Tensor
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Gates ``a_I`` [N, i_width, 1, 1, 1] and ``a_P`` (or None)."""
        z = torch.cat([x_i.amax(dim=(2, 3, 4)), x_p.amax(dim=(2, 3, 4))], 1)
        h = self.mlp(z)
        a_i = torch.sigmoid(self.to_i(h))[..., None, None, None]
        a_p = (torch.sigmoid(self.to_p(h))[..., None, None, None]
               if self.to_p is not None else None)
        return a_i, a_p


@MODELS.register_module()
class IMRLateralFusion(BaseModule):
    """Gated lateral connections between the I pathway and the P pathways.

    Args:
        in_channels (Sequence[int]): channels of each pathway entering the
            module, I pathway first, e.g. ``(64, 4, 4)``.
        kappa (int): P frames per I frame (temporal ratio). Defaults to 5.
        divisor (int): a lateral into a pathway of C channels is
            ``ceil(C / divisor)`` wide (at least 1). Defaults to 8.
        connection (str): ``'bidirectional'`` (P->I and I->P),
            ``'unidirectional'`` (P->I only) or ``'none'`` (identity: late
            fusion like CoViAR). Defaults to ``'bidirectional'``.
        lateral (str): ``'conv'`` (time-strided (kappa,1,1) Conv3d /
            ConvTranspose3d) or ``'resample'`` (average-pool / repeat over
            kappa, see :class:`_Resample`). Defaults to ``'conv'``.
        gate (bool): multiply laterals by the multimodal gate; False = the
            paper's 'no attention' ablation. Defaults to True.
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 kappa: int = 5,
                 divisor: int = 8,
                 connection: str = 'bidirectional',
                 lateral: str = 'conv',
                 gate: bool = True,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        in_channels = tuple(int(c) for c in in_channels)
        if connection not in CONNECTIONS:
            raise ValueError(f'connection must be one of {CONNECTIONS}, '
                             f'got {connection!r}')
        if lateral not in LATERALS:
            raise ValueError(
                f'lateral must be one of {LATERALS}, got {lateral!r}')
        if not isinstance(gate, bool):
            raise ValueError(f'gate must be True or False, got {gate!r}')
        if kappa < 1 or divisor < 1:
            raise ValueError(
                f'kappa and divisor must be >= 1, got {kappa}, {divisor}')
        if not in_channels or min(in_channels) < 1:
            raise ValueError(f'in_channels must be positive, got '
                             f'{in_channels}')
        if connection != 'none' and len(in_channels) < 2:
            raise ValueError(
                f'connection={connection!r} needs the I pathway and at least '
                f'one P pathway, got {len(in_channels)} pathway(s); use '
                "connection='none'")
        self.in_channels = in_channels
        self.kappa = kappa
        self.divisor = divisor
        self.connection = connection
        self.lateral = lateral
        self.gate = gate

        c_i, c_ps = in_channels[0], in_channels[1:]
        if connection == 'none':
            c_ps = ()
        w_i = lateral_width(c_i, divisor)
        w_ps = [lateral_width(c, divisor) for c in c_ps]
        bidir = connection == 'bidirectional'
        self.p_to_i = nn.ModuleList(
            self._make_lateral(c_p, w_i, up=False) for c_p in c_ps)
        self.i_to_p = nn.ModuleList(
            self._make_lateral(c_i, w_p, up=True) for w_p in w_ps
        ) if bidir else nn.ModuleList()
        self.gates = nn.ModuleList(
            MultimodalGate(c_i, c_p, w_i, w_p if bidir else 0)
            for c_p, w_p in zip(c_ps, w_ps)) if gate else nn.ModuleList()

        out = [c_i + w_i * len(c_ps)] + list(in_channels[1:])
        if bidir:
            out[1:] = [c + w for c, w in zip(in_channels[1:], w_ps)]
        self.out_channels: Tuple[int, ...] = tuple(out)

    def _make_lateral(self, c_in: int, c_out: int, up: bool) -> nn.Module:
        if self.lateral == 'resample':
            return _Resample(c_in, c_out, self.kappa, up)
        conv = nn.ConvTranspose3d if up else nn.Conv3d
        # bias-free like SlowFast's laterals: the receiving block starts
        # with BN anyway.
        return conv(c_in, c_out, (self.kappa, 1, 1),
                    stride=(self.kappa, 1, 1), bias=False)

    def init_weights(self) -> None:
        """Kaiming for the (de)conv laterals and the ReLU-like gate layers;
        Xavier for the gate outputs (sigmoid is near-linear at 0), zero
        biases. Gates are NOT zero-initialised: a constant 0.5 gate would
        ignore the input until trained."""
        super().init_weights()
        for m in self.modules():
            if isinstance(m, (nn.Conv3d, nn.ConvTranspose3d)):
                kaiming_init(m)  # fan_out, relu: as mmaction's ResNet3d
        for g in self.gates:
            for m in g.mlp:
                if isinstance(m, nn.Linear):
                    kaiming_init(m, a=0.01, mode='fan_in',
                                 nonlinearity='leaky_relu')
            for m in (g.to_i, g.to_p):
                if m is not None:
                    nn.init.xavier_uniform_(m.weight)
                    nn.init.zeros_(m.bias)

    def forward(self, xs: Sequence[torch.Tensor]) -> Tuple[torch.Tensor, ...]:
        """Fuse.

        Args:
            xs (Sequence[Tensor]): pathway maps, I first:
                ``[N, C_I, T, H, W]``, then ``[N, C_P, T * kappa, H, W]``.

        Returns:
            tuple[Tensor]: same order, channels ``self.out_channels``.
        """
        if len(xs) != len(self.in_channels):
            raise ValueError(f'{type(self).__name__} expects '
                             f'{len(self.in_channels)} pathways, got '
                             f'{len(xs)}')
        if self.connection == 'none':
            return tuple(xs)
        x_i, x_ps = xs[0], xs[1:]
        for x_p in x_ps:
            if x_p.shape[2] != self.kappa * x_i.shape[2]:
                raise ValueError(
                    f'P pathway has {x_p.shape[2]} frames, expected kappa * '
                    f'T_I = {self.kappa} * {x_i.shape[2]}')
        gates: List[Tuple] = (
            [g(x_i, x_p) for g, x_p in zip(self.gates, x_ps)]
            if self.gate else [(None, None)] * len(x_ps))

        to_i = []
        for lat, x_p, (a_i, _) in zip(self.p_to_i, x_ps, gates):
            v = lat(x_p)
            to_i.append(v if a_i is None else a_i * v)
        out_ps = list(x_ps)
        for k, (lat, (_, a_p)) in enumerate(zip(self.i_to_p, gates)):
            v = lat(x_i)
            out_ps[k] = torch.cat([x_ps[k], v if a_p is None else a_p * v], 1)
        return (torch.cat([x_i] + to_i, 1), *out_ps)

    def extra_repr(self) -> str:
        return (f'in_channels={self.in_channels}, '
                f'out_channels={self.out_channels}, kappa={self.kappa}, '
                f'connection={self.connection!r}, lateral={self.lateral!r}, '
                f'gate={self.gate}')
