"""Test-time pictures of compressed-video samples (``test.py --show-dir``)."""
import math
import os.path as osp
from collections import Counter
from typing import Dict, List, Optional, Sequence, Union

import mmcv
import numpy as np
import torch
from mmaction.engine.hooks import VisualizationHook
from mmaction.registry import HOOKS
from mmengine.dataset import BaseDataset

from ...prepare.filelist import classes_beside, read_classes
from ...streams import IMGS, MOTION_VECTORS, RESIDUALS
from ...visualization.compressed import draw_compressed_clip
from ...visualization.layout import Caption
from ...visualization.names import (class_name, safe_name, unique_names,
                                    video_title)

__all__ = [
    'CompressedVisualizationHook', 'draw_compressed_sample', 'label_lines'
]

_RIGHT, _WRONG = (0, 140, 0), (200, 0, 0)


def label_lines(data_sample,
                classes: Optional[Sequence[str]] = None,
                top_k: int = 3) -> List[Caption]:
    """Caption lines of a sample's labels: the ground truth and the ``top_k``
    predicted classes with their scores, by name (index without
    ``classes``); the prediction line is green when its first class is the
    ground truth, red when not."""
    lines: List[Caption] = []
    gt = None
    if 'gt_label' in data_sample:
        gt = int(data_sample.gt_label.reshape(-1)[0])
        lines.append(f'ground truth: {class_name(gt, classes)}')
    if 'pred_score' in data_sample:
        score = data_sample.pred_score.reshape(-1).float()
        values, idx = score.topk(min(top_k, len(score)))
        best = [f'{class_name(int(i), classes)} ({float(v):.2f})'
                for v, i in zip(values, idx)]
        text = 'prediction: ' + ',  '.join(best)
        if gt is None:
            lines.append(text)
        else:
            lines.append((text, _RIGHT if int(idx[0]) == gt else _WRONG))
    return lines


def draw_compressed_sample(inputs: Dict[str, torch.Tensor],
                           lines: Union[str, Sequence[Caption]] = (),
                           max_gops: int = 5,
                           view: Optional[int] = None) -> np.ndarray:
    """One picture of a packed sample: the streams of one of its views.

    Columns: with GOP-rate I-frames (``T`` I-frames, ``T * kappa``
    P-frames), one per GOP: its I-frame and the motion vectors and residual
    of its middle P-frame; with frame-rate streams (dense clips), frames
    spread evenly over the clip. See
    :func:`~mmaction_imr.visualization.draw_compressed_clip`.

    Args:
        inputs: One sample's packed inputs, ``imgs`` ``[M, 3, T, H, W]``,
            ``motion_vectors`` ``[M, 2, T*kappa, H, W]``, ``residuals``
            ``[M, 3, T*kappa, H, W]`` (any subset), before normalisation.
        lines: Caption lines on top (video, labels, scores).
        max_gops: Columns drawn at most.
        view: Which of the ``M`` views; None = the middle one (the centre
            crop of a three-crop test).

    Returns:
        ``[H', W', 3]`` uint8 RGB.
    """
    if isinstance(lines, str):
        lines = [lines] if lines else []
    streams = {k: inputs[k] for k in (IMGS, MOTION_VECTORS, RESIDUALS)
               if k in inputs}
    if not streams:
        raise ValueError('no stream to draw in the inputs')
    num_views = next(iter(streams.values())).shape[0]
    view = num_views // 2 if view is None else view
    # [T_k, H, W, C] each
    arrays = {k: v[view].permute(1, 2, 3, 0).float().cpu().numpy()
              for k, v in streams.items()}
    num_i = len(arrays[IMGS]) if IMGS in arrays else None
    num_p = max([len(v) for k, v in arrays.items() if k != IMGS] or [0])
    if num_i is not None and num_p and num_p != num_i:
        # GOP rate: column g = I-frame g + middle P-frame of GOP g
        cols = min(num_i, max_gops)
        kappa = max(num_p // num_i, 1)
        picks = {IMGS: list(range(cols))}
        picks.update({k: [min(g * kappa + kappa // 2, len(v) - 1)
                          for g in range(cols)]
                      for k, v in arrays.items() if k != IMGS})
        labels = [f'GOP {g}' for g in range(cols)]
        notes = {k: ['(mid P-frame)'] for k in arrays if k != IMGS}
    else:
        # one rate for all streams: frames spread over the clip
        length = num_i or num_p
        idx = sorted({int(round(i)) for i in np.linspace(
            0, length - 1, min(length, max_gops))})
        picks = {k: idx for k in arrays}
        labels = [f'frame {i}' for i in idx]
        notes = {}
    if num_views > 1 and lines:
        first = lines[0] if isinstance(lines[0], str) else lines[0][0]
        lines = [f'{first}   (view {view} of 0-{num_views - 1})'] + \
            list(lines[1:])
    return draw_compressed_clip(
        iframes=(np.clip(arrays[IMGS][picks[IMGS]], 0, 255).astype(np.uint8)
                 if IMGS in arrays else None),
        motion_vectors=(arrays[MOTION_VECTORS][picks[MOTION_VECTORS]]
                        if MOTION_VECTORS in arrays else None),
        residuals=(arrays[RESIDUALS][picks[RESIDUALS]]
                   if RESIDUALS in arrays else None),
        lines=lines, column_labels=labels, row_notes=notes)


@HOOKS.register_module()
class CompressedVisualizationHook(VisualizationHook):
    """mmaction2's VisualizationHook for dict (multi-stream) inputs.

    Each visualised sample (every ``interval``-th) becomes one picture
    (:func:`draw_compressed_sample`) of the streams of its middle view,
    captioned with the video, the ground truth and the top-3 predicted
    classes with their scores. It goes to the visualizer
    (``Visualizer.add_image``), so every backend of the config's
    ``visualizer`` receives it (LocalVisBackend:
    ``<work_dir>/<timestamp>/vis_data/vis_image/<name>_<step>.png``,
    TensorBoard, W&B ...), and with ``out_dir`` (``tools/test.py
    --show-dir``) it is also written there as ``<name>.png`` (validation:
    ``<name>_<epoch>.png``).

    ``<name>`` is the video's file name without extension, made safe for
    file systems, with its folders prepended when another video of the
    data set has the same stem (``move_left_val_0000``), and
    ``_clip<k>`` added when the data set lists the video more than once;
    without the file name in the data samples (``filename`` in the
    ``meta_keys`` of ``PackActionInputs``) it is the sample's index.

    Class names: ``label_file`` (one name per line, line ``k`` = label
    ``k``), else the ``classes`` of the data set's ``metainfo``, else the
    ``classes.txt`` beside the data set's ``ann_file`` (where
    ``tools/data/make_synthetic.py`` and ``tools/data/build_filelist.py``
    write it); without any, labels are shown as numbers.

    Args:
        enable: Draw at all (``tools/test.py --show-dir`` / ``--show`` set
            it).
        interval: Draw every ``interval``-th sample.
        show: Show each picture in a window.
        out_dir: Also write the pictures to this folder.
        label_file: Class names, one per line.
        wait_time: Seconds a shown window stays (``--wait-time``).
        **kwargs: ``ActionVisualizer.add_datasample`` arguments, for plain
            tensor inputs, which go to the parent hook unchanged.
    """

    def __init__(self,
                 enable: bool = False,
                 interval: int = 1,
                 show: bool = False,
                 out_dir: Optional[str] = None,
                 label_file: Optional[str] = None,
                 wait_time: float = 0.,
                 **kwargs):
        super().__init__(enable, interval, show, out_dir,
                         wait_time=wait_time, **kwargs)
        self.label_file = label_file
        self.wait_time = wait_time
        self.classes: Optional[List[str]] = (read_classes(label_file)
                                             if label_file else None)
        self._names: Dict[str, str] = {}
        self._root: Optional[str] = None
        self._repeats: Counter = Counter()
        self._drawn: Counter = Counter()

    def before_val(self, runner) -> None:
        self._prepare(runner.val_dataloader.dataset)

    def before_test(self, runner) -> None:
        self._prepare(runner.test_dataloader.dataset)

    def _prepare(self, dataset) -> None:
        """Picture names and class names of the data set about to be
        drawn."""
        if not self.enable or not isinstance(dataset, BaseDataset):
            return
        files = [str(dataset.get_data_info(i).get('filename', ''))
                 for i in range(len(dataset))]
        files = [f for f in files if f]
        self._names = unique_names(files)
        self._repeats = Counter(files)
        self._root = (dataset.data_prefix or {}).get('video') or None
        if self.label_file is None:
            classes = dataset.metainfo.get('classes')
            self.classes = (list(classes) if classes else
                            classes_beside(dataset.ann_file))

    def _name(self, sample, sample_id: int, step: int) -> str:
        """The picture's file name (no extension)."""
        if 'filename' not in sample:
            return f'sample_{sample_id:05d}'
        filename = str(sample.filename)
        name = self._names.get(filename) or safe_name(
            osp.splitext(osp.basename(filename))[0])
        k = self._drawn[(filename, step)]
        self._drawn[(filename, step)] += 1
        if self._repeats[filename] > 1 or k:
            name = f'{name}_clip{k}'
        return name

    def _title(self, sample, name: str) -> str:
        """The video as its annotation list names it, for the caption."""
        if 'filename' not in sample:
            return name
        return video_title(sample.filename, self._root)

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
        if self.classes is None and self._visualizer.dataset_meta:
            classes = self._visualizer.dataset_meta.get('classes')
            self.classes = list(classes) if classes else None
        batch_size = len(data_samples)
        start = batch_size * batch_idx
        first = math.ceil(start / self.interval) * self.interval
        for sample_id in range(first, start + batch_size, self.interval):
            i = sample_id - start
            sample = data_samples[i]
            name = self._name(sample, sample_id, step)
            image = draw_compressed_sample(
                {k: v[i] for k, v in inputs.items()},
                [self._title(sample, name)] +
                label_lines(sample, self.classes))
            self._visualizer.add_image(name, image, step=step)
            if self.out_dir is not None:
                out = name if step == 0 else f'{name}_{step}'
                mmcv.imwrite(image[..., ::-1],
                             osp.join(self.out_dir, f'{out}.png'))
            if self.show:
                self._visualizer.show(image, win_name=name,
                                      wait_time=self.wait_time)
