"""Colour coding of motion vectors and residuals."""
import numpy as np
import pytest

from mmaction_imr.visualization import flow_to_image, residual_to_image


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
