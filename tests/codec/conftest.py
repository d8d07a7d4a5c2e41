"""Small synthetic videos for the codec tests (written with PyAV)."""
import numpy as np
import pytest

from mmaction_imr.prepare.writer import EncodeSpec, write_video

#: The paper's format and an H.264 stream with B-frames
#: (docs/design.md#virtual-gops).
SPECS = {
    'mpeg4': EncodeSpec(),
    'h264': EncodeSpec(codec='libx264', gop_size=250, max_b_frames=3,
                       options={'preset': 'fast'}),
}
SQUARE = 48  # covers >= 2 whole macroblocks, so its centre has clean MVs
SPEED = 3  # px per frame, to the right


def texture(rng, h, w):
    """Smooth grey texture, 0..255 (grey: no chroma sub-pel blur)."""
    import cv2
    t = cv2.GaussianBlur(rng.random((h, w), np.float32), (0, 0), 1.5)
    t = (t - t.min()) / (t.max() - t.min()) * 255
    return np.repeat(t.astype(np.uint8)[..., None], 3, axis=2)


def square_frames(n, h, w, speed=SPEED, seed=0):
    """A textured square moving ``speed`` px/frame right over a static
    textured background. Returns ``[n, h, w, 3]`` uint8 and the square's
    top-left corners ``[(x, y)]``."""
    rng = np.random.default_rng(seed)
    bg, sq = texture(rng, h, w), texture(rng, SQUARE, SQUARE)
    frames, corners = [], []
    y = (h - SQUARE) // 2
    for t in range(n):
        f = bg.copy()
        x = 20 + speed * t
        f[y:y + SQUARE, x:x + SQUARE] = sq
        frames.append(f)
        corners.append((x, y))
    return np.stack(frames), corners


@pytest.fixture(scope='session')
def synth(tmp_path_factory):
    """``synth(codec, n=25, h=96, w=192, speed=3) -> (path, frames,
    corners)``, cached per argument set."""
    root = tmp_path_factory.mktemp('synth')
    cache = {}

    def make(codec='mpeg4', n=25, h=96, w=192, speed=SPEED):
        key = (codec, n, h, w, speed)
        if key not in cache:
            frames, corners = square_frames(n, h, w, speed)
            path = str(root / f'{codec}_{n}_{h}x{w}_{speed}.mp4')
            write_video(path, frames, fps=30, spec=SPECS[codec])
            cache[key] = path, frames, corners
        return cache[key]

    return make


def encode_packets(codec, frames, gop=12, options=None, global_header=False):
    """Encode ``frames`` with a bare codec context (no container).

    Returns the context (for its extradata) and the packets, decode order.
    """
    from fractions import Fraction

    import av
    ctx = av.CodecContext.create(codec, 'w')
    ctx.height, ctx.width = frames.shape[1:3]
    ctx.pix_fmt = 'yuv420p'
    ctx.time_base = Fraction(1, 25)
    ctx.framerate = Fraction(25)
    ctx.gop_size = gop
    ctx.max_b_frames = 0
    ctx.options = dict(options or {})
    if global_header:
        ctx.flags |= av.codec.context.Flags.global_header
    packets = []
    for i, f in enumerate(frames):
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(f),
                                           format='rgb24')
        frame = frame.reformat(format='yuv420p')
        frame.pts = i
        packets += ctx.encode(frame)
    return ctx, packets + ctx.encode(None)


#: Packets cut from the start of the mid-GOP streams, and where the first
#: keyframe left then is (source frame 12, file packet 7).
CUT, FIRST_KEY = 5, 12


@pytest.fixture(scope='session')
def mid_gop(tmp_path_factory):
    """``mid_gop(kind) -> (path, frames, corners)``: a moving square (40
    frames, GOP 12) with its first ``CUT`` packets cut off, so the file
    starts with P-frames and its first keyframe is source frame 12.

    Kinds: ``'h264'``, a raw Annex-B ``.h264`` (no timestamps, the decoder
    drops the leading P-frames); ``'mpeg4_mp4'`` / ``'mpeg4_avi'``, MPEG-4
    Part 2 muxed with PyAV (the decoder outputs the leading P-frames without
    their reference), with trusted timestamps / counted frames.
    """
    from fractions import Fraction

    import av
    root = tmp_path_factory.mktemp('mid_gop')
    frames, corners = square_frames(40, 96, 192)
    cache = {}

    def make(kind):
        if kind in cache:
            return cache[kind]
        if kind == 'h264':
            _, packets = encode_packets(
                'libx264', frames, options={
                    'preset': 'fast', 'bf': '0', 'g': '12',
                    'keyint_min': '12', 'sc_threshold': '0'})
            first = bytes(packets[0])
            # Keep the SPS/PPS (everything before the IDR slice, NAL type 5)
            # so the decoder can start at the next IDR.
            i = 0
            while first[i + 3] & 0x1f != 5:
                i = first.index(b'\x00\x00\x01', i + 3)
            path = root / 'mid_gop.h264'
            path.write_bytes(first[:i] + b''.join(
                bytes(p) for p in packets[CUT:]))
        else:
            ctx, packets = encode_packets('mpeg4', frames, options={
                'qscale': '1'}, global_header=True)
            path = root / f'p_first.{kind.split("_")[1]}'
            with av.open(str(path), 'w') as out:
                stream = out.add_stream('mpeg4', rate=25)
                stream.width, stream.height = 192, 96
                stream.pix_fmt = 'yuv420p'
                stream.codec_context.extradata = ctx.extradata
                for i, packet in enumerate(packets[CUT:]):
                    packet.pts = packet.dts = i
                    packet.time_base = Fraction(1, 25)
                    packet.stream = stream
                    out.mux(packet)
        cache[kind] = str(path), frames, corners
        return cache[kind]

    return make


@pytest.fixture(scope='session')
def synth_b(tmp_path_factory):
    """The moving square (37 frames) as MPEG-4 Part 2 with 2 B-frames per
    P-frame (GOP 12): ``(path, frames, corners)``."""
    frames, corners = square_frames(37, 96, 192)
    path = str(tmp_path_factory.mktemp('synth_b') / 'mpeg4_b.mp4')
    write_video(path, frames, fps=30, spec=EncodeSpec(max_b_frames=2))
    return path, frames, corners


# FFmpeg's AVMotionVector layout as PyAV exports it.
MV_DTYPE = np.dtype([('source', 'i4'), ('w', 'u1'), ('h', 'u1'),
                     ('src_x', 'i2'), ('src_y', 'i2'), ('dst_x', 'i2'),
                     ('dst_y', 'i2'), ('flags', 'u8'), ('motion_x', 'i4'),
                     ('motion_y', 'i4'), ('motion_scale', 'u2')])


def _records(*blocks):
    out = np.zeros(len(blocks), MV_DTYPE)
    for r, (src, w, h, x0, y0, mx, my, sc) in zip(out, blocks):
        r['source'], r['w'], r['h'] = src, w, h
        r['dst_x'], r['dst_y'] = x0 + w // 2, y0 + h // 2
        r['src_x'], r['src_y'] = x0 + w // 2 + mx // sc, y0 + h // 2 + my // sc
        r['motion_x'], r['motion_y'], r['motion_scale'] = mx, my, sc
    return out


@pytest.fixture(scope='session')
def records():
    """``records(*blocks) -> MV records`` as PyAV exports them; a block is
    ``(source, w, h, x0, y0, motion_x, motion_y, scale)`` with ``(x0, y0)``
    its top-left corner."""
    return _records


@pytest.fixture
def truncated_real_file(tmp_path, testdata_dir):
    """The first 600 kB of a real H.264 file that has its index first, so
    its header promises more frames than the file holds."""
    src = f'{testdata_dir}/h264_340x256_test.mp4'
    path = tmp_path / 'cut.mp4'
    with open(src, 'rb') as f:
        path.write_bytes(f.read(600_000))
    return path
