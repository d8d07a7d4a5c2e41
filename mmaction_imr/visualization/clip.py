"""A clip's I-frames in a row with a caption (e.g. the predicted classes).

Pure drawing (numpy + cv2): arrays in, ``uint8`` RGB image out.
"""
from typing import Optional, Sequence

import numpy as np

from .layout import GAP, MIN_SIDE, Caption, hstack, text_band, upscale, vstack

__all__ = ['draw_iframes']


def check_frames(frames: np.ndarray) -> np.ndarray:
    """``frames`` as an array, checked to be ``[T, H, W, 3]`` uint8."""
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError(f'frames must be uint8 [T, H, W, 3], got '
                         f'{frames.dtype} {frames.shape}')
    return frames


def draw_iframes(frames: np.ndarray,
                 lines: Sequence[Caption] = (),
                 min_side: Optional[int] = MIN_SIDE) -> np.ndarray:
    """Put the I-frames of a clip side by side under a few lines of text.

    Args:
        frames: ``[T, H, W, 3]`` uint8 RGB I-frames (one per GOP).
        lines: caption lines (text, or ``(text, rgb)``), drawn top to
            bottom above the frames.
        min_side: each frame is enlarged by an integer factor to at least
            this short side (px; see :func:`~.layout.upscale`); None keeps
            the frames' size.

    Returns:
        ``uint8`` RGB image, ``T`` frames wide (``GAP`` px apart), white
        background, the caption band (``len(lines) * LINE_HEIGHT + PAD`` px)
        on top.
    """
    frames = check_frames(frames)
    row = hstack([upscale(f, min_side) for f in frames], GAP)
    if not lines:
        return row
    return vstack([text_band(lines, row.shape[1]), row], 0)
