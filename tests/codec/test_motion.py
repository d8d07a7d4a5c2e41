"""Known-answer tests of MV rasterisation, warping and accumulation."""
import numpy as np
import pytest

from mmaction_imr.codec import (accumulate_step, dense_flow,
                                parse_motion_vectors, pixel_grid,
                                predict_along, predict_blocks, warp)



def test_past_block_forward_displacement(records):
    # Content came from 3 px left, 1 px lower in the previous frame:
    # src - dst = (-3, +1) so the forward field is (+3, -1).
    mvs = records((-1, 16, 16, 16, 0, -6, 2, 2))
    flow = dense_flow(parse_motion_vectors(mvs, 32, 48))
    assert flow.shape == (32, 48, 2) and flow.dtype == np.float32
    np.testing.assert_allclose(flow[0:16, 16:32], np.broadcast_to(
        np.float32([3, -1]), (16, 16, 2)))
    assert not flow[16:].any() and not flow[:, :16].any()  # intra/none: 0
    assert not flow[:, 32:].any()


def test_distance_and_future_sign(records):
    mvs = records((-1, 8, 8, 0, 0, -12, 0, 2),   # past, 2 frames back
                  (1, 8, 8, 8, 0, 8, 0, 4))      # future, 1 frame ahead
    flow = dense_flow(parse_motion_vectors(mvs, 8, 16), dist_past=2,
                      dist_future=1)
    np.testing.assert_allclose(flow[0, 0], [3, 0])   # (dst - src) / 2
    np.testing.assert_allclose(flow[0, 8], [2, 0])   # (src - dst) / 1


def test_past_preferred_over_future(records):
    mvs = records((-1, 16, 16, 0, 0, -2, 0, 2), (1, 16, 16, 0, 0, 8, 8, 2))
    for order in (mvs, mvs[::-1]):
        flow = dense_flow(parse_motion_vectors(order, 16, 16))
        np.testing.assert_allclose(flow[8, 8], [1, 0])


def test_odd_size_clips_border_blocks(records):
    # 90x66: the last macroblock row/column sticks out of the frame.
    mvs = records((-1, 16, 16, 80, 64, -2, -4, 2), (-1, 8, 8, 0, 0, 2, 0, 1))
    motion = parse_motion_vectors(mvs, 66, 90)
    assert motion.cell == 8
    flow = dense_flow(motion)
    assert flow.shape == (66, 90, 2)
    np.testing.assert_allclose(flow[64:, 80:], np.broadcast_to(
        np.float32([1, 2]), (2, 10, 2)))
    np.testing.assert_allclose(flow[:8, :8, 0], -2)
    assert not flow[8:64].any()


def test_no_vectors_is_zero():
    flow = dense_flow(parse_motion_vectors(None, 20, 30))
    assert flow.shape == (20, 30, 2) and not flow.any()


def test_warp_reads_displaced_pixels():
    img = np.arange(4 * 6, dtype=np.uint8).reshape(4, 6, 1).repeat(3, 2)
    disp = np.zeros((4, 6, 2), np.float32)
    disp[..., 0] = -1  # read one pixel to the left
    out = warp(img, pixel_grid(4, 6), disp)
    np.testing.assert_array_equal(out[:, 1:], img[:, :-1])
    np.testing.assert_array_equal(out[:, 0], img[:, 0])  # border repeats


def test_accumulate_constant_motion_is_linear():
    h, w = 16, 64
    grid = pixel_grid(h, w)
    flow = np.zeros((h, w, 2), np.float32)
    flow[..., 0] = 3
    back = np.zeros((h, w, 2), np.float32)
    for k in range(1, 5):
        back = accumulate_step(back, flow, grid)
        np.testing.assert_allclose(-back[:, 20:40, 0], 3 * k)
        assert not back[..., 1].any()


def test_accumulate_follows_moving_content():
    # Frame 1: block moved +4 right; frame 2: static. Pixels of the block in
    # frame 2 still trace back 4 px to the I-frame.
    h, w = 8, 32
    grid = pixel_grid(h, w)
    f1 = np.zeros((h, w, 2), np.float32)
    f1[:, 8:16, 0] = 4
    back = accumulate_step(np.zeros_like(f1), f1, grid)
    back = accumulate_step(back, np.zeros_like(f1), grid)
    np.testing.assert_allclose(back[:, 8:16, 0], -4)
    assert not back[:, :8].any() and not back[:, 16:].any()


def test_single_cell_fast_path_matches_general_path(records):
    # All 16x16 blocks (one cell each) take the fast path; adding one 8x8
    # block (outside the frame, so it paints nothing) forces cell 8 and the
    # general path: same pixels either way,
    # including a block outside the frame, a repeat (last wins) and a
    # block painted by both directions.
    blocks = [(-1, 16, 16, 0, 0, -2, 4, 2), (-1, 16, 16, 16, 0, 6, 0, 2),
              (1, 16, 16, 16, 0, 3, 3, 1), (-1, 16, 16, 16, 0, 1, 1, 1),
              (-1, 16, 16, 48, 16, 9, 9, 1)]
    fast = parse_motion_vectors(records(*blocks), 32, 40)
    assert fast.cell == 16
    general = parse_motion_vectors(
        records(*blocks, (-1, 8, 8, 48, 24, 5, 5, 1)), 32, 40)
    assert general.cell == 8
    for name in ('past', 'past_mask', 'future', 'future_mask'):
        np.testing.assert_array_equal(fast.upsample(getattr(fast, name)),
                                      general.upsample(getattr(general,
                                                               name)))
    np.testing.assert_allclose(fast.past[0, 1], [1, 1])  # last record wins


def test_warp_map_buffer_and_zero_motion_identity():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (9, 11, 3), dtype=np.uint8)
    grid = pixel_grid(9, 11)
    disp = rng.uniform(-3, 3, (9, 11, 2)).astype(np.float32)
    buf = np.empty_like(grid)
    np.testing.assert_array_equal(warp(img, grid, disp, map_buf=buf),
                                  warp(img, grid, disp))
    # Zero vectors give the reference back exactly: the reader skips the
    # remap for all-zero fields relying on this.
    np.testing.assert_array_equal(
        warp(img, grid, np.zeros_like(disp), map_buf=buf), img)


def _ramp(h, w, step=4):
    """``[h, w, 3]`` uint8, value ``step * x`` (distinct along x)."""
    row = (np.arange(w) * step % 256).astype(np.uint8)
    return np.repeat(np.repeat(row[None, :, None], h, 0), 3, 2)


def test_predict_blocks_past_future_both_and_intra(records):
    # Cells of 16 px: block 0 from the past 4 px left, block 1 from the
    # future 4 px right, block 2 from both (mean), block 3 intra.
    h, w = 16, 64
    past, future = _ramp(h, w), 255 - _ramp(h, w)
    mvs = records((-1, 16, 16, 0, 0, -4, 0, 1), (1, 16, 16, 16, 0, 4, 0, 1),
                  (-1, 16, 16, 32, 0, -4, 0, 1), (1, 16, 16, 32, 0, 4, 0, 1))
    grid = pixel_grid(h, w)
    pred = predict_blocks(parse_motion_vectors(mvs, h, w), grid, past,
                          future)
    assert pred.shape == (h, w, 3) and pred.dtype == np.uint8
    x = np.arange(w)
    from_past = past[:, np.clip(x - 4, 0, w - 1)]
    from_future = future[:, np.clip(x + 4, 0, w - 1)]
    np.testing.assert_array_equal(pred[:, 4:16], from_past[:, 4:16])
    np.testing.assert_array_equal(pred[:, 16:32], from_future[:, 16:32])
    mean = (from_past.astype(int) + from_future + 1) // 2
    np.testing.assert_array_equal(pred[:, 32:48], mean[:, 32:48])
    np.testing.assert_array_equal(pred[:, 48:], past[:, 48:])  # intra
    assert not np.shares_memory(pred, past)


def test_predict_blocks_one_reference(records):
    h, w = 16, 32
    ref = _ramp(h, w)
    grid = pixel_grid(h, w)
    still = parse_motion_vectors(None, h, w)
    # Zero motion from the past is the reference itself (no remap).
    assert predict_blocks(still, grid, ref, None) is ref
    ahead = parse_motion_vectors(records((1, 16, 16, 0, 0, 2, 0, 1)), h, w)
    pred = predict_blocks(ahead, grid, None, ref)
    np.testing.assert_array_equal(pred[:, :14], ref[:, 2:16])
    with pytest.raises(ValueError, match='past or a future'):
        predict_blocks(still, grid, None, None)


def test_predict_along_constant_motion_is_exact():
    # Content moving +2 px per frame: 1 frame back it was 2 px left, 2
    # frames ahead it will be 4 px right; both reads give the frame.
    h, w = 8, 48
    frame = _ramp(h, w)
    x = np.arange(w)
    past = frame[:, np.clip(x + 2, 0, w - 1)]   # past(x - 2) = frame(x)
    future = frame[:, np.clip(x - 4, 0, w - 1)]  # future(x + 4) = frame(x)
    flow = np.zeros((h, w, 2), np.float32)
    flow[..., 0] = 2
    pred = predict_along(flow, pixel_grid(h, w), past, future, 1, 2)
    np.testing.assert_array_equal(pred[:, 4:-4], frame[:, 4:-4])
