"""draw_retrieval: a query row above its neighbours, hits green."""
import numpy as np
import pytest

from mmaction_imr.visualization import draw_retrieval


def _clip(value, t=5, h=24, w=32):
    return np.full((t, h, w, 3), value, np.uint8)


def test_layout_and_colours():
    img = draw_retrieval(_clip(50), 'move_left',
                         [_clip(100), _clip(150, t=3)],
                         ['move_left', 'zoom_in'], [0.9, 0.5])
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
    # three rows of 24-px frames (plus captions and frames around them)
    assert img.shape[0] > 3 * 24
    assert img.shape[1] >= 5 * 32
    # a green frame (hit) and a red frame (miss) are drawn
    colours = {tuple(c) for c in img.reshape(-1, 3)[::7]}
    assert (0, 170, 0) in colours and (220, 0, 0) in colours


def test_mismatched_lengths():
    with pytest.raises(ValueError, match='neighbours'):
        draw_retrieval(_clip(0), 'a', [_clip(1)], ['a', 'b'], [0.1])
