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

- motion vectors, DESIGN.md section 2 convention (forward, prev -> cur, per
  one frame, see :mod:`~mmaction_imr.codec.motion`); with
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
pick among several past references per block; side data does not say which,
so the nearest one is assumed. A sampled frame that is an I-frame (virtual
GOPs) has zero motion and, in raw mode, the residual against its past
reference.
"""
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import av
import cv2
import numpy as np
from av.video.reformatter import VideoReformatter

from .errors import CompressedVideoError
from .gop import GopIndex, _describe, index_gops, open_video, sample_positions
from .motion import (BlockMotion, accumulate_step, dense_flow,
                     parse_motion_vectors, pixel_grid, warp)

__all__ = ['STREAMS', 'CompressedClip', 'read_clip']

#: Stream names of :func:`read_clip`.
STREAMS = ('iframes', 'motion_vectors', 'residuals')

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

    Attributes:
        iframes: ``[T, H, W, 3]`` uint8 RGB, or None if not requested.
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
    iframes: Optional[np.ndarray]
    motion_vectors: Optional[np.ndarray]
    residuals: Optional[np.ndarray]
    frame_inds: np.ndarray
    pict_types: np.ndarray
    kappa: int
    accumulate: bool


class _Frame:
    """A decoded frame with its display index and a lazy RGB conversion.

    The conversion goes through the reader's one ``VideoReformatter``:
    ``frame.to_ndarray(format=...)`` builds a new one (and a new swscale
    context) per call, about 3x slower for 340x256; same pixels.
    """
    __slots__ = ('idx', 'ptype', 'frame', '_rgb', 'motion', '_fmt')

    def __init__(self, idx: int, frame: 'av.VideoFrame',
                 reformatter: VideoReformatter):
        self.idx = idx
        self._fmt = reformatter
        self.ptype = _PICT.get(int(frame.pict_type), 'P')
        self.frame = frame
        self._rgb = None
        self.motion = False  # not parsed yet; then BlockMotion or None

    def rgb(self) -> np.ndarray:
        if self._rgb is None:
            self._rgb = self._fmt.reformat(self.frame,
                                           format='rgb24').to_ndarray()
        return self._rgb


class _SeekFailed(Exception):
    """Timestamps after a seek do not match the index: decode from start."""


class _ClipReader:
    """State of one read: which frames fill which output slots."""

    def __init__(self, index: GopIndex, gops: np.ndarray, kappa: int,
                 accumulate: bool, streams: Sequence[str]):
        self.index = index
        self.kappa = kappa
        self.accumulate = accumulate
        self.need_iframes = 'iframes' in streams
        self.need_mv = 'motion_vectors' in streams
        self.need_res = 'residuals' in streams
        self.need_motion = self.need_mv or self.need_res
        h, w = index.height, index.width
        self.shape = (h, w)
        self.gops = gops
        n = len(gops)
        self.slot = {int(g): u for u, g in enumerate(gops)}
        self.iframes = (np.empty((n, h, w, 3), np.uint8)
                        if self.need_iframes else None)
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
        if (frame.height, frame.width) != self.shape:
            raise CompressedVideoError(
                self.index.filename,
                f'frame {idx} is {frame.width}x{frame.height}, the stream '
                f'was {self.shape[1]}x{self.shape[0]}')
        f = _Frame(idx, frame, self.reformatter)
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
                side.to_ndarray(), *self.shape))
        return f.motion

    def _flow(self, f: _Frame, past: Optional[_Frame],
              future: Optional[_Frame]):
        """Forward per-frame field of ``f`` and its block motion.

        FFmpeg's MPEG-4 Part 2 decoder exports all-zero vectors for B-frames
        (it keeps B-frame vectors outside the tables it exports). For such a
        B-frame we use the next P-frame's field, like MPEG-4's direct mode
        (co-located vectors scaled by temporal distance), and return
        ``'direct'`` instead of block motion so that raw prediction
        bi-predicts along that field.
        """
        motion = self._motion(f)
        if f.ptype != 'I':
            self.frames_with_mv += motion is not None
        if motion is None:
            return np.zeros(self.shape + (2, ), np.float32), None
        if (f.ptype == 'B' and self.index.codec != 'h264'
                and past is not None and future is not None
                and future.ptype != 'I' and not motion.past.any()
                and not motion.future.any()):
            fmotion = self._motion(future)
            if fmotion is not None:
                return dense_flow(fmotion, future.idx - past.idx), 'direct'
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
            if self.need_iframes:
                self.iframes[u] = f.rgb()
            if self.accumulate and self.need_res:
                self.i_rgb[u] = f.rgb()
            if self.accumulate and self.need_motion:
                self.back[u] = np.zeros(self.shape + (2, ), np.float32)
            return
        if f.idx > self.last[u]:
            return
        slots = self.slots_at.get(f.idx)
        if not slots and not self.accumulate:
            return
        flow, motion = self._flow(f, past, future)
        if self.accumulate:
            self.back[u] = accumulate_step(self.back[u], flow, self.grid)
        if not slots:
            return
        (u, j0), rest = slots[0], slots[1:]
        if self.need_mv:
            self.mvs[u, j0] = -self.back[u] if self.accumulate else flow
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
        base = past or future
        if base is None:
            return f.rgb()  # nothing to predict from: residual 0
        if motion is None:
            return base.rgb()  # intra / I-frame: zero motion
        if isinstance(motion, str):  # 'direct': bi-predict along the field
            a = warp(past.rgb(), self.grid, flow * -float(f.idx - past.idx),
                     map_buf=self.map_buf)
            b = warp(future.rgb(), self.grid,
                     flow * float(future.idx - f.idx), map_buf=self.map_buf)
            return ((a.astype(np.uint16) + b + 1) >> 1).astype(np.uint8)
        if past is not None and not motion.past.any():
            # All-zero vectors: remap at integer coordinates returns the
            # reference unchanged (bit-exact), so skip it. pred is not
            # written in place below (np.where makes a new array first).
            pred = past.rgb()
        elif past is not None:
            pred = warp(past.rgb(), self.grid, motion.upsample(motion.past),
                        map_buf=self.map_buf)
        else:
            pred = base.rgb()
        if future is not None and motion.future_mask.any():
            fpred = warp(future.rgb(), self.grid,
                         motion.upsample(motion.future), map_buf=self.map_buf)
            only_future = motion.future_mask & ~motion.past_mask
            both = motion.future_mask & motion.past_mask
            if past is None:
                only_future = motion.future_mask
                both = np.zeros_like(both)
            only_future = motion.upsample(only_future)
            pred = np.where(only_future[..., None], fpred, pred)
            if both.any():
                both = motion.upsample(both)
                avg = ((pred[both].astype(np.uint16) + fpred[both] + 1) >> 1)
                pred[both] = avg.astype(np.uint8)
        return pred

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
        for frame in container.decode(stream):
            if use_pts:
                idx = pts_to_idx.get(frame.pts)
                if idx is None:
                    raise _SeekFailed
                if idx < first:  # open-GOP leading frames after a seek
                    continue
                if idx <= last:
                    raise _SeekFailed
            else:
                idx = last + 1
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
            iframes=take(self.iframes),
            motion_vectors=None if mvs is None else mvs.reshape(-1, h, w, 2),
            residuals=None if res is None else res.reshape(-1, h, w, 3),
            frame_inds=take(self.frame_inds).reshape(-1),
            pict_types=take(self.pict_types).reshape(-1),
            kappa=self.kappa, accumulate=self.accumulate)


def read_clip(filename: str,
              gop_inds: Sequence[int],
              kappa: int = 5,
              accumulate: bool = False,
              streams: Sequence[str] = STREAMS,
              index: Optional[GopIndex] = None) -> CompressedClip:
    """Decode the GOPs ``gop_inds`` of ``filename`` (one sequential pass).

    Args:
        filename: Path of the video.
        gop_inds: ``[T]`` GOP indices, in the order wanted in the output;
            repeats are allowed (decoded once).
        kappa: P-frames sampled per GOP.
        accumulate: Accumulated motion vectors and residuals (traced back to
            the GOP's I-frame, CoViAR) instead of raw ones.
        streams: Subset of :data:`STREAMS` to compute.
        index: The video's :class:`GopIndex` (:func:`index_gops` with real
            GOPs is run when None).

    Returns:
        The :class:`CompressedClip` at the video's own resolution.

    Raises:
        CompressedVideoError: unreadable, truncated or corrupt video, or no
            motion vectors at all.
        ValueError: bad ``gop_inds``, ``kappa`` or ``streams``.
    """
    unknown = set(streams) - set(STREAMS)
    if unknown or not streams:
        raise ValueError(f'streams must be a non-empty subset of {STREAMS}, '
                         f'got {tuple(streams)}')
    if int(kappa) != kappa or kappa < 1:
        raise ValueError(f'kappa must be an int >= 1, got {kappa!r}')
    if index is None:
        index = index_gops(filename)
    gop_inds = np.asarray(gop_inds, dtype=np.int64).reshape(-1)
    if len(gop_inds) == 0 or gop_inds.min() < 0 or (
            gop_inds.max() >= index.num_gops):
        raise ValueError(f'{filename}: gop_inds must be in [0, '
                         f'{index.num_gops}), got {gop_inds.tolist()}')
    gops, inv = np.unique(gop_inds, return_inverse=True)
    use_pts = index.frame_pts is not None
    try:
        try:
            reader = _ClipReader(index, gops, int(kappa), accumulate, streams)
            reader.run(use_pts)
        except _SeekFailed:
            reader = _ClipReader(index, gops, int(kappa), accumulate, streams)
            reader.run(False)
    except av.error.FFmpegError as e:
        raise CompressedVideoError(
            filename, f'decoding failed ({_describe(e)})') from None
    return reader.result(inv)
