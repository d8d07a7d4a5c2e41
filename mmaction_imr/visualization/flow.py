"""Colour-code motion vectors and residuals for viewing (numpy + cv2).

Flow colours follow the usual optical-flow wheel (Middlebury/Baker et al.
style): hue = direction, brightness = magnitude. In cv2's HSV, hue 0 (red) is
motion to the right (+u), 60 (green) downwards-left, 120 (blue) up-left ...
"""
from typing import Optional

import cv2
import numpy as np

__all__ = ['flow_to_image', 'residual_to_image']


def flow_to_image(flow: np.ndarray,
                  max_magnitude: Optional[float] = None) -> np.ndarray:
    """Colour-code a motion field.

    Args:
        flow: ``[H, W, 2]`` ``(u, v)`` in pixels.
        max_magnitude: Magnitude shown at full brightness; None = the
            field's own maximum (a still field is black).

    Returns:
        ``[H, W, 3]`` uint8 RGB: hue = direction (red = right, +u), value =
        magnitude, saturation full.
    """
    flow = np.asarray(flow, dtype=np.float32)
    if flow.ndim != 3 or flow.shape[2] != 2:
        raise ValueError(f'flow must be [H, W, 2], got {flow.shape}')
    mag, ang = cv2.cartToPolar(flow[..., 0], flow[..., 1], angleInDegrees=True)
    top = float(mag.max()) if max_magnitude is None else float(max_magnitude)
    hsv = np.empty(flow.shape[:2] + (3, ), np.uint8)
    hsv[..., 0] = (ang / 2).astype(np.uint8)  # cv2 hue is 0..179
    hsv[..., 1] = 255
    hsv[..., 2] = np.clip(mag * (255.0 / top), 0, 255) if top > 0 else 0
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)


def residual_to_image(residual: np.ndarray, gain: float = 2.0) -> np.ndarray:
    """Map a signed residual to a viewable image.

    Args:
        residual: ``[H, W, 3]`` signed RGB, 0..255 units.
        gain: Contrast; residuals are small, so they are amplified.

    Returns:
        ``[H, W, 3]`` uint8 RGB, mid-grey (128) = 0.
    """
    residual = np.asarray(residual, dtype=np.float32)
    return np.clip(128 + gain * residual, 0, 255).astype(np.uint8)
