"""Tests of CTPHead (mmaction_imr/models/heads/ctp_head.py)."""
import pytest
import torch

from mmaction.registry import MODELS


def feats(n=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(n, 8, 5, 2, 2, generator=g),
            torch.randn(n, 2, 10, 2, 2, generator=g),
            torch.randn(n, 2, 10, 2, 2, generator=g))


@pytest.mark.parametrize('num_classes', [4, 2])
def test_forward_loss_predict(num_classes):
    head = MODELS.build(dict(type='CTPHead', in_channels=(8, 2, 2),
                             num_classes=num_classes, hidden_channels=16))
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


def test_bad_arguments():
    with pytest.raises(ValueError):
        MODELS.build(dict(type='CTPHead', in_channels=(8, 2, 2),
                          num_classes=1))
    head = MODELS.build(dict(type='CTPHead', in_channels=(8, 2, 2)))
    with pytest.raises(ValueError):
        head(feats()[:2])
