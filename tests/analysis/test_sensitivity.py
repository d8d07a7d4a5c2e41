"""Tests of mmaction_imr/analysis/sensitivity.py on backbones whose answer
is known."""
import math

import pytest
import torch
import torch.nn as nn

from mmaction.registry import MODELS
from mmaction_imr.analysis.sensitivity import (DEFAULT_SWAPS,
                                               StreamSensitivity, fold_views,
                                               format_table, stage_names,
                                               stream_sensitivity,
                                               swap_streams)

T, KAPPA, SIZE = 2, 2, 32


def inputs(n=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    return dict(
        imgs=torch.randn(n, 3, T, SIZE, SIZE, generator=g),
        motion_vectors=torch.randn(n, 2, T * KAPPA, SIZE, SIZE, generator=g),
        residuals=torch.randn(n, 3, T * KAPPA, SIZE, SIZE, generator=g))


class Identity(nn.Module):
    """Returns its inputs: the relative change is that of the inputs."""

    def forward(self, imgs, motion_vectors, residuals):
        return imgs, motion_vectors, residuals


class BlindI(nn.Module):
    """Its 'I pathway' is computed from the motion vectors only."""

    def forward(self, imgs, motion_vectors, residuals):
        return motion_vectors[:, :1] * 2, motion_vectors, residuals


def rel(a, b):
    return float((b - a).norm() / a.norm())


def test_swap_streams_rolls_by_one():
    x = inputs()
    out = swap_streams(x, ('motion_vectors', 'residuals', 'absent'))
    assert out['imgs'] is x['imgs']
    for k in ('motion_vectors', 'residuals'):
        assert torch.equal(out[k][1], x[k][0])
        assert torch.equal(out[k][0], x[k][2])
    with pytest.raises(ValueError, match='at least 2 clips'):
        swap_streams(inputs(n=1), ('imgs', ))
    with pytest.raises(ValueError, match='none of the streams'):
        swap_streams(x, ('flow', ))


def test_identity_backbone_gives_the_input_change():
    batches = [inputs(seed=0), inputs(n=2, seed=1)]
    res = stream_sensitivity(Identity(), batches,
                             pathways=('i', 'm', 'r'))
    assert list(res) == list(DEFAULT_SWAPS) == ['imgs', 'p_streams']
    assert list(res['imgs']) == ['output']  # no stages
    # over all clips: sqrt(sum of squared changes / sum of squared norms)
    for swap, key, name in (('imgs', 'imgs', 'i'),
                            ('p_streams', 'residuals', 'r')):
        diff = sum(float((b[key].roll(1, 0) - b[key]).pow(2).sum())
                   for b in batches)
        norm = sum(float(b[key].pow(2).sum()) for b in batches)
        assert res[swap]['output'][name] == pytest.approx(
            math.sqrt(diff / norm), rel=1e-6)
    assert res['imgs']['output']['m'] == res['imgs']['output']['r'] == 0
    assert res['p_streams']['output']['i'] == 0
    # independent Gaussian clips: about sqrt(2)
    assert 1.2 < res['imgs']['output']['i'] < 1.6


def test_pathway_ignoring_imgs_has_zero_sensitivity():
    res = stream_sensitivity(BlindI(), [inputs()])
    assert res['imgs']['output'] == {'pathway0': 0., 'pathway1': 0.,
                                     'pathway2': 0.}
    assert res['p_streams']['output']['pathway0'] > 0.5


def imr_backbone(fused):
    """Tiny IMRNet, with the default (bidirectional) fusion or none."""
    torch.manual_seed(0)
    cfg = dict(type='IMRResNet3d', depth=18, base_channels=8,
               channel_ratio=4, kappa=KAPPA)
    if not fused:
        cfg['fusion'] = None
    return MODELS.build(cfg)


def test_no_fusion_separates_the_pathways():
    backbone = imr_backbone(False)
    backbone.train()
    bn = backbone.stages[0]['imgs'].conv1.bn
    running = bn.running_mean.clone()
    meter = StreamSensitivity(backbone)
    meter.update(inputs())
    res = meter.result()
    assert backbone.training  # mode restored
    assert torch.equal(bn.running_mean, running)  # ran in eval mode
    assert meter.layers == ['conv1', 'res2', 'res3', 'res4', 'output']
    assert meter.num_clips == 3
    for layer in meter.layers:
        # exactly 0: nothing flows between the pathways
        assert res['p_streams'][layer]['imgs'] == 0
        assert res['imgs'][layer]['motion_vectors'] == 0
        assert res['imgs'][layer]['residuals'] == 0
        assert res['imgs'][layer]['imgs'] > 0.1
        assert res['p_streams'][layer]['residuals'] > 0.1


def test_fusion_carries_p_into_i_after_the_first_stage():
    backbone = imr_backbone(True)
    res = stream_sensitivity(backbone, [inputs()])
    # conv1 runs before the first fusion: the I pathway cannot see P yet
    assert res['p_streams']['conv1']['imgs'] == 0
    assert res['imgs']['conv1']['motion_vectors'] == 0
    assert res['p_streams']['output']['imgs'] > 0
    assert res['imgs']['output']['motion_vectors'] > 0


def test_views_and_output_only():
    x = {k: v.reshape((3, 1) + v.shape[1:]) for k, v in inputs().items()}
    assert fold_views(x)['imgs'].shape == (3, 3, T, SIZE, SIZE)
    res = stream_sensitivity(imr_backbone(False), [x], per_stage=False)
    assert list(res['imgs']) == ['output']
    with pytest.raises(ValueError, match='no batch'):
        StreamSensitivity(Identity()).result()
    with pytest.raises(ValueError, match='pathway names'):
        stream_sensitivity(Identity(), [inputs()], pathways=('i', ))


def test_table_and_stage_names():
    assert stage_names(5) == ['conv1', 'res2', 'res3', 'res4', 'res5']
    res = stream_sensitivity(Identity(), [inputs()], pathways='imr')
    table = format_table(res).splitlines()
    assert table[0].split() == ['layer', 'pathway', 'swap', 'imgs', 'swap',
                                'p_streams']
    assert len(table) == 4 and table[2].split()[:3] == ['output', 'm',
                                                         '0.000']
