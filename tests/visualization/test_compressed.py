"""Tests of mmaction_imr/visualization/compressed.py: the stream grid of
tools/test.py --show-dir and the P-frame panel of dump_compressed.py."""
import cv2
import numpy as np
import pytest

from mmaction_imr.visualization import draw_compressed_clip, draw_pframe
from mmaction_imr.visualization.layout import LINE_HEIGHT, PAD

T, H, W = 5, 56, 56


def streams():
    imgs = np.full((T, H, W, 3), (200, 100, 50), np.uint8)
    mvs = np.zeros((T, H, W, 2), np.float32)
    mvs[:, 10:30, 10:30] = (2, 0)  # a block moving right: red
    res = np.zeros((T, H, W, 3), np.float32)
    return imgs, mvs, res


def runs(mask):
    """``[(start, stop)]`` of the True runs of a 1-D mask."""
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(int), 0]))
    return list(zip(edges[::2], edges[1::2]))


def test_rows_columns_captions_and_keys():
    imgs, mvs, res = streams()
    img = draw_compressed_clip(imgs, mvs, res,
                               lines=['move_left/val_0000.mp4',
                                      'ground truth: move_left'],
                               column_labels=[f'GOP {g}' for g in range(T)])
    band = 2 * LINE_HEIGHT + PAD
    assert (img[:band] < 255).any()  # the caption lines
    # the I-frame tiles, enlarged 3x to 168 px, one per GOP
    grey = (img == (200, 100, 50)).all(-1)
    cols = [r for r in runs(grey.any(0)) if r[1] - r[0] == 3 * W]
    rows = runs(grey.any(1))
    assert len(cols) == T and rows == [(rows[0][0], rows[0][0] + 3 * H)]
    top, left = rows[0][0], cols[0][0]
    # the column captions between the caption lines and the tiles
    assert top >= band + LINE_HEIGHT
    assert (img[band:top, left:cols[0][1]] < 255).any()
    # row captions left of the tiles (I-frame, motion vectors, residual)
    for r in range(3):
        y0 = top + r * (3 * H + 4)
        assert (img[y0:y0 + 3 * H, :left - 4] < 200).any()
    # motion-vector row: red block at the tile's place; residual row grey
    mv_tile = img[top + 3 * H + 4:top + 6 * H + 4, left:left + 3 * W]
    assert (mv_tile[30:90, 30:90] == (255, 0, 0)).all()
    res_tile = img[top + 6 * H + 8:top + 9 * H + 8, left:left + 3 * W]
    assert (res_tile == 128).all()
    # the keys right of the grid: the colour wheel (all hues) and the ramp
    key = img[:, cols[-1][1] + 4:]
    hsv = cv2.cvtColor(key, cv2.COLOR_RGB2HSV)
    vivid = hsv[(hsv[..., 1] > 200) & (hsv[..., 2] > 150)][:, 0]
    assert len(np.unique(vivid // 20)) == 9  # every 20-degree hue bin
    assert ((key == 0).all(-1)).any() and ((key == 255).all(-1)).any()


def test_subsets_of_streams_and_errors():
    imgs, mvs, res = streams()
    only_i = draw_compressed_clip(iframes=imgs)
    assert only_i.shape[0] == 3 * H  # one row, no captions
    mv = draw_compressed_clip(motion_vectors=mvs, min_side=None)
    assert mv.shape[0] >= H
    with pytest.raises(ValueError, match='no stream'):
        draw_compressed_clip()
    with pytest.raises(ValueError, match='numbers of columns'):
        draw_compressed_clip(imgs, mvs[:2])


def test_pframe_panel():
    imgs, mvs, res = streams()
    panel = draw_pframe(imgs[0], mvs[0], res[0], lines=['clip.mp4: GOP 0'],
                        max_magnitude=4.0)
    grey = (panel == (200, 100, 50)).all(-1)
    (y0, y1), = runs(grey.any(1))
    assert y1 - y0 == 3 * H  # enlarged 3x
    assert y0 >= 2 * LINE_HEIGHT + PAD  # title and panel captions above
    assert (panel[LINE_HEIGHT + PAD:y0] < 255).any()
    # half the rim magnitude: half-bright red
    red = (panel[..., 0] > 120) & (panel[..., 0] < 135) & \
        (panel[..., 1] == 0) & (panel[..., 2] == 0)
    assert red.sum() == (3 * 20)**2
