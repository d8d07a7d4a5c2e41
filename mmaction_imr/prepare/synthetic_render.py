"""Draw clips of the synthetic motion-only classes (pure rendering).

Each clip shows one textured object over a textured background. The eight
classes are the object's motion relative to the background: translation to
the right / left / up / down, rotation clockwise / anticlockwise (as seen on
screen), zoom in / out. Everything else is drawn at random per clip,
independently of the class: object texture, colours, shape, size, start
position, background texture, speed within the class's range, and a camera
drift (a slow constant translation of the whole scene). A single frame
therefore says nothing about the class; the motion (and so the motion
vectors) says everything.

Sizes and speeds are given at :data:`REFERENCE_SIZE` and scale with the
frame: translation 2-4 px/frame, rotation 5-8 deg/frame, zoom 3-4 %/frame,
camera drift up to 0.4 px/frame, object radius 12-17 px times a zoom factor
in [0.8, 1.25] (also drawn, constant, for the non-zoom classes, so size
says nothing about the class). Motions are fast and textures contrasted
because MPEG-4's 16x16 half-pel block matching rounds slow sub-pixel
motion over weak texture to zero at this size; the background is dark and
nearly grey and the object bright and saturated so that the object can be
found in a single I-frame (CTP needs that). ``docs/data_preparation.md``
gives the measurements behind these choices.

The object's state is re-drawn only at GOP boundaries (I-frames), when the
next GOP's trajectory would leave the frame (or a zoom its range): a new
start position / zoom, same motion. Bouncing would reverse the direction,
and so the class, inside a clip; re-placing at an I-frame means no
P-frame's motion vectors span a jump.

:func:`render_clip` is a pure function of its random generator and
arguments; writing files, seeds and manifests is
:mod:`mmaction_imr.prepare.synthetic`'s job. Pure numpy/OpenCV.
"""
import math
from dataclasses import dataclass
from typing import Dict, Tuple

import cv2
import numpy as np

__all__ = [
    'CLASSES', 'REFERENCE_SIZE', 'GENERATOR_VERSION', 'SyntheticError',
    'Clip', 'render_clip', 'check_renderable'
]

#: Class names; label = index. Sorted, so the labels agree with a
#: class-per-folder list of ``videos/`` (``build_filelist.py folders``).
CLASSES = ('move_down', 'move_left', 'move_right', 'move_up', 'rotate_ccw',
           'rotate_cw', 'zoom_in', 'zoom_out')
#: (width, height) at which the speeds and sizes above are given.
REFERENCE_SIZE = (128, 96)
#: Bump when the rendering changes (any pixel of any clip): sets made by an
#: older version then no longer count as complete, and every clip's seed
#: changes with it.
GENERATOR_VERSION = 3

# Ranges at the reference size (see the module docstring).
_SPEED = (2.0, 4.0)            # px / frame
_ANGULAR = (5.0, 8.0)          # deg / frame
_ZOOM_RATE = (0.03, 0.04)      # relative scale change / frame
_DRIFT = 0.4                   # px / frame, maximum
_RADIUS = (12.0, 17.0)         # px, bounding circle at zoom 1
_ZOOM_RANGE = (0.8, 1.25)
# px between the bounding circle and the outer pixel centres: the
# anti-aliased edge and the bilinear warp spread the mask ~1.3 px further.
_MARGIN = 1.5
# Colours (see _colours): background grey level and per-channel tint,
# object saturation and value (HSV), least RGB distance between the two.
_BG_GREY = (35.0, 90.0)
_BG_TINT = 15.0
_OBJ_SATURATION = (0.65, 0.95)
_OBJ_VALUE = (0.8, 1.0)
_MIN_COLOUR_DISTANCE = 150.0
_DIRECTIONS = {'move_right': (1, 0), 'move_left': (-1, 0),
               'move_down': (0, 1), 'move_up': (0, -1)}


class SyntheticError(Exception):
    """Bad parameters (e.g. a frame too small for the motion) or an output
    folder that holds something else."""


@dataclass
class Clip:
    """A rendered clip and the ground truth of its motion.

    Attributes:
        frames: ``[T, H, W, 3]`` uint8 RGB.
        masks: ``[T, H, W]`` float32 in [0, 1], the object's coverage.
        centre: ``[T, 2]`` float64, object centre (x, y) in pixels.
        angle: ``[T]`` object rotation in radians (clockwise on screen
            positive: image y points down).
        zoom: ``[T]`` object scale factor.
        camera: ``[T, 2]`` background offset (x, y) in pixels: the
            background content moves by ``camera[t] - camera[t-1]``.
        label: Class index into :data:`CLASSES`.
    """
    frames: np.ndarray
    masks: np.ndarray
    centre: np.ndarray
    angle: np.ndarray
    zoom: np.ndarray
    camera: np.ndarray
    label: int


# --- appearance --------------------------------------------------------------


def _smooth_noise(rng: np.random.Generator, h: int, w: int,
                  blob: float) -> np.ndarray:
    """Periodic smooth noise ``[h, w]``, zero mean, unit std.

    Gaussian low-pass of white noise in the Fourier domain; features are
    about ``blob`` pixels wide, the size MPEG-4's 8x8 / 16x16 block
    matching locks onto. Periodic, so the background can wrap around.
    """
    noise = rng.standard_normal((h, w))
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    gain = np.exp(-(fx**2 + fy**2) * (math.pi * blob)**2 / 2)
    tex = np.fft.irfft2(np.fft.rfft2(noise) * gain, s=(h, w))
    tex -= tex.mean()
    return tex / (tex.std() + 1e-8)


def _texture(rng: np.random.Generator, h: int, w: int, blob: float,
             base: np.ndarray) -> np.ndarray:
    """A colour texture ``[h, w, 3]`` float32 around colour ``base``."""
    fields = np.stack([_smooth_noise(rng, h, w, blob) for _ in range(2)], -1)
    dirs = rng.standard_normal((2, 3))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    # Strong contrast: MPEG-4's half-pel block matching needs texture to
    # lock onto sub-pixel zooms (weaker texture leaves most zoom vectors 0).
    amp = rng.uniform(50, 80, size=(2, 1))
    tex = base + fields @ (dirs * amp)
    return np.clip(tex, 0, 255).astype(np.float32)


def _shape_mask(rng: np.random.Generator, size: int) -> np.ndarray:
    """An anti-aliased random shape ``[size, size]`` float32 in [0, 1],
    inscribed in the circle of diameter ``size - 2`` around the centre."""
    ss = 4  # supersampling
    n = size * ss
    c = (n - 1) / 2
    rad = (size / 2 - 1) * ss
    kind = rng.choice(['disk', 'ellipse', 'polygon', 'star'])
    phase = rng.uniform(0, 2 * math.pi)
    if kind == 'disk':
        t = np.linspace(0, 2 * math.pi, 96, endpoint=False)
        r = np.full_like(t, rad)
    elif kind == 'ellipse':
        t = np.linspace(0, 2 * math.pi, 96, endpoint=False)
        b = rng.uniform(0.5, 0.8)
        r = rad * b / np.sqrt((b * np.cos(t))**2 + np.sin(t)**2)
    elif kind == 'polygon':
        k = int(rng.integers(3, 7))
        t = np.linspace(0, 2 * math.pi, k, endpoint=False)
        r = np.full_like(t, rad)
    else:
        k = int(rng.integers(4, 7))
        t = np.linspace(0, 2 * math.pi, 2 * k, endpoint=False)
        r = np.where(np.arange(2 * k) % 2, rad * rng.uniform(0.45, 0.65), rad)
    pts = np.stack([c + r * np.cos(t + phase), c + r * np.sin(t + phase)], 1)
    canvas = np.zeros((n, n), np.uint8)
    cv2.fillPoly(canvas, [np.round(pts * 16).astype(np.int32)], 255,
                 lineType=cv2.LINE_AA, shift=4)
    mask = cv2.resize(canvas, (size, size), interpolation=cv2.INTER_AREA)
    return mask.astype(np.float32) / 255


def _colours(rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray]:
    """Background and object base colours: a dark, nearly grey background
    and a bright, saturated object of any hue, at least
    :data:`_MIN_COLOUR_DISTANCE` apart (RGB L2).

    Drawn independently of the class, so appearance still says nothing
    about it; it only makes the object easy to find in an I-frame, which
    CTP needs (texture on texture is not enough for it).
    """
    while True:
        grey = rng.uniform(*_BG_GREY)
        bg = grey + rng.uniform(-_BG_TINT, _BG_TINT, size=3)
        hue = rng.uniform(0, 6)
        sat = rng.uniform(*_OBJ_SATURATION)
        val = rng.uniform(*_OBJ_VALUE) * 255
        # HSV -> RGB: the channel ramps of the hue hexagon.
        ramp = np.clip(np.abs((hue + np.array([0, 4, 2])) % 6 - 3) - 1, 0, 1)
        obj = val * (1 - sat * (1 - ramp))
        if np.linalg.norm(bg - obj) >= _MIN_COLOUR_DISTANCE:
            return bg, obj


# --- motion ------------------------------------------------------------------


def _radius_range(size: Tuple[int, int],
                  gop: int) -> Tuple[float, Tuple[float, float]]:
    """``(scale, (min, max) object radius in px)`` for a frame size.

    The maximum is capped so that the largest object can make a whole GOP
    of the fastest translation (plus drift) inside the frame; the cap is
    the same for every class, so size never tells the class. It only binds
    below ~100x75 pixels (the margin does not scale with the frame).

    Raises:
        SyntheticError: not even the smallest object fits.
    """
    width, height = size
    scale = min(width / REFERENCE_SIZE[0], height / REFERENCE_SIZE[1])
    travel = (gop - 1) * (_SPEED[1] + _DRIFT) * scale
    fit = (min(width, height) - 1 - 2 * _MARGIN - travel) / (
        2 * _ZOOM_RANGE[1])
    lo, hi = _RADIUS[0] * scale, min(_RADIUS[1] * scale, fit)
    if hi < lo:
        raise SyntheticError(
            f'{width}x{height} is too small for GOPs of {gop} frames: an '
            f'object of radius {lo:.1f} px moving {travel:.0f} px per GOP '
            'would leave the frame')
    return scale, (lo, hi)


def _trajectory(rng: np.random.Generator, label: int, width: int,
                height: int, frames: int, gop: int, scale: float,
                radius: float) -> Dict[str, np.ndarray]:
    """Centre, angle, zoom and camera offset per frame (see module doc)."""
    name = CLASSES[label]
    drift_dir = rng.uniform(0, 2 * math.pi)
    drift = rng.uniform(0, _DRIFT) * scale * np.array(
        [math.cos(drift_dir), math.sin(drift_dir)])
    vel = drift.copy()
    if name in _DIRECTIONS:
        vel += rng.uniform(*_SPEED) * scale * np.array(_DIRECTIONS[name])
    omega = 0.0
    if name.startswith('rotate'):
        omega = math.radians(rng.uniform(*_ANGULAR))
        omega *= 1 if name == 'rotate_cw' else -1
    rate = 1.0
    if name.startswith('zoom'):
        rate = 1 + rng.uniform(*_ZOOM_RATE)
        rate = rate if name == 'zoom_in' else 1 / rate
    zlo, zhi = _ZOOM_RANGE
    static_zoom = math.exp(rng.uniform(math.log(zlo), math.log(zhi)))

    centre = np.zeros((frames, 2))
    zoom = np.zeros(frames)
    # Pixel centres run from 0 to size - 1 (OpenCV's convention).
    last = np.array([width, height], np.float64) - 1
    for g0 in range(0, frames, gop):
        n = min(gop, frames - g0)
        k = np.arange(n)
        steps = rate**k
        if g0 > 0:
            # Continue if the whole GOP fits in the frame and zoom range.
            c = centre[g0 - 1] + vel
            z = zoom[g0 - 1] * rate
            path = c + k[:, None] * vel
            r = (radius * z * steps)[:, None]
            if (np.all(path - r >= _MARGIN)
                    and np.all(path + r <= last - _MARGIN)
                    and zlo - 1e-9 <= z * steps.min()
                    and z * steps.max() <= zhi + 1e-9):
                centre[g0:g0 + n] = path
                zoom[g0:g0 + n] = z * steps
                continue
        # Re-draw the state (only ever at an I-frame).
        if rate == 1.0:
            z = static_zoom
        else:
            lo, hi = zlo / steps.min(), zhi / steps.max()
            z = math.exp(rng.uniform(math.log(lo), math.log(hi)))
        r = (radius * z * steps)[:, None]
        lo = np.max(_MARGIN + r - k[:, None] * vel, axis=0)
        hi = np.min(last - _MARGIN - r - k[:, None] * vel, axis=0)
        if np.any(lo > hi):
            raise SyntheticError(
                f'{width}x{height} is too small for a {CLASSES[label]} '
                'object to stay in the frame for a GOP')
        c = rng.uniform(lo, hi)
        centre[g0:g0 + n] = c + k[:, None] * vel
        zoom[g0:g0 + n] = z * steps
    t = np.arange(frames)
    angle = rng.uniform(0, 2 * math.pi) + omega * t
    camera = rng.uniform(0, last + 1) + t[:, None] * drift
    return dict(centre=centre, zoom=zoom, angle=angle, camera=camera)


def render_clip(rng: np.random.Generator,
                label: int,
                size: Tuple[int, int] = REFERENCE_SIZE,
                frames: int = 72,
                gop: int = 12) -> Clip:
    """Draw one clip of class ``CLASSES[label]``.

    Args:
        rng: All randomness comes from here (see :func:`clip_seed`).
        label: Class index.
        size: ``(width, height)`` in pixels.
        frames: Clip length.
        gop: GOP length of the encoding: the object is only re-placed at
            multiples of it.

    Returns:
        The frames and their ground-truth motion.
    """
    width, height = size
    scale, (r_lo, r_hi) = _radius_range(size, gop)
    radius = rng.uniform(r_lo, r_hi)
    bg_colour, obj_colour = _colours(rng)
    background = _texture(rng, height, width,
                          rng.uniform(3, 7) * scale, bg_colour)
    # The patch is drawn at the largest size it is shown at, so the warp
    # only ever shrinks it (no blur from up-sampling).
    patch = int(math.ceil(2 * radius * _ZOOM_RANGE[1])) + 2
    obj = _texture(rng, patch, patch, rng.uniform(2, 5) * scale,
                   obj_colour)
    mask = _shape_mask(rng, patch)
    motion = _trajectory(rng, label, width, height, frames, gop, scale,
                         radius)

    pc = (patch - 1) / 2
    rad_patch = patch / 2 - 1
    out = np.empty((frames, height, width, 3), np.uint8)
    masks = np.empty((frames, height, width), np.float32)
    for t in range(frames):
        ox, oy = motion['camera'][t]
        bg = cv2.warpAffine(
            background, np.float32([[1, 0, ox], [0, 1, oy]]), (width, height),
            flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP)
        k = radius * motion['zoom'][t] / rad_patch
        a = motion['angle'][t]
        rot = k * np.array([[math.cos(a), -math.sin(a)],
                            [math.sin(a), math.cos(a)]])
        shift = motion['centre'][t] - rot @ np.array([pc, pc])
        m = np.float32(np.hstack([rot, shift[:, None]]))
        fg = cv2.warpAffine(obj, m, (width, height), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE)
        alpha = cv2.warpAffine(mask, m, (width, height),
                               flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT)
        masks[t] = alpha
        alpha = alpha[..., None]
        out[t] = np.clip(bg * (1 - alpha) + fg * alpha + 0.5, 0, 255)
    return Clip(out, masks, motion['centre'], motion['angle'],
                motion['zoom'], motion['camera'], label)


def check_renderable(size: Tuple[int, int], gop: int) -> None:
    """Raise :class:`SyntheticError` if clips of ``size`` cannot be drawn.

    Args:
        size: ``(width, height)`` in pixels.
        gop: GOP length in frames (the object must stay in the frame for
            one GOP of the fastest motion).
    """
    _radius_range(tuple(size), gop)
