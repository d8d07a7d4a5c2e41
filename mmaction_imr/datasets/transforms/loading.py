"""Load compressed videos: Init (index GOPs) / Sample (GOPs) / Decode.

Thin registered wrappers around :mod:`mmaction_imr.codec`, in the style of
mmaction's ``DecordInit`` / ``SampleFrames`` / ``DecordDecode``.

Bad videos (:class:`~mmaction_imr.codec.CompressedVideoError`): with
``on_error='skip'`` (training) ``CompressedVideoInit`` and
``CompressedVideoDecode`` log a warning naming the file and the reason,
record it in ``results['skip_reason']`` and return None, so mmengine's
``BaseDataset`` fetches another sample
(:class:`~mmaction_imr.datasets.CompressedVideoDataset` counts the skips and
stops a run in which too many fail); with ``on_error='raise'`` (use it in
val/test pipelines: mmengine refuses None at test time with a message that
does not name the file) the error propagates.
"""
import os
from abc import abstractmethod
from typing import Dict, Optional, Sequence, Union

import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.logging import MMLogger

from mmaction.registry import TRANSFORMS
from mmaction_imr.codec import (MAX_PIXELS, CompressedClip,
                                 CompressedVideoError, index_gops, read_clip)
from mmaction_imr.codec.cache import CACHE_ENV, DecodeCache
from mmaction_imr.streams import STREAM_KEYS, check_streams

__all__ = ['CompressedVideoInit', 'SampleGOPs', 'CompressedVideoDecode']

_ON_ERROR = ('skip', 'raise')


def _store_clip(results: Dict, clip, streams: Sequence[str],
                kappa: int):
    """Write a decoded clip's streams and frame metadata into ``results``
    and drop the video's index (``gop_index``), which is returned."""
    # The clip's fields are named by the stream table, like the keys.
    for key in streams:
        results[key] = getattr(clip, key)
    results['frame_inds'] = clip.frame_inds
    results['pict_types'] = clip.pict_types
    results['kappa'] = kappa
    index = results.pop('gop_index')
    results['original_shape'] = index.height, index.width
    return index


class _ReadVideo(BaseTransform):
    """A loading step that reads the video (its GOP index, or a clip).

    :meth:`transform` calls :meth:`_read`; a video that cannot be decoded
    (:class:`~mmaction_imr.codec.CompressedVideoError`) is raised with
    ``on_error='raise'``, or with ``'skip'`` logged, recorded in
    ``results['skip_reason']`` and the sample dropped (None is returned,
    the caller then returning None for the sample). Otherwise
    :meth:`_store` writes what was read into ``results``.

    Args:
        on_error (str): ``'skip'`` or ``'raise'``.
    """

    def __init__(self, on_error: str) -> None:
        if on_error not in _ON_ERROR:
            raise ValueError(f'on_error must be one of {_ON_ERROR}, '
                             f'got {on_error!r}')
        self.on_error = on_error

    @abstractmethod
    def _read(self, results: Dict):
        """Read the video of ``results`` (may raise
        :class:`~mmaction_imr.codec.CompressedVideoError`)."""

    @abstractmethod
    def _store(self, results: Dict, data) -> Dict:
        """Write ``data``, what :meth:`_read` returned, into ``results``."""

    def transform(self, results: Dict) -> Optional[Dict]:
        """Read the video and store what was read.

        Args:
            results (dict): The result dict.

        Returns:
            dict | None: The result dict, None for a skipped bad video.
        """
        try:
            data = self._read(results)
        except CompressedVideoError as err:
            if self.on_error == 'raise':
                raise
            reason = f'{err.filename}: {err.reason}'
            results['skip_reason'] = reason
            MMLogger.get_current_instance().warning(
                f'skipping unreadable video {reason}')
            return None
        return self._store(results, data)


@TRANSFORMS.register_module()
class CompressedVideoInit(_ReadVideo):
    """Index the GOPs of a video (one demux pass, no decoding).

    Required Keys:

        - filename

    Added Keys:

        - gop_index (:class:`~mmaction_imr.codec.GopIndex`)
        - total_gops
        - total_frames
        - skip_reason (instead, for a video skipped with ``on_error='skip'``)

    Args:
        virtual_gop (None | str | int): None for the file's real GOPs (one
            per keyframe), ``K`` for virtual GOPs of ``K`` frames whose first
            frame plays the I-frame (videos from the wild: H.264, B-frames,
            GOPs of 250), ``'auto'`` for real GOPs when the file has no
            B-frames and GOPs of at most 24 frames, else virtual GOPs of 12.
            Defaults to ``'auto'``.
        on_error (str): ``'skip'`` (return None and log a warning) or
            ``'raise'`` for unreadable videos. Defaults to ``'skip'``.
    """

    def __init__(self,
                 virtual_gop: Union[None, str, int] = 'auto',
                 on_error: str = 'skip') -> None:
        if not (virtual_gop is None or virtual_gop == 'auto' or
                (isinstance(virtual_gop, int) and virtual_gop >= 2)):
            raise ValueError("virtual_gop must be None, 'auto' or an int "
                             f'>= 2, got {virtual_gop!r}')
        super().__init__(on_error)
        self.virtual_gop = virtual_gop

    def _read(self, results: Dict):
        return index_gops(results['filename'], self.virtual_gop)

    def _store(self, results: Dict, index) -> Dict:
        results['gop_index'] = index
        results['total_gops'] = index.num_gops
        results['total_frames'] = index.total_frames
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(virtual_gop={self.virtual_gop!r}, '
                f'on_error={self.on_error!r})')


def window_starts(total: int, window: int, num: int,
                  test_mode: bool) -> np.ndarray:
    """First indices of ``num`` windows of ``window`` items in ``total``.

    Training: each window starts at a uniformly random index in
    ``[0, total - window]`` (one ``np.random.randint`` draw, unsorted).
    Testing: the windows are evenly spaced (one window: the centre), the
    rule of mmaction's ``SampleFrames`` in test mode. When ``total`` is not
    longer than ``window``, every window starts at 0.

    Args:
        total (int): Items in the video (GOPs or frames).
        window (int): Items per window.
        num (int): Windows.
        test_mode (bool): Evenly spaced instead of random.

    Returns:
        np.ndarray: ``[num]`` int64 start indices.
    """
    room = total - window  # last possible start
    if room <= 0:
        return np.zeros(num, np.int64)
    if test_mode:
        interval = (room + 1) / num
        return (np.arange(num) * interval + interval / 2).astype(np.int64)
    return np.random.randint(0, room + 1, num).astype(np.int64)


class _SampleWindows(BaseTransform):
    """``num_clips`` windows of ``clip_len`` consecutive items (GOPs or
    frames) of a video, started by :func:`window_starts`: the arguments and
    the layout keys that :class:`SampleGOPs` and
    :class:`~.dense.SampleViews` share.

    :meth:`transform` adds the subclass's :meth:`_windows` keys and
    mmaction's ``clip_len`` and ``num_clips``.

    Args:
        clip_len (int): Items per window.
        num_clips (int): Windows per video.
        test_mode (bool): Deterministic evenly spaced windows.
    """

    def __init__(self, clip_len: int, num_clips: int,
                 test_mode: bool) -> None:
        if clip_len < 1 or num_clips < 1:
            raise ValueError(f'{self.__class__.__name__}: clip_len and the '
                             f'number of windows must be >= 1, got '
                             f'{clip_len}, {num_clips}')
        self.clip_len = clip_len
        self.num_clips = num_clips
        self.test_mode = test_mode

    def _starts(self, total: int) -> np.ndarray:
        """``[num_clips]`` first items of the windows in ``total`` items."""
        return window_starts(total, self.clip_len, self.num_clips,
                             self.test_mode)

    @abstractmethod
    def _windows(self, results: Dict) -> Dict:
        """The keys that say where the windows of the video are."""

    def transform(self, results: Dict) -> Dict:
        """Sample the windows.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        results.update(self._windows(results))
        results['clip_len'] = self.clip_len
        results['num_clips'] = self.num_clips
        return results


@TRANSFORMS.register_module()
class SampleGOPs(_SampleWindows):
    """Choose clips of ``clip_len`` consecutive GOPs.

    Training: ``num_clips`` clips, each starting at a random GOP. Testing:
    ``num_clips`` clips evenly spaced over the video (one clip: the centre),
    the same rule as mmaction's ``SampleFrames`` in test mode. A video with
    fewer GOPs than ``clip_len`` loops its GOP indices (``0, 1, 2, 0, 1`` for
    3 GOPs and ``clip_len=5``), like ``SampleFrames(out_of_bound_opt='loop')``.

    Required Keys:

        - total_gops

    Added Keys:

        - gop_inds (np.int64, ``[num_clips * clip_len]``, clip-major)
        - clip_len
        - num_clips

    Args:
        clip_len (int): GOPs per clip (T). Defaults to 5.
        num_clips (int): Clips per video. Defaults to 1.
        test_mode (bool): Deterministic evenly spaced clips. Defaults to
            False.
    """

    def __init__(self,
                 clip_len: int = 5,
                 num_clips: int = 1,
                 test_mode: bool = False) -> None:
        super().__init__(clip_len, num_clips, test_mode)

    def _windows(self, results: Dict) -> Dict:
        total = int(results['total_gops'])
        starts = np.sort(self._starts(total))
        inds = (starts[:, None] + np.arange(self.clip_len)[None]) % total
        return dict(gop_inds=inds.reshape(-1).astype(np.int64))

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'num_clips={self.num_clips}, test_mode={self.test_mode})')


@TRANSFORMS.register_module()
class CompressedVideoDecode(_ReadVideo):
    """Decode I-frames, motion vectors and residuals of the sampled GOPs.

    One sequential decoding pass (:func:`mmaction_imr.codec.read_clip`); the
    motion-vector convention is that of ``docs/design.md`` (forward, prev ->
    cur, pixels per frame; with ``accumulate=True`` pixels since the GOP's
    I-frame). Frame order: clip-major, then GOP, then P-frame in the GOP.

    Required Keys:

        - filename
        - gop_index
        - gop_inds

    Added Keys:

        - imgs (``[num_clips*T, H, W, 3]`` uint8 RGB I-frames)
        - motion_vectors (``[num_clips*T*kappa, H, W, 2]`` float32)
        - residuals (``[num_clips*T*kappa, H, W, 3]`` float32, signed RGB)
        - frame_inds (``[num_clips*T*(1+kappa)]`` int64: each GOP's I-frame
          then its kappa P-frames, display indices)
        - pict_types (``[num_clips*T*(1+kappa)]`` str, ``'I'``/``'P'``/``'B'``
          of those frames, for analysis)
        - kappa
        - original_shape (the video's ``(H, W)``)
        - img_shape (the streams' ``(H, W)``)
        - scale_factor (``[sx, sy]``, with ``target_short_side`` only)
        - skip_reason (instead, for a video skipped with ``on_error='skip'``)

    Removed Keys:

        - gop_index

    Args:
        kappa (int): P-frames per GOP. Defaults to 5.
        accumulate (bool): Accumulated MVs/residuals traced back to the
            I-frame (CoViAR) instead of raw ones. Defaults to False.
        streams (Sequence[str]): Keys to produce, a subset of
            :data:`~mmaction_imr.streams.STREAM_KEYS` (``'imgs'``,
            ``'motion_vectors'``, ``'residuals'``). Defaults to all three.
        on_error (str): ``'skip'`` (return None, log a warning) or
            ``'raise'`` for unreadable videos. Defaults to ``'skip'``.
        target_short_side (int, optional): Make the streams at the training
            resolution, short side scaled to this size (what a following
            ``CompressedResize(scale=(-1, target_short_side))`` would give,
            which then changes nothing), instead of at the video's size:
            cheaper for videos larger than that (docs/codec.md). Defaults to
            None (the video's size).
        max_pixels (int, optional): Refuse (skip, with ``on_error='skip'``)
            videos whose streams would have more pixels per frame than this,
            so that one 4K video cannot exhaust a worker's memory; None for
            no bound. Counted at the output size, so ``target_short_side``
            admits large videos. Defaults to
            :data:`~mmaction_imr.codec.MAX_PIXELS` (1920 x 1088).
        cache_dir (str, optional): Keep every decoded clip in this
            directory (:class:`~mmaction_imr.codec.cache.DecodeCache`) and
            read it from there the next time the same GOPs of the same
            video are asked for, by any worker or run: the same arrays as
            decoding, without its cost. Worth it for small data sets read
            for many epochs (about 4.3 MB per 5-GOP clip at 128x96; the
            directory is not pruned: delete it to free the space). None:
            the directory named by the environment variable
            ``IMR_DECODE_CACHE`` if it is set, else no cache. Defaults to
            None.
    """

    def __init__(self,
                 kappa: int = 5,
                 accumulate: bool = False,
                 streams: Sequence[str] = STREAM_KEYS,
                 on_error: str = 'skip',
                 target_short_side: Optional[int] = None,
                 max_pixels: Optional[int] = MAX_PIXELS,
                 cache_dir: Optional[str] = None) -> None:
        if kappa < 1:
            raise ValueError(f'kappa must be >= 1, got {kappa}')
        if target_short_side is not None and (
                not isinstance(target_short_side, int)
                or target_short_side < 1):
            raise ValueError('target_short_side must be None or an int >= 1, '
                             f'got {target_short_side!r}')
        super().__init__(on_error)
        self.kappa = kappa
        self.accumulate = accumulate
        self.streams = check_streams(streams)
        self.target_short_side = target_short_side
        self.max_pixels = max_pixels
        if cache_dir is None:
            cache_dir = os.environ.get(CACHE_ENV) or None
        self.cache = None if cache_dir is None else DecodeCache(cache_dir)

    def _options(self) -> Dict:
        """The reader options besides the video and its GOPs: what
        :func:`read_clip` is given, and what a cache entry is keyed by."""
        return dict(kappa=self.kappa, accumulate=self.accumulate,
                    streams=self.streams,
                    target_short_side=self.target_short_side,
                    max_pixels=self.max_pixels)

    def _decode(self, results: Dict) -> CompressedClip:
        return read_clip(results['filename'], results['gop_inds'],
                         index=results['gop_index'], **self._options())

    def _read(self, results: Dict) -> CompressedClip:
        if self.cache is None:
            return self._decode(results)
        try:
            key = self.cache.key(
                results['filename'],
                dict(self._options(), streams=list(self.streams),
                     gop_inds=np.asarray(results['gop_inds']).tolist()))
        except OSError:  # gone since it was indexed: decoding says so
            return self._decode(results)
        arrays = self.cache.load(key)
        if arrays is not None:
            return CompressedClip(
                **{k: arrays.get(k) for k in STREAM_KEYS},
                frame_inds=arrays['frame_inds'],
                pict_types=arrays['pict_types'],
                kappa=self.kappa, accumulate=self.accumulate)
        clip = self._decode(results)
        arrays = {k: getattr(clip, k) for k in STREAM_KEYS}
        arrays.update(frame_inds=clip.frame_inds, pict_types=clip.pict_types)
        self.cache.save(key, {k: a for k, a in arrays.items() if a is not None})
        return clip

    def _store(self, results: Dict, clip) -> Dict:
        index = _store_clip(results, clip, self.streams, self.kappa)
        results['img_shape'] = clip.shape
        if self.target_short_side is not None:
            h, w = clip.shape
            results['scale_factor'] = np.array(
                [w / index.width, h / index.height], np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(kappa={self.kappa}, '
                f'accumulate={self.accumulate}, streams={self.streams}, '
                f'on_error={self.on_error!r}, '
                f'target_short_side={self.target_short_side}, '
                f'max_pixels={self.max_pixels}, cache_dir='
                f'{None if self.cache is None else self.cache.root!r})')
