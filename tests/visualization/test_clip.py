"""Tests of mmaction_imr/visualization/clip.py."""
import numpy as np
import pytest

from mmaction_imr.visualization import draw_iframes
from mmaction_imr.visualization.layout import GAP, LINE_HEIGHT, PAD


def test_frames_side_by_side_under_the_caption():
    frames = np.zeros((4, 20, 30, 3), np.uint8)
    frames[2] = (255, 0, 0)
    img = draw_iframes(frames, ['video.mp4', 'jump: 0.9'])
    assert img.dtype == np.uint8 and img.shape[2] == 3
    k = 8  # 20 px frames enlarged 8x: short side 160
    assert img.shape[1] == 4 * 30 * k + 3 * GAP
    top = 2 * LINE_HEIGHT + PAD
    assert img.shape[0] == top + 20 * k
    assert (img[:top] < 255).any()  # the text
    x = 2 * (30 * k + GAP)
    assert (img[top:, x:x + 30 * k] == (255, 0, 0)).all()
    assert (img[top:, :30 * k] == 0).all()
    assert draw_iframes(frames).shape == (20 * k, 4 * 30 * k + 3 * GAP, 3)
    assert draw_iframes(frames, min_side=None).shape == (
        20, 4 * 30 + 3 * GAP, 3)


def test_bad_frames_raise():
    with pytest.raises(ValueError, match='uint8'):
        draw_iframes(np.zeros((4, 20, 30, 3), np.float32))
    with pytest.raises(ValueError, match=r'\[T, H, W, 3\]'):
        draw_iframes(np.zeros((20, 30, 3), np.uint8))
