"""Compressed-video codec layer: pure numpy/PyAV/cv2, no mmengine.

- :func:`index_gops` -> :class:`GopIndex`: where the GOPs are (demux only);
- :func:`read_clip` -> :class:`CompressedClip`: I-frames, motion vectors and
  residuals of chosen GOPs in one sequential decoding pass;
- :mod:`.motion`: dense MV fields, warping, accumulation (vectorised);
- :class:`CompressedVideoError`: the one error for unusable videos.
"""
from .errors import CompressedVideoError
from .gop import AUTO_GOP, GopIndex, index_gops, sample_positions
from .motion import (BlockMotion, accumulate_step, dense_flow,
                     parse_motion_vectors, pixel_grid, warp)
from .reader import STREAMS, CompressedClip, read_clip

__all__ = [
    'AUTO_GOP', 'STREAMS', 'BlockMotion', 'CompressedClip',
    'CompressedVideoError', 'GopIndex', 'accumulate_step', 'dense_flow',
    'index_gops', 'parse_motion_vectors', 'pixel_grid', 'read_clip',
    'sample_positions', 'warp'
]
