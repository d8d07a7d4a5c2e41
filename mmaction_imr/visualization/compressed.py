"""Pictures of the three streams of a compressed clip.

Pure drawing (numpy + cv2): arrays in, ``uint8`` RGB image out.

- :func:`draw_compressed_clip`: one row per stream (I-frames, motion
  vectors, residuals), one column per GOP, row captions on the left, the
  colour keys of the motion vectors and residuals on the right and caption
  lines (video, labels, prediction) on top; what ``tools/test.py
  --show-dir`` writes for each test video.
- :func:`draw_pframe`: one P-frame, its GOP's I-frame | its motion vectors |
  its residual, captioned, with the same keys; what
  ``tools/analysis/dump_compressed.py --show-dir`` writes per P-frame.

Motion vectors are coloured by :func:`~.flow.flow_to_image` (hue =
direction, brightness = length, one scale for the whole picture so that the
columns compare), residuals by :func:`~.flow.residual_to_image` (mid-grey =
0).
"""
from typing import Dict, Optional, Sequence

import cv2
import numpy as np

from mmaction_imr.streams import IMGS, MOTION_VECTORS, RESIDUALS

from .flow import (draw_flow_wheel, draw_residual_ramp, flow_scale,
                   flow_to_image, residual_to_image)
from .layout import (MIN_SIDE, Caption, draw_grid, text_band, upscale,
                     vstack)

__all__ = ['draw_compressed_clip', 'draw_pframe', 'ROW_CAPTIONS']

#: Row captions of the streams.
ROW_CAPTIONS = {
    IMGS: ['I-frame'],
    MOTION_VECTORS: ['motion', 'vectors'],
    RESIDUALS: ['residual'],
}


def _fit(img: np.ndarray, shape, min_side: Optional[int]) -> np.ndarray:
    """Upscale to the I-frame tile size (streams may be stored smaller)."""
    img = upscale(img, min_side)
    if shape is not None and img.shape[:2] != tuple(shape):
        img = cv2.resize(img, (shape[1], shape[0]),
                         interpolation=cv2.INTER_NEAREST)
    return img


def _legends(has_mv: bool, has_res: bool, top: float,
             tile_side: int) -> Dict[str, np.ndarray]:
    """The colour keys, sized for tiles of short side ``tile_side``."""
    size = int(np.clip(tile_side * 0.6, 64, 120))
    out = {}
    if has_mv:
        out[MOTION_VECTORS] = draw_flow_wheel(size, top)
    if has_res:
        out[RESIDUALS] = draw_residual_ramp(max(size, 100))
    return out


def draw_compressed_clip(iframes: Optional[np.ndarray] = None,
                         motion_vectors: Optional[np.ndarray] = None,
                         residuals: Optional[np.ndarray] = None,
                         lines: Sequence[Caption] = (),
                         column_labels: Optional[Sequence[str]] = None,
                         row_notes: Optional[Dict[str, Sequence[str]]] = None,
                         max_magnitude: Optional[float] = None,
                         min_side: Optional[int] = MIN_SIDE) -> np.ndarray:
    """The streams of a clip, one row each, one column per GOP.

    Args:
        iframes: ``[N, H, W, 3]`` uint8 RGB, one per column.
        motion_vectors: ``[N, H, W, 2]`` ``(u, v)`` px, one field per column
            (e.g. the middle P-frame of each GOP).
        residuals: ``[N, H, W, 3]`` signed RGB, one per column.
        lines: Caption lines on top (text, or ``(text, rgb)``).
        column_labels: One caption per column (e.g. ``GOP 0``).
        row_notes: Extra caption lines under a row's name, by stream key
            (e.g. ``{'motion_vectors': ['(mid P-frame)']}``).
        max_magnitude: Motion-vector length (px) at full brightness; None =
            :func:`~.flow.flow_scale` of the fields drawn.
        min_side: Tiles are enlarged by an integer factor to at least this
            short side (px); None keeps their size.

    Returns:
        ``uint8`` RGB image, white background.

    Raises:
        ValueError: no stream given, or streams with different numbers of
            columns.
    """
    streams = {k: v for k, v in ((IMGS, iframes),
                                 (MOTION_VECTORS, motion_vectors),
                                 (RESIDUALS, residuals)) if v is not None}
    if not streams:
        raise ValueError('no stream to draw')
    lengths = {k: len(v) for k, v in streams.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError(f'streams with different numbers of columns: '
                         f'{lengths}')
    top = (flow_scale(motion_vectors) if max_magnitude is None
           and motion_vectors is not None else max_magnitude)
    rows, shape = {}, None
    for key, frames in streams.items():
        if key == IMGS:
            tiles = [np.asarray(f, np.uint8) for f in frames]
        elif key == MOTION_VECTORS:
            tiles = [flow_to_image(f, top) for f in frames]
        else:
            tiles = [residual_to_image(f) for f in frames]
        tiles = [_fit(t, shape, min_side) for t in tiles]
        shape = shape or tiles[0].shape[:2]
        rows[key] = tiles
    legends = _legends(MOTION_VECTORS in rows, RESIDUALS in rows,
                       top or 1.0, min(shape))
    notes = row_notes or {}
    grid = draw_grid(
        list(rows.values()),
        row_labels=[ROW_CAPTIONS[k] + list(notes.get(k, ())) for k in rows],
        column_labels=column_labels,
        legends=[legends.get(k) for k in rows])
    if not lines:
        return grid
    return vstack([text_band(lines, grid.shape[1]), grid], 0)


def draw_pframe(iframe: np.ndarray,
                motion_vectors: np.ndarray,
                residual: Optional[np.ndarray] = None,
                lines: Sequence[Caption] = (),
                captions: Sequence[str] = ('I-frame', 'motion vectors',
                                           'residual'),
                max_magnitude: Optional[float] = None,
                min_side: Optional[int] = MIN_SIDE) -> np.ndarray:
    """One P-frame: its GOP's I-frame | its motion vectors | its residual.

    Args:
        iframe: ``[H, W, 3]`` uint8 RGB.
        motion_vectors: ``[H, W, 2]`` ``(u, v)`` px.
        residual: ``[H, W, 3]`` signed RGB, or None.
        lines: Caption lines on top.
        captions: One caption above each panel.
        max_magnitude: Length (px) at full brightness; None = the field's
            :func:`~.flow.flow_scale` (pass one value for all the P-frames
            of a clip so that they compare).
        min_side: Panels are enlarged by an integer factor to at least this
            short side (px).

    Returns:
        ``uint8`` RGB image, white background.
    """
    top = flow_scale(motion_vectors) if max_magnitude is None \
        else max_magnitude
    panels = [_fit(np.asarray(iframe, np.uint8), None, min_side)]
    panels.append(_fit(flow_to_image(motion_vectors, top), panels[0].shape[:2],
                       min_side))
    if residual is not None:
        panels.append(_fit(residual_to_image(residual), panels[0].shape[:2],
                           min_side))
    keys = _legends(True, residual is not None, top, min(panels[0].shape[:2]))
    legend = vstack(list(keys.values()), 8)
    grid = draw_grid([panels], column_labels=list(captions)[:len(panels)],
                     legends=[legend])
    if not lines:
        return grid
    return vstack([text_band(lines, grid.shape[1]), grid], 0)
