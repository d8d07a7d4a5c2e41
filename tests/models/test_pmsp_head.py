"""Tests of PMSPHead (mmaction_imr/models/heads/pmsp_head.py)."""
import pytest
import torch

from mmaction.registry import MODELS
from mmaction_imr.models.heads.pmsp_head import pool_window

IN_CHANNELS = (8, 2, 2)


def feats(n=2, t=5, kappa=2, h=4, w=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(n, 8, t, h, w, generator=g),
            torch.randn(n, 2, t * kappa, h, w, generator=g),
            torch.randn(n, 2, t * kappa, h, w, generator=g))


def build(**kw):
    return MODELS.build(dict(type='PMSPHead', in_channels=IN_CHANNELS,
                             hidden_channels=16, **kw))


def test_shapes_and_layout():
    head = build()
    assert head.num_labels == 27 and len(head.mlps) == 9
    logits = head(feats(), 5)
    assert len(logits) == 27
    # column order: t=1 n=0 s=2,3,4; t=3 ...
    assert [lg.shape[1] for lg in logits[:6]] == [4, 9, 16, 4, 9, 16]
    assert all(lg.shape[0] == 2 for lg in logits)
    # the first MLP layer sees C * s * s inputs (layout kept)
    assert head.mlps[0][0].in_features == 12 * 4
    assert head.mlps[2][0].in_features == 12 * 16
    pred = head.predict(feats(), 5)
    assert pred.shape == (2, 27) and pred.dtype == torch.long


def test_pool_window_matches_gops():
    x = torch.arange(10.).view(1, 1, 10, 1, 1).expand(1, 1, 10, 2, 2)
    # kappa = 2: GOPs 1..2 are frames 2..5
    assert pool_window(x, 5, 1, 3)[0, 0, 0, 0] == pytest.approx(3.5)
    i = torch.arange(5.).view(1, 1, 5, 1, 1)
    assert pool_window(i, 5, 2, 5)[0, 0, 0, 0] == pytest.approx(3.0)


def test_windows_see_only_their_gops():
    head = build()
    f = feats()
    base = head(f, 5)
    # change the features of GOP 4 only: t=5 positions 0..3 and t=3 n=0, 1
    # do not change, t=1 and t=5 n=4 do
    f2 = tuple(x.clone() for x in f)
    f2[0][:, :, 4] += 1.
    f2[1][:, :, 8:] += 1.
    f2[2][:, :, 8:] += 1.
    new = head(f2, 5)
    from mmaction_imr.pretext import pmsp_levels
    for lv, a, b in zip(pmsp_levels(5), base, new):
        assert torch.equal(a, b) == (lv.stop <= 4), lv


@pytest.fixture
def batch():
    """A fresh head, 4 clips of features and random labels for 27 cells."""
    torch.manual_seed(0)
    head = build()
    return head, feats(n=4), torch.randint(0, 4, (4, 27))


def test_loss_sums_columns_and_learns(batch):
    head, f, targets = batch
    out = head.loss(f, targets, 5)
    ce = torch.nn.functional.cross_entropy
    want = sum(ce(lg, targets[:, k]) for k, lg in enumerate(head(f, 5)))
    torch.testing.assert_close(out['loss_pmsp'], want)
    assert 0 <= float(out['acc_pmsp']) <= 1
    opt = torch.optim.Adam(head.parameters(), 3e-2)
    for _ in range(25):
        opt.zero_grad()
        loss = head.loss(f, targets, 5)['loss_pmsp']
        loss.backward()
        opt.step()
    acc = (head.predict(f, 5) == targets).float().mean()
    assert acc > 0.9  # memorises 4 clips (chance <= 0.25)


def test_mean_reduction_is_sum_over_columns(batch):
    head, f, targets = batch
    total = head.loss(f, targets, 5)
    mean = head.loss(f, targets, 5, reduction='mean')
    assert set(mean) == set(total) == {'loss_pmsp', 'acc_pmsp'}
    torch.testing.assert_close(mean['loss_pmsp'], total['loss_pmsp'] / 27)
    assert torch.equal(mean['acc_pmsp'], total['acc_pmsp'])
    with pytest.raises(ValueError, match='reduction'):
        head.loss(f, targets, 5, reduction='none')


def test_general_scales_and_odd_sizes():
    head = build(spatial=(2, 3), temporal=(1, 2))
    logits = head(feats(t=3, kappa=3, h=3, w=5), 3)
    assert len(logits) == 2 * 3
    with pytest.raises(ValueError):
        head(feats(t=3)[:2], 3)  # a pathway missing


def test_bad_targets():
    head = build()
    with pytest.raises(ValueError):
        head.loss(feats(), torch.zeros(2, 9, dtype=torch.long), 5)
    with pytest.raises(ValueError):
        head(feats(), 3)  # t=5 > T=3
