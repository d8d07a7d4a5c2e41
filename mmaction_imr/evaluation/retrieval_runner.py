"""The video retrieval protocol end to end: what ``tools/retrieval.py`` runs.

A config names the two views of the data in a ``retrieval`` dict
(``configs/_base_/retrieval/*.py``; docs/evaluation.md)::

    retrieval = dict(
        gallery_dataloader=dict(...),  # train videos, one clip each
        query_dataloader=dict(...),    # test videos, clips at a stride
        evaluator=dict(type='VideoRetrievalRecall'),  # optional
        class_names='data/ucf101/classes.txt',         # optional, pictures
        backbone='backbone')                           # optional

The model is the config's ``model`` with its backbone loaded from a
checkpoint (:func:`~mmaction_imr.evaluation.features.build_feature_model`).
Both sets go through the same backbone; the test videos query the train
videos through mmengine's ``Evaluator`` and ``VideoRetrievalRecall``.
"""
import copy
import os
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.config import Config
from mmengine.evaluator import Evaluator
from mmengine.runner import Runner

from mmaction.registry import DATASETS

from .features import VideoFeatures, build_feature_model, extract_features
from .retrieval import center_normalize, cosine_similarity, nearest_neighbors
from .retrieval_metric import EMBEDDING, GALLERY, QUERY

__all__ = [
    'RetrievalResult', 'check_retrieval_cfg', 'run_retrieval',
    'neighbor_pictures', 'format_table'
]

#: Keys of a config's ``retrieval`` dict (the first two are required).
RETRIEVAL_KEYS = ('gallery_dataloader', 'query_dataloader', 'evaluator',
                  'class_names', 'backbone')
DEFAULT_EVALUATOR = dict(type='VideoRetrievalRecall')


@dataclass
class RetrievalResult:
    """What a retrieval run measured.

    Attributes:
        metrics: the evaluator's output, e.g. ``retrieval/R@1`` in [0, 1].
        query: features of the test videos.
        gallery: features of the train videos.
    """
    metrics: Dict[str, float]
    query: VideoFeatures
    gallery: VideoFeatures


def check_retrieval_cfg(cfg: Config) -> Dict:
    """The config's ``retrieval`` dict, checked.

    Raises:
        ValueError: no ``retrieval`` dict, a required key missing or an
            unknown key (the message names the config file).
    """
    where = cfg.filename or 'the config'
    spec = cfg.get('retrieval')
    if not isinstance(spec, dict):
        raise ValueError(
            f'{where}: no `retrieval` dict; inherit one of '
            'configs/_base_/retrieval/*.py or define gallery_dataloader and '
            'query_dataloader (docs/evaluation.md)')
    missing = [k for k in RETRIEVAL_KEYS[:2] if k not in spec]
    unknown = sorted(set(spec) - set(RETRIEVAL_KEYS))
    if missing or unknown:
        raise ValueError(f'{where}: retrieval dict: missing {missing}, '
                         f'unknown {unknown} (keys: {RETRIEVAL_KEYS})')
    return spec


def _features(model, loader_cfg: Dict, backbone: str,
              progress: bool) -> VideoFeatures:
    loader = Runner.build_dataloader(copy.deepcopy(loader_cfg), seed=0)
    return extract_features(model, loader, backbone, progress)


def run_retrieval(cfg: Config,
                  checkpoint: str,
                  trust: bool = False,
                  device: str = 'cpu',
                  progress: bool = True) -> RetrievalResult:
    """Extract both sets' features and evaluate Recall@k.

    Args:
        cfg: a config with ``model`` and ``retrieval``.
        checkpoint: the model's (or a converted backbone's) checkpoint.
        trust: trust ``checkpoint`` (``--trust-checkpoint``).
        device: where the backbone runs.
        progress: progress bars.

    Returns:
        :class:`RetrievalResult`.
    """
    spec = check_retrieval_cfg(cfg)
    backbone = spec.get('backbone', 'backbone')
    model = build_feature_model(cfg, checkpoint, backbone, trust, device)
    gallery = _features(model, spec['gallery_dataloader'], backbone,
                        progress)
    query = _features(model, spec['query_dataloader'], backbone, progress)
    evaluator = Evaluator(copy.deepcopy(
        spec.get('evaluator') or DEFAULT_EVALUATOR))
    evaluator.process(gallery.data_samples(GALLERY) +
                      query.data_samples(QUERY))
    metrics = evaluator.evaluate(len(gallery) + len(query))
    return RetrievalResult(dict(metrics), query, gallery)


def _read_classes(spec: Dict) -> Optional[List[str]]:
    path = spec.get('class_names')
    if path is None:
        return None
    if isinstance(path, (list, tuple)):
        return [str(c) for c in path]
    from mmaction_imr.prepare.filelist import read_classes
    return read_classes(path)


def _iframes(dataset, index: int) -> Optional[np.ndarray]:
    """``[T, H, W, 3]`` uint8 I-frames of the middle view of a video."""
    inputs = dataset[index]['inputs']
    clips = inputs.get('imgs') if isinstance(inputs, dict) else inputs
    if clips is None or clips.dim() != 5 or clips.shape[1] != 3:
        return None  # no RGB clip [M, 3, T, H, W] to draw
    clip = clips[clips.shape[0] // 2]
    return clip.permute(1, 2, 3, 0).clamp(0, 255).to(torch.uint8).numpy()


def neighbor_pictures(cfg: Config,
                      result: RetrievalResult,
                      out_dir: str,
                      num_show: int = 5,
                      k: int = 5,
                      feature: str = EMBEDDING) -> List[str]:
    """One picture per query for ``num_show`` queries spread over the test
    set: its I-frames and those of its ``k`` nearest train videos, with
    classes and cosine similarities (the paper's Appendix D figures).

    Returns:
        The paths written (none when the data has no RGB I-frames).
    """
    import cv2

    from mmaction_imr.visualization import draw_retrieval
    spec = check_retrieval_cfg(cfg)
    classes = _read_classes(spec)
    q = center_normalize(result.query.features[feature])
    g = center_normalize(result.gallery.features[feature])
    sims, idx = nearest_neighbors(cosine_similarity(q, g), k)
    datasets = {
        role: DATASETS.build(
            copy.deepcopy(spec[f'{role}_dataloader']['dataset']))
        for role in (QUERY, GALLERY)
    }

    def name(label: int) -> str:
        return classes[label] if classes and 0 <= label < len(
            classes) else str(label)

    os.makedirs(out_dir, exist_ok=True)
    written = []
    num_queries = len(result.query)
    chosen = sorted({int(round(i)) for i in np.linspace(
        0, num_queries - 1, min(num_show, num_queries))}) if num_show else []
    for qi in chosen:
        frames = _iframes(datasets[QUERY], qi)
        if frames is None:
            return written
        neighbors = [_iframes(datasets[GALLERY], int(j)) for j in idx[qi]]
        img = draw_retrieval(
            frames, name(int(result.query.labels[qi])), neighbors,
            [name(int(result.gallery.labels[j])) for j in idx[qi]],
            sims[qi].tolist())
        info = datasets[QUERY].get_data_info(qi)
        stem = osp.splitext(osp.basename(str(info.get('filename', qi))))[0]
        path = osp.join(out_dir, f'query_{qi:04d}_{stem}.png')
        if not cv2.imwrite(path, img[..., ::-1]):
            raise OSError(f'{path}: could not write the image')
        written.append(path)
    return written


def format_table(metrics: Dict[str, float],
                 prefix: str = 'retrieval/') -> str:
    """The metrics as a table in percent: one row per feature, one column
    per ``k``."""
    rows: Dict[str, Dict[str, float]] = {}
    for key, value in metrics.items():
        name = key[len(prefix):] if key.startswith(prefix) else key
        feat, _, rk = name.rpartition('/')
        rows.setdefault(feat or EMBEDDING, {})[rk] = value
    cols: Sequence[str] = list(dict.fromkeys(c for r in rows.values()
                                             for c in r))
    width = max(len(r) for r in rows) + 2
    lines = [''.ljust(width) + ''.join(c.rjust(8) for c in cols)]
    for feat, vals in rows.items():
        lines.append(feat.ljust(width) + ''.join(
            (f'{100 * vals[c]:.1f}' if c in vals else '-').rjust(8)
            for c in cols))
    return '\n'.join(lines)
