"""Rotation pretext transforms (mmaction_imr/pretext/rotation.py) on
inputs whose answer is known."""
import numpy as np
import pytest
import torch

from mmaction_imr.pretext import (ROTATION_ANGLES, rotate_frames,
                                  rotate_motion_vectors, rotate_streams,
                                  rotation_labels, rotation_transform)

S = 16  # picture side


def moving_square(x0=3, y0=5, size=4, u=2, v=1):
    """Two frames of a square moving by ``(u, v)`` px and its field.

    Returns ``frames`` ``[1, 1, 2, S, S]`` (1 inside the square) and the
    field of the second frame ``[1, 2, 1, S, S]``: ``(u, v)`` where the
    square is now (the forward displacement from the previous frame), 0
    elsewhere.
    """
    frames = torch.zeros(1, 1, 2, S, S)
    frames[0, 0, 0, y0:y0 + size, x0:x0 + size] = 1
    frames[0, 0, 1, y0 + v:y0 + v + size, x0 + u:x0 + u + size] = 1
    field = torch.zeros(1, 2, 1, S, S)
    field[0, 0, 0][frames[0, 0, 1] > 0] = u
    field[0, 1, 0][frames[0, 0, 1] > 0] = v
    return frames, field


def centroid(mask):
    """``(x, y)`` centre of a 2-D mask, ``x`` = column, ``y`` = row (down)."""
    ys, xs = torch.nonzero(mask, as_tuple=True)
    return torch.stack([xs.float().mean(), ys.float().mean()])


@pytest.mark.parametrize('k', [0, 1, 2, 3])
def test_rotated_field_is_the_field_of_the_rotated_motion(k):
    frames, field = moving_square()
    turned = rotate_frames(frames, k)
    # The rotated motion, measured on the rotated pictures only.
    before, after = turned[0, 0, 0] > 0, turned[0, 0, 1] > 0
    expected = centroid(after) - centroid(before)
    out = rotate_motion_vectors(field, k)
    assert out.shape == field.shape
    inside = out[0, :, 0][:, after]  # [2, pixels]
    assert torch.equal(inside, expected[:, None].expand_as(inside))
    assert not out[0, :, 0][:, ~after].any()


def test_quarter_turn_of_rightward_motion_points_up():
    """Picture turned 90 degrees anticlockwise: right becomes up, and y
    points down, so v < 0."""
    _, field = moving_square(u=3, v=0)
    out = rotate_motion_vectors(field, 1)
    moving = out.abs().sum(1) > 0
    assert torch.equal(out[:, 0][moving], torch.zeros(16))
    assert torch.equal(out[:, 1][moving], torch.full((16, ), -3.))
    # and the content went where an anticlockwise turn takes it: the top
    # right corner of the picture becomes its top left
    pic = torch.zeros(1, 1, 1, S, S)
    pic[..., 0, S - 1] = 1
    assert rotate_frames(pic, 1)[..., 0, 0].item() == 1


def test_turns_compose():
    g = torch.Generator().manual_seed(0)
    mv = torch.randn(2, 2, 3, S, S, generator=g)
    assert torch.equal(rotate_motion_vectors(mv, 4), mv)
    for k in range(4):
        twice = rotate_motion_vectors(rotate_motion_vectors(mv, k), 4 - k)
        assert torch.equal(twice, mv)
        assert torch.equal(rotate_motion_vectors(mv, k),
                           rotate_motion_vectors(mv, k + 4))
    assert torch.equal(rotate_motion_vectors(mv, -1),
                       rotate_motion_vectors(mv, 3))


def test_rotate_streams_per_clip():
    g = torch.Generator().manual_seed(1)
    streams = dict(
        imgs=torch.randn(4, 3, 2, S, S, generator=g),
        motion_vectors=torch.randn(4, 2, 4, S, S, generator=g),
        residuals=torch.randn(4, 3, 4, S, S, generator=g))
    labels = torch.tensor([0, 1, 2, 3])
    out = rotate_streams(streams, labels)
    assert set(out) == set(streams)
    for i, k in enumerate(labels.tolist()):
        for key in ('imgs', 'residuals'):  # pictures only
            assert torch.equal(out[key][i],
                               torch.rot90(streams[key][i], k, (-2, -1)))
        assert torch.equal(
            out['motion_vectors'][i:i + 1],
            rotate_motion_vectors(streams['motion_vectors'][i:i + 1], k))
    assert torch.equal(out['imgs'][0], streams['imgs'][0])
    # the input is not modified
    assert not torch.equal(out['imgs'][1], streams['imgs'][1])


def test_rotation_transform_draws():
    streams = dict(imgs=torch.randn(64, 3, 1, S, S),
                   motion_vectors=torch.randn(64, 2, 2, S, S))
    out, labels = rotation_transform(
        streams, torch.Generator().manual_seed(0))
    assert labels.shape == (64, ) and labels.dtype == torch.long
    assert set(labels.tolist()) == set(range(len(ROTATION_ANGLES)))
    assert torch.equal(out['imgs'], rotate_streams(streams, labels)['imgs'])
    _, again = rotation_transform(streams, torch.Generator().manual_seed(0))
    assert torch.equal(labels, again)
    torch.manual_seed(5)
    a = rotation_labels(8)
    torch.manual_seed(5)
    assert torch.equal(a, rotation_labels(8))  # global RNG, seeded


def test_bad_arguments():
    with pytest.raises(ValueError, match='square'):
        rotate_frames(torch.zeros(1, 3, 1, 8, 6), 1)
    with pytest.raises(ValueError, match='square'):
        rotation_transform(dict(imgs=torch.zeros(2, 3, 1, 8, 6)))
    with pytest.raises(ValueError, match=r'\[N, 2, T, H, W\]'):
        rotate_motion_vectors(torch.zeros(1, 3, 1, 8, 8), 1)
    with pytest.raises(ValueError, match=r'\[0, 4\)'):
        rotate_streams(dict(imgs=torch.zeros(1, 3, 1, 8, 8)),
                       torch.tensor([4]))
    with pytest.raises(ValueError, match='N = 2'):
        rotate_streams(dict(imgs=torch.zeros(1, 3, 1, 8, 8)),
                       torch.tensor([0, 1]))
    with pytest.raises(ValueError, match='at least one'):
        rotation_transform({})
    with pytest.raises(ValueError, match='batch_size'):
        rotation_labels(0)


# ---------------------------------------------------------- through the codec
SIDE, SQUARE, SPEED, GOP, KAPPA = 96, 32, 3, 12, 5


def square_video(n=GOP, seed=0):
    """A textured square moving SPEED px/frame right on a textured
    background: ``[n, SIDE, SIDE, 3]`` uint8, the square's interior
    ``[n, SIDE, SIDE]`` and the still background (away from the square)."""
    import cv2
    rng = np.random.default_rng(seed)

    def texture(h, w):
        t = cv2.GaussianBlur(rng.random((h, w), np.float32), (0, 0), 1.5)
        t = (t - t.min()) / (t.max() - t.min()) * 255
        return np.repeat(t.astype(np.uint8)[..., None], 3, axis=2)

    bg, sq = texture(SIDE, SIDE), texture(SQUARE, SQUARE)
    frames, masks, still = [], [], []
    y = (SIDE - SQUARE) // 2
    for t in range(n):
        f, m, s = bg.copy(), np.zeros((SIDE, SIDE), bool), np.ones(
            (SIDE, SIDE), bool)
        x = 16 + SPEED * t
        f[y:y + SQUARE, x:x + SQUARE] = sq
        # interior: clear of the macroblocks that mix square and background
        m[y + 8:y + SQUARE - 8, x + 8:x + SQUARE - 8] = True
        s[max(y - 16, 0):y + SQUARE + 16,
          max(x - 16 - 2 * SPEED, 0):x + SQUARE + 16] = False
        frames.append(f)
        masks.append(m)
        still.append(s)
    return np.stack(frames), np.stack(masks), np.stack(still)


def read_field(path):
    from mmaction_imr.codec import index_gops, read_clip
    clip = read_clip(path, [0], kappa=KAPPA, index=index_gops(path, GOP),
                     streams=('imgs', 'motion_vectors'))
    mv = torch.from_numpy(clip.motion_vectors)  # [kappa, H, W, 2]
    return mv.permute(3, 0, 1, 2)[None], clip.frame_inds[1:]


@pytest.mark.parametrize('k', [1, 2, 3])
def test_codec_field_of_a_video_rotated_before_encoding(tmp_path, k):
    """Encoding the turned video gives (on the moving square) the turned
    field of the original video, with the vectors turned as derived."""
    from mmaction_imr.prepare.writer import EncodeSpec, write_video
    frames, masks, still = square_video()
    paths = {}
    for name, turn in (('orig', 0), ('turned', k)):
        paths[name] = str(tmp_path / f'{name}.mp4')
        write_video(paths[name],
                    np.ascontiguousarray(np.rot90(frames, turn, (1, 2))),
                    fps=30, spec=EncodeSpec())
    orig, inds = read_field(paths['orig'])
    turned, inds_turned = read_field(paths['turned'])
    assert inds.tolist() == inds_turned.tolist() == [2, 4, 6, 8, 10]
    ours = rotate_motion_vectors(orig, k)
    expected = torch.tensor([[SPEED, 0.], [0., -SPEED], [-SPEED, 0.],
                             [0., SPEED]])[k]
    for p, t in enumerate(inds.tolist()):
        inside = torch.from_numpy(np.rot90(masks[t], k).copy())
        for field in (ours, turned):
            med = field[0, :, p][:, inside].median(dim=1).values
            assert torch.allclose(med, expected, atol=0.5), (k, t, med)
        background = torch.from_numpy(np.rot90(still[t], k).copy())
        assert turned[0, :, p][:, background].abs().mean() < 0.1
