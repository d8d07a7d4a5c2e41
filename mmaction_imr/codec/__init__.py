"""Compressed-video codec layer: pure numpy/PyAV/cv2, no mmengine or torch.

- :func:`scan_packets` / :func:`cut_gops` / :func:`index_gops` ->
  :class:`GopIndex`: where the GOPs are (demux only);
- :func:`read_clip` -> :class:`CompressedClip`: the streams of
  :mod:`mmaction_imr.streams` (``imgs``, ``motion_vectors``, ``residuals``)
  of chosen GOPs in one sequential decoding pass;
- :mod:`.motion`: dense MV fields, warping, accumulation, motion-compensated
  prediction (vectorised pure functions);
- :func:`read_dense_clip` -> :class:`DenseClip`: RGB and the dense MV field
  of every frame of windows of consecutive frames (contrastive learning);
- :class:`CompressedVideoError`: the one error for unusable videos.
"""
from .dense import (DENSE_CLIP_LEN, DENSE_STREAMS, DenseClip,
                    dense_frame_inds, read_dense_clip)
from .errors import CompressedVideoError, describe_error
from .gop import (AUTO_GOP, GopIndex, PacketScan, cut_gops, index_gops,
                  sample_positions, scan_packets)
from .motion import (BlockMotion, accumulate_step, dense_flow,
                     parse_motion_vectors, pixel_grid, predict_along,
                     predict_blocks, remap_nearest, warp)
from .reader import MAX_PIXELS, CompressedClip, read_clip, short_side_size

__all__ = [
    'AUTO_GOP', 'MAX_PIXELS', 'BlockMotion', 'CompressedClip',
    'CompressedVideoError', 'GopIndex', 'PacketScan', 'accumulate_step',
    'cut_gops', 'dense_flow', 'describe_error', 'index_gops',
    'parse_motion_vectors', 'pixel_grid', 'predict_along', 'predict_blocks',
    'read_clip', 'remap_nearest', 'sample_positions', 'scan_packets',
    'short_side_size', 'warp', 'DENSE_CLIP_LEN', 'DENSE_STREAMS',
    'DenseClip', 'dense_frame_inds', 'read_dense_clip'
]
