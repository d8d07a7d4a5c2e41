"""DenseSampleGOPs: clips at a fixed stride, the grid centred."""
import numpy as np
import pytest

from mmaction.registry import TRANSFORMS
from mmaction_imr.datasets.transforms import DenseSampleGOPs


def _starts(total, clip_len=5, clip_stride=None):
    out = DenseSampleGOPs(clip_len, clip_stride).transform(
        dict(total_gops=total))
    inds = out['gop_inds'].reshape(out['num_clips'], clip_len)
    return inds[:, 0].tolist(), inds


def test_starts_on_a_centred_grid():
    assert _starts(5) == ([0], pytest.approx(np.arange(5)[None]))
    assert _starts(6, clip_stride=1)[0] == [0, 1]
    # 14 GOPs, stride 5: starts 0, 5 leave 4 GOPs over -> 2 on each side
    assert _starts(14)[0] == [2, 7]
    assert _starts(15)[0] == [0, 5, 10]
    starts, inds = _starts(9, clip_len=3, clip_stride=2)
    assert starts == [0, 2, 4, 6]
    assert inds[-1].tolist() == [6, 7, 8]


def test_short_video_loops_one_clip():
    starts, inds = _starts(3)
    assert starts == [0] and inds.tolist() == [[0, 1, 2, 0, 1]]


def test_registered_and_checked():
    t = TRANSFORMS.build(dict(type='DenseSampleGOPs', clip_len=5))
    assert t.clip_stride == 5
    assert 'clip_stride=5' in repr(t)
    with pytest.raises(ValueError, match='clip_stride'):
        DenseSampleGOPs(5, 0)
