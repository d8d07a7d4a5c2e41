"""Clips of a video at a fixed stride (the test videos of retrieval)."""
from typing import Optional

import numpy as np

from mmaction.registry import TRANSFORMS
from .loading import SampleGOPs

__all__ = ['DenseSampleGOPs']


@TRANSFORMS.register_module()
class DenseSampleGOPs(SampleGOPs):
    """Every clip of ``clip_len`` GOPs that starts on a grid of
    ``clip_stride`` GOPs, the grid centred in the video.

    The number of clips follows the video's length (like mmaction's
    ``DenseSampleFrames`` covers a video densely): ``1 + (total_gops -
    clip_len) // clip_stride``, one clip for a video of at most ``clip_len``
    GOPs (whose indices loop, as in :class:`SampleGOPs`). The features of a
    video's clips are averaged downstream (docs/evaluation.md, "Video
    retrieval"). Deterministic: there is no training mode.

    Required Keys:

        - total_gops

    Added Keys:

        - gop_inds (np.int64, ``[num_clips * clip_len]``, clip-major)
        - clip_len
        - num_clips (varies with the video)

    Args:
        clip_len (int): GOPs per clip (T). Defaults to 5.
        clip_stride (int, optional): GOPs between the starts of two clips.
            Defaults to ``clip_len`` (adjacent clips, no overlap).
    """

    def __init__(self, clip_len: int = 5,
                 clip_stride: Optional[int] = None) -> None:
        super().__init__(clip_len=clip_len, num_clips=1, test_mode=True)
        clip_stride = clip_len if clip_stride is None else clip_stride
        if clip_stride < 1:
            raise ValueError(f'clip_stride must be >= 1, got {clip_stride}')
        self.clip_stride = clip_stride

    def _starts(self, total_gops: int) -> np.ndarray:
        room = total_gops - self.clip_len  # last possible start
        if room <= 0:
            return np.zeros(1, np.int64)
        starts = np.arange(0, room + 1, self.clip_stride, dtype=np.int64)
        # spread the GOPs the grid leaves over equally on both ends
        return starts + (room - starts[-1]) // 2

    def transform(self, results: dict) -> dict:
        """Sample the GOP indices (``num_clips`` set per video)."""
        results = super().transform(results)
        results['num_clips'] = len(results['gop_inds']) // self.clip_len
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'clip_stride={self.clip_stride})')
