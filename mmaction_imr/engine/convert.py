"""Turn a pretraining checkpoint into backbone weights (the pretext heads
are dropped after pretraining: docs/design.md#after-pretraining).

The output is weights only (``{'state_dict': ..., 'meta': ...}`` of tensors
and plain values, written by
:func:`mmaction_imr.engine.checkpoint.save_weights_only`), with the keys
kept under their ``backbone.`` prefix, so the same file works as

- ``load_from = 'imr_r18_pretrained.pth'`` for an ``MMRecognizer3D`` (the
  keys match its ``backbone``; the new classification head is reported as
  missing and initialised from scratch), and
- ``backbone=dict(type='IMRResNet3d', ..., init_cfg=dict(type='Pretrained',
  checkpoint='imr_r18_pretrained.pth', prefix='backbone.'))``.
"""
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, NamedTuple, Optional, Sequence

import torch

from mmaction.registry import MODELS

from ..version import __version__
from .checkpoint import (read_checkpoint, save_weights_only,
                         strip_module_prefix)

__all__ = ['ConversionResult', 'split_backbone', 'check_backbone',
           'convert_pretrained', 'merge_weights']


class ConversionResult(NamedTuple):
    """``kept``: output keys; ``dropped``: source keys left out."""
    kept: List[str]
    dropped: List[str]


def split_backbone(state_dict: Dict[str, torch.Tensor], prefix: str
                   ) -> ConversionResult:
    """Keys under ``prefix`` (kept) and the others (dropped)."""
    kept, dropped = [], []
    for key in state_dict:
        (kept if key.startswith(prefix) else dropped).append(key)
    return ConversionResult(kept, dropped)


def check_backbone(state_dict: Dict[str, torch.Tensor], prefix: str,
                   backbone_cfg: Dict) -> List[str]:
    """Compare backbone weights with a backbone built from ``backbone_cfg``.

    Returns:
        One line per problem (missing key, unexpected key, shape mismatch);
        empty when every parameter and buffer matches.
    """
    cfg = dict(backbone_cfg)
    cfg.pop('init_cfg', None)  # do not load anything while checking
    cfg.pop('pretrained', None)
    target = MODELS.build(cfg).state_dict()
    ours = {k[len(prefix):]: v for k, v in state_dict.items()}
    problems = [f'missing in checkpoint: {prefix}{k} {tuple(v.shape)}'
                for k, v in target.items() if k not in ours]
    problems += [f'not in the model: {prefix}{k}' for k in ours
                 if k not in target]
    problems += [
        f'shape mismatch: {prefix}{k} checkpoint {tuple(ours[k].shape)} vs '
        f'model {tuple(v.shape)}' for k, v in target.items()
        if k in ours and tuple(ours[k].shape) != tuple(v.shape)
    ]
    return problems


def convert_pretrained(src: str,
                       dst: str,
                       prefix: str = 'backbone.',
                       trust: bool = False,
                       backbone_cfg: Optional[Dict] = None,
                       out_prefix: Optional[str] = None
                       ) -> ConversionResult:
    """Write the backbone weights of ``src`` to ``dst`` (weights only).

    Args:
        src: pretraining checkpoint (mmengine full checkpoint or a weights
            only file). A full pickle loads only with ``trust=True`` or from a
            trusted (:func:`mmaction_imr.engine.checkpoint.is_trusted`).
        dst: output ``.pth``.
        prefix: backbone key prefix in ``src``.
        trust: trust ``src`` (``--trust-checkpoint``).
        backbone_cfg: if given, the weights must match this backbone exactly.
        out_prefix: the prefix of the keys in ``dst``; defaults to
            ``prefix`` (kept). E.g. an MVCGC encoder, ``prefix=
            'encoders.rgb.backbone.'``, ``out_prefix='backbone.rgb.'``: the
            keys of a ``StreamBackbones`` stream.

    Returns:
        :class:`ConversionResult` (``kept``: the keys as written).

    Raises:
        FileNotFoundError, UntrustedCheckpointError: ``src`` unreadable.
        ValueError: no state dict, no key under ``prefix``, or a mismatch with
            ``backbone_cfg`` (message lists the keys).
    """
    ckpt = read_checkpoint(src, trust=trust)
    state_dict = _state_dict(src, ckpt)
    result = split_backbone(state_dict, prefix)
    if not result.kept:
        some = ', '.join(list(state_dict)[:5])
        raise ValueError(f'{src}: no key starts with {prefix!r} (first keys: '
                         f'{some}); pass --prefix')
    backbone = OrderedDict((k, state_dict[k]) for k in result.kept)
    if backbone_cfg is not None:
        problems = check_backbone(backbone, prefix, backbone_cfg)
        if problems:
            raise ValueError(
                f'{src}: the backbone weights do not match the config '
                f'({len(problems)} problems):\n  ' + '\n  '.join(problems))
    if out_prefix is not None and out_prefix != prefix:
        backbone = OrderedDict((out_prefix + k[len(prefix):], v)
                               for k, v in backbone.items())
        result = ConversionResult(list(backbone), result.dropped)
    meta = _plain_meta(ckpt)
    meta.update(converted_from=osp.basename(src), prefix=prefix,
                out_prefix=prefix if out_prefix is None else out_prefix,
                converted_by='tools/convert_pretrained.py',
                mmaction_imr_version=__version__,
                dropped_modules=sorted({k.split('.')[0]
                                        for k in result.dropped}))
    save_weights_only(backbone, dst, meta)
    return result


def _plain_meta(ckpt: Dict) -> Dict:
    """The training meta worth keeping in a weights-only file."""
    meta = ckpt.get('meta', {}) if isinstance(ckpt.get('meta'), dict) else {}
    return {k: meta[k] for k in ('epoch', 'iter', 'seed', 'experiment_name',
                                 'mmengine_version', 'time') if k in meta}


def _state_dict(src: str, ckpt) -> Dict[str, torch.Tensor]:
    """The tensors of a loaded checkpoint (``module.`` prefix removed)."""
    state_dict = ckpt.get('state_dict', ckpt) if isinstance(ckpt,
                                                             dict) else None
    if not isinstance(state_dict, dict) or not state_dict or not all(
            isinstance(v, torch.Tensor) for v in state_dict.values()):
        raise ValueError(f'{src}: no state_dict of tensors found')
    return strip_module_prefix(state_dict)


def merge_weights(srcs: Sequence[str], dst: str,
                  trust: bool = False) -> List[str]:
    """Write the union of the weights of ``srcs`` to ``dst`` (weights only).

    For late fusion: two single-stream recognizers trained apart (weights
    ``backbone.rgb.*`` / ``cls_head.heads.rgb.*`` and ``backbone.mv.*`` /
    ``cls_head.heads.mv.*``) give the checkpoint of the two-stream model.
    Training state is dropped.

    Args:
        srcs: two or more checkpoints (mmengine training checkpoints load
            under the trust policy, as in :func:`convert_pretrained`).
        dst: output ``.pth``.
        trust: trust every source (``--trust-checkpoint``).

    Returns:
        The keys written, in order.

    Raises:
        ValueError: fewer than two sources, a source without tensors, or a
            key in two sources (the message names both files).
    """
    if len(srcs) < 2:
        raise ValueError('merge_weights needs at least two checkpoints')
    merged: Dict[str, torch.Tensor] = OrderedDict()
    owner: Dict[str, str] = {}
    for src in srcs:
        for key, value in _state_dict(src, read_checkpoint(src, trust)).items():
            if key in merged:
                raise ValueError(f'{key} is in both {owner[key]} and {src}: '
                                 'the checkpoints must hold different streams')
            merged[key] = value
            owner[key] = src
    save_weights_only(merged, dst, dict(
        merged_from=[osp.basename(s) for s in srcs],
        converted_by='tools/merge_weights.py',
        mmaction_imr_version=__version__))
    return list(merged)
