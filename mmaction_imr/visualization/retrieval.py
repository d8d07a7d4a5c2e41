"""Retrieval pictures, like the paper's Appendix D: a query and its nearest
neighbours.

Pure drawing (numpy + cv2): arrays in, ``uint8`` RGB image out. One row per
clip, its I-frames side by side under a caption: the query first, then its
neighbours best first, each framed green when its class is the query's and
red when it is not.
"""
from typing import Optional, Sequence

import cv2
import numpy as np

from .clip import draw_iframes
from .layout import MIN_SIDE, key_band, text_band, vstack

__all__ = ['draw_retrieval']

_HIT, _MISS = (0, 170, 0), (220, 0, 0)


def _framed(img: np.ndarray, color, width: int) -> np.ndarray:
    return cv2.copyMakeBorder(img, width, width, width, width,
                              cv2.BORDER_CONSTANT, value=color)


def draw_retrieval(query: np.ndarray,
                   query_class: str,
                   neighbors: Sequence[np.ndarray],
                   neighbor_classes: Sequence[str],
                   similarities: Sequence[float],
                   query_name: Optional[str] = None,
                   neighbor_names: Optional[Sequence[str]] = None,
                   min_side: Optional[int] = MIN_SIDE) -> np.ndarray:
    """A query clip above its nearest neighbours.

    Args:
        query: ``[T, H, W, 3]`` uint8 RGB I-frames of the query video.
        query_class: its class name.
        neighbors: the neighbours' I-frames, ``[T_k, H, W, 3]`` uint8 each,
            best first.
        neighbor_classes: their class names.
        similarities: their cosine similarities to the query.
        query_name: the query video (e.g. its path in the annotation list),
            shown in its caption.
        neighbor_names: the neighbours' videos, likewise.
        min_side: frames are enlarged by an integer factor to at least this
            short side (px); None keeps them.

    Returns:
        ``uint8`` RGB image, white background: a key of the frame colours,
        then one row per clip under its caption.
    """
    if not len(neighbors) == len(neighbor_classes) == len(similarities):
        raise ValueError(
            f'got {len(neighbors)} neighbours, {len(neighbor_classes)} '
            f'classes and {len(similarities)} similarities')
    if neighbor_names is not None and len(neighbor_names) != len(neighbors):
        raise ValueError(f'got {len(neighbors)} neighbours and '
                         f'{len(neighbor_names)} names')
    names = list(neighbor_names or [None] * len(neighbors))

    def caption(text: str, name: Optional[str]) -> str:
        return f'{text}   ({name})' if name else text

    border = 4
    rows = [_framed(draw_iframes(query, [caption(
        f'query: {query_class}', query_name)], min_side), (255, 255, 255),
        border)]
    for rank, (frames, cls, sim, name) in enumerate(
            zip(neighbors, neighbor_classes, similarities, names), 1):
        hit = cls == query_class
        text = f'#{rank} {cls}   cos {float(sim):.3f}'
        rows.append(_framed(draw_iframes(frames, [caption(text, name)],
                                         min_side), _HIT if hit else _MISS,
                            border))
    width = max(r.shape[1] for r in rows)
    key = key_band([('same class as the query', _HIT),
                    ('another class', _MISS)], 'frame of a neighbour:', width)
    body = [key, rows[0], text_band([f'{len(rows) - 1} nearest train '
                                     'videos, most similar first'], width)]
    return vstack(body + rows[1:], 2 * border)
