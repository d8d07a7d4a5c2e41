"""Video retrieval Recall@k as an mmengine metric."""
from collections import OrderedDict
from typing import Any, Dict, List, Mapping, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from mmaction.registry import METRICS
from .retrieval import DEFAULT_TOPK, video_retrieval

__all__ = ['VideoRetrievalRecall', 'QUERY', 'GALLERY', 'EMBEDDING']

#: ``retrieval_set`` of a test video (it queries the gallery).
QUERY = 'query'
#: ``retrieval_set`` of a train video (it is searched).
GALLERY = 'gallery'
#: The feature reported without a name prefix: the backbone's whole pooled
#: embedding (:func:`mmaction_imr.evaluation.features.extract_features`).
EMBEDDING = 'embedding'


def _to_numpy(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().double().numpy()
    return np.asarray(x, dtype=np.float64)


def _label(ds: Mapping) -> int:
    label = ds.get('gt_label')
    if label is None:
        raise ValueError('VideoRetrievalRecall: a data sample has no '
                         'gt_label (retrieval needs the class of every '
                         'video)')
    label = np.asarray(_to_numpy(label)).reshape(-1)
    if label.size != 1:
        raise ValueError(f'VideoRetrievalRecall: gt_label must be one class '
                         f'index, got {label.size} values')
    return int(label[0])


@METRICS.register_module()
class VideoRetrievalRecall(BaseMetric):
    """Recall@k of test videos querying train videos (docs/evaluation.md).

    Each data sample is one video (its clips already averaged) with

    - ``features``: ``{name: [D] tensor}``, e.g. ``embedding`` (the
      backbone's pooled embedding) and one entry per pathway;
    - ``gt_label``: its class;
    - ``retrieval_set``: :data:`QUERY` (test video) or :data:`GALLERY`
      (train video).

    :func:`mmaction_imr.evaluation.features.extract_features` makes them;
    ``tools/retrieval.py`` feeds them through mmengine's ``Evaluator``.
    Each feature is retrieved on its own
    (:func:`~mmaction_imr.evaluation.retrieval.video_retrieval`: each set
    centred by its own mean, L2, cosine). Reported (``prefix`` 'retrieval'
    by default), in [0, 1]:

    - ``R@k`` for the ``embedding`` feature, ``{name}/R@k`` for the others;
    - ``{name}/R@k`` for each entry of ``combined``.

    Args:
        topk (Sequence[int]): the ``k`` values. Defaults to
            (1, 5, 10, 20, 50).
        center (bool): centre each set by its mean (the protocol). False
            only to measure what centring does. Defaults to True.
        combined (dict, optional): ``{name: (feature, feature, ...)}``:
            retrieve with the concatenation of the named features, each
            centred and L2-normalised alone first (how two-stream models
            are evaluated, e.g. ``dict(two_stream=('rgb', 'mv'))``).
        collect_device (str): ``'cpu'`` or ``'gpu'``.
        prefix (str, optional): metric name prefix. Defaults to
            ``'retrieval'``.
    """
    default_prefix: Optional[str] = 'retrieval'

    def __init__(self,
                 topk: Sequence[int] = DEFAULT_TOPK,
                 center: bool = True,
                 combined: Optional[Dict[str, Sequence[str]]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        topk = tuple(int(k) for k in topk)
        if not topk or min(topk) < 1:
            raise ValueError(f'topk must be positive integers, got {topk}')
        self.topk = topk
        self.center = bool(center)
        self.combined = {str(k): tuple(v)
                         for k, v in (combined or {}).items()}
        for name, parts in self.combined.items():
            if not parts:
                raise ValueError(f'combined[{name!r}] names no feature')

    def process(self, data_batch: Any, data_samples: Sequence[Mapping]
                ) -> None:
        """Keep each video's set, class and features."""
        for ds in data_samples:
            role = ds.get('retrieval_set')
            if role not in (QUERY, GALLERY):
                raise ValueError(
                    f'VideoRetrievalRecall: retrieval_set must be '
                    f'{QUERY!r} or {GALLERY!r}, got {role!r}')
            feats = ds.get('features')
            if not isinstance(feats, Mapping) or not feats:
                raise ValueError('VideoRetrievalRecall: a data sample has '
                                 'no features dict')
            self.results.append(
                dict(role=role, label=_label(ds),
                     features={k: _to_numpy(v).reshape(-1)
                               for k, v in feats.items()}))

    def _stack(self, results: List[Dict], name: str) -> torch.Tensor:
        try:
            return torch.from_numpy(
                np.stack([r['features'][name] for r in results]))
        except KeyError:
            raise KeyError(f'VideoRetrievalRecall: feature {name!r} missing '
                           f'from some videos (have '
                           f'{sorted(results[0]["features"])})') from None

    def compute_metrics(self, results: List[Dict]) -> Dict[str, float]:
        query = [r for r in results if r['role'] == QUERY]
        gallery = [r for r in results if r['role'] == GALLERY]
        if not query or not gallery:
            raise ValueError(f'VideoRetrievalRecall needs query and gallery '
                             f'videos, got {len(query)} and {len(gallery)}')
        q_labels = torch.tensor([r['label'] for r in query])
        g_labels = torch.tensor([r['label'] for r in gallery])
        names = list(query[0]['features'])
        # the whole embedding first: save_best and summaries rank by it
        names.sort(key=lambda n: n != EMBEDDING)
        metrics = OrderedDict()
        for name in names:
            recall = video_retrieval(
                self._stack(query, name), self._stack(gallery, name),
                q_labels, g_labels, self.topk, self.center)
            key = '' if name == EMBEDDING else f'{name}/'
            metrics.update((f'{key}R@{k}', v) for k, v in recall.items())
        for name, parts in self.combined.items():
            recall = video_retrieval(
                [self._stack(query, p) for p in parts],
                [self._stack(gallery, p) for p in parts], q_labels,
                g_labels, self.topk, self.center)
            metrics.update((f'{name}/R@{k}', v) for k, v in recall.items())
        return metrics
