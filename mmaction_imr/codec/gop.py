"""Index the GOPs of a video with one demux-only pass (no decoding).

A GOP is one I-frame followed by P-frames (and B-frames in videos from the
wild). Two ways to cut a video into GOPs:

- real GOPs: a GOP starts at every keyframe packet (the paper's re-encoded
  MPEG-4 videos: GOP 12, no B-frames);
- virtual GOPs of ``K`` frames (DESIGN.md section 2, for H.264 from the wild
  with B-frames and GOPs of 250 frames): every ``K`` decoded frames form a GOP
  whose first frame plays the I-frame, whatever its picture type.

``virtual_gop='auto'`` picks real GOPs when the file has no B-frames, at
least two GOPs, and no GOP (but the last) longer than ``2 * AUTO_GOP``
frames; otherwise virtual GOPs of ``AUTO_GOP`` = 12 frames (the paper's GOP).

Frame indices are display-order indices from 0. A GOP of a single frame has
no P-frame to sample, so it is merged into its neighbour (the next GOP; the
previous one for the last GOP).
"""
import os
import os.path as osp
from dataclasses import dataclass
from typing import Optional, Union

import av
import numpy as np

from .errors import CompressedVideoError

__all__ = ['AUTO_GOP', 'GopIndex', 'index_gops', 'open_video',
           'sample_positions']

#: GOP length of the paper's format, the virtual GOP of ``'auto'``.
AUTO_GOP = 12

# Containers whose packet timestamps may be decode-order guesses (AVI packs
# MPEG-4 B-frames): never seek in them, count decoded frames instead.
_UNTRUSTED_PTS_FORMATS = ('avi',)


@dataclass(frozen=True)
class GopIndex:
    """Where the GOPs of a video are.

    Attributes:
        filename: Path of the video.
        height: Frame height in pixels.
        width: Frame width in pixels.
        codec: FFmpeg decoder name (``'mpeg4'``, ``'h264'``, ...).
        total_frames: Number of frames (video packets).
        gop_starts: ``[G]`` int64, display index of the first frame of each
            GOP (its I-frame).
        gop_lengths: ``[G]`` int64, frames per GOP.
        keyframes: ``[Kf]`` int64, display indices of the real keyframes
            (where decoding can start after a seek).
        frame_pts: ``[F]`` int64 pts of each frame in display order, or
            None when the container's timestamps cannot be trusted (then the
            reader decodes from the start and counts frames).
        decode_order: ``[F]`` int64, the decode rank of each frame (display
            order), or None when unknown. Tells which frames can be
            references of which (a reference is decoded first).
        is_reference: ``[F]`` bool, whether each frame (display order) may
            be a reference, from the H.264 NAL header (``nal_ref_idc``;
            B-pyramids reference B-frames), or None (then I/P frames are
            the references, by picture type).
        has_b_frames: Whether the stream may contain B-frames.
        virtual_gop: ``K`` for virtual GOPs, None for real GOPs.
    """
    filename: str
    height: int
    width: int
    codec: str
    total_frames: int
    gop_starts: np.ndarray
    gop_lengths: np.ndarray
    keyframes: np.ndarray
    frame_pts: Optional[np.ndarray]
    decode_order: Optional[np.ndarray]
    is_reference: Optional[np.ndarray]
    has_b_frames: bool
    virtual_gop: Optional[int]

    @property
    def num_gops(self) -> int:
        """Number of GOPs."""
        return len(self.gop_starts)

    def gop_of(self, frame_ind: int) -> int:
        """Index of the GOP that holds display frame ``frame_ind``."""
        return int(np.searchsorted(self.gop_starts, frame_ind, 'right')) - 1


def sample_positions(gop_length: int, kappa: int) -> np.ndarray:
    """Positions of the ``kappa`` sampled P-frames inside a GOP.

    The ``kappa`` frames are spread evenly over positions ``1..K-1`` (0 is
    the I-frame): position ``round((j + 1) * K / (kappa + 1))``, so a GOP of
    12 gives 2, 4, 6, 8, 10 for ``kappa=5`` (the paper's "every other
    P-frame"). A GOP shorter than ``kappa + 1`` frames repeats positions
    (e.g. ``K=4``: 1, 1, 2, 3, 3).

    Args:
        gop_length: Frames in the GOP, ``K >= 2``.
        kappa: P-frames to sample, ``>= 1``.

    Returns:
        ``[kappa]`` int64 positions, non-decreasing, in ``[1, K - 1]``.
    """
    if gop_length < 2 or kappa < 1:
        raise ValueError(f'need gop_length >= 2 and kappa >= 1, got '
                         f'{gop_length}, {kappa}')
    pos = np.floor(np.arange(1, kappa + 1) * gop_length / (kappa + 1) + 0.5)
    return np.clip(pos.astype(np.int64), 1, gop_length - 1)


def open_video(filename: str):
    """Open ``filename`` with PyAV; return ``(container, video_stream)``.

    Raises:
        CompressedVideoError: missing or empty file, unreadable container,
            no video stream.
    """
    if not osp.isfile(filename):
        raise CompressedVideoError(filename, 'no such file')
    if os.path.getsize(filename) == 0:
        raise CompressedVideoError(filename, 'empty file (0 bytes)')
    try:
        container = av.open(filename)
    except av.error.FFmpegError as e:
        raise CompressedVideoError(
            filename, f'cannot open ({_describe(e)})') from None
    if not container.streams.video:
        container.close()
        raise CompressedVideoError(filename, 'no video stream')
    return container, container.streams.video[0]


def _describe(err: Exception) -> str:
    msg = getattr(err, 'strerror', None) or str(err)
    return f'{type(err).__name__}: {msg}'


def _merge_single_frame_gops(starts: np.ndarray, total: int) -> np.ndarray:
    """Drop GOP starts that leave a 1-frame GOP (merge it with a neighbour)."""
    starts = list(starts)
    i = 0
    while len(starts) > 1 and i < len(starts):
        end = starts[i + 1] if i + 1 < len(starts) else total
        if end - starts[i] < 2:
            # Merge into the next GOP by moving its start back; the last GOP
            # merges into the previous one by dropping its start.
            if i + 1 < len(starts):
                del starts[i + 1]
            else:
                del starts[i]
            continue
        i += 1
    return np.asarray(starts, dtype=np.int64)


def _h264_is_reference(data: bytes,
                       length_size: Optional[int]) -> Optional[bool]:
    """``nal_ref_idc != 0`` of the first slice NAL of an H.264 packet.

    Args:
        data: Packet bytes.
        length_size: NAL length-prefix size (AVCC, as in MP4/MKV), or None
            for Annex B start codes.

    Returns:
        Whether the picture is a reference, None if no slice NAL was found.
    """
    if length_size:
        i = 0
        while i + length_size < len(data):
            n = int.from_bytes(data[i:i + length_size], 'big')
            i += length_size
            if n <= 0 or i + n > len(data):
                return None
            if data[i] & 0x1f in (1, 5):  # non-IDR / IDR slice
                return bool(data[i] >> 5 & 3)
            i += n
        return None
    i = data.find(b'\x00\x00\x01')
    while 0 <= i < len(data) - 3:
        if data[i + 3] & 0x1f in (1, 5):
            return bool(data[i + 3] >> 5 & 3)
        i = data.find(b'\x00\x00\x01', i + 3)
    return None


def index_gops(filename: str,
               virtual_gop: Union[None, str, int] = None) -> GopIndex:
    """Scan the packets of ``filename`` (no decoding) and cut it into GOPs.

    Args:
        filename: Path of the video.
        virtual_gop: None for real GOPs (one per keyframe), an int ``K`` for
            virtual GOPs of ``K`` frames, or ``'auto'`` (see the module
            docstring).

    Returns:
        The :class:`GopIndex`.

    Raises:
        CompressedVideoError: see :func:`open_video`; also a truncated file
            (fewer packets than the header announces), an all-intra video
            (every packet a keyframe), fewer frames than one GOP (fewer than
            ``K`` for virtual GOPs, fewer than 2 frames for real ones).
        ValueError: a bad ``virtual_gop``.
    """
    if not (virtual_gop is None or virtual_gop == 'auto'
            or (isinstance(virtual_gop, (int, np.integer))
                and not isinstance(virtual_gop, bool) and virtual_gop >= 2)):
        raise ValueError(f"virtual_gop must be None, 'auto' or an int >= 2, "
                         f'got {virtual_gop!r}')
    container, stream = open_video(filename)
    try:
        pts, keys, refs = [], [], []
        codec = stream.codec_context.name
        length_size = None
        if codec == 'h264':
            extra = stream.codec_context.extradata or b''
            if len(extra) > 4 and extra[0] == 1:  # avcC: length-prefixed
                length_size = (extra[4] & 3) + 1
        try:
            for packet in container.demux(stream):
                if packet.size == 0:  # the demuxer's final flush packet
                    continue
                pts.append(packet.pts)
                keys.append(packet.is_keyframe)
                if codec == 'h264':
                    refs.append(_h264_is_reference(bytes(packet),
                                                   length_size))
        except av.error.FFmpegError as e:
            raise CompressedVideoError(
                filename, f'corrupt or truncated ({_describe(e)})') from None
        header_frames = stream.frames
        height = stream.codec_context.height
        width = stream.codec_context.width
        has_b = bool(stream.codec_context.has_b_frames)
        fmt = container.format.name
    finally:
        container.close()

    total = len(pts)
    if total == 0:
        raise CompressedVideoError(filename, 'no video frames')
    if header_frames and total < header_frames:
        raise CompressedVideoError(
            filename, f'truncated: the header announces {header_frames} '
            f'frames, the file holds {total}')
    if width <= 0 or height <= 0:
        raise CompressedVideoError(filename, 'unknown frame size')
    keys = np.asarray(keys, dtype=bool)
    if keys.all() and total > 1:
        raise CompressedVideoError(
            filename, 'all-intra video (every frame is a keyframe): '
            'no motion vectors')

    trusted = (fmt.split(',')[0] not in _UNTRUSTED_PTS_FORMATS
               and all(p is not None for p in pts)
               and len(set(pts)) == total)
    if trusted:
        pts_dec = np.asarray(pts, dtype=np.int64)
        order = np.argsort(pts_dec, kind='stable')  # display -> decode rank
        frame_pts = pts_dec[order]
        decode_order = np.empty(total, np.int64)
        decode_order[:] = order
        has_b = has_b or bool(np.any(np.diff(pts_dec) < 0))
        keyframes = np.sort(np.argsort(order)[keys])
        is_reference = (np.asarray(refs, bool)[order] if refs and all(
            r is not None for r in refs) else None)
    else:
        frame_pts = decode_order = is_reference = None
        # Without trusted timestamps use the keyframes' decode positions. With
        # B-frames these can be a few frames after the display positions, one
        # reason why 'auto' picks virtual GOPs for such files.
        keyframes = np.flatnonzero(keys).astype(np.int64)
    if len(keyframes) == 0 or keyframes[0] != 0:
        # Streams that do not start on a keyframe: decode from the start.
        keyframes = np.concatenate([[0], keyframes]).astype(np.int64)

    if virtual_gop == 'auto':
        real_lengths = np.diff(np.append(keyframes, total))
        body = real_lengths[:-1] if len(real_lengths) > 1 else real_lengths
        use_real = (not has_b and len(keyframes) >= 2
                    and body.max() <= 2 * AUTO_GOP)
        virtual_gop = None if use_real else AUTO_GOP

    if virtual_gop is None:
        if total < 2:
            raise CompressedVideoError(
                filename, f'{total} frame, fewer than one GOP with a P-frame')
        starts = keyframes
    else:
        k = int(virtual_gop)
        if total < k:
            raise CompressedVideoError(
                filename, f'{total} frames, fewer than one GOP of {k}')
        starts = np.arange(0, total, k, dtype=np.int64)
    starts = _merge_single_frame_gops(starts, total)
    lengths = np.diff(np.append(starts, total)).astype(np.int64)
    return GopIndex(
        filename=str(filename), height=int(height), width=int(width),
        codec=codec, total_frames=total, gop_starts=starts,
        gop_lengths=lengths, keyframes=keyframes, frame_pts=frame_pts,
        decode_order=decode_order, is_reference=is_reference,
        has_b_frames=has_b,
        virtual_gop=None if virtual_gop is None else int(virtual_gop))
