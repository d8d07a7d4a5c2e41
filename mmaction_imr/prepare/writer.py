"""Write videos with PyAV, in the paper's format or any other.

Pure PyAV/numpy (no mmengine): used by the re-encode tool, the synthetic
data set and the tests, which generate their own small videos.
"""
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Dict, Iterable, Optional

import av
import numpy as np
from av.video.frame import PictureType

__all__ = ['EncodeSpec', 'PAPER_SPEC', 'VideoWriter', 'write_video']


@dataclass(frozen=True)
class EncodeSpec:
    """How to encode a video.

    Args:
        codec: FFmpeg encoder name: ``'mpeg4'`` (MPEG-4 Part 2, the paper's)
            or e.g. ``'libx264'``.
        gop_size: Frames per GOP (I-frame interval).
        max_b_frames: Consecutive B-frames allowed; 0 = none (the paper's).
        qscale: Fixed quantiser for ``mpeg4`` (1 = best, CoViAR's ``-q:v 1``);
            ignored by other encoders.
        options: Extra encoder options (e.g. ``{'crf': '23'}`` for x264).
        threads: Encoder threads. 1 (default) makes the bitstream, and so
            the decoded pixels, independent of the machine: FFmpeg's slice
            threading cuts each picture into one slice per thread, which
            changes the prediction. ``None`` = FFmpeg's automatic choice
            (faster on one big video, machine-dependent output). Tools
            that encode many files parallelise over files instead.
    """
    codec: str = 'mpeg4'
    gop_size: int = 12
    max_b_frames: int = 0
    qscale: Optional[int] = 1
    options: Dict[str, str] = field(default_factory=dict)
    threads: Optional[int] = 1

    def encoder_options(self) -> Dict[str, str]:
        opts = {}
        if self.codec == 'mpeg4':
            if self.qscale is not None:
                # A fixed quantiser; `-q:v N` of the ffmpeg CLI.
                opts.update(qmin=str(self.qscale), qmax=str(self.qscale))
            # No scene-cut I-frames: GOPs are exactly gop_size long.
            opts['sc_threshold'] = '1000000000'
        elif self.codec == 'libx264':
            opts['sc_threshold'] = '0'
            opts['bf'] = str(self.max_b_frames)
            opts['g'] = str(self.gop_size)
            opts['keyint_min'] = str(self.gop_size)
        opts.update(self.options)
        return opts


#: The paper's re-encode (CoViAR's recipe): MPEG-4 Part 2, GOP 12, no B-frames.
PAPER_SPEC = EncodeSpec()


class VideoWriter:
    """Encode RGB frames one by one into a video file.

    Example:
        >>> with VideoWriter('out.mp4', 340, 256, fps=30) as w:
        ...     for frame in frames:  # [H, W, 3] uint8 RGB
        ...         w.write(frame)

    Args:
        path: Output file; the container follows the extension.
        width: Frame width in pixels (even, for yuv420p).
        height: Frame height in pixels (even, for yuv420p).
        fps: Frame rate (int or Fraction).
        spec: Encoder settings, the paper's by default.
    """

    def __init__(self,
                 path: str,
                 width: int,
                 height: int,
                 fps=30,
                 spec: EncodeSpec = PAPER_SPEC):
        if width % 2 or height % 2:
            raise ValueError(
                f'{path}: yuv420p needs an even size, got {width}x{height}')
        self.path = path
        self._count = 0  # frames written: the next frame's pts
        self.container = av.open(path, mode='w')
        self._rate = Fraction(fps).limit_denominator(1001)
        self.stream = self.container.add_stream(spec.codec, rate=self._rate)
        self.stream.width = width
        self.stream.height = height
        self.stream.pix_fmt = 'yuv420p'
        ctx = self.stream.codec_context
        ctx.gop_size = spec.gop_size
        ctx.max_b_frames = spec.max_b_frames
        if spec.threads is not None:
            ctx.thread_count = spec.threads
        ctx.options = spec.encoder_options()

    def write(self, frame: np.ndarray) -> None:
        """Encode one frame, ``[H, W, 3]`` uint8 RGB."""
        vf = av.VideoFrame.from_ndarray(
            np.ascontiguousarray(frame), format='rgb24')
        vf.pts = self._count
        vf.time_base = 1 / self._rate
        for packet in self.stream.encode(vf):
            self.container.mux(packet)
        self._count += 1

    def write_av_frame(self,
                       frame: 'av.VideoFrame',
                       interpolation: Optional[str] = None) -> None:
        """Encode a decoded PyAV frame (it is rescaled to the stream size).

        Args:
            frame: Any size and pixel format.
            interpolation: Scaler, e.g. ``'BICUBIC'`` (the ffmpeg CLI's
                default, used by the re-encode tool) or ``'AREA'``;
                ``None`` = PyAV's default.
        """
        frame = frame.reformat(
            width=self.stream.width, height=self.stream.height,
            format='yuv420p', interpolation=interpolation)
        # Constant frame rate: frame n at n / fps. (pts=None is not enough
        # for a decoded frame: it keeps its source time base, and the
        # encoder then rejects the second frame.)
        frame.pts = self._count
        frame.time_base = 1 / self._rate
        # A decoded frame keeps its source picture type, which encoders
        # take as an order (a forced I-frame breaks the GOP, a B-frame with
        # max_b_frames=0 is rejected): let our encoder decide.
        frame.pict_type = PictureType.NONE
        for packet in self.stream.encode(frame):
            self.container.mux(packet)
        self._count += 1

    def close(self) -> None:
        """Flush the encoder and close the file."""
        if self.container is None:
            return
        for packet in self.stream.encode():
            self.container.mux(packet)
        self.container.close()
        self.container = None

    def __enter__(self) -> 'VideoWriter':
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_video(path: str,
                frames: Iterable[np.ndarray],
                fps=30,
                spec: EncodeSpec = PAPER_SPEC) -> int:
    """Encode ``frames`` (``[H, W, 3]`` uint8 RGB each) into ``path``.

    Returns:
        The number of frames written.
    """
    writer = None
    n = 0
    try:
        for frame in frames:
            if writer is None:
                h, w = frame.shape[:2]
                writer = VideoWriter(path, w, h, fps=fps, spec=spec)
            writer.write(frame)
            n += 1
    finally:
        if writer is not None:
            writer.close()
    if n == 0:
        raise ValueError(f'{path}: no frames to write')
    return n
