"""mmaction_imr.analysis.stream_stats on the codec: running sums, GOP
subsets, known answers (here for the ``synth`` videos of this folder)."""
import numpy as np
import pytest

from mmaction_imr.codec import CompressedVideoError, index_gops, read_clip
from mmaction_imr.analysis.stream_stats import (StreamStats, evenly_spaced,
                                                video_stats)

SPEED, SQUARE = 3, 48  # as in tests/codec/conftest.py (not importable)


def test_stream_stats_known_values_and_merge():
    rng = np.random.default_rng(0)
    mv = rng.normal([1., -2.], [3., .5], (4, 5, 6, 2)).astype(np.float32)
    res = rng.normal(0., 7., (4, 5, 6, 3)).astype(np.float32)
    whole = StreamStats()
    whole.update(mv, res)
    flat_mv = mv.reshape(-1, 2).astype(np.float64)
    np.testing.assert_allclose(whole.mv_mean, flat_mv.mean(0))
    np.testing.assert_allclose(whole.mv_rms,
                               np.sqrt((flat_mv ** 2).mean(0)))
    assert whole.mv_rms_pooled == pytest.approx(
        np.sqrt((flat_mv ** 2).mean()))
    assert whole.res_rms_pooled == pytest.approx(
        np.sqrt((res.astype(np.float64) ** 2).mean()))
    # Per-part sums merge into exactly the pooled statistics.
    a, b = StreamStats(videos=1), StreamStats(videos=1)
    a.update(mv[:1], res[:1])
    b.update(mv[1:], None)
    b.update(None, res[1:])
    a.merge(b)
    assert a.videos == 2 and a.mv_count == a.res_count == 4 * 5 * 6
    np.testing.assert_allclose(a.mv_rms, whole.mv_rms, rtol=1e-12)
    np.testing.assert_allclose(a.res_mean, whole.res_mean, rtol=1e-12)


def test_stream_stats_empty_and_bad_shape():
    s = StreamStats()
    assert np.isnan(s.mv_rms).all() and np.isnan(s.res_rms_pooled)
    with pytest.raises(ValueError, match='motion_vectors'):
        s.update(np.zeros((2, 3, 3)))
    with pytest.raises(ValueError, match='residuals'):
        s.update(None, np.zeros((2, 3, 2)))


def test_evenly_spaced():
    assert evenly_spaced(10, 3).tolist() == [0, 4, 9]
    assert evenly_spaced(4, None).tolist() == [0, 1, 2, 3]
    assert evenly_spaced(4, 9).tolist() == [0, 1, 2, 3]
    assert evenly_spaced(5, 1).tolist() == [2]
    assert evenly_spaced(0, 2).tolist() == []
    for bad in ((3, 0), (-1, None)):
        with pytest.raises(ValueError):
            evenly_spaced(*bad)


@pytest.mark.parametrize('codec', ['mpeg4', 'h264'])
def test_moving_square_known_answer(synth, codec):
    """A square of area fraction f moving SPEED px/frame right over a static
    background: u is SPEED on the square and 0 elsewhere, so the mean of u
    is SPEED * f and its RMS SPEED * sqrt(f); v is 0."""
    path, frames, _ = synth(codec)
    h, w = frames.shape[1:3]
    f = SQUARE * SQUARE / (h * w)
    s = video_stats(path)  # 25 frames: 2 GOPs of 12 ('auto')
    assert (s.videos, s.gops, s.frames) == (1, 2, 10)
    assert s.mv_count == 10 * h * w
    assert s.mv_mean[0] == pytest.approx(SPEED * f, rel=0.03)
    assert s.mv_rms[0] == pytest.approx(SPEED * np.sqrt(f), rel=0.06)
    assert abs(s.mv_mean[1]) < 0.01 and s.mv_rms[1] < 0.15
    if codec != 'mpeg4':
        return  # H.264 B-frames: accumulation smears the square's edges
    # Accumulated (the paper's format): frame p of the GOP (p = 2, 4, .., 10)
    # is SPEED * p from the I-frame on the square.
    p = np.arange(2, 12, 2)
    a = video_stats(path, accumulate=True)
    assert a.mv_mean[0] == pytest.approx(SPEED * p.mean() * f, rel=0.05)
    assert a.mv_rms[0] == pytest.approx(
        SPEED * np.sqrt((p ** 2).mean() * f), rel=0.08)
    assert a.res_rms_pooled > s.res_rms_pooled > 0


def test_matches_read_clip_any_chunking_and_subset(synth):
    path, _, _ = synth('mpeg4', n=49, w=224)  # 4 GOPs
    index = index_gops(path, 'auto')
    assert index.num_gops == 4
    clip = read_clip(path, [0, 3], streams=('motion_vectors', 'residuals'),
                     index=index)
    want = StreamStats()
    want.update(clip.motion_vectors, clip.residuals)
    for per_read in (1, 16):
        got = video_stats(path, max_gops=2, gops_per_read=per_read)
        assert got.gops == 2 and got.frames == 10
        np.testing.assert_allclose(got.mv_sqsum, want.mv_sqsum, rtol=1e-12)
        np.testing.assert_allclose(got.res_sum, want.res_sum, rtol=1e-12)
    every = video_stats(path, gops_per_read=3)
    assert every.gops == 4 and every.frames == 20


def test_bad_video_and_arguments(tmp_path, synth):
    empty = tmp_path / 'empty.mp4'
    empty.write_bytes(b'')
    with pytest.raises(CompressedVideoError, match='empty.mp4'):
        video_stats(str(empty))
    path, _, _ = synth('mpeg4')
    with pytest.raises(ValueError, match='gops_per_read'):
        video_stats(path, gops_per_read=0)
    with pytest.raises(ValueError, match='limit'):
        video_stats(path, max_gops=0)
