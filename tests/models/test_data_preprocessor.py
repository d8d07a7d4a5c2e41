"""mmaction's stock MultiModalDataPreprocessor on packed compressed streams.

Known answers: a stream filled with ``mean + k * std`` normalises to ``k``,
each stream with its own statistics, on a batch of two three-crop samples
collated by mmengine's ``pseudo_collate`` (the Runner default).
"""
import os.path as osp

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS, TRANSFORMS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import DefaultScope

from mmaction_imr.datasets.transforms import (CompressedThreeCrop,
                                              FormatCompressedShape)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CFG = osp.join(REPO, 'configs', '_base_', 'models', 'imr_preprocessor.py')
H, W, T, KAPPA = 8, 12, 2, 3
STREAMS = ('imgs', 'motion_vectors', 'residuals')


@pytest.fixture(scope='module')
def cfg():
    return Config.fromfile(CFG).data_preprocessor


@pytest.fixture(scope='module')
def preprocessor(cfg):
    with DefaultScope.overwrite_default_scope('mmaction'):
        return MODELS.build(cfg)


def stats(cfg, key):
    pre = cfg.preprocessors[key]
    return np.float32(pre.mean), np.float32(pre.std)


def packed_sample(cfg, k, streams=STREAMS):
    """Three-crop sample whose every value is ``mean + k * std``."""
    res = dict(clip_len=T, num_clips=1, kappa=KAPPA, img_shape=(H, W),
               label=0)
    lengths = dict(imgs=T, motion_vectors=T * KAPPA, residuals=T * KAPPA)
    for key in streams:
        mean, std = stats(cfg, key)
        value = mean + k * std
        if key == 'imgs':
            value = value.round().astype(np.uint8)
        res[key] = np.broadcast_to(value, (lengths[key], H, W, len(mean)))
    res = FormatCompressedShape()(CompressedThreeCrop(8)(res))
    pack = TRANSFORMS.build(dict(type='PackActionInputs',
                                 collect_keys=streams))
    return pack(res)


def test_config_is_the_stock_multimodal_preprocessor(cfg, preprocessor):
    assert cfg.type == 'MultiModalDataPreprocessor'
    assert set(preprocessor.preprocessors) == set(STREAMS)
    for key in STREAMS:
        assert cfg.preprocessors[key].format_shape == 'NCTHW'
        assert cfg.preprocessors[key].type == 'ActionDataPreprocessor'
    # mean 0: a flipped field stays the flip of the normalised field
    assert cfg.preprocessors.motion_vectors.mean == [0., 0.]
    assert cfg.preprocessors.residuals.mean == [0., 0., 0.]


@pytest.mark.parametrize('training', [True, False])
def test_each_stream_normalised_with_its_own_stats(cfg, preprocessor,
                                                   training):
    batch = pseudo_collate([packed_sample(cfg, 1.), packed_sample(cfg, -1.5)])
    out = preprocessor(batch, training=training)
    inputs = out['inputs']
    assert inputs['imgs'].shape == torch.Size([2, 3, 3, T, 8, 8])
    assert inputs['motion_vectors'].shape == torch.Size(
        [2, 3, 2, T * KAPPA, 8, 8])
    assert inputs['residuals'].shape == torch.Size([2, 3, 3, T * KAPPA, 8, 8])
    for key in STREAMS:
        x = inputs[key]
        assert x.dtype == torch.float32
        # imgs were rounded to uint8: tolerance 0.5 / std
        atol = 0.01 if key == 'imgs' else 1e-5
        torch.testing.assert_close(x[0], torch.ones_like(x[0]), atol=atol,
                                   rtol=0)
        torch.testing.assert_close(x[1], torch.full_like(x[1], -1.5),
                                   atol=atol, rtol=0)
    assert len(out['data_samples']) == 2


def test_missing_streams_use_the_same_config(cfg, preprocessor):
    batch = pseudo_collate([packed_sample(cfg, 1., ('motion_vectors', ))])
    out = preprocessor(batch)
    assert set(out['inputs']) == {'motion_vectors'}
    torch.testing.assert_close(out['inputs']['motion_vectors'],
                               torch.ones(1, 3, 2, T * KAPPA, 8, 8))


def test_mmrecognizer3d_gets_n_times_m_clips(cfg):
    """MMRecognizer3D's reshape turns [N, M, C, T', H, W] into the
    backbone's [N * M, C, T', H, W] for every stream."""
    seen = {}

    class Probe(torch.nn.Module):

        def forward(self, **inputs):
            seen.update({k: v.shape for k, v in inputs.items()})
            return tuple(inputs.values())

    with DefaultScope.overwrite_default_scope('mmaction'):
        model = MODELS.build(
            dict(type='MMRecognizer3D',
                 backbone=dict(type='ResNet3d', depth=18, pretrained=None,
                               pretrained2d=False, base_channels=4,
                               num_stages=1, stage_blocks=(1, ),
                               out_indices=(0, ), spatial_strides=(1, ),
                               temporal_strides=(1, ), dilations=(1, ),
                               inflate=(1, )),
                 data_preprocessor=cfg))
    model.backbone = Probe()
    batch = pseudo_collate([packed_sample(cfg, 0.), packed_sample(cfg, 0.)])
    data = model.data_preprocessor(batch)
    model.extract_feat(data['inputs'])
    assert seen == dict(imgs=torch.Size([6, 3, T, 8, 8]),
                        motion_vectors=torch.Size([6, 2, T * KAPPA, 8, 8]),
                        residuals=torch.Size([6, 3, T * KAPPA, 8, 8]))
