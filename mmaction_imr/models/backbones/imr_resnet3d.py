"""IMR backbone: three 3D-ResNet pathways with lateral fusion between stages
(paper 2.1, Table 4; see docs/design.md).

Pathways, one per stream of :data:`mmaction_imr.streams.STREAMS`:

* ``imgs`` (I): RGB I-frames ``[N, 3, T, H, W]``, ``base_channels`` wide,
  conv1 1x7x7, temporal kernels only in res4/res5 (SlowFast's slow path);
* ``motion_vectors`` (M): ``[N, 2, T*kappa, H, W]`` and ``residuals`` (R):
  ``[N, 3, T*kappa, H, W]`` (the per-P-frame streams), ``base_channels /
  channel_ratio`` wide, conv1 5x7x7, temporal kernel 3 in every block.

No temporal down-sampling anywhere, so T_P / T_I = kappa at every stage.
Spatial strides as in ResNet: conv1 2, max-pool 2, res3..res5 2 (224 -> 7).
A fusion module, built from the ``fusion`` config (by default an
:class:`~mmaction_imr.models.fusion.IMRLateralFusion`), follows conv1(+pool),
res2, res3 and res4 (not res5); it widens the next stage's input.
"""
import contextlib
import copy
from collections import OrderedDict
from typing import Dict, Iterator, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from torch.utils.checkpoint import checkpoint
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule, ModuleDict, ModuleList
from mmengine.model.weight_init import constant_init, kaiming_init
from mmengine.utils.dl_utils.parrots_wrapper import _BatchNorm

from mmaction.models.backbones.resnet3d import (BasicBlock3d, Bottleneck3d,
                                                ResNet3d)
from mmaction.registry import MODELS
from mmaction_imr.streams import IMGS, STREAM_KEYS, STREAMS, check_streams

__all__ = [
    'IMRBasicBlock3d', 'IMRResNet3d', 'IdentityFusion', 'MultiPathway',
    'ResLayer'
]


class IMRBasicBlock3d(BasicBlock3d):
    """mmaction's :class:`BasicBlock3d` that honours ``inflate_style``.

    mmaction's basic block accepts but ignores ``inflate_style`` and, when
    inflated, uses 3x3x3 in BOTH convs. Table 4 of the paper (R18, M/R res3:
    ``3x3^2, 8 / 1x3^2, 8``) has the temporal kernel only in the first conv,
    like the '3x1x1' bottleneck. ``inflate_style='3x1x1'`` gives that;
    ``'3x3x3'`` keeps mmaction's behaviour.
    """

    def __init__(self, inplanes: int, planes: int, *args,
                 inflate_style: str = '3x1x1', **kwargs) -> None:
        if inflate_style not in ('3x1x1', '3x3x3'):
            raise ValueError(f"inflate_style must be '3x1x1' or '3x3x3', "
                             f'got {inflate_style!r}')
        super().__init__(inplanes, planes, *args, **kwargs)
        if self.inflate and inflate_style == '3x1x1':
            self.conv2 = ConvModule(
                planes, planes * self.expansion, (1, 3, 3),
                padding=(0, 1, 1), bias=False, conv_cfg=self.conv_cfg,
                norm_cfg=self.norm_cfg, act_cfg=None)


class MultiPathway(ModuleDict):
    """One layer per pathway, applied to the matching tensor of a tuple."""

    def forward(self, xs: Sequence[torch.Tensor]) -> Tuple[torch.Tensor, ...]:
        return tuple(layer(x) for layer, x in zip(self.values(), xs))


@contextlib.contextmanager
def _bn_stats_kept(module: nn.Module) -> Iterator[None]:
    """Freeze the running statistics of the BN layers in ``module``.

    Checkpointing recomputes a block's forward pass during backward; in
    training mode BN would then count the batch twice (running mean and
    variance moved twice, ``num_batches_tracked`` incremented twice), so
    ``with_cp`` would change the trained model. Momentum 0 leaves the
    statistics as they are while the recomputation still normalises with
    the batch statistics, like the first pass.
    """
    saved = [(m, m.momentum, m.num_batches_tracked.clone())
             for m in module.modules()
             if isinstance(m, _BatchNorm) and m.training
             and m.track_running_stats]
    for m, _, _ in saved:
        m.momentum = 0.
    try:
        yield
    finally:
        for m, momentum, count in saved:
            m.momentum = momentum
            m.num_batches_tracked.copy_(count)


class ResLayer(nn.Sequential):
    """The residual blocks of one pathway's stage, optionally checkpointed.

    A :class:`~torch.nn.Sequential` (same parameter names as mmaction's
    ``make_res_layer`` output) whose blocks are recomputed in backward
    instead of keeping their activations when ``with_cp`` is set. mmaction's
    blocks have a ``with_cp`` of their own, but it counts BN statistics
    twice (see :func:`_bn_stats_kept`), so it is not used.

    Args:
        blocks (nn.Sequential): the blocks, from ``make_res_layer``.
        with_cp (bool): checkpoint each block while grad is enabled.
    """

    def __init__(self, blocks: nn.Sequential, with_cp: bool = False) -> None:
        super().__init__(*blocks)
        self.with_cp = with_cp

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self:
            if self.with_cp and torch.is_grad_enabled():
                x = checkpoint(
                    block, x, use_reentrant=False,
                    context_fn=lambda b=block: (contextlib.nullcontext(),
                                                _bn_stats_kept(b)))
            else:
                x = block(x)
        return x


class IdentityFusion(nn.Identity):
    """No fusion: the pathway tuple passes unchanged.

    Args:
        in_channels (Sequence[int]): the pathway widths, also
            ``out_channels``.
    """

    def __init__(self, in_channels: Sequence[int]) -> None:
        super().__init__()
        self.out_channels: Tuple[int, ...] = tuple(in_channels)


@MODELS.register_module()
class IMRResNet3d(BaseModule):
    """IMRNet backbone: I, M, R pathways and a fusion after each stage.

    ``forward`` reads like the paper's figure: ``for stage, fuse in
    zip(stages, fusions): xs = fuse(stage(xs))``. ``stages[0]`` is the stem
    (conv1 + max-pool), ``stages[1..4]`` are res2..res5; ``fusions[i]``
    follows ``stages[i]`` (``fusions[4]`` is an identity: the paper does not
    fuse after res5).

    Args:
        depth (int): 18 (BasicBlock3d, 2-2-2-2) or 50 (Bottleneck3d,
            3-4-6-3). Defaults to 18.
        streams (Sequence[str]): pathways to build, a subset of
            ``('imgs', 'motion_vectors', 'residuals')``, put in that order;
            e.g. ``('imgs', )`` for an I-frame-only model (with
            ``fusion=None``). Defaults to all three.
        base_channels (int): I pathway conv1 width. Defaults to 64.
        channel_ratio (int): I / P pathway width ratio (Table 4: 16).
        kappa (int): P frames per I frame. Defaults to 5.
        fusion (dict, optional): config of the module between stages,
            built with :data:`MODELS` once per fusion site; the backbone
            adds ``in_channels`` (the pathway widths there, stream order)
            and ``kappa``, and the module must expose ``out_channels``.
            Defaults to ``dict(type='IMRLateralFusion')`` (bidirectional,
            gated, conv laterals); the paper's ablations are its arguments,
            e.g. ``fusion=dict(connection='none')`` for late fusion. None:
            no fusion, the pathways run separately (the only choice without
            the ``imgs`` stream or with one stream).
        inflate_style (str): where a block's temporal kernel goes:
            ``'3x1x1'`` (first conv, Table 4) or ``'3x3x3'``.
        norm_cfg (dict): norm layers. Defaults to ``dict(type='BN3d')``.
        frozen_stages (int): as mmaction2's ``ResNet3d``: -1 freezes
            nothing, 0 the stem, ``i`` the stem and res2..res(i+1), in every
            pathway, with the fusions that feed them. Frozen parts have
            ``requires_grad=False`` and stay in eval mode (BN statistics
            fixed) through ``train()``. Defaults to -1.
        norm_eval (bool): keep every BN layer in eval mode while training
            (statistics fixed; affine parameters still learn unless
            frozen). Defaults to False.
        with_cp (bool): gradient checkpointing of each residual block
            (recomputed in backward: less memory, more time; same outputs,
            gradients and BN statistics, see :class:`ResLayer`). Defaults
            to False.
        zero_init_residual (bool): zero the last BN of each residual block
            so blocks start as identities. Defaults to False.
        pretrained (str, optional): checkpoint to load; shorthand for
            ``init_cfg=dict(type='Pretrained', checkpoint=pretrained)``.
        init_cfg (dict or list[dict], optional): mmengine init config, e.g.
            ``dict(type='Pretrained', checkpoint=..., prefix='backbone.')``.
    """

    arch_settings = {18: (IMRBasicBlock3d, (2, 2, 2, 2)),
                     50: (Bottleneck3d, (3, 4, 6, 3))}

    def __init__(self,
                 depth: int = 18,
                 streams: Sequence[str] = STREAM_KEYS,
                 base_channels: int = 64,
                 channel_ratio: int = 16,
                 kappa: int = 5,
                 fusion: Optional[Dict] = dict(type='IMRLateralFusion'),
                 inflate_style: str = '3x1x1',
                 norm_cfg: Dict = dict(type='BN3d', requires_grad=True),
                 frozen_stages: int = -1,
                 norm_eval: bool = False,
                 with_cp: bool = False,
                 zero_init_residual: bool = False,
                 pretrained: Optional[str] = None,
                 init_cfg=None) -> None:
        if pretrained is not None:
            if init_cfg is not None:
                raise ValueError('give either pretrained or init_cfg, '
                                 'not both')
            init_cfg = dict(type='Pretrained', checkpoint=pretrained)
        super().__init__(init_cfg=init_cfg)
        if depth not in self.arch_settings:
            raise ValueError(f'depth must be one of '
                             f'{sorted(self.arch_settings)}, got {depth!r}')
        if isinstance(streams, str):
            streams = (streams, )
        # canonical order: the I pathway first, as the fusion expects
        self.streams = check_streams(streams, 'streams')
        if fusion is not None and (IMGS not in self.streams
                                   or len(self.streams) < 2):
            raise ValueError(
                f'a fusion needs the {IMGS} stream and at least one P '
                f'stream, got streams={self.streams}; use fusion=None')
        if base_channels < 1 or channel_ratio < 1 or \
                base_channels % channel_ratio:
            raise ValueError(
                f'base_channels ({base_channels}) must be a positive '
                f'multiple of channel_ratio ({channel_ratio})')
        if inflate_style not in ('3x1x1', '3x3x3'):
            raise ValueError(f"inflate_style must be '3x1x1' or '3x3x3', "
                             f'got {inflate_style!r}')
        block, stage_blocks = self.arch_settings[depth]
        if not -1 <= frozen_stages <= len(stage_blocks):
            raise ValueError(f'frozen_stages must be in -1..'
                             f'{len(stage_blocks)}, got {frozen_stages!r}')
        self.depth = depth
        self.kappa = kappa
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        self.with_cp = with_cp
        self.zero_init_residual = zero_init_residual

        conv_cfg = dict(type='Conv3d')
        act_cfg = dict(type='ReLU', inplace=True)
        per_pframe = {s: STREAMS[s].per_pframe for s in self.streams}
        widths = {s: base_channels // (channel_ratio if per_pframe[s] else 1)
                  for s in self.streams}

        # stem: conv1 (+ max-pool); I: 1x7x7, M/R: 5x7x7
        stem = MultiPathway()
        for s in self.streams:
            t = 5 if per_pframe[s] else 1
            stem[s] = nn.Sequential(OrderedDict(
                conv1=ConvModule(
                    STREAMS[s].channels, widths[s], (t, 7, 7),
                    stride=(1, 2, 2), padding=(t // 2, 3, 3), bias=False,
                    conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg),
                maxpool=nn.MaxPool3d((1, 3, 3), (1, 2, 2), (0, 1, 1))))
        self.stages = ModuleList([stem])
        out = tuple(widths[s] for s in self.streams)
        self.fusions = ModuleList([self._build_fusion(fusion, out)])
        for i, num_blocks in enumerate(stage_blocks):
            stage = MultiPathway()
            in_channels = self.fusions[-1].out_channels
            for s, c_in in zip(self.streams, in_channels):
                stage[s] = ResLayer(ResNet3d.make_res_layer(
                    block, c_in, widths[s] * 2**i, num_blocks,
                    spatial_stride=1 if i == 0 else 2,
                    # SlowFast: I pathway temporal kernels from res4 on
                    inflate=1 if per_pframe[s] or i >= 2 else 0,
                    inflate_style=inflate_style, norm_cfg=norm_cfg,
                    act_cfg=act_cfg, conv_cfg=conv_cfg), with_cp)
            self.stages.append(stage)
            out = tuple(widths[s] * 2**i * block.expansion
                        for s in self.streams)
            # the paper fuses after conv1, res2, res3, res4 but not res5
            last = i == len(stage_blocks) - 1
            self.fusions.append(self._build_fusion(None if last else fusion,
                                                   out))
        self.out_channels: Tuple[int, ...] = out
        self._freeze_stages()

    def _build_fusion(self, cfg: Optional[Dict],
                      in_channels: Tuple[int, ...]) -> nn.Module:
        """One fusion site; pytorchvideo's ``fusion_builder`` as a config."""
        if cfg is None:
            return IdentityFusion(in_channels)
        cfg = copy.deepcopy(dict(cfg))
        given = {'in_channels', 'kappa'} & set(cfg)
        if given:
            raise ValueError(f'fusion={cfg!r}: {sorted(given)} are set by '
                             f'{type(self).__name__}, not by the fusion '
                             'config')
        return MODELS.build(dict(cfg, in_channels=in_channels,
                                 kappa=self.kappa))

    def _freeze_stages(self) -> None:
        """``requires_grad=False`` and eval mode for the frozen part."""
        for i in range(self.frozen_stages + 1):
            # stage i and the fusion feeding it (none feeds the stem)
            parts = [self.stages[i]] + ([self.fusions[i - 1]] if i else [])
            for m in parts:
                m.eval()
                for p in m.parameters():
                    p.requires_grad = False

    def init_weights(self) -> None:
        """Kaiming (fan_out, ReLU) convs, unit BN, optional zero last BN of
        each block; the fusions initialise themselves. With a ``Pretrained``
        init_cfg the checkpoint is loaded by mmengine instead."""
        # children (ConvModules, fusions), then init_cfg (checkpoint last);
        # mmengine's ModuleList/ModuleDict make the recursion reach them.
        super().init_weights()
        cfgs = self.init_cfg if isinstance(self.init_cfg, list) else [
            self.init_cfg]
        if any(c and c.get('type') == 'Pretrained' for c in cfgs):
            return
        # explicit, although mmcv's ConvModule.init_weights does the same,
        # so the scratch init does not depend on mmcv internals
        for m in self.stages.modules():
            if isinstance(m, nn.Conv3d):
                kaiming_init(m)
            elif isinstance(m, _BatchNorm):
                constant_init(m, 1)
        if self.zero_init_residual:
            for m in self.stages.modules():
                if isinstance(m, Bottleneck3d):
                    constant_init(m.conv3.bn, 0)
                elif isinstance(m, BasicBlock3d):
                    constant_init(m.conv2.bn, 0)

    def _check_inputs(self, inputs: Dict[str, Optional[torch.Tensor]]
                      ) -> Tuple[torch.Tensor, ...]:
        xs = []
        for s in self.streams:
            x, channels = inputs[s], STREAMS[s].channels
            if x is None:
                raise ValueError(f'{type(self).__name__} was built with '
                                 f'streams={self.streams} but got no {s}')
            if x.dim() != 5 or x.shape[1] != channels:
                raise ValueError(f'{s} must be [N, {channels}, T, H, W], '
                                 f'got {tuple(x.shape)}')
            xs.append(x)
        ref_s, ref = self.streams[0], xs[0]
        for s, x in zip(self.streams[1:], xs[1:]):
            if x.shape[0] != ref.shape[0] or x.shape[3:] != ref.shape[3:]:
                raise ValueError(
                    f'{s} {tuple(x.shape)} and {ref_s} {tuple(ref.shape)} '
                    'differ in batch size or H, W')
            ratio = 1 if STREAMS[ref_s].per_pframe else self.kappa
            if x.shape[2] != ratio * ref.shape[2]:
                raise ValueError(
                    f'{s} has {x.shape[2]} frames, expected '
                    f'{ref.shape[2]} * {ratio} ({ref_s} frames'
                    f'{" * kappa" if ratio > 1 else ""})')
        return tuple(xs)

    def forward(self,
                imgs: Optional[torch.Tensor] = None,
                motion_vectors: Optional[torch.Tensor] = None,
                residuals: Optional[torch.Tensor] = None
                ) -> Tuple[torch.Tensor, ...]:
        """Encode a compressed clip.

        Args:
            imgs (Tensor, optional): I-frames ``[N, 3, T, H, W]``.
            motion_vectors (Tensor, optional): ``[N, 2, T*kappa, H, W]``.
            residuals (Tensor, optional): ``[N, 3, T*kappa, H, W]``.
                Streams the backbone was not built with are ignored, so an
                ablation can share the three-stream data pipeline.

        Returns:
            tuple[Tensor]: final maps of the configured streams, in stream
            order, e.g. ``[N, 512, T, H/32, W/32]``,
            ``[N, 32, T*kappa, H/32, W/32]`` x 2 (R18, base 64).
        """
        xs = self._check_inputs(dict(imgs=imgs, motion_vectors=motion_vectors,
                                     residuals=residuals))
        for stage, fuse in zip(self.stages, self.fusions):
            xs = fuse(stage(xs))
        return xs

    def train(self, mode: bool = True) -> 'IMRResNet3d':
        """Set the mode, keeping frozen stages and (``norm_eval``) every BN
        layer in eval mode."""
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self

