"""A synthetic data set whose classes differ only in motion.

Each clip shows one textured object over a textured background. The eight
classes are the object's motion relative to the background: translation to
the right / left / up / down, rotation clockwise / anticlockwise (as seen on
screen), zoom in / out. Everything else is drawn at random per clip,
independently of the class: object texture, colours, shape, size, start
position, background texture, speed within the class's range, and a camera
drift (a slow constant translation of the whole scene, background and
object, different per clip). A single frame therefore says nothing about
the class; the motion (and so the motion vectors) says everything.

Sizes and speeds (at the reference 128x96; scaled with the frame):
translation 2-4 px/frame, rotation 5-8 deg/frame, zoom 3-4 %/frame,
camera drift up to 0.4 px/frame, object radius 12-17 px times a zoom
factor in [0.8, 1.25] (also drawn, constant, for the non-zoom classes, so
size says nothing about the class). Rotation and zoom are faster than the
brief's 3-6 deg and 1-2 %, and textures have strong contrast, on purpose:
at 128x96 the paper's MPEG-4 encoding has 8x6 macroblocks of 16x16 pixels
with half-pel vectors, the object covers about 2x2 of them, and the encoder
rounds slow sub-pixel motions over weak texture to zero. Version 1 of this
generator (zoom 1.5-2.5 %, texture amplitude 30-55) left 80-90 % of the
vectors on a zooming object at zero, and a toy IMRNet could not tell zoom in
from zoom out (chance level on those two classes, every other class
right); version 2 has 3-4 % per frame (one GOP's zoom, 1.04^11 = 1.54,
still fits in the zoom range) and amplitude 50-80. The largest object (42.5 px)
plus a GOP of the fastest vertical motion (11 x 4.4 px) plus margins just
fits in 96 rows.

Colours (version 3): a dark, nearly grey background and a bright,
saturated object of any hue, at least 150 apart in RGB, drawn
independently of the class. Version 2 drew both from [40, 215], at least
80 apart: a texture on a texture, which is hard to find in a single
I-frame, and the toy network never learnt CTP (correspondence of the
I-frames with the motion), which needs that; PMSP, computed from the
motion alone, was learnt on both versions.

Keeping the object inside the frame: at these speeds a translating object
crosses the frame in ~30 frames, so it cannot move one way for a whole
72-frame clip. Bouncing would reverse the direction (and the class) in the
middle of the clip. Instead the object's state is re-drawn only at GOP
boundaries (I-frames), when the next GOP's trajectory would leave the frame
(or a zoom would leave its range): a new start position / zoom, same
motion. Inside a GOP the motion is continuous, so no P-frame's motion
vectors span a jump. This deviates from "bounce" in the brief on purpose.

Videos are MPEG-4 Part 2, GOP 12, no B-frames (the paper's format,
:data:`~mmaction_imr.prepare.writer.PAPER_SPEC`), 30 fps, single-threaded
encoder so the bytes do not depend on the machine. Each clip's random
numbers come from ``SeedSequence([seed, class, split, index])``: results do
not depend on the number of workers or the order they run in.

Layout of ``out_dir``::

    videos/<class>/<split>_<index:04d>.mp4
    train.txt  val.txt      "<class>/<file> <label>" (mmaction2 format)
    unlabelled.txt          "<class>/<file> -1" (disjoint from train/val)
    classes.txt             one class name per line, label order
    manifest.json           parameters + file count (idempotence)

Pure numpy/OpenCV/PyAV (no mmengine).
"""
import json
import math
import os
import os.path as osp
import shutil
import time
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from .filelist import write_classes, write_list
from .fileutil import parallel_imap, partial_path, remove_stale_partials
from .writer import EncodeSpec, write_video

__all__ = [
    'CLASSES', 'SPLITS', 'REFERENCE_SIZE', 'GENERATOR_VERSION',
    'MANIFEST_NAME', 'SyntheticError', 'Clip', 'render_clip',
    'clip_seed', 'synthetic_params', 'video_relpath', 'check_complete',
    'SyntheticPlan', 'plan_synthetic', 'run_synthetic', 'finish_synthetic',
    'make_synthetic'
]

#: Class names; label = index. Sorted, so the labels agree with a
#: class-per-folder list of ``videos/`` (``build_filelist.py folders``).
CLASSES = ('move_down', 'move_left', 'move_right', 'move_up', 'rotate_ccw',
           'rotate_cw', 'zoom_in', 'zoom_out')
#: Subsets, in seed order; ``unlabelled`` is written with label -1.
SPLITS = ('train', 'val', 'unlabelled')
#: (width, height) at which the speeds and sizes above are given.
REFERENCE_SIZE = (128, 96)
#: Bump when the rendering changes: old sets then no longer count as done.
GENERATOR_VERSION = 3
MANIFEST_NAME = 'manifest.json'

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
    """Bad parameters or an output folder that holds something else."""


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
    # lock onto sub-pixel zooms (version 1's 30-55 left most zoom vectors 0).
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
    CTP needs (version 2 drew both colours from [40, 215] at least 80
    apart: texture on texture, and a toy network did not learn CTP).
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


# --- the data set -----------------------------------------------------------


def clip_seed(seed: int, label: int, split: str,
              index: int) -> np.random.SeedSequence:
    """The seed of one clip: a function of its identity only."""
    return np.random.SeedSequence(
        [GENERATOR_VERSION, seed, label, SPLITS.index(split), index])


def video_relpath(label: int, split: str, index: int) -> str:
    """``'<class>/<split>_<index:04d>.mp4'``, relative to ``out/videos``."""
    return f'{CLASSES[label]}/{split}_{index:04d}.mp4'


def synthetic_params(seed: int = 0,
                     per_class: Sequence[int] = (24, 8, 16),
                     size: Tuple[int, int] = REFERENCE_SIZE,
                     frames: int = 72,
                     fps: int = 30,
                     gop: int = 12) -> dict:
    """Everything the output depends on, as a JSON-able dict.

    Args:
        seed: Base seed.
        per_class: Clips per class for ``(train, val, unlabelled)``.
        size: ``(width, height)``, even numbers.
        frames: Frames per clip.
        fps: Frame rate.
        gop: GOP length (MPEG-4 Part 2, no B-frames).

    Raises:
        SyntheticError: on bad values.
    """
    per_class = [int(n) for n in per_class]
    if len(per_class) != len(SPLITS) or min(per_class) < 0 or sum(
            per_class) == 0:
        raise SyntheticError(
            f'per_class must be 3 counts >= 0 (train, val, unlabelled), '
            f'not all 0; got {per_class}')
    w, h = (int(s) for s in size)
    if w < 32 or h < 32 or w % 2 or h % 2:
        raise SyntheticError(f'size must be even and >= 32, got {w}x{h}')
    if frames < 2 or gop < 2 or fps < 1:
        raise SyntheticError(
            f'need frames >= 2, gop >= 2, fps >= 1; got {frames}, {gop}, '
            f'{fps}')
    _radius_range((w, h), gop)
    return dict(version=GENERATOR_VERSION, seed=int(seed),
                per_class=dict(zip(SPLITS, per_class)), size=[w, h],
                frames=int(frames), fps=int(fps), gop=int(gop),
                codec='mpeg4', max_b_frames=0, qscale=1,
                classes=list(CLASSES))


def _video_list(params: dict) -> List[Tuple[int, str, int]]:
    return [(label, split, i) for split in SPLITS
            for label in range(len(CLASSES))
            for i in range(params['per_class'][split])]


def _ann_files(params: dict) -> Dict[str, List[Tuple[str, int]]]:
    lists: Dict[str, List[Tuple[str, int]]] = {s: [] for s in SPLITS}
    for label, split, i in _video_list(params):
        lists[split].append((video_relpath(label, split, i),
                             -1 if split == 'unlabelled' else label))
    return {f'{s}.txt': sorted(items) for s, items in lists.items()}


def _read_manifest(out_dir: str) -> Optional[dict]:
    try:
        with open(osp.join(out_dir, MANIFEST_NAME), encoding='utf-8') as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _write_manifest(out_dir: str, manifest: dict) -> None:
    path = osp.join(out_dir, MANIFEST_NAME)
    tmp = path + f'.tmp-{os.getpid()}'
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write('\n')
    os.replace(tmp, path)


def check_complete(out_dir: str, params: dict) -> bool:
    """True if ``out_dir`` holds a finished set made with ``params``.

    Cheap (reads the manifest, stats the files): no video is opened.
    """
    manifest = _read_manifest(out_dir)
    if not manifest or not manifest.get('complete') or manifest.get(
            'params') != params:
        return False
    names = list(_ann_files(params)) + ['classes.txt']
    if not all(osp.isfile(osp.join(out_dir, n)) for n in names):
        return False
    videos = osp.join(out_dir, 'videos')
    return all(
        osp.isfile(osp.join(videos, video_relpath(*v)))
        for v in _video_list(params))


@dataclass
class SyntheticPlan:
    """What :func:`run_synthetic` will do.

    Attributes:
        out_dir: Output root.
        params: From :func:`synthetic_params`.
        complete: The set is already there; nothing to do.
        todo: ``(label, split, index)`` of the clips still to write.
        total: Clips in the set.
    """
    out_dir: str
    params: dict
    complete: bool = False
    todo: List[Tuple[int, str, int]] = field(default_factory=list)
    total: int = 0


def plan_synthetic(out_dir: str, params: dict,
                   overwrite: bool = False) -> SyntheticPlan:
    """Decide what to generate; resume an interrupted run of the same set.

    Raises:
        SyntheticError: ``out_dir`` holds a set made with other parameters,
            or files we did not write, and ``overwrite`` is False.
    """
    plan = SyntheticPlan(out_dir, params, total=len(_video_list(params)))
    if check_complete(out_dir, params):
        plan.complete = True
        return plan
    manifest = _read_manifest(out_dir)
    videos = osp.join(out_dir, 'videos')
    ours = manifest is not None and manifest.get('params') == params
    if not ours and (manifest is not None or (
            osp.isdir(videos) and os.listdir(videos))):
        if not overwrite:
            what = ('a synthetic set with other parameters'
                    if manifest is not None else 'files we did not write')
            old = (manifest or {}).get('params', {}).get('version')
            if manifest is not None and old != params['version']:
                what = (f'a synthetic set of generator version {old} (this '
                        f'is version {params["version"]})')
            raise SyntheticError(
                f'{out_dir}: holds {what}; choose another --out or pass '
                '--overwrite to replace videos/ and the annotation files')
        shutil.rmtree(videos, ignore_errors=True)
        for name in list(_ann_files(params)) + ['classes.txt', MANIFEST_NAME]:
            if osp.isfile(osp.join(out_dir, name)):
                os.remove(osp.join(out_dir, name))
    os.makedirs(out_dir, exist_ok=True)
    if osp.isdir(videos):
        remove_stale_partials(videos)  # left by a killed run
    _write_manifest(out_dir, dict(params=params, complete=False))
    # Clips already written by an interrupted run of the same parameters
    # are kept: each is complete (atomic rename) and deterministic.
    plan.todo = [
        v for v in _video_list(params)
        if not osp.isfile(osp.join(videos, video_relpath(*v)))
    ]
    return plan


def _write_one(args) -> str:
    out_dir, params, (label, split, index) = args
    rel = video_relpath(label, split, index)
    path = osp.join(out_dir, 'videos', rel)
    os.makedirs(osp.dirname(path), exist_ok=True)
    rng = np.random.default_rng(clip_seed(params['seed'], label, split,
                                          index))
    clip = render_clip(rng, label, tuple(params['size']), params['frames'],
                       params['gop'])
    tmp = partial_path(path)
    try:
        write_video(tmp, clip.frames, params['fps'],
                    EncodeSpec(gop_size=params['gop']))
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
    return rel


def run_synthetic(plan: SyntheticPlan, workers: int = 1) -> Iterator[str]:
    """Write the planned clips, yielding each relative path when done.

    The order of completion may vary with ``workers``; the content never
    does.
    """
    args = [(plan.out_dir, plan.params, v) for v in plan.todo]
    if workers <= 1:
        yield from parallel_imap(_write_one, args, 1)
        return
    # Stop OpenCV's worker threads before forking: a forked child inherits
    # the thread pool's bookkeeping but not its threads, and its first
    # parallel warpAffine then waits for them forever (seen when the
    # parent had rendered before, e.g. in the test suite). One thread per
    # worker process is what we want anyway.
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        yield from parallel_imap(_write_one, args, workers)
    finally:
        cv2.setNumThreads(threads)


def finish_synthetic(plan: SyntheticPlan) -> None:
    """Write the annotation files, ``classes.txt`` and the final manifest.

    Raises:
        SyntheticError: a planned clip is missing (the run did not finish).
    """
    videos = osp.join(plan.out_dir, 'videos')
    missing = [
        video_relpath(*v) for v in _video_list(plan.params)
        if not osp.isfile(osp.join(videos, video_relpath(*v)))
    ]
    if missing:
        raise SyntheticError(
            f'{plan.out_dir}: {len(missing)} clip(s) missing, e.g. '
            f'{missing[0]}')
    files = _ann_files(plan.params)
    for name, items in files.items():
        write_list(osp.join(plan.out_dir, name), items)
    write_classes(osp.join(plan.out_dir, 'classes.txt'), CLASSES)
    _write_manifest(
        plan.out_dir,
        dict(params=plan.params, complete=True, num_videos=plan.total,
             num_files=plan.total + len(files) + 1,
             lists={n: len(v) for n, v in files.items()}))


def make_synthetic(out_dir: str,
                   params: Optional[dict] = None,
                   workers: int = 1,
                   overwrite: bool = False) -> Tuple[bool, int, float]:
    """Generate (or find complete) the synthetic set in ``out_dir``.

    Args:
        out_dir: Output root.
        params: From :func:`synthetic_params`; default parameters if None.
        workers: Processes.
        overwrite: Replace a set made with other parameters.

    Returns:
        ``(generated, num_clips_written, seconds)``; ``generated`` is False
        when the set was already complete.
    """
    t0 = time.perf_counter()
    plan = plan_synthetic(out_dir, params or synthetic_params(), overwrite)
    if plan.complete:
        return False, 0, time.perf_counter() - t0
    n = sum(1 for _ in run_synthetic(plan, workers))
    finish_synthetic(plan)
    return True, n, time.perf_counter() - t0
