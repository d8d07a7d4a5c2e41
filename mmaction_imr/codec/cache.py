"""A directory of decoded clips, shared by every process that reads a video.

Decoding is most of a toy run's data time (about 45 ms of CPU per 5-GOP
clip at 128x96), and a small data set is decoded again every epoch, by every
worker and by every run. :class:`DecodeCache` keeps each decoded request
(one video, one set of GOPs, one set of reader options) as one file of
uncompressed ``.npy`` records (a header naming the arrays, then the arrays),
so a later read of the same request is a file read.

A hit returns exactly what decoding returned (same arrays, same dtypes):
residuals and other float arrays whose values are all integers are stored
as int16 and restored, nothing else is converted. The key covers what can
change the output: the video (resolved path, size, modification time), the
request, and the decoder (this package's codec source, and the versions of
PyAV, OpenCV and NumPy), so an edited video or an upgraded decoder misses
instead of serving a stale clip. Files are read with
``allow_pickle=False``; a damaged cache file is a miss (logged once per
process) and is rewritten. Pure Python + NumPy.
"""
import glob
import hashlib
import json
import logging
import os
import os.path as osp
import tempfile
from typing import Dict, Mapping, Optional

import numpy as np

__all__ = ['DecodeCache', 'CACHE_ENV']

#: The environment variable that turns the cache on for
#: :class:`~mmaction_imr.datasets.transforms.CompressedVideoDecode` when its
#: config gives no ``cache_dir``.
CACHE_ENV = 'IMR_DECODE_CACHE'

logger = logging.getLogger(__name__)

_fingerprint: Optional[str] = None


def _decoder_fingerprint() -> str:
    """A digest of what decodes: this package's codec sources and the
    libraries they call (computed once per process)."""
    global _fingerprint
    if _fingerprint is None:
        import av
        import cv2
        h = hashlib.sha1()
        for path in sorted(glob.glob(osp.join(osp.dirname(__file__),
                                              '*.py'))):
            with open(path, 'rb') as f:
                h.update(f.read())
        for version in (av.__version__, cv2.__version__, np.__version__):
            h.update(version.encode())
        _fingerprint = h.hexdigest()
    return _fingerprint


def _compact(a: np.ndarray) -> np.ndarray:
    """``a`` as int16 if it is a float array of integers that fit, else
    ``a`` (the stored form; the original dtype is kept in the header)."""
    if a.dtype.kind == 'f' and a.size and (
            np.abs(a).max() <= np.iinfo(np.int16).max):
        small = a.astype(np.int16)
        if np.array_equal(small, a):
            return small
    return a


class DecodeCache:
    """Decoded clips in a directory, one file per request.

    Args:
        root (str): The directory (made when first written). Several
            processes may share it: a file is written under a temporary
            name and renamed into place.
    """

    def __init__(self, root: str) -> None:
        self.root = osp.abspath(osp.expanduser(root))
        self.writable = True
        self._warned = set()

    def key(self, filename: str, request: Mapping) -> str:
        """The file name of one request of ``filename``.

        Args:
            filename (str): The video.
            request (Mapping): JSON-serialisable arguments that change the
                output (GOPs, options).

        Returns:
            str: A hex digest.

        Raises:
            OSError: the video cannot be stat'ed (missing, unreadable).
        """
        path = osp.realpath(filename)
        st = os.stat(path)
        text = json.dumps(
            [path, st.st_size, st.st_mtime_ns, dict(request),
             _decoder_fingerprint()], sort_keys=True, default=str)
        return hashlib.sha1(text.encode()).hexdigest()

    def _path(self, key: str) -> str:
        return osp.join(self.root, key[:2], key + '.npys')

    def load(self, key: str) -> Optional[Dict[str, np.ndarray]]:
        """The arrays stored under ``key``, or None (not stored, or the file
        is damaged)."""
        path = self._path(key)
        if not osp.exists(path):
            return None
        try:
            with open(path, 'rb') as f:
                header = json.loads(str(np.load(f, allow_pickle=False)))
                return {
                    name: np.load(f, allow_pickle=False).astype(
                        np.dtype(dtype), copy=False)
                    for name, dtype in header
                }
        except Exception as e:  # noqa: BLE001 (any damage is a miss)
            self._warn('read', f'unreadable decode cache file {path} ({e}); '
                       'decoding instead')
            return None

    def save(self, key: str, arrays: Mapping[str, np.ndarray]) -> None:
        """Store ``arrays`` under ``key``.

        A failure to write (disk full, read-only directory) is logged and
        otherwise ignored, since the cache only saves time; after one, this
        object stops writing."""
        if not self.writable:
            return
        path = self._path(key)
        tmp = None
        try:
            os.makedirs(osp.dirname(path), exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=osp.dirname(path), suffix='.tmp')
            with os.fdopen(fd, 'wb') as f:
                np.save(f, np.array(json.dumps(
                    [[name, a.dtype.str] for name, a in arrays.items()])))
                for a in arrays.values():
                    np.save(f, _compact(a), allow_pickle=False)
            os.replace(tmp, path)
        except OSError as e:
            if tmp is not None and osp.exists(tmp):
                os.remove(tmp)
            self.writable = False
            self._warn('write', f'cannot write to the decode cache '
                       f'{self.root} ({e}); going on without it')

    def _warn(self, kind: str, message: str) -> None:
        """Log ``message``, the first one of its ``kind`` only."""
        if kind not in self._warned:
            self._warned.add(kind)
            logger.warning(message)
