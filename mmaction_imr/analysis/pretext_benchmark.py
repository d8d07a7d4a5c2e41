"""Time the self-supervised targets: PMSP labels and the CTP transform.

:class:`~mmaction_imr.models.selfsup.IMRSelfSup` computes both inside every
training step; this measures what they cost on a batch of a given size.
Needs torch (not mmengine).
"""
from typing import Dict, Optional, Tuple

import torch

from ..pretext import ctp_transform, pmsp_labels
from ..streams import MOTION_VECTORS, RESIDUALS, STREAMS
from .timing import median_seconds

__all__ = ['random_pretext_batch', 'time_pretext_targets']


def random_pretext_batch(
        batch: int,
        num_gops: int,
        kappa: int,
        size: int,
        generator: Optional[torch.Generator] = None
) -> Tuple[torch.Tensor, torch.Tensor]:
    """Random P-frame streams of the packed layout.

    Returns:
        ``(motion_vectors [N, 2, T*kappa, H, W], residuals
        [N, 3, T*kappa, H, W])``, float32, with the spread of real
        streams (MV std 3 px, residual std 9).
    """
    frames = STREAMS[MOTION_VECTORS].frames(num_gops, kappa)

    def draw(key: str, std: float) -> torch.Tensor:
        shape = (batch, STREAMS[key].channels, frames, size, size)
        return torch.randn(shape, generator=generator) * std

    return draw(MOTION_VECTORS, 3.), draw(RESIDUALS, 9.)


def time_pretext_targets(motion_vectors: torch.Tensor,
                         residuals: torch.Tensor,
                         num_gops: int,
                         repeats: int = 5,
                         generator: Optional[torch.Generator] = None
                         ) -> Dict[str, float]:
    """Median seconds per batch of ``pmsp_labels`` and ``ctp_transform``.

    Args:
        motion_vectors: ``[N, 2, T*kappa, H, W]``.
        residuals: ``[N, 3, T*kappa, H, W]``.
        num_gops: T.
        repeats: Timed runs of each, after one warm-up.
        generator: The CTP transform's random choices.

    Returns:
        ``{'pmsp_labels': s, 'ctp_transform': s}``.
    """
    return dict(
        pmsp_labels=median_seconds(
            lambda: pmsp_labels(motion_vectors, num_gops), repeats),
        ctp_transform=median_seconds(
            lambda: ctp_transform(motion_vectors, residuals, num_gops,
                                  generator=generator), repeats))
