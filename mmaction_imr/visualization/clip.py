"""A clip's I-frames in a row with a caption (e.g. the predicted classes).

Pure drawing (numpy + cv2): arrays in, ``uint8`` RGB image out.
"""
from typing import Sequence

import cv2
import numpy as np

__all__ = ['draw_iframes']


def draw_iframes(frames: np.ndarray, lines: Sequence[str] = ()) -> np.ndarray:
    """Put the I-frames of a clip side by side under a few lines of text.

    Args:
        frames: ``[T, H, W, 3]`` uint8 RGB I-frames (one per GOP).
        lines: caption lines, drawn top to bottom above the frames.

    Returns:
        ``uint8`` RGB image, ``T`` frames wide, white background.
    """
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError(f'frames must be uint8 [T, H, W, 3], got '
                         f'{frames.dtype} {frames.shape}')
    num, h, w, _ = frames.shape
    gap = max(2, min(h, w) // 40)
    width = num * w + (num - 1) * gap
    # text at least legible on small toy frames, not huge on 224 crops
    scale = max(0.35, min(0.8, width / 900))
    thick = max(1, int(round(scale * 2)))
    line_h = int(cv2.getTextSize('Ag', cv2.FONT_HERSHEY_SIMPLEX, scale,
                                 thick)[0][1] * 1.9) + 2
    top = line_h * len(lines) + (gap if lines else 0)
    out = np.full((top + h, width, 3), 255, np.uint8)
    for k, line in enumerate(lines):
        cv2.putText(out, str(line), (2, (k + 1) * line_h - line_h // 4),
                    cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), thick,
                    cv2.LINE_AA)
    for g in range(num):
        x = g * (w + gap)
        out[top:, x:x + w] = frames[g]
    return out
