"""Colour-code motion vectors and residuals for viewing (numpy + cv2).

Flow colours follow the usual optical-flow wheel (Middlebury/Baker et al.
style): hue = direction, brightness = magnitude. In cv2's HSV, hue 0 (red) is
motion to the right (+u), 60 (green) downwards-left, 120 (blue) up-left ...
"""
from typing import Optional

import cv2
import numpy as np

from .layout import BLACK, PAD, text_band, vstack

__all__ = [
    'flow_to_image', 'residual_to_image', 'flow_scale', 'draw_flow_wheel',
    'draw_residual_ramp'
]


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


def flow_scale(flows: np.ndarray, percentile: float = 99.5) -> float:
    """A brightness scale for a set of motion fields: the ``percentile`` of
    the non-zero magnitudes, so that a few outlier vectors do not make the
    rest dark, and a small moving object on a still background is not
    ignored.

    Args:
        flows: ``[..., 2]`` ``(u, v)`` in pixels.
        percentile: In ``(0, 100]``.

    Returns:
        float: Magnitude in pixels shown at full brightness, 1.0 for fields
        without motion.
    """
    flows = np.asarray(flows, dtype=np.float32)
    mag = np.hypot(flows[..., 0], flows[..., 1])
    mag = mag[mag > 0]
    return float(np.percentile(mag, percentile)) if mag.size else 1.0


def draw_flow_wheel(size: int = 96,
                    max_magnitude: Optional[float] = None) -> np.ndarray:
    """The key of :func:`flow_to_image`: a disc whose colour at ``(u, v)``
    from its centre is the colour of a vector ``(u, v)``, with the ``+u``
    (right) and ``+v`` (down, image axes) axes drawn and named.

    Args:
        size: Diameter of the disc in px.
        max_magnitude: When given, a caption says which magnitude (px) the
            rim (full brightness) stands for.

    Returns:
        ``uint8`` RGB image, white background, a little larger than the disc
        (axis names and caption).
    """
    r = size / 2.0
    axis = np.arange(size, dtype=np.float32) - (size - 1) / 2.0
    u, v = np.meshgrid(axis, axis)
    wheel = flow_to_image(np.stack([u, v], -1), max_magnitude=r)
    wheel[np.hypot(u, v) > r] = 255
    label_w = 30
    out = np.full((size + 2 * PAD + 16, size + 2 * PAD + label_w, 3), 255,
                  np.uint8)
    y0, x0 = PAD, PAD
    out[y0:y0 + size, x0:x0 + size] = wheel
    cy, cx = y0 + size // 2, x0 + size // 2
    cv2.arrowedLine(out, (x0, cy), (x0 + size + 6, cy), BLACK, 1,
                    cv2.LINE_AA, tipLength=0.08)
    cv2.arrowedLine(out, (cx, y0), (cx, y0 + size + 6), BLACK, 1,
                    cv2.LINE_AA, tipLength=0.08)
    font = cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(out, '+u', (x0 + size + 8, cy + 5), font, 0.45, BLACK, 1,
                cv2.LINE_AA)
    cv2.putText(out, '+v', (cx + 4, y0 + size + 14), font, 0.45, BLACK, 1,
                cv2.LINE_AA)
    lines = ['motion vectors:', 'hue = direction',
             'brightness = length']
    if max_magnitude is not None:
        lines.append(f'full at {max_magnitude:.3g} px')
    return vstack([text_band(lines, small=True), out], 0)


def draw_residual_ramp(width: int = 120, gain: float = 2.0) -> np.ndarray:
    """The key of :func:`residual_to_image`: a grey ramp from the most
    negative to the most positive residual shown, with its values.

    Args:
        width: Ramp width in px.
        gain: As in :func:`residual_to_image`.

    Returns:
        ``uint8`` RGB image, white background.
    """
    top = 127.5 / gain
    values = np.linspace(-top, top, width, dtype=np.float32)
    ramp = residual_to_image(np.repeat(values[None, :, None], 3, axis=2))
    ramp = np.repeat(ramp, 14, axis=0)
    cv2.rectangle(ramp, (0, 0), (width - 1, 13), BLACK, 1)
    ticks = np.full((16, width + 2 * PAD, 3), 255, np.uint8)
    font = cv2.FONT_HERSHEY_SIMPLEX
    for text, x in ((f'-{top:.0f}', 0), ('0', width // 2),
                    (f'+{top:.0f}', width)):
        tw = cv2.getTextSize(text, font, 0.42, 1)[0][0]
        x = min(max(PAD + x - tw // 2, 0), ticks.shape[1] - tw)
        cv2.putText(ticks, text, (x, 12), font, 0.42, BLACK, 1, cv2.LINE_AA)
    ramp = cv2.copyMakeBorder(ramp, 0, 0, PAD, PAD, cv2.BORDER_CONSTANT,
                              value=(255, 255, 255))
    return vstack([text_band(['residuals:', 'grey = 0'], small=True), ramp,
                   ticks], 2)
