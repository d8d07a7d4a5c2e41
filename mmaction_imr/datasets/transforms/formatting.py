"""Format compressed-video streams into the ``NCTHW`` layout of the model.

After this transform mmaction's stock ``PackActionInputs`` packs the
streams: ``PackActionInputs(collect_keys=('imgs', 'motion_vectors',
'residuals'))`` gives ``inputs`` as a dict of tensors (for
``MMRecognizer3D``/IMR models); for a single-stream model with the stock
``Recognizer3D`` wrap the packer in ``mmcv.KeyMapper`` (see the readme).
"""
from typing import Dict

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from mmaction_imr.streams import STREAM_KEYS, STREAMS

__all__ = ['FormatCompressedShape']


@TRANSFORMS.register_module()
class FormatCompressedShape(BaseTransform):
    """Reshape the streams to ``[M, C, T', H, W]`` contiguous arrays.

    ``M = num_crops * num_clips`` clips (``num_crops`` = 3 after
    ``CompressedThreeCrop``, else 1), in the crop-major, clip-major frame
    order the decode and geometry transforms produce:

    - imgs ``[M*T, H, W, 3]`` -> ``[M, 3, T, H, W]`` (dtype kept, uint8),
    - motion_vectors ``[M*T*kappa, H, W, 2]`` -> ``[M, 2, T*kappa, H, W]``,
    - residuals ``[M*T*kappa, H, W, 3]`` -> ``[M, 3, T*kappa, H, W]``.

    Only the streams present are formatted. ``T = clip_len`` (GOPs per
    clip).

    Required Keys:

        - imgs / motion_vectors / residuals (at least one)
        - clip_len, num_clips
        - kappa (when motion_vectors or residuals are present)

    Modified Keys:

        - imgs, motion_vectors, residuals (those present)

    Added Keys:

        - input_shape: dict stream -> formatted shape (mmaction's
          ``FormatShape`` writes one shape; there are several streams here).

    Raises:
        ValueError: when a stream's frame count is not a multiple of its
            clip length, the streams disagree on ``M``, ``M`` is not a
            multiple of ``num_clips``, or no stream is present.
    """

    def transform(self, results: Dict) -> Dict:
        """Format the present streams.

        Args:
            results (dict): the pipeline results.

        Returns:
            dict: ``results`` with formatted streams.
        """
        where = results.get('filename')
        where = f'{where}: ' if where is not None else ''
        keys = [k for k in STREAM_KEYS if results.get(k) is not None]
        if not keys:
            raise ValueError(f'{where}FormatCompressedShape found none of '
                             f'{STREAM_KEYS} in the results')
        clip_len = int(results['clip_len'])
        num_clips = int(results['num_clips'])
        num_out = None
        input_shape = {}
        for key in keys:
            arr = np.asarray(results[key])
            channels = STREAMS[key].channels
            if not STREAMS[key].per_pframe:
                length, unit = clip_len, f'clip_len={clip_len}'
            else:
                kappa = int(results['kappa'])
                length = clip_len * kappa
                unit = f'clip_len*kappa={clip_len}*{kappa}'
            if arr.ndim != 4 or arr.shape[-1] != channels:
                raise ValueError(f'{where}{key} must be [L, H, W, {channels}] '
                                 f'before formatting, got {arr.shape}')
            if arr.shape[0] % length:
                raise ValueError(
                    f'{where}{key} has {arr.shape[0]} frames, not a multiple '
                    f'of {unit}')
            m = arr.shape[0] // length
            if num_out is None:
                num_out, first = m, key
            elif m != num_out:
                raise ValueError(
                    f'{where}streams disagree on the number of clips: '
                    f'{first} gives {num_out}, {key} gives {m}')
            # [M, T', H, W, C] -> [M, C, T', H, W]
            arr = arr.reshape((m, length) + arr.shape[1:])
            results[key] = np.ascontiguousarray(arr.transpose(0, 4, 1, 2, 3))
            input_shape[key] = results[key].shape
        if num_out % num_clips:
            raise ValueError(
                f'{where}{num_out} clips is not num_crops * num_clips with '
                f'num_clips={num_clips}')
        results['input_shape'] = input_shape
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}()'
