"""read_clip on synthetic videos with known motion, and on real clips."""
import dataclasses

import numpy as np
import pytest

from mmaction_imr.codec import index_gops, read_clip
from mmaction_imr.streams import STREAM_KEYS

SPEED, SQUARE = 3, 48  # as in tests/codec/conftest.py (not importable)
CUT, FIRST_KEY = 5, 12  # the mid_gop fixture's cut and first keyframe

GOP = 12
KAPPA = 5


def square_stats(clip, corners, k):
    """(u, v) medians inside the square's interior and |mv| outside."""
    t = clip.frame_inds.reshape(-1, 1 + KAPPA)[:, 1:].reshape(-1)[k]
    x, y = corners[t]
    mv = clip.motion_vectors[k]
    inner = mv[y + 16:y + SQUARE - 16, x + 16:x + SQUARE - 16].reshape(-1, 2)
    outside = np.ones(mv.shape[:2], bool)
    outside[max(y - 16, 0):y + SQUARE + 16,
            max(x - 16 - 2 * SPEED, 0):x + SQUARE + 16] = 0
    return np.median(inner, axis=0), np.abs(mv[outside]).mean(), (t, x, y)


@pytest.mark.parametrize('codec', ['mpeg4', 'h264'])
def test_moving_square_raw(synth, codec):
    path, frames, corners = synth(codec, n=30)
    index = index_gops(path, GOP)  # real GOPs for mpeg4, virtual for h264
    clip = read_clip(path, [0, 1], kappa=KAPPA, index=index)
    h, w = frames.shape[1:3]
    assert clip.imgs.shape == (2, h, w, 3)
    assert clip.imgs.dtype == np.uint8
    assert clip.motion_vectors.shape == (10, h, w, 2)
    assert clip.motion_vectors.dtype == np.float32
    assert clip.residuals.shape == (10, h, w, 3)
    assert clip.residuals.dtype == np.float32
    assert clip.frame_inds.tolist() == [0, 2, 4, 6, 8, 10,
                                        12, 14, 16, 18, 20, 22]
    assert clip.pict_types[0] in 'I'
    if codec == 'h264':
        assert 'B' in clip.pict_types  # B-frames are sampled too
    else:
        assert ''.join(clip.pict_types) == 'IPPPPP' * 2
    # The I-frame is the decoded frame (lossy, close to the source).
    assert np.abs(clip.imgs[1].astype(float) - frames[12]).mean() < 4
    for k in range(10):
        (u, v), out, (t, x, y) = square_stats(clip, corners, k)
        assert abs(u - SPEED) < 0.5 and abs(v) < 0.5, (k, u, v)
        assert out < 0.1, (k, out)
        # Raw residual = codec prediction error: small on the moving square
        # (the frame difference there is ~30).
        # (Centre only: H.264 may predict the edge blocks, which mix square
        # and background, from an older reference that side data does not
        # name.)
        c = (slice(y + 16, y + SQUARE - 16), slice(x + 16, x + SQUARE - 16))
        res = np.abs(clip.residuals[k][c]).mean()
        diff = np.abs(frames[t].astype(float) - frames[t - 1])[c].mean()
        assert res < 3 and diff > 15, (k, res, diff)


@pytest.mark.parametrize('codec', ['mpeg4', 'h264'])
def test_moving_square_accumulated(synth, codec):
    path, frames, corners = synth(codec)
    index = index_gops(path, GOP)
    clip = read_clip(path, [0], kappa=KAPPA, accumulate=True, index=index)
    for k, t in enumerate(clip.frame_inds[1:]):
        x, y = corners[t]
        # The square's centre: its blocks lie inside the square in every
        # frame, so the traced-back displacement is exactly 3 px per frame.
        c = (slice(y + 20, y + 28), slice(x + 20, x + 28))
        mv = clip.motion_vectors[k][c]
        np.testing.assert_allclose(np.median(mv[..., 0]), SPEED * t, atol=1)
        assert abs(np.median(mv[..., 1])) < 0.5
        # Macroblock rows above the square do not move.
        assert np.abs(clip.motion_vectors[k][:16]).max() < 0.5
        # frame_t - I-frame warped along the accumulated field: small.
        res = np.abs(clip.residuals[k][c])
        assert res.mean() < 4, (k, res.mean())


@pytest.mark.parametrize('codec', ['mpeg4', 'h264'])
def test_static_scene(synth, codec):
    path, _, _ = synth(codec, speed=0)
    for accumulate in (False, True):
        clip = read_clip(path, [0], index=index_gops(path, GOP),
                         accumulate=accumulate)
        assert np.abs(clip.motion_vectors).max() < 0.5
        assert np.abs(clip.residuals).mean() < 1.5


def test_odd_size_and_short_last_gop(synth):
    path, _, _ = synth('mpeg4', n=30, h=66, w=90, speed=0)
    index = index_gops(path)
    assert index.gop_lengths.tolist() == [12, 12, 6]
    clip = read_clip(path, [2], index=index)
    assert clip.imgs.shape == (1, 66, 90, 3)
    assert clip.motion_vectors.shape == (5, 66, 90, 2)
    assert clip.frame_inds.tolist() == [24, 25, 26, 27, 28, 29]
    assert np.isfinite(clip.residuals).all()


def test_short_gop_repeats_frames(synth):
    path, _, _ = synth('mpeg4', n=30)
    clip = read_clip(path, [2], kappa=8, index=index_gops(path))
    # GOP of 6 frames, 8 P-frames wanted: positions repeat.
    assert clip.frame_inds.tolist() == [24, 25, 25, 26, 27, 27, 28, 29, 29]
    np.testing.assert_array_equal(clip.motion_vectors[0],
                                  clip.motion_vectors[1])


def test_repeats_order_and_streams(synth):
    path, _, _ = synth('mpeg4', n=30)
    index = index_gops(path)
    ref = [read_clip(path, [g], index=index) for g in range(3)]
    clip = read_clip(path, [2, 0, 2], index=index)
    for n, g in enumerate([2, 0, 2]):
        np.testing.assert_array_equal(clip.imgs[n], ref[g].imgs[0])
        np.testing.assert_array_equal(
            clip.motion_vectors[5 * n:5 * n + 5], ref[g].motion_vectors)
        np.testing.assert_array_equal(
            clip.residuals[5 * n:5 * n + 5], ref[g].residuals)
    only = read_clip(path, [1], streams=('imgs', ), index=index)
    assert only.motion_vectors is None and only.residuals is None
    np.testing.assert_array_equal(only.imgs, ref[1].imgs)
    mv = read_clip(path, [1], streams=('motion_vectors', ), index=index)
    assert mv.imgs is None and mv.residuals is None
    np.testing.assert_array_equal(mv.motion_vectors, ref[1].motion_vectors)


@pytest.mark.parametrize('codec', ['mpeg4', 'h264'])
def test_seek_matches_decoding_from_start(synth, codec):
    path, _, _ = synth(codec, n=40)
    index = index_gops(path, GOP)
    no_pts = dataclasses.replace(index, frame_pts=None)  # counting mode
    for accumulate in (False, True):
        a = read_clip(path, [2], accumulate=accumulate, index=index)
        b = read_clip(path, [2], accumulate=accumulate, index=no_pts)
        np.testing.assert_array_equal(a.imgs, b.imgs)
        np.testing.assert_array_equal(a.motion_vectors, b.motion_vectors)
        np.testing.assert_array_equal(a.residuals, b.residuals)


def test_bad_timestamps_fall_back_to_counting(synth):
    path, _, _ = synth('mpeg4', n=40)
    index = index_gops(path)
    wrong = dataclasses.replace(index, frame_pts=index.frame_pts + 1)
    a = read_clip(path, [0, 2], index=index)
    b = read_clip(path, [0, 2], index=wrong)  # pts not found: decode again
    np.testing.assert_array_equal(a.motion_vectors, b.motion_vectors)
    np.testing.assert_array_equal(a.residuals, b.residuals)


def test_bad_arguments(synth):
    path, _, _ = synth('mpeg4', n=30)
    index = index_gops(path)
    for kwargs in (dict(gop_inds=[3]), dict(gop_inds=[-1]),
                   dict(gop_inds=[]), dict(gop_inds=[0], kappa=0),
                   dict(gop_inds=[0], streams=('iframes', )),
                   dict(gop_inds=[0], streams=())):
        with pytest.raises(ValueError):
            read_clip(path, index=index, **kwargs)


@pytest.mark.parametrize('name,gops', [
    ('h264_340x256_test.mp4', [3, 4, 5, 6, 7]),
    ('h264_340x256_kinetics_armwrestling.mp4', [10, 11, 12, 13, 14]),
    ('xvid_320x240_test.avi', [0, 1, 2, 3, 4]),
    ('mpeg4part2_1280x720_traffic.mp4', [5]),
])
def test_real_videos(testdata_dir, name, gops):
    path = f'{testdata_dir}/{name}'
    index = index_gops(path, 'auto')
    clip = read_clip(path, gops, index=index)
    t = len(gops)
    assert clip.imgs.shape == (t, index.height, index.width, 3)
    assert clip.motion_vectors.shape == (5 * t, index.height, index.width, 2)
    assert clip.residuals.shape == (5 * t, index.height, index.width, 3)
    assert np.isfinite(clip.motion_vectors).all()
    # Real footage moves: every clip has vectors, P/B-frames alike.
    assert np.abs(clip.motion_vectors).mean() > 0.05
    moving = np.abs(clip.motion_vectors).reshape(5 * t, -1).max(1) > 0
    assert moving.mean() > 0.8
    # Motion compensation explains most of the frame: |residual| is small.
    assert np.abs(clip.residuals).mean() < 12
    if name.endswith('.avi'):  # one I-frame, B-frames: virtual GOPs
        assert index.virtual_gop == 12 and 'B' in clip.pict_types
        assert clip.pict_types[0] != 'I' or gops[0] == 0


def test_keyframe_inside_virtual_gop(testdata_dir):
    # Frame 230 of this clip is an I-frame; with virtual GOPs of 12 it is
    # the first sampled "P-frame" of GOP 19 (frames 228..239): zero motion,
    # residual = difference to its past reference.
    path = f'{testdata_dir}/h264_340x256_kinetics_armwrestling.mp4'
    index = index_gops(path, 12)
    clip = read_clip(path, [19], index=index)
    assert clip.frame_inds[1] == 230 and clip.pict_types[1] == 'I'
    assert not clip.motion_vectors[0].any()
    assert np.abs(clip.motion_vectors[1]).mean() > 0


@pytest.mark.parametrize('kind', ['h264', 'mpeg4_mp4', 'mpeg4_avi'])
def test_stream_starting_mid_gop(mid_gop, kind):
    # Frame 0 of the index is the first keyframe (source frame 12); before
    # it the decoder drops (H.264) or garbles (MPEG-4) the leading P-frames.
    path, frames, corners = mid_gop(kind)
    index = index_gops(path)
    assert index.leading_frames == FIRST_KEY - CUT
    assert index.total_frames == len(frames) - FIRST_KEY
    assert index.gop_starts.tolist() == [0, 12, 24]
    assert (index.frame_pts is None) == (kind != 'mpeg4_mp4')
    clip = read_clip(path, [0, 1, 2], kappa=KAPPA, index=index)
    types = clip.pict_types.reshape(3, 1 + KAPPA)
    assert ''.join(types[:, 0]) == 'III'
    for g in range(3):
        src = frames[FIRST_KEY + 12 * g].astype(float)
        assert np.abs(clip.imgs[g] - src).mean() < 4, g
    for k in range(2 * KAPPA):  # the full GOPs: the square moves 3 px
        t = FIRST_KEY + clip.frame_inds.reshape(3, -1)[:, 1:].reshape(-1)[k]
        x, y = corners[t]
        mv = clip.motion_vectors[k][y + 16:y + 32, x + 16:x + 32]
        assert abs(np.median(mv[..., 0]) - SPEED) < 0.5, (k, t)
    # A seek to a later GOP (or counting for raw streams) lands the same.
    alone = read_clip(path, [2], kappa=KAPPA, index=index)
    np.testing.assert_array_equal(alone.imgs[0], clip.imgs[2])
    np.testing.assert_array_equal(alone.residuals, clip.residuals[10:])


def test_mpeg4_b_frames_before_an_i_frame(synth_b):
    # MPEG-4 Part 2, IBBPBBPBBPBB I...: FFmpeg exports no vectors for its
    # B-frames. Frames 22 and 23 come right before the I-frame 24, so the
    # next P-frame's field (direct mode) is not available: the previous
    # P-frame's field (frame 21) stands in.
    path, frames, corners = synth_b
    index = index_gops(path)
    assert index.has_b_frames and index.gop_starts.tolist() == [0, 12, 24]
    for accumulate in (False, True):
        clip = read_clip(path, [1], kappa=11, index=index,
                         accumulate=accumulate)
        assert ''.join(clip.pict_types) == 'IBBPBBPBBPBB'
        for k in (9, 10):  # frames 22, 23
            t = clip.frame_inds[1 + k]
            x, y = corners[t]
            c = (slice(y + 16, y + 32), slice(x + 16, x + 32))
            u = np.median(clip.motion_vectors[k][c][..., 0])
            assert abs(u - SPEED * (t - 12 if accumulate else 1)) < 0.5, (
                accumulate, t, u)
            if not accumulate:
                assert np.abs(clip.residuals[k][c]).mean() < 3, t


def test_multireference_h264_warns_once(tmp_path, caplog, monkeypatch):
    import logging

    from mmaction_imr.codec import reader
    from mmaction_imr.prepare.writer import EncodeSpec, write_video
    monkeypatch.setattr(reader, '_warned_multiref', False)
    base = np.random.default_rng(0).integers(0, 256, (32, 80, 3), np.uint8)
    paths = {}
    for refs in (1, 3):
        paths[refs] = str(tmp_path / f'ref{refs}.mp4')
        write_video(paths[refs], [base[:, t:t + 64] for t in range(14)],
                    spec=EncodeSpec(codec='libx264', gop_size=12,
                                    max_b_frames=0, options={
                                        'preset': 'fast',
                                        'x264-params': f'ref={refs}'}))
    with caplog.at_level(logging.WARNING, logger='mmaction_imr.codec'):
        read_clip(paths[1], [0], index=index_gops(paths[1], 12))
        read_clip(paths[3], [0], streams=('imgs', ),
                  index=index_gops(paths[3], 12))  # no MVs, no residuals
        assert not caplog.records
        for _ in range(2):
            read_clip(paths[3], [0], index=index_gops(paths[3], 12))
    assert len(caplog.records) == 1
    msg = caplog.records[0].getMessage()
    assert paths[3] in msg and '3 reference frames' in msg


def test_default_streams_are_the_stream_table(synth):
    path, _, _ = synth('mpeg4', n=30)
    clip = read_clip(path, [0], index=index_gops(path))
    for key in STREAM_KEYS:
        assert getattr(clip, key) is not None
    with pytest.raises(ValueError, match='non-empty subset'):
        read_clip(path, [0], streams=('iframes', ), index=index_gops(path))
    # Any order is accepted.
    clip = read_clip(path, [0], streams=('residuals', 'imgs'),
                     index=index_gops(path))
    assert clip.motion_vectors is None and clip.imgs is not None
