"""Rendering of the synthetic classes: determinism, ground truth, and the
motion the encoder really sees."""
import av
import numpy as np
import pytest

from mmaction_imr.prepare import synthetic_render as syn
from mmaction_imr.prepare.writer import write_video


def _clip(name, seed=0, size=(128, 96), frames=24):
    label = syn.CLASSES.index(name)
    return syn.render_clip(np.random.default_rng([seed, label]), label, size,
                           frames)


def _decode(path):
    with av.open(path) as c:
        return np.stack([f.to_ndarray(format='rgb24') for f in c.decode(
            video=0)])


def _motion_vectors(path):
    """Per frame: (x, y, u, v) of the blocks predicted from a past frame.

    u, v = dst - src (FFmpeg: src = dst + motion / motion_scale), read
    from PyAV's side data directly, independent of the codec package.
    """
    out = []
    with av.open(path) as c:
        s = c.streams.video[0]
        s.codec_context.options = {'flags2': '+export_mvs'}
        for f in c.decode(s):
            sd = f.side_data.get('MOTION_VECTORS')
            if sd is None:
                out.append(None)
                continue
            mv = sd.to_ndarray()
            mv = mv[mv['source'] < 0]
            scale = mv['motion_scale'].astype(float)
            out.append((mv['dst_x'].astype(float), mv['dst_y'].astype(float),
                        -mv['motion_x'] / scale, -mv['motion_y'] / scale))
    return out


def _object_motion(clip, path):
    """Mean (u, v), curl and divergence of the MVs on the object, relative
    to the camera; curl in rad/frame (clockwise on screen > 0), divergence
    in relative scale change per frame."""
    h, w = clip.masks.shape[1:]
    us, vs = [], []
    num_c = num_d = den = 0.0
    for t, mv in enumerate(_motion_vectors(path)):
        if mv is None:
            continue
        x, y, u, v = mv
        on = clip.masks[t][np.clip(y.astype(int), 0, h - 1),
                           np.clip(x.astype(int), 0, w - 1)] > 0.5
        cam = clip.camera[t] - clip.camera[t - 1]
        u, v = u[on] - cam[0], v[on] - cam[1]
        rx, ry = x[on] - clip.centre[t, 0], y[on] - clip.centre[t, 1]
        us += list(u)
        vs += list(v)
        num_c += np.sum(rx * v - ry * u)
        num_d += np.sum(rx * u + ry * v)
        den += np.sum(rx**2 + ry**2)
    return np.mean(us), np.mean(vs), num_c / den, num_d / den


def test_render_deterministic_inside_and_jumps_only_at_gops():
    a, b = _clip('move_right'), _clip('move_right')
    assert np.array_equal(a.frames, b.frames)
    assert not np.array_equal(a.frames, _clip('move_right', seed=1).frames)
    assert a.frames.shape == (24, 96, 128, 3) and a.frames.dtype == np.uint8
    for name in syn.CLASSES:
        clip = _clip(name, frames=48)
        m = clip.masks
        assert (m.sum((1, 2)) > 50).all()  # the object is always there
        border = np.concatenate([m[:, 0], m[:, -1], m[:, :, 0], m[:, :, -1]],
                                1)
        assert border.max() < 0.05  # ...and inside the frame
        # Motion is smooth except at I-frames (t % 12 == 0).
        step = np.diff(clip.centre, axis=0)
        jumps = np.abs(step - np.median(step, 0)).max(1) > 1e-6
        assert all((t + 1) % 12 == 0 for t in np.flatnonzero(jumps))


def test_ground_truth_motion_per_class():
    right = _clip('move_right')
    speed = np.diff(right.centre[:12, 0]) - np.diff(right.camera[:12, 0])
    assert np.allclose(speed, speed[0]) and 2 <= speed[0] <= 4
    up = _clip('move_up')
    assert 2 <= -(np.diff(up.centre[:12, 1]) - np.diff(up.camera[:12, 1]))[0]
    cw = np.diff(_clip('rotate_cw').angle)[0]
    ccw = np.diff(_clip('rotate_ccw').angle)[0]
    lo, hi = syn._ANGULAR  # deg / frame
    assert np.radians(lo) <= cw <= np.radians(hi)
    assert -np.radians(hi) <= ccw <= -np.radians(lo)
    z_in = np.diff(np.log(_clip('zoom_in').zoom[:12]))
    lo, hi = syn._ZOOM_RATE
    assert np.log(1 + lo) - 1e-9 <= z_in.min() <= np.log(1 + hi) + 1e-9
    assert (np.diff(np.log(_clip('zoom_out').zoom[:12])) < 0).all()
    still = _clip('move_left').zoom
    assert np.all(still == still[0])


def test_object_stands_out_from_the_background():
    """A bright saturated object on a dark background, so an I-frame
    shows where the object is (CTP needs it)."""
    for name in syn.CLASSES:
        for seed in range(3):
            clip = _clip(name, seed=seed, frames=1)
            f, m = clip.frames[0].astype(float), clip.masks[0]
            obj, bg = f[m > 0.99].mean(0), f[m < 0.01].mean(0)
            assert np.linalg.norm(obj - bg) > 100, (name, seed, obj, bg)
            assert bg.max() < obj.max()
    rng = np.random.default_rng(0)
    for _ in range(200):
        bg, obj = syn._colours(rng)
        assert np.linalg.norm(bg - obj) >= syn._MIN_COLOUR_DISTANCE
        assert bg.max() - bg.min() <= 2 * syn._BG_TINT


@pytest.mark.parametrize('name,check', [
    ('move_right', lambda u, v, c, d: u > 1.5 and abs(v) < 0.5),
    ('move_left', lambda u, v, c, d: u < -1.5 and abs(v) < 0.5),
    ('move_down', lambda u, v, c, d: v > 1.5 and abs(u) < 0.5),
    ('move_up', lambda u, v, c, d: v < -1.5 and abs(u) < 0.5),
    ('rotate_cw', lambda u, v, c, d: c > 0.02),
    ('rotate_ccw', lambda u, v, c, d: c < -0.02),
    ('zoom_in', lambda u, v, c, d: d > 0.003),
    ('zoom_out', lambda u, v, c, d: d < -0.003),
])
def test_decoded_motion_vectors_show_the_class(tmp_path, name, check):
    # The median over three clips: one clip's texture can leave the encoder
    # little to lock onto, the class must still show in typical clips.
    per_clip = []
    for seed in range(3):
        clip = _clip(name, seed=seed, frames=36)
        path = str(tmp_path / f'{name}_{seed}.mp4')
        write_video(path, clip.frames, 30)
        per_clip.append(_object_motion(clip, path))
    stats = tuple(np.median(np.array(per_clip), axis=0))
    assert check(*stats), f'{name}: u, v, curl, div = {per_clip}'
