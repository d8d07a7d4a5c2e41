"""Wall-clock timing shared by the benchmarks. Pure python/numpy."""
import time
from typing import Callable

import numpy as np

__all__ = ['median_seconds']


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``repeats`` calls of ``fn``, in seconds.

    One untimed warm-up call comes first (file cache, codec and allocator
    start-up, lazy imports). The median, not the mean: one call slowed by
    another process on a shared machine does not move it.

    Raises:
        ValueError: ``repeats < 1``.
    """
    if repeats < 1:
        raise ValueError(f'repeats must be >= 1, got {repeats}')
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))
