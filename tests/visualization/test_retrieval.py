"""draw_retrieval: a query row above its neighbours, hits green."""
import numpy as np
import pytest

from mmaction_imr.visualization import draw_retrieval
from mmaction_imr.visualization.layout import MIN_SIDE


def _clip(value, t=5, h=24, w=32):
    return np.full((t, h, w, 3), value, np.uint8)


def test_layout_and_colours():
    img = draw_retrieval(_clip(50), 'move_left',
                         [_clip(100), _clip(150, t=3)],
                         ['move_left', 'zoom_in'], [0.9, 0.5])
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
    # three rows of 24-px frames enlarged 7x (168 px), with captions
    k = 7
    assert 24 * k >= MIN_SIDE
    assert img.shape[0] > 3 * 24 * k
    assert img.shape[1] >= 5 * 32 * k
    for value, t in ((50, 5), (100, 5), (150, 3)):
        rows = np.flatnonzero((img == value).all(-1).sum(1) >= t * 32 * k)
        assert len(rows) == 24 * k
    # a green frame (hit) and a red frame (miss) are drawn, and the key
    # names both at the top
    colours = {tuple(c) for c in img.reshape(-1, 3)[::7]}
    assert (0, 170, 0) in colours and (220, 0, 0) in colours
    key = img[:20]
    assert (key == (0, 170, 0)).all(-1).any() and \
        (key == (220, 0, 0)).all(-1).any()


def test_video_names_widen_the_captions():
    args = (_clip(50), 'a', [_clip(100)], ['a'], [0.9])
    plain = draw_retrieval(*args, min_side=None)
    named = draw_retrieval(*args, query_name='a/' + 'x' * 60 + '.mp4',
                           neighbor_names=['b/train_0001.mp4'],
                           min_side=None)
    assert named.shape[1] > plain.shape[1]


def test_mismatched_lengths():
    with pytest.raises(ValueError, match='neighbours'):
        draw_retrieval(_clip(0), 'a', [_clip(1)], ['a', 'b'], [0.1])
    with pytest.raises(ValueError, match='names'):
        draw_retrieval(_clip(0), 'a', [_clip(1)], ['a'], [0.1],
                       neighbor_names=['x', 'y'])
