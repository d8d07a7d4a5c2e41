"""Every shim for an upstream defect of the pinned stack, and nothing else.

:func:`apply_shims` is called by :mod:`mmaction_imr.register` (what configs
name in ``custom_imports``), so that everything else can use mmaction2 /
mmengine as if the defects did not exist. Each shim names the defect and
what it changes for *other* code in the same process; ``tests/test_compat.py``
holds a test per shim that fails once upstream no longer needs it (then
delete the shim and its test).

Shims:

1. ``drn``: the mmaction2 1.2.0 wheel ships without
   ``mmaction/models/localizers/drn/``, yet ``mmaction.models.localizers``
   imports it, so ``import mmaction.models`` (and ``register_all_modules()``)
   raise ``ModuleNotFoundError``. We install a placeholder module whose
   ``DRN`` raises a clear error if anybody tries to build it.
   *For other code*: ``mmaction.models`` imports; nothing else changes.
2. Checkpoint loading: mmengine 0.10.7 calls ``torch.load`` without
   ``weights_only``; torch >= 2.6 defaults to ``weights_only=True``, which
   rejects mmengine's own checkpoints (``HistoryBuffer`` and numpy scalars in
   ``message_hub``), so ``--resume`` fails. Switching the safety off would
   let any checkpoint run code, so mmengine's local loader (the scheme
   without prefix of ``CheckpointLoader``; URLs and other schemes are
   untouched) is replaced by
   :func:`mmaction_imr.engine.checkpoint.load_local_checkpoint`, which
   unpickles in full only checkpoints that are trusted (the run's own, or
   named by the user; the policy is documented there).
   *For other code*: everything mmengine's own loader loads on this stack
   loads the same way (weights-only files; anything when
   ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`` is set, which is respected).
   Only where mmengine's loader fails does the result change: a trusted
   full pickle loads; an untrusted one raises ``UntrustedCheckpointError``
   (a ``pickle.UnpicklingError`` like before, with a message saying what to
   do); an empty or truncated file raises ``CheckpointReadError`` naming it
   instead of a bare ``EOFError`` / ``RuntimeError``.
3. ``torch.cuda.set_device``: mmengine 0.10.7's pytorch launcher
   (``mmengine.dist.utils._init_dist_pytorch``) calls it unconditionally, so
   any ``dist_train.sh`` (ours or mmaction2's) dies on a machine without
   GPUs, and the ``nccl`` backend of the configs needs GPUs as well. On a
   machine without CUDA we initialise the process group without
   ``set_device``, with ``gloo`` where ``nccl`` was asked for.
   *For other code*: nothing with CUDA (the shim is not even installed);
   without CUDA, ``init_dist('pytorch')`` works instead of raising.
   The other CUDA assumption, the Runner's ``device_ids=[LOCAL_RANK]`` for
   the DDP wrapper, is not patched: the configs name a wrapper that accepts
   CPU modules (``model_wrapper_cfg``, see
   :class:`mmaction_imr.engine.IMRDistributedDataParallel`).
4. ``mmcv.ops`` does not exist in mmcv-lite: nothing to shim, the package
   simply never imports it (``tests/test_compat.py`` checks that). But
   mmcv-lite warns about it on every import of ``mmcv.cnn`` (which mmaction2
   imports): "Fail to import ``MultiScaleDeformableAttention``". We never use
   that op, so exactly that warning is silenced.
   *For other code*: that one warning is not shown.
5. Config formatting: mmengine 0.10.7 formats the whole config with yapf
   anew for every ``Config.pretty_text`` (about 0.9 s for a toy config on
   one core), and a Runner asks for it to log the config, to dump it, and
   again in every checkpoint it saves (``meta.cfg``): seconds of every
   tool start and of every checkpoint. yapf's ``FormatCode`` is a pure
   function of its text and style, so mmengine's reference to it is
   replaced by one that remembers its last few results.
   *For other code*: ``pretty_text`` returns the same text, faster.
6. ``ColorJitter`` hue: mmaction2 1.2.0 shifts the hue with
   ``(hsv[..., 0] + offset) % 180`` on a ``uint8`` array; under numpy 2 a
   negative ``offset`` (half of all hue shifts) raises ``OverflowError``
   instead of wrapping around. The shim computes the same sum in ``int16``,
   which is what numpy 1 did (the result is the same hue).
   *For other code*: ``ColorJitter`` with ``hue > 0`` works instead of
   raising.
"""
import os.path as osp
import sys
import types

__all__ = ['apply_shims']

_DRN_MODULES = ('mmaction.models.localizers.drn',
                'mmaction.models.localizers.drn.drn')


# ------------------------------------------------------- mmcv-lite warning
def _shim_mmcv_ops_warning() -> None:
    import warnings
    warnings.filterwarnings(
        'ignore',
        message='Fail to import ``MultiScaleDeformableAttention``',
        category=UserWarning)


# ------------------------------------------------------ CPU distributed
def _shim_cpu_dist() -> None:
    import torch
    if torch.cuda.is_available():
        return  # mmengine's launcher works as it is
    from mmengine.dist import utils as dist_utils
    upstream = dist_utils._init_dist_pytorch
    if getattr(upstream, 'upstream', None) is not None:
        return

    def _init_dist_pytorch(backend, init_backend='torch', **kwargs):
        if init_backend != 'torch':
            return upstream(backend, init_backend=init_backend, **kwargs)
        if backend == 'nccl':
            backend = 'gloo'  # nccl needs GPUs; gloo runs the same on CPUs
        torch.distributed.init_process_group(backend=backend, **kwargs)

    _init_dist_pytorch.upstream = upstream
    dist_utils._init_dist_pytorch = _init_dist_pytorch


# ------------------------------------------------------ config formatting
_FORMAT_CACHE_SIZE = 8


def _shim_config_format_cache() -> None:
    from mmengine.config import config as config_module
    if getattr(config_module.FormatCode, '__wrapped__', None) is not None:
        return
    cache = {}

    def FormatCode(unformatted_source, style_config=None, **kwargs):
        key = (unformatted_source, repr(style_config),
               repr(sorted(kwargs.items())))
        if key not in cache:
            if len(cache) >= _FORMAT_CACHE_SIZE:
                cache.pop(next(iter(cache)))  # the oldest
            # (formatted text, changed): immutable, safe to hand out again
            cache[key] = FormatCode.__wrapped__(
                unformatted_source, style_config=style_config, **kwargs)
        return cache[key]

    FormatCode.__wrapped__ = config_module.FormatCode
    FormatCode.cache = cache
    config_module.FormatCode = FormatCode


# --------------------------------------------------------- ColorJitter hue
def _shim_color_jitter_hue() -> None:
    from mmaction.datasets.transforms import processing
    jitter = processing.ColorJitter
    upstream = jitter.adjust_hue
    if getattr(upstream, 'upstream', None) is not None:
        return

    def adjust_hue(img, factor):
        import cv2
        import numpy as np
        img = np.clip(img, 0, 255).astype(np.uint8)
        hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
        offset = int(factor * 255)  # upstream's scale, kept
        hsv[..., 0] = (hsv[..., 0].astype(np.int16) + offset) % 180
        return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB).astype(np.float32)

    adjust_hue.upstream = upstream
    jitter.adjust_hue = staticmethod(adjust_hue)


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


# ------------------------------------------------------ checkpoint loader
def _shim_checkpoint_loader() -> None:
    from mmengine.runner.checkpoint import CheckpointLoader

    # mmengine logs the loader's name after 'load_from_' ("local backend").
    # The policy is imported on first use: `mmaction_imr.engine` registers
    # hooks, which need mmaction2 importable (shim 1) first.
    def load_from_local(filename, map_location=None):
        from .engine.checkpoint import load_local_checkpoint
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
    _shim_checkpoint_loader()
    _shim_cpu_dist()
    _shim_config_format_cache()
    _shim_color_jitter_hue()
    _applied = True
