"""Tests of IMRClsHead (mmaction_imr/models/heads/cls_head.py)."""
import pytest
import torch
import torch.nn.functional as F

from mmaction.models.heads.base import BaseHead
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmaction_imr.models.heads import IMRClsHead


def _feats(n=2):
    return (torch.randn(n, 16, 2, 3, 3), torch.randn(n, 4, 4, 3, 3),
            torch.randn(n, 4, 4, 3, 3))


def test_forward_pool_concat_fc():
    head = IMRClsHead(5, (16, 4, 4), dropout_ratio=0.)
    head.init_weights()
    assert isinstance(head, BaseHead) and head.in_channels == 24
    feats = _feats()
    scores = head(feats)
    assert scores.shape == (2, 5)
    pooled = torch.cat([f.mean(dim=(2, 3, 4)) for f in feats], 1)
    assert torch.allclose(scores, head.fc_cls(pooled), atol=1e-6)
    # an int in_channels (the sum) works the same
    head2 = MODELS.build(dict(type='IMRClsHead', num_classes=5,
                              in_channels=24))
    assert head2(feats).shape == (2, 5)


def test_channel_mismatch_raises():
    with pytest.raises(ValueError, match=r'\(16, 4, 8\)'):
        IMRClsHead(5, (16, 4, 8))(_feats())
    with pytest.raises(ValueError, match='25'):
        IMRClsHead(5, 25)(_feats())
    with pytest.raises(ValueError, match='positive'):
        IMRClsHead(5, 0)


def test_three_crop_prob_averaging():
    head = IMRClsHead(5, (16, 4, 4))
    assert head.average_clips == 'prob'
    scores = torch.randn(2 * 3, 5)  # 2 samples x 3 crops, sample-major
    samples = [ActionDataSample().set_gt_label(i) for i in range(2)]
    out = head.predict_by_feat(scores, samples)
    expected = F.softmax(scores, 1).view(2, 3, 5).mean(1)
    for s, e in zip(out, expected):
        assert torch.allclose(s.pred_score, e)
        assert torch.isclose(s.pred_score.sum(), torch.tensor(1.))


def test_loss():
    head = IMRClsHead(5, (16, 4, 4), topk=(1, ))
    samples = [ActionDataSample().set_gt_label(i) for i in (0, 3)]
    losses = head.loss(_feats(), samples)
    assert set(losses) == {'loss_cls', 'top1_acc'}
    assert losses['loss_cls'] > 0 and losses['loss_cls'].requires_grad
