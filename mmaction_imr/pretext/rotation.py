"""Rotation pretext: rotate a clip by 0 / 90 / 180 / 270 degrees.

Pure torch, no mmengine. Every stream of a clip turns together, as one
picture: ``imgs`` ``[N, 3, T, H, W]``, ``motion_vectors`` ``[N, 2, T_P, H,
W]`` and ``residuals`` ``[N, 3, T_P, H, W]`` are rotated in their two last
(spatial) axes, and the motion vectors are also rotated as vectors, so that
the field of a rotated clip is the field of the rotated motion. The label of
a clip is ``k``: a rotation by ``k * 90`` degrees anticlockwise as the
picture is displayed (``torch.rot90(x, k, dims=(-2, -1))``).

Vector map (docs/design.md#rotation). Image coordinates: ``x`` to the right,
``y`` down; a vector is ``(u, v) = (dx, dy)``. ``torch.rot90`` with ``k = 1``
moves the pixel at ``(x, y)`` of an ``S x S`` picture to ``(x', y') = (y,
S - 1 - x)``; a displacement is a difference of positions, so the constant
drops out and ``(u', v') = (v, -u)``: content moving right (``u > 0``) moves
up (``v' < 0``, ``y`` points down) after the picture turns anticlockwise.
Applied ``k`` times:

==  ==============
k   (u', v')
==  ==============
0   (u, v)
1   (v, -u)
2   (-u, -v)
3   (-v, u)
==  ==============

The map is linear and the same for u and v up to sign and order, so it
commutes with a per-stream normalisation of zero mean and one std shared
by u and v (the plugin's preprocessor): the transform can run on normalised
batches. Square clips only (``H == W``): a 90-degree turn of a non-square
clip changes its shape, which a batch cannot hold.

Randomness comes from ``generator`` (a CPU ``torch.Generator``), or, when it
is None, from torch's global RNG, which mmengine seeds.
"""
from typing import Dict, Mapping, Optional, Tuple

import torch

__all__ = [
    'ROTATION_ANGLES', 'rotate_frames', 'rotate_motion_vectors',
    'rotate_streams', 'rotation_labels', 'rotation_transform'
]

#: Degrees anticlockwise (as displayed) of label ``k``: ``k * 90``.
ROTATION_ANGLES = (0, 90, 180, 270)

MOTION_VECTORS = 'motion_vectors'


def _check_square(x: torch.Tensor, key: str) -> None:
    if x.ndim < 3 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f'rotation needs square {key} (..., H, W) with H == '
                         f'W, got {tuple(x.shape)}; crop square clips')


def rotate_frames(x: torch.Tensor, k: int) -> torch.Tensor:
    """Rotate pictures by ``k * 90`` degrees anticlockwise (as displayed).

    Args:
        x: ``[..., S, S]``, e.g. ``[N, C, T, S, S]``.
        k: quarter turns; any int (taken modulo 4).

    Returns:
        ``[..., S, S]``, a new tensor.
    """
    _check_square(x, 'frames')
    return torch.rot90(x, int(k) % 4, dims=(-2, -1))


def rotate_motion_vectors(mv: torch.Tensor, k: int) -> torch.Tensor:
    """Rotate a motion-vector field with its picture (see the module doc).

    Args:
        mv: ``[N, 2, T_P, S, S]`` ``(u, v)`` in pixels (any scale shared by
            u and v), channel 0 = u (right), 1 = v (down).
        k: quarter turns anticlockwise; any int (taken modulo 4).

    Returns:
        ``[N, 2, T_P, S, S]``: the field of the rotated motion.
    """
    if mv.ndim != 5 or mv.shape[1] != 2:
        raise ValueError(f'motion_vectors must be [N, 2, T, H, W], got '
                         f'{tuple(mv.shape)}')
    k = int(k) % 4
    out = rotate_frames(mv, k)
    u, v = out[:, 0], out[:, 1]
    if k == 1:
        u, v = v, -u
    elif k == 2:
        u, v = -u, -v
    elif k == 3:
        u, v = -v, u
    return torch.stack((u, v), dim=1)


def rotation_labels(batch_size: int,
                    generator: Optional[torch.Generator] = None
                    ) -> torch.Tensor:
    """Uniform labels in ``[0, 4)``, one per clip, ``[N]`` long (CPU)."""
    if batch_size < 1:
        raise ValueError(f'batch_size must be >= 1, got {batch_size}')
    return torch.randint(len(ROTATION_ANGLES), (batch_size, ),
                         generator=generator)


def rotate_streams(streams: Mapping[str, torch.Tensor],
                   labels: torch.Tensor) -> Dict[str, torch.Tensor]:
    """Rotate clip ``i`` of every stream by ``labels[i] * 90`` degrees.

    Args:
        streams: stream key -> ``[N, C, T', S, S]``; ``motion_vectors`` (if
            present) also has its vectors rotated, the other streams only
            their pictures.
        labels: ``[N]`` ints in ``[0, 4)``.

    Returns:
        A new dict with the same keys, rotated tensors.
    """
    if not streams:
        raise ValueError('rotate_streams needs at least one stream')
    labels = labels.reshape(-1).long().cpu()
    if labels.numel() and (labels.min() < 0 or labels.max() > 3):
        raise ValueError(f'rotation labels must be in [0, 4), got '
                         f'{labels.tolist()}')
    out = {}
    for key, x in streams.items():
        if x.ndim != 5 or x.shape[0] != len(labels):
            raise ValueError(f'{key} must be [N, C, T, H, W] with N = '
                             f'{len(labels)} labels, got {tuple(x.shape)}')
        _check_square(x, key)
        rotate = rotate_motion_vectors if key == MOTION_VECTORS \
            else rotate_frames
        y = x.clone()
        for k in range(1, len(ROTATION_ANGLES)):
            idx = (labels == k).nonzero().reshape(-1).to(x.device)
            if len(idx):
                y[idx] = rotate(x[idx], k)
        out[key] = y
    return out


def rotation_transform(
    streams: Mapping[str, torch.Tensor],
    generator: Optional[torch.Generator] = None
) -> Tuple[Dict[str, torch.Tensor], torch.Tensor]:
    """Draw a rotation per clip and apply it to all streams.

    Args:
        streams: stream key -> ``[N, C, T', S, S]`` (any of ``imgs``,
            ``motion_vectors``, ``residuals``; same ``N``).
        generator: CPU generator; None = torch's global RNG.

    Returns:
        ``(streams, labels)``: the rotated streams (new dict) and ``labels``
        ``[N]`` long, ``k`` = quarter turns, on the streams' device.
    """
    if not streams:
        raise ValueError('rotation_transform needs at least one stream')
    first = next(iter(streams.values()))
    labels = rotation_labels(first.shape[0], generator)
    return rotate_streams(streams, labels), labels.to(first.device)
