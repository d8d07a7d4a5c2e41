"""Video retrieval by nearest neighbours (the CoCLR / MVCGC protocol).

Every test video queries the train videos: both sets of video features are
centred by their own mean and L2-normalised, compared by cosine similarity,
and Recall@k counts a query as a hit when any of its ``k`` nearest train
videos has the query's class (docs/evaluation.md, "Video retrieval").

Pure torch (no mmengine); the registered wrapper is
:class:`~mmaction_imr.evaluation.retrieval_metric.VideoRetrievalRecall`.
"""
from typing import Dict, Sequence, Tuple, Union

import torch
import torch.nn.functional as F

__all__ = [
    'DEFAULT_TOPK', 'center_normalize', 'concat_normalized',
    'cosine_similarity', 'nearest_neighbors', 'recall_at_k',
    'video_retrieval'
]

#: The k of Recall@k that the papers report.
DEFAULT_TOPK: Tuple[int, ...] = (1, 5, 10, 20, 50)

Features = Union[torch.Tensor, Sequence[torch.Tensor]]


def _as_matrix(x, what: str) -> torch.Tensor:
    x = torch.as_tensor(x)
    if x.dim() != 2 or x.shape[0] == 0:
        raise ValueError(f'{what} must be a non-empty [N, D] matrix, got '
                         f'shape {tuple(x.shape)}')
    return x.double()  # exact ranks for features that differ in low bits


def center_normalize(feats: torch.Tensor, center: bool = True,
                     eps: float = 1e-12) -> torch.Tensor:
    """Subtract the set's mean feature, then scale each row to unit length.

    Centring removes what every video of the set shares (a constant offset
    that the backbone's ReLU features always have); without it cosine
    similarity is dominated by that offset (see the tests).

    Args:
        feats: ``[N, D]`` features of one set (one row per video).
        center: subtract the mean over the ``N`` rows first.
        eps: rows shorter than this become zero (not NaN).

    Returns:
        ``[N, D]`` float64, unit rows (zero rows stay zero).
    """
    feats = _as_matrix(feats, 'feats')
    if center:
        feats = feats - feats.mean(0, keepdim=True)
    return F.normalize(feats, dim=1, eps=eps)


def concat_normalized(parts: Sequence[torch.Tensor],
                      center: bool = True) -> torch.Tensor:
    """Features of several streams: each prepared alone, then concatenated.

    What a two-stream model (e.g. RGB + motion vectors) retrieves with: each
    stream is centred and L2-normalised by itself, so neither dominates by
    its width or scale, and the concatenation is divided by
    ``sqrt(len(parts))`` to keep unit rows.

    Args:
        parts: ``[N, D_i]`` features of the same ``N`` videos.
        center: centre each part by its mean.

    Returns:
        ``[N, sum D_i]`` float64 with unit rows.
    """
    if not parts:
        raise ValueError('parts must hold at least one feature matrix')
    parts = [center_normalize(p, center) for p in parts]
    if len({p.shape[0] for p in parts}) != 1:
        raise ValueError(f'parts have different numbers of rows: '
                         f'{[p.shape[0] for p in parts]}')
    return torch.cat(parts, 1) / len(parts)**0.5


def cosine_similarity(query: torch.Tensor,
                      gallery: torch.Tensor) -> torch.Tensor:
    """``[Q, G]`` dot products of unit rows (cosine similarities)."""
    query, gallery = _as_matrix(query, 'query'), _as_matrix(gallery,
                                                            'gallery')
    if query.shape[1] != gallery.shape[1]:
        raise ValueError(f'query has {query.shape[1]} feature dims, gallery '
                         f'{gallery.shape[1]}')
    return query @ gallery.T


def nearest_neighbors(similarity: torch.Tensor,
                      k: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """The ``k`` most similar gallery entries of each query, best first.

    Ties are broken by the lower gallery index (a stable sort), so the
    result does not depend on the platform.

    Args:
        similarity: ``[Q, G]``.
        k: neighbours per query, clipped to ``G``.

    Returns:
        ``(values, indices)``, each ``[Q, min(k, G)]``.
    """
    k = min(int(k), similarity.shape[1])
    order = torch.sort(similarity, dim=1, descending=True, stable=True)
    return order.values[:, :k], order.indices[:, :k]


def recall_at_k(similarity: torch.Tensor,
                query_labels: torch.Tensor,
                gallery_labels: torch.Tensor,
                topk: Sequence[int] = DEFAULT_TOPK) -> Dict[int, float]:
    """Share of queries with a same-class gallery entry in their top ``k``.

    Args:
        similarity: ``[Q, G]`` query-gallery similarities.
        query_labels: ``[Q]`` class indices.
        gallery_labels: ``[G]`` class indices.
        topk: the ``k`` values; a ``k`` above ``G`` counts the whole gallery
            (it is still reported under its own ``k``).

    Returns:
        ``{k: recall in [0, 1]}``, in ``topk`` order.
    """
    query_labels = torch.as_tensor(query_labels).reshape(-1)
    gallery_labels = torch.as_tensor(gallery_labels).reshape(-1)
    if similarity.shape != (len(query_labels), len(gallery_labels)):
        raise ValueError(
            f'similarity is {tuple(similarity.shape)}, expected '
            f'[{len(query_labels)}, {len(gallery_labels)}] (queries, '
            'gallery)')
    topk = tuple(int(k) for k in topk)
    if not topk or min(topk) < 1:
        raise ValueError(f'topk must be positive integers, got {topk}')
    _, idx = nearest_neighbors(similarity, max(topk))
    hits = gallery_labels[idx] == query_labels[:, None]  # [Q, K]
    # a hit within the first k: cumulative "any"
    first_hit = hits.cumsum(1) > 0
    return {k: float(first_hit[:, min(k, idx.shape[1]) - 1].double().mean())
            for k in topk}


def video_retrieval(query: Features,
                    gallery: Features,
                    query_labels: torch.Tensor,
                    gallery_labels: torch.Tensor,
                    topk: Sequence[int] = DEFAULT_TOPK,
                    center: bool = True) -> Dict[int, float]:
    """The whole protocol: prepare both sets, cosine, Recall@k.

    Args:
        query: ``[Q, D]`` test-video features, or a list of per-stream
            ``[Q, D_i]`` matrices (:func:`concat_normalized`).
        gallery: ``[G, D]`` train-video features (same layout).
        query_labels: ``[Q]``.
        gallery_labels: ``[G]``.
        topk: the ``k`` of Recall@k.
        center: centre each set by its own mean (the protocol); False only
            to show what centring does.

    Returns:
        ``{k: recall}``.
    """
    multi = isinstance(query, (list, tuple))
    if multi != isinstance(gallery, (list, tuple)):
        raise TypeError('query and gallery must both be matrices or both '
                        'lists of per-stream matrices')
    if not multi:
        q, g = center_normalize(query, center), center_normalize(
            gallery, center)
    else:
        q, g = concat_normalized(query, center), concat_normalized(
            gallery, center)
    return recall_at_k(cosine_similarity(q, g), query_labels, gallery_labels,
                       topk)
