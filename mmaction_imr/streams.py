"""The compressed-video streams: the one table every layer reads.

A clip of ``T`` GOPs has three streams. Each has one name, used as the key
of the codec's :class:`~mmaction_imr.codec.CompressedClip`, of the pipeline's
``results`` dict, of the packed ``inputs`` dict and of the backbone's
``forward`` arguments:

============== ======== ============ =====================================
key            channels rate         content
============== ======== ============ =====================================
imgs           3        per GOP      RGB I-frames, uint8 (the I pathway)
motion_vectors 2        per P-frame  ``(u, v)`` forward displacement, px
residuals      3        per P-frame  signed RGB prediction error
============== ======== ============ =====================================

"Per P-frame" streams hold ``kappa`` frames per GOP (``T * kappa`` in all),
"per GOP" streams one. This module is plain Python (no numpy, torch or
mmengine) so that the codec, the transforms, the models and the tools can
all import it.
"""
from dataclasses import dataclass
from typing import Dict, Iterable, Tuple

__all__ = [
    'Stream', 'STREAMS', 'STREAM_KEYS', 'IMGS', 'MOTION_VECTORS', 'RESIDUALS',
    'check_streams'
]


@dataclass(frozen=True)
class Stream:
    """One stream of a compressed clip.

    Attributes:
        key: The name used everywhere (results, inputs, backbone kwargs).
        channels: Channels of one frame (last axis in the codec and the
            pipeline, axis 0 after packing).
        per_pframe: True for ``kappa`` frames per GOP, False for one.
        description: A few words for messages and figure captions.
    """
    key: str
    channels: int
    per_pframe: bool
    description: str

    def frames(self, num_gops: int, kappa: int) -> int:
        """Frames of this stream in a clip of ``num_gops`` GOPs."""
        return num_gops * (kappa if self.per_pframe else 1)


IMGS = 'imgs'
MOTION_VECTORS = 'motion_vectors'
RESIDUALS = 'residuals'

STREAMS: Dict[str, Stream] = {
    s.key: s
    for s in (
        Stream(IMGS, 3, False, 'I-frames (RGB)'),
        Stream(MOTION_VECTORS, 2, True, 'motion vectors (u, v)'),
        Stream(RESIDUALS, 3, True, 'residuals (RGB)'),
    )
}
"""Every stream by key, in the canonical order (I, M, R)."""

STREAM_KEYS: Tuple[str, ...] = tuple(STREAMS)
"""The keys in canonical order: ``('imgs', 'motion_vectors', 'residuals')``."""


def check_streams(streams: Iterable[str], what: str = 'streams') -> Tuple[
        str, ...]:
    """Validate a selection of stream keys and put it in canonical order.

    Args:
        streams: Stream keys, any order, no duplicates.
        what: The argument's name, for the error message.

    Returns:
        The same keys in :data:`STREAM_KEYS` order.

    Raises:
        ValueError: empty, or a key that is not a stream.
    """
    streams = tuple(streams)
    unknown = [s for s in streams if s not in STREAMS]
    if not streams or unknown:
        raise ValueError(f'{what} must be a non-empty subset of '
                         f'{STREAM_KEYS}, got {streams!r}')
    return tuple(k for k in STREAM_KEYS if k in streams)
