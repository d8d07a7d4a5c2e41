"""read_dense_clip: RGB and the MV field of every frame of a window."""
import av
import numpy as np
import pytest

from mmaction_imr.codec import (CompressedVideoError, dense_frame_inds,
                                index_gops, read_clip, read_dense_clip)
from mmaction_imr.codec import reader as reader_module
from mmaction_imr.prepare.writer import EncodeSpec, write_video

SPEED, SQUARE = 3, 48  # as in tests/codec/conftest.py (not importable)
# x264 with B-pyramids but one past reference: side data does not say which
# of several references a block uses (the reader assumes the nearest, see
# docs/codec.md), so exact per-frame fields need a single one.
H264_ONE_REF = EncodeSpec(codec='libx264',
                          gop_size=250,
                          max_b_frames=3,
                          options={
                              'preset': 'fast',
                              'x264-params': 'ref=1'
                          })


@pytest.fixture(scope='module')
def square(synth, tmp_path_factory):
    """``square(codec) -> (path, frames, corners)``: the moving square of
    ``synth`` (30 frames) as MPEG-4 (GOP 12) or one-reference H.264."""
    path, frames, corners = synth('mpeg4', n=30)
    h264 = str(tmp_path_factory.mktemp('dense') / 'h264_one_ref.mp4')
    write_video(h264, frames, fps=30, spec=H264_ONE_REF)
    paths = dict(mpeg4=path, h264=h264)
    return lambda codec: (paths[codec], frames, corners)


def decoded_rgb(path):
    """Every frame of ``path`` as PyAV decodes it, display order."""
    with av.open(path) as container:
        return np.stack(
            [f.to_ndarray(format='rgb24') for f in container.decode(video=0)])


def square_u(mv, corner):
    """Median (u, v) of the square's interior, mean |mv| far from it."""
    x, y = corner
    inner = mv[y + 16:y + SQUARE - 16, x + 16:x + SQUARE - 16].reshape(-1, 2)
    outside = np.ones(mv.shape[:2], bool)
    outside[max(y - 16, 0):y + SQUARE + 16,
            max(x - 16 - 2 * SPEED, 0):x + SQUARE + 16] = 0
    return np.median(inner, axis=0), np.abs(mv[outside]).mean()


def test_dense_frame_inds():
    assert dense_frame_inds(2, 3, 10).tolist() == [2, 3, 4]
    # Windows in the given order; one past the end wraps (short videos).
    assert dense_frame_inds([3, 0], 4, 6).tolist() == [3, 4, 5, 0, 0, 1, 2, 3]
    assert dense_frame_inds([0], 5, 2).tolist() == [0, 1, 0, 1, 0]
    for starts, n in (([], 2), ([6], 2), ([-1], 2), ([0], 0), ([0], 1.5)):
        with pytest.raises(ValueError):
            dense_frame_inds(starts, n, 6)


@pytest.mark.parametrize('codec', ['mpeg4', 'h264'])
def test_moving_square(square, codec):
    # mpeg4: the paper's format (GOP 12, I-frames at 0, 12, 24);
    # h264: x264 with B-frames (3 at most, B-pyramid) and one keyframe.
    path, frames, corners = square(codec)
    clip = read_dense_clip(path, 4, clip_len=16)
    h, w = frames.shape[1:3]
    assert clip.clip_len == 16
    assert clip.imgs.shape == (16, h, w, 3) and clip.imgs.dtype == np.uint8
    assert clip.motion_vectors.shape == (16, h, w, 2)
    assert clip.motion_vectors.dtype == np.float32
    assert clip.frame_inds.tolist() == list(range(4, 20))
    # RGB of every frame: exactly the decoder's frames, in display order.
    np.testing.assert_array_equal(clip.imgs, decoded_rgb(path)[4:20])
    types = ''.join(clip.pict_types)
    if codec == 'mpeg4':
        assert types == 'P' * 8 + 'I' + 'P' * 7
    else:
        assert 'B' in types and 'I' not in types
    for k, t in enumerate(clip.frame_inds):
        mv = clip.motion_vectors[k]
        if clip.pict_types[k] == 'I':
            assert not mv.any(), t  # I-frames: zero field, documented
            continue
        # Forward, previous -> current frame, pixels per frame: the
        # square moves SPEED px right per frame, the background stays.
        (u, v), out = square_u(mv, corners[t])
        assert abs(u - SPEED) < 0.5 and abs(v) < 0.5, (t, u, v)
        assert out < 0.1, (t, out)


def test_mpeg4_b_frames(synth_b):
    # MPEG-4 Part 2, IBBPBBPBBPBB: FFmpeg exports zero vectors for its
    # B-frames; they take the next P-frame's field per frame (direct mode),
    # or the previous one's right before an I-frame (frames 22, 23). (The
    # encoder codes the square of GOPs 0 and 2 intra: GOP 1 is the test.)
    path, frames, corners = synth_b
    clip = read_dense_clip(path, 10, clip_len=16)
    assert ''.join(clip.pict_types) == 'BB' + 'IBBPBBPBBPBB' + 'IB'
    np.testing.assert_array_equal(clip.imgs, decoded_rgb(path)[10:26])
    for k, t in list(enumerate(clip.frame_inds))[2:14]:
        mv = clip.motion_vectors[k]
        if clip.pict_types[k] == 'I':
            assert not mv.any(), t
            continue
        (u, v), _ = square_u(mv, corners[t])
        assert abs(u - SPEED) < 0.5 and abs(v) < 0.5, (t, u, v)


@pytest.mark.parametrize('codec', ['mpeg4', 'h264'])
def test_same_fields_as_read_clip(synth, codec):
    # One set of reference and B-frame rules: a dense frame's field is the
    # sampled frame's field of read_clip, bit for bit.
    path, _, _ = synth(codec, n=30)
    index = index_gops(path, 12)
    sparse = read_clip(path, [1],
                       kappa=5,
                       index=index,
                       streams=('motion_vectors', ))
    dense = read_dense_clip(path,
                            12,
                            clip_len=12,
                            index=index,
                            streams=('motion_vectors', ))
    pos = sparse.frame_inds[1:] - 12
    np.testing.assert_array_equal(dense.motion_vectors[pos],
                                  sparse.motion_vectors)


def test_several_windows_one_pass(synth):
    path, _, _ = synth('mpeg4', n=30)
    index = index_gops(path)
    # Unsorted, overlapping windows come back in the order asked for, each
    # equal to reading it alone (the second one seeks past a keyframe).
    both = read_dense_clip(path, [14, 2, 10], clip_len=8, index=index)
    assert both.frame_inds.tolist() == (list(range(14, 22)) +
                                        list(range(2, 10)) +
                                        list(range(10, 18)))
    for v, start in enumerate([14, 2, 10]):
        alone = read_dense_clip(path, start, clip_len=8, index=index)
        np.testing.assert_array_equal(both.imgs[8 * v:8 * v + 8], alone.imgs)
        np.testing.assert_array_equal(both.motion_vectors[8 * v:8 * v + 8],
                                      alone.motion_vectors)
        np.testing.assert_array_equal(both.pict_types[8 * v:8 * v + 8],
                                      alone.pict_types)


def test_window_wraps_around_a_short_video(synth):
    path, _, _ = synth('mpeg4', n=25)
    clip = read_dense_clip(path, 20, clip_len=8)
    assert clip.frame_inds.tolist() == [20, 21, 22, 23, 24, 0, 1, 2]
    rgb = decoded_rgb(path)
    np.testing.assert_array_equal(clip.imgs, rgb[clip.frame_inds])
    assert not clip.motion_vectors[5].any()  # frame 0, the I-frame


def test_streams_and_size(square):
    path, frames, frames_corners = square('h264')
    index = index_gops(path)
    both = read_dense_clip(path, 3, clip_len=6, index=index)
    rgb = read_dense_clip(path, 3, clip_len=6, index=index, streams=['imgs'])
    mv = read_dense_clip(path,
                         3,
                         clip_len=6,
                         index=index,
                         streams=['motion_vectors'])
    assert rgb.motion_vectors is None and mv.imgs is None
    np.testing.assert_array_equal(rgb.imgs, both.imgs)
    np.testing.assert_array_equal(mv.motion_vectors, both.motion_vectors)
    # At the training size (short side 48 of 96x192): both streams smaller,
    # vectors in pixels of that size.
    small = read_dense_clip(path,
                            3,
                            clip_len=6,
                            index=index,
                            target_short_side=48)
    assert small.imgs.shape == (6, 48, 96, 3)
    assert small.motion_vectors.shape == (6, 48, 96, 2)
    for k, t in enumerate(small.frame_inds):
        x, y = (c // 2 for c in frames_corners[t])
        u = np.median(small.motion_vectors[k, y + 8:y + 16, x + 8:x + 16, 0])
        assert abs(u - SPEED / 2) < 0.25, (t, u)


def test_window_of_keyframes_only(tmp_path):
    # A window without P/B-frames has nothing to find: zero field, no
    # "no motion vectors" error (that one is for decoders exporting none).
    path = tmp_path / 'v.mp4'
    write_video(str(path),
                [np.full((32, 48, 3), 10 * t, np.uint8) for t in range(14)])
    clip = read_dense_clip(str(path), 12, clip_len=1)
    assert clip.pict_types.tolist() == ['I']
    assert not clip.motion_vectors.any()


def test_bad_arguments(synth):
    path, _, _ = synth('mpeg4', n=25)
    index = index_gops(path)
    with pytest.raises(ValueError, match=path):
        read_dense_clip(path, 25, clip_len=4, index=index)
    with pytest.raises(ValueError, match='clip_len'):
        read_dense_clip(path, 0, clip_len=0, index=index)
    with pytest.raises(ValueError, match='dense clips have the streams'):
        read_dense_clip(path, 0, streams=('imgs', 'residuals'), index=index)
    with pytest.raises(ValueError, match='target_short_side'):
        read_dense_clip(path, 0, index=index, target_short_side=0)
    with pytest.raises(CompressedVideoError, match='max_pixels'):
        read_dense_clip(path, 0, index=index, max_pixels=100)


def assert_raises_naming(path, match):
    with pytest.raises(CompressedVideoError, match=match) as info:
        read_dense_clip(str(path), 0, clip_len=8)
    assert info.value.filename == str(path)
    assert str(info.value).startswith(f'{path}: ')


def test_bad_files(tmp_path):
    assert_raises_naming(tmp_path / 'nope.mp4', 'no such file')
    garbage = tmp_path / 'garbage.mp4'
    garbage.write_bytes(np.random.default_rng(0).bytes(5000))
    assert_raises_naming(garbage, 'cannot open')
    # VP8 has P-frames, but FFmpeg exports no vectors for it.
    vp8 = tmp_path / 'vp8.webm'
    rng = np.random.default_rng(0)
    base = rng.integers(0, 256, (32, 48 + 14, 3), dtype=np.uint8)
    write_video(str(vp8), [base[:, t:t + 48] for t in range(14)],
                spec=EncodeSpec(codec='libvpx', gop_size=12, qscale=None))
    assert_raises_naming(vp8, 'no motion vectors')


def test_truncated_real_file(truncated_real_file):
    assert_raises_naming(truncated_real_file, 'truncated')


def test_any_error_while_decoding_is_wrapped(synth, monkeypatch):
    path, _, _ = synth('mpeg4', n=25)
    index = index_gops(path)

    def broken(*args, **kwargs):
        raise IndexError('index 25 is out of bounds')

    monkeypatch.setattr(reader_module, 'parse_motion_vectors', broken)
    with pytest.raises(CompressedVideoError,
                       match=r'decoding failed \(IndexError: index 25'):
        read_dense_clip(path, 2, clip_len=4, index=index)


@pytest.mark.parametrize(
    'name',
    ['h264_340x256_kinetics_armwrestling.mp4', 'xvid_320x240_test.avi'])
def test_real_videos(testdata_dir, name):
    # H.264 with B-pyramids from the wild, MPEG-4 ASP with packed B-frames
    # in AVI (no trusted timestamps: frames are counted from the start).
    path = f'{testdata_dir}/{name}'
    index = index_gops(path)
    clip = read_dense_clip(path, [40, 5], clip_len=32, index=index)
    assert clip.imgs.shape == (64, index.height, index.width, 3)
    assert clip.motion_vectors.shape == (64, index.height, index.width, 2)
    assert 'B' in clip.pict_types
    assert np.isfinite(clip.motion_vectors).all()
    assert np.abs(clip.motion_vectors).max() < max(index.height, index.width)
    np.testing.assert_array_equal(clip.imgs,
                                  decoded_rgb(path)[clip.frame_inds])
