"""PMSP labels: pyramidal motion statistics prediction (paper 2.2, App. A).

Pure torch, no mmengine. Everything works on a batch of the motion-vector
tensor that is fed to the backbone, ``[N, 2, T * kappa, H, W]`` (channel 0 =
u, channel 1 = v, in pixels; docs/design.md#motion-vector-convention), so
the labels are exact for the crop / flip the network sees.

Algorithm (docs/design.md#pmsp-labels, Algorithm 1 of the paper):

1. Motion boundaries per P-frame: ``dx = Prewitt_x * u``,
   ``dy = Prewitt_y * v`` (2-D, per frame). Border pixels use *replicate*
   padding, so a field that is constant over the whole frame (a camera pan,
   or the normalised zero of a ``MultiModalDataPreprocessor`` with a
   non-zero mean) has exactly zero response everywhere, the frame border
   included. (Zero padding would invent a motion boundary along the border
   of every panning shot.) The filter is linear, so it is applied once to
   each GOP's summed field (same result up to float rounding, 1/kappa
   of the work).
2. For temporal scale ``t`` and position ``n in [0, t)``, sum ``dx`` and ``dy``
   over the P-frames of GOPs ``[n, n + T - t]`` (inclusive: a sliding window
   of ``T - t + 1`` GOPs; ``t = 1`` is the whole clip, ``t = T`` one GOP).
3. ``magnitude = sqrt(sum_dx ** 2 + sum_dy ** 2)`` per pixel.
4. Sum the magnitude inside each cell of an ``s x s`` grid. Cells partition
   the frame without overlap; the edges along an axis of length ``L`` are
   ``floor(i * L / s)`` for ``i = 0..s`` (:func:`cell_edges`), so when ``L`` is
   not divisible by ``s`` the cells differ by at most one pixel and the later
   cells are the larger ones. (``adaptive_avg_pool2d``'s bins overlap in that
   case, which would count pixels twice.)
5. ``label = argmax`` over the ``s * s`` cells in row-major order (cell
   ``(row, col)`` has index ``row * s + col``).

Ties: ``torch.argmax`` returns the first maximal cell, so ties go to the
lowest row-major index; in particular a window without any motion boundary
(zero or uniform motion) gets label 0.

Because of step 1 the statistic is the energy of *motion boundaries*, not of
motion: a large region translating uniformly has zero response inside and a
high response along its edges.

Label layout (:func:`pmsp_levels`): columns are ordered like Algorithm 1,
``for t in temporal: for n in range(t): for s in spatial``; with the defaults
(2, 3, 4) x (1, 3, 5) that is 27 columns::

    0-2    t=1 n=0  s=2,3,4
    3-5    t=3 n=0  s=2,3,4     6-8  t=3 n=1     9-11  t=3 n=2
    12-14  t=5 n=0  s=2,3,4     ...              24-26 t=5 n=4
"""
from typing import List, NamedTuple, Sequence, Tuple

import torch
import torch.nn.functional as F

__all__ = [
    'PMSPLevel', 'DEFAULT_SPATIAL', 'DEFAULT_TEMPORAL', 'pmsp_levels',
    'pmsp_windows', 'cell_edges', 'cell_box', 'prewitt_boundaries',
    'pmsp_magnitudes', 'pmsp_labels'
]

DEFAULT_SPATIAL = (2, 3, 4)
DEFAULT_TEMPORAL = (1, 3, 5)


class PMSPLevel(NamedTuple):
    """What one label column means.

    Attributes:
        s: cells per side of the spatial grid (the label is in ``[0, s*s)``).
        t: temporal scale (number of temporal positions of the level).
        n: temporal position in ``[0, t)``.
        start: first GOP of the window (``== n``).
        stop: one past the last GOP of the window (``n + T - t + 1``).
    """
    s: int
    t: int
    n: int
    start: int
    stop: int


def _check_scales(num_gops: int, spatial: Sequence[int],
                  temporal: Sequence[int]) -> None:
    if num_gops < 1:
        raise ValueError(f'num_gops must be >= 1, got {num_gops}')
    if not spatial or any(int(s) < 1 for s in spatial):
        raise ValueError(f'spatial scales must be >= 1, got {spatial}')
    if not temporal or any(not 1 <= int(t) <= num_gops for t in temporal):
        raise ValueError(
            f'temporal scales must lie in [1, num_gops={num_gops}] (a window '
            f'spans num_gops - t + 1 >= 1 GOPs), got {tuple(temporal)}')


def pmsp_windows(num_gops: int,
                 temporal: Sequence[int] = DEFAULT_TEMPORAL
                 ) -> List[Tuple[int, int, int, int]]:
    """The temporal windows, in label order.

    Args:
        num_gops: GOPs per clip, ``T``.
        temporal: temporal scales ``t``, each in ``[1, T]``.

    Returns:
        list of ``(t, n, start, stop)``: window ``n`` of scale ``t`` covers
        GOPs ``start .. stop - 1`` (``start = n``, ``stop = n + T - t + 1``).
    """
    _check_scales(num_gops, (1, ), temporal)
    return [(t, n, n, n + num_gops - t + 1) for t in temporal
            for n in range(t)]


def pmsp_levels(num_gops: int,
                spatial: Sequence[int] = DEFAULT_SPATIAL,
                temporal: Sequence[int] = DEFAULT_TEMPORAL
                ) -> List[PMSPLevel]:
    """What each label column is: one :class:`PMSPLevel` per column.

    Order: ``for t in temporal: for n in range(t): for s in spatial``
    (27 columns for the defaults).
    """
    _check_scales(num_gops, spatial, temporal)
    return [
        PMSPLevel(int(s), t, n, start, stop)
        for t, n, start, stop in pmsp_windows(num_gops, temporal)
        for s in spatial
    ]


def cell_edges(size: int, s: int) -> List[int]:
    """Edges of ``s`` non-overlapping cells along an axis of ``size`` pixels.

    Returns ``[floor(i * size / s) for i in 0..s]``; cell ``i`` spans pixels
    ``edges[i] .. edges[i + 1] - 1``. E.g. ``cell_edges(5, 2) == [0, 2, 5]``.

    Raises:
        ValueError: ``size < s`` (a cell would be empty).
    """
    if s < 1 or size < s:
        raise ValueError(
            f'cannot split {size} pixels into {s} non-empty cells')
    return [(i * size) // s for i in range(s + 1)]


def cell_box(height: int, width: int, s: int,
             label: int) -> Tuple[int, int, int, int]:
    """Pixel box ``(x0, y0, x1, y1)`` (x1, y1 exclusive) of a label's cell."""
    if not 0 <= label < s * s:
        raise ValueError(f'label {label} outside [0, {s * s}) for s={s}')
    row, col = divmod(int(label), s)
    ys, xs = cell_edges(height, s), cell_edges(width, s)
    return xs[col], ys[row], xs[col + 1], ys[row + 1]


def prewitt_boundaries(motion_vectors: torch.Tensor) -> torch.Tensor:
    """``(Prewitt_x * u, Prewitt_y * v)`` per frame, replicate padding.

    Equal to ``F.conv2d`` (cross-correlation) with the kernels
    ``Gx = [[-1, 0, 1]] * 3`` and ``Gy = Gx.T`` on a replicate-padded frame,
    but computed as a difference followed by a box sum, so a constant field
    gives exactly 0 (no rounding residue that could break label ties).

    Args:
        motion_vectors: ``[..., 2, H, W]`` (u, v), any leading dims.

    Returns:
        ``[..., 2, H, W]``: ``(dx, dy)``.
    """
    lead, (h, w) = motion_vectors.shape[:-3], motion_vectors.shape[-2:]
    padded = F.pad(motion_vectors.reshape(-1, 2, h, w), (1, 1, 1, 1),
                   mode='replicate').reshape(*lead, 2, h + 2, w + 2)
    up, vp = padded[..., 0, :, :], padded[..., 1, :, :]
    gx = up[..., :, 2:] - up[..., :, :-2]  # [.., H+2, W]
    dx = gx[..., :-2, :] + gx[..., 1:-1, :] + gx[..., 2:, :]
    gy = vp[..., 2:, :] - vp[..., :-2, :]  # [.., H, W+2]
    dy = gy[..., :, :-2] + gy[..., :, 1:-1] + gy[..., :, 2:]
    return torch.stack([dx, dy], dim=-3)


def _split_gops(motion_vectors: torch.Tensor, num_gops: int) -> torch.Tensor:
    if motion_vectors.ndim != 5 or motion_vectors.shape[1] != 2:
        raise ValueError('motion_vectors must be [N, 2, T * kappa, H, W], got '
                         f'{tuple(motion_vectors.shape)}')
    n, _, tp, h, w = motion_vectors.shape
    if num_gops < 1 or tp % num_gops:
        raise ValueError(f'{tp} P-frames do not split into num_gops='
                         f'{num_gops} GOPs of equal length kappa')
    return motion_vectors.reshape(n, 2, num_gops, tp // num_gops, h, w)


@torch.no_grad()
def pmsp_magnitudes(motion_vectors: torch.Tensor,
                    num_gops: int,
                    temporal: Sequence[int] = DEFAULT_TEMPORAL
                    ) -> torch.Tensor:
    """Per-pixel motion-boundary magnitude of every temporal window.

    Args:
        motion_vectors: ``[N, 2, T * kappa, H, W]`` (u, v) in pixels.
        num_gops: ``T``.
        temporal: temporal scales, each in ``[1, T]``.

    Returns:
        ``[N, W_count, H, W]`` float, one map per window of
        :func:`pmsp_windows` (``W_count = sum(temporal)``).
    """
    _check_scales(num_gops, (1, ), temporal)
    mv = _split_gops(motion_vectors, num_gops)
    if not mv.is_floating_point():
        mv = mv.float()
    n, _, t_gops, kappa, h, w = mv.shape
    # The Prewitt filter (with replicate padding) is linear, so filtering
    # the sum of a GOP's fields equals summing the filtered fields, at
    # 1 / kappa of the cost. [N, 2, T, kappa, H, W] -> [N, T, 2, H, W]
    per_gop = prewitt_boundaries(mv.sum(3).transpose(1, 2))
    # prefix sums over GOPs give every window sum in one subtraction
    csum = torch.cat([per_gop.new_zeros(n, 1, 2, h, w),
                      per_gop.cumsum(1)], dim=1)  # [N, T+1, 2, H, W]
    wins = pmsp_windows(num_gops, temporal)
    starts = torch.tensor([s for _, _, s, _ in wins], device=mv.device)
    stops = torch.tensor([e for _, _, _, e in wins], device=mv.device)
    sums = csum[:, stops] - csum[:, starts]  # [N, W_count, 2, H, W]
    return torch.hypot(sums[:, :, 0], sums[:, :, 1])  # sqrt(dx^2 + dy^2)


def _cell_matrix(size: int, s: int, like: torch.Tensor) -> torch.Tensor:
    """``[s, size]`` 0/1 matrix: row i marks the pixels of cell i."""
    edges = cell_edges(size, s)
    idx = torch.arange(size, device=like.device)
    lo = torch.tensor(edges[:-1], device=like.device)[:, None]
    hi = torch.tensor(edges[1:], device=like.device)[:, None]
    return ((idx >= lo) & (idx < hi)).to(like.dtype)


@torch.no_grad()
def pmsp_labels(motion_vectors: torch.Tensor,
                num_gops: int,
                spatial: Sequence[int] = DEFAULT_SPATIAL,
                temporal: Sequence[int] = DEFAULT_TEMPORAL) -> torch.Tensor:
    """PMSP labels of a batch (see the module docstring for the definition).

    Args:
        motion_vectors: ``[N, 2, T * kappa, H, W]`` (u, v) in pixels, the
            tensor fed to the backbone (after crop / flip). A per-channel
            affine normalisation with one scale for u and v leaves the labels
            unchanged (the Prewitt response ignores offsets, argmax ignores
            scale); different scales for u and v re-weight dx against dy.
        num_gops: ``T`` (GOPs per clip); ``kappa = T_P // T``.
        spatial: cells per side of each spatial grid (each ``<= H, W``).
        temporal: temporal scales, each in ``[1, T]``.

    Returns:
        LongTensor ``[N, L]``, ``L = len(spatial) * sum(temporal)`` (27 for
        the defaults), column ``k`` described by ``pmsp_levels(...)[k]``;
        values in ``[0, s * s)``, row-major cell index.

    Raises:
        ValueError: bad shape, ``T_P`` not a multiple of ``num_gops``, a
            temporal scale outside ``[1, T]`` or a grid finer than the frame.
    """
    _check_scales(num_gops, spatial, temporal)
    mags = pmsp_magnitudes(motion_vectors, num_gops, temporal)
    h, w = mags.shape[-2:]
    per_scale = []
    for s in spatial:
        rows, cols = _cell_matrix(h, s, mags), _cell_matrix(w, s, mags)
        cells = rows @ mags @ cols.T  # [N, W_count, s, s] cell sums
        per_scale.append(cells.flatten(2).argmax(-1))  # [N, W_count]
    # [N, W_count, S] -> columns ordered (window, s)
    return torch.stack(per_scale, dim=-1).flatten(1)
