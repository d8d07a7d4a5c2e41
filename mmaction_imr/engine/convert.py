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
from typing import Dict, List, NamedTuple, Optional

import torch

from mmaction.registry import MODELS

from ..version import __version__
from .checkpoint import read_checkpoint, save_weights_only

__all__ = ['ConversionResult', 'split_backbone', 'check_backbone',
           'convert_pretrained']


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
                       backbone_cfg: Optional[Dict] = None
                       ) -> ConversionResult:
    """Write the backbone weights of ``src`` to ``dst`` (weights only).

    Args:
        src: pretraining checkpoint (mmengine full checkpoint or a weights
            only file). A full pickle loads only with ``trust=True`` or from a
            trusted (:func:`mmaction_imr.engine.checkpoint.is_trusted`).
        dst: output ``.pth``.
        prefix: backbone key prefix in ``src``, kept in ``dst``.
        trust: trust ``src`` (``--trust-checkpoint``).
        backbone_cfg: if given, the weights must match this backbone exactly.

    Returns:
        :class:`ConversionResult`.

    Raises:
        FileNotFoundError, UntrustedCheckpointError: ``src`` unreadable.
        ValueError: no state dict, no key under ``prefix``, or a mismatch with
            ``backbone_cfg`` (message lists the keys).
    """
    ckpt = read_checkpoint(src, trust=trust)
    state_dict = ckpt.get('state_dict', ckpt) if isinstance(ckpt,
                                                             dict) else None
    if not isinstance(state_dict, dict) or not state_dict or not all(
            isinstance(v, torch.Tensor) for v in state_dict.values()):
        raise ValueError(f'{src}: no state_dict of tensors found')
    # a DataParallel / DDP wrapper adds `module.` to every key
    if all(k.startswith('module.') for k in state_dict):
        state_dict = OrderedDict(
            (k[len('module.'):], v) for k, v in state_dict.items())
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
    meta = ckpt.get('meta', {}) if isinstance(ckpt.get('meta'), dict) else {}
    meta = {k: meta[k] for k in ('epoch', 'iter', 'seed', 'experiment_name',
                                 'mmengine_version', 'time') if k in meta}
    meta.update(converted_from=osp.basename(src), prefix=prefix,
                converted_by='tools/convert_pretrained.py',
                mmaction_imr_version=__version__,
                dropped_modules=sorted({k.split('.')[0]
                                        for k in result.dropped}))
    save_weights_only(backbone, dst, meta)
    return result
