"""Arrow-of-time transforms (mmaction_imr/pretext/arrow_of_time.py) on
inputs whose answer is known."""
import pytest
import torch

from mmaction_imr.pretext import (AOT_CLASSES, aot_labels, aot_transform,
                                  reverse_streams)

T, KAPPA, S = 3, 2, 8


def numbered_clip(n=1):
    """Every frame holds its index: imgs = GOP g, P streams = P-frame p
    (``p = g * KAPPA + j``); motion vectors ``(p + 1, -(p + 1))``."""
    imgs = torch.arange(T).float()[None, None, :, None, None].expand(
        n, 3, T, S, S).clone()
    p = torch.arange(T * KAPPA).float()[None, None, :, None, None]
    res = p.expand(n, 3, T * KAPPA, S, S).clone()
    mv = torch.cat([p + 1, -(p + 1)], 1).expand(n, 2, T * KAPPA, S,
                                                 S).clone()
    return dict(imgs=imgs, motion_vectors=mv, residuals=res)


def test_reverse_orders_and_signs():
    clip = numbered_clip()
    out = reverse_streams(clip)
    # GOPs in reverse order: the last GOP's I-frame first
    assert out['imgs'][0, 0, :, 0, 0].tolist() == [2., 1., 0.]
    # P-frames: GOP order and frame order inside a GOP both reversed
    assert out['residuals'][0, 0, :, 0, 0].tolist() == [5., 4., 3., 2., 1.,
                                                         0.]
    # GOP g of the output holds the P-frames of input GOP T - 1 - g
    gops = out['residuals'][0, 0, :, 0, 0].reshape(T, KAPPA)
    assert gops[0].tolist() == [5., 4.]
    # vectors reversed in order and negated, residual values unchanged
    assert out['motion_vectors'][0, :, :, 0, 0].tolist() == [
        [-6., -5., -4., -3., -2., -1.], [6., 5., 4., 3., 2., 1.]]
    # reversing twice is the identity
    again = reverse_streams(out)
    for key in clip:
        assert torch.equal(again[key], clip[key])


def test_reversed_moving_square_moves_the_other_way():
    """A square moving right (u = +2 px per frame): reversed, the I-frames
    show it moving left and the vectors say u = -2, consistently."""
    imgs = torch.zeros(1, 1, T, S, S)
    mv = torch.zeros(1, 2, T * KAPPA, S, S)
    for g in range(T):
        imgs[0, 0, g, 2:4, 2 * g:2 * g + 2] = 1
    mv[:, 0] = 2.
    out = reverse_streams(dict(imgs=imgs, motion_vectors=mv))
    cols = [torch.nonzero(out['imgs'][0, 0, g])[:, 1].float().mean()
            for g in range(T)]
    assert cols[1] - cols[0] < 0 and cols[2] - cols[1] < 0
    assert torch.equal(out['motion_vectors'][:, 0],
                       torch.full((1, T * KAPPA, S, S), -2.))


def test_per_clip_labels():
    clip = numbered_clip(n=3)
    labels = torch.tensor([0, 1, 0])
    out = reverse_streams(clip, labels)
    whole = reverse_streams(clip)
    for key in clip:
        assert torch.equal(out[key][0], clip[key][0])
        assert torch.equal(out[key][1], whole[key][1])
        assert torch.equal(out[key][2], clip[key][2])


def test_aot_transform_draws():
    clip = numbered_clip(n=32)
    out, labels = aot_transform(clip, torch.Generator().manual_seed(0))
    assert labels.shape == (32, ) and labels.dtype == torch.long
    assert set(labels.tolist()) == set(range(len(AOT_CLASSES)))
    for key in clip:
        assert torch.equal(out[key], reverse_streams(clip, labels)[key])
    _, again = aot_transform(clip, torch.Generator().manual_seed(0))
    assert torch.equal(labels, again)
    torch.manual_seed(2)
    a = aot_labels(8)
    torch.manual_seed(2)
    assert torch.equal(a, aot_labels(8))


def test_bad_arguments():
    with pytest.raises(ValueError, match='at least one'):
        reverse_streams({})
    with pytest.raises(ValueError, match=r'\[N, C, T, H, W\]'):
        reverse_streams(dict(imgs=torch.zeros(3, 1, S, S)))
    with pytest.raises(ValueError, match='0 or 1'):
        reverse_streams(numbered_clip(), torch.tensor([2]))
    with pytest.raises(ValueError, match='2 labels'):
        reverse_streams(numbered_clip(), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match='batch_size'):
        aot_labels(0)
