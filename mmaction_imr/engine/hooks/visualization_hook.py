"""Test-time pictures of compressed-video samples (``test.py --show-dir``)."""
import math
import os
import os.path as osp
from typing import Dict, Optional, Sequence

import cv2
import numpy as np
import torch
from mmaction.engine.hooks import VisualizationHook
from mmaction.registry import HOOKS

from ...streams import IMGS, MOTION_VECTORS, STREAM_KEYS, STREAMS
from ...visualization.flow import flow_to_image, residual_to_image

__all__ = ['CompressedVisualizationHook', 'draw_compressed_sample']


def _label_text(data_sample) -> str:
    parts = []
    if 'gt_label' in data_sample:
        parts.append(f'gt {int(data_sample.gt_label.reshape(-1)[0])}')
    if 'pred_score' in data_sample:
        score = data_sample.pred_score
        k = int(score.argmax())
        parts.append(f'pred {k} ({float(score[k]):.2f})')
    return '  '.join(parts)


def draw_compressed_sample(inputs: Dict[str, torch.Tensor],
                           text: str = '',
                           max_gops: int = 5) -> np.ndarray:
    """One picture of a packed sample: the streams of its first view.

    Rows: I-frames; motion vectors (colour wheel, hue = direction, common
    brightness scale) and residuals of the middle P-frame of each GOP.

    Args:
        inputs: One sample's packed inputs, ``imgs`` ``[M, 3, T, H, W]``,
            ``motion_vectors`` ``[M, 2, T*kappa, H, W]``, ``residuals``
            ``[M, 3, T*kappa, H, W]`` (any subset), before normalisation.
        text: Drawn at the top (labels, scores).
        max_gops: Columns drawn at most.

    Returns:
        ``[H', W', 3]`` uint8 RGB.
    """
    rows = []
    imgs = inputs.get(IMGS)
    num_gops = imgs.shape[2] if imgs is not None else max_gops
    num_gops = min(num_gops, max_gops)
    if imgs is not None:
        frames = imgs[0].permute(1, 2, 3, 0).cpu().numpy()  # [T, H, W, 3]
        rows.append([np.clip(f, 0, 255).astype(np.uint8)
                     for f in frames[:num_gops]])
    for key in STREAM_KEYS:
        if not STREAMS[key].per_pframe or key not in inputs:
            continue
        # [T*kappa, H, W, C]
        stream = inputs[key][0].permute(1, 2, 3, 0).cpu().numpy()
        kappa = max(stream.shape[0] // max(num_gops, 1), 1)
        mids = [min(g * kappa + kappa // 2, stream.shape[0] - 1)
                for g in range(num_gops)]
        if key == MOTION_VECTORS:
            top = float(np.abs(stream[mids]).max()) or 1.0
            rows.append([flow_to_image(stream[i], top) for i in mids])
        else:
            rows.append([residual_to_image(stream[i]) for i in mids])
    if not rows:
        raise ValueError('no stream to draw in the inputs')
    h, w = rows[0][0].shape[:2]
    grid = np.concatenate([
        np.concatenate([cv2.resize(im, (w, h)) for im in row], axis=1)
        for row in rows
    ], axis=0)
    banner = np.full((24, grid.shape[1], 3), 255, np.uint8)
    cv2.putText(banner, text, (4, 17), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                (0, 0, 0), 1, cv2.LINE_AA)
    return np.concatenate([banner, grid], axis=0)


@HOOKS.register_module()
class CompressedVisualizationHook(VisualizationHook):
    """mmaction2's VisualizationHook for dict (multi-stream) inputs.

    Same arguments as :class:`mmaction.engine.hooks.VisualizationHook`; with
    ``out_dir`` it writes one PNG per visualised sample
    (:func:`draw_compressed_sample`), named after the video file when the
    data sample carries ``filename``. Plain tensor inputs are handed to the
    parent hook unchanged.
    """

    def __init__(self,
                 enable: bool = False,
                 interval: int = 1,
                 show: bool = False,
                 out_dir: Optional[str] = None,
                 **kwargs):
        super().__init__(enable, interval, show, out_dir, **kwargs)

    def _draw_samples(self,
                      batch_idx: int,
                      data_batch: dict,
                      data_samples: Sequence,
                      step: int = 0) -> None:
        inputs = data_batch['inputs']
        if not isinstance(inputs, dict):
            return super()._draw_samples(batch_idx, data_batch, data_samples,
                                         step)
        if not self.enable:
            return
        batch_size = len(data_samples)
        start = batch_size * batch_idx
        first = math.ceil(start / self.interval) * self.interval
        for sample_id in range(first, start + batch_size, self.interval):
            i = sample_id - start
            sample = data_samples[i]
            name = (osp.basename(sample.get('filename'))
                    if 'filename' in sample else str(sample_id))
            image = draw_compressed_sample(
                {k: v[i] for k, v in inputs.items()}, _label_text(sample))
            if self.out_dir is not None:
                os.makedirs(self.out_dir, exist_ok=True)
                cv2.imwrite(
                    osp.join(self.out_dir, f'{name}_{step}.png'),
                    cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
            if self.show:
                self._visualizer.show(image, win_name=name)
