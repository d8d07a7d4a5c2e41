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

__all__ = ['PMSP_COLORS', 'draw_pmsp_grid', 'draw_pmsp_comparison']

#: RGB colour per grid size (paper: red 2x2, green 3x3, blue 4x4).
PMSP_COLORS: Dict[int, Tuple[int, int, int]] = {
    2: (255, 0, 0), 3: (0, 200, 0), 4: (0, 64, 255)}
_OTHER_COLORS = ((255, 200, 0), (255, 0, 255), (0, 220, 220))


def _color(s: int, spatial: Sequence[int]) -> Tuple[int, int, int]:
    if s in PMSP_COLORS:
        return PMSP_COLORS[s]
    return _OTHER_COLORS[list(spatial).index(s) % len(_OTHER_COLORS)]


def _text(img: np.ndarray, text: str, org: Tuple[int, int],
          scale: float) -> None:
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0),
                max(1, int(round(scale * 2))), cv2.LINE_AA)


def draw_pmsp_grid(frames: np.ndarray,
                   labels: Sequence[int],
                   spatial: Sequence[int] = DEFAULT_SPATIAL,
                   temporal: Sequence[int] = DEFAULT_TEMPORAL,
                   title: Optional[str] = None) -> np.ndarray:
    """Draw the PMSP boxes of one clip on its I-frames.

    Args:
        frames: ``[T, H, W, 3]`` uint8 RGB I-frames (one per GOP).
        labels: ``[L]`` labels in :func:`~mmaction_imr.pretext.pmsp_levels`
            order (targets or predictions), ``L = len(spatial) *
            sum(temporal)``.
        spatial: grid sizes. Defaults to (2, 3, 4).
        temporal: temporal scales, each ``<= T``. Defaults to (1, 3, 5).
        title: optional caption above the grid.

    Returns:
        ``uint8`` RGB image: a white margin with the row names (``t=1``...)
        on the left, ``len(temporal)`` rows of ``T`` frames.
    """
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError(f'frames must be uint8 [T, H, W, 3], got '
                         f'{frames.dtype} {frames.shape}')
    num_gops, h, w, _ = frames.shape
    levels = pmsp_levels(num_gops, spatial, temporal)
    labels = np.asarray(labels).reshape(-1)
    if len(labels) != len(levels):
        raise ValueError(f'{len(labels)} labels for {len(levels)} levels '
                         f'(spatial={tuple(spatial)}, '
                         f'temporal={tuple(temporal)})')
    thick = max(1, min(h, w) // 80)
    scale = max(0.4, min(h, w) / 300)
    margin = int(60 * scale)
    gap = max(2, thick * 2)
    top = int(30 * scale) if title else 0
    out = np.full((top + len(temporal) * (h + gap), margin + num_gops *
                   (w + gap), 3), 255, np.uint8)
    if title:
        _text(out, title, (margin, int(22 * scale)), scale)
    for row, t in enumerate(temporal):
        y = top + row * (h + gap)
        _text(out, f't={t}', (int(6 * scale), y + h // 2), scale)
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
            x = margin + g * (w + gap)
            out[y:y + h, x:x + w] = tile
    return out


def draw_pmsp_comparison(frames: np.ndarray,
                         gt_labels: Sequence[int],
                         pred_labels: Sequence[int],
                         spatial: Sequence[int] = DEFAULT_SPATIAL,
                         temporal: Sequence[int] = DEFAULT_TEMPORAL
                         ) -> np.ndarray:
    """Ground-truth grid (left) and predicted grid (right), Figures 13-14.

    Args: as :func:`draw_pmsp_grid`, with both label vectors.

    Returns:
        ``uint8`` RGB image.
    """
    gt = draw_pmsp_grid(frames, gt_labels, spatial, temporal,
                        'Ground-truth PMSP labels')
    pred = draw_pmsp_grid(frames, pred_labels, spatial, temporal,
                          'Prediction results')
    sep = np.full((gt.shape[0], max(8, gt.shape[1] // 60), 3), 255, np.uint8)
    return np.concatenate([gt, sep, pred], axis=1)

