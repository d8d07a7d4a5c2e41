"""Tests of IMRSelfSup (mmaction_imr/models/selfsup/imr_selfsup.py)."""
import copy
import functools

import pytest
import torch

from mmaction.registry import MODELS
from mmaction_imr.pretext import ctp_transform, pmsp_labels

T, KAPPA, SIZE = 5, 2, 64
# IMRResNet3d at a tiny width: I 8 channels, P 2; maps are 64 / 32 = 2 px
BACKBONE = dict(type='IMRResNet3d', depth=18, base_channels=8,
                channel_ratio=4, kappa=KAPPA)
OUT = (64, 16, 16)  # base * 8 per pathway (I: 8*8, P: 2*8)


def model_cfg(**kw):
    cfg = dict(
        type='IMRSelfSup', backbone=BACKBONE,
        pmsp_head=dict(type='PMSPHead', in_channels=OUT, hidden_channels=8),
        ctp_head=dict(type='CTPHead', in_channels=OUT, hidden_channels=8))
    cfg.update(kw)
    return cfg


@pytest.fixture(scope='module')
def batch(packed_batch):
    """``batch(n=3, views=1, seed=0)`` at this file's clip size."""
    return functools.partial(packed_batch, t=T, kappa=KAPPA, size=SIZE)


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)
    return MODELS.build(model_cfg())


def test_loss_and_backward(model, batch):
    data = model.data_preprocessor(batch(), True)
    assert data['inputs']['imgs'].shape == (3, 1, 3, T, SIZE, SIZE)
    torch.manual_seed(1)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_pmsp', 'acc_pmsp', 'loss_ctp', 'acc_ctp'}
    # 27 columns of CE near log(s^2) each at init, CE of 4 types near log 4
    assert 27 < losses['loss_pmsp'].item() < 27 * 3.5
    assert 0.5 < losses['loss_ctp'].item() < 3
    (losses['loss_pmsp'] + losses['loss_ctp']).backward()
    assert model.backbone.stages[0]['imgs'].conv1.conv.weight.grad is not None
    assert model.pmsp_head.mlps[0][0].weight.grad is not None
    model.zero_grad()


def test_same_seed_same_loss_and_weight(model, batch):
    data = model.data_preprocessor(batch(seed=2), True)
    model.eval()  # BN in eval: the loss depends only on the CTP draws
    torch.manual_seed(3)
    a = model(**copy.deepcopy(data), mode='loss')
    torch.manual_seed(3)
    b = model(**copy.deepcopy(data), mode='loss')
    assert torch.equal(a['loss_ctp'], b['loss_ctp'])
    assert torch.equal(a['loss_pmsp'], b['loss_pmsp'])
    heavy = MODELS.build(model_cfg(ctp_loss_weight=2.))
    heavy.load_state_dict(model.state_dict())
    heavy.eval()
    torch.manual_seed(3)
    c = heavy(**copy.deepcopy(data), mode='loss')
    torch.testing.assert_close(c['loss_ctp'], 2 * a['loss_ctp'])
    model.train()


def test_targets_follow_the_ctp_transform(model):
    """PMSP labels come from the motion vectors the backbone sees."""
    n = 4
    corners = [(1, 1), (1, 13), (13, 1), (13, 13)]
    mv = torch.zeros(n, 2, T * KAPPA, 16, 16)
    for i in range(n):  # clip i, GOP g: a square in corner (i + g) % 4
        for g in range(T):
            y, x = corners[(i + g) % 4]
            mv[i, :, g * KAPPA:(g + 1) * KAPPA, y:y + 2, x:x + 2] = 1.
    inputs = dict(imgs=torch.zeros(n, 3, T, 16, 16), motion_vectors=mv,
                  residuals=torch.zeros(n, 3, T * KAPPA, 16, 16))
    torch.manual_seed(5)
    out, num_gops, pmsp_t, ctp_t = model._pretext_batch(inputs)
    assert num_gops == T
    torch.manual_seed(5)
    want_mv, _, want_ctp = ctp_transform(mv, inputs['residuals'], T)
    assert torch.equal(ctp_t, want_ctp)
    assert torch.equal(out['motion_vectors'], want_mv)
    assert torch.equal(out['imgs'], inputs['imgs'])  # I-frames stay
    assert torch.equal(pmsp_t, pmsp_labels(want_mv, T))
    before = pmsp_labels(mv, T)
    for i in range(n):  # every non-aligned clip changes its t=5 labels
        assert torch.equal(pmsp_t[i], before[i]) == (int(ctp_t[i]) == 0)
    assert (ctp_t != 0).any()


def corner_batch(n=4):
    """Clip i, GOP g: a moving square in corner (i + g) % 4, so every
    clip and every GOP of a clip has its own t=5 PMSP labels (n <= 4)."""
    corners = [(1, 1), (1, 13), (13, 1), (13, 13)]
    mv = torch.zeros(n, 2, T * KAPPA, 16, 16)
    for i in range(n):
        for g in range(T):
            y, x = corners[(i + g) % 4]
            mv[i, :, g * KAPPA:(g + 1) * KAPPA, y:y + 2, x:x + 2] = 1.
    return dict(imgs=torch.zeros(n, 3, T, 16, 16), motion_vectors=mv,
                residuals=torch.zeros(n, 3, T * KAPPA, 16, 16))


def test_pmsp_label_source_clip(model):
    """'clip' labels describe the untransformed clip: equal to 'fed' ones
    for aligned clips, different for random / shuffle / shift clips."""
    clip_model = MODELS.build(model_cfg(pmsp_label_source='clip'))
    inputs = corner_batch()
    own = pmsp_labels(inputs['motion_vectors'], T)
    seen = set()
    for seed in range(8):
        torch.manual_seed(seed)
        fed_out, _, fed_t, fed_ctp = model._pretext_batch(inputs)
        torch.manual_seed(seed)
        out, _, clip_t, clip_ctp = clip_model._pretext_batch(inputs)
        # same CTP draws and the same backbone input: only the labels move
        assert torch.equal(clip_ctp, fed_ctp)
        assert torch.equal(out['motion_vectors'], fed_out['motion_vectors'])
        assert torch.equal(clip_t, own)
        assert torch.equal(fed_t, pmsp_labels(fed_out['motion_vectors'], T))
        for i, label in enumerate(fed_ctp.tolist()):
            assert torch.equal(clip_t[i], fed_t[i]) == (label == 0)
            seen.add(label)
    assert seen == {0, 1, 2, 3}  # every CTP type was checked


def test_pmsp_loss_reduction_mean(model, batch):
    """'mean' logs the same keys, with loss_pmsp = the 'sum' value / 27."""
    data = model.data_preprocessor(batch(seed=4), True)
    mean_model = MODELS.build(model_cfg(pmsp_loss_reduction='mean'))
    mean_model.load_state_dict(model.state_dict())
    model.eval()  # BN in eval: the loss depends only on the CTP draws
    mean_model.eval()
    torch.manual_seed(6)
    total = model(**copy.deepcopy(data), mode='loss')
    torch.manual_seed(6)
    mean = mean_model(**copy.deepcopy(data), mode='loss')
    model.train()
    assert set(mean) == set(total)
    torch.testing.assert_close(mean['loss_pmsp'], total['loss_pmsp'] / 27)
    assert torch.equal(mean['acc_pmsp'], total['acc_pmsp'])
    torch.testing.assert_close(mean['loss_ctp'], total['loss_ctp'])


@pytest.mark.parametrize('reduction', ['sum', 'mean'])
@pytest.mark.parametrize('source', ['fed', 'clip'])
def test_options_log_the_same_keys(reduction, source, batch):
    m = MODELS.build(model_cfg(pmsp_loss_reduction=reduction,
                               pmsp_label_source=source))
    losses = m(**m.data_preprocessor(batch(n=2), True), mode='loss')
    assert set(losses) == {'loss_pmsp', 'acc_pmsp', 'loss_ctp', 'acc_ctp'}


def test_predict_fields_and_views(model, batch):
    model.eval()
    data = model.data_preprocessor(batch(n=2, views=3), False)
    with torch.no_grad():
        out = model(**data, mode='predict')
    assert len(out) == 2
    for ds in out:
        assert ds.pred_pmsp.shape == ds.gt_pmsp.shape == (3, 27)
        assert ds.pred_ctp.shape == ds.gt_ctp.shape == (3, )
        assert ds.pred_pmsp.dtype == torch.long
    with torch.no_grad():
        feats = model(**data, mode='tensor')
    assert [tuple(f.shape) for f in feats] == [
        (6, 64, T, 2, 2), (6, 16, T * KAPPA, 2, 2), (6, 16, T * KAPPA, 2, 2)]
    model.train()


def test_val_step_with_metric(model, batch):
    from mmaction.registry import METRICS
    metric = METRICS.build(dict(type='PretextAccuracy'))
    model.eval()
    out = model.val_step(batch(n=2))
    metric.process(None, [ds.to_dict() for ds in out])
    res = metric.compute_metrics(metric.results)
    assert 'pmsp/acc_s2_t1' in res and 'ctp/acc' in res
    model.train()


def test_ablations(batch):
    pmsp_only = MODELS.build(model_cfg(ctp_head=None))
    losses = pmsp_only(**pmsp_only.data_preprocessor(batch(n=2), True),
                       mode='loss')
    assert set(losses) == {'loss_pmsp', 'acc_pmsp'}
    binary = MODELS.build(model_cfg(
        pmsp_head=None, ctp_types=('aligned', 'random'),
        ctp_head=dict(type='CTPHead', in_channels=OUT, num_classes=2,
                      hidden_channels=8)))
    data = binary.data_preprocessor(batch(n=2), False)
    binary.eval()
    with torch.no_grad():
        out = binary(**data, mode='predict')
    assert all(int(ds.gt_ctp) in (0, 1) for ds in out)
    assert 'pred_pmsp' not in out[0]


def test_bad_configs():
    with pytest.raises(ValueError, match='num_classes'):
        MODELS.build(model_cfg(ctp_types=('aligned', 'random')))
    with pytest.raises(ValueError, match='pmsp_head, ctp_head'):
        MODELS.build(model_cfg(pmsp_head=None, ctp_head=None))
    with pytest.raises(RuntimeError):
        MODELS.build(model_cfg(ctp_head=None))(dict(), mode='bogus')
    with pytest.raises(ValueError, match='pmsp_loss_reduction'):
        MODELS.build(model_cfg(pmsp_loss_reduction='none'))
    with pytest.raises(ValueError, match='pmsp_label_source'):
        MODELS.build(model_cfg(pmsp_label_source='raw'))
