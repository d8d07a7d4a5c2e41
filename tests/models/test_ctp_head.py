"""Tests of CTPHead (mmaction_imr/models/heads/ctp_head.py)."""
import pytest
import torch

from mmaction.registry import MODELS


def feats(n=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(n, 8, 5, 2, 2, generator=g),
            torch.randn(n, 2, 10, 2, 2, generator=g),
            torch.randn(n, 2, 10, 2, 2, generator=g))


@pytest.mark.parametrize('pool', ['before', 'hidden'])
@pytest.mark.parametrize('num_classes', [4, 2])
def test_forward_loss_predict(num_classes, pool):
    head = MODELS.build(dict(type='CTPHead', in_channels=(8, 2, 2),
                             num_classes=num_classes, hidden_channels=16,
                             pool=pool))
    f = feats()
    logits = head(f)
    assert logits.shape == (4, num_classes)
    targets = torch.arange(4) % num_classes
    out = head.loss(f, targets)
    torch.testing.assert_close(
        out['loss_ctp'], torch.nn.functional.cross_entropy(logits, targets))
    pred = head.predict(f)
    assert pred.shape == (4, ) and pred.dtype == torch.long
    assert float(out['acc_ctp']) == float((pred == targets).float().mean())


def test_pools_globally():
    head = MODELS.build(dict(type='CTPHead', in_channels=(8, 2, 2),
                             hidden_channels=16))
    f = feats()
    # moving values around inside a map keeps the global average
    g = (f[0].flip(2, 3), f[1].flip(2), f[2].roll(1, 3))
    torch.testing.assert_close(head(f), head(g))


def test_hidden_pool_sees_per_gop_correspondence():
    """pool='hidden' averages after the ReLU, per GOP and position: it
    keeps the order-free invariances of a clip average (permuting GOPs of
    all pathways together, or positions) but not a GOP permutation of the P
    maps alone, which pool='before' cannot see."""
    head = MODELS.build(dict(type='CTPHead', in_channels=(8, 2, 2),
                             hidden_channels=16, pool='hidden'))
    before = MODELS.build(dict(type='CTPHead', in_channels=(8, 2, 2),
                               hidden_channels=16))
    before.load_state_dict(head.state_dict())  # same parameters
    f = feats()
    perm = torch.tensor([2, 0, 4, 1, 3])
    p_perm = perm[:, None] * 2 + torch.arange(2)  # kappa = 2 frames a GOP
    together = (f[0][:, :, perm], f[1][:, :, p_perm.flatten()],
                f[2][:, :, p_perm.flatten()])
    torch.testing.assert_close(head(f), head(together))
    flipped = tuple(x.flip(3, 4) for x in f)
    torch.testing.assert_close(head(f), head(flipped))
    p_only = (f[0], together[1], together[2])
    assert not torch.allclose(head(f), head(p_only))
    torch.testing.assert_close(before(f), before(p_only))
    # without the ReLU the two modes are the same function
    head.mlp[1] = before.mlp[1] = torch.nn.Identity()
    torch.testing.assert_close(head(f), before(f))


def test_bad_arguments():
    with pytest.raises(ValueError, match='pool'):
        MODELS.build(dict(type='CTPHead', in_channels=(8, 2, 2),
                          pool='after'))
    with pytest.raises(ValueError):
        MODELS.build(dict(type='CTPHead', in_channels=(8, 2, 2),
                          num_classes=1))
    head = MODELS.build(dict(type='CTPHead', in_channels=(8, 2, 2)))
    with pytest.raises(ValueError):
        head(feats()[:2])
