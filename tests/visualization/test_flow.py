"""Colour coding of motion vectors and residuals, and their keys."""
import cv2
import numpy as np
import pytest

from mmaction_imr.visualization import (draw_flow_wheel, flow_scale,
                                        flow_to_image, residual_to_image)
from mmaction_imr.visualization.flow import draw_residual_ramp


def test_directions_and_magnitude():
    flow = np.zeros((2, 4, 2), np.float32)
    flow[0, 0] = (2, 0)    # right: red
    flow[0, 1] = (-2, 0)   # left: cyan
    flow[0, 2] = (1, 0)    # half magnitude: half brightness
    img = flow_to_image(flow)
    assert img.shape == (2, 4, 3) and img.dtype == np.uint8
    np.testing.assert_array_equal(img[0, 0], [255, 0, 0])
    assert img[0, 1, 0] == 0 and img[0, 1, 1] == img[0, 1, 2] == 255
    assert 120 <= img[0, 2, 0] <= 135
    assert not img[1].any()  # no motion: black
    assert not flow_to_image(np.zeros((3, 3, 2))).any()


def test_fixed_scale():
    flow = np.full((1, 1, 2), (4, 0), np.float32)
    assert flow_to_image(flow, max_magnitude=8)[0, 0, 0] in (127, 128)


@pytest.mark.parametrize('shape', [(0, 2), (4, 4, 3)])
def test_rejects_bad_shape(shape):
    with pytest.raises(ValueError):
        flow_to_image(np.zeros(shape, np.float32))


def test_residual_grey_is_zero():
    res = np.array([[[0, 10, -10], [200, -200, 1]]], np.float32)
    img = residual_to_image(res)
    np.testing.assert_array_equal(img, [[[128, 148, 108], [255, 0, 130]]])


def test_flow_scale_ignores_still_pixels_and_outliers():
    flow = np.zeros((100, 100, 2), np.float32)
    flow[:20, :20] = (3, 4)  # a small object moving 5 px
    assert flow_scale(flow) == pytest.approx(5.0)
    flow[0, 0] = (500, 0)  # one outlier vector changes little
    assert flow_scale(flow) < 10
    assert flow_scale(np.zeros((4, 4, 2))) == 1.0


def test_wheel_is_the_key_of_flow_to_image():
    size = 96
    wheel = draw_flow_wheel(size, max_magnitude=2.5)
    assert wheel.dtype == np.uint8 and wheel.shape[2] == 3
    assert wheel.shape[0] > size and wheel.shape[1] > size
    # the disc's colours are those of flow_to_image: vectors pointing
    # right (+u) are red (hue 0) and right of those pointing down (+v,
    # image axes; hue 45 in cv2's 0..179), which are below them
    hsv = cv2.cvtColor(wheel, cv2.COLOR_RGB2HSV).astype(int)
    bright = (hsv[..., 1] > 200) & (hsv[..., 2] > 100)
    right = np.argwhere(bright & ((hsv[..., 0] <= 3) | (hsv[..., 0] >= 177)))
    down = np.argwhere(bright & (abs(hsv[..., 0] - 45) <= 3))
    assert len(right) > 50 and len(down) > 50
    assert right[:, 1].mean() > down[:, 1].mean() + size / 4
    assert down[:, 0].mean() > right[:, 0].mean() + size / 4
    # captions above it (the scale among them) and axis names beside it
    assert (wheel[:10] < 255).any()
    assert draw_flow_wheel(size).shape[0] < wheel.shape[0]  # no scale line


def test_residual_ramp_spans_the_grey_levels():
    ramp = draw_residual_ramp(120)
    greys = {tuple(p) for p in ramp.reshape(-1, 3) if p[0] == p[1] == p[2]}
    assert (0, 0, 0) in greys and (128, 128, 128) in greys
    assert len(greys) > 100
