"""FormatCompressedShape, then mmaction's stock packers (multi- and
single-stream) and the stock Recognizer3D on a packed single stream."""
import numpy as np
import pytest
import torch
from mmaction.registry import MODELS, TRANSFORMS
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope

from mmaction_imr.datasets.transforms import (CompressedThreeCrop,
                                              FormatCompressedShape)

H, W, T, KAPPA = 8, 12, 3, 2


def make_results(num_clips=2, streams=('imgs', 'motion_vectors',
                                       'residuals')):
    """Decode-like results; channel 0 of every stream = frame index."""
    n = num_clips * T
    res = dict(clip_len=T, num_clips=num_clips, kappa=KAPPA, label=2,
               img_shape=(H, W), filename='toy.mp4')
    shapes = dict(imgs=(n, 3, np.uint8), motion_vectors=(n * KAPPA, 2,
                                                         np.float32),
                  residuals=(n * KAPPA, 3, np.float32))
    for key in streams:
        length, c, dtype = shapes[key]
        arr = np.zeros((length, H, W, c), dtype)
        arr[..., 0] = np.arange(length)[:, None, None]
        arr[..., 1] = 7  # channel 1 marks "not the frame axis"
        res[key] = arr
    return res


def test_shapes_order_and_contiguity():
    out = FormatCompressedShape()(make_results(num_clips=2))
    imgs, mv, r = out['imgs'], out['motion_vectors'], out['residuals']
    assert imgs.shape == (2, 3, T, H, W) and imgs.dtype == np.uint8
    assert mv.shape == (2, 2, T * KAPPA, H, W) and mv.dtype == np.float32
    assert r.shape == (2, 3, T * KAPPA, H, W)
    for a in (imgs, mv, r):
        assert a.flags['C_CONTIGUOUS']
        np.testing.assert_array_equal(a[:, 1], 7)
    # clip m, time t  <-  frame m * T' + t
    np.testing.assert_array_equal(imgs[:, 0, :, 0, 0],
                                  np.arange(2 * T).reshape(2, T))
    np.testing.assert_array_equal(mv[:, 0, :, 3, 5],
                                  np.arange(2 * T * KAPPA).reshape(2, -1))
    assert out['input_shape'] == dict(imgs=imgs.shape, motion_vectors=mv.shape,
                                      residuals=r.shape)


def test_three_crop_gives_m_crops_times_clips():
    res = make_results(num_clips=2)
    res = CompressedThreeCrop(8)(res)
    out = FormatCompressedShape()(res)
    assert out['imgs'].shape == (6, 3, T, 8, 8)
    assert out['motion_vectors'].shape == (6, 2, T * KAPPA, 8, 8)
    # crop-major: clip index m = crop * num_clips + clip
    np.testing.assert_array_equal(out['imgs'][:, 0, 0, 0, 0],
                                  [0, T, 0, T, 0, T])


@pytest.mark.parametrize('streams', [('imgs', ), ('motion_vectors', ),
                                     ('residuals', 'motion_vectors')])
def test_single_streams(streams):
    out = FormatCompressedShape()(make_results(1, streams))
    for key in ('imgs', 'motion_vectors', 'residuals'):
        assert (key in out) == (key in streams)
        if key in out:
            assert out[key].shape[0] == 1


def test_bad_shapes_raise():
    res = make_results()
    res['motion_vectors'] = res['motion_vectors'][:-1]
    with pytest.raises(ValueError, match='toy.mp4: motion_vectors has 11 '
                       r'frames, not a multiple of clip_len\*kappa=3\*2'):
        FormatCompressedShape()(res)
    res = make_results()
    res['residuals'] = res['residuals'][:T * KAPPA]
    with pytest.raises(ValueError, match='disagree on the number of clips'):
        FormatCompressedShape()(res)
    res = make_results(num_clips=2)
    res['num_clips'] = 4
    with pytest.raises(ValueError, match='num_clips=4'):
        FormatCompressedShape()(res)
    res = make_results()
    res['imgs'] = res['imgs'][..., :1]
    with pytest.raises(ValueError, match=r'imgs must be \[L, H, W, 3\]'):
        FormatCompressedShape()(res)
    with pytest.raises(ValueError, match='found none'):
        FormatCompressedShape()(dict(clip_len=1, num_clips=1))


def test_stock_pack_multi_stream_dict():
    pack = TRANSFORMS.build(
        dict(type='PackActionInputs',
             collect_keys=('imgs', 'motion_vectors', 'residuals')))
    packed = pack(FormatCompressedShape()(make_results(num_clips=1)))
    inputs = packed['inputs']
    assert set(inputs) == {'imgs', 'motion_vectors', 'residuals'}
    assert inputs['imgs'].shape == torch.Size([1, 3, T, H, W])
    assert inputs['motion_vectors'].shape == torch.Size(
        [1, 2, T * KAPPA, H, W])
    assert inputs['residuals'].shape == torch.Size([1, 3, T * KAPPA, H, W])
    assert packed['data_samples'].gt_label.item() == 2


def test_stock_pack_iframes_only_is_a_tensor():
    pack = TRANSFORMS.build(dict(type='PackActionInputs'))
    packed = pack(FormatCompressedShape()(make_results(1, ('imgs', ))))
    assert isinstance(packed['inputs'], torch.Tensor)
    assert packed['inputs'].shape == torch.Size([1, 3, T, H, W])


def _pack_motion_as_inputs():
    # ``default_scope='mmaction'`` (set by the Runner from our configs) lets
    # KeyMapper build the mmaction transform it wraps.
    with DefaultScope.overwrite_default_scope('mmaction'):
        return TRANSFORMS.build(
            dict(type='mmcv.KeyMapper', mapping=dict(imgs='motion_vectors'),
                 auto_remap=False,
                 transforms=[dict(type='PackActionInputs')]))


def test_keymapper_packs_motion_vectors_as_tensor_for_stock_recognizer3d():
    pack = _pack_motion_as_inputs()
    samples = []
    for _ in range(2):
        res = FormatCompressedShape()(make_results(num_clips=1))
        mv = res['motion_vectors']
        packed = pack(res)
        assert isinstance(packed['inputs'], torch.Tensor)
        np.testing.assert_array_equal(packed['inputs'].numpy(), mv)
        samples.append(packed)
    batch = pseudo_collate(samples)
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmaction'):
        model = _tiny_recognizer3d()
    optim = build_optim_wrapper(model, dict(optimizer=dict(type='SGD',
                                                            lr=0.01)))
    losses = model.train_step(batch, optim)
    assert torch.isfinite(losses['loss'])
    model.eval()
    preds = model.val_step(batch)
    assert len(preds) == 2 and preds[0].pred_score.shape == torch.Size([3])


def _tiny_recognizer3d():
    """mmaction's stock Recognizer3D on 2-channel (motion) input."""
    return MODELS.build(
        dict(type='Recognizer3D',
             backbone=dict(type='ResNet3d', depth=18, pretrained=None,
                           pretrained2d=False, in_channels=2, base_channels=4,
                           num_stages=1, stage_blocks=(1, ), out_indices=(0, ),
                           spatial_strides=(1, ), temporal_strides=(1, ),
                           dilations=(1, ), inflate=(1, )),
             cls_head=dict(type='I3DHead', num_classes=3, in_channels=4,
                           average_clips='prob'),
             data_preprocessor=dict(type='ActionDataPreprocessor',
                                    mean=[0., 0.], std=[4., 4.],
                                    format_shape='NCTHW')))


def test_repr():
    assert repr(FormatCompressedShape()) == 'FormatCompressedShape()'
