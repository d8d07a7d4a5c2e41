"""Multi-stream geometric augmentation for compressed videos.

Every random transform here wraps one of mmaction2's stock transforms
(:mod:`mmaction.datasets.transforms.processing`): the stock transform runs on
the results' *metadata* only (``img_shape``, ``scale_factor``,
``crop_quadruple``, ``label``, ...), so it draws the random geometry exactly as
it would for an RGB pipeline and records it (``crop_bbox``, ``scale_factor``,
``flip``, ``flip_direction``, ``img_shape``); then that recorded geometry is
replayed on every stream that is present:

- ``imgs``: ``[N, H, W, 3]`` uint8 I-frames,
- ``motion_vectors``: ``[N * kappa, H, W, 2]`` float32 ``(u, v)`` in pixels,
- ``residuals``: ``[N * kappa, H, W, 3]`` float32 signed RGB,

with ``N = num_clips * clip_len``. The streams keep their own first-axis
length; they only have to share ``(H, W)`` (checked, with a clear error).
``CompressedThreeCrop`` computes its three deterministic boxes itself:
mmaction's ``ThreeCrop`` cannot take crops smaller than the short side,
which the paper's test protocol needs (224 crops of a 256 short side).

Motion vectors are displacements in pixels of the tensor's own resolution
(``docs/design.md``), so besides moving the map they change VALUE with the
geometry: resizing by ``(sx, sy)`` multiplies ``(u, v)`` by ``(sx, sy)``; a
horizontal flip negates ``u`` (a vertical flip negates ``v``). Crops leave the
values alone.

The streams are kept as stacked numpy arrays (mmaction's stock transforms
return lists of frames); ``FormatCompressedShape`` makes them contiguous.
Lazy mode (mmaction's ``lazy=True`` + ``Fuse``) is not supported: our
decoder already produces frames, and replaying a lazy crop would need the
same fusion logic three times.
"""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np
from mmaction.datasets.transforms.processing import (CenterCrop, Flip,
                                                      MultiScaleCrop,
                                                      RandomCrop, Resize)
from mmaction.registry import TRANSFORMS
from mmcv.image.geometric import cv2_interp_codes
from mmcv.transforms import BaseTransform
from mmengine.utils import is_tuple_of
from torch.nn.modules.utils import _pair

from mmaction_imr.streams import MOTION_VECTORS, STREAM_KEYS, STREAMS

__all__ = [
    'CompressedResize', 'CompressedRandomCrop',
    'CompressedMultiScaleCrop', 'CompressedCenterCrop', 'CompressedThreeCrop',
    'CompressedFlip', 'three_crop_boxes', 'check_flip_label_map'
]


def _where(results: Dict) -> str:
    """Prefix naming the video in error messages, when it is known."""
    name = results.get('filename', results.get('frame_dir'))
    return f'{name}: ' if name is not None else ''


def _check_streams(results: Dict) -> Tuple[List[str], Tuple[int, int]]:
    """Validate the present streams and return their keys and common (H, W).

    Lists of frames (what mmaction's stock transforms produce) are stacked
    into arrays in place, so a stock transform may precede ours.

    Raises:
        ValueError: if no stream is present, a stream is not ``[L, H, W, C]``
            with the expected ``C``, the streams disagree on ``(H, W)``, or
            ``results['img_shape']`` disagrees with the arrays (typically a
            stock transform was applied to ``imgs`` only).
    """
    keys = [k for k in STREAM_KEYS if results.get(k) is not None]
    if not keys:
        raise ValueError(f'{_where(results)}no stream to transform: expected '
                         f'at least one of {STREAM_KEYS} in the results')
    hw = None
    for key in keys:
        arr = results[key]
        if not isinstance(arr, np.ndarray):
            arr = results[key] = np.stack(arr)
        channels = STREAMS[key].channels
        if arr.ndim != 4 or arr.shape[-1] != channels:
            raise ValueError(
                f'{_where(results)}{key} must have shape [L, H, W, '
                f'{channels}], got {arr.shape}')
        if hw is None:
            hw, first = arr.shape[1:3], key
        elif arr.shape[1:3] != hw:
            raise ValueError(
                f'{_where(results)}streams must share (H, W): {first} has '
                f'{hw}, {key} has {arr.shape[1:3]}')
    if 'img_shape' in results and tuple(results['img_shape']) != hw:
        raise ValueError(
            f'{_where(results)}img_shape {tuple(results["img_shape"])} does '
            f'not match the streams {hw}; was a single-stream transform '
            'applied to one stream only? Use the Compressed* transforms.')
    return keys, hw


def _run_stock(stock: BaseTransform, results: Dict,
               hw: Tuple[int, int]) -> Dict:
    """Run a stock mmaction transform on the metadata of ``results``.

    The streams are withheld, so the stock transform only samples and records
    its geometry (and updates labels/boxes it knows about); the recorded
    keys are merged back into ``results``.

    Args:
        stock: the mmaction2 transform.
        results: the pipeline results (modified in place: metadata only).
        hw: current ``(H, W)`` of the streams.

    Returns:
        dict: the metadata as the stock transform left it.
    """
    meta = {k: v for k, v in results.items() if k not in STREAM_KEYS}
    meta['img_shape'] = hw
    # Flip reads ``modality`` (VideoDataset sets it); streams are not
    # optical flow, so 'RGB' is the neutral value when the dataset did not.
    added_modality = 'modality' not in meta
    if added_modality:
        meta['modality'] = 'RGB'
    meta = stock(meta)
    if added_modality:
        meta.pop('modality')
    results.update(meta)
    return meta


def _resize_frames(arr: np.ndarray, size: Tuple[int, int],
                   interpolation: str) -> np.ndarray:
    """Resize ``[L, H, W, C]`` to ``[L, h, w, C]``, ``size = (w, h)``.

    A loop over frames calling cv2 is ~5x faster here than one cv2 call on
    the frames stacked along channels (which needs two transposing copies).
    """
    new_w, new_h = size
    out = np.empty((arr.shape[0], new_h, new_w, arr.shape[3]), arr.dtype)
    flag = cv2_interp_codes[interpolation]
    for i, frame in enumerate(arr):
        out[i] = cv2.resize(frame, size, interpolation=flag)
    return out


def _crop(arr: np.ndarray, bbox: Sequence[int]) -> np.ndarray:
    """Crop ``[L, H, W, C]`` with ``bbox = (x1, y1, x2, y2)`` (a view)."""
    x1, y1, x2, y2 = (int(v) for v in bbox)
    return arr[:, y1:y2, x1:x2]


@TRANSFORMS.register_module()
class CompressedResize(BaseTransform):
    """Resize every stream like mmaction's ``Resize``; rescale MV values.

    Required Keys:

        - imgs / motion_vectors / residuals (at least one)
        - img_shape (optional; checked against the streams)

    Modified Keys:

        - imgs, motion_vectors, residuals (those present)
        - img_shape
        - scale_factor (cumulative ``[sx, sy]``, like mmaction)

    Added Keys:

        - keep_ratio

    The motion-vector field is resampled with the same interpolation as the
    other streams (bilinear by default: it blurs block edges a little, which
    is harmless for learning and keeps one code path), then its values are
    multiplied by this call's ``(new_w / old_w, new_h / old_h)`` because the
    displacements are in pixels of the new resolution.

    Args:
        scale (float | tuple[int]): as mmaction's ``Resize``: a float is a
            rescale factor; ``(w, h)`` with ``keep_ratio=True`` is the largest
            size within the bounds, and ``(-1, 256)`` resizes the short side
            to 256; with ``keep_ratio=False`` it is the exact ``(w, h)``.
        keep_ratio (bool): keep the aspect ratio. Defaults to True.
        interpolation (str): cv2 interpolation for every stream:
            ``'bilinear'`` (default), ``'nearest'``, ``'bicubic'``,
            ``'area'``, ``'lanczos'``.
    """

    def __init__(self,
                 scale: Union[float, Tuple[int, int]],
                 keep_ratio: bool = True,
                 interpolation: str = 'bilinear') -> None:
        if interpolation not in cv2_interp_codes:
            raise ValueError(f'interpolation must be one of '
                             f'{sorted(cv2_interp_codes)}, '
                             f'got {interpolation}')
        self._stock = Resize(scale, keep_ratio=keep_ratio,
                             interpolation=interpolation)
        self.scale = scale
        self.keep_ratio = keep_ratio
        self.interpolation = interpolation

    def transform(self, results: Dict) -> Dict:
        """Resize the present streams.

        Args:
            results (dict): the pipeline results.

        Returns:
            dict: ``results``, resized.
        """
        keys, (old_h, old_w) = _check_streams(results)
        meta = _run_stock(self._stock, results, (old_h, old_w))
        new_h, new_w = meta['img_shape']
        if (new_h, new_w) == (old_h, old_w):
            return results
        for key in keys:
            results[key] = _resize_frames(results[key], (new_w, new_h),
                                          self.interpolation)
        if MOTION_VECTORS in keys:
            results[MOTION_VECTORS] *= np.array(
                [new_w / old_w, new_h / old_h], np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(scale={self.scale}, '
                f'keep_ratio={self.keep_ratio}, '
                f'interpolation={self.interpolation})')


class _CompressedCrop(BaseTransform):
    """Shared replay step of the single-box crops: the stock transform picks
    ``crop_bbox`` ``[x1, y1, x2, y2]``; every stream is cut with it."""

    _stock: BaseTransform

    def _crop_wh(self) -> Optional[Tuple[int, int]]:
        """``(w, h)`` of a fixed-size crop, None when the size follows the
        frame (``CompressedMultiScaleCrop``)."""
        return None

    def transform(self, results: Dict) -> Dict:
        """Crop the present streams with the stock transform's box.

        Args:
            results (dict): the pipeline results.

        Returns:
            dict: ``results``, cropped (arrays are views of the input).

        Raises:
            ValueError: a fixed-size crop larger than the frame (the stock
                ``CenterCrop`` would cut a smaller box than its
                ``img_shape`` says, ``RandomCrop`` fails a bare assert), or
                any crop box outside the frame.
        """
        keys, hw = _check_streams(results)
        wh = self._crop_wh()
        if wh is not None and (wh[0] > hw[1] or wh[1] > hw[0]):
            raise ValueError(
                f'{_where(results)}{self.__class__.__name__}: the crop '
                f'(w, h)={wh} is larger than the frame (w, h)='
                f'{(hw[1], hw[0])}; resize first (CompressedResize) so that '
                'both sides are at least the crop\'s, or crop smaller')
        meta = _run_stock(self._stock, results, hw)
        x1, y1, x2, y2 = (int(v) for v in meta['crop_bbox'])
        if x1 < 0 or y1 < 0 or x2 > hw[1] or y2 > hw[0]:
            # MultiScaleCrop snaps a crop side to input_size within 2 px,
            # which can exceed a frame just smaller than input_size.
            raise ValueError(
                f'{_where(results)}{self.__class__.__name__}: the crop box '
                f'{[x1, y1, x2, y2]} leaves the frame (w, h)={(hw[1], hw[0])}'
                '; resize first (CompressedResize) so that the frame is at '
                'least the crop size')
        for key in keys:
            results[key] = _crop(results[key], meta['crop_bbox'])
        return results


@TRANSFORMS.register_module()
class CompressedRandomCrop(_CompressedCrop):
    """Square random crop of every stream (mmaction's ``RandomCrop``).

    Required Keys:

        - imgs / motion_vectors / residuals (at least one)

    Modified Keys:

        - imgs, motion_vectors, residuals (those present)
        - img_shape

    Added Keys:

        - crop_bbox (``[x1, y1, x2, y2]``), crop_quadruple

    Args:
        size (int): side of the square crop, in pixels; at most the frame's
            short side (else ValueError naming both sizes).
    """

    def __init__(self, size: int) -> None:
        self._stock = RandomCrop(size)
        self.size = size

    def _crop_wh(self) -> Tuple[int, int]:
        return self.size, self.size

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(size={self.size})'


@TRANSFORMS.register_module()
class CompressedCenterCrop(_CompressedCrop):
    """Centre crop of every stream (mmaction's ``CenterCrop``).

    Required Keys:

        - imgs / motion_vectors / residuals (at least one)

    Modified Keys:

        - imgs, motion_vectors, residuals (those present)
        - img_shape

    Added Keys:

        - crop_bbox (``[x1, y1, x2, y2]``), crop_quadruple

    Args:
        crop_size (int | tuple[int]): ``(w, h)`` of the crop, or one int; at
            most the frame's size (no padding: ValueError naming both
            sizes).
    """

    def __init__(self, crop_size: Union[int, Tuple[int, int]]) -> None:
        self._stock = CenterCrop(crop_size)
        self.crop_size = self._stock.crop_size

    def _crop_wh(self) -> Tuple[int, int]:
        return self.crop_size

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(crop_size={self.crop_size})'


@TRANSFORMS.register_module()
class CompressedMultiScaleCrop(_CompressedCrop):
    """Scale-jittered crop of every stream (mmaction's ``MultiScaleCrop``).

    The crop's width and height are each ``int(min(H, W) * s)`` for ``s``
    drawn from ``scales`` (snapped to ``input_size`` when within 2 px), with
    at most ``max_wh_scale_gap`` levels between them; follow it with
    ``CompressedResize((w, h), keep_ratio=False)`` to get the network size.
    The paper's augmentation (``docs/design.md``) is, in our reading of its
    CoViAR-style recipe, ``Resize((-1, 256))`` then
    ``CompressedMultiScaleCrop(224, scales=(1, .975, .9, .85),
    random_crop=True)`` then ``CompressedResize((224, 224),
    keep_ratio=False)``.

    Required Keys:

        - imgs / motion_vectors / residuals (at least one)

    Modified Keys:

        - imgs, motion_vectors, residuals (those present)
        - img_shape

    Added Keys:

        - crop_bbox (``[x1, y1, x2, y2]``), crop_quadruple, scales

    Args:
        input_size (int | tuple[int]): ``(w, h)`` the network will see.
        scales (tuple[float]): crop side as a fraction of the short side.
        max_wh_scale_gap (int): max index gap between the w and h scales.
            Defaults to 1.
        random_crop (bool): random position if True, else one of the fixed
            corner/centre positions. Defaults to False.
        num_fixed_crops (int): 5 or 13 fixed positions when
            ``random_crop=False``. Defaults to 5.
    """

    def __init__(self,
                 input_size: Union[int, Tuple[int, int]],
                 scales: Tuple[float, ...] = (1, ),
                 max_wh_scale_gap: int = 1,
                 random_crop: bool = False,
                 num_fixed_crops: int = 5) -> None:
        self._stock = MultiScaleCrop(
            input_size,
            scales=scales,
            max_wh_scale_gap=max_wh_scale_gap,
            random_crop=random_crop,
            num_fixed_crops=num_fixed_crops)
        self.input_size = self._stock.input_size
        self.scales = scales
        self.max_wh_scale_gap = max_wh_scale_gap
        self.random_crop = random_crop
        self.num_fixed_crops = num_fixed_crops

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(input_size={self.input_size}, '
                f'scales={self.scales}, '
                f'max_wh_scale_gap={self.max_wh_scale_gap}, '
                f'random_crop={self.random_crop}, '
                f'num_fixed_crops={self.num_fixed_crops})')


def three_crop_boxes(img_shape: Tuple[int, int],
                     crop_size: Tuple[int, int]) -> np.ndarray:
    """Boxes of three equidistant crops along the axis with more slack.

    Generalises mmaction's ``ThreeCrop`` (which requires the crop to span
    the short side) to crops smaller than the short side by centring them
    on that axis, as the paper's test protocol needs (224 crops of a
    256-pixel short side; SlowFast's ``uniform_crop`` does the same). When a
    crop side equals the frame side the boxes are exactly ``ThreeCrop``'s.

    Args:
        img_shape: ``(H, W)`` of the frames.
        crop_size: ``(w, h)`` of each crop.

    Returns:
        np.ndarray: ``[3, 4]`` int64 ``[x1, y1, x2, y2]``: first (left/top),
        last (right/bottom), middle, in ``ThreeCrop``'s order.
    """
    img_h, img_w = img_shape
    crop_w, crop_h = crop_size
    if crop_w > img_w or crop_h > img_h:
        raise ValueError(f'crop (w, h)={crop_size} larger than the frame '
                         f'(H, W)={img_shape}')
    slack_w, slack_h = img_w - crop_w, img_h - crop_h
    if slack_w >= slack_h:  # ties: along x, as ThreeCrop when crop_h == H
        y = slack_h // 2
        step = slack_w // 2
        offsets = [(0, y), (2 * step, y), (step, y)]
    else:
        x = slack_w // 2
        step = slack_h // 2
        offsets = [(x, 0), (x, 2 * step), (x, step)]
    return np.array([[x, y, x + crop_w, y + crop_h] for x, y in offsets],
                    dtype=np.int64)


@TRANSFORMS.register_module()
class CompressedThreeCrop(BaseTransform):
    """Three equidistant crops of every stream (test time).

    The crops run along the frame's longer free axis: left, right, middle
    (or top, bottom, middle), centred on the other axis (see
    :func:`three_crop_boxes`; mmaction's ``ThreeCrop`` boxes when the crop
    spans the short side, and the paper's "three equidistant 224 crops of
    the 256 short side" otherwise). Each stream's first axis becomes
    ``3 * L``, crop-major like ``ThreeCrop``, so ``FormatCompressedShape``
    finds ``M = 3 * num_clips`` clips and ``num_clips`` keeps its meaning.

    Required Keys:

        - imgs / motion_vectors / residuals (at least one)

    Modified Keys:

        - imgs, motion_vectors, residuals (those present)
        - img_shape

    Added Keys:

        - crop_bbox: ``[3, 4]``, one ``[x1, y1, x2, y2]`` per crop in the
          order of the first axis. (mmaction's ``ThreeCrop`` repeats each
          box once per frame; the streams here have different frame counts,
          so one row per crop is the unambiguous record.)

    Args:
        crop_size (int | tuple[int]): ``(w, h)`` of each crop, or one int.
    """

    def __init__(self, crop_size: Union[int, Tuple[int, int]]) -> None:
        self.crop_size = _pair(crop_size)
        if not is_tuple_of(self.crop_size, int):
            raise TypeError(f'crop_size must be an int or a tuple of int, '
                            f'got {crop_size!r}')

    def transform(self, results: Dict) -> Dict:
        """Three-crop the present streams.

        Args:
            results (dict): the pipeline results.

        Returns:
            dict: ``results`` with ``[3 * L, h, w, C]`` streams.
        """
        keys, hw = _check_streams(results)
        try:
            boxes = three_crop_boxes(hw, self.crop_size)
        except ValueError as err:
            raise ValueError(f'{_where(results)}CompressedThreeCrop: {err}')
        for key in keys:
            results[key] = np.concatenate(
                [_crop(results[key], box) for box in boxes])
        results['crop_bbox'] = boxes
        results['img_shape'] = (self.crop_size[1], self.crop_size[0])
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(crop_size={self.crop_size})'


def check_flip_label_map(flip_label_map: Optional[Dict[int, int]],
                         num_classes: Optional[int] = None) -> None:
    """Check that a flip's label map only names labels of the data set.

    A map written for another data set (the synthetic set's swaps
    ``{1: 2, 2: 1, 4: 5, 5: 4}`` inherited by a 2-class config) would
    otherwise turn labels into classes the head does not have, or silently
    swap two unrelated classes.

    Args:
        flip_label_map: ``{label: label after a flip}``, or None.
        num_classes: Labels of the data set are ``0 .. num_classes - 1``;
            None checks only that the labels are ints >= 0.

    Raises:
        ValueError: a key or value that is not an int in that range.
    """
    if not flip_label_map:
        return
    if not isinstance(flip_label_map, dict):
        raise TypeError(f'flip_label_map must be a dict {{label: label}}, '
                        f'got {flip_label_map!r}')
    named = sorted({*flip_label_map, *flip_label_map.values()}, key=str)
    bad = [v for v in named
           if not isinstance(v, int) or isinstance(v, bool) or v < 0 or
           (num_classes is not None and v >= num_classes)]
    if not bad:
        return
    if num_classes is None:
        raise ValueError(f'flip_label_map {flip_label_map}: labels must be '
                         f'ints >= 0, got {", ".join(map(repr, bad))}')
    raise ValueError(
        f'flip_label_map {flip_label_map} names label(s) '
        f'{", ".join(map(repr, bad))} outside the data set\'s {num_classes} '
        f'classes (0 .. {num_classes - 1}); a map belongs to one data set: '
        'set flip_label_map=None or write one for these classes')


@TRANSFORMS.register_module()
class CompressedFlip(BaseTransform):
    """Flip every stream with a probability (mmaction's ``Flip``).

    On a flip the maps are mirrored and the motion-vector component along
    the flip axis changes sign (``u -> -u`` for horizontal), since content
    moving right moves left in the mirrored video.

    Required Keys:

        - imgs / motion_vectors / residuals (at least one)
        - label (only with ``flip_label_map``)

    Modified Keys:

        - imgs, motion_vectors, residuals (those present, when flipped)
        - label (with ``flip_label_map``)

    Added Keys:

        - flip (bool), flip_direction

    Args:
        flip_ratio (float): probability of flipping. Defaults to 0.5.
        direction (str): ``'horizontal'`` (default) or ``'vertical'``.
        flip_label_map (dict[int, int], optional): label changes on a flip
            (e.g. "swiping left" <-> "swiping right"). Defaults to None.
            The labels must be ints >= 0 (checked here);
            :class:`~mmaction_imr.datasets.CompressedVideoDataset` also
            checks them against its classes when it is built
            (:func:`check_flip_label_map`).
    """

    def __init__(self,
                 flip_ratio: float = 0.5,
                 direction: str = 'horizontal',
                 flip_label_map: Optional[Dict[int, int]] = None) -> None:
        # The upper bound is the data set's, checked when it is built.
        check_flip_label_map(flip_label_map)
        self._stock = Flip(
            flip_ratio=flip_ratio,
            direction=direction,
            flip_label_map=flip_label_map)
        self.flip_ratio = flip_ratio
        self.direction = direction
        self.flip_label_map = flip_label_map

    def transform(self, results: Dict) -> Dict:
        """Maybe flip the present streams.

        Args:
            results (dict): the pipeline results.

        Returns:
            dict: ``results``, flipped when ``results['flip']``.
        """
        keys, hw = _check_streams(results)
        meta = _run_stock(self._stock, results, hw)
        if not meta['flip']:
            return results
        # axis of [L, H, W, C] mirrored; MV component (u=0, v=1) negated
        axis, comp = (2, 0) if self.direction == 'horizontal' else (1, 1)
        for key in keys:
            results[key] = np.flip(results[key], axis=axis)
        if MOTION_VECTORS in keys:
            sign = np.ones(2, np.float32)
            sign[comp] = -1
            results[MOTION_VECTORS] = results[MOTION_VECTORS] * sign
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(flip_ratio={self.flip_ratio}, '
                f'direction={self.direction}, '
                f'flip_label_map={self.flip_label_map})')
