"""The accumulation step is bit-identical to its definition
``warp(back, grid, -flow, nearest=True) - flow``."""
import cv2
import numpy as np

from mmaction_imr.codec import (accumulate_step, pixel_grid, remap_nearest,
                                warp)


def fields(seed, h=37, w=53):
    rng = np.random.default_rng(seed)
    # Half- and quarter-pel steps (ties of the nearest rounding) and reads
    # past the border.
    flow = (rng.integers(-40, 41, (h, w, 2)) / 4).astype(np.float32)
    back = rng.normal(0, 5, (h, w, 2)).astype(np.float32)
    return back, flow, pixel_grid(h, w)


def test_remap_nearest_is_cv2_float_remap_bitwise():
    back, flow, grid = fields(0)
    coords = grid - flow
    ref = cv2.remap(back, coords, None, cv2.INTER_NEAREST,
                    borderMode=cv2.BORDER_REPLICATE)
    out = remap_nearest(back, coords)
    assert out.dtype == np.float32 and out.shape == back.shape
    np.testing.assert_array_equal(out.view(np.uint32), ref.view(np.uint32))


def test_accumulate_step_is_its_definition_bitwise():
    for seed in range(3):
        back, flow, grid = fields(seed)
        ref = warp(back, grid, -flow, nearest=True) - flow
        buf = np.empty_like(grid)
        for map_buf in (None, buf):
            out = accumulate_step(back, flow, grid, map_buf=map_buf)
            np.testing.assert_array_equal(out.view(np.uint32),
                                          ref.view(np.uint32))
        assert out is not back and out is not buf


def test_accumulate_first_step_and_zero_motion():
    back, flow, grid = fields(1)
    np.testing.assert_array_equal(accumulate_step(None, flow, grid), -flow)
    # No motion: the field is carried over unchanged (not copied).
    assert accumulate_step(back, np.zeros_like(flow), grid) is back


def test_accumulated_chain_matches_the_definition():
    back, _, grid = fields(2)
    ref = out = None
    for seed in range(5):
        flow = fields(10 + seed)[1]
        out = accumulate_step(out, flow, grid)
        ref = -flow if ref is None else (
            warp(ref, grid, -flow, nearest=True) - flow)
    np.testing.assert_array_equal(out, ref)
