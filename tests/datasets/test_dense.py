"""Dense-clip transforms: DenseClipInit / SampleViews / DenseClipDecode /
PerView, and the dense data set configs end to end."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import init_default_scope

from mmaction.registry import MODELS, TRANSFORMS
from mmaction_imr.codec import CompressedVideoError
from mmaction_imr.datasets.transforms.dense import (DenseClipDecode,
                                                    DenseClipInit, PerView,
                                                    SampleViews)
from mmaction_imr.models.selfsup.base import stream_preprocessors
from mmaction_imr.prepare.writer import write_video

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(REPO, 'configs', '_base_', 'datasets')


@pytest.fixture(scope='module')
def video(panning_video):
    """MPEG-4, GOP 12, 40 frames, 96x128 (the synthetic set's size)."""
    return panning_video(96, 128)


def coords(num_views, n=4, h=32, w=48):
    """Streams that say where each pixel came from: imgs (R, G) = (x, y),
    motion_vectors (u, v) = (x + 1, y), each view its own B value."""
    ys, xs = np.mgrid[:h, :w]
    imgs = np.zeros((num_views * n, h, w, 3), np.uint8)
    imgs[..., 0], imgs[..., 1] = xs, ys
    imgs[..., 2] = np.repeat(np.arange(num_views), n)[:, None, None]
    mvs = np.zeros((num_views * n, h, w, 2), np.float32)
    mvs[..., 0], mvs[..., 1] = xs + 1, ys
    return dict(imgs=imgs,
                motion_vectors=mvs,
                img_shape=(h, w),
                num_clips=num_views,
                filename='coords.mp4')


def test_registered():
    for name in ('DenseClipInit', 'SampleViews', 'DenseClipDecode', 'PerView'):
        assert TRANSFORMS.get(name) is not None


def test_init_records_the_video_id(video, tmp_path):
    results = DenseClipInit()(dict(filename=video, sample_idx=7))
    assert results['video_id'] == 7
    assert results['total_frames'] == 40
    assert 'video_id' not in DenseClipInit()(dict(filename=video))
    bad = str(tmp_path / 'empty.mp4')
    open(bad, 'wb').close()
    results = dict(filename=bad, sample_idx=0)
    assert DenseClipInit()(results) is None
    assert 'empty file' in results['skip_reason']
    with pytest.raises(CompressedVideoError, match='empty.mp4'):
        DenseClipInit(on_error='raise')(dict(filename=bad))


def test_sample_views_training():
    np.random.seed(0)
    sample = SampleViews(clip_len=16, num_views=2)
    draws = [sample(dict(total_frames=100))['clip_starts'] for _ in range(20)]
    out = sample(dict(total_frames=100))
    assert out['clip_len'] == 16 and out['num_clips'] == 2
    assert out['clip_starts'].dtype == np.int64
    draws = np.stack(draws)
    assert draws.shape == (20, 2)
    assert draws.min() >= 0 and draws.max() <= 100 - 16
    # Each view has its own random start (rarely the same), in no fixed
    # order.
    assert (draws[:, 0] != draws[:, 1]).mean() > 0.9
    assert (draws[:, 0] < draws[:, 1]).any() and (draws[:, 0]
                                                  > draws[:, 1]).any()


def test_sample_views_test_mode_and_short_videos():
    test = SampleViews(clip_len=16, num_views=2, test_mode=True)
    assert test(dict(total_frames=100))['clip_starts'].tolist() == [21, 63]
    centre = SampleViews(clip_len=16, num_views=1, test_mode=True)
    assert centre(dict(total_frames=100))['clip_starts'].tolist() == [42]
    short = SampleViews(clip_len=16, num_views=2)
    assert short(dict(total_frames=10))['clip_starts'].tolist() == [0, 0]
    with pytest.raises(ValueError):
        SampleViews(clip_len=0)
    with pytest.raises(ValueError):
        SampleViews(num_views=0)


def test_decode(video):
    results = DenseClipInit()(dict(filename=video))
    results.update(clip_starts=np.array([30, 2]), clip_len=8, num_clips=2)
    out = DenseClipDecode()(dict(results))
    assert out['imgs'].shape == (16, 96, 128, 3)
    assert out['motion_vectors'].shape == (16, 96, 128, 2)
    assert out['frame_inds'].tolist() == (list(range(30, 38)) +
                                          list(range(2, 10)))
    assert out['kappa'] == 1  # one MV field per RGB frame
    assert out['img_shape'] == (96, 128) == out['original_shape']
    assert 'gop_index' not in out
    assert out['pict_types'][6] == 'I'  # frame 36 (GOP 12)
    assert not out['motion_vectors'][6].any()
    small = DenseClipDecode(streams=['motion_vectors'],
                            target_short_side=48)(dict(results))
    assert 'imgs' not in small
    assert small['motion_vectors'].shape == (16, 48, 64, 2)
    assert small['img_shape'] == (48, 64)
    assert small['original_shape'] == (96, 128)
    with pytest.raises(ValueError, match='dense clips have the streams'):
        DenseClipDecode(streams=('residuals', ))


def test_decode_zero_at_i_frames(video):
    results = DenseClipInit()(dict(filename=video))
    results.update(clip_starts=np.array([10]), clip_len=4)
    out = DenseClipDecode()(results)
    types = out['pict_types'].tolist()
    assert types == ['P', 'P', 'I', 'P']  # GOP 12: frame 12 is an I-frame
    assert not out['motion_vectors'][2].any()
    assert out['motion_vectors'][3].any()


def test_decode_skips_or_raises(tmp_path):
    # VP8 indexes fine but FFmpeg exports no vectors for it: the error
    # comes from the decode step.
    from mmaction_imr.prepare.writer import EncodeSpec
    path = str(tmp_path / 'vp8.webm')
    rng = np.random.default_rng(0)
    base = rng.integers(0, 256, (32, 48 + 14, 3), dtype=np.uint8)
    write_video(path, [base[:, t:t + 48] for t in range(14)],
                spec=EncodeSpec(codec='libvpx', gop_size=12, qscale=None))
    results = DenseClipInit()(dict(filename=path))
    results.update(clip_starts=np.array([0]), clip_len=4)
    skipped = dict(results)
    assert DenseClipDecode()(skipped) is None
    assert 'vp8.webm: no motion vectors' in skipped['skip_reason']
    with pytest.raises(CompressedVideoError, match='vp8.webm'):
        DenseClipDecode(on_error='raise')(dict(results))


def check_view(imgs, mvs, flipped):
    """RGB and MV of a view were cut and flipped alike, u negated."""
    x, y = imgs[..., 0].astype(np.float32), imgs[..., 1].astype(np.float32)
    sign = -1 if flipped else 1
    np.testing.assert_array_equal(mvs[..., 0], sign * (x + 1))
    np.testing.assert_array_equal(mvs[..., 1], y)
    # A horizontal flip: x decreases left to right.
    assert (np.diff(x, axis=-1) < 0).all() == flipped


def test_per_view_same_geometry_inside_a_view_not_across():
    init_default_scope('mmaction')
    np.random.seed(1)
    per_view = PerView([
        dict(type='CompressedRandomCrop', size=24),
        dict(type='CompressedFlip', flip_ratio=0.5)
    ])
    flips = set()
    for _ in range(8):
        out = per_view(coords(2))
        assert out['imgs'].shape == (8, 24, 24, 3)
        assert out['motion_vectors'].shape == (8, 24, 24, 2)
        assert out['img_shape'] == (24, 24)
        metas = out['view_metas']
        assert len(metas) == 2
        for v in range(2):
            sl = slice(4 * v, 4 * v + 4)
            assert (out['imgs'][sl, ..., 2] == v).all()  # view order kept
            check_view(out['imgs'][sl], out['motion_vectors'][sl],
                       metas[v]['flip'])
            flips.add(metas[v]['flip'])
        # Each view draws its own crop: the two differ here.
        assert list(metas[0]['crop_bbox']) != list(metas[1]['crop_bbox'])
    assert flips == {True, False}


def test_per_view_colour_jitter_changes_rgb_only():
    init_default_scope('mmaction')
    np.random.seed(0)
    crop = [dict(type='CompressedCenterCrop', crop_size=24)]
    plain = PerView(crop)(coords(2))
    jittered = PerView(crop + [dict(type='ColorJitter', hue=0)])(coords(2))
    np.testing.assert_array_equal(jittered['motion_vectors'],
                                  plain['motion_vectors'])
    assert jittered['imgs'].dtype == np.uint8
    assert jittered['imgs'].shape == plain['imgs'].shape
    assert (jittered['imgs'] != plain['imgs']).any()


def test_per_view_errors():
    init_default_scope('mmaction')
    crop = [dict(type='CompressedCenterCrop', crop_size=24)]
    results = coords(2)
    results['num_clips'] = 3
    with pytest.raises(ValueError, match='coords.mp4: imgs has 8 frames'):
        PerView(crop)(results)

    class Shrink:
        """Cuts view ``v`` to ``32 - 2 v`` rows (views of different size)."""

        def __call__(self, results):
            v = int(results['imgs'][0, 0, 0, 2])
            for key in ('imgs', 'motion_vectors'):
                results[key] = results[key][:, :32 - 2 * v]
            return results

    with pytest.raises(ValueError, match='views end with different'):
        PerView([Shrink()])(coords(2))
    with pytest.raises(TypeError):
        PerView([])


def build_pipeline(config, split):
    cfg = Config.fromfile(osp.join(CONFIGS, config))
    init_default_scope('mmaction')
    return Compose(cfg[f'{split}_pipeline'])


def test_synthetic_dense_pipelines_and_batch_layout(video, tmp_path):
    np.random.seed(0)
    train = build_pipeline('synthetic_dense.py', 'train')
    samples = [
        train(
            dict(filename=video,
                 sample_idx=i,
                 label=0,
                 modality='RGB',
                 start_index=0)) for i in range(2)
    ]
    for i, sample in enumerate(samples):
        inputs = sample['inputs']
        # V = 2 views, N = 16 frames, 64x64, view-major.
        assert inputs['imgs'].shape == torch.Size([2, 3, 16, 64, 64])
        assert inputs['imgs'].dtype == torch.uint8
        assert inputs['motion_vectors'].shape == torch.Size([2, 2, 16, 64, 64])
        assert inputs['motion_vectors'].dtype == torch.float32
        assert sample['data_samples'].metainfo['video_id'] == i
    # The stock preprocessor keeps the per-sample leading (view) axis
    # (motion vectors left as they are, to compare them below).
    preprocessor = MODELS.build(
        stream_preprocessors(motion_vectors=dict(mean=[0., 0.], std=[1., 1.])))
    batch = preprocessor(pseudo_collate(samples), training=True)
    assert batch['inputs']['imgs'].shape == torch.Size([2, 2, 3, 16, 64, 64])
    assert batch['inputs']['motion_vectors'].shape == torch.Size(
        [2, 2, 2, 16, 64, 64])
    torch.testing.assert_close(batch['inputs']['motion_vectors'][1, 0],
                               samples[1]['inputs']['motion_vectors'][0])
    assert [d.metainfo['video_id'] for d in batch['data_samples']] == [0, 1]

    test = build_pipeline('synthetic_dense.py', 'test')
    sample = test(
        dict(filename=video, sample_idx=0, modality='RGB', start_index=0))
    assert sample['inputs']['imgs'].shape == torch.Size([1, 3, 16, 64, 64])
    assert sample['inputs']['motion_vectors'].shape == torch.Size(
        [1, 2, 16, 64, 64])


def test_paper_protocol_pipeline(video):
    # 2 views of 32 frames at 128x128 (here from a 96x128 video decoded at
    # short side 128).
    np.random.seed(0)
    sample = build_pipeline('ucf101_dense.py', 'train')(dict(filename=video,
                                                             sample_idx=3,
                                                             modality='RGB',
                                                             start_index=0))
    assert sample['inputs']['imgs'].shape == torch.Size([2, 3, 32, 128, 128])
    assert sample['inputs']['motion_vectors'].shape == torch.Size(
        [2, 2, 32, 128, 128])
    cfg = Config.fromfile(osp.join(CONFIGS, 'kinetics400_dense.py'))
    assert cfg.train_pipeline == Config.fromfile(
        osp.join(CONFIGS, 'ucf101_dense.py')).train_pipeline


def test_dataset_gives_video_ids(video, tmp_path):
    from mmaction_imr.datasets import CompressedVideoDataset
    ann = tmp_path / 'ann.txt'
    name = osp.basename(video)
    ann.write_text(f'{name} 0\n{name} 1\n{name} 0\n')
    init_default_scope('mmaction')
    cfg = Config.fromfile(osp.join(CONFIGS, 'synthetic_dense.py'))
    dataset = CompressedVideoDataset(
        str(ann),
        pipeline=cfg.train_pipeline,
        data_prefix=dict(video=osp.dirname(video)))
    ids = [dataset[i]['data_samples'].metainfo['video_id'] for i in range(3)]
    assert ids == [0, 1, 2]
