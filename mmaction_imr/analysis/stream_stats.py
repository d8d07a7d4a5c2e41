"""Normalisation statistics of the motion-vector and residual streams.

The data preprocessor normalises each stream with a mean and a std
(``configs/_base_/models/imr_preprocessor.py``). For the compressed streams
the mean is 0 on purpose (a horizontal flip maps ``u`` to ``-u``, and only
with a zero mean is the normalised field of the flipped clip the exact
mirror image of the clip's) and the std, one for ``u`` and ``v`` (PMSP labels
are invariant to a common scale of ``(u, v)``), is the RMS of the stream,
pooled over every pixel of every sampled P-frame of every video. This module
measures those numbers:

- :func:`video_stats` reads every GOP of a video (or an evenly spaced subset)
  with :func:`~mmaction_imr.codec.read_clip` and returns a
  :class:`StreamStats`;
- :class:`StreamStats` holds running float64 sums, so per-video results merge
  into a pooled one exactly (each pixel weighs the same, whatever the video);
- :func:`collect_videos` and :func:`measure_video` are the loop of
  ``tools/analysis/stream_stats.py`` (folders, annotation lists, an optional
  re-encode to the paper's format first);
- :func:`preprocessor_snippet` writes the config text that sets the
  measured stds: ``model = dict(data_preprocessor=...)``, the form a
  derived config merges into its model (a top-level ``data_preprocessor``
  variable is not read by anything).

Pure numpy/PyAV (no torch, no mmengine).
"""
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Union

import numpy as np

from ..codec.gop import GopIndex, index_gops
from ..codec.reader import read_clip
from ..prepare.filelist import FileListError, read_list
from ..prepare.reencode import find_videos, reencode_video
from ..streams import IMGS, MOTION_VECTORS, RESIDUALS, STREAMS

__all__ = [
    'IMG_MEAN', 'IMG_STD', 'StreamStats', 'evenly_spaced', 'video_stats',
    'collect_videos', 'measure_video', 'round_std', 'preprocessor_snippet'
]

#: ImageNet RGB statistics of the I-frame stream (0..255), as mmaction2's.
IMG_MEAN = [123.675, 116.28, 103.53]
IMG_STD = [58.395, 57.12, 57.375]


def _zeros(n: int) -> np.ndarray:
    return np.zeros(n, np.float64)


@dataclass
class StreamStats:
    """Running per-channel sums of the MV and residual streams.

    Attributes:
        mv_count: Values per MV component seen (frames * H * W).
        mv_sum: ``[2]`` float64 sum of ``(u, v)`` in pixels.
        mv_sqsum: ``[2]`` float64 sum of ``(u^2, v^2)``.
        res_count: Values per residual channel seen.
        res_sum: ``[3]`` float64 sum of the signed RGB residual.
        res_sqsum: ``[3]`` float64 sum of its squares.
        videos: Videos added.
        gops: GOPs read.
        frames: P-frames (MV / residual frames) read.
    """
    mv_count: int = 0
    mv_sum: np.ndarray = field(default_factory=lambda: _zeros(2))
    mv_sqsum: np.ndarray = field(default_factory=lambda: _zeros(2))
    res_count: int = 0
    res_sum: np.ndarray = field(default_factory=lambda: _zeros(3))
    res_sqsum: np.ndarray = field(default_factory=lambda: _zeros(3))
    videos: int = 0
    gops: int = 0
    frames: int = 0

    def update(self,
               motion_vectors: Optional[np.ndarray] = None,
               residuals: Optional[np.ndarray] = None) -> None:
        """Add frames of the streams.

        Args:
            motion_vectors: ``[..., 2]`` ``(u, v)`` in pixels, or None.
            residuals: ``[..., 3]`` signed RGB (0..255 units), or None.

        Raises:
            ValueError: the last axis is not 2 (MVs) or 3 (residuals).
        """
        for name, arr, c in (('motion_vectors', motion_vectors, 2),
                             ('residuals', residuals, 3)):
            if arr is None:
                continue
            if arr.ndim < 1 or arr.shape[-1] != c:
                raise ValueError(f'{name} must have {c} channels on the '
                                 f'last axis, got shape {arr.shape}')
            flat = arr.reshape(-1, c)
            # float64 sums: millions of float32 squares lose digits otherwise.
            s = flat.sum(0, dtype=np.float64)
            sq = np.einsum('ij,ij->j', flat, flat, dtype=np.float64)
            if c == 2:
                self.mv_count += len(flat)
                self.mv_sum += s
                self.mv_sqsum += sq
            else:
                self.res_count += len(flat)
                self.res_sum += s
                self.res_sqsum += sq

    def merge(self, other: 'StreamStats') -> 'StreamStats':
        """Add ``other``'s sums and counts into this one; returns self."""
        self.mv_count += other.mv_count
        self.mv_sum += other.mv_sum
        self.mv_sqsum += other.mv_sqsum
        self.res_count += other.res_count
        self.res_sum += other.res_sum
        self.res_sqsum += other.res_sqsum
        self.videos += other.videos
        self.gops += other.gops
        self.frames += other.frames
        return self

    @staticmethod
    def _div(x: np.ndarray, n: int) -> np.ndarray:
        return x / n if n else np.full_like(x, np.nan)

    @property
    def mv_mean(self) -> np.ndarray:
        """``[2]`` mean ``(u, v)`` in pixels (nan if nothing was added)."""
        return self._div(self.mv_sum, self.mv_count)

    @property
    def mv_rms(self) -> np.ndarray:
        """``[2]`` RMS of ``u`` and of ``v`` in pixels."""
        return np.sqrt(self._div(self.mv_sqsum, self.mv_count))

    @property
    def mv_rms_pooled(self) -> float:
        """RMS over both components: the one std for ``u`` and ``v``."""
        return float(np.sqrt(np.mean(self._div(self.mv_sqsum,
                                               self.mv_count))))

    @property
    def res_mean(self) -> np.ndarray:
        """``[3]`` mean residual per RGB channel."""
        return self._div(self.res_sum, self.res_count)

    @property
    def res_rms(self) -> np.ndarray:
        """``[3]`` RMS residual per RGB channel."""
        return np.sqrt(self._div(self.res_sqsum, self.res_count))

    @property
    def res_rms_pooled(self) -> float:
        """RMS over the three channels."""
        return float(np.sqrt(np.mean(self._div(self.res_sqsum,
                                               self.res_count))))


def evenly_spaced(total: int, limit: Optional[int]) -> np.ndarray:
    """Indices of at most ``limit`` evenly spaced items of ``total``.

    First and last are included; all ``total`` when ``limit`` is None or
    not smaller. E.g. ``evenly_spaced(10, 3) == [0, 4, 9]`` (rounded
    ``linspace``).

    Raises:
        ValueError: ``total < 0`` or ``limit < 1``.
    """
    if total < 0:
        raise ValueError(f'total must be >= 0, got {total}')
    if limit is not None and limit < 1:
        raise ValueError(f'limit must be >= 1 or None, got {limit}')
    if limit is None or limit >= total:
        return np.arange(total, dtype=np.int64)
    if limit == 1:
        return np.array([total // 2], np.int64)  # the middle, not the start
    return np.unique(np.round(np.linspace(0, total - 1, limit)).astype(
        np.int64))


def video_stats(filename: str,
                kappa: int = 5,
                accumulate: bool = False,
                max_gops: Optional[int] = None,
                virtual_gop: Union[None, str, int] = 'auto',
                index: Optional[GopIndex] = None,
                gops_per_read: int = 16) -> StreamStats:
    """Statistics of one video's MV and residual streams.

    Reads every GOP (or ``max_gops`` evenly spaced ones) with
    ``read_clip(kappa=kappa, accumulate=accumulate)``, i.e. exactly the
    frames the decode transform can feed the model, at the video's own
    resolution.

    Args:
        filename: Path of the video.
        kappa: P-frames sampled per GOP.
        accumulate: Accumulated instead of raw MVs / residuals.
        max_gops: At most this many GOPs (evenly spaced), None = all.
        virtual_gop: GOP cutting of :func:`index_gops` (``'auto'``: real
            GOPs for the paper's MPEG-4, 12-frame virtual GOPs for H.264
            with B-frames), ignored when ``index`` is given.
        index: The video's :class:`GopIndex`, if already built.
        gops_per_read: GOPs decoded per :func:`read_clip` call. Bounds the
            memory (a 340x256 GOP at kappa 5 is 8.7 MB of float32) without
            changing the result: each call starts at a keyframe and the
            streams of a GOP depend only on frames decoded from there.

    Returns:
        A :class:`StreamStats` with ``videos == 1``.

    Raises:
        CompressedVideoError: unreadable video (see :func:`read_clip`).
        ValueError: bad ``kappa``, ``max_gops`` or ``gops_per_read``.
    """
    if gops_per_read < 1:
        raise ValueError(f'gops_per_read must be >= 1, got {gops_per_read}')
    if index is None:
        index = index_gops(filename, virtual_gop)
    gops = evenly_spaced(index.num_gops, max_gops)
    stats = StreamStats(videos=1, gops=len(gops))
    for start in range(0, len(gops), gops_per_read):
        clip = read_clip(filename, gops[start:start + gops_per_read],
                         kappa=kappa, accumulate=accumulate,
                         streams=(MOTION_VECTORS, RESIDUALS),
                         index=index)
        stats.update(clip.motion_vectors, clip.residuals)
        stats.frames += len(clip.motion_vectors)
    return stats


def _list_videos(ann_file: str, data_prefix: str) -> List[str]:
    """The videos of an annotation list, joined to ``data_prefix``.

    Raises:
        FileListError: unreadable list, or none of its videos exists under
            ``data_prefix`` (with a hint: the paths of an mmaction2 list
            are relative to the dataset's video root).
    """
    videos = [osp.join(data_prefix, p) for p, _ in read_list(ann_file)]
    if videos and not any(osp.isfile(v) for v in videos):
        raise FileListError(
            f'{ann_file}: none of its {len(videos)} videos exists, e.g. '
            f'{videos[0]}; the paths of an annotation list are relative to '
            'the video root: pass it as --data-prefix (the '
            "data_prefix=dict(video=...) of the dataset config)")
    return videos


def collect_videos(inputs: Sequence[str] = (),
                   ann_files: Sequence[str] = (),
                   data_prefix: str = '') -> List[str]:
    """Sorted, de-duplicated video paths to measure.

    Args:
        inputs: Video files and folders (searched recursively for video
            files). A ``.txt`` file is taken as an annotation list, like
            ``ann_files``.
        ann_files: mmaction2 annotation lists (``"path label"`` lines).
        data_prefix: The folder the lists' paths are relative to.

    Returns:
        The paths; a missing video file is kept (it is reported when read).

    Raises:
        OSError, FileListError: an unreadable folder or list.
    """
    videos = []
    lists = list(ann_files)
    for path in inputs:
        if osp.isdir(path):
            videos += [osp.join(path, p) for p in find_videos(path)]
        elif path.lower().endswith('.txt'):
            lists.append(path)
        else:
            videos.append(path)
    for ann_file in lists:
        videos += _list_videos(ann_file, data_prefix)
    return sorted(set(videos))


def measure_video(video: str,
                  kappa: int = 5,
                  accumulate: bool = False,
                  max_gops: Optional[int] = None,
                  reencode_to: Optional[str] = None
                  ) -> Dict[bool, StreamStats]:
    """Statistics of one video in raw (and accumulated) mode.

    Args:
        video: Path of the video.
        kappa: P-frames sampled per GOP.
        accumulate: Also measure the accumulated streams.
        max_gops: At most this many evenly spaced GOPs, None = all.
        reencode_to: If given, re-encode ``video`` to the paper's format at
            this path first, measure that, and delete it.

    Returns:
        ``{False: raw}`` or ``{False: raw, True: accumulated}``.

    Raises:
        CompressedVideoError: the video cannot be read.
        ReencodeError: it cannot be re-encoded.
    """
    path = video
    if reencode_to is not None:
        reencode_video(video, reencode_to)
        path = reencode_to
    try:
        modes = (False, True) if accumulate else (False, )
        return {
            acc: video_stats(path, kappa=kappa, accumulate=acc,
                             max_gops=max_gops)
            for acc in modes
        }
    finally:
        if reencode_to is not None and osp.exists(reencode_to):
            os.remove(reencode_to)


def round_std(x: float) -> float:
    """3 significant digits: a std is not known better than that."""
    return float(f'{x:.3g}')


def preprocessor_snippet(raw: StreamStats,
                         accumulated: Optional[StreamStats] = None,
                         header: Sequence[str] = ()) -> str:
    """Config text setting the measured normalisation, ready to paste.

    The text is ``model = dict(data_preprocessor=dict(...))``: mmengine
    merges it into the model a config inherits (``_base_``). The I-frames
    keep ImageNet's statistics; MVs and residuals get mean 0 and the pooled
    RMS as their one std. With ``accumulated``, the same block for
    ``CompressedVideoDecode(accumulate=True)`` follows, commented out, so
    the whole text can still be pasted.

    Args:
        raw: Pooled statistics in raw mode.
        accumulated: Pooled statistics in accumulated mode, or None.
        header: Comment lines (without ``#``) to put first.

    Returns:
        Python source for an mmengine config.
    """

    def block(stats: StreamStats) -> List[str]:
        mv, res = round_std(stats.mv_rms_pooled), round_std(
            stats.res_rms_pooled)
        std = {IMGS: IMG_STD, MOTION_VECTORS: [mv] * 2, RESIDUALS: [res] * 3}
        mean = {IMGS: IMG_MEAN, MOTION_VECTORS: [0.] * 2,
                RESIDUALS: [0.] * 3}
        lines = ['model = dict(', '    data_preprocessor=dict(',
                 "        type='MultiModalDataPreprocessor',",
                 '        preprocessors=dict(']
        for i, key in enumerate(STREAMS):
            end = ')))' if i == len(STREAMS) - 1 else ','
            lines += [f'            {key}=dict(',
                      "                type='ActionDataPreprocessor',",
                      f'                mean={mean[key]},',
                      f'                std={std[key]},',
                      f"                format_shape='NCTHW'){end}"]
        return lines

    lines = [f'# {h}' for h in header] + block(raw)
    if accumulated is not None:
        lines += ['# With CompressedVideoDecode(accumulate=True) in the '
                  'pipeline, use this instead:']
        lines += [f'# {line}' for line in block(accumulated)]
    return '\n'.join(lines)
