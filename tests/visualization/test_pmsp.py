"""Tests of mmaction_imr/visualization/pmsp.py: pure drawing on synthetic
arrays whose boxes are known."""
import numpy as np
import pytest

from mmaction_imr.pretext import pmsp_levels
from mmaction_imr.visualization.pmsp import (PMSP_COLORS,
                                             draw_pmsp_comparison,
                                             draw_pmsp_grid)

T, H, W = 5, 48, 64


def grey_frames():
    return np.full((T, H, W, 3), 128, np.uint8)


def tiles(img, rows=3):
    """Cut a grid image back into its [rows, T] frames (known layout)."""
    gap = max(2, max(1, min(H, W) // 80) * 2)
    margin = img.shape[1] - T * (W + gap)
    return [[img[r * (H + gap):r * (H + gap) + H,
                 margin + g * (W + gap):margin + g * (W + gap) + W]
             for g in range(T)] for r in range(rows)]


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
    red = PMSP_COLORS[2]
    for g in range(T):
        top_row = grid[0][g]
        # t=1: identical boxes on all frames, 2x2 box in the bottom-right
        # quarter only
        assert np.array_equal(top_row, grid[0][0])
        assert has_color(top_row[H // 2:, W // 2:], red)
        assert not has_color(top_row[:H // 2 - 1, :], red)
        for s in (2, 3, 4):
            assert has_color(top_row, PMSP_COLORS[s])
        # t=5 labels are 0: the boxes sit in the top-left cell
        bottom = grid[2][g]
        assert has_color(bottom[:H // 2, :W // 2], red)
        assert not has_color(bottom[H // 2 + 1:, :], red)


def test_window_coverage_per_frame():
    # only t=5 position 2 (GOP 2) points bottom-right: only frame 2 shows it
    levels = pmsp_levels(T)
    labels = np.zeros(27, np.int64)
    for k, lv in enumerate(levels):
        if lv.t == 5 and lv.n == 2:
            labels[k] = lv.s**2 - 1
    grid = tiles(draw_pmsp_grid(grey_frames(), labels))
    for g in range(T):
        br = grid[2][g][H // 2 + 1:, W // 2 + 1:]
        assert has_color(br, PMSP_COLORS[2]) == (g == 2)


def test_comparison_and_bad_inputs():
    gt, pred = np.zeros(27, np.int64), np.ones(27, np.int64)
    single = draw_pmsp_grid(grey_frames(), gt, title='x')
    both = draw_pmsp_comparison(grey_frames(), gt, pred)
    assert both.shape[0] == single.shape[0]
    assert both.shape[1] > 2 * single.shape[1]
    with pytest.raises(ValueError):
        draw_pmsp_grid(grey_frames(), np.zeros(9))
    with pytest.raises(ValueError):
        draw_pmsp_grid(grey_frames().astype(np.float32), gt)
    with pytest.raises(ValueError):
        draw_pmsp_grid(grey_frames()[:3], gt)  # t=5 > T=3
