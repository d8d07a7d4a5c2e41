"""CTP: correspondence type prediction transforms (paper 2.2, Figure 4).

Pure torch, no mmengine. Each clip of a batch gets one transformation type,
drawn uniformly from ``types``; the transformation moves whole GOPs (blocks
of ``kappa`` consecutive P-frames along the T axis) of the P-frame streams
(motion vectors and residuals, moved together); the I-frames stay. The label
of a clip is the index of its type in ``types``.

Types (docs/design.md#ctp):

- ``'aligned'``: unchanged.
- ``'random'``: the P-frames of another clip ``j != i`` of the batch, drawn
  uniformly among the others (its untransformed P-frames). The batch cannot
  tell whether two clips come from the same video: with a sampler that draws
  one clip per video (mmaction's default) they never do. With a batch of one
  clip there is no other clip: ``'random'`` is then left out of the draw (the
  clip gets one of the remaining types, uniformly), so a last, incomplete
  batch of size 1 does not crash training.
- ``'shuffle'``: GOPs permuted by a uniformly drawn permutation that is never
  the identity (rejection sampling). A few shuffles are also rotations (4 of
  the 119 at T = 5; at T = 2 the only shuffle *is* the shift): the type is
  defined as "any order but the original one", nothing narrower.
- ``'shift'``: GOPs rotated left by ``k`` drawn uniformly in ``[1, T - 1]``:
  output GOP ``g`` is input GOP ``(g + k) % T`` (k = 1: 12345 -> 23451).

CTP(Binary) is ``types=('aligned', 'random')``.

Randomness comes from ``generator`` (a CPU ``torch.Generator``), or, when it
is None, from torch's global RNG, which mmengine seeds (``randomness.seed`` /
``--seed``); either way the same seed gives the same transforms.
"""
from typing import NamedTuple, Optional, Sequence, Tuple

import torch

__all__ = [
    'CTP_TYPES', 'CTP_BINARY_TYPES', 'CTPPlan', 'ctp_plan', 'apply_ctp_plan',
    'ctp_transform'
]

CTP_TYPES = ('aligned', 'random', 'shuffle', 'shift')
CTP_BINARY_TYPES = ('aligned', 'random')


class CTPPlan(NamedTuple):
    """Where every output GOP comes from.

    Attributes:
        labels: ``[N]`` long, index of the clip's type in ``types``.
        src_clip: ``[N, T]`` long, clip the output GOP is taken from.
        src_gop: ``[N, T]`` long, GOP of that clip.
    """
    labels: torch.Tensor
    src_clip: torch.Tensor
    src_gop: torch.Tensor


def _check_types(types: Sequence[str], num_gops: int) -> Tuple[str, ...]:
    types = tuple(types)
    unknown = [t for t in types if t not in CTP_TYPES]
    if unknown or len(set(types)) != len(types) or len(types) < 2:
        raise ValueError(f'CTP types must be at least two distinct names of '
                         f'{CTP_TYPES}, got {types}')
    if num_gops < 2 and {'shuffle', 'shift'} & set(types):
        raise ValueError(f"'shuffle' / 'shift' need num_gops >= 2, got "
                         f'{num_gops}')
    return types


def _randint(high: int, generator: Optional[torch.Generator]) -> int:
    """Uniform integer in ``[0, high)``."""
    return int(torch.randint(high, (1, ), generator=generator))


def ctp_plan(batch_size: int,
             num_gops: int,
             types: Sequence[str] = CTP_TYPES,
             generator: Optional[torch.Generator] = None) -> CTPPlan:
    """Draw a type and its parameters for each clip of a batch.

    Args:
        batch_size: ``N``.
        num_gops: ``T``.
        types: subset of :data:`CTP_TYPES`, in label order.
        generator: CPU generator; None = torch's global RNG.

    Returns:
        :class:`CTPPlan` on the CPU.
    """
    types = _check_types(types, num_gops)
    if batch_size < 1:
        raise ValueError(f'batch_size must be >= 1, got {batch_size}')
    drawable = [i for i, t in enumerate(types)
                if not (t == 'random' and batch_size == 1)]
    labels = torch.empty(batch_size, dtype=torch.long)
    src_clip = torch.arange(batch_size)[:, None].repeat(1, num_gops)
    src_gop = torch.arange(num_gops)[None].repeat(batch_size, 1)
    identity = torch.arange(num_gops)
    for i in range(batch_size):
        label = drawable[_randint(len(drawable), generator)]
        labels[i] = label
        kind = types[label]
        if kind == 'random':
            src_clip[i] = (i + 1 + _randint(batch_size - 1, generator)) \
                % batch_size
        elif kind == 'shuffle':
            perm = identity
            while torch.equal(perm, identity):
                perm = torch.randperm(num_gops, generator=generator)
            src_gop[i] = perm
        elif kind == 'shift':
            k = 1 + _randint(num_gops - 1, generator)
            src_gop[i] = (identity + k) % num_gops
    return CTPPlan(labels, src_clip, src_gop)


def apply_ctp_plan(x: torch.Tensor, plan: CTPPlan,
                   num_gops: int) -> torch.Tensor:
    """Rearrange the GOPs of a P-frame stream as planned.

    Args:
        x: ``[N, C, T * kappa, H, W]``.
        plan: from :func:`ctp_plan` with the same ``N`` and ``T``.
        num_gops: ``T``.

    Returns:
        ``[N, C, T * kappa, H, W]``, a new tensor.
    """
    if x.ndim != 5 or x.shape[2] % num_gops:
        raise ValueError(f'expected [N, C, T * kappa, H, W] with T_P a '
                         f'multiple of num_gops={num_gops}, got '
                         f'{tuple(x.shape)}')
    n, c, tp, h, w = x.shape
    if tuple(plan.src_clip.shape) != (n, num_gops):
        raise ValueError(f'plan is for {tuple(plan.src_clip.shape)} '
                         f'(clips, GOPs), tensor has {n} clips of '
                         f'{num_gops} GOPs')
    gops = x.reshape(n, c, num_gops, tp // num_gops, h, w).transpose(1, 2)
    out = gops[plan.src_clip.to(x.device), plan.src_gop.to(x.device)]
    return out.transpose(1, 2).reshape(n, c, tp, h, w)


def ctp_transform(
    motion_vectors: Optional[torch.Tensor],
    residuals: Optional[torch.Tensor],
    num_gops: int,
    types: Sequence[str] = CTP_TYPES,
    generator: Optional[torch.Generator] = None
) -> Tuple[Optional[torch.Tensor], Optional[torch.Tensor], torch.Tensor]:
    """Apply one CTP transformation per clip to the P-frame streams.

    Args:
        motion_vectors: ``[N, 2, T * kappa, H, W]`` or None.
        residuals: ``[N, 3, T * kappa, H, W]`` or None (at least one given).
        num_gops: ``T``.
        types: subset of :data:`CTP_TYPES`; the label is the index in it.
        generator: CPU generator; None = torch's global RNG.

    Returns:
        ``(motion_vectors, residuals, labels)``: the transformed streams
        (None stays None) and ``labels`` ``[N]`` long, on the streams' device.
    """
    streams = [x for x in (motion_vectors, residuals) if x is not None]
    if not streams:
        raise ValueError('ctp_transform needs motion_vectors or residuals')
    plan = ctp_plan(streams[0].shape[0], num_gops, types, generator)
    out = [None if x is None else apply_ctp_plan(x, plan, num_gops)
           for x in (motion_vectors, residuals)]
    return out[0], out[1], plan.labels.to(streams[0].device)
