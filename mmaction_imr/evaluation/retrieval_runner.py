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
import warnings
from collections import Counter
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
    """``class_names`` of the retrieval dict (a file or a list), else the
    ``classes.txt`` beside the query (test) annotation list, if any.

    A ``class_names`` file that does not exist (a config's default path,
    with the data somewhere else) is reported and passed over: the pictures
    are not worth stopping for after the features are computed.
    """
    from mmaction_imr.prepare.filelist import classes_beside, read_classes
    path = spec.get('class_names')
    if isinstance(path, (list, tuple)):
        return [str(c) for c in path]
    if path and osp.isfile(path):
        return read_classes(path)
    beside = classes_beside(
        spec['query_dataloader'].get('dataset', {}).get('ann_file'))
    if path:
        warnings.warn(f'retrieval.class_names: {path}: no such file; class '
                      + ('names from the classes.txt beside the test list'
                         if beside else 'numbers') + ' in the pictures')
    return beside


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
    classes, videos and cosine similarities (the paper's Appendix D
    figures), written as ``<video>.png`` (the query video's stem, its
    folders prepended when another test video has the same stem).

    Class names: the ``class_names`` of the retrieval dict, else the
    ``classes.txt`` beside the query annotation list; else numbers.

    Returns:
        The paths written (none when the data has no RGB I-frames).
    """
    from mmaction_imr.visualization import draw_retrieval
    from mmaction_imr.visualization.layout import save_image
    from mmaction_imr.visualization.names import (class_name, unique_names,
                                                  video_title)
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

    def filename(role: str, index: int) -> str:
        return str(datasets[role].get_data_info(index).get('filename',
                                                             index))

    def video(role: str, index: int) -> str:
        return video_title(filename(role, index),
                           (datasets[role].data_prefix or {}).get('video'))

    os.makedirs(out_dir, exist_ok=True)
    written = []
    num_queries = len(result.query)
    chosen = sorted({int(round(i)) for i in np.linspace(
        0, num_queries - 1, min(num_show, num_queries))}) if num_show else []
    files = [filename(QUERY, i) for i in range(len(datasets[QUERY]))]
    names, repeats, seen = unique_names(files), Counter(files), Counter()
    picture = []  # per query: its name, _clip<k> for a repeated video
    for f in files:
        picture.append(names[f] + (f'_clip{seen[f]}' if repeats[f] > 1
                                   else ''))
        seen[f] += 1
    for qi in chosen:
        frames = _iframes(datasets[QUERY], qi)
        if frames is None:
            return written
        neighbors = [_iframes(datasets[GALLERY], int(j)) for j in idx[qi]]
        img = draw_retrieval(
            frames, class_name(int(result.query.labels[qi]), classes),
            neighbors,
            [class_name(int(result.gallery.labels[j]), classes)
             for j in idx[qi]],
            sims[qi].tolist(),
            query_name=video(QUERY, qi),
            neighbor_names=[video(GALLERY, int(j)) for j in idx[qi]])
        path = osp.join(out_dir, f'{picture[qi]}.png')
        save_image(path, img)
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
