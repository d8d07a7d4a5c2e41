"""One backbone per input stream, side by side (no fusion between them).

The backbone of a late-fusion (two-stream) recognizer, e.g. the RGB and the
motion-vector encoders of MVCGC evaluated together, or either one alone. It
takes mmaction2's multi-modal inputs (``backbone(**inputs)``, as
``MMRecognizer3D`` calls it) and returns one feature map per stream.
"""
from typing import Dict, Mapping, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmengine.runner.checkpoint import CheckpointLoader

from mmaction.registry import MODELS

from ...engine.checkpoint import strip_module_prefix

__all__ = ['StreamBackbones', 'select_streams', 'load_prefixed']


def load_prefixed(module: nn.Module, checkpoint: str, prefix: str,
                  what: str = 'module') -> None:
    """Load the weights under ``prefix`` of ``checkpoint`` into ``module``.

    Strict: every key of ``module`` must be there with its shape (a prefix
    that matches nothing or a different architecture is an error naming
    the file, not a log line). The file goes through mmengine's loader, so
    the checkpoint trust policy applies.

    Raises:
        ValueError: no key under ``prefix``, or the weights do not match.
    """
    ckpt = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu')
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else {}
    state = strip_module_prefix(state)
    sub = {k[len(prefix):]: v for k, v in state.items()
           if k.startswith(prefix)}
    if not sub:
        raise ValueError(f'{checkpoint}: no key starts with {prefix!r} '
                         f'(loading {what}; first keys: '
                         f'{", ".join(list(state)[:4]) or "none"})')
    try:
        module.load_state_dict(sub, strict=True)
    except RuntimeError as err:
        raise ValueError(f'{checkpoint}: the weights under {prefix!r} do not '
                         f'match {what}: {err}') from None


def select_streams(available: Mapping, streams: Optional[Sequence[str]],
                   owner: str) -> Tuple[str, ...]:
    """``streams`` (default: every key of ``available``), checked."""
    if streams is None:
        return tuple(available)
    if isinstance(streams, str):
        streams = (streams, )
    unknown = [s for s in streams if s not in available]
    if not streams or unknown or len(set(streams)) != len(streams):
        raise ValueError(f'{owner}: streams {list(streams)} must be distinct '
                         f'names among {list(available)}')
    return tuple(streams)


@MODELS.register_module()
class StreamBackbones(BaseModule):
    """Independent backbones, each reading one key of the inputs.

    Each backbone is a child module named after its stream, so the weights
    of stream ``rgb`` are ``backbone.rgb.*`` in a recognizer's checkpoint:
    the checkpoints of two single-stream recognizers (same names) are merged
    by taking the union of their weights.

    Args:
        backbones (dict): ``{name: backbone config}``, e.g.
            ``dict(rgb=dict(type='ResNet2Plus1d', in_channels=3, ...),
            mv=dict(type='ResNet2Plus1d', in_channels=2, ...))``. The order
            is the order of the outputs.
        inputs (dict): ``{name: inputs key}``, which results key each
            backbone reads, e.g. ``dict(rgb='imgs', mv='motion_vectors')``;
            same names as ``backbones``.
        streams (sequence of str, optional): the streams to build, a subset
            of ``backbones`` (e.g. ``('rgb', )`` for the RGB encoder alone
            from a two-stream config); default all, in the order of
            ``backbones``.
        init_cfg (dict, optional): mmengine initialisation config of the
            whole (e.g. ``Pretrained`` with a ``backbone.`` prefix for a
            two-stream checkpoint).

    A backbone config may carry ``init_cfg=dict(type='Pretrained',
    checkpoint=..., prefix=...)`` (e.g. ``prefix='encoders.rgb.backbone.'``
    of an MVCGC checkpoint). :meth:`init_weights` loads it after the
    backbone's own initialisation, strictly (every key, every shape),
    because mmaction2's ``ResNet3d`` family initialises from its
    ``pretrained`` argument and ignores ``init_cfg``.

    Attributes:
        streams (tuple[str]): the stream names, in output order (the feature
            names of :mod:`mmaction_imr.evaluation.features`).
    """

    def __init__(self, backbones: Mapping[str, Dict],
                 inputs: Mapping[str, str],
                 streams: Optional[Sequence[str]] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not backbones:
            raise ValueError('StreamBackbones needs at least one backbone')
        if set(backbones) != set(inputs):
            raise ValueError(
                f'StreamBackbones: backbones {sorted(backbones)} and inputs '
                f'{sorted(inputs)} must name the same streams')
        self.streams = select_streams(backbones, streams, 'StreamBackbones')
        self.inputs = {name: str(inputs[name]) for name in self.streams}
        for name in self.streams:
            if not name.isidentifier():
                raise ValueError(f'StreamBackbones: stream name {name!r} is '
                                 'not a valid module name')
            self.add_module(name, MODELS.build(backbones[name]))

    def init_weights(self) -> None:
        super().init_weights()
        for name in self.streams:
            cfg = getattr(self, name).init_cfg
            if isinstance(cfg, Mapping) and cfg.get('type') == 'Pretrained':
                load_prefixed(getattr(self, name), cfg['checkpoint'],
                              cfg.get('prefix', ''), f'stream {name!r}')

    def forward(self, **inputs: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """``{key: [N, C, T, H, W]}`` -> one map per stream, in order.

        Keys that no backbone reads are ignored, so a pipeline may pack more
        streams than the model uses.
        """
        missing = [k for k in self.inputs.values() if k not in inputs]
        if missing:
            raise KeyError(f'StreamBackbones: inputs {missing} missing; got '
                           f'{sorted(inputs)} (set PackActionInputs('
                           'collect_keys=...) in the pipeline)')
        return tuple(
            getattr(self, name)(inputs[self.inputs[name]])
            for name in self.streams)
