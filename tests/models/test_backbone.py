"""Tests of the IMR backbone (models/backbones/imr_resnet3d.py)."""
import copy
import itertools
import os.path as osp
import warnings

import pytest
import torch
from mmengine.config import Config
from mmengine.model import BaseModule
from torch.nn.modules.batchnorm import _BatchNorm

from mmaction.models.backbones.resnet3d import BasicBlock3d, Bottleneck3d
from mmaction.registry import MODELS
from mmaction_imr.models.backbones import IMRResNet3d
from mmaction_imr.models.fusion import IMRLateralFusion

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

KAPPA, T, HW = 2, 2, 32
STREAMS = ('imgs', 'motion_vectors', 'residuals')


def _inputs(n=2, seed=0, t=T, hw=HW):
    g = torch.Generator().manual_seed(seed)
    return dict(imgs=torch.randn(n, 3, t, hw, hw, generator=g),
                motion_vectors=torch.randn(n, 2, t * KAPPA, hw, hw,
                                           generator=g),
                residuals=torch.randn(n, 3, t * KAPPA, hw, hw, generator=g))


def _fusion(**kwargs):
    return dict(type='IMRLateralFusion', **kwargs)


def _tiny(depth=18, **kwargs):
    kwargs.setdefault('base_channels', 16)
    m = IMRResNet3d(depth=depth, kappa=KAPPA, **kwargs)
    m.init_weights()
    return m


def _first_convs(m):
    return {s: m.stages[0][s].conv1.conv for s in m.streams}


VARIANTS = list(itertools.product(
    (18, 50), ('bidirectional', 'unidirectional', 'none'),
    ('conv', 'resample'), (True, False)))


@pytest.mark.parametrize('depth, connection, lateral, gate', VARIANTS)
def test_forward_backward_every_variant(depth, connection, lateral, gate):
    m = _tiny(depth, fusion=_fusion(connection=connection, lateral=lateral,
                                    gate=gate),
              base_channels=8, channel_ratio=4)
    # 16x16 is enough to reach 1x1 at res5 (strides 2 * 2 * 2 * 2 * 2)
    out = m(**_inputs(hw=16))
    exp = 4 if depth == 50 else 1
    assert m.out_channels == (64 * exp, 16 * exp, 16 * exp)
    assert [o.shape for o in out] == [
        torch.Size([2, 64 * exp, T, 1, 1]),
        torch.Size([2, 16 * exp, T * KAPPA, 1, 1]),
        torch.Size([2, 16 * exp, T * KAPPA, 1, 1])]
    sum((o * torch.randn_like(o)).sum() for o in out).backward()
    for s, conv in _first_convs(m).items():
        assert conv.weight.grad is not None, s
        assert conv.weight.grad.abs().sum() > 0, s


@pytest.mark.parametrize('connection', ['bidirectional', 'unidirectional',
                                        'none'])
def test_cross_pathway_influence(connection):
    m = _tiny(fusion=_fusion(connection=connection)).eval()
    x = _inputs()
    base = m(**x)
    # change the M input only
    x_m = dict(x, motion_vectors=x['motion_vectors'] + 1.)
    out_m = m(**x_m)
    i_changed = not torch.allclose(base[0], out_m[0])
    assert i_changed == (connection != 'none')
    r_changed = not torch.allclose(base[2], out_m[2])
    # M -> I -> R needs the I->P direction
    assert r_changed == (connection == 'bidirectional')
    # change the I input only
    out_i = m(**dict(x, imgs=x['imgs'] + 1.))
    m_changed = not torch.allclose(base[1], out_i[1])
    assert m_changed == (connection == 'bidirectional')


def test_r18_r50_channel_bookkeeping_full_width():
    r18 = IMRResNet3d(depth=18)
    # docs/design.md#output-and-complexity
    assert r18.out_channels == (512, 32, 32)
    assert [f.out_channels for f in r18.fusions[:4]] == [
        (80, 5, 5), (80, 5, 5), (160, 9, 9), (320, 18, 18)]
    # the next stage's input grows with the laterals
    assert r18.stages[2]['imgs'][0].conv1.conv.in_channels == 80
    assert r18.stages[4]['motion_vectors'][0].conv1.conv.in_channels == 18
    r50 = IMRResNet3d(depth=50)
    assert r50.out_channels == (2048, 128, 128)
    assert r50.fusions[1].out_channels == (320, 18, 18)
    assert isinstance(r50.stages[1]['imgs'][0], Bottleneck3d)
    assert isinstance(r18.stages[1]['imgs'][0], BasicBlock3d)
    assert isinstance(r18.fusions[4], torch.nn.Identity)  # none after res5


def test_temporal_kernels():
    m = IMRResNet3d(depth=18, base_channels=16)
    k = {s: m.stages[0][s].conv1.conv.kernel_size for s in STREAMS}
    assert k == dict(imgs=(1, 7, 7), motion_vectors=(5, 7, 7),
                     residuals=(5, 7, 7))
    i_k = [m.stages[i]['imgs'][0].conv1.conv.kernel_size[0]
           for i in range(1, 5)]
    p_k = [m.stages[i]['residuals'][0].conv1.conv.kernel_size[0]
           for i in range(1, 5)]
    assert i_k == [1, 1, 3, 3] and p_k == [3, 3, 3, 3]
    # Table 4 (R18): temporal kernel in the first conv of a block only
    assert m.stages[3]['imgs'][0].conv2.conv.kernel_size == (1, 3, 3)
    full = IMRResNet3d(depth=18, base_channels=16, inflate_style='3x3x3')
    assert full.stages[3]['imgs'][0].conv2.conv.kernel_size == (3, 3, 3)
    r50 = IMRResNet3d(depth=50, base_channels=16)
    assert r50.stages[3]['imgs'][0].conv1.conv.kernel_size == (3, 1, 1)
    assert r50.stages[1]['imgs'][0].conv1.conv.kernel_size == (1, 1, 1)


def test_no_temporal_downsampling_and_spatial_stride():
    out = _tiny()(**_inputs(t=3, hw=64))
    assert [o.shape[2:] for o in out] == [
        (3, 2, 2), (3 * KAPPA, 2, 2), (3 * KAPPA, 2, 2)]


def test_stream_subsets():
    m = _tiny(streams=('imgs', ), fusion=None)
    out = m(**_inputs())  # extra streams are ignored
    assert len(out) == 1 and out[0].shape == (2, 128, T, 1, 1)
    out = m(imgs=_inputs()['imgs'])
    assert len(out) == 1
    # canonical order, I first, whatever order the config lists
    m2 = _tiny(streams=('motion_vectors', 'imgs'))
    assert m2.streams == ('imgs', 'motion_vectors')
    assert [o.shape[1] for o in m2(**_inputs())] == [128, 8]
    m3 = _tiny(streams=('motion_vectors', 'residuals'), fusion=None)
    assert len(m3(**_inputs())) == 2
    with pytest.raises(ValueError, match='fusion=None'):
        IMRResNet3d(streams=('imgs', ))
    with pytest.raises(ValueError, match='fusion=None'):
        IMRResNet3d(streams=('motion_vectors', 'residuals'))


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match='depth'):
        IMRResNet3d(depth=34)
    with pytest.raises(ValueError, match='streams'):
        IMRResNet3d(streams=('imgs', 'flow'))
    with pytest.raises(ValueError, match='streams'):
        IMRResNet3d(streams=())
    with pytest.raises(ValueError, match='multiple of channel_ratio'):
        IMRResNet3d(base_channels=8)
    # the fusion's own arguments are checked by the fusion
    with pytest.raises(ValueError, match='connection'):
        IMRResNet3d(fusion=_fusion(connection='both'))
    with pytest.raises(ValueError, match='lateral'):
        IMRResNet3d(fusion=_fusion(lateral='pool'), base_channels=16)
    with pytest.raises(ValueError, match='set by IMRResNet3d'):
        IMRResNet3d(fusion=_fusion(kappa=3))
    with pytest.raises(KeyError, match='NoSuchFusion'):
        IMRResNet3d(fusion=dict(type='NoSuchFusion'))
    with pytest.raises(ValueError, match='frozen_stages'):
        IMRResNet3d(frozen_stages=5)
    with pytest.raises(ValueError, match='inflate_style'):
        IMRResNet3d(inflate_style='2x1x1')
    with pytest.raises(ValueError, match='pretrained or init_cfg'):
        IMRResNet3d(pretrained='a.pth', init_cfg=dict(type='Kaiming'))


def test_bad_inputs_raise():
    m = _tiny()
    x = _inputs()
    with pytest.raises(ValueError, match=r'motion_vectors has 3 frames.*'
                       r'kappa'):
        m(**dict(x, motion_vectors=x['motion_vectors'][:, :, :3]))
    with pytest.raises(ValueError, match='H, W'):
        m(**dict(x, residuals=x['residuals'][..., :16]))
    with pytest.raises(ValueError, match=r'imgs must be \[N, 3'):
        m(**dict(x, imgs=x['imgs'][:, :2]))
    with pytest.raises(ValueError, match='got no residuals'):
        m(imgs=x['imgs'], motion_vectors=x['motion_vectors'])
    with pytest.raises(ValueError, match='batch size'):
        m(**dict(x, imgs=x['imgs'][:1]))


def test_frame_count_error_reads_like_its_formula():
    # The numbers come in the order the words name them: T * kappa.
    m = _tiny()
    x = _inputs(t=3)  # 3 I-frames, so 6 P-frames with KAPPA = 2
    with pytest.raises(ValueError) as err:
        m(**dict(x, motion_vectors=x['motion_vectors'][:, :, :5]))
    assert str(err.value) == ('motion_vectors has 5 frames, expected 3 * 2 '
                              '(imgs frames * kappa)')


def test_init_and_pretrained(tmp_path):
    m = _tiny(zero_init_residual=True)
    last_bns = [b.conv2.bn.weight for st in m.stages[1:]
                for layer in st.values() for b in layer]
    assert all(torch.all(w == 0) for w in last_bns)
    conv = m.stages[1]['imgs'][0].conv1.conv.weight
    assert conv.std() > 0
    ckpt = tmp_path / 'backbone.pth'
    torch.save(dict(state_dict=m.state_dict()), ckpt)
    for cfg in (dict(pretrained=str(ckpt)),
                dict(init_cfg=dict(type='Pretrained', checkpoint=str(ckpt)))):
        m2 = IMRResNet3d(kappa=KAPPA, base_channels=16, **cfg)
        m2.init_weights()
        for (k, v), v2 in zip(m.state_dict().items(),
                              m2.state_dict().values()):
            assert torch.equal(v, v2), k
    assert isinstance(m, BaseModule)


def test_registered_and_norm_eval():
    m = MODELS.build(dict(type='IMRResNet3d', base_channels=16, kappa=KAPPA,
                          norm_eval=True))
    m.train()
    bns = [x for x in m.modules()
           if isinstance(x, torch.nn.modules.batchnorm._BatchNorm)]
    assert bns and not any(b.training for b in bns)


# Parameters of the full-width R18 backbone of each shipped ablation config,
# counted on the backbone that took the four fusion arguments itself (before
# the fusion became a config): building the fusion from the config must not
# change the network.
SHIPPED = {
    'imr_r18_4xb25-5gop-500e_ucf101-split1-compressed.py': (
        21827406, ((80, 5, 5), (80, 5, 5), (160, 9, 9), (320, 18, 18))),
    'imr_r18-lateonly_4xb25-5gop-500e_ucf101-split1-compressed.py': (
        20190868, ((64, 4, 4), (64, 4, 4), (128, 8, 8), (256, 16, 16))),
    'imr_r18-noconv_4xb25-5gop-500e_ucf101-split1-compressed.py': (
        21815630, ((80, 5, 5), (80, 5, 5), (160, 9, 9), (320, 18, 18))),
    'imr_r18-nogate_4xb25-5gop-500e_ucf101-split1-compressed.py': (
        21392612, ((80, 5, 5), (80, 5, 5), (160, 9, 9), (320, 18, 18))),
    'imr_r18-unidirectional_4xb25-5gop-500e_ucf101-split1-compressed.py': (
        21812884, ((80, 4, 4), (80, 4, 4), (160, 8, 8), (320, 16, 16))),
}


@pytest.mark.parametrize('name', sorted(SHIPPED))
def test_fusion_from_config_matches_the_shipped_ablations(name):
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'imrnet', name))
    backbone = MODELS.build(cfg.model.backbone)
    params, widths = SHIPPED[name]
    assert sum(p.numel() for p in backbone.parameters()) == params
    assert tuple(f.out_channels for f in backbone.fusions[:4]) == widths
    assert backbone.out_channels == (512, 32, 32)
    fusion = backbone.fusions[0]
    assert isinstance(fusion, IMRLateralFusion)
    assert fusion.kappa == backbone.kappa == 5 and fusion.divisor == 8


def test_fusion_config_is_not_mutated():
    fusion = _fusion(connection='unidirectional')
    before = copy.deepcopy(fusion)
    m = _tiny(fusion=fusion)
    assert fusion == before
    assert [f.connection for f in m.fusions[:4]] == ['unidirectional'] * 4
    # the backbone gives each site its widths: P -> I laterals only
    assert m.fusions[0].in_channels == (16, 1, 1)
    assert m.fusions[0].out_channels == (20, 1, 1)
    assert m.stages[1]['imgs'][0].conv1.conv.in_channels == 20


def _small(**kwargs):
    return _tiny(base_channels=8, channel_ratio=4, **kwargs)


def _train_step(m, x):
    opt = torch.optim.SGD([p for p in m.parameters() if p.requires_grad]
                          or [torch.zeros(1, requires_grad=True)], lr=0.1)
    m.train()
    out = m(**x)
    loss = sum((o**2).mean() for o in out)
    opt.zero_grad()
    if loss.requires_grad:
        loss.backward()
    opt.step()


@pytest.mark.parametrize('frozen_stages', [0, 2, 4])
def test_frozen_stages_keep_parameters_and_bn_statistics(frozen_stages):
    m = _small(frozen_stages=frozen_stages)
    before = copy.deepcopy(m.state_dict())
    # the stem and res2..res(i+1) in every pathway, with the fusions that
    # feed them (fusions[j] follows stages[j])
    prefixes = tuple([f'stages.{i}.' for i in range(frozen_stages + 1)] +
                     [f'fusions.{i}.' for i in range(frozen_stages)])
    _train_step(m, _inputs(hw=16))
    for name, mod in m.named_modules():
        if name and (name + '.').startswith(prefixes):
            assert not mod.training, name
    for name, p in m.named_parameters():
        assert p.requires_grad == (not name.startswith(prefixes)), name
    changed = {k for k, v in m.state_dict().items()
               if not torch.equal(v, before[k])}
    assert not any(k.startswith(prefixes) for k in changed)
    if frozen_stages < 4:  # the rest trains, BN statistics included
        nxt = f'stages.{frozen_stages + 1}.'
        assert m.stages[frozen_stages + 1].training
        assert any(k.startswith(nxt) and 'running_mean' in k
                   for k in changed)
        assert any(k.startswith(f'fusions.{frozen_stages}.')
                   for k in changed)


def test_everything_frozen_changes_nothing():
    m = _small(frozen_stages=4)
    before = copy.deepcopy(m.state_dict())
    _train_step(m, _inputs(hw=16))
    _train_step(m, _inputs(seed=1, hw=16))
    assert not any(p.requires_grad for p in m.parameters())
    for k, v in m.state_dict().items():
        assert torch.equal(v, before[k]), k  # weights and BN statistics
    assert not any(x.training for x in m.modules()
                   if isinstance(x, _BatchNorm))


def test_norm_eval_keeps_bn_statistics_but_trains_affine():
    m = _small(norm_eval=True)
    before = copy.deepcopy(m.state_dict())
    _train_step(m, _inputs(hw=16))
    changed = {k for k, v in m.state_dict().items()
               if not torch.equal(v, before[k])}
    assert not any('running_' in k or 'num_batches' in k for k in changed)
    assert any(k.endswith('bn.weight') for k in changed)


def test_with_cp_same_outputs_gradients_and_statistics():
    ref = _small()
    cp = _small(with_cp=True)
    cp.load_state_dict(ref.state_dict())
    x = _inputs(hw=16)
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # e.g. torch's use_reentrant warning
        outs = []
        for m in (ref, cp):
            m.train()
            out = m(**x)
            sum((o * torch.linspace(-1, 1, o.numel()).view_as(o)).sum()
                for o in out).backward()
            outs.append(out)
    for a, b in zip(*outs):
        assert torch.allclose(a, b, atol=1e-6)
    for (k, p), q in zip(ref.named_parameters(), cp.parameters()):
        assert torch.allclose(p.grad, q.grad, atol=1e-5), k
    # the recomputation in backward does not count the batch twice
    for (k, v), w in zip(ref.state_dict().items(), cp.state_dict().values()):
        assert torch.allclose(v.float(), w.float(), atol=1e-6), k
    bns = [x for x in cp.modules() if isinstance(x, _BatchNorm)]
    assert all(int(b.num_batches_tracked) == 1 for b in bns)
    # no recomputation (and no checkpoint) without grad
    with torch.no_grad():
        cp.eval()
        assert all(torch.allclose(a, b, atol=1e-6)
                   for a, b in zip(ref.eval()(**x), cp(**x)))
