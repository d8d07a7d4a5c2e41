"""Retrieval pictures, like the paper's Appendix D: a query and its nearest
neighbours.

Pure drawing (numpy + cv2): arrays in, ``uint8`` RGB image out. One row per
clip, its I-frames side by side under a caption: the query first, then its
neighbours best first, each framed green when its class is the query's and
red when it is not.
"""
from typing import Sequence

import cv2
import numpy as np

from .clip import draw_iframes

__all__ = ['draw_retrieval']

_HIT, _MISS = (0, 170, 0), (220, 0, 0)


def _framed(img: np.ndarray, color, width: int) -> np.ndarray:
    return cv2.copyMakeBorder(img, width, width, width, width,
                              cv2.BORDER_CONSTANT, value=color)


def draw_retrieval(query: np.ndarray,
                   query_class: str,
                   neighbors: Sequence[np.ndarray],
                   neighbor_classes: Sequence[str],
                   similarities: Sequence[float]) -> np.ndarray:
    """A query clip above its nearest neighbours.

    Args:
        query: ``[T, H, W, 3]`` uint8 RGB I-frames of the query video.
        query_class: its class name.
        neighbors: the neighbours' I-frames, ``[T_k, H, W, 3]`` uint8 each,
            best first.
        neighbor_classes: their class names.
        similarities: their cosine similarities to the query.

    Returns:
        ``uint8`` RGB image, white background, one row per clip.
    """
    if not len(neighbors) == len(neighbor_classes) == len(similarities):
        raise ValueError(
            f'got {len(neighbors)} neighbours, {len(neighbor_classes)} '
            f'classes and {len(similarities)} similarities')
    h = np.asarray(query).shape[1]
    border = max(2, h // 24)
    rows = [_framed(draw_iframes(query, [f'query: {query_class}']),
                    (255, 255, 255), border)]
    for rank, (frames, name, sim) in enumerate(
            zip(neighbors, neighbor_classes, similarities), 1):
        hit = name == query_class
        caption = f'#{rank} {name}  cos {float(sim):.3f}'
        rows.append(_framed(draw_iframes(frames, [caption]),
                            _HIT if hit else _MISS, border))
    width = max(r.shape[1] for r in rows)
    gap = np.full((border * 2, width, 3), 255, np.uint8)
    out = []
    for k, row in enumerate(rows):
        pad = width - row.shape[1]
        out.append(np.pad(row, ((0, 0), (0, pad), (0, 0)),
                          constant_values=255))
        if k == 0:  # a wider gap between the query and its neighbours
            out.append(gap)
        out.append(gap[:border])
    return np.concatenate(out[:-1])
