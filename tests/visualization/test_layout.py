"""Tests of mmaction_imr/visualization/layout.py: upscaling, caption bands,
grids, colour keys."""
import numpy as np
import pytest

from mmaction_imr.visualization.layout import (GAP, LINE_HEIGHT, MIN_SIDE,
                                               PAD, draw_grid, hstack,
                                               key_band, text_band, upscale,
                                               vstack)


@pytest.mark.parametrize('shape,factor', [((56, 56, 3), 3), ((32, 48, 3), 5),
                                          ((96, 128, 3), 2),
                                          ((224, 224, 3), 1),
                                          ((256, 340, 2), 1)])
def test_upscale_integer_factor_nearest(shape, factor):
    img = np.random.default_rng(0).integers(0, 255, shape, dtype=np.uint8)
    big = upscale(img)
    assert big.shape == (shape[0] * factor, shape[1] * factor) + shape[2:]
    assert min(big.shape[:2]) >= min(MIN_SIDE, min(shape[:2]) * factor)
    # nearest neighbour: every pixel is a factor x factor block
    np.testing.assert_array_equal(big[::factor, ::factor], img)
    assert upscale(img, None) is img


def test_text_band_height_and_ink():
    band = text_band(['video.mp4', ('prediction: jump (0.90)', (200, 0, 0))],
                     300)
    assert band.shape == (2 * LINE_HEIGHT + PAD, 300, 3)
    for k in range(2):  # each line has ink, and the second one is red
        line = band[k * LINE_HEIGHT:(k + 1) * LINE_HEIGHT + PAD]
        assert (line < 255).any()
    red = band[LINE_HEIGHT + 2:]
    assert ((red[..., 0] > 150) & (red[..., 1] < 80)).any()
    # widened for a long line, empty for no line
    assert text_band(['x' * 80], 10).shape[1] > 10 * 40
    assert text_band([], 50).shape == (0, 50, 3)


def test_stacks_pad_with_white():
    a, b = np.zeros((10, 20, 3), np.uint8), np.zeros((30, 5, 3), np.uint8)
    h = hstack([a, b], gap=2)
    assert h.shape == (30, 27, 3) and (h[10:, :20] == 255).all()
    v = vstack([a, b], gap=3)
    assert v.shape == (43, 20, 3) and (v[13:, 5:] == 255).all()


def test_grid_captions_and_legend():
    tile = np.zeros((40, 50, 3), np.uint8)
    legend = np.zeros((30, 25, 3), np.uint8)
    legend[...] = (0, 0, 255)
    img = draw_grid([[tile, tile], [tile, tile]],
                    row_labels=[['row a'], ['row b']],
                    column_labels=['col 0', 'col 1'],
                    legends=[None, legend])
    header = LINE_HEIGHT + PAD
    assert img.shape[0] == header + 2 * 40 + GAP
    # column captions above the tiles, row captions left of them
    assert (img[:header] < 255).any()
    left = img[header:, :img.shape[1] - 2 * 50 - GAP - 25 - 3 * GAP - GAP]
    assert (left < 255).any()
    # the legend is right of the second row
    blue = np.argwhere((img == (0, 0, 255)).all(-1))
    assert blue[:, 0].min() >= header + 40 and blue[:, 1].min() > 2 * 50


def test_key_band_draws_the_colours():
    band = key_band([('hit', (0, 170, 0)), ('miss', (220, 0, 0))], 'key:')
    assert band.shape[0] == LINE_HEIGHT + PAD
    for rgb in ((0, 170, 0), (220, 0, 0)):
        assert (band == rgb).all(-1).sum() >= 100  # a filled square
