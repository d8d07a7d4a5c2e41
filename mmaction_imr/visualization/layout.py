"""Layout pieces the pictures share: upscaled tiles, caption bands, grids.

Pure drawing (numpy + cv2): arrays in, ``uint8`` RGB images out, on a white
background. One text style for every picture (cv2's Hershey simplex font,
ASCII only: other characters are drawn as ``?``), so that captions read the
same everywhere. Tiles are upscaled by an integer factor with nearest
neighbours: a toy 56 px crop becomes 168 px, every pixel (and every motion
vector block) still visible as it is.
"""
import math
from typing import Optional, Sequence, Tuple, Union

import cv2
import numpy as np

__all__ = [
    'MIN_SIDE', 'LINE_HEIGHT', 'SMALL_LINE_HEIGHT', 'PAD', 'GAP', 'Color',
    'Caption', 'upscale', 'text_band', 'key_band', 'label_column', 'hstack',
    'vstack', 'draw_grid'
]

Color = Tuple[int, int, int]
#: A caption line: text, or text and its RGB colour.
Caption = Union[str, Tuple[str, Color]]

#: Short side (px) of a tile after :func:`upscale`, at least.
MIN_SIDE = 160
#: Height (px) of one caption line (normal / small text).
LINE_HEIGHT = 22
SMALL_LINE_HEIGHT = 17
#: Margin around text, gap between tiles (px).
PAD = 6
GAP = 4

_FONT = cv2.FONT_HERSHEY_SIMPLEX
_SCALE = {False: 0.55, True: 0.42}  # small=False / True
WHITE: Color = (255, 255, 255)
BLACK: Color = (0, 0, 0)


def upscale(img: np.ndarray, min_side: Optional[int] = MIN_SIDE) -> np.ndarray:
    """Enlarge an image by the smallest integer factor that makes its short
    side at least ``min_side`` (nearest neighbour; never shrinks).

    Args:
        img: ``[H, W]`` or ``[H, W, C]`` array.
        min_side: Target short side in px; None or 0 keeps the size.

    Returns:
        ``[k*H, k*W(, C)]`` array of the same dtype, ``k >= 1``.
    """
    short = min(img.shape[:2])
    if not min_side or short >= min_side or short == 0:
        return img
    k = math.ceil(min_side / short)
    return cv2.resize(img, (img.shape[1] * k, img.shape[0] * k),
                      interpolation=cv2.INTER_NEAREST)


def _line(caption: Caption) -> Tuple[str, Color]:
    if isinstance(caption, tuple):
        text, color = caption
        return str(text), tuple(int(c) for c in color)
    return str(caption), BLACK


def _text_width(text: str, small: bool) -> int:
    return cv2.getTextSize(text, _FONT, _SCALE[small], 1)[0][0]


def _put(img: np.ndarray, text: str, x: int, baseline: int, color: Color,
         small: bool) -> None:
    cv2.putText(img, text, (int(x), int(baseline)), _FONT, _SCALE[small],
                color, 1, cv2.LINE_AA)


def text_band(lines: Sequence[Caption],
              width: int = 0,
              small: bool = False,
              align: str = 'left') -> np.ndarray:
    """Lines of text on a white band.

    Args:
        lines: Captions, top to bottom.
        width: Band width in px; widened to fit the longest line.
        small: The small text size (legends).
        align: ``'left'`` or ``'center'``.

    Returns:
        ``[len(lines) * line height + PAD, W, 3]`` uint8 RGB (a band of
        height 0 for no lines).
    """
    line_h = SMALL_LINE_HEIGHT if small else LINE_HEIGHT
    parsed = [_line(c) for c in lines]
    width = max([width] + [_text_width(t, small) + 2 * PAD
                           for t, _ in parsed])
    height = len(parsed) * line_h + (PAD if parsed else 0)
    band = np.full((height, width, 3), 255, np.uint8)
    for k, (text, color) in enumerate(parsed):
        x = PAD if align == 'left' else (width - _text_width(text, small)) // 2
        # baseline a third of a line above the line's bottom
        _put(band, text, x, PAD // 2 + (k + 1) * line_h - line_h // 3, color,
             small)
    return band


def key_band(entries: Sequence[Tuple[str, Color]],
             prefix: str = '',
             width: int = 0) -> np.ndarray:
    """A colour key on one line: ``prefix  [#] name  [#] name ...``, each
    name after a filled square of its colour.

    Args:
        entries: ``(name, rgb)`` pairs.
        prefix: Text before the first square.
        width: Band width in px; widened to fit.

    Returns:
        ``[LINE_HEIGHT + PAD, W, 3]`` uint8 RGB.
    """
    box, space = 13, _text_width('  ', False)
    pieces = [_text_width(prefix, False) + space if prefix else 0]
    pieces += [box + space // 2 + _text_width(n, False) + space
               for n, _ in entries]
    band = np.full((LINE_HEIGHT + PAD, max(width, sum(pieces) + 2 * PAD), 3),
                   255, np.uint8)
    baseline = PAD // 2 + LINE_HEIGHT - LINE_HEIGHT // 3
    x = PAD
    if prefix:
        _put(band, prefix, x, baseline, BLACK, False)
    x += pieces[0]
    for (name, color), step in zip(entries, pieces[1:]):
        cv2.rectangle(band, (x, baseline - box + 1), (x + box - 1, baseline),
                      tuple(int(c) for c in color), -1)
        _put(band, name, x + box + space // 2, baseline, BLACK, False)
        x += step
    return band


def label_column(labels: Sequence[Sequence[Caption]],
                 heights: Sequence[int],
                 gap: int = GAP) -> np.ndarray:
    """Row captions: one block of lines per row, centred in its height.

    Args:
        labels: One list of caption lines per row.
        heights: Each row's height in px.
        gap: Gap between rows (as in the grid beside).

    Returns:
        ``[sum(heights) + gaps, W, 3]`` uint8 RGB, ``W`` fits the longest
        line.
    """
    blocks = [text_band(lines) for lines in labels]
    width = max([b.shape[1] for b in blocks] + [0])
    out = np.full((sum(heights) + gap * max(len(heights) - 1, 0), width, 3),
                  255, np.uint8)
    y = 0
    for block, h in zip(blocks, heights):
        bh = min(block.shape[0], h)
        top = y + (h - bh) // 2
        out[top:top + bh, :block.shape[1]] = block[:bh]
        y += h + gap
    return out


def _pad(img: np.ndarray, height: int, width: int,
         center: Tuple[bool, bool] = (False, False)) -> np.ndarray:
    dh, dw = height - img.shape[0], width - img.shape[1]
    top = dh // 2 if center[0] else 0
    left = dw // 2 if center[1] else 0
    return cv2.copyMakeBorder(img, top, dh - top, left, dw - left,
                              cv2.BORDER_CONSTANT, value=WHITE)


def _stack(images: Sequence[np.ndarray], gap: int, center: bool,
           axis: int) -> np.ndarray:
    """``images`` along ``axis`` (1: side by side, 0: one above the other),
    padded white to the largest extent across it, white gaps between."""
    images = [im for im in images if im is not None and im.size]
    across = max(im.shape[1 - axis] for im in images)
    parts = []
    for k, im in enumerate(images):
        if k:
            shape = [across, across, 3]
            shape[axis] = gap
            parts.append(np.full(shape, 255, np.uint8))
        if axis == 1:
            parts.append(_pad(im, across, im.shape[1], (center, False)))
        else:
            parts.append(_pad(im, im.shape[0], across, (False, center)))
    return np.concatenate(parts, axis=axis)


def hstack(images: Sequence[np.ndarray], gap: int = GAP,
           center: bool = False) -> np.ndarray:
    """Side by side, top-aligned (or vertically centred), white between."""
    return _stack(images, gap, center, axis=1)


def vstack(images: Sequence[np.ndarray], gap: int = GAP,
           center: bool = False) -> np.ndarray:
    """One above the other, left-aligned (or centred), white between."""
    return _stack(images, gap, center, axis=0)


def save_image(path: str, image: np.ndarray) -> None:
    """Write an RGB ``uint8`` image ``[H, W, 3]`` to ``path`` (its
    extension picks the format, e.g. ``.png``).

    Raises:
        OSError: OpenCV could not write it (the message names ``path``).
    """
    try:
        written = cv2.imwrite(path, np.ascontiguousarray(image[..., ::-1]))
    except cv2.error:  # e.g. an extension OpenCV has no writer for
        written = False
    if not written:
        raise OSError(f'{path}: could not write the image')


def draw_grid(rows: Sequence[Sequence[np.ndarray]],
              row_labels: Optional[Sequence[Sequence[Caption]]] = None,
              column_labels: Optional[Sequence[str]] = None,
              legends: Optional[Sequence[Optional[np.ndarray]]] = None,
              gap: int = GAP) -> np.ndarray:
    """Tiles in rows, with row captions on the left, column captions on top
    and an optional legend right of each row.

    Args:
        rows: ``rows[r][c]`` ``[h, w, 3]`` uint8 RGB tiles; a row is as high
            as its highest tile, a column as wide as its widest.
        row_labels: One list of caption lines per row.
        column_labels: One caption per column, centred above it.
        legends: One image (or None) per row, drawn right of it, vertically
            centred.
        gap: Gap between tiles (px).

    Returns:
        ``uint8`` RGB image, white background.
    """
    num_cols = max(len(r) for r in rows)
    heights = [max(t.shape[0] for t in r) for r in rows]
    widths = [max(r[c].shape[1] for r in rows if c < len(r))
              for c in range(num_cols)]
    lines = []
    for r, row in enumerate(rows):
        cells = [_pad(t, heights[r], widths[c], (True, True))
                 for c, t in enumerate(row)]
        cells += [np.full((heights[r], widths[c], 3), 255, np.uint8)
                  for c in range(len(row), num_cols)]
        lines.append(hstack(cells, gap))
    body = vstack(lines, gap)
    if column_labels:
        header = hstack([text_band([str(t)], w, align='center')[:, :w]
                         for t, w in zip(column_labels, widths)], gap)
        body = vstack([header, body], 0)
    if row_labels:
        column = label_column(row_labels, heights, gap)
        # aligned with the tile rows, below the column captions
        column = cv2.copyMakeBorder(column, body.shape[0] - column.shape[0],
                                    0, 0, 0, cv2.BORDER_CONSTANT, value=WHITE)
        body = hstack([column, body], gap)
    if legends and any(lg is not None for lg in legends):
        # each legend centred on its row, pushed down when the one above is
        # taller than its row; the picture grows if the last one needs it
        y = body.shape[0] - sum(heights) - gap * (len(heights) - 1)
        placed, bottom = [], 0
        for lg, h in zip(legends, heights):
            if lg is not None:
                top = max(y + (h - lg.shape[0]) // 2, bottom, 0)
                placed.append((top, lg))
                bottom = top + lg.shape[0] + gap
            y += h + gap
        width = max(lg.shape[1] for _, lg in placed)
        side = np.full((max(body.shape[0], bottom), width, 3), 255, np.uint8)
        for top, lg in placed:
            side[top:top + lg.shape[0], :lg.shape[1]] = lg
        body = hstack([body, side], 3 * gap)
    return body
