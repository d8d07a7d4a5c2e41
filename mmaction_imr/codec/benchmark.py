"""Time the compressed-video loader against one bare decoding pass.

Used by ``tools/analysis/benchmark_loader.py``. Both sides decode the same
frames single-process with the same PyAV settings: ours reads one clip
(index + I-frames + motion vectors + residuals of ``clip_len`` GOPs); the
baseline seeks to the same keyframe and decodes the same frames, converting
every frame of the clip to RGB (``to_ndarray(format='rgb24')``).
"""
import time
from typing import Dict

import numpy as np

from .gop import index_gops, open_video
from .reader import read_clip

__all__ = ['bare_decode', 'benchmark_video']


def bare_decode(filename: str, first: int, last: int, index) -> int:
    """Decode frames ``first..last`` (display order), all to RGB.

    Seeks to the keyframe at or before ``first`` like the reader does;
    frames before ``first`` are decoded but not converted.

    Returns:
        The number of frames converted.
    """
    container, stream = open_video(filename)
    try:
        k = int(index.keyframes[np.searchsorted(index.keyframes, first,
                                                'right') - 1])
        idx = 0
        if index.frame_pts is not None and k > 0:
            container.seek(int(index.frame_pts[k]), stream=stream,
                           backward=True, any_frame=False)
            idx = k
        n = 0
        for frame in container.decode(stream):
            if idx >= first:
                frame.to_ndarray(format='rgb24')
                n += 1
            if idx >= last:
                break
            idx += 1
        return n
    finally:
        container.close()


def benchmark_video(filename: str,
                    repeats: int = 5,
                    clip_len: int = 5,
                    kappa: int = 5,
                    accumulate: bool = False) -> Dict:
    """Median seconds per clip: ours vs the bare decode of the same frames.

    The clip is the video's centre clip of ``clip_len`` GOPs (the test-mode
    choice of ``SampleGOPs``); ours includes indexing the GOPs.

    Returns:
        dict with ``ours``, ``bare`` (seconds), ``ratio`` (ours / bare),
        ``frames`` (decoded frames of the clip), ``gop_inds``, ``size``
        (W, H) and ``virtual_gop``.
    """
    index = index_gops(filename, 'auto')
    room = max(index.num_gops - clip_len, 0)
    start = (room + 1) // 2 if room else 0
    gops = (start + np.arange(clip_len)) % index.num_gops
    first = int(index.gop_starts[gops[0]])
    last = int(index.gop_starts[gops[-1]] + index.gop_lengths[gops[-1]] - 1)

    def ours():
        read_clip(filename, gops, kappa=kappa, accumulate=accumulate,
                  index=index_gops(filename, 'auto'))

    def bare():
        bare_decode(filename, first, last, index)

    times = {'ours': [], 'bare': []}
    ours(), bare()  # warm-up (file cache, codec init)
    for _ in range(repeats):
        for name, fn in (('ours', ours), ('bare', bare)):
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    result = {k: float(np.median(v)) for k, v in times.items()}
    result.update(ratio=result['ours'] / result['bare'],
                  frames=last - first + 1, gop_inds=gops.tolist(),
                  size=(index.width, index.height),
                  virtual_gop=index.virtual_gop)
    return result
