"""Known-answer tests of the PMSP labels (mmaction_imr/pretext/pmsp.py)."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mmaction_imr.pretext import (cell_box, cell_edges, pmsp_labels,
                                  pmsp_levels, pmsp_magnitudes, pmsp_windows,
                                  prewitt_boundaries)

T, KAPPA, H, W = 5, 2, 16, 16
# the corner cell of each grid, row-major, for s = 2, 3, 4
TOP_RIGHT = (1, 2, 3)
BOTTOM_LEFT = (2, 6, 12)
BOTTOM_RIGHT = (3, 8, 15)


def zeros(n=1, t=T, kappa=KAPPA, h=H, w=W):
    return torch.zeros(n, 2, t * kappa, h, w)


def put_square(mv, gop, y, x, size=2, u=1., v=1., kappa=KAPPA, clip=0):
    """Motion (u, v) on a size x size square in every P-frame of a GOP."""
    sl = slice(gop * kappa, (gop + 1) * kappa)
    mv[clip, 0, sl, y:y + size, x:x + size] = u
    mv[clip, 1, sl, y:y + size, x:x + size] = v
    return mv


def label_table(labels, num_gops=T):
    """{(s, t, n): label} of one clip."""
    return {(lv.s, lv.t, lv.n): int(lab)
            for lv, lab in zip(pmsp_levels(num_gops), labels)}


def reference_labels(mv, num_gops, spatial=(2, 3, 4), temporal=(1, 3, 5)):
    """Slow, literal Algorithm 1 (F.conv2d Prewitt, python loops)."""
    n, _, tp, h, w = mv.shape
    k = tp // num_gops
    gx = torch.tensor([[-1., 0., 1.]] * 3, dtype=torch.float64)
    out = np.zeros((n, len(spatial) * sum(temporal)), np.int64)
    for i in range(n):
        frames = mv[i].double().permute(1, 0, 2, 3)  # [TP, 2, H, W]
        padded = F.pad(frames, (1, 1, 1, 1), mode='replicate')
        dx = F.conv2d(padded[:, :1], gx[None, None])[:, 0]
        dy = F.conv2d(padded[:, 1:], gx.T[None, None])[:, 0]
        col = 0
        for t in temporal:
            for p in range(t):
                a, b = p * k, (p + num_gops - t + 1) * k
                mag = torch.sqrt(dx[a:b].sum(0)**2 + dy[a:b].sum(0)**2)
                for s in spatial:
                    ys, xs = cell_edges(h, s), cell_edges(w, s)
                    cells = [float(mag[ys[r]:ys[r + 1], xs[c]:xs[c + 1]].sum())
                             for r in range(s) for c in range(s)]
                    out[i, col] = int(np.argmax(cells))
                    col += 1
    return torch.from_numpy(out)


def test_layout_default():
    levels = pmsp_levels(T)
    assert len(levels) == 27
    assert [(lv.s, lv.t, lv.n) for lv in levels[:6]] == [
        (2, 1, 0), (3, 1, 0), (4, 1, 0), (2, 3, 0), (3, 3, 0), (4, 3, 0)]
    assert (levels[-1].s, levels[-1].t, levels[-1].n) == (4, 5, 4)
    # t=1: the whole clip; t=3: 3 GOPs; t=5: one GOP each
    assert (levels[0].start, levels[0].stop) == (0, 5)
    assert [(w[2], w[3]) for w in pmsp_windows(T) if w[0] == 3] == [
        (0, 3), (1, 4), (2, 5)]
    assert [(w[2], w[3]) for w in pmsp_windows(T) if w[0] == 5] == [
        (i, i + 1) for i in range(5)]


def test_cell_edges_and_box():
    assert cell_edges(16, 4) == [0, 4, 8, 12, 16]
    assert cell_edges(5, 2) == [0, 2, 5]  # no overlap, later cell larger
    assert cell_edges(7, 3) == [0, 2, 4, 7]
    assert cell_box(16, 16, 2, 3) == (8, 8, 16, 16)
    assert cell_box(10, 20, 2, 1) == (10, 0, 20, 5)  # x0, y0, x1, y1
    with pytest.raises(ValueError):
        cell_edges(3, 4)
    with pytest.raises(ValueError):
        cell_box(16, 16, 2, 4)


def test_prewitt_matches_conv2d_with_replicate_padding():
    mv = torch.randn(3, 2, 7, 9, dtype=torch.float64)
    gx = torch.tensor([[-1., 0., 1.]] * 3, dtype=torch.float64)
    ref = F.conv2d(F.pad(mv, (1, 1, 1, 1), mode='replicate'),
                   torch.stack([gx, gx.T])[:, None], groups=2)
    torch.testing.assert_close(prewitt_boundaries(mv), ref)
    # a constant field (camera pan / normalisation offset): exactly zero
    const = torch.full((1, 2, 6, 6), 0.3)
    assert torch.count_nonzero(prewitt_boundaries(const)) == 0


def test_square_in_one_gop_bottom_right():
    mv = put_square(zeros(), gop=4, y=13, x=13)
    tab = label_table(pmsp_labels(mv, T)[0])
    for s, want in zip((2, 3, 4), BOTTOM_RIGHT):
        assert tab[(s, 1, 0)] == want  # whole clip sees GOP 4
        assert tab[(s, 3, 2)] == want  # GOPs 2..4
        assert tab[(s, 5, 4)] == want  # GOP 4 alone
        # windows without GOP 4: no motion at all -> all cells tie -> 0
        for t, n in [(3, 0), (3, 1), (5, 0), (5, 1), (5, 2), (5, 3)]:
            assert tab[(s, t, n)] == 0


def test_two_squares_track_over_time():
    # weak motion top-right in GOP 0, strong motion bottom-left in GOP 4
    mv = put_square(zeros(), gop=0, y=1, x=13, u=1., v=0.)
    mv = put_square(mv, gop=4, y=13, x=1, u=3., v=0.)
    tab = label_table(pmsp_labels(mv, T)[0])
    for i, s in enumerate((2, 3, 4)):
        assert tab[(s, 1, 0)] == BOTTOM_LEFT[i]
        assert tab[(s, 3, 0)] == TOP_RIGHT[i]
        assert tab[(s, 3, 1)] == 0  # GOPs 1..3 are still
        assert tab[(s, 3, 2)] == BOTTOM_LEFT[i]
        assert tab[(s, 5, 0)] == TOP_RIGHT[i]
        assert tab[(s, 5, 4)] == BOTTOM_LEFT[i]


def test_sums_vectors_before_magnitude():
    # back-and-forth motion bottom-right cancels within a window; a weaker
    # steady motion top-right wins there, but not in the single GOPs
    mv = put_square(zeros(), gop=1, y=13, x=13, u=4., v=0.)
    mv = put_square(mv, gop=2, y=13, x=13, u=-4., v=0.)
    for g in range(T):
        mv = put_square(mv, gop=g, y=1, x=13, u=0.5, v=0.)
    tab = label_table(pmsp_labels(mv, T)[0])
    assert tab[(4, 1, 0)] == 3  # opposite vectors cancel over the clip
    assert tab[(4, 5, 1)] == 15 and tab[(4, 5, 2)] == 15


def test_uniform_region_responds_on_its_edge_only():
    # the left 9 columns translate by u=1: a motion boundary at x = 8, 9
    mv = zeros()
    mv[:, 0, :, :, :9] = 1.
    mag = pmsp_magnitudes(mv, T, temporal=(1, ))[0, 0]
    assert torch.count_nonzero(mag[:, :8]) == 0  # inside: no response
    assert torch.count_nonzero(mag[:, 10:]) == 0
    assert bool((mag[:, 8:10] > 0).all())
    tab = label_table(pmsp_labels(mv, T)[0])
    # edge in grid column 1 (s=2, s=3) or 2 (s=4). Equal rows tie -> first
    # row; with s=3 the 16 rows split 5/5/6, so the larger last row wins.
    assert (tab[(2, 1, 0)], tab[(3, 1, 0)], tab[(4, 1, 0)]) == (1, 7, 2)


def test_zero_and_global_motion_give_label_zero():
    assert pmsp_labels(zeros(2), T).eq(0).all()
    pan = zeros(1)
    pan[:, 0] = 2.5
    pan[:, 1] = -1.
    assert pmsp_labels(pan, T).eq(0).all()


def test_tie_goes_to_first_cell():
    # two identical squares, top-right and bottom-left cells: first wins
    mv = put_square(zeros(), gop=2, y=1, x=13)
    mv = put_square(mv, gop=2, y=13, x=1)
    tab = label_table(pmsp_labels(mv, T)[0])
    assert [tab[(s, 1, 0)] for s in (2, 3, 4)] == list(TOP_RIGHT)


def test_matches_reference_and_batch_independent():
    g = torch.Generator().manual_seed(0)
    mv = torch.randint(-3, 4, (4, 2, T * KAPPA, 11, 13), generator=g).float()
    labels = pmsp_labels(mv, T)
    assert labels.dtype == torch.long and labels.shape == (4, 27)
    assert torch.equal(labels, reference_labels(mv, T))
    singles = torch.cat([pmsp_labels(mv[i:i + 1], T) for i in range(4)])
    assert torch.equal(labels, singles)
    # affine normalisation with one scale for u and v: same labels
    assert torch.equal(pmsp_labels(mv * 0.5 - 3., T), labels)


@pytest.mark.parametrize('num_gops,temporal', [(3, (1, 2, 3)), (7, (1, 3, 5)),
                                               (2, (1, 2))])
def test_general_num_gops(num_gops, temporal):
    g = torch.Generator().manual_seed(1)
    mv = torch.randint(-2, 3, (2, 2, num_gops * 3, 8, 8),
                       generator=g).float()
    labels = pmsp_labels(mv, num_gops, temporal=temporal)
    assert labels.shape == (2, 3 * sum(temporal))
    assert torch.equal(
        labels, reference_labels(mv, num_gops, temporal=temporal))
    # the square trick at the last GOP, finest scale picks it
    sq = put_square(zeros(1, t=num_gops, kappa=3, h=8, w=8), gop=num_gops - 1,
                    y=6, x=6, size=1, kappa=3)
    lv = pmsp_levels(num_gops, temporal=temporal)
    lab = pmsp_labels(sq, num_gops, temporal=temporal)[0]
    for level, value in zip(lv, lab):
        covers = level.start <= num_gops - 1 < level.stop
        assert int(value) == ((level.s**2 - 1) if covers else 0), level


def test_labels_in_range():
    mv = torch.randn(2, 2, 10, 9, 9)
    for level, col in zip(pmsp_levels(T), pmsp_labels(mv, T).T):
        assert bool(((col >= 0) & (col < level.s**2)).all())


@pytest.mark.parametrize('shape,num_gops,kw', [
    ((1, 3, 10, 8, 8), 5, {}),        # 3 channels
    ((1, 2, 9, 8, 8), 5, {}),         # 9 P-frames, 5 GOPs
    ((1, 2, 6, 8, 8), 3, {}),         # t=5 > T=3
    ((1, 2, 10, 3, 8), 5, {}),        # 4x4 grid on 3 rows
    ((1, 2, 10, 8, 8), 5, dict(spatial=(0, ))),
])
def test_bad_arguments(shape, num_gops, kw):
    with pytest.raises(ValueError):
        pmsp_labels(torch.zeros(shape), num_gops, **kw)


def test_all_combinations_of_corners():
    # one square per GOP in a different 4x4 corner: t=5 follows it
    corners = [(1, 1), (1, 13), (13, 1), (13, 13), (5, 9)]
    mv = zeros()
    for g, (y, x) in enumerate(corners):
        put_square(mv, gop=g, y=y, x=x)
    tab = label_table(pmsp_labels(mv, T)[0])
    want4 = [0, 3, 12, 15, 6]
    for g in range(T):
        assert tab[(4, 5, g)] == want4[g]
