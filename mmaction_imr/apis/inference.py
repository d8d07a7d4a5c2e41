"""Build a model from its config and run it on one video.

The counterpart of ``mmaction.apis.init_recognizer`` /
``inference_recognizer`` for compressed-video models: the clip is made by
the config's own ``test_pipeline`` (``Compose(cfg.test_pipeline)``), so it
is exactly what ``tools/test.py`` feeds the model (same GOPs, crops,
streams), then batched with ``pseudo_collate`` and passed to
``model.test_step``, which applies the model's data preprocessor.

Checkpoints are loaded with mmengine's ``load_checkpoint``, so the
project's checkpoint trust policy applies (see
:mod:`mmaction_imr.engine.checkpoint`): a weights-only file loads anywhere,
a full pickle only from a trusted place, e.g. inside
``with trust_checkpoints([path]):``.
"""
import copy
import os.path as osp
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple, Union

import numpy as np
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint

import mmaction_imr.register  # noqa: F401  (the registries the configs name)
from mmaction.structures import ActionDataSample
from mmaction_imr.models.selfsup import IMRSelfSup
from mmaction_imr.pretext.pmsp import (PMSPLevel, cell_box, pmsp_labels,
                                       pmsp_levels)
from mmaction_imr.streams import IMGS, MOTION_VECTORS

__all__ = [
    'init_model', 'prepare_clip', 'inference_recognizer', 'inference_pmsp',
    'PMSPResult'
]

ConfigLike = Union[str, Path, Config]


def init_model(config: ConfigLike,
               checkpoint: Optional[str] = None,
               device: Union[str, torch.device] = 'cpu',
               cfg_options: Optional[Dict] = None) -> nn.Module:
    """Build the model of a config, load its weights, in eval mode.

    Args:
        config: a config file or a loaded :class:`~mmengine.config.Config`.
        checkpoint: weights to load (mmengine ``load_checkpoint``: a local
            path or URL, under the project's trust policy); None keeps the
            freshly built weights (``init_weights`` is not called, so a
            ``pretrained`` backbone is not loaded either).
        device: where the model goes. Defaults to ``'cpu'``.
        cfg_options: overrides merged into the config first, as
            ``--cfg-options`` of ``tools/test.py``, e.g.
            ``{'model.backbone.fusion.connection': 'none'}``.

    Returns:
        The model, with the merged config as ``model.cfg`` (read by
        :func:`inference_recognizer` and :func:`inference_pmsp`).

    Raises:
        TypeError: ``config`` is neither a path nor a Config.
        ValueError: the config has no ``model``.
    """
    if isinstance(config, (str, Path)):
        config = Config.fromfile(str(config))
    elif not isinstance(config, Config):
        raise TypeError(f'config must be a file name or a Config, got '
                        f'{type(config).__name__}')
    else:
        config = copy.deepcopy(config)
    if cfg_options:
        config.merge_from_dict(cfg_options)
    if 'model' not in config:
        raise ValueError(f'{config.filename or "the config"}: no `model`')
    init_default_scope(config.get('default_scope', 'mmaction'))
    from mmaction.registry import MODELS
    model = MODELS.build(config.model)
    if checkpoint is not None:
        load_checkpoint(model, checkpoint, map_location='cpu')
    model.cfg = config
    return model.to(device).eval()


def _test_pipeline(model: nn.Module) -> Compose:
    cfg = getattr(model, 'cfg', None)
    if cfg is None:
        raise ValueError('the model has no `cfg`: build it with init_model '
                         'or pass test_pipeline')
    if 'test_pipeline' not in cfg:
        raise ValueError(f'{cfg.filename or "the config"}: no '
                         '`test_pipeline` to make the clip with')
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    return Compose(cfg.test_pipeline)


def prepare_clip(model: nn.Module,
                 video: Union[str, Dict],
                 test_pipeline: Optional[Compose] = None) -> Dict:
    """The batch of one clip that ``model.test_step`` takes.

    Args:
        model: built by :func:`init_model` (its ``cfg.test_pipeline`` is
            used unless ``test_pipeline`` is given).
        video: a video file, or a results dict for the pipeline (e.g.
            ``dict(filename=..., label=-1)``).
        test_pipeline: a pipeline to use instead of the config's.

    Returns:
        ``dict(inputs=..., data_samples=[...])``, collated by
        ``pseudo_collate``: ``inputs[key]`` is a list of one
        ``[M, C, T', H, W]`` tensor per stream (M views, e.g. 3 crops),
        before the data preprocessor.

    Raises:
        FileNotFoundError: no such video.
        ValueError: the pipeline dropped the clip.
    """
    if test_pipeline is None:
        test_pipeline = _test_pipeline(model)
    if isinstance(video, dict):
        results = dict(video)
    else:
        if not osp.isfile(video):
            raise FileNotFoundError(f'{video}: no such video file')
        results = dict(filename=str(video), label=-1, start_index=0,
                       modality='RGB')
    name = results.get('filename', 'the video')
    data = test_pipeline(results)
    if data is None:
        raise ValueError(f'{name}: the test pipeline dropped the clip')
    return pseudo_collate([data])


@torch.no_grad()
def inference_recognizer(model: nn.Module,
                         video: Union[str, Dict],
                         test_pipeline: Optional[Compose] = None
                         ) -> ActionDataSample:
    """Recognise the action in a video, like mmaction's function.

    Args:
        model: a recognizer from :func:`init_model`.
        video: a video file (or a results dict, see :func:`prepare_clip`).
        test_pipeline: a pipeline to use instead of ``model.cfg``'s.

    Returns:
        The data sample of ``model.test_step``: ``pred_score``
        ``[num_classes]`` (averaged over the views as the head's
        ``average_clips`` says) and ``pred_label``.
    """
    return model.test_step(prepare_clip(model, video, test_pipeline))[0]


@dataclass(frozen=True)
class PMSPResult:
    """PMSP labels and predictions of one clip, view by view.

    Attributes:
        imgs: ``[M, T, H, W, 3]`` uint8 RGB I-frames of each view, as the
            model saw them (after the pipeline, before normalisation).
        levels: what each label column is, ``L`` entries
            (:func:`~mmaction_imr.pretext.pmsp_levels` order).
        gt_labels: ``[M, L]`` int64 ground-truth cells, from the view's
            motion vectors.
        pred_labels: ``[M, L]`` int64 predicted cells.
        spatial: grid sizes of the model's PMSP head.
        temporal: temporal scales of the model's PMSP head.
    """
    imgs: np.ndarray
    levels: Tuple[PMSPLevel, ...]
    gt_labels: np.ndarray
    pred_labels: np.ndarray
    spatial: Tuple[int, ...]
    temporal: Tuple[int, ...]

    def boxes(self, labels: np.ndarray) -> np.ndarray:
        """Pixel boxes of ``[M, L]`` cell labels.

        Returns:
            ``[M, L, 4]`` int64 ``(x0, y0, x1, y1)`` (x1, y1 exclusive) in
            the frames of :attr:`imgs`.
        """
        h, w = self.imgs.shape[2:4]
        return np.array([[cell_box(h, w, lv.s, int(lab))
                          for lv, lab in zip(self.levels, row)]
                         for row in np.asarray(labels)], np.int64)

    @property
    def gt_boxes(self) -> np.ndarray:
        """``[M, L, 4]`` boxes of the ground-truth cells."""
        return self.boxes(self.gt_labels)

    @property
    def pred_boxes(self) -> np.ndarray:
        """``[M, L, 4]`` boxes of the predicted cells."""
        return self.boxes(self.pred_labels)

    @property
    def accuracy(self) -> float:
        """Fraction of label columns predicted right, over all views."""
        return float((self.gt_labels == self.pred_labels).mean())


@torch.no_grad()
def inference_pmsp(model: nn.Module,
                   video: Union[str, Dict],
                   test_pipeline: Optional[Compose] = None) -> PMSPResult:
    """Pretext inference: PMSP cells of a video, true and predicted.

    The clip is not transformed by CTP (unlike ``IMRSelfSup.predict``, which
    draws a CTP type per clip): the model sees the aligned clip, and the
    ground truth is computed from its motion vectors as in training.

    Args:
        model: an ``IMRSelfSup`` with a PMSP head, from :func:`init_model`.
        video: a video file (or a results dict, see :func:`prepare_clip`).
        test_pipeline: a pipeline to use instead of ``model.cfg``'s.

    Returns:
        :class:`PMSPResult`.

    Raises:
        ValueError: the model has no PMSP head, or the pipeline does not
            give the I-frames and motion vectors.
    """
    if not isinstance(model, IMRSelfSup) or not model.with_pmsp:
        raise ValueError(f'{type(model).__name__} is not an IMRSelfSup with '
                         'a PMSP head')
    head = model.pmsp_head
    data = prepare_clip(model, video, test_pipeline)
    missing = [k for k in (IMGS, MOTION_VECTORS) if k not in data['inputs']]
    if missing:
        raise ValueError(f'the test pipeline gives no {", ".join(missing)} '
                         '(PMSP needs the I-frames and the motion vectors)')
    imgs = data['inputs'][IMGS][0]  # [M, 3, T, H, W]
    num_gops = int(imgs.shape[2])
    batch = model.data_preprocessor(data, False)
    pred = head.predict(model.extract_feat(batch['inputs']), num_gops)
    # labels of the un-normalised field (the definition); the normalised
    # one the model sees gives the same labels
    mv = data['inputs'][MOTION_VECTORS][0].float()  # [M, 2, T*kappa, H, W]
    gt = pmsp_labels(mv, num_gops, head.spatial, head.temporal)
    frames = imgs.permute(0, 2, 3, 4, 1).clamp(0, 255).to(torch.uint8)
    return PMSPResult(
        imgs=frames.cpu().numpy(),
        levels=tuple(pmsp_levels(num_gops, head.spatial, head.temporal)),
        gt_labels=gt.cpu().numpy().astype(np.int64),
        pred_labels=pred.cpu().numpy().astype(np.int64),
        spatial=tuple(head.spatial),
        temporal=tuple(head.temporal))
