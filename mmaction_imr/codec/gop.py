"""Index the GOPs of a video with one demux-only pass (no decoding).

Two steps, each usable alone:

- :func:`scan_packets` -> :class:`PacketScan`: what the packets say (size,
  codec, timestamps, keyframe flags, H.264 reference flags), demux only;
- :func:`cut_gops` -> :class:`GopIndex`: display-order frames cut into GOPs.

:func:`index_gops` runs both. A GOP is one I-frame followed by P-frames (and
B-frames in videos from the wild). Two ways to cut a video into GOPs:

- real GOPs: a GOP starts at every keyframe (the paper's re-encoded MPEG-4
  videos: GOP 12, no B-frames);
- virtual GOPs of ``K`` frames (for H.264 from the wild with B-frames and
  GOPs of 250 frames, see ``docs/design.md#virtual-gops``): every ``K``
  decoded frames form a GOP whose first frame plays the I-frame, whatever
  its picture type.

``virtual_gop='auto'`` picks real GOPs when the file has no B-frames, at
least two GOPs, and no GOP (but the last) longer than ``2 * AUTO_GOP``
frames; otherwise virtual GOPs of ``AUTO_GOP`` = 12 frames (the paper's GOP).

Frame indices are display-order indices from 0, where frame 0 is the first
keyframe: frames before it (a stream cut mid-GOP, e.g. a raw ``.h264`` dump,
or MPEG-4 whose first frame is a P-frame) have no reference to be decoded
from, so they are left out (the decoder drops them or outputs garbage). A
GOP of a single frame has no P-frame to sample, so it is merged into its
neighbour (the next GOP; the previous one for the last GOP).
"""
import logging
import os
import stat
from dataclasses import dataclass
from typing import Optional, Set, Union

import av
import numpy as np

from .errors import CompressedVideoError, describe_error

__all__ = ['AUTO_GOP', 'GopIndex', 'PacketScan', 'cut_gops', 'index_gops',
           'open_video', 'sample_positions', 'scan_packets']

#: GOP length of the paper's format, the virtual GOP of ``'auto'``.
AUTO_GOP = 12

# Containers whose packet timestamps may be decode-order guesses (AVI packs
# MPEG-4 B-frames): never seek in them, count decoded frames instead.
_UNTRUSTED_PTS_FORMATS = ('avi', )

logger = logging.getLogger(__name__)
# Files already warned about in this process (each read opens a file twice).
_warned: Set[str] = set()


@dataclass(frozen=True)
class PacketScan:
    """What the packets of a video's first video stream say (no decoding).

    Attributes:
        filename: Path of the video.
        codec: FFmpeg decoder name (``'mpeg4'``, ``'h264'``, ...).
        height: Frame height in pixels.
        width: Frame width in pixels.
        container: FFmpeg demuxer name (``'mov,mp4,m4a,3gp,3g2,mj2'``, ...).
        header_frames: Frames the container header announces, 0 if unknown.
        pts: ``[P]`` int64 packet timestamps in decode order, or None when
            a packet has none (raw streams).
        keyframes: ``[P]`` bool, the keyframe flag of each packet.
        is_reference: ``[P]`` bool, H.264 ``nal_ref_idc != 0`` of each
            packet, or None (other codecs, or a packet without a slice).
        has_b_frames: The decoder's reorder-delay flag from the header.
        ref_frames: For H.264, the past references a P-block may choose
            from (``num_ref_idx_l0_default_active`` of the first picture
            parameter set), None if unknown or another codec.
    """
    filename: str
    codec: str
    height: int
    width: int
    container: str
    header_frames: int
    pts: Optional[np.ndarray]
    keyframes: np.ndarray
    is_reference: Optional[np.ndarray]
    has_b_frames: bool
    ref_frames: Optional[int]

    @property
    def num_packets(self) -> int:
        """Number of video packets (frames) in decode order."""
        return len(self.keyframes)


@dataclass(frozen=True)
class GopIndex:
    """Where the GOPs of a video are.

    Attributes:
        filename: Path of the video.
        height: Frame height in pixels.
        width: Frame width in pixels.
        codec: FFmpeg decoder name (``'mpeg4'``, ``'h264'``, ...).
        total_frames: Number of frames from the first keyframe on.
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
        leading_frames: Packets before the first keyframe, left out of the
            index (0 for a stream that starts on a keyframe).
        ref_frames: See :attr:`PacketScan.ref_frames`.
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
    leading_frames: int = 0
    ref_frames: Optional[int] = None

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


def _check_path(filename: str) -> None:
    """Reject what is not a non-empty regular file, saying what it is."""
    try:
        st = os.stat(filename)
    except FileNotFoundError:
        raise CompressedVideoError(filename, 'no such file') from None
    except OSError as e:
        raise CompressedVideoError(
            filename, f'cannot stat ({describe_error(e)})') from None
    if stat.S_ISDIR(st.st_mode):
        raise CompressedVideoError(filename, 'is a directory, not a video')
    if not stat.S_ISREG(st.st_mode):
        kinds = ((stat.S_ISFIFO, 'a FIFO (named pipe)'),
                 (stat.S_ISSOCK, 'a socket'), (stat.S_ISCHR, 'a device'),
                 (stat.S_ISBLK, 'a device'))
        kind = next((k for test, k in kinds if test(st.st_mode)),
                    'not a regular file')
        # Said before opening: opening a FIFO blocks until a writer appears.
        raise CompressedVideoError(filename, f'is {kind}, not a video file')
    if st.st_size == 0:
        raise CompressedVideoError(filename, 'empty file (0 bytes)')


def open_video(filename: str):
    """Open ``filename`` with PyAV; return ``(container, video_stream)``.

    The stream is the first video stream; a file with several logs a
    warning naming the one used (once per file and process). Metadata tags
    that are not valid UTF-8 are dropped (they are not needed here).

    Raises:
        CompressedVideoError: missing or empty file, a directory or FIFO,
            unreadable container, no video stream, or a video stream that
            FFmpeg has no decoder for.
    """
    _check_path(filename)
    try:
        container = av.open(str(filename), metadata_errors='ignore')
    except Exception as e:  # noqa: BLE001 (FFmpegError, OSError, ...)
        raise CompressedVideoError(
            filename, f'cannot open ({describe_error(e)})') from None
    videos = container.streams.video
    if not videos:
        container.close()
        raise CompressedVideoError(filename, 'no video stream')
    stream = videos[0]
    if stream.codec_context is None:
        container.close()
        raise CompressedVideoError(
            filename, 'the video stream has no decoder (a codec this FFmpeg '
            'build does not know)')
    if len(videos) > 1 and str(filename) not in _warned:
        _warned.add(str(filename))
        logger.warning(
            '%s: %d video streams; using the first (stream #%d, %s %dx%d)',
            filename, len(videos), stream.index, stream.codec_context.name,
            stream.codec_context.width, stream.codec_context.height)
    return container, stream


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


def _nal_units(data: bytes, length_size: Optional[int]):
    """Yield the NAL units of an H.264 packet (AVCC or Annex B)."""
    if length_size:
        i = 0
        while i + length_size < len(data):
            n = int.from_bytes(data[i:i + length_size], 'big')
            i += length_size
            if n <= 0 or i + n > len(data):
                return
            yield data[i:i + n]
            i += n
        return
    i = data.find(b'\x00\x00\x01')
    while 0 <= i < len(data) - 3:
        j = data.find(b'\x00\x00\x01', i + 3)
        yield data[i + 3:len(data) if j < 0 else j]
        i = j


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
    for nal in _nal_units(data, length_size):
        if nal and nal[0] & 0x1f in (1, 5):  # non-IDR / IDR slice
            return bool(nal[0] >> 5 & 3)
    return None


class _Bits:
    """Big-endian bit reader with Exp-Golomb codes (H.264 headers)."""

    def __init__(self, data: bytes):
        # Drop emulation-prevention bytes (00 00 03 -> 00 00).
        self.data = data.replace(b'\x00\x00\x03', b'\x00\x00')
        self.pos = 0

    def bit(self) -> int:
        b = self.data[self.pos >> 3] >> (7 - (self.pos & 7)) & 1
        self.pos += 1
        return b

    def ue(self) -> int:
        zeros = 0
        while self.bit() == 0:
            zeros += 1
            if zeros > 31:
                raise ValueError('bad Exp-Golomb code')
        value = 0
        for _ in range(zeros):
            value = value << 1 | self.bit()
        return (1 << zeros) - 1 + value


def _pps_l0_refs(nal: bytes) -> Optional[int]:
    """``num_ref_idx_l0_default_active`` of a picture parameter set NAL."""
    try:
        bits = _Bits(nal[1:])
        bits.ue(), bits.ue(), bits.bit(), bits.bit()  # ids, entropy, poc
        if bits.ue() != 0:  # slice groups (Extended profile): give up
            return None
        return bits.ue() + 1
    except (IndexError, ValueError):
        return None


def _h264_ref_frames(extradata: bytes, first_packet: bytes,
                     length_size: Optional[int]) -> Optional[int]:
    """Past references of the first PPS, from avcC extradata or in-band."""
    nals = []
    if length_size:  # avcC: SPS list, then PPS list, 16-bit lengths
        try:
            i = 6
            for count_mask in (0x1f, 0xff):
                count = extradata[i - 1] & count_mask
                for _ in range(count):
                    n = int.from_bytes(extradata[i:i + 2], 'big')
                    nals.append(extradata[i + 2:i + 2 + n])
                    i += 2 + n
                i += 1
        except IndexError:
            pass
    else:
        nals += list(_nal_units(extradata, None))
    nals += list(_nal_units(first_packet, length_size))
    for nal in nals:
        if nal and nal[0] & 0x1f == 8:
            return _pps_l0_refs(nal)
    return None


def scan_packets(filename: str) -> PacketScan:
    """Demux every packet of the first video stream of ``filename``.

    Args:
        filename: Path of the video.

    Returns:
        The :class:`PacketScan` (packets in decode order).

    Raises:
        CompressedVideoError: see :func:`open_video`; also a file whose
            demuxing fails (corrupt or truncated).
    """
    container, stream = open_video(filename)
    try:
        ctx = stream.codec_context
        codec = ctx.name
        pts, keys, refs = [], [], []
        length_size, first = None, b''
        extra = ctx.extradata or b''
        if codec == 'h264' and len(extra) > 4 and extra[0] == 1:
            length_size = (extra[4] & 3) + 1  # avcC: length-prefixed NALs
        try:
            for packet in container.demux(stream):
                if packet.size == 0:  # the demuxer's final flush packet
                    continue
                pts.append(packet.pts)
                keys.append(packet.is_keyframe)
                if codec == 'h264':
                    data = bytes(packet)
                    first = first or data
                    refs.append(_h264_is_reference(data, length_size))
            ref_frames = (_h264_ref_frames(extra, first, length_size)
                          if codec == 'h264' else None)
            return PacketScan(
                filename=str(filename), codec=codec, height=int(ctx.height),
                width=int(ctx.width), container=container.format.name,
                header_frames=int(stream.frames or 0),
                pts=(np.asarray(pts, np.int64)
                     if pts and None not in pts else None),
                keyframes=np.asarray(keys, bool),
                is_reference=(np.asarray(refs, bool) if refs
                              and None not in refs else None),
                has_b_frames=bool(ctx.has_b_frames), ref_frames=ref_frames)
        except av.error.FFmpegError as e:
            raise CompressedVideoError(
                filename,
                f'corrupt or truncated ({describe_error(e)})') from None
        except Exception as e:  # noqa: BLE001 (one bad file, one error)
            raise CompressedVideoError(
                filename, f'cannot demux ({describe_error(e)})') from e
    finally:
        container.close()


def _check_virtual_gop(virtual_gop) -> None:
    if not (virtual_gop is None or virtual_gop == 'auto'
            or (isinstance(virtual_gop, (int, np.integer))
                and not isinstance(virtual_gop, bool) and virtual_gop >= 2)):
        raise ValueError(f"virtual_gop must be None, 'auto' or an int >= 2, "
                         f'got {virtual_gop!r}')


def _frames(n: int) -> str:
    return f'{n} frame' + ('' if n == 1 else 's')


def cut_gops(scan: PacketScan,
             virtual_gop: Union[None, str, int] = None) -> GopIndex:
    """Cut the frames of a :class:`PacketScan` into GOPs.

    Args:
        scan: From :func:`scan_packets`.
        virtual_gop: See :func:`index_gops`.

    Returns:
        The :class:`GopIndex`.

    Raises:
        CompressedVideoError: see :func:`index_gops`.
        ValueError: a bad ``virtual_gop``.
    """
    _check_virtual_gop(virtual_gop)
    filename = scan.filename
    total = scan.num_packets
    if total == 0:
        raise CompressedVideoError(filename, 'no video frames')
    if scan.header_frames and total < scan.header_frames:
        raise CompressedVideoError(
            filename, f'truncated: the header announces {scan.header_frames} '
            f'frames, the file holds {total}')
    if scan.width <= 0 or scan.height <= 0:
        raise CompressedVideoError(filename, 'unknown frame size')
    keys = scan.keyframes
    if keys.all() and total > 1:
        raise CompressedVideoError(
            filename, 'all-intra video (every frame is a keyframe): '
            'no motion vectors')

    pts = scan.pts
    has_b = scan.has_b_frames
    trusted = (scan.container.split(',')[0] not in _UNTRUSTED_PTS_FORMATS
               and pts is not None and len(np.unique(pts)) == total)
    leading = 0
    if trusted:
        order = np.argsort(pts, kind='stable')  # display -> decode rank
        has_b = has_b or bool(np.any(np.diff(pts) < 0))
        display_keys = np.sort(np.argsort(order)[keys])
        # Frames displayed before the first keyframe reference pictures the
        # file does not hold: leave them out (the reader skips them by pts).
        leading = int(display_keys[0]) if len(display_keys) else 0
        order = order[leading:]
        frame_pts = pts[order]
        decode_order = np.argsort(np.argsort(order)).astype(np.int64)
        keyframes = display_keys - leading
        is_reference = (None if scan.is_reference is None else
                        scan.is_reference[order])
    else:
        frame_pts = decode_order = is_reference = None
        # Without trusted timestamps use the keyframes' decode positions.
        # With B-frames a keyframe is decoded before the B-frames displayed
        # just before it, so these can be a few frames before the display
        # positions: one reason why 'auto' picks virtual GOPs for such files.
        keyframes = np.flatnonzero(keys).astype(np.int64)
        # A stream cut mid-GOP (raw .h264, some AVI): the decoder drops the
        # frames before the first keyframe (H.264) or outputs them without
        # their reference (MPEG-4); the reader skips them, so count from it.
        leading = int(keyframes[0]) if len(keyframes) else 0
        keyframes = keyframes - leading
    total -= leading
    if len(keyframes) == 0 or keyframes[0] != 0:
        # No keyframe flag at all: decode from the start.
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
                filename,
                f'{_frames(total)}, fewer than one GOP with a P-frame')
        starts = keyframes
    else:
        k = int(virtual_gop)
        if total < k:
            raise CompressedVideoError(
                filename, f'{_frames(total)}, fewer than one GOP of {k}')
        starts = np.arange(0, total, k, dtype=np.int64)
    starts = _merge_single_frame_gops(starts, total)
    lengths = np.diff(np.append(starts, total)).astype(np.int64)
    return GopIndex(
        filename=filename, height=scan.height, width=scan.width,
        codec=scan.codec, total_frames=total, gop_starts=starts,
        gop_lengths=lengths, keyframes=keyframes, frame_pts=frame_pts,
        decode_order=decode_order, is_reference=is_reference,
        has_b_frames=has_b,
        virtual_gop=None if virtual_gop is None else int(virtual_gop),
        leading_frames=leading, ref_frames=scan.ref_frames)


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
    _check_virtual_gop(virtual_gop)
    return cut_gops(scan_packets(filename), virtual_gop)
