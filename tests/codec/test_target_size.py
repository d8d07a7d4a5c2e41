"""read_clip(target_short_side=...): streams made at the training resolution
equal, within the tolerances of docs/codec.md, today's native-size streams
resized like CompressedResize does (bilinear, MV values rescaled)."""
import cv2
import numpy as np
import pytest

from mmaction_imr.codec import (dense_flow, index_gops, parse_motion_vectors,
                                read_clip, short_side_size)

KAPPA = 5


def resize_like_compressed_resize(clip, size, native):
    """The native-size streams resized to ``size`` (w, h) as
    CompressedResize does: cv2 bilinear per frame, MV values rescaled."""

    def resize(a):
        return np.stack([
            cv2.resize(x, size, interpolation=cv2.INTER_LINEAR) for x in a
        ])

    scale = np.float32([size[0] / native[0], size[1] / native[1]])
    return (resize(clip.imgs), resize(clip.motion_vectors) * scale,
            resize(clip.residuals))


@pytest.mark.parametrize('wh,side', [((1280, 720), 256), ((340, 256), 256),
                                     ((192, 96), 64), ((255, 97), 50),
                                     ((97, 255), 50), ((320, 240), 480)])
def test_short_side_size_is_mmaction_resize(wh, side):
    from mmaction.datasets.transforms import Resize
    w, h = wh
    out = Resize(scale=(-1, side))(dict(img_shape=(h, w)))
    assert short_side_size(w, h, side) == out['img_shape'][::-1]


def test_parse_at_size_is_nearest_resize_of_native_field(records):
    # 8x8 blocks (4MV) over a 48x32 frame, one past block with half-pel
    # motion, one future block, read at 30x20 (non-integer ratio 1.6).
    mvs = records((-1, 8, 8, 8, 0, -5, 3, 2), (-1, 16, 16, 16, 16, 7, -2, 2),
                  (1, 8, 8, 32, 8, 4, 4, 2))
    native = dense_flow(parse_motion_vectors(mvs, 32, 48), 2, 3)
    motion = parse_motion_vectors(mvs, 32, 48, size=(30, 20))
    small = dense_flow(motion, 2, 3)
    assert small.shape == (20, 30, 2) and small.dtype == np.float32
    assert (motion.height, motion.width) == (20, 30)
    # Each output pixel reads the native pixel under its centre, values in
    # pixels of the output.
    ys = ((np.arange(20) + 0.5) * 32 / 20).astype(int)
    xs = ((np.arange(30) + 0.5) * 48 / 30).astype(int)
    expected = native[ys][:, xs] * np.float32([30 / 48, 20 / 32])
    np.testing.assert_allclose(small, expected, rtol=1e-6)
    assert parse_motion_vectors(None, 32, 48, size=(30, 20)).upsample(
        np.zeros((2, 3))).shape == (20, 30)


@pytest.mark.parametrize('codec', ['mpeg4', 'h264'])
@pytest.mark.parametrize('accumulate', [False, True])
def test_target_size_equals_resized_native_streams(synth, codec, accumulate):
    path, _, _ = synth(codec, n=25, h=144, w=288)
    index = index_gops(path, 12)
    full = read_clip(path, [0, 1], kappa=KAPPA, accumulate=accumulate,
                     index=index)
    small = read_clip(path, [0, 1], kappa=KAPPA, accumulate=accumulate,
                      index=index, target_short_side=96)
    size = short_side_size(288, 144, 96)
    assert size == (192, 96) and small.shape == (96, 192)
    assert small.imgs.shape == (2, 96, 192, 3)
    assert small.motion_vectors.shape == (10, 96, 192, 2)
    assert small.residuals.shape == (10, 96, 192, 3)
    np.testing.assert_array_equal(small.frame_inds, full.frame_inds)
    imgs, mvs, res = resize_like_compressed_resize(full, size, (288, 144))

    # I-frames: the same pixels (one RGB conversion, the same cv2 resize).
    np.testing.assert_array_equal(small.imgs, imgs)
    # Vectors: exact wherever the native field is constant around the
    # sample (bilinear then reads one block); the rest are block edges,
    # where bilinear blends two blocks and ours keeps the edge sharp, and,
    # accumulated, trace-backs that cross an edge elsewhere.
    ones = np.ones((5, 5), np.uint8)
    const = np.stack([
        cv2.resize((cv2.dilate(m, ones) == cv2.erode(m, ones)).all(-1).astype(
            np.uint8), size, interpolation=cv2.INTER_NEAREST)
        for m in full.motion_vectors
    ]).astype(bool)
    err = np.abs(small.motion_vectors - mvs).max(-1)
    if not accumulate:
        assert err[const].max() < 1e-4
    assert (err > 0.01).mean() < (0.05 if accumulate else 0.02)
    # Residuals: interpolation differences of a fraction of a level.
    assert np.abs(small.residuals - res).mean() < (0.6 if accumulate else 0.3)
    assert abs(np.abs(small.residuals).mean() -
               np.abs(res).mean()) < 0.1 * np.abs(res).mean() + 0.05


def test_target_size_of_the_native_size_changes_nothing(synth):
    path, _, _ = synth('mpeg4', n=25)
    for accumulate in (False, True):
        a = read_clip(path, [0, 1], kappa=3, accumulate=accumulate)
        b = read_clip(path, [0, 1], kappa=3, accumulate=accumulate,
                      target_short_side=96)
        for key in ('imgs', 'motion_vectors', 'residuals'):
            np.testing.assert_array_equal(getattr(a, key), getattr(b, key))


def test_max_pixels_bounds_the_output(synth):
    from mmaction_imr.codec import CompressedVideoError
    path, _, _ = synth('mpeg4', n=25, h=144, w=288)
    with pytest.raises(CompressedVideoError, match='target_short_side'):
        read_clip(path, [0], kappa=2, max_pixels=100 * 100)
    clip = read_clip(path, [0], kappa=2, max_pixels=100 * 100,
                     target_short_side=48)
    assert clip.shape == (48, 96)


@pytest.mark.parametrize('side', [0, -5, 2.5, '96'])
def test_bad_target_short_side(synth, side):
    path, _, _ = synth('mpeg4', n=25)
    with pytest.raises(ValueError, match='target_short_side'):
        read_clip(path, [0], target_short_side=side)


def test_decode_transform_passes_target_short_side(synth):
    from mmaction_imr.datasets.transforms import (CompressedResize,
                                                  CompressedVideoDecode,
                                                  CompressedVideoInit,
                                                  SampleGOPs)
    path, _, _ = synth('h264', n=25, h=144, w=288)
    results = SampleGOPs(clip_len=2, test_mode=True)(
        CompressedVideoInit(virtual_gop=12)(dict(filename=path)))
    decode = CompressedVideoDecode(kappa=3, target_short_side=96)
    assert 'target_short_side=96' in repr(decode)
    out = decode(results)
    assert out['original_shape'] == (144, 288)
    assert out['img_shape'] == (96, 192)
    np.testing.assert_allclose(out['scale_factor'], [192 / 288, 96 / 144])
    assert out['motion_vectors'].shape == (6, 96, 192, 2)
    # The Resize it replaces is then a no-op.
    before = out['residuals'].copy()
    out = CompressedResize(scale=(-1, 96))(out)
    np.testing.assert_array_equal(out['residuals'], before)
    np.testing.assert_allclose(out['scale_factor'], [192 / 288, 96 / 144])
    with pytest.raises(ValueError, match='target_short_side'):
        CompressedVideoDecode(target_short_side=0)


def test_decode_transform_bounds_pixels(synth):
    """A config can set the pixel bound: skipped (or raised) with its size."""
    from mmaction_imr.codec import CompressedVideoError
    from mmaction_imr.datasets.transforms import (CompressedVideoDecode,
                                                  CompressedVideoInit,
                                                  SampleGOPs)
    path, _, _ = synth('h264', n=25, h=144, w=288)
    results = SampleGOPs(clip_len=2, test_mode=True)(
        CompressedVideoInit(virtual_gop=12)(dict(filename=path)))
    small = 144 * 288 - 1
    assert CompressedVideoDecode(kappa=3, max_pixels=small)(
        dict(results)) is None  # skipped: too large for the bound
    with pytest.raises(CompressedVideoError, match='max_pixels'):
        CompressedVideoDecode(kappa=3, max_pixels=small,
                              on_error='raise')(dict(results))
    # At the training resolution the same bound admits the video.
    out = CompressedVideoDecode(kappa=3, max_pixels=small,
                                target_short_side=96)(dict(results))
    assert out['img_shape'] == (96, 192)
    assert 'max_pixels=' in repr(CompressedVideoDecode())
