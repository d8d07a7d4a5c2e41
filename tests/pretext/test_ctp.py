"""Tests of the CTP transforms (mmaction_imr/pretext/ctp.py)."""
import pytest
import torch

from mmaction_imr.pretext import (CTP_BINARY_TYPES, CTP_TYPES, apply_ctp_plan,
                                  ctp_plan, ctp_transform)


def tagged(n, t, kappa=2, c=2, h=3, w=3):
    """[N, C, T*kappa, H, W] whose value encodes (clip, gop, frame)."""
    x = torch.zeros(n, c, t * kappa, h, w)
    for i in range(n):
        for f in range(t * kappa):
            x[i, :, f] = 1000 * i + f
    return x


def decode(x, t, kappa=2):
    """(clip, gop) per output GOP from the tags, [N, T, 2]."""
    first = x[:, 0, ::kappa, 0, 0].long()  # first frame of every GOP
    return torch.stack([first // 1000, (first % 1000) // kappa], -1)


def test_labels_match_what_was_done():
    n, t, kappa = 64, 5, 2
    mv, res = tagged(n, t, kappa), tagged(n, t, kappa, c=3) + 0.5
    g = torch.Generator().manual_seed(0)
    mv2, res2, labels = ctp_transform(mv, res, t, generator=g)
    assert mv2.shape == mv.shape and res2.shape == res.shape
    src = decode(mv2, t, kappa)
    assert torch.equal(decode(res2 - 0.5, t, kappa), src)  # M, R together
    # frames within a GOP keep their order
    assert torch.equal(mv2[:, :, 1::kappa] - mv2[:, :, ::kappa],
                       torch.ones_like(mv2[:, :, ::kappa]))
    ident = torch.arange(t)
    seen = set()
    for i in range(n):
        kind = CTP_TYPES[labels[i]]
        seen.add(kind)
        clips, gops = src[i, :, 0], src[i, :, 1]
        if kind == 'aligned':
            assert (clips == i).all() and torch.equal(gops, ident)
        elif kind == 'random':
            assert (clips == clips[0]).all() and clips[0] != i
            assert torch.equal(gops, ident)
        elif kind == 'shuffle':
            assert (clips == i).all() and not torch.equal(gops, ident)
            assert sorted(gops.tolist()) == list(range(t))
        else:  # shift: a rotation by k in [1, T-1]
            k = int(gops[0])
            assert 1 <= k <= t - 1
            assert torch.equal(gops, (ident + k) % t)
    assert seen == set(CTP_TYPES)


def test_shift_example_12345_to_23451():
    g = torch.Generator().manual_seed(0)
    plan = ctp_plan(1, 5, ('aligned', 'shift'), g)
    while plan.labels[0] != 1:
        plan = ctp_plan(1, 5, ('aligned', 'shift'), g)
    rotations = {tuple(((torch.arange(5) + k) % 5).tolist())
                 for k in range(1, 5)}
    assert tuple(plan.src_gop[0].tolist()) in rotations
    # k=1 exactly as in the paper
    x = torch.arange(5.).repeat_interleave(2).view(1, 1, 10, 1, 1)
    plan.src_gop[0] = torch.tensor([1, 2, 3, 4, 0])
    out = apply_ctp_plan(x, plan, 5).flatten()[::2]
    assert out.tolist() == [1., 2., 3., 4., 0.]


def test_shuffle_never_identity_many_draws():
    g = torch.Generator().manual_seed(3)
    for t in (2, 3, 5):
        plan = ctp_plan(300, t, ('aligned', 'shuffle'), g)
        shuffled = plan.src_gop[plan.labels == 1]
        assert len(shuffled) > 100
        assert not (shuffled == torch.arange(t)).all(1).any()
        assert (plan.src_clip == torch.arange(300)[:, None]).all()


def test_shift_covers_all_k():
    plan = ctp_plan(400, 5, ('aligned', 'shift'),
                    torch.Generator().manual_seed(4))
    ks = set(plan.src_gop[plan.labels == 1, 0].tolist())
    assert ks == {1, 2, 3, 4}


def test_random_never_self_and_roughly_uniform():
    plan = ctp_plan(400, 3, CTP_TYPES, torch.Generator().manual_seed(5))
    rnd = plan.labels == 1
    assert not (plan.src_clip[rnd, 0] == torch.arange(400)[rnd]).any()
    counts = torch.bincount(plan.labels, minlength=4)
    assert (counts > 60).all(), counts  # 100 expected each
    # partners spread over the batch
    assert plan.src_clip[rnd, 0].unique().numel() > 50


def test_two_clips_random_takes_the_other():
    mv = tagged(2, 3)
    for seed in range(10):
        out, _, labels = ctp_transform(mv, None, 3, CTP_BINARY_TYPES,
                                       torch.Generator().manual_seed(seed))
        for i in range(2):
            want = mv[1 - i] if labels[i] == 1 else mv[i]
            assert torch.equal(out[i], want)


def test_batch_of_one_never_random():
    g = torch.Generator().manual_seed(6)
    labels = [int(ctp_plan(1, 5, CTP_TYPES, g).labels) for _ in range(100)]
    assert 1 not in labels and set(labels) == {0, 2, 3}
    binary = [int(ctp_plan(1, 5, CTP_BINARY_TYPES, g).labels)
              for _ in range(10)]
    assert set(binary) == {0}


def test_same_seed_same_result():
    mv = torch.randn(6, 2, 10, 4, 4)
    res = torch.randn(6, 3, 10, 4, 4)
    a = ctp_transform(mv, res, 5, generator=torch.Generator().manual_seed(7))
    b = ctp_transform(mv, res, 5, generator=torch.Generator().manual_seed(7))
    for x, y in zip(a, b):
        assert torch.equal(x, y)
    torch.manual_seed(8)
    c = ctp_transform(mv, res, 5)
    torch.manual_seed(8)
    d = ctp_transform(mv, res, 5)
    assert all(torch.equal(x, y) for x, y in zip(c, d))
    # the input is not modified
    assert not any(x.data_ptr() == mv.data_ptr() for x in a[:2])


def test_t2_edge_case():
    mv = tagged(8, 2, kappa=3)
    out, _, labels = ctp_transform(mv, None, 2, ('aligned', 'shuffle',
                                                 'shift'),
                                   torch.Generator().manual_seed(9))
    src = decode(out, 2, kappa=3)
    for i in range(8):
        want = [0, 1] if labels[i] == 0 else [1, 0]  # only the swap exists
        assert src[i, :, 1].tolist() == want


def test_residuals_only_and_labels_on_device():
    res = torch.randn(3, 3, 10, 2, 2)
    mv, res2, labels = ctp_transform(None, res, 5)
    assert mv is None and res2.shape == res.shape
    assert labels.dtype == torch.long and labels.shape == (3, )


@pytest.mark.parametrize('types,num_gops', [
    (('aligned', ), 5),
    (('aligned', 'rotate'), 5),
    (('aligned', 'aligned'), 5),
    (('aligned', 'shift'), 1),
])
def test_bad_arguments(types, num_gops):
    with pytest.raises(ValueError):
        ctp_plan(4, num_gops, types)


def test_bad_shapes():
    with pytest.raises(ValueError):
        ctp_transform(None, None, 5)
    with pytest.raises(ValueError):
        ctp_transform(torch.zeros(2, 2, 9, 4, 4), None, 5)
