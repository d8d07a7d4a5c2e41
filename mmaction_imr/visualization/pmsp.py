"""PMSP label (and prediction) pictures, like the paper's Figures 5-14.

A grid: one row per temporal scale t (1, 3, 5), one column per I-frame.
Each box marks the cell with the most motion-boundary energy of one level:
red = 2x2 grid, green = 3x3, blue = 4x4. A window of scale t covers GOPs
``[n, n + T - t]``, so its boxes are drawn on every I-frame it covers; at
t = 3 the middle I-frame shows the boxes of all three windows (paper,
Appendix B). With a model, :func:`draw_pmsp_comparison` puts the
ground-truth grid and the predicted one side by side (Figures 13-14).

The functions only draw (arrays in, ``uint8`` RGB image out); the labels
and predictions of a video come from :func:`mmaction_imr.apis.inference_pmsp`.
"""
from typing import Dict, Optional, Sequence, Tuple

import cv2
import numpy as np

from mmaction_imr.pretext.pmsp import (DEFAULT_SPATIAL, DEFAULT_TEMPORAL,
                                       cell_box, pmsp_levels)

from .clip import check_frames
from .layout import (MIN_SIDE, Caption, draw_grid, hstack, key_band,
                     text_band, upscale, vstack)

__all__ = [
    'PMSP_COLORS', 'draw_pmsp_grid', 'draw_pmsp_comparison',
    'draw_pmsp_legend'
]

#: RGB colour per grid size (paper: red 2x2, green 3x3, blue 4x4).
PMSP_COLORS: Dict[int, Tuple[int, int, int]] = {
    2: (255, 0, 0), 3: (0, 200, 0), 4: (0, 64, 255)}
_OTHER_COLORS = ((255, 200, 0), (255, 0, 255), (0, 220, 220))


def _color(s: int, spatial: Sequence[int]) -> Tuple[int, int, int]:
    if s in PMSP_COLORS:
        return PMSP_COLORS[s]
    return _OTHER_COLORS[list(spatial).index(s) % len(_OTHER_COLORS)]


def draw_pmsp_legend(spatial: Sequence[int] = DEFAULT_SPATIAL,
                     width: int = 0) -> np.ndarray:
    """A band naming the box colours (red = 2x2 grid ...).

    Returns:
        ``uint8`` RGB band, ``LINE_HEIGHT + PAD`` px high.
    """
    return key_band([(f'{s}x{s} grid', _color(s, spatial)) for s in spatial],
                    'boxes: cell of most motion-boundary energy in a',
                    width)


def draw_pmsp_grid(frames: np.ndarray,
                   labels: Sequence[int],
                   spatial: Sequence[int] = DEFAULT_SPATIAL,
                   temporal: Sequence[int] = DEFAULT_TEMPORAL,
                   title: Optional[Caption] = None,
                   min_side: Optional[int] = MIN_SIDE,
                   legend: bool = True) -> np.ndarray:
    """Draw the PMSP boxes of one clip on its I-frames.

    Args:
        frames: ``[T, H, W, 3]`` uint8 RGB I-frames (one per GOP).
        labels: ``[L]`` labels in :func:`~mmaction_imr.pretext.pmsp_levels`
            order (targets or predictions), ``L = len(spatial) *
            sum(temporal)``.
        spatial: grid sizes. Defaults to (2, 3, 4).
        temporal: temporal scales, each ``<= T``. Defaults to (1, 3, 5).
        title: optional caption above the grid.
        min_side: frames are enlarged by an integer factor to at least this
            short side (px) before the boxes are drawn; None keeps them.
        legend: a band under the grid naming the box colours.

    Returns:
        ``uint8`` RGB image: the title, the GOPs (``GOP 0`` ...) above the
        columns, the temporal scales (``t=1`` ...) left of the
        ``len(temporal)`` rows of ``T`` frames, and the legend.
    """
    frames = check_frames(frames)
    num_gops = frames.shape[0]
    levels = pmsp_levels(num_gops, spatial, temporal)
    labels = np.asarray(labels).reshape(-1)
    if len(labels) != len(levels):
        raise ValueError(f'{len(labels)} labels for {len(levels)} levels '
                         f'(spatial={tuple(spatial)}, '
                         f'temporal={tuple(temporal)})')
    frames = [upscale(f, min_side) for f in frames]
    h, w = frames[0].shape[:2]
    thick = max(2, min(h, w) // 60)
    rows = []
    for t in temporal:
        row = []
        for g in range(num_gops):
            tile = frames[g].copy()  # never draw on the caller's array
            for lv, lab in zip(levels, labels):
                if lv.t != t or not lv.start <= g < lv.stop:
                    continue
                x0, y0, x1, y1 = cell_box(h, w, lv.s, int(lab))
                # inside the cell, so boxes on the frame border stay visible
                half = thick // 2
                cv2.rectangle(tile, (x0 + half, y0 + half),
                              (x1 - 1 - half, y1 - 1 - half),
                              _color(lv.s, spatial), thick)
            row.append(tile)
        rows.append(row)
    grid = draw_grid(rows, row_labels=[[f't={t}'] for t in temporal],
                     column_labels=[f'GOP {g}' for g in range(num_gops)])
    parts = [text_band([title], grid.shape[1])] if title else []
    parts.append(grid)
    if legend:
        parts.append(draw_pmsp_legend(spatial, grid.shape[1]))
    return vstack(parts, 0)


def draw_pmsp_comparison(frames: np.ndarray,
                         gt_labels: Sequence[int],
                         pred_labels: Sequence[int],
                         spatial: Sequence[int] = DEFAULT_SPATIAL,
                         temporal: Sequence[int] = DEFAULT_TEMPORAL,
                         lines: Sequence[Caption] = (),
                         min_side: Optional[int] = MIN_SIDE) -> np.ndarray:
    """Ground-truth grid (left) and predicted grid (right), Figures 13-14.

    Args: as :func:`draw_pmsp_grid`, with both label vectors, and
        ``lines``: caption lines above both grids (video, accuracy).

    Returns:
        ``uint8`` RGB image.
    """
    gt = draw_pmsp_grid(frames, gt_labels, spatial, temporal,
                        'PMSP ground truth', min_side, legend=False)
    pred_labels = np.asarray(pred_labels).reshape(-1)
    acc = float((np.asarray(gt_labels).reshape(-1) == pred_labels).mean())
    pred = draw_pmsp_grid(frames, pred_labels, spatial, temporal,
                          f'PMSP prediction ({acc:.0%} of the cells right)',
                          min_side, legend=False)
    both = hstack([gt, pred], max(16, gt.shape[1] // 40))
    parts = [text_band(lines, both.shape[1])] if lines else []
    parts += [both, draw_pmsp_legend(spatial, both.shape[1])]
    return vstack(parts, 0)
