"""Every shim for an upstream defect of the pinned stack, and nothing else.

Imported first by :mod:`mmaction_imr`, so that everything else can use
mmaction2 / mmengine as if the defects did not exist. Each shim names the
defect, and ``tests/test_compat.py`` holds a test per shim that fails once
upstream no longer needs it (then delete the shim and its test).

Shims:

1. ``drn``: the mmaction2 1.2.0 wheel ships without
   ``mmaction/models/localizers/drn/``, yet ``mmaction.models.localizers``
   imports it, so ``import mmaction.models`` (and ``register_all_modules()``)
   raise ``ModuleNotFoundError``. We install a placeholder module whose
   ``DRN`` raises a clear error if anybody tries to build it.
2. ``torch.load``: mmengine 0.10.7 calls ``torch.load`` without
   ``weights_only``; torch >= 2.6 defaults to ``weights_only=True``, which
   rejects mmengine's own checkpoints (``HistoryBuffer`` and numpy scalars in
   ``message_hub``). Unpickling runs arbitrary code, so we do not switch the
   safety off. Instead local checkpoints load with ``weights_only=True``
   first (model-zoo files published by ``tools/convert_pretrained.py`` and
   ``tools/publish_model.py`` always do); a full pickle loads only from a
   trusted place: a work_dir that ``tools/train.py`` / ``tools/test.py``
   registered (so ``--resume`` of your own run works), a path given with
   ``--trust-checkpoint``, or a path listed in the environment variable
   ``MMACTION_IMR_TRUSTED_CHECKPOINTS`` (``os.pathsep``-separated files or
   folders). Anything else is refused with an error that names these options.
3. ``torch.cuda.set_device``: mmengine 0.10.7's pytorch launcher
   (``mmengine.dist.utils._init_dist_pytorch``) calls it unconditionally, so
   ``tools/dist_train.sh`` dies on a machine without GPUs. Without CUDA we
   initialise the process group alone (gloo, see
   :func:`mmaction_imr.engine.cli.finish_config`); with CUDA, mmengine's own
   function runs unchanged. Likewise its Runner always passes
   ``device_ids=[LOCAL_RANK]`` to ``MMDistributedDataParallel``, which torch
   rejects for CPU modules: without CUDA the shim drops ``device_ids``.
4. ``mmcv.ops`` does not exist in mmcv-lite: nothing to shim, the package
   simply never imports it (``tests/test_compat.py`` checks that). But
   mmcv-lite warns about it on every import of ``mmcv.cnn`` (which mmaction2
   imports): "Fail to import ``MultiScaleDeformableAttention``". We never use
   that op, so exactly that warning is silenced (``_shim_mmcv_ops_warning``).
"""
import os
import os.path as osp
import pickle
import sys
import types
from typing import List

import torch

__all__ = [
    'apply_shims', 'trust_checkpoint_path', 'trusted_checkpoint_paths',
    'UntrustedCheckpointError', 'TRUST_ENV'
]

TRUST_ENV = 'MMACTION_IMR_TRUSTED_CHECKPOINTS'
_DRN_MODULES = ('mmaction.models.localizers.drn',
                'mmaction.models.localizers.drn.drn')
_trusted: List[str] = []


# ------------------------------------------------------- mmcv-lite warning
def _shim_mmcv_ops_warning() -> None:
    import warnings
    warnings.filterwarnings(
        'ignore',
        message='Fail to import ``MultiScaleDeformableAttention``',
        category=UserWarning)


# ------------------------------------------------------ CPU distributed
def _shim_cpu_dist() -> None:
    from mmengine.dist import utils as dist_utils
    upstream = dist_utils._init_dist_pytorch
    if getattr(upstream, '_imr_shim', False):
        return

    def _init_dist_pytorch(backend, init_backend='torch', **kwargs):
        if torch.cuda.is_available() or init_backend != 'torch':
            return upstream(backend, init_backend=init_backend, **kwargs)
        torch.distributed.init_process_group(backend=backend, **kwargs)

    _init_dist_pytorch._imr_shim = True
    _init_dist_pytorch.upstream = upstream
    dist_utils._init_dist_pytorch = _init_dist_pytorch

    from mmengine.model import MMDistributedDataParallel as DDP
    ddp_init = DDP.__init__

    def __init__(self, module, detect_anomalous_params=False, **kwargs):
        if not torch.cuda.is_available():
            kwargs.pop('device_ids', None)
        ddp_init(self, module, detect_anomalous_params, **kwargs)

    __init__.upstream = ddp_init
    DDP.__init__ = __init__


# --------------------------------------------------------------------- drn
def _drn_missing() -> bool:
    """True when the installed mmaction2 lacks its ``drn`` localizer."""
    import importlib.util
    spec = importlib.util.find_spec('mmaction')
    root = osp.dirname(spec.origin)
    return not osp.isdir(osp.join(root, 'models', 'localizers', 'drn'))


def _shim_drn() -> None:
    if not _drn_missing() or _DRN_MODULES[1] in sys.modules:
        return

    class DRN:  # noqa: D401 - placeholder with the upstream name
        """Placeholder: the mmaction2 1.2.0 wheel does not ship DRN."""

        def __init__(self, *args, **kwargs):
            raise ImportError(
                'DRN is not available: the mmaction2 1.2.0 wheel does not '
                'ship mmaction/models/localizers/drn (see mmaction_imr/'
                'compat.py). Install mmaction2 from source to use it.')

    pkg = types.ModuleType(_DRN_MODULES[0])
    pkg.__path__ = []  # a package, so that `.drn.drn` resolves
    mod = types.ModuleType(_DRN_MODULES[1])
    mod.DRN = DRN
    pkg.drn = mod
    sys.modules[_DRN_MODULES[0]] = pkg
    sys.modules[_DRN_MODULES[1]] = mod


# -------------------------------------------------------------- torch.load
class UntrustedCheckpointError(RuntimeError):
    """A full-pickle checkpoint from a place nobody said to trust."""


def trust_checkpoint_path(path: str) -> None:
    """Trust full-pickle checkpoints at ``path`` (a file or a folder).

    ``tools/train.py`` calls this with the run's ``work_dir`` so that
    ``--resume`` of the run's own checkpoints works.
    """
    path = osp.realpath(osp.expanduser(path))
    if path not in _trusted:
        _trusted.append(path)


def trusted_checkpoint_paths() -> List[str]:
    """The trusted files / folders: registered ones plus the env variable."""
    env = [
        osp.realpath(osp.expanduser(p))
        for p in os.environ.get(TRUST_ENV, '').split(os.pathsep) if p
    ]
    return _trusted + env


def _is_trusted(filename: str) -> bool:
    real = osp.realpath(filename)
    for p in trusted_checkpoint_paths():
        if real == p or real.startswith(p.rstrip(os.sep) + os.sep):
            return True
    return False


def load_local_checkpoint(filename: str, map_location=None):
    """mmengine's local checkpoint loader, safe by default (see module doc).

    Raises:
        FileNotFoundError: ``filename`` does not exist.
        UntrustedCheckpointError: it needs full unpickling and is not in a
            trusted place.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    try:
        return torch.load(
            filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        if not _is_trusted(filename):
            raise UntrustedCheckpointError(
                f'{filename}: this checkpoint is a full pickle (it holds '
                'more than tensors, e.g. an mmengine training state), and '
                'loading it would run code stored in the file. It is not '
                'in a trusted place. If you trust it, pass '
                '--trust-checkpoint to tools/train.py / tools/test.py, or '
                f'add the file or its folder to ${TRUST_ENV}; or convert it '
                'to weights only with tools/convert_pretrained.py. '
                f'(torch said: {str(err).splitlines()[0]})') from None
        return torch.load(
            filename, map_location=map_location, weights_only=False)


def _shim_torch_load() -> None:
    from mmengine.runner.checkpoint import CheckpointLoader

    # mmengine logs the loader's name after 'load_from_' ("local backend").
    def load_from_local(filename, map_location=None):
        return load_local_checkpoint(filename, map_location)

    CheckpointLoader.register_scheme(
        prefixes='', loader=load_from_local, force=True)


_applied = False


def apply_shims() -> None:
    """Apply every shim once (idempotent)."""
    global _applied
    if _applied:
        return
    _shim_mmcv_ops_warning()
    _shim_drn()
    _shim_torch_load()
    _shim_cpu_dist()
    _applied = True
