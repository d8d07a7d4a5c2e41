"""Contrastive losses and positive mining, on inputs worked out by hand."""
import math

import pytest
import torch

from mmaction_imr.pretext import (contrast_logits, info_nce, mine_positives,
                                  multi_positive_info_nce, multi_positive_nce,
                                  topk_mask)

E = math.e


def _unit(*rows):
    return torch.tensor(rows, dtype=torch.float32)


def test_contrast_logits_layout():
    q = _unit([1., 0.], [0., 1.])
    k = _unit([1., 0.], [1., 0.])
    queue = _unit([0., 1.], [-1., 0.], [1., 0.])
    logits = contrast_logits(q, k, queue, temperature=0.5)
    assert logits.shape == torch.Size([2, 4])
    # column 0: own key; then the queue; all divided by 0.5
    torch.testing.assert_close(
        logits, torch.tensor([[2., 0., -2., 2.], [0., 2., 0., 0.]]))


def test_info_nce_by_hand():
    # logits [1, 0, -1]: loss = -log(e / (e + 1 + 1/e)) = log(1 + 1/e + 1/e^2)
    q, k = _unit([1., 0.]), _unit([1., 0.])
    queue = _unit([0., 1.], [-1., 0.])
    loss = info_nce(q, k, queue, temperature=1.)
    assert loss.item() == pytest.approx(math.log(1 + 1 / E + 1 / E**2))
    # temperature 0.5 doubles the logits [2, 0, -2]
    loss = info_nce(q, k, queue, temperature=0.5)
    assert loss.item() == pytest.approx(math.log(1 + E**-2 + E**-4))


def test_multi_positive_by_hand():
    # logits [1, 0, -1], positives {0, 1}:
    # -log((e + 1) / (e + 1 + 1/e)) = log(1 + 1 / (e (e + 1)))
    q = _unit([1., 0.])
    keys = _unit([1., 0.], [0., 1.], [-1., 0.])
    pos = torch.tensor([[True, True, False]])
    loss = multi_positive_info_nce(q, keys, pos, temperature=1.)
    assert loss.item() == pytest.approx(math.log(1 + 1 / (E * (E + 1))))
    # every key a positive: the whole softmax mass, loss 0
    loss = multi_positive_info_nce(q, keys, torch.ones(1, 3, dtype=torch.bool),
                                   1.)
    assert loss.item() == pytest.approx(0., abs=1e-6)


def test_one_positive_is_info_nce():
    torch.manual_seed(0)
    q = torch.nn.functional.normalize(torch.randn(4, 8), dim=1)
    k = torch.nn.functional.normalize(torch.randn(4, 8), dim=1)
    queue = torch.nn.functional.normalize(torch.randn(6, 8), dim=1)
    logits = contrast_logits(q, k, queue, 0.07)
    pos = torch.zeros_like(logits, dtype=torch.bool)
    pos[:, 0] = True
    torch.testing.assert_close(multi_positive_nce(logits, pos),
                               info_nce(q, k, queue, 0.07))


def test_multi_positive_is_stable_and_averages_rows():
    # huge logits: logsumexp keeps it finite; row 0 has the whole mass on
    # its positive (0), row 1 splits it evenly over two positives of three
    logits = torch.tensor([[1000., 0., 0.], [500., 500., 500.]])
    pos = torch.tensor([[True, False, False], [True, True, False]])
    loss = multi_positive_nce(logits, pos)
    assert loss.item() == pytest.approx((0 + math.log(3 / 2)) / 2, abs=1e-5)


def test_multi_positive_errors():
    with pytest.raises(ValueError, match='no positive'):
        multi_positive_nce(torch.zeros(2, 3),
                           torch.tensor([[True, False, False],
                                         [False, False, False]]))
    with pytest.raises(ValueError, match='pos_mask'):
        multi_positive_nce(torch.zeros(2, 3), torch.ones(2, 2).bool())
    with pytest.raises(ValueError, match='temperature'):
        info_nce(_unit([1., 0.]), _unit([1., 0.]), _unit([0., 1.]), 0.)


def test_topk_mask():
    sim = torch.tensor([[.9, .8, .1, .7]])
    assert topk_mask(sim, 2).tolist() == [[True, True, False, False]]
    # an excluded entry does not count towards k: the next one is taken
    exclude = torch.tensor([[True, False, False, False]])
    assert topk_mask(sim, 2, exclude).tolist() == [[False, True, False, True]]
    # fewer eligible entries than k: only the eligible ones
    exclude = torch.tensor([[True, True, False, True]])
    assert topk_mask(sim, 2, exclude).tolist() == [[False, False, True, False]]
    with pytest.raises(ValueError, match='k must be'):
        topk_mask(sim, 0)


def test_mine_positives_intersection():
    # top-2 of a = {0, 1}, top-2 of b = {1, 2}: only 1 is in both
    sim_a = torch.tensor([[.9, .8, .1, .7], [.1, .2, .3, .4]])
    sim_b = torch.tensor([[.2, .9, .8, .7], [.4, .3, .2, .1]])
    mined = mine_positives(sim_a, sim_b, 2)
    # row 1: top-2 of a = {2, 3}, of b = {0, 1}: nothing in common
    assert mined.tolist() == [[False, True, False, False],
                              [False, False, False, False]]
    # excluding entry 1 (e.g. the query's own video): a = {0, 3},
    # b = {2, 3}, so 3 is mined instead
    exclude = torch.tensor([[False, True, False, False],
                            [False, False, False, False]])
    mined = mine_positives(sim_a, sim_b, 2, exclude)
    assert mined[0].tolist() == [False, False, False, True]
    # one similarity with itself is its top k (CoCLR's single guide)
    assert mine_positives(sim_a, sim_a, 2).tolist() == \
        topk_mask(sim_a, 2).tolist()
    with pytest.raises(ValueError, match='differ'):
        mine_positives(sim_a, sim_b[:, :3], 2)
