"""Weights-only checkpoints: what the model zoo publishes and loads.

A weights-only file holds tensors and plain Python values only, so
``torch.load(..., weights_only=True)`` (safe: no code runs) reads it, and
mmengine's ``load_from`` / ``init_cfg=dict(type='Pretrained')`` load it with
the shim of :mod:`mmaction_imr.compat`.
"""
import hashlib
import os
import os.path as osp
from collections import OrderedDict
from typing import Any, Dict, Optional

import torch

from ..compat import load_local_checkpoint, trust_checkpoint_path

__all__ = [
    'plain_meta', 'save_weights_only', 'read_checkpoint', 'sha256sum',
    'publish_checkpoint'
]

_PLAIN = (str, int, float, bool, type(None))


def plain_meta(meta: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """Keep the entries of ``meta`` that are plain values (recursively).

    numpy scalars become Python numbers; anything else (objects, arrays) is
    dropped, since a weights-only load would refuse it.
    """
    drop = object()

    def clean(v):
        if isinstance(v, _PLAIN):
            return v
        if hasattr(v, 'item') and getattr(v, 'ndim', None) == 0:
            return v.item()  # numpy / torch scalar
        if isinstance(v, dict):
            out = {str(k): clean(x) for k, x in v.items()}
            return {k: x for k, x in out.items() if x is not drop}
        if isinstance(v, (list, tuple)):
            out = [clean(x) for x in v]
            return [x for x in out if x is not drop]
        return drop

    return clean(dict(meta or {}))


def save_weights_only(state_dict: Dict[str, torch.Tensor],
                      path: str,
                      meta: Optional[Dict[str, Any]] = None) -> None:
    """Write ``{'state_dict': ..., 'meta': ...}`` atomically, then check it
    loads with ``weights_only=True``."""
    state = OrderedDict(
        (k, v.detach().cpu().clone()) for k, v in state_dict.items())
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = path + '.tmp'
    torch.save({'state_dict': state, 'meta': plain_meta(meta)}, tmp)
    torch.load(tmp, map_location='cpu', weights_only=True)
    os.replace(tmp, path)


def read_checkpoint(path: str, trust: bool = False) -> Dict[str, Any]:
    """Load a checkpoint for conversion.

    Weights-only files always load; a full mmengine checkpoint loads only
    when ``trust`` is set (``--trust-checkpoint``) or it lies in a trusted
    place (see :mod:`mmaction_imr.compat`), otherwise
    :class:`~mmaction_imr.compat.UntrustedCheckpointError` says what to do.
    """
    if trust:
        trust_checkpoint_path(path)
    return load_local_checkpoint(path, map_location='cpu')


def sha256sum(path: str) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def publish_checkpoint(src: str, out: str, trust: bool = False) -> str:
    """Make a model-zoo file from a training checkpoint.

    Drops the optimizer, message hub and every non-plain meta entry, saves
    weights only and appends the first 8 hex digits of the file's sha256 to
    the name (``out.pth`` -> ``out-1a2b3c4d.pth``), as mmaction2's model zoo
    does.

    Returns:
        The path of the published file.
    """
    ckpt = read_checkpoint(src, trust=trust)
    state_dict = ckpt.get('state_dict', ckpt)
    if not isinstance(state_dict, dict) or not all(
            isinstance(v, torch.Tensor) for v in state_dict.values()):
        raise ValueError(f'{src}: no state_dict of tensors found')
    meta = dict(ckpt.get('meta', {}))
    meta['published_from'] = osp.basename(src)
    stem = out[:-4] if out.endswith('.pth') else out
    tmp = stem + '.pth'
    save_weights_only(state_dict, tmp, meta)
    final = f'{stem}-{sha256sum(tmp)[:8]}.pth'
    os.replace(tmp, final)
    return final
