"""Arrow of time (AOT) pretext: play a clip forwards or backwards.

Pure torch, no mmengine. A reversed clip (docs/design.md#arrow-of-time):

- ``imgs`` ``[N, 3, T, H, W]``: the GOPs in reverse order (the I-frame of
  the last GOP first).
- ``motion_vectors`` ``[N, 2, T * kappa, H, W]``: the P-frames in reverse
  order, which reverses both the GOP order and the frame order inside each
  GOP, and the vectors negated: a P-frame's field is the displacement from
  the previous frame, and played backwards the previous frame is the next
  one. (The negated field stays on the pixel grid of the later frame; the
  exact backward field would sit where the content is in the earlier one.
  The two agree inside moving regions and differ at their borders, by the
  distance moved.)
- ``residuals`` ``[N, 3, T * kappa, H, W]``: the P-frames in reverse order,
  values unchanged (not recomputed for the reversed prediction).

Negation commutes with a zero-mean per-stream normalisation (the plugin's
preprocessor), so the transform can run on normalised batches.

Labels: 0 = forward (:data:`AOT_CLASSES`), 1 = backward, drawn uniformly per
clip from ``generator`` (a CPU ``torch.Generator``) or, when it is None,
from torch's global RNG, which mmengine seeds.
"""
from typing import Dict, Mapping, Optional, Tuple

import torch

__all__ = ['AOT_CLASSES', 'reverse_streams', 'aot_labels', 'aot_transform']

#: Label order: the index is the label.
AOT_CLASSES = ('forward', 'backward')

MOTION_VECTORS = 'motion_vectors'


def reverse_streams(streams: Mapping[str, torch.Tensor],
                    labels: Optional[torch.Tensor] = None
                    ) -> Dict[str, torch.Tensor]:
    """Reverse the clips whose label is 1 (all clips when ``labels`` is None).

    Args:
        streams: stream key -> ``[N, C, T', H, W]`` (time = axis 2); the
            ``motion_vectors`` are also negated.
        labels: ``[N]`` in ``{0, 1}``, or None.

    Returns:
        A new dict with the same keys.
    """
    if not streams:
        raise ValueError('reverse_streams needs at least one stream')
    out = {}
    for key, x in streams.items():
        if x.ndim != 5:
            raise ValueError(f'{key} must be [N, C, T, H, W], got '
                             f'{tuple(x.shape)}')
        rev = x.flip(2)
        if key == MOTION_VECTORS:
            rev = -rev
        if labels is not None:
            labels = labels.reshape(-1)
            if len(labels) != x.shape[0]:
                raise ValueError(f'{len(labels)} labels for {key} of '
                                 f'{x.shape[0]} clips')
            if ((labels != 0) & (labels != 1)).any():
                raise ValueError(f'AOT labels must be 0 or 1, got '
                                 f'{labels.tolist()}')
            back = labels.to(device=x.device, dtype=torch.bool)
            rev = torch.where(back[:, None, None, None, None], rev, x)
        out[key] = rev
    return out


def aot_labels(batch_size: int,
               generator: Optional[torch.Generator] = None) -> torch.Tensor:
    """Uniform labels in ``{0, 1}``, one per clip, ``[N]`` long (CPU)."""
    if batch_size < 1:
        raise ValueError(f'batch_size must be >= 1, got {batch_size}')
    return torch.randint(len(AOT_CLASSES), (batch_size, ),
                         generator=generator)


def aot_transform(
    streams: Mapping[str, torch.Tensor],
    generator: Optional[torch.Generator] = None
) -> Tuple[Dict[str, torch.Tensor], torch.Tensor]:
    """Draw forward / backward per clip and reverse the backward clips.

    Args:
        streams: stream key -> ``[N, C, T', H, W]`` (any of ``imgs``,
            ``motion_vectors``, ``residuals``; same ``N``).
        generator: CPU generator; None = torch's global RNG.

    Returns:
        ``(streams, labels)``: the new streams and ``labels`` ``[N]`` long
        (1 = reversed), on the streams' device.
    """
    if not streams:
        raise ValueError('aot_transform needs at least one stream')
    first = next(iter(streams.values()))
    labels = aot_labels(first.shape[0], generator)
    return reverse_streams(streams, labels), labels.to(first.device)
