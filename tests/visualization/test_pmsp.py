"""Tests of mmaction_imr/visualization/pmsp.py: pure drawing on synthetic
arrays whose boxes are known."""
import numpy as np
import pytest

from mmaction_imr.pretext import pmsp_levels
from mmaction_imr.visualization.layout import LINE_HEIGHT, PAD
from mmaction_imr.visualization.pmsp import (PMSP_COLORS,
                                             draw_pmsp_comparison,
                                             draw_pmsp_grid)

T, H, W = 5, 48, 64
K = 4  # 48 px frames are enlarged 4x (short side >= 160)
BASE = (120, 130, 110)  # not a grey: antialiased text never has it


def grey_frames():
    return np.full((T, H, W, 3), BASE, np.uint8)


def runs(mask):
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(int), 0]))
    return [(a, b) for a, b in zip(edges[::2], edges[1::2])]


def tiles(img):
    """Cut a grid image back into its [rows, T] frames, found by their
    colour."""
    base = (img == BASE).all(-1)
    cols = [r for r in runs(base.any(0)) if r[1] - r[0] == K * W]
    rows = [r for r in runs(base.any(1)) if r[1] - r[0] == K * H]
    return [[img[y0:y1, x0:x1] for x0, x1 in cols] for y0, y1 in rows]


def has_color(tile, rgb):
    return bool((tile == np.array(rgb, np.uint8)).all(-1).any())


def test_boxes_where_the_labels_say():
    levels = pmsp_levels(T)
    labels = np.zeros(27, np.int64)
    for k, lv in enumerate(levels):
        if lv.t == 1:
            labels[k] = lv.s**2 - 1  # bottom-right cell
    frames = grey_frames()
    img = draw_pmsp_grid(frames, labels)
    assert np.array_equal(frames, grey_frames())  # input untouched
    assert img.dtype == np.uint8 and img.ndim == 3
    grid = tiles(img)
    assert len(grid) == 3 and all(len(r) == T for r in grid)
    h, w = K * H, K * W
    red = PMSP_COLORS[2]
    for g in range(T):
        top_row = grid[0][g]
        # t=1: identical boxes on all frames, 2x2 box in the bottom-right
        # quarter only
        assert np.array_equal(top_row, grid[0][0])
        assert has_color(top_row[h // 2:, w // 2:], red)
        assert not has_color(top_row[:h // 2 - 1, :], red)
        for s in (2, 3, 4):
            assert has_color(top_row, PMSP_COLORS[s])
        # t=5 labels are 0: the boxes sit in the top-left cell
        bottom = grid[2][g]
        assert has_color(bottom[:h // 2, :w // 2], red)
        assert not has_color(bottom[h // 2 + 1:, :], red)


def test_captions_and_legend():
    labels = np.zeros(27, np.int64)
    img = draw_pmsp_grid(grey_frames(), labels, title='clip.mp4')
    base = (img == BASE).all(-1)
    y_tiles = np.flatnonzero(base.any(1))
    x_tiles = np.flatnonzero(base.any(0))
    # title and GOP captions above the tiles, t=1.. left of them
    assert y_tiles[0] >= 2 * LINE_HEIGHT + PAD
    assert (img[:LINE_HEIGHT, :] < 255).any()
    assert (img[LINE_HEIGHT + PAD:y_tiles[0], x_tiles[0]:] < 255).any()
    assert (img[y_tiles[0]:y_tiles[-1], :x_tiles[0]] < 255).any()
    # the legend under the grid names the three colours
    legend = img[y_tiles[-1] + 1:]
    assert legend.shape[0] == LINE_HEIGHT + PAD
    for s in (2, 3, 4):
        assert (legend == PMSP_COLORS[s]).all(-1).sum() >= 100
    no_legend = draw_pmsp_grid(grey_frames(), labels, legend=False)
    assert no_legend.shape[0] == img.shape[0] - 2 * (LINE_HEIGHT + PAD)


def test_window_coverage_per_frame():
    # only t=5 position 2 (GOP 2) points bottom-right: only frame 2 shows it
    levels = pmsp_levels(T)
    labels = np.zeros(27, np.int64)
    for k, lv in enumerate(levels):
        if lv.t == 5 and lv.n == 2:
            labels[k] = lv.s**2 - 1
    grid = tiles(draw_pmsp_grid(grey_frames(), labels))
    h, w = K * H, K * W
    for g in range(T):
        br = grid[2][g][h // 2 + K:, w // 2 + K:]
        assert has_color(br, PMSP_COLORS[2]) == (g == 2)


def test_comparison_and_bad_inputs():
    gt, pred = np.zeros(27, np.int64), np.ones(27, np.int64)
    single = draw_pmsp_grid(grey_frames(), gt, title='x')
    both = draw_pmsp_comparison(grey_frames(), gt, pred, lines=['clip.mp4'])
    # one caption line more than the single grid, both grids side by side
    assert both.shape[0] == single.shape[0] + LINE_HEIGHT + PAD
    assert both.shape[1] > 2 * single.shape[1]
    assert len(tiles(both)) == 3 and len(tiles(both)[0]) == 2 * T
    with pytest.raises(ValueError):
        draw_pmsp_grid(grey_frames(), np.zeros(9))
    with pytest.raises(ValueError):
        draw_pmsp_grid(grey_frames().astype(np.float32), gt)
    with pytest.raises(ValueError):
        draw_pmsp_grid(grey_frames()[:3], gt)  # t=5 > T=3
