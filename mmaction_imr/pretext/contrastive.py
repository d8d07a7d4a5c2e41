"""Contrastive losses and positive mining (pure torch, no mmengine).

The maths behind the contrastive pretexts (docs/design.md, "InfoNCE" and
"MVCGC"):

- :func:`info_nce`: MoCo's InfoNCE, one positive key per query against a
  queue of negatives.
- :func:`multi_positive_info_nce` / :func:`multi_positive_nce`: the
  multi-instance InfoNCE of CoCLR and MVCGC, ``-log`` of the softmax mass
  summed over a *set* of positives.
- :func:`topk_mask` and :func:`mine_positives`: MVCGC's cross guidance,
  the queue entries in the top ``k`` of two similarity matrices at once.

Every embedding is expected L2-normalised, so a dot product is a cosine
similarity in ``[-1, 1]``; ``temperature`` divides it before the softmax.
"""
from typing import Optional

import torch
import torch.nn.functional as F

__all__ = [
    'contrast_logits', 'info_nce', 'multi_positive_nce',
    'multi_positive_info_nce', 'topk_mask', 'mine_positives'
]


def _check_temperature(temperature: float) -> None:
    if not temperature > 0:
        raise ValueError(f'temperature must be > 0, got {temperature}')


def contrast_logits(q: torch.Tensor, k: torch.Tensor, queue: torch.Tensor,
                    temperature: float) -> torch.Tensor:
    """MoCo logits: each query against its own key, then the queue.

    Args:
        q: queries ``[B, D]``.
        k: keys ``[B, D]``, row ``i`` the key of query ``i``.
        queue: keys of earlier batches ``[K, D]``.
        temperature: softmax temperature (> 0).

    Returns:
        ``[B, 1 + K]``: column 0 is ``q_i . k_i``, column ``1 + j`` is
        ``q_i . queue_j``, all divided by ``temperature``.
    """
    _check_temperature(temperature)
    if q.ndim != 2 or k.shape != q.shape or queue.ndim != 2 or \
            queue.shape[1] != q.shape[1]:
        raise ValueError(f'expected q, k [B, D] and queue [K, D], got '
                         f'{tuple(q.shape)}, {tuple(k.shape)}, '
                         f'{tuple(queue.shape)}')
    own = (q * k).sum(dim=1, keepdim=True)  # [B, 1]
    return torch.cat([own, q @ queue.t()], dim=1) / temperature


def info_nce(q: torch.Tensor, k: torch.Tensor, queue: torch.Tensor,
             temperature: float) -> torch.Tensor:
    """InfoNCE with one positive (MoCo): cross-entropy towards the own key.

    ``loss_i = -log(exp(q_i.k_i / t) / (exp(q_i.k_i / t) +
    sum_j exp(q_i.queue_j / t)))``, averaged over the batch.

    Args:
        q, k, queue, temperature: see :func:`contrast_logits`.

    Returns:
        Scalar loss.
    """
    logits = contrast_logits(q, k, queue, temperature)
    target = logits.new_zeros(logits.shape[0], dtype=torch.long)
    return F.cross_entropy(logits, target)


def multi_positive_nce(logits: torch.Tensor,
                       pos_mask: torch.Tensor) -> torch.Tensor:
    """Multi-positive InfoNCE on precomputed logits.

    ``loss_i = -log(sum_{j in P_i} softmax(logits_i)_j)``, averaged over the
    rows, computed as ``logsumexp(all) - logsumexp(positives)`` so that it
    stays finite for large logits.

    Args:
        logits: ``[B, M]`` similarities already divided by the temperature.
        pos_mask: ``[B, M]`` bool, ``True`` on the positives of each row.

    Returns:
        Scalar loss.

    Raises:
        ValueError: shapes differ or a row has no positive.
    """
    if logits.ndim != 2 or pos_mask.shape != logits.shape:
        raise ValueError(f'expected logits and pos_mask [B, M], got '
                         f'{tuple(logits.shape)}, {tuple(pos_mask.shape)}')
    pos_mask = pos_mask.bool()
    if not bool(pos_mask.any(dim=1).all()):
        rows = (~pos_mask.any(dim=1)).nonzero().flatten().tolist()
        raise ValueError(f'rows {rows} of pos_mask have no positive')
    pos = logits.masked_fill(~pos_mask, float('-inf'))
    return (logits.logsumexp(dim=1) - pos.logsumexp(dim=1)).mean()


def multi_positive_info_nce(q: torch.Tensor, keys: torch.Tensor,
                            pos_mask: torch.Tensor,
                            temperature: float) -> torch.Tensor:
    """Multi-positive InfoNCE of queries against a shared set of keys.

    Args:
        q: queries ``[B, D]``.
        keys: candidate keys ``[M, D]`` shared by every query.
        pos_mask: ``[B, M]`` bool, the positives of each query.
        temperature: softmax temperature (> 0).

    Returns:
        Scalar loss: ``-log`` of the softmax mass of ``q_i . keys / t`` on
        the positives of row ``i``, averaged over the batch. With exactly
        one positive per row it is the usual InfoNCE.
    """
    _check_temperature(temperature)
    if q.ndim != 2 or keys.ndim != 2 or keys.shape[1] != q.shape[1]:
        raise ValueError(f'expected q [B, D] and keys [M, D], got '
                         f'{tuple(q.shape)}, {tuple(keys.shape)}')
    return multi_positive_nce(q @ keys.t() / temperature, pos_mask)


def topk_mask(sim: torch.Tensor, k: int,
              exclude_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
    """The ``k`` most similar entries of each row, as a mask.

    Args:
        sim: ``[B, K]`` similarities.
        k: entries kept per row (>= 1). Rows with fewer than ``k`` eligible
            entries keep all of them.
        exclude_mask: ``[B, K]`` bool, ``True`` on entries that may not be
            chosen (they do not count towards the ``k``).

    Returns:
        ``[B, K]`` bool.
    """
    if k < 1:
        raise ValueError(f'k must be >= 1, got {k}')
    if sim.ndim != 2:
        raise ValueError(f'expected sim [B, K], got {tuple(sim.shape)}')
    if exclude_mask is None:
        exclude_mask = torch.zeros_like(sim, dtype=torch.bool)
    elif exclude_mask.shape != sim.shape:
        raise ValueError(f'exclude_mask {tuple(exclude_mask.shape)} does not '
                         f'match sim {tuple(sim.shape)}')
    exclude_mask = exclude_mask.bool()
    k = min(k, sim.shape[1])
    ranked = sim.masked_fill(exclude_mask, float('-inf'))
    index = ranked.topk(k, dim=1).indices
    mask = torch.zeros_like(exclude_mask).scatter_(1, index, True)
    # a row with fewer than k eligible entries picked excluded ones too
    return mask & ~exclude_mask


def mine_positives(sim_a: torch.Tensor,
                   sim_b: torch.Tensor,
                   k: int,
                   exclude_mask: Optional[torch.Tensor] = None
                   ) -> torch.Tensor:
    """Entries in the top ``k`` of ``sim_a`` AND in the top ``k`` of
    ``sim_b`` (MVCGC's cross guidance).

    For MVCGC, ``sim_a`` is an RGB query against the RGB key queue and
    ``sim_b`` the MV query of the same clip against the MV key queue, both
    queues index-aligned: an entry is mined when both modalities find it
    near. ``mine_positives(s, s, k)`` is the plain top ``k`` of one
    modality (CoCLR's guide).

    Args:
        sim_a, sim_b: ``[B, K]`` similarities to the same ``K`` entries.
        k: size of each top-k set (>= 1).
        exclude_mask: ``[B, K]`` bool, entries never mined and not counted
            in either top ``k`` (e.g. clips of the query's own video, empty
            queue slots).

    Returns:
        ``[B, K]`` bool, at most ``k`` entries per row.
    """
    if sim_a.shape != sim_b.shape:
        raise ValueError(f'sim_a {tuple(sim_a.shape)} and sim_b '
                         f'{tuple(sim_b.shape)} differ')
    return topk_mask(sim_a, k, exclude_mask) & topk_mask(
        sim_b, k, exclude_mask)
