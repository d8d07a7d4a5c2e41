"""Which checkpoints may be unpickled, and the weights-only files we publish.

Unpickling runs code stored in the file, so a checkpoint loads as a full
pickle only when it is *trusted*; everything else must load with
``torch.load(..., weights_only=True)`` (tensors and plain values, no code).
A file is trusted when

1. a run of yours wrote it: :class:`~mmaction_imr.engine.hooks.
   CheckpointManifestHook` records every checkpoint the runner saves in
   ``trusted_checkpoints.json`` beside it, as an HMAC-SHA256 of the file's
   bytes keyed with a secret of your user account (:func:`user_key`). The
   folder's name plays no part: a folder that someone else made (even one
   you pass as ``--work-dir``, or the default ``./work_dirs/<config>``) holds
   no valid entry for their files, and a checkpoint that was changed after
   it was saved no longer matches its entry;
2. you named it for this call: ``--trust-checkpoint`` of this project's
   tools (:func:`trust_checkpoints`, a context manager: the trust ends with
   the ``with`` block and does not spread to other code of the process);
3. you listed it, or a folder holding it, in the environment variable
   ``MMACTION_IMR_TRUSTED_CHECKPOINTS`` (``os.pathsep``-separated): the way
   that works with every tool, mmaction2's own ones included.

:func:`load_local_checkpoint` is mmengine's local checkpoint loader with this
policy; :mod:`mmaction_imr.compat` installs it. It loads everything that
mmengine's own loader loads on this stack, the same way (weights-only files,
and anything when ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` is set); it differs only
where mmengine's loader fails: a trusted full pickle loads, an untrusted one
raises :class:`UntrustedCheckpointError` (a ``pickle.UnpicklingError``, as
before, with a message saying what to do), and an empty or truncated file
raises :class:`CheckpointReadError` naming it.

Results files (``tools/test.py --dump``) are pickles too:
:func:`load_results` reads them with an unpickler that builds only the types
such a file holds (containers, tensors, numpy arrays and scalars).
"""
import contextlib
import contextvars
import hashlib
import hmac
import io
import json
import os
import os.path as osp
import pickle
import secrets
import warnings
from collections import OrderedDict
from typing import Any, Dict, Iterable, Iterator, Optional, Tuple

import torch

__all__ = [
    'TRUST_ENV', 'MANIFEST', 'UntrustedCheckpointError', 'CheckpointReadError',
    'trust_checkpoints', 'is_trusted', 'user_key', 'record_checkpoint',
    'load_local_checkpoint', 'load_results', 'plain_meta',
    'save_weights_only', 'read_checkpoint', 'sha256sum', 'publish_checkpoint',
    'strip_module_prefix'
]

TRUST_ENV = 'MMACTION_IMR_TRUSTED_CHECKPOINTS'
#: Name of the manifest written beside a run's checkpoints.
MANIFEST = 'trusted_checkpoints.json'
_NO_WEIGHTS_ONLY_ENV = 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'
_TRUE = ('1', 'y', 'yes', 'true')  # what torch accepts for its switches

_explicit: contextvars.ContextVar = contextvars.ContextVar(
    'mmaction_imr_trusted_checkpoints', default=())


class UntrustedCheckpointError(pickle.UnpicklingError):
    """A full-pickle checkpoint that nobody said to trust.

    A subclass of ``pickle.UnpicklingError``: what mmengine's own loader
    raises for such a file on this stack, so code that catches that still
    does.
    """


class CheckpointReadError(RuntimeError):
    """A checkpoint file that cannot be read (empty, truncated, not one)."""


# ------------------------------------------------------------ trust policy
def _real(path: str) -> str:
    return osp.realpath(osp.expanduser(path))


@contextlib.contextmanager
def trust_checkpoints(paths: Iterable[Optional[str]]) -> Iterator[None]:
    """Trust the given files (or folders) inside the ``with`` block only.

    What ``--trust-checkpoint`` of the project's tools does. ``None`` entries
    are ignored, so ``trust_checkpoints([cfg.load_from])`` is fine.
    """
    token = _explicit.set(_explicit.get() +
                          tuple(_real(p) for p in paths if p))
    try:
        yield
    finally:
        _explicit.reset(token)


def _env_paths() -> Tuple[str, ...]:
    return tuple(
        _real(p) for p in os.environ.get(TRUST_ENV, '').split(os.pathsep)
        if p)


def _under(real: str, place: str) -> bool:
    return real == place or real.startswith(place.rstrip(os.sep) + os.sep)


_KEY_BYTES = 32


def _key_path() -> str:
    config_home = os.environ.get('XDG_CONFIG_HOME') or osp.join(
        osp.expanduser('~'), '.config')
    return osp.join(config_home, 'mmaction_imr', 'checkpoint.key')


def user_key(create: bool = False) -> Optional[bytes]:
    """The secret that keys the manifests of your runs.

    32 random bytes in ``$XDG_CONFIG_HOME/mmaction_imr/checkpoint.key``
    (``~/.config`` by default), readable by you only. Nobody else can write a
    manifest entry that verifies with it.

    Args:
        create: Make the key if there is none (the manifest hook does).

    Returns:
        The key, or ``None`` when there is none and ``create`` is False.
    """
    path = _key_path()
    if not osp.isfile(path):
        if not create:
            return None
        os.makedirs(osp.dirname(path), mode=0o700, exist_ok=True)
        # Written whole under a private name, then linked in place: another
        # rank or run making a key at the same moment either wins (and
        # both use its key) or loses; nobody reads a half-written key.
        tmp = f'{path}.{os.getpid()}.{secrets.token_hex(4)}.tmp'
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, 'wb') as f:
                f.write(secrets.token_bytes(_KEY_BYTES))
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    with open(path, 'rb') as f:
        key = f.read()
    if len(key) != _KEY_BYTES:
        raise RuntimeError(
            f'{path}: the key of your checkpoint manifests is {len(key)} '
            f'bytes, not {_KEY_BYTES}: the file is damaged. Delete it (the '
            'manifests of earlier runs then no longer verify: trust their '
            'checkpoints with --trust-checkpoint) and run again.')
    return key


def _file_mac(path: str, key: bytes) -> str:
    mac = hmac.new(key, digestmod=hashlib.sha256)
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            mac.update(chunk)
    return mac.hexdigest()


def _read_manifest(folder: str) -> Dict[str, str]:
    try:
        with open(osp.join(folder, MANIFEST)) as f:
            files = json.load(f).get('files', {})
    except (OSError, ValueError, AttributeError):
        return {}
    return files if isinstance(files, dict) else {}


def record_checkpoint(path: str) -> None:
    """Add ``path`` (a checkpoint just written) to the manifest beside it.

    Entries of files that no longer exist (removed by ``max_keep_ckpts``)
    are dropped. The manifest is replaced atomically.
    """
    folder, name = osp.split(osp.abspath(path))
    files = {
        k: v
        for k, v in _read_manifest(folder).items()
        if osp.isfile(osp.join(folder, k))
    }
    files[name] = _file_mac(path, user_key(create=True))
    tmp = osp.join(folder, MANIFEST + '.tmp')
    with open(tmp, 'w') as f:
        json.dump(dict(version=1, algorithm='hmac-sha256', files=files), f,
                  indent=1, sort_keys=True)
    os.replace(tmp, osp.join(folder, MANIFEST))


def _written_by_own_run(path: str) -> bool:
    folder, name = osp.split(osp.abspath(path))
    entry = _read_manifest(folder).get(name)
    key = user_key()
    if not isinstance(entry, str) or key is None:
        return False
    return hmac.compare_digest(entry, _file_mac(path, key))


def is_trusted(path: str) -> bool:
    """Whether ``path`` may be unpickled in full (see the module doc)."""
    real = _real(path)
    if any(_under(real, p) for p in _explicit.get() + _env_paths()):
        return True
    return _written_by_own_run(path)


# ----------------------------------------------------------------- loading
def _untrusted_message(filename: str, reason: str) -> str:
    return (
        f'{filename}: this checkpoint is a full pickle (it holds more than '
        'tensors, e.g. an mmengine training state), and loading it would run '
        'code stored in the file. It was not written by a run of yours (no '
        f'valid entry in {MANIFEST} beside it) and nobody said to trust it. '
        f'If you trust it, list the file (or its folder) in ${TRUST_ENV} '
        "(works with every tool), or pass --trust-checkpoint to this "
        "project's tools; or make a weights-only copy with "
        'tools/publish_model.py / tools/convert_pretrained.py. '
        f'(torch said: {reason})')


def _read_error(filename: str, err: BaseException) -> CheckpointReadError:
    size = osp.getsize(filename)
    what = 'is empty (0 bytes)' if size == 0 else (
        f'cannot be read ({size} bytes; truncated or not a checkpoint: '
        f'{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ""})'
    )
    return CheckpointReadError(
        f'{filename}: the checkpoint {what}. A run killed while saving '
        'leaves such a file; use an earlier checkpoint of the run.')


_warned_no_weights_only = False


def load_local_checkpoint(filename: str, map_location=None) -> Any:
    """mmengine's local checkpoint loader with the trust policy.

    ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`` is respected: every file then loads
    as a full pickle without any trust check, exactly as mmengine's own
    loader does (a warning says so once per process).

    Raises:
        FileNotFoundError: ``filename`` does not exist.
        CheckpointReadError: it is empty, truncated or not a checkpoint.
        UntrustedCheckpointError: it needs full unpickling and is not
            trusted.
    """
    global _warned_no_weights_only
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    if osp.getsize(filename) == 0:
        raise _read_error(filename, EOFError())
    if os.environ.get(_NO_WEIGHTS_ONLY_ENV, '0').lower() in _TRUE:
        if not _warned_no_weights_only:
            warnings.warn(
                f'{_NO_WEIGHTS_ONLY_ENV} is set: checkpoints load as full '
                'pickles without the trust check of mmaction_imr (unpickling '
                'may run code stored in the file)')
            _warned_no_weights_only = True
        return torch.load(filename, map_location=map_location,
                          weights_only=False)
    try:
        return torch.load(
            filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        # `weights_only` refused a global: a full pickle (or a broken file).
        refused = [line.strip() for line in str(err).splitlines()
                   if 'Unsupported global' in line or 'GLOBAL' in line]
        if not refused:
            raise _read_error(filename, err) from None
        reason = refused[0]
        if not is_trusted(filename):
            raise UntrustedCheckpointError(
                _untrusted_message(filename, reason)) from None
    except (EOFError, RuntimeError, ValueError) as err:
        raise _read_error(filename, err) from None
    try:
        return torch.load(
            filename, map_location=map_location, weights_only=False)
    except (EOFError, RuntimeError, pickle.UnpicklingError) as err:
        raise _read_error(filename, err) from None


# ------------------------------------------------------------ results files
def _load_storage(data: bytes):
    # torch pickles a storage as `_load_from_bytes(b)`, which would run a
    # full `torch.load` on the bytes; read them weights-only instead.
    return torch.load(io.BytesIO(data), weights_only=True)


def _latin1(text: str, encoding: str = 'utf-8') -> bytes:
    # Protocol-2 pickles write bytes as `_codecs.encode(str, 'latin1')`.
    if encoding != 'latin1':
        raise pickle.UnpicklingError(f'unexpected encoding {encoding!r}')
    return text.encode('latin1')


def _results_globals() -> Dict[Tuple[str, str], Any]:
    import numpy as np
    multiarray = np._core.multiarray if hasattr(np, '_core') else (
        np.core.multiarray)
    allowed = {
        ('_codecs', 'encode'): _latin1,
        ('collections', 'OrderedDict'): OrderedDict,
        ('torch._utils', '_rebuild_tensor_v2'):
        torch._utils._rebuild_tensor_v2,
        ('torch.storage', '_load_from_bytes'): _load_storage,
        ('torch', 'Size'): torch.Size,
        ('torch', 'device'): torch.device,
        ('numpy', 'ndarray'): np.ndarray,
        ('numpy', 'dtype'): np.dtype,
    }
    for mod in ('numpy.core.multiarray', 'numpy._core.multiarray'):
        allowed[(mod, '_reconstruct')] = multiarray._reconstruct
        allowed[(mod, 'scalar')] = multiarray.scalar
    for name in dir(torch):
        if isinstance(getattr(torch, name), torch.dtype):
            allowed[('torch', name)] = getattr(torch, name)
    for name in dir(np.dtypes):
        if name.endswith('DType'):
            allowed[('numpy.dtypes', name)] = getattr(np.dtypes, name)
    return allowed


class _ResultsUnpickler(pickle.Unpickler):
    """Builds containers, tensors and numpy values; refuses other types."""

    def __init__(self, file, filename: str):
        super().__init__(file)
        self._filename = filename
        self._allowed = _results_globals()

    def find_class(self, module: str, name: str) -> Any:
        try:
            return self._allowed[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f'{self._filename}: refusing to load {module}.{name}: a '
                'results file (tools/test.py --dump) holds only containers, '
                'tensors and numpy values, and building anything else could '
                'run code stored in the file') from None

    def persistent_load(self, pid):
        raise pickle.UnpicklingError(
            f'{self._filename}: persistent ids are not used by results '
            'files')


def load_results(path: str) -> Any:
    """Read a ``tools/test.py --dump`` file without running code from it.

    ``.json`` / ``.yaml`` files go to :func:`mmengine.load`; pickles are read
    by a restricted unpickler (dicts, lists, str, numbers, tensors, numpy
    arrays and scalars). Trusted files (:func:`is_trusted`) load in full.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        pickle.UnpicklingError: it holds other types (message names them).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} can not be found.')
    if not path.endswith(('.pkl', '.pickle')) or is_trusted(path):
        import mmengine
        return mmengine.load(path)
    with open(path, 'rb') as f:
        return _ResultsUnpickler(f, path).load()


# ------------------------------------------------------- weights-only files
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


def strip_module_prefix(state_dict: Dict[str, Any]) -> Dict[str, Any]:
    """``state_dict`` without the ``module.`` that a DataParallel / DDP
    wrapper puts before every key (unchanged unless every key has it)."""
    if state_dict and all(k.startswith('module.') for k in state_dict):
        return OrderedDict(
            (k[len('module.'):], v) for k, v in state_dict.items())
    return state_dict


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

    Weights-only files always load; a full mmengine checkpoint loads when it
    is trusted (:func:`is_trusted`) or ``trust`` is set
    (``--trust-checkpoint``), otherwise :class:`UntrustedCheckpointError`
    says what to do.
    """
    with trust_checkpoints([path] if trust else []):
        return load_local_checkpoint(path, map_location='cpu')


def sha256sum(path: str) -> str:
    """Hex sha256 of the file's bytes."""
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
