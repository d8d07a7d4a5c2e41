"""Multi-stream geometry: the same box/flip/scale on every stream.

The streams carry a coordinate code: channel 0 = source x, channel 1 =
source y (imgs and residuals), so any output pixel tells where it came from;
motion vectors are a constant field (u, v) = (1, 2) with a marker block of
(5, -3) at a known place. Alignment = the code agrees across streams.
"""
import random

import numpy as np
import pytest
from mmaction.datasets.transforms.processing import (MultiScaleCrop,
                                                      RandomCrop, ThreeCrop)
from mmaction.registry import TRANSFORMS
from mmcv.transforms import Compose

from mmaction_imr.datasets.transforms import (CompressedCenterCrop,
                                              CompressedFlip,
                                              CompressedMultiScaleCrop,
                                              CompressedRandomCrop,
                                              CompressedResize,
                                              CompressedThreeCrop)
from mmaction_imr.datasets.transforms.processing import (
    check_flip_label_map, three_crop_boxes)

H, W, T, KAPPA = 16, 24, 2, 3
MARK = (slice(4, 7), slice(10, 14))  # rows y 4..6, cols x 10..13


def make_results(streams=('imgs', 'motion_vectors', 'residuals'),
                 num_clips=1):
    """A results dict as CompressedVideoDecode would produce, coded."""
    n = num_clips * T
    yy, xx = np.mgrid[:H, :W]
    res = dict(clip_len=T, num_clips=num_clips, kappa=KAPPA,
               img_shape=(H, W), original_shape=(H, W), modality='RGB',
               filename='toy.mp4')
    if 'imgs' in streams:
        imgs = np.zeros((n, H, W, 3), np.uint8)
        imgs[..., 0], imgs[..., 1] = xx, yy
        imgs[..., 2] = np.arange(n)[:, None, None]
        res['imgs'] = imgs
    if 'residuals' in streams:
        r = np.zeros((n * KAPPA, H, W, 3), np.float32)
        r[..., 0], r[..., 1] = xx, yy
        r[..., 2] = np.arange(n * KAPPA)[:, None, None]
        res['residuals'] = r
    if 'motion_vectors' in streams:
        mv = np.empty((n * KAPPA, H, W, 2), np.float32)
        mv[...] = (1, 2)
        mv[:, MARK[0], MARK[1]] = (5, -3)
        res['motion_vectors'] = mv
    return res


def mark_mask(coords):
    """Where the source coordinate code [.., 2] (x, y) is in the marker."""
    x, y = coords[..., 0], coords[..., 1]
    return ((y >= MARK[0].start) & (y < MARK[0].stop)
            & (x >= MARK[1].start) & (x < MARK[1].stop))


def assert_aligned(out, mv_mark=(5, -3), mv_bg=(1, 2)):
    """imgs, residuals and MV of every frame agree on the source pixel."""
    code = out['imgs'][0, ..., :2].astype(np.float32)
    assert out['imgs'].shape[1:3] == out['residuals'].shape[1:3] \
        == out['motion_vectors'].shape[1:3] == tuple(out['img_shape'])
    res_code = out['residuals'][..., :2]
    np.testing.assert_array_equal(res_code,
                                  np.broadcast_to(code, res_code.shape))
    mask = mark_mask(code)
    mv = out['motion_vectors']
    np.testing.assert_array_equal(mv[:, mask], np.broadcast_to(
        np.float32(mv_mark), mv[:, mask].shape))
    np.testing.assert_array_equal(mv[:, ~mask], np.broadcast_to(
        np.float32(mv_bg), mv[:, ~mask].shape))


def test_random_crop_same_box_as_stock_on_every_stream():
    np.random.seed(3)
    ref = RandomCrop(8)(dict(imgs=list(make_results()['imgs'])))
    np.random.seed(3)
    out = CompressedRandomCrop(8)(make_results())
    np.testing.assert_array_equal(out['crop_bbox'], ref['crop_bbox'])
    x1, y1, x2, y2 = out['crop_bbox']
    assert out['imgs'].shape == (T, 8, 8, 3)
    assert out['motion_vectors'].shape == (T * KAPPA, 8, 8, 2)
    assert tuple(out['imgs'][0, 0, 0, :2]) == (x1, y1)
    # frame order untouched
    np.testing.assert_array_equal(out['residuals'][:, 0, 0, 2],
                                  np.arange(T * KAPPA))
    assert_aligned(out)


def test_crops_keep_marker_aligned_over_seeds():
    for seed in range(6):
        np.random.seed(seed)
        random.seed(seed)
        for t in (CompressedRandomCrop(12),
                  CompressedMultiScaleCrop(8, scales=(1, .75, .5),
                                           random_crop=True)):
            out = t(make_results())
            assert_aligned(out)


def test_center_crop_known_box():
    out = CompressedCenterCrop((12, 8))(make_results())
    np.testing.assert_array_equal(out['crop_bbox'], [6, 4, 18, 12])
    assert out['img_shape'] == (8, 12)
    assert tuple(out['imgs'][0, 0, 0, :2]) == (6, 4)
    assert out['motion_vectors'][0, 0, 4].tolist() == [5, -3]  # x=10, y=4
    assert_aligned(out)


def test_multiscale_crop_sizes_from_scales_and_same_as_stock():
    scales = (1, .75, .5)  # short side 16 -> 16, 12, 8
    seen = set()
    for seed in range(30):
        random.seed(seed)
        ref = MultiScaleCrop(5, scales=scales, random_crop=True)(
            dict(img_shape=(H, W)))
        random.seed(seed)
        out = CompressedMultiScaleCrop(5, scales=scales, random_crop=True)(
            make_results())
        np.testing.assert_array_equal(out['crop_bbox'], ref['crop_bbox'])
        h, w = out['img_shape']
        assert h in (16, 12, 8) and w in (16, 12, 8)
        assert abs((16 - h) // 4 - (16 - w) // 4) <= 1  # max_wh_scale_gap
        assert out['motion_vectors'].shape[1:3] == (h, w)
        seen.add((h, w))
    assert len(seen) >= 4  # it does jitter


def test_multiscale_crop_fixed_positions():
    random.seed(0)
    out = CompressedMultiScaleCrop(8, scales=(.5, ), random_crop=False)(
        make_results())
    x1, y1, _, _ = out['crop_bbox']
    w_step, h_step = (W - 8) // 4, (H - 8) // 4
    assert (x1, y1) in {(0, 0), (4 * w_step, 0), (0, 4 * h_step),
                        (4 * w_step, 4 * h_step), (2 * w_step, 2 * h_step)}
    assert_aligned(out)


def test_flip_mirrors_maps_and_negates_u():
    res = make_results()
    mv_arr = res['motion_vectors']
    mv_in = mv_arr.copy()
    out = CompressedFlip(flip_ratio=1.)(res)
    assert out['flip'] and out['flip_direction'] == 'horizontal'
    np.testing.assert_array_equal(out['imgs'][0, :, :, 0],
                                  np.tile(np.arange(W)[::-1], (H, 1)))
    expected = mv_in[:, :, ::-1] * np.float32([-1, 1])
    np.testing.assert_array_equal(out['motion_vectors'], expected)
    assert_aligned(out, mv_mark=(-5, -3), mv_bg=(-1, 2))
    # the input array is not modified in place (it may be shared)
    np.testing.assert_array_equal(mv_arr, mv_in)


def test_vertical_flip_negates_v_and_no_flip_is_identity():
    out = CompressedFlip(flip_ratio=1., direction='vertical')(make_results())
    assert out['imgs'][0, 0, 0, 1] == H - 1
    assert_aligned(out, mv_mark=(5, 3), mv_bg=(1, -2))
    res = make_results()
    out = CompressedFlip(flip_ratio=0.)(res)
    assert not out['flip']
    assert_aligned(out)


def test_flip_label_map_and_no_modality_key():
    res = make_results()
    res.pop('modality')
    res['label'] = 0
    out = CompressedFlip(flip_ratio=1., flip_label_map={0: 7})(res)
    assert out['label'] == 7 and 'modality' not in out


def test_resize_half_halves_mv_values():
    out = CompressedResize(0.5)(make_results())
    assert out['img_shape'] == (8, 12)
    assert out['imgs'].shape == (T, 8, 12, 3)
    assert out['imgs'].dtype == np.uint8
    assert out['residuals'].shape == (T * KAPPA, 8, 12, 3)
    assert out['motion_vectors'].dtype == np.float32
    # background, away from the marker's blurred edge
    np.testing.assert_allclose(out['motion_vectors'][:, -1, 0],
                               np.broadcast_to([.5, 1.], (T * KAPPA, 2)))
    np.testing.assert_allclose(out['scale_factor'], [.5, .5])
    # bilinear 2x down-sampling of x = 0, 1, 2.. gives .5, 2.5, ...
    np.testing.assert_allclose(out['residuals'][0, 0, :, 0],
                               np.arange(12) * 2 + .5)


def test_resize_anisotropic_and_short_side():
    out = CompressedResize((48, 8), keep_ratio=False)(make_results())
    assert out['img_shape'] == (8, 48)
    np.testing.assert_allclose(  # u * 48/24, v * 8/16
        out['motion_vectors'][:, -1, 0],
        np.broadcast_to([2., 1.], (T * KAPPA, 2)))
    out = CompressedResize((-1, 32))(make_results())
    assert out['img_shape'] == (32, 48)
    np.testing.assert_allclose(out['motion_vectors'][0, 0, 0], [2., 4.])
    np.testing.assert_allclose(out['scale_factor'], [2., 2.])


def test_three_crop_crop_major_and_boxes():
    res = make_results(num_clips=2)
    out = CompressedThreeCrop(16)(res)
    n = 2 * T
    assert out['imgs'].shape == (3 * n, 16, 16, 3)
    assert out['motion_vectors'].shape == (3 * n * KAPPA, 16, 16, 2)
    assert out['num_clips'] == 2
    np.testing.assert_array_equal(
        out['crop_bbox'], [[0, 0, 16, 16], [8, 0, 24, 16], [4, 0, 20, 16]])
    for k, x1 in enumerate((0, 8, 4)):
        np.testing.assert_array_equal(out['imgs'][k * n:(k + 1) * n, 0, 0, 0],
                                      x1)
        np.testing.assert_array_equal(out['imgs'][k * n:(k + 1) * n, 0, 0, 2],
                                      np.arange(n))
        r = out['residuals'][k * n * KAPPA:(k + 1) * n * KAPPA]
        np.testing.assert_array_equal(r[:, 0, 0, 0], x1)
        np.testing.assert_array_equal(r[:, 0, 0, 2], np.arange(n * KAPPA))
        mv = out['motion_vectors'][k * n * KAPPA:(k + 1) * n * KAPPA]
        code = out['imgs'][k * n, ..., :2]
        mask = mark_mask(code)
        assert mask.any()  # x 10..13 lies in every crop
        np.testing.assert_array_equal(mv[:, mask][..., 0], 5)
        np.testing.assert_array_equal(mv[:, ~mask][..., 0], 1)


@pytest.mark.parametrize('img_shape,crop', [((16, 24), (16, 16)),
                                             ((24, 16), (16, 16)),
                                             ((16, 24), (24, 8)),
                                             ((16, 24), (10, 16))])
def test_three_crop_boxes_equal_stock_three_crop(img_shape, crop):
    ref = ThreeCrop(crop)(dict(imgs=[np.zeros(img_shape + (1, ))]))
    np.testing.assert_array_equal(three_crop_boxes(img_shape, crop),
                                  ref['crop_bbox'])


def test_three_crop_smaller_than_short_side_is_centred():
    # the paper's test protocol: 224 crops of a 256x340 frame
    np.testing.assert_array_equal(
        three_crop_boxes((256, 340), (224, 224)),
        [[0, 16, 224, 240], [116, 16, 340, 240], [58, 16, 282, 240]])
    np.testing.assert_array_equal(  # portrait: along y, centred in x
        three_crop_boxes((30, 20), (10, 10)),
        [[5, 0, 15, 10], [5, 20, 15, 30], [5, 10, 15, 20]])
    out = CompressedThreeCrop(8)(make_results())
    assert out['img_shape'] == (8, 8)
    np.testing.assert_array_equal(out['crop_bbox'][:, 1], 4)  # centred in y
    np.testing.assert_array_equal(
        out['motion_vectors'][::T * KAPPA, 0, 2], [[1, 2], [1, 2], [5, -3]])
    with pytest.raises(ValueError, match='toy.mp4: CompressedThreeCrop: '
                       'crop .* larger than the frame'):
        CompressedThreeCrop(20)(make_results())


@pytest.mark.parametrize('streams', [('imgs', ), ('motion_vectors', ),
                                     ('residuals', ),
                                     ('imgs', 'motion_vectors')])
def test_missing_streams_are_fine(streams):
    np.random.seed(0)
    random.seed(0)
    pipeline = Compose([TRANSFORMS.build(cfg) for cfg in (
        dict(type='CompressedResize', scale=(-1, 20)),
        dict(type='CompressedMultiScaleCrop', input_size=12,
             scales=(1, .8), random_crop=True),
        dict(type='CompressedResize', scale=(12, 12), keep_ratio=False),
        dict(type='CompressedFlip', flip_ratio=1.),
        dict(type='CompressedThreeCrop', crop_size=12))])
    out = pipeline(make_results(streams))
    for key in ('imgs', 'motion_vectors', 'residuals'):
        assert (key in out) == (key in streams)
        if key in out:
            assert out[key].shape[1:3] == (12, 12)
    assert out['img_shape'] == (12, 12)


def test_bad_inputs_raise_clear_errors():
    res = make_results()
    res['residuals'] = res['residuals'][:, :8]
    with pytest.raises(ValueError, match='toy.mp4: streams must share'):
        CompressedFlip(1.)(res)
    res = make_results()
    res['img_shape'] = (8, 8)
    with pytest.raises(ValueError, match='img_shape'):
        CompressedRandomCrop(4)(res)
    with pytest.raises(ValueError, match='no stream'):
        CompressedFlip(1.)(dict(img_shape=(4, 4)))
    res = make_results()
    res['motion_vectors'] = res['motion_vectors'][..., :1]
    with pytest.raises(ValueError, match=r'motion_vectors must have shape'):
        CompressedCenterCrop(4)(res)
    with pytest.raises(ValueError, match='interpolation'):
        CompressedResize(0.5, interpolation='cubic-ish')
    with pytest.raises(TypeError):
        CompressedRandomCrop(8.5)


def test_lists_from_stock_transforms_are_accepted():
    res = make_results(('imgs', ))
    res['imgs'] = list(res['imgs'])
    out = CompressedCenterCrop(8)(res)
    assert out['imgs'].shape == (T, 8, 8, 3)


def test_registered_and_repr():
    for cfg in (dict(type='CompressedResize', scale=(-1, 256)),
                dict(type='CompressedRandomCrop', size=224),
                dict(type='CompressedMultiScaleCrop', input_size=224,
                     scales=(1, .975, .9, .85), random_crop=True),
                dict(type='CompressedCenterCrop', crop_size=224),
                dict(type='CompressedThreeCrop', crop_size=256),
                dict(type='CompressedFlip', flip_ratio=0.5)):
        t = TRANSFORMS.build(cfg)
        assert repr(t).startswith(cfg['type'] + '(')
    assert repr(CompressedResize((-1, 256))) == (
        'CompressedResize(scale=(-1, 256), keep_ratio=True, '
        'interpolation=bilinear)')


@pytest.mark.parametrize('transform,crop', [
    (CompressedCenterCrop(crop_size=(W + 2, H)), (W + 2, H)),
    (CompressedCenterCrop(crop_size=H + 1), (H + 1, H + 1)),
    (CompressedRandomCrop(size=H + 1), (H + 1, H + 1)),
])
def test_crop_larger_than_frame_names_both_sizes(transform, crop):
    # The stock CenterCrop cut a smaller box than its img_shape said, and
    # RandomCrop failed a bare assert.
    name = type(transform).__name__
    with pytest.raises(ValueError) as err:
        transform(make_results())
    msg = str(err.value)
    assert msg.startswith(f'toy.mp4: {name}: ')
    assert f'(w, h)={crop}' in msg and f'(w, h)={(W, H)}' in msg


def test_crop_equal_to_frame_is_whole_frame():
    out = CompressedCenterCrop(crop_size=(W, H))(make_results())
    assert out['imgs'].shape[1:3] == (H, W) == tuple(out['img_shape'])
    out = CompressedRandomCrop(size=H)(make_results())
    assert out['imgs'].shape[1:3] == (H, H) == tuple(out['img_shape'])


def test_check_flip_label_map():
    check_flip_label_map(None, 2)
    check_flip_label_map({1: 2, 2: 1, 4: 5, 5: 4}, 8)
    check_flip_label_map({1: 2}, None)  # no upper bound: only ints >= 0
    # The synthetic set's map against a 2-class data set: labels 2, 4, 5.
    with pytest.raises(ValueError, match=r"label\(s\) 2, 4, 5 outside the "
                       r"data set's 2 classes \(0 \.\. 1\)"):
        check_flip_label_map({1: 2, 2: 1, 4: 5, 5: 4}, 2)
    with pytest.raises(ValueError, match="ints >= 0, got -1, 'a'"):
        check_flip_label_map({-1: 'a'})
    with pytest.raises(TypeError, match='must be a dict'):
        check_flip_label_map([(1, 2)])


def test_flip_rejects_bad_label_map_at_build_time():
    with pytest.raises(ValueError, match='ints >= 0'):
        CompressedFlip(flip_label_map={0: -3})
    with pytest.raises(ValueError, match='ints >= 0'):
        TRANSFORMS.build(dict(type='CompressedFlip',
                              flip_label_map={0: 1.5}))


def test_multiscale_crop_snapped_outside_the_frame_raises():
    # input_size 17 on a 16-px short side: the 16-px crop is snapped to 17.
    crop = CompressedMultiScaleCrop(input_size=(H + 1, H + 1), scales=(1, ))
    with pytest.raises(ValueError, match=r'toy\.mp4: CompressedMultiScaleCrop'
                       r': the crop box \[.*\] leaves the frame \(w, h\)='
                       r'\(24, 16\)'):
        crop(make_results())
