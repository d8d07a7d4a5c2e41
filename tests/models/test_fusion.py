"""Tests of the gated lateral fusion (models/fusion/lateral.py)."""
import itertools

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmaction.registry import MODELS
from mmaction_imr.models.fusion import (IMRLateralFusion, MultimodalGate,
                                        lateral_width)

KAPPA = 2


def _inputs(channels=(16, 2, 2), t=2, hw=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(2, c, t * (KAPPA if k else 1), hw, hw, generator=g)
            for k, c in enumerate(channels)]


def _fusion(channels=(16, 2, 2), **kwargs):
    m = IMRLateralFusion(channels, kappa=KAPPA, **kwargs)
    m.init_weights()
    return m.eval()


@pytest.mark.parametrize('c, div, width', [
    (64, 8, 8), (4, 8, 1), (9, 8, 2), (1, 8, 1), (17, 8, 3), (16, 4, 4)])
def test_lateral_width_ceil_min_one(c, div, width):
    assert lateral_width(c, div) == width


@pytest.mark.parametrize('connection, out', [
    ('bidirectional', (80, 5, 5)), ('unidirectional', (80, 4, 4)),
    ('none', (64, 4, 4))])
def test_out_channels_r18_conv1(connection, out):
    # docs/design.md#lateral-connections: R18 conv1, C_I=64, C_P=4: +8 per
    # P->I lateral, +1 I->P
    m = IMRLateralFusion((64, 4, 4), connection=connection)
    assert m.out_channels == out


def test_lateral_layer_shapes():
    m = IMRLateralFusion((64, 4, 4), kappa=5)
    conv, deconv = m.p_to_i[0], m.i_to_p[0]
    assert isinstance(conv, nn.Conv3d) and conv.weight.shape == (8, 4, 5, 1, 1)
    assert conv.stride == (5, 1, 1)
    assert isinstance(deconv, nn.ConvTranspose3d)
    assert deconv.weight.shape == (64, 1, 5, 1, 1) and deconv.stride == (5, 1,
                                                                          1)
    gate = m.gates[0]
    assert isinstance(gate, MultimodalGate)
    assert gate.mlp[0].weight.shape == (68, 68)  # W1: C_Z x C_Z
    assert gate.to_i.out_features == 8 and gate.to_p.out_features == 1
    uni = IMRLateralFusion((64, 4, 4), kappa=5, connection='unidirectional')
    assert len(uni.i_to_p) == 0 and uni.gates[0].to_p is None
    assert len(IMRLateralFusion((64, 4, 4), gate=False).gates) == 0
    assert len(list(IMRLateralFusion((64, 4, 4),
                                     connection='none').parameters())) == 0


@pytest.mark.parametrize(
    'connection, lateral, gate',
    list(itertools.product(('bidirectional', 'unidirectional', 'none'),
                           ('conv', 'resample'), (True, False))))
def test_forward_backward_all_variants(connection, lateral, gate):
    m = _fusion(connection=connection, lateral=lateral, gate=gate).train()
    xs = [x.requires_grad_() for x in _inputs()]
    out = m(xs)
    assert [o.shape[1] for o in out] == list(m.out_channels)
    assert [o.shape[2:] for o in out] == [x.shape[2:] for x in xs]
    sum((o * torch.randn_like(o)).sum() for o in out).backward()
    assert all(x.grad is not None for x in xs)
    if connection != 'none':
        # M and R feed the I output, so they get gradients from it alone
        xs2 = [x.detach().requires_grad_() for x in xs]
        m(xs2)[0].sum().backward()
        assert xs2[1].grad.abs().sum() > 0 and xs2[2].grad.abs().sum() > 0


def test_registered():
    m = MODELS.build(dict(type='IMRLateralFusion', in_channels=(16, 2, 2)))
    assert isinstance(m, IMRLateralFusion)


def test_gate_depends_on_input():
    m = _fusion()
    xs1, xs2 = _inputs(seed=1), _inputs(seed=2)
    a1, p1 = m.gates[0](xs1[0], xs1[1])
    a2, p2 = m.gates[0](xs2[0], xs2[1])
    assert a1.shape == (2, 2, 1, 1, 1) and p1.shape == (2, 1, 1, 1, 1)
    assert ((a1 > 0) & (a1 < 1)).all()
    assert not torch.allclose(a1, a2) and not torch.allclose(p1, p2)
    # and on both modalities: change only x_P
    a3, _ = m.gates[0](xs1[0], xs2[1])
    assert not torch.allclose(a1, a3)


def test_gate_multiplies_lateral():
    m = _fusion(connection='unidirectional')
    xs = _inputs()
    a_i, _ = m.gates[0](xs[0], xs[1])
    expected = a_i * m.p_to_i[0](xs[1])
    assert torch.allclose(m(xs)[0][:, 16:18], expected, atol=1e-6)


def test_resample_known_answer():
    # C_P == ceil(C_I/8) and C_I == ceil(C_P/8): no projection needed, so the
    # laterals are exactly a mean over kappa frames / a kappa-fold repeat
    m = _fusion((8, 1), lateral='resample', gate=False)
    assert isinstance(m.p_to_i[0].proj, nn.Identity)
    assert isinstance(m.i_to_p[0].proj, nn.Conv3d)  # 8 -> 1 needs one
    xs = _inputs((8, 1))
    out = m(xs)
    pooled = F.avg_pool3d(xs[1], (KAPPA, 1, 1))
    assert torch.allclose(out[0][:, 8:], pooled)
    assert torch.equal(out[0][:, :8], xs[0])
    m2 = _fusion((1, 8), lateral='resample', gate=False)
    assert isinstance(m2.i_to_p[0].proj, nn.Identity)
    out2 = m2(_inputs((1, 8)))
    x_i = _inputs((1, 8))[0]
    assert torch.equal(out2[1][:, 8:], x_i.repeat_interleave(KAPPA, dim=2))
    assert torch.equal(out2[1][:, 8:][:, :, 0], out2[1][:, 8:][:, :, 1])


def test_unidirectional_keeps_p_pathways():
    m = _fusion(connection='unidirectional')
    xs = _inputs()
    out = m(xs)
    assert torch.equal(out[1], xs[1]) and torch.equal(out[2], xs[2])
    none = _fusion(connection='none')
    assert all(torch.equal(o, x) for o, x in zip(none(xs), xs))


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match='connection'):
        IMRLateralFusion((16, 2, 2), connection='both')
    with pytest.raises(ValueError, match='lateral'):
        IMRLateralFusion((16, 2, 2), lateral='deconv')
    with pytest.raises(ValueError, match='gate'):
        IMRLateralFusion((16, 2, 2), gate='yes')
    with pytest.raises(ValueError, match='P pathway'):
        IMRLateralFusion((16, ))
    with pytest.raises(ValueError, match='kappa'):
        IMRLateralFusion((16, 2), kappa=0)
    with pytest.raises(ValueError, match='in_channels'):
        IMRLateralFusion((16, 0))
    m = _fusion()
    xs = _inputs()
    with pytest.raises(ValueError, match='frames'):
        m([xs[0], xs[1][:, :, :3], xs[2]])
    with pytest.raises(ValueError, match='pathways'):
        m(xs[:2])
