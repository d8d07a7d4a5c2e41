"""IMR backbone: three 3D-ResNet pathways with gated lateral fusion (paper
2.1, Table 4; DESIGN.md section 3).

Pathways (stream key -> input):

* ``imgs`` (I): RGB I-frames ``[N, 3, T, H, W]``, ``base_channels`` wide,
  conv1 1x7x7, temporal kernels only in res4/res5 (SlowFast's slow path);
* ``motion_vectors`` (M): ``[N, 2, T*kappa, H, W]`` and ``residuals`` (R):
  ``[N, 3, T*kappa, H, W]``, ``base_channels / channel_ratio`` wide, conv1
  5x7x7, temporal kernel 3 in every block.

No temporal down-sampling anywhere, so T_P / T_I = kappa at every stage.
Spatial strides as in ResNet: conv1 2, max-pool 2, res3..res5 2 (224 -> 7).
An :class:`~mmaction_imr.models.fusion.IMRLateralFusion` follows conv1(+pool),
res2, res3 and res4 (not res5); it widens the next stage's input.
"""
from collections import OrderedDict
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule, ModuleDict, ModuleList
from mmengine.model.weight_init import constant_init, kaiming_init
from mmengine.utils.dl_utils.parrots_wrapper import _BatchNorm

from mmaction.models.backbones.resnet3d import (BasicBlock3d, Bottleneck3d,
                                                ResNet3d)
from mmaction.registry import MODELS
from ..fusion import IMRLateralFusion

#: Stream key -> (input channels, True for a P stream at kappa x frame rate).
STREAMS: Dict[str, Tuple[int, bool]] = OrderedDict(
    imgs=(3, False), motion_vectors=(2, True), residuals=(3, True))


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


@MODELS.register_module()
class IMRResNet3d(BaseModule):
    """IMRNet backbone (I, M, R pathways with bidirectional dynamic
    connections).

    Args:
        depth (int): 18 (BasicBlock3d, 2-2-2-2) or 50 (Bottleneck3d,
            3-4-6-3). Defaults to 18.
        streams (Sequence[str]): pathways to build, a subset of
            ``('imgs', 'motion_vectors', 'residuals')``; e.g. ``('imgs',)``
            for an I-frame-only model (needs ``connection='none'``).
            Defaults to all three.
        base_channels (int): I pathway conv1 width. Defaults to 64.
        channel_ratio (int): I / P pathway width ratio (Table 4: 16).
        kappa (int): P frames per I frame. Defaults to 5.
        lateral_divisor (int): laterals into a C-channel pathway are
            ``ceil(C / lateral_divisor)`` wide. Defaults to 8.
        connection (str): ``'bidirectional' | 'unidirectional' | 'none'``.
        lateral (str): ``'conv' | 'resample'``.
        gate (bool): multimodal-gated attention on the laterals.
        inflate_style (str): where a block's temporal kernel goes:
            ``'3x1x1'`` (first conv, Table 4) or ``'3x3x3'``.
        norm_cfg (dict): norm layers. Defaults to ``dict(type='BN3d')``.
        zero_init_residual (bool): zero the last BN of each residual block
            so blocks start as identities. Defaults to False.
        norm_eval (bool): keep BN layers in eval mode while training.
        pretrained (str, optional): checkpoint to load; shorthand for
            ``init_cfg=dict(type='Pretrained', checkpoint=pretrained)``.
        init_cfg (dict or list[dict], optional): mmengine init config, e.g.
            ``dict(type='Pretrained', checkpoint=..., prefix='backbone.')``.
    """

    arch_settings = {18: (IMRBasicBlock3d, (2, 2, 2, 2)),
                     50: (Bottleneck3d, (3, 4, 6, 3))}

    def __init__(self,
                 depth: int = 18,
                 streams: Sequence[str] = tuple(STREAMS),
                 base_channels: int = 64,
                 channel_ratio: int = 16,
                 kappa: int = 5,
                 lateral_divisor: int = 8,
                 connection: str = 'bidirectional',
                 lateral: str = 'conv',
                 gate: bool = True,
                 inflate_style: str = '3x1x1',
                 norm_cfg: Dict = dict(type='BN3d', requires_grad=True),
                 zero_init_residual: bool = False,
                 norm_eval: bool = False,
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
        unknown = set(streams) - set(STREAMS)
        if not streams or unknown or len(set(streams)) != len(streams):
            raise ValueError(f'streams must be distinct names from '
                             f'{tuple(STREAMS)}, got {tuple(streams)}')
        # canonical order: the I pathway first, as the fusion expects
        self.streams = tuple(s for s in STREAMS if s in streams)
        if connection != 'none' and (
                'imgs' not in self.streams or len(self.streams) < 2):
            raise ValueError(
                f'connection={connection!r} needs the imgs stream and at '
                f'least one P stream, got streams={self.streams}; use '
                "connection='none'")
        if base_channels < 1 or channel_ratio < 1 or \
                base_channels % channel_ratio:
            raise ValueError(
                f'base_channels ({base_channels}) must be a positive '
                f'multiple of channel_ratio ({channel_ratio})')
        if inflate_style not in ('3x1x1', '3x3x3'):
            raise ValueError(f"inflate_style must be '3x1x1' or '3x3x3', "
                             f'got {inflate_style!r}')
        self.depth = depth
        self.kappa = kappa
        self.zero_init_residual = zero_init_residual
        self.norm_eval = norm_eval

        block, stage_blocks = self.arch_settings[depth]
        conv_cfg = dict(type='Conv3d')
        act_cfg = dict(type='ReLU', inplace=True)
        widths = {s: base_channels // (channel_ratio if STREAMS[s][1] else 1)
                  for s in self.streams}

        def fusion(channels):
            return IMRLateralFusion(channels, kappa, lateral_divisor,
                                    connection, lateral, gate)

        # stem: conv1 (+ max-pool); I: 1x7x7, M/R: 5x7x7
        stem = MultiPathway()
        for s in self.streams:
            t = 5 if STREAMS[s][1] else 1
            stem[s] = nn.Sequential(OrderedDict(
                conv1=ConvModule(
                    STREAMS[s][0], widths[s], (t, 7, 7), stride=(1, 2, 2),
                    padding=(t // 2, 3, 3), bias=False, conv_cfg=conv_cfg,
                    norm_cfg=norm_cfg, act_cfg=act_cfg),
                maxpool=nn.MaxPool3d((1, 3, 3), (1, 2, 2), (0, 1, 1))))
        self.stages = ModuleList([stem])
        self.fusions = ModuleList([fusion([widths[s]
                                              for s in self.streams])])
        for i, num_blocks in enumerate(stage_blocks):
            stage = MultiPathway()
            in_channels = self.fusions[-1].out_channels
            for s, c_in in zip(self.streams, in_channels):
                stage[s] = ResNet3d.make_res_layer(
                    block, c_in, widths[s] * 2**i, num_blocks,
                    spatial_stride=1 if i == 0 else 2,
                    # SlowFast: I pathway temporal kernels from res4 on
                    inflate=1 if STREAMS[s][1] or i >= 2 else 0,
                    inflate_style=inflate_style, norm_cfg=norm_cfg,
                    act_cfg=act_cfg, conv_cfg=conv_cfg)
            self.stages.append(stage)
            out = [widths[s] * 2**i * block.expansion for s in self.streams]
            # the paper fuses after conv1, res2, res3, res4 but not res5
            self.fusions.append(
                fusion(out) if i < len(stage_blocks) - 1 else nn.Identity())
        self.out_channels: Tuple[int, ...] = tuple(out)

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
            x = inputs[s]
            if x is None:
                raise ValueError(f'{type(self).__name__} was built with '
                                 f'streams={self.streams} but got no {s}')
            if x.dim() != 5 or x.shape[1] != STREAMS[s][0]:
                raise ValueError(
                    f'{s} must be [N, {STREAMS[s][0]}, T, H, W], got '
                    f'{tuple(x.shape)}')
            xs.append(x)
        ref_s, ref = self.streams[0], xs[0]
        for s, x in zip(self.streams[1:], xs[1:]):
            if x.shape[0] != ref.shape[0] or x.shape[3:] != ref.shape[3:]:
                raise ValueError(
                    f'{s} {tuple(x.shape)} and {ref_s} {tuple(ref.shape)} '
                    'differ in batch size or H, W')
            ratio = 1 if STREAMS[ref_s][1] else self.kappa
            if x.shape[2] != ratio * ref.shape[2]:
                raise ValueError(
                    f'{s} has {x.shape[2]} frames, expected '
                    f'{ratio} * {ref.shape[2]} ({ref_s} frames'
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
        super().train(mode)
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self
