"""Dense clips: RGB and the motion-vector field of every frame of a window.

:func:`read_dense_clip` is the codec's second reading mode, beside
:func:`~mmaction_imr.codec.reader.read_clip` (I-frames plus ``kappa``
sampled P-frames per GOP). It returns windows of ``N`` consecutive decoded
frames (32 by default, MVCGC's clip) and, for EVERY frame of a window:

- ``imgs``: the decoded RGB frame, ``[N, H, W, 3]`` uint8;
- ``motion_vectors``: its dense field, ``[N, H, W, 2]`` float32 ``(u, v)``
  in our convention (docs/design.md#motion-vector-convention): the forward
  displacement from where the content was in the previous frame, pixels per
  frame, the same sign and scale as forward optical flow ``prev -> cur``.
  **I-frames have a zero field** (they carry no vectors), and so do intra
  blocks of P/B-frames: the field is what the codec says, not an estimate.

The field of a frame is its own codec motion (each frame's vectors, divided
by the distance to its reference), so windows need no frame before them to
be computed, and a window that wraps around a short video (frame indices
modulo the video's length) is still correct frame by frame.

The rules for references and B-frames are the reader's, reused as they are
(:class:`~mmaction_imr.codec.reader._ClipReader`): references are the
nearest reference frames on either side in display order among the frames
decoded earlier (H.264 ``nal_ref_idc`` covers B-pyramids); FFmpeg's MPEG-4
Part 2 decoder exports zero vectors for B-frames, so they take the next
P-frame's field per frame of distance (MPEG-4 direct mode); H.264 B-frames
have their own vectors. One sequential decoding pass serves all windows: it
seeks to the keyframe at or before each window (trusted timestamps) and
decodes on from there.

Cost: every frame of a window is converted to RGB (that is the decode
pass's price); the motion vectors add the export of side data and one
rasterisation per frame (:func:`~.motion.parse_motion_vectors` and
:func:`~.motion.dense_flow`).
"""
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple, Union

import av
import numpy as np

from ..streams import IMGS, MOTION_VECTORS, STREAMS, check_streams
from .errors import CompressedVideoError, describe_error
from .gop import GopIndex, index_gops
from .reader import (MAX_PIXELS, _ClipReader, _SeekFailed, _warn_multiref,
                     _output_size)

__all__ = [
    'DENSE_CLIP_LEN', 'DENSE_STREAMS', 'DenseClip', 'dense_frame_inds',
    'read_dense_clip'
]

#: Frames per dense clip by default (MVCGC's 32 consecutive frames).
DENSE_CLIP_LEN = 32
#: The streams a dense clip has (residuals are a per-GOP-sample stream of
#: :func:`~mmaction_imr.codec.reader.read_clip` only).
DENSE_STREAMS = (IMGS, MOTION_VECTORS)


@dataclass
class DenseClip:
    """What :func:`read_dense_clip` returns for ``V`` windows of ``N`` frames.

    Attributes:
        imgs: ``[V * N, H, W, 3]`` uint8 RGB of every frame, window-major,
            or None if not requested.
        motion_vectors: ``[V * N, H, W, 2]`` float32 ``(u, v)``, pixels per
            frame, forward (zero at I-frames), or None if not requested.
        frame_inds: ``[V * N]`` int64 display indices of those frames.
        pict_types: ``[V * N]`` str picture types (``'I'``, ``'P'``,
            ``'B'``, ``'S'``).
        clip_len: ``N``, frames per window.
    """
    imgs: Optional[np.ndarray]
    motion_vectors: Optional[np.ndarray]
    frame_inds: np.ndarray
    pict_types: np.ndarray
    clip_len: int


def dense_frame_inds(starts: Union[int, Sequence[int]], clip_len: int,
                     total_frames: int) -> np.ndarray:
    """Display indices of windows of ``clip_len`` consecutive frames.

    A window that runs past the last frame wraps to the first one (a video
    shorter than a clip loops, like mmaction's ``SampleFrames`` with
    ``out_of_bound_opt='loop'``).

    Args:
        starts: ``[V]`` first frame of each window (or one int).
        clip_len: ``N``, frames per window, ``>= 1``.
        total_frames: Frames in the video, ``>= 1``.

    Returns:
        ``[V * N]`` int64, window-major.

    Raises:
        ValueError: a bad ``clip_len``, or a start outside
            ``[0, total_frames)``.

    Example:
        >>> dense_frame_inds([3, 0], 4, 6).tolist()
        [3, 4, 5, 0, 0, 1, 2, 3]
    """
    if int(clip_len) != clip_len or clip_len < 1:
        raise ValueError(f'clip_len must be an int >= 1, got {clip_len!r}')
    starts = np.asarray(starts, dtype=np.int64).reshape(-1)
    if len(starts) == 0 or starts.min() < 0 or starts.max() >= total_frames:
        raise ValueError(f'window starts must be in [0, {total_frames}), '
                         f'got {starts.tolist()}')
    inds = starts[:, None] + np.arange(int(clip_len), dtype=np.int64)[None]
    return (inds % total_frames).reshape(-1)


class _DenseReader(_ClipReader):
    """The reader's decoding loop and reference rules, every frame a slot.

    The base class is built with no GOPs, so it allocates no GOP slots; it
    keeps the parts used here: decoding with seeks (``run``), reference
    bookkeeping and B-frame ordering (``feed`` / ``drain``) and the per-frame
    field with the B-frame rules (``_flow``). The missing-frame check of
    ``run`` reads ``required`` / ``filled`` / ``frame_inds``, set here to one
    row of the frames to fill.
    """

    def __init__(self, index: GopIndex, frames: np.ndarray,
                 streams: Sequence[str], size: Tuple[int, int]):
        super().__init__(index, np.zeros(0, np.int64), 1, False, streams, size)
        h, w = self.shape
        m = len(frames)
        self.frames = frames  # [M] sorted, unique
        self.pos_of = {int(f): i for i, f in enumerate(frames)}
        self.imgs = (np.empty(
            (m, h, w, 3), np.uint8) if self.need_imgs else None)
        self.mvs = (np.empty(
            (m, h, w, 2), np.float32) if self.need_mv else None)
        self.frame_inds = frames[None]
        self.pict_types = np.full((1, m), '?', dtype='<U1')
        self.filled = np.zeros((1, m), bool)
        self.required = np.ones((1, m), bool)
        if self.need_mv and np.isin(frames, index.keyframes).all():
            # A window of keyframes only has no vectors to find; the base
            # class's "no motion vectors" check is for decoders that export
            # none, which a window with P/B-frames still detects.
            self.frames_with_mv = m

    def _runs(self):
        """Maximal runs of consecutive requested frames: [first, last]."""
        cut = np.flatnonzero(np.diff(self.frames) > 1) + 1
        return [[int(r[0]), int(r[-1])] for r in np.split(self.frames, cut)]

    def _process(self, f, past, future) -> None:
        i = self.pos_of.get(f.idx)
        if i is None:
            return
        self.pict_types[0, i] = f.ptype
        if self.need_imgs:
            self.imgs[i] = f.rgb()
        if self.need_mv:
            self.mvs[i] = self._flow(f, past, future)[0]
        self.filled[0, i] = True


def read_dense_clip(filename: str,
                    starts: Union[int, Sequence[int]],
                    clip_len: int = DENSE_CLIP_LEN,
                    streams: Sequence[str] = DENSE_STREAMS,
                    index: Optional[GopIndex] = None,
                    max_pixels: Optional[int] = MAX_PIXELS,
                    target_short_side: Optional[int] = None) -> DenseClip:
    """Decode windows of ``clip_len`` consecutive frames (one pass).

    Args:
        filename: Path of the video.
        starts: ``[V]`` display index of the first frame of each window, in
            the order wanted in the output (or one int); windows may
            overlap, repeat and wrap around the end (see
            :func:`dense_frame_inds`). Frames are decoded once.
        clip_len: ``N``, frames per window. Defaults to
            :data:`DENSE_CLIP_LEN` (32).
        streams: ``'imgs'`` and/or ``'motion_vectors'``, any order.
            Without motion vectors the decoder exports no side data.
        index: The video's :class:`GopIndex` (any ``virtual_gop``: only its
            frames and keyframes are used); :func:`index_gops` is run when
            None.
        max_pixels: Refuse outputs of more than ``H * W`` pixels; None for
            no bound. Defaults to :data:`MAX_PIXELS` (1080p).
        target_short_side: Make both streams with the short side scaled to
            this many pixels while decoding (as
            :func:`~mmaction_imr.codec.reader.read_clip`: the size
            ``Resize(scale=(-1, S))`` gives, vectors in pixels of that
            size); None for the video's own size.

    Returns:
        The :class:`DenseClip` at the video's own resolution, or at the
        ``target_short_side`` size.

    Raises:
        CompressedVideoError: unreadable, truncated or corrupt video, no
            motion vectors in frames that should have them, frames above
            ``max_pixels``; any other decoding error is wrapped into it.
            The message names the file.
        ValueError: bad ``starts``, ``clip_len`` or ``streams``.
    """
    streams = check_streams(streams)
    if any(s not in DENSE_STREAMS for s in streams):
        raise ValueError(f'dense clips have the streams {DENSE_STREAMS}, '
                         f'got {streams!r}')
    if index is None:
        index = index_gops(filename)
    try:
        frame_inds = dense_frame_inds(starts, clip_len, index.total_frames)
    except ValueError as err:
        raise ValueError(f'{filename}: {err}') from None
    # uint8 RGB, float32 vectors
    per_frame = sum(STREAMS[k].channels * (1 if k == IMGS else 4)
                    for k in streams)
    size = _output_size(filename, index, target_short_side, max_pixels,
                       len(frame_inds) * per_frame)
    _warn_multiref(index, False, streams)
    frames, inv = np.unique(frame_inds, return_inverse=True)
    use_pts = index.frame_pts is not None
    try:
        try:
            reader = _DenseReader(index, frames, streams, size)
            reader.run(use_pts)
        except _SeekFailed:
            reader = _DenseReader(index, frames, streams, size)
            reader.run(False)
    except CompressedVideoError:
        raise
    except av.error.FFmpegError as e:
        raise CompressedVideoError(
            filename, f'decoding failed ({describe_error(e)})') from None
    except Exception as e:  # noqa: BLE001 (damaged data: one clear error)
        raise CompressedVideoError(
            filename, f'decoding failed ({describe_error(e)})') from e
    inv = inv.reshape(-1)
    # Sorted windows without repeats are the decoded arrays themselves.
    identity = np.array_equal(inv, np.arange(len(inv)))

    def take(a):
        return a if a is None or identity else a[inv]

    return DenseClip(imgs=take(reader.imgs),
                     motion_vectors=take(reader.mvs),
                     frame_inds=frame_inds,
                     pict_types=reader.pict_types[0][inv],
                     clip_len=int(clip_len))
