"""The retrieval maths on features whose answer is known."""
import pytest
import torch

from mmaction_imr.evaluation.retrieval import (center_normalize,
                                               concat_normalized,
                                               cosine_similarity,
                                               nearest_neighbors, recall_at_k,
                                               video_retrieval)


def test_identical_features_give_recall_one():
    torch.manual_seed(0)
    feats = torch.randn(6, 4)
    labels = torch.tensor([0, 0, 1, 1, 2, 2])
    recall = video_retrieval(feats, feats, labels, labels, topk=(1, 5))
    assert recall == {1: 1.0, 5: 1.0}


def test_recall_at_5_hand_built():
    # 1-D similarities, gallery sorted by similarity to each query.
    # Query 0 (class 0): ranks 1-4 are class 1, rank 5 is class 0 -> miss
    #   at k=1..4, hit at k=5.
    # Query 1 (class 2): no class 2 in the top 5 -> miss at k=5.
    # Query 2 (class 1): rank 1 is class 1 -> hit at every k.
    sim = torch.tensor([[.9, .8, .7, .6, .5, .4],
                        [.9, .8, .7, .6, .5, .4],
                        [.4, .9, .1, .2, .3, .0]])
    gallery = torch.tensor([1, 1, 1, 1, 0, 2])
    query = torch.tensor([0, 2, 1])
    recall = recall_at_k(sim, query, gallery, topk=(1, 4, 5, 6))
    assert recall == pytest.approx({1: 1 / 3, 4: 1 / 3, 5: 2 / 3, 6: 1.0})


def test_k_beyond_gallery_counts_whole_gallery():
    sim = torch.tensor([[.1, .9]])
    recall = recall_at_k(sim, torch.tensor([0]), torch.tensor([0, 1]),
                         topk=(1, 50))
    assert recall == {1: 0.0, 50: 1.0}


def test_mean_centring_matters():
    # Four classes, one direction each (+-e1, +-e2), and an offset shared by
    # the whole set that differs between the sets (gallery 5 e0, queries
    # 5 e1), as features of one clip and of averaged clips do. Raw cosine
    # with the queries' offset favours the gallery entry along e1 (class 0)
    # for every query; centring each set by its own mean removes both
    # offsets and every query finds its class.
    e = torch.eye(3)
    d = torch.stack([e[1], -e[1], e[2], -e[2]])
    labels = torch.arange(4)
    gallery, query = 5 * e[0] + d, 5 * e[1] + d
    centred = video_retrieval(query, gallery, labels, labels, topk=(1, ))
    raw = video_retrieval(query, gallery, labels, labels, topk=(1, ),
                          center=False)
    assert centred[1] == 1.0
    assert raw[1] == 0.25  # only the class-0 query is right


def test_center_normalize_unit_rows_and_zero_rows():
    x = torch.tensor([[3., 4.], [0., 0.]])
    out = center_normalize(x, center=False)
    assert torch.allclose(out[0], torch.tensor([.6, .8], dtype=out.dtype))
    assert torch.equal(out[1], torch.zeros(2, dtype=out.dtype))
    centred = center_normalize(torch.ones(3, 2))  # all equal -> all zero
    assert not torch.isnan(centred).any()


def test_concat_normalized_weighs_streams_equally():
    # a wide stream with large values must not drown a narrow one
    wide = torch.randn(5, 64) * 100
    narrow = torch.randn(5, 2)
    both = concat_normalized([wide, narrow])
    assert both.shape == (5, 66)
    assert torch.allclose(both.norm(dim=1), torch.ones(5, dtype=both.dtype))
    assert torch.allclose(both[:, 64:].norm(dim=1),
                          torch.full((5, ), 0.5**0.5, dtype=both.dtype))
    with pytest.raises(ValueError, match='rows'):
        concat_normalized([wide, narrow[:4]])


def test_nearest_neighbors_ties_go_to_lower_index():
    values, idx = nearest_neighbors(torch.tensor([[.5, .25, .5, .25]]), 3)
    assert idx.tolist() == [[0, 2, 1]]
    assert values.tolist() == [[.5, .5, .25]]


def test_bad_inputs():
    with pytest.raises(ValueError, match='feature dims'):
        cosine_similarity(torch.ones(2, 3), torch.ones(2, 4))
    with pytest.raises(ValueError, match='similarity is'):
        recall_at_k(torch.ones(2, 3), torch.tensor([0]), torch.tensor([0]))
    with pytest.raises(ValueError, match='topk'):
        recall_at_k(torch.ones(1, 1), torch.tensor([0]), torch.tensor([0]),
                    topk=(0, ))
    with pytest.raises(ValueError, match=r'\[N, D\]'):
        center_normalize(torch.ones(3))
    with pytest.raises(TypeError, match='both'):
        video_retrieval([torch.ones(2, 2)], torch.ones(2, 2),
                        torch.tensor([0, 1]), torch.tensor([0, 1]))
