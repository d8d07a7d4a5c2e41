"""Read I-frames, motion vectors and residuals of chosen GOPs in one pass.

:func:`read_clip` decodes the video once, sequentially, with PyAV: it seeks
to the keyframe at or before each run of requested GOPs (when the container's
timestamps can be trusted), decodes every frame from there (decoding is
sequential) but converts to RGB only the frames it needs (I-frames, sampled
P-frames and, for raw residuals, their reference frames), and stops after the
last frame it needs.

For each requested GOP of ``K`` frames it returns the I-frame (the GOP's
first frame) and ``kappa`` P-frames at the positions of
:func:`~mmaction_imr.codec.gop.sample_positions` (2, 4, 6, 8, 10 for K=12):

- motion vectors, docs/design.md#motion-vector-convention (forward, prev ->
  cur, per one frame, see :mod:`~mmaction_imr.codec.motion`); with
  ``accumulate=True`` the total displacement from the GOP's I-frame to the
  frame, traced back frame by frame in display order (CoViAR);
- residuals, RGB, signed float32 in 0..255 units: raw mode
  ``frame - motion_compensated(codec reference, codec vectors)`` (the
  codec's prediction error up to interpolation and rounding; bi-predicted
  blocks average both predictions; intra blocks use zero motion from the
  past reference); accumulated mode ``frame - warp(I-frame, accumulated)``.

References are the nearest reference frames on either side in display
order, among the frames decoded before the frame (decode order from the
container's timestamps). Reference frames are the I/P frames (picture
types), or for H.264 the frames whose NAL header says so (``nal_ref_idc``),
which covers B-pyramids (B-frames referenced by other B-frames). H.264 can
pick among several past references per block (x264's default is 3); side
data does not say which, so the nearest one is assumed: such blocks get
vectors too large by the distance ratio and a larger raw residual. The
reader logs this once per process for such files (``GopIndex.ref_frames >
1``); ``docs/codec.md`` gives the measured size of the effect. A sampled
frame that is an I-frame (virtual GOPs) has zero motion and, in raw mode,
the residual against its past reference.

Training resolution: with ``target_short_side`` every stream is made at
the size the network sees (short side ``S``, the other side rounded like
mmaction's ``Resize(scale=(-1, S))``): each frame it needs is converted to
RGB and resized once (``cv2.resize``, bilinear, as ``CompressedResize``
does), motion vectors are rasterised straight at that size with their
values scaled (:func:`~.motion.parse_motion_vectors`), and residuals and
warps run at that size. The result equals resizing the native-size streams
within the tolerances of ``docs/codec.md`` (I-frames: exactly; raw vectors:
exactly, away from block edges; residuals and accumulated vectors: small
interpolation differences). Scaling inside swscale
(``reformat(width=, height=)``) was measured about 2x slower than its
unscaled RGB conversion followed by ``cv2.resize`` (1280x720 to 455x256).

Memory: the streams are float32 at the output size, about
``T * kappa * H * W * 20`` bytes, so ``max_pixels`` refuses outputs above
1080p by default (a 5-GOP 4K clip would need several GB per worker; with
``target_short_side`` a 4K video is fine).
"""
import logging
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import av
import cv2
import numpy as np
from av.video.reformatter import VideoReformatter

from ..streams import (IMGS, MOTION_VECTORS, RESIDUALS, STREAM_KEYS, STREAMS,
                       check_streams)
from .errors import CompressedVideoError, describe_error
from .gop import GopIndex, index_gops, open_video, sample_positions
from .motion import (BlockMotion, accumulate_step, dense_flow,
                     parse_motion_vectors, pixel_grid, predict_along,
                     predict_blocks, warp)

__all__ = ['MAX_PIXELS', 'CompressedClip', 'read_clip', 'short_side_size']

#: Default pixel bound of :func:`read_clip`: 1080p (with H.264's 1088 coded
#: lines) passes, 1440p and 4K do not.
MAX_PIXELS = 1920 * 1088

logger = logging.getLogger(__name__)
_warned_multiref = False

# av's PictureType values -> one letter (SI/SP/BI fold into I/P/B).
_PICT = {1: 'I', 2: 'P', 3: 'B', 4: 'S', 5: 'I', 6: 'P', 7: 'B'}
# Anchors kept for reference look-ups (B-pyramids need a handful).
_MAX_ANCHORS = 8
# Frames a B-frame may wait for its future reference before it is processed
# without one (a stream that never sends it must not stall the reader).
_MAX_WAIT = 16


@dataclass
class CompressedClip:
    """What :func:`read_clip` returns for ``T`` GOPs.

    The array attributes are named after the stream keys of
    :mod:`mmaction_imr.streams`.

    Attributes:
        imgs: ``[T, H, W, 3]`` uint8 RGB I-frames, or None if not requested.
        motion_vectors: ``[T * kappa, H, W, 2]`` float32 ``(u, v)`` pixels
            (per frame, or since the I-frame when accumulated), or None.
        residuals: ``[T * kappa, H, W, 3]`` float32 signed RGB, or None.
        frame_inds: ``[T * (1 + kappa)]`` int64 display indices, GOP-major:
            the I-frame then its ``kappa`` P-frames, for each GOP.
        pict_types: ``[T * (1 + kappa)]`` str, picture type of those frames
            (``'I'``, ``'P'``, ``'B'``, ``'S'``; ``'?'`` for P-frames not
            decoded because only I-frames were requested).
        kappa: P-frames per GOP.
        accumulate: Whether vectors and residuals are accumulated.
    """
    imgs: Optional[np.ndarray]
    motion_vectors: Optional[np.ndarray]
    residuals: Optional[np.ndarray]
    frame_inds: np.ndarray
    pict_types: np.ndarray
    kappa: int
    accumulate: bool

    @property
    def shape(self) -> Tuple[int, int]:
        """``(H, W)`` of the streams (all have the same)."""
        for a in (self.imgs, self.motion_vectors, self.residuals):
            if a is not None:
                return a.shape[1:3]
        raise ValueError('the clip has no stream')


class _Frame:
    """A decoded frame with its display index and a lazy RGB conversion.

    The conversion goes through the reader's one ``VideoReformatter``:
    ``frame.to_ndarray(format=...)`` builds a new one (and a new swscale
    context) per call, about 3x slower for 340x256; same pixels.
    """
    __slots__ = ('idx', 'ptype', 'frame', '_rgb', 'motion', '_fmt', '_size')

    def __init__(self, idx: int, frame: 'av.VideoFrame',
                 reformatter: VideoReformatter,
                 size: Optional[Tuple[int, int]] = None):
        self.idx = idx
        self._fmt = reformatter
        self._size = size  # output (w, h), None for the coded size
        self.ptype = _PICT.get(int(frame.pict_type), 'P')
        self.frame = frame
        self._rgb = None
        self.motion = False  # not parsed yet; then BlockMotion or None

    def rgb(self) -> np.ndarray:
        if self._rgb is None:
            rgb = self._fmt.reformat(self.frame, format='rgb24').to_ndarray()
            if self._size is not None:
                rgb = cv2.resize(rgb, self._size,
                                 interpolation=cv2.INTER_LINEAR)
            self._rgb = rgb
        return self._rgb


class _SeekFailed(Exception):
    """Timestamps after a seek do not match the index: decode from start."""


class _ClipReader:
    """State of one read: which frames fill which output slots."""

    def __init__(self, index: GopIndex, gops: np.ndarray, kappa: int,
                 accumulate: bool, streams: Sequence[str],
                 size: Tuple[int, int]):
        self.index = index
        self.kappa = kappa
        self.accumulate = accumulate
        self.need_imgs = IMGS in streams
        self.need_mv = MOTION_VECTORS in streams
        self.need_res = RESIDUALS in streams
        self.need_motion = self.need_mv or self.need_res
        self.coded_shape = (index.height, index.width)
        w, h = size  # of every output stream
        self.shape = (h, w)
        self.size = None if self.shape == self.coded_shape else (w, h)
        self.gops = gops
        n = len(gops)
        self.slot = {int(g): u for u, g in enumerate(gops)}
        self.imgs = (np.empty((n, h, w, 3), np.uint8)
                     if self.need_imgs else None)
        self.mvs = (np.empty((n, kappa, h, w, 2), np.float32)
                    if self.need_mv else None)
        self.res = (np.empty((n, kappa, h, w, 3), np.float32)
                    if self.need_res else None)
        self.frame_inds = np.empty((n, 1 + kappa), np.int64)
        self.pict_types = np.full((n, 1 + kappa), '?', dtype='<U1')
        self.filled = np.zeros((n, 1 + kappa), bool)
        self.slots_at: Dict[int, List] = {}
        self.last = np.empty(n, np.int64)
        for u, g in enumerate(gops):
            start = int(index.gop_starts[g])
            pos = sample_positions(int(index.gop_lengths[g]), kappa)
            self.frame_inds[u] = np.concatenate([[start], start + pos])
            self.last[u] = start + pos[-1] if self.need_motion else start
            if self.need_motion:
                for j, p in enumerate(pos):
                    self.slots_at.setdefault(start + int(p), []).append(
                        (u, j))
        self.required = self.filled.copy()
        self.required[:, 0] = True
        if self.need_motion:
            self.required[:, 1:] = True
        self.grid = pixel_grid(h, w) if self.need_motion else None
        # Scratch sampling map for warp() (one allocation per clip).
        self.map_buf = (np.empty((h, w, 2), np.float32)
                        if self.need_res else None)
        self.acc_buf = (np.empty((h, w, 2), np.float32)
                        if self.need_motion and accumulate else None)
        self.reformatter = VideoReformatter()
        self.i_rgb: Dict[int, np.ndarray] = {}
        self.back: Dict[int, np.ndarray] = {}
        self.anchors: List[_Frame] = []
        self.queue: List[_Frame] = []
        self.frames_with_mv = 0

    # -- references -------------------------------------------------------
    def _decoded_before(self, a: int, b: int) -> bool:
        order = self.index.decode_order
        return order is None or order[a] < order[b]

    def _is_anchor(self, f: _Frame) -> bool:
        if self.index.is_reference is not None:
            return bool(self.index.is_reference[f.idx])
        return f.ptype != 'B'

    def _past(self, f: _Frame) -> Optional[_Frame]:
        for a in reversed(self.anchors):
            if a.idx < f.idx and self._decoded_before(a.idx, f.idx):
                return a
        return None

    def _future(self, f: _Frame) -> Optional[_Frame]:
        best = None
        for a in self.anchors:
            if a.idx > f.idx and self._decoded_before(a.idx, f.idx) and (
                    best is None or a.idx < best.idx):
                best = a
        return best

    # -- feeding ------------------------------------------------------------
    def reset(self) -> None:
        """Forget references (after a seek)."""
        self.anchors = []
        self.queue = []

    def feed(self, idx: int, frame: 'av.VideoFrame') -> None:
        """Take the next decoded frame (display order)."""
        if (frame.height, frame.width) != self.coded_shape:
            raise CompressedVideoError(
                self.index.filename,
                f'frame {idx} is {frame.width}x{frame.height}, the stream '
                f'was {self.coded_shape[1]}x{self.coded_shape[0]}')
        f = _Frame(idx, frame, self.reformatter, self.size)
        if self._is_anchor(f):
            self.anchors.append(f)
            del self.anchors[:-_MAX_ANCHORS]
        self.queue.append(f)
        self.drain()

    def drain(self, final: bool = False) -> None:
        """Process queued frames, in display order, once refs are known.

        B-frames wait for their future reference; everything after a waiting
        B-frame waits too so that frames are processed in display order (the
        accumulation chains frame after frame).
        """
        while self.queue:
            f = self.queue[0]
            future = None
            if f.ptype == 'B':
                future = self._future(f)
                if future is None and not final and (
                        self.queue[-1].idx - f.idx <= _MAX_WAIT):
                    return
            self.queue.pop(0)
            self._process(f, self._past(f), future)

    # -- per-frame work -----------------------------------------------------
    def _motion(self, f: _Frame) -> Optional[BlockMotion]:
        """Parsed block motion of ``f`` (None: intra, no side data)."""
        if f.motion is False:
            side = (None if f.ptype == 'I' else
                    f.frame.side_data.get('MOTION_VECTORS'))
            f.motion = (None if side is None else parse_motion_vectors(
                side.to_ndarray(), *self.coded_shape, size=self.size))
        return f.motion

    def _flow(self, f: _Frame, past: Optional[_Frame],
              future: Optional[_Frame]):
        """Forward per-frame field of ``f`` and its block motion.

        FFmpeg's MPEG-4 Part 2 decoder exports all-zero vectors for B-frames
        (it keeps B-frame vectors outside the tables it exports). For such a
        B-frame we use the next P-frame's field, like MPEG-4's direct mode
        (co-located vectors scaled by temporal distance), and return
        ``'direct'`` instead of block motion so that raw prediction
        bi-predicts along that field. When the next reference is an I-frame
        (the B-frames that close a GOP) it has no field: the previous
        P-frame's field, per frame of its own reference distance, stands in
        (constant motion over a few frames).
        """
        motion = self._motion(f)
        if f.ptype != 'I':
            self.frames_with_mv += motion is not None
        if motion is None:
            return np.zeros(self.shape + (2, ), np.float32), None
        if (f.ptype == 'B' and self.index.codec != 'h264'
                and past is not None and future is not None
                and not motion.past.any() and not motion.future.any()):
            fmotion = None if future.ptype == 'I' else self._motion(future)
            if fmotion is not None:
                return dense_flow(fmotion, future.idx - past.idx), 'direct'
            before = self._past(past) if past.ptype != 'I' else None
            pmotion = None if before is None else self._motion(past)
            if pmotion is not None:
                return dense_flow(pmotion, past.idx - before.idx), 'direct'
        return dense_flow(motion, f.idx - past.idx if past else 1,
                          future.idx - f.idx if future else 1), motion

    def _process(self, f: _Frame, past: Optional[_Frame],
                 future: Optional[_Frame]) -> None:
        g = self.index.gop_of(f.idx)
        u = self.slot.get(g)
        if u is None:
            return
        offset = f.idx - int(self.index.gop_starts[g])
        if offset == 0:
            self.pict_types[u, 0] = f.ptype
            self.filled[u, 0] = True
            if self.need_imgs:
                self.imgs[u] = f.rgb()
            if self.accumulate and self.need_res:
                self.i_rgb[u] = f.rgb()
            if self.accumulate and self.need_motion:
                self.back[u] = None  # zero motion at the I-frame
            return
        if f.idx > self.last[u]:
            return
        slots = self.slots_at.get(f.idx)
        if not slots and not self.accumulate:
            return
        flow, motion = self._flow(f, past, future)
        if self.accumulate:
            self.back[u] = accumulate_step(self.back[u], flow, self.grid,
                                           map_buf=self.acc_buf)
        if not slots:
            return
        (u, j0), rest = slots[0], slots[1:]
        if self.need_mv:
            if self.accumulate:
                np.negative(self.back[u], out=self.mvs[u, j0])
            else:
                self.mvs[u, j0] = flow
        if self.need_res:
            if self.accumulate:
                pred = warp(self.i_rgb[u], self.grid, self.back[u],
                            map_buf=self.map_buf)
            else:
                pred = self._predict(f, motion, flow, past, future)
            cv2.subtract(f.rgb(), pred, dst=self.res[u, j0],
                         dtype=cv2.CV_32F)
        self.pict_types[u, 1 + j0] = f.ptype
        self.filled[u, 1 + j0] = True
        for u, j in rest:  # short GOPs repeat a frame in several slots
            if self.need_mv:
                self.mvs[u, j] = self.mvs[u, j0]
            if self.need_res:
                self.res[u, j] = self.res[u, j0]
            self.pict_types[u, 1 + j] = f.ptype
            self.filled[u, 1 + j] = True

    def _predict(self, f: _Frame, motion, flow: np.ndarray,
                 past: Optional[_Frame],
                 future: Optional[_Frame]) -> np.ndarray:
        """The codec's motion-compensated prediction of ``f`` (raw mode)."""
        if past is None and future is None:
            return f.rgb()  # nothing to predict from: residual 0
        if motion is None:
            return (past or future).rgb()  # intra / I-frame: zero motion
        if isinstance(motion, str):  # 'direct': bi-predict along the field
            return predict_along(flow, self.grid, past.rgb(), future.rgb(),
                                 f.idx - past.idx, future.idx - f.idx,
                                 map_buf=self.map_buf)
        return predict_blocks(motion, self.grid,
                              None if past is None else past.rgb(),
                              None if future is None else future.rgb(),
                              map_buf=self.map_buf)

    # -- decoding -----------------------------------------------------------
    def _runs(self):
        """Maximal runs of consecutive requested GOPs: [first, last] frames."""
        runs, prev = [], None
        for u, g in enumerate(self.gops):
            if prev is not None and g == prev + 1:
                runs[-1][1] = int(self.last[u])
            else:
                runs.append([int(self.index.gop_starts[g]), int(self.last[u])])
            prev = g
        return runs

    def _frames(self, container, stream, use_pts: bool, first: int):
        pts_to_idx = self._pts_to_idx if use_pts else None
        last = first - 1
        # Frames before the first keyframe are not in the index (see
        # gop.py): skip them by pts, or when counting, up to the first
        # keyframe the decoder outputs (it may drop them itself).
        leading = self.index.leading_frames > 0
        first_pts = (None if self.index.frame_pts is None else
                     int(self.index.frame_pts[0]))
        for frame in container.decode(stream):
            if leading and not use_pts:
                if not (frame.key_frame or _PICT.get(
                        int(frame.pict_type)) == 'I'):
                    continue
                leading = False
            if use_pts:
                idx = pts_to_idx.get(frame.pts)
                if idx is None:
                    if (leading and frame.pts is not None
                            and frame.pts < first_pts):
                        continue
                    raise _SeekFailed
                if idx < first:  # open-GOP leading frames after a seek
                    continue
                if idx <= last:
                    raise _SeekFailed
            else:
                idx = last + 1
                if idx >= self.index.total_frames:
                    # More frames than the index's packets (AVI packed
                    # B-frames, damaged data): none of them is requested.
                    return
            last = idx
            yield idx, frame

    def run(self, use_pts: bool) -> None:
        index = self.index
        container, stream = open_video(index.filename)
        try:
            if self.need_motion:
                stream.codec_context.options = {'flags2': '+export_mvs'}
            if use_pts:
                self._pts_to_idx = {
                    int(p): i for i, p in enumerate(index.frame_pts)}
            frames, pos = None, -1
            for first, last in self._runs():
                kf = int(index.keyframes[np.searchsorted(
                    index.keyframes, first, 'right') - 1])
                if frames is None or (use_pts and kf > pos + 1):
                    if use_pts and kf > 0:
                        container.seek(int(index.frame_pts[kf]),
                                       stream=stream, backward=True,
                                       any_frame=False)
                        self.reset()
                    frames = self._frames(container, stream, use_pts,
                                          kf if use_pts else 0)
                if pos >= last:
                    continue
                for idx, frame in frames:
                    pos = idx
                    self.feed(idx, frame)
                    if idx >= last and not self.queue:
                        break
                else:
                    self.drain(final=True)
                    break
        finally:
            container.close()
        missing = self.required & ~self.filled
        if missing.any():
            u, j = np.argwhere(missing)[0]
            raise CompressedVideoError(
                index.filename,
                f'truncated or corrupt: frame {self.frame_inds[u, j]} of '
                f'{index.total_frames} could not be decoded (decoding '
                f'stopped at frame {pos})')
        if self.need_motion and self.frames_with_mv == 0:
            raise CompressedVideoError(
                index.filename,
                'no motion vectors in the decoded frames (all-intra video, '
                f'or the {index.codec} decoder does not export them)')

    def result(self, inv: np.ndarray) -> CompressedClip:
        identity = (len(inv) == len(self.gops)
                    and np.array_equal(inv, np.arange(len(inv))))

        def take(a):
            if a is None:
                return None
            return a if identity else a[inv]

        h, w = self.shape
        mvs, res = take(self.mvs), take(self.res)
        return CompressedClip(
            imgs=take(self.imgs),
            motion_vectors=None if mvs is None else mvs.reshape(-1, h, w, 2),
            residuals=None if res is None else res.reshape(-1, h, w, 3),
            frame_inds=take(self.frame_inds).reshape(-1),
            pict_types=take(self.pict_types).reshape(-1),
            kappa=self.kappa, accumulate=self.accumulate)


def read_clip(filename: str,
              gop_inds: Sequence[int],
              kappa: int = 5,
              accumulate: bool = False,
              streams: Sequence[str] = STREAM_KEYS,
              index: Optional[GopIndex] = None,
              max_pixels: Optional[int] = MAX_PIXELS,
              target_short_side: Optional[int] = None) -> CompressedClip:
    """Decode the GOPs ``gop_inds`` of ``filename`` (one sequential pass).

    Args:
        filename: Path of the video.
        gop_inds: ``[T]`` GOP indices, in the order wanted in the output;
            repeats are allowed (decoded once).
        kappa: P-frames sampled per GOP.
        accumulate: Accumulated motion vectors and residuals (traced back to
            the GOP's I-frame, CoViAR) instead of raw ones.
        streams: Keys of :data:`mmaction_imr.streams.STREAM_KEYS` to
            compute, any order.
        index: The video's :class:`GopIndex` (:func:`index_gops` with real
            GOPs is run when None).
        max_pixels: Refuse outputs of more than ``H * W`` pixels (the
            arrays are float32 at the output size: a 5-GOP clip at 1080p
            peaks at about 2.1 GB of RSS); None for no bound. The default,
            :data:`MAX_PIXELS`, admits 1080p.
        target_short_side: Make every stream with its short side scaled to
            this many pixels (:func:`short_side_size`, the size
            ``Resize(scale=(-1, S))`` gives), the vectors in pixels of that
            size; None for the video's own size.

    Returns:
        The :class:`CompressedClip` at the video's own resolution, or at the
        ``target_short_side`` size.

    Raises:
        CompressedVideoError: unreadable, truncated or corrupt video, no
            motion vectors at all, or frames above ``max_pixels``; any
            other error met while decoding is wrapped into it.
        ValueError: bad ``gop_inds``, ``kappa`` or ``streams``.
    """
    streams = check_streams(streams)
    if int(kappa) != kappa or kappa < 1:
        raise ValueError(f'kappa must be an int >= 1, got {kappa!r}')
    if index is None:
        index = index_gops(filename)
    gop_inds = np.asarray(gop_inds, dtype=np.int64).reshape(-1)
    if len(gop_inds) == 0 or gop_inds.min() < 0 or (
            gop_inds.max() >= index.num_gops):
        raise ValueError(f'{filename}: gop_inds must be in [0, '
                         f'{index.num_gops}), got {gop_inds.tolist()}')
    per_p = sum(STREAMS[k].channels for k in streams if k != IMGS)
    size = _output_size(filename, index, target_short_side, max_pixels,
                       len(gop_inds) * int(kappa) * per_p * 4,
                       "this clip's float32 streams alone")
    _warn_multiref(index, accumulate, streams)
    gops, inv = np.unique(gop_inds, return_inverse=True)
    use_pts = index.frame_pts is not None
    try:
        try:
            reader = _ClipReader(index, gops, int(kappa), accumulate, streams,
                                 size)
            reader.run(use_pts)
        except _SeekFailed:
            reader = _ClipReader(index, gops, int(kappa), accumulate, streams,
                                 size)
            reader.run(False)
    except CompressedVideoError:
        raise
    except av.error.FFmpegError as e:
        raise CompressedVideoError(
            filename, f'decoding failed ({describe_error(e)})') from None
    except Exception as e:  # noqa: BLE001 (damaged data: one clear error)
        raise CompressedVideoError(
            filename, f'decoding failed ({describe_error(e)})') from e
    return reader.result(inv)


def _output_size(filename: str, index: GopIndex,
                target_short_side: Optional[int], max_pixels: Optional[int],
                bytes_per_pixel: int,
                what: str = 'this clip alone') -> Tuple[int, int]:
    """``(w, h)`` of a clip decoded at ``target_short_side``, checked
    against ``max_pixels`` before any decoding.

    Args:
        filename: the video, named in the error.
        index: its :class:`GopIndex` (its size).
        target_short_side: the short side of the output, None for the
            video's own size.
        max_pixels: the bound on ``w * h``; None for no bound.
        bytes_per_pixel: bytes the whole clip takes per output pixel (for
            the error message).
        what: what takes those bytes, in the error message.

    Raises:
        ValueError: ``target_short_side`` is not None or an int >= 1.
        CompressedVideoError: ``w * h`` above ``max_pixels``, naming the
            file, the size and the memory the clip would take.
    """
    if target_short_side is None:
        size = index.width, index.height
    elif int(target_short_side) != target_short_side or target_short_side < 1:
        raise ValueError('target_short_side must be None or an int >= 1, '
                         f'got {target_short_side!r}')
    else:
        size = short_side_size(index.width, index.height, target_short_side)
    pixels = size[0] * size[1]
    if max_pixels is not None and pixels > max_pixels:
        need = pixels * bytes_per_pixel
        raise CompressedVideoError(
            filename, f'frames of {size[0]}x{size[1]} = {pixels} '
            f'pixels, above max_pixels={max_pixels} ({what} would take '
            f'{need / 2**30:.1f} GiB); pass target_short_side, re-encode to '
            'a smaller size (tools/data/reencode.py) or raise max_pixels')
    return size


def short_side_size(width: int, height: int,
                    short_side: int) -> Tuple[int, int]:
    """``(w, h)`` with the short side scaled to ``short_side`` pixels.

    The rounding of mmaction's ``Resize(scale=(-1, short_side))`` (mmcv's
    ``rescale_size``), so that such a ``Resize`` after a decode at this size
    changes nothing.
    """
    factor = short_side / min(width, height)
    return int(width * factor + 0.5), int(height * factor + 0.5)


def _warn_multiref(index: GopIndex, accumulate: bool,
                   streams: Sequence[str]) -> None:
    """Say once per process that H.264 multi-reference blurs the streams."""
    global _warned_multiref
    if (_warned_multiref or index.codec != 'h264'
            or not index.ref_frames or index.ref_frames < 2
            or not (MOTION_VECTORS in streams or RESIDUALS in streams)):
        return
    _warned_multiref = True
    logger.warning(
        '%s: H.264 with %d reference frames: blocks predicted from an '
        'older reference get vectors (and%s residuals) computed against the '
        'nearest one; re-encode with one reference (e.g. the paper format, '
        'tools/data/reencode.py) for exact streams. Said once per process; '
        'see docs/codec.md.', index.filename, index.ref_frames,
        '' if accumulate else ' raw')
