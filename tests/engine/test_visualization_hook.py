import os

import cv2
import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.visualization import Visualizer

from mmaction_imr.engine.hooks import (CompressedVisualizationHook,
                                       draw_compressed_sample)


@pytest.fixture(autouse=True)
def visualizer():
    # The hook, like mmaction2's, draws through the current Visualizer.
    Visualizer.get_instance('test_compressed_vis_hook')


def _inputs(n=2, t=3, kappa=2, h=16, w=20):
    mv = torch.zeros(n, 1, 2, t * kappa, h, w)
    mv[:, :, 0] = 3.0  # everything moves right -> red in the flow wheel
    return dict(
        imgs=torch.full((n, 1, 3, t, h, w), 200, dtype=torch.uint8),
        motion_vectors=mv,
        residuals=torch.zeros(n, 1, 3, t * kappa, h, w))


def test_draw_rows_and_colours():
    inputs = {k: v[0] for k, v in _inputs().items()}
    img = draw_compressed_sample(inputs, 'gt 1')
    assert img.shape == (24 + 3 * 16, 3 * 20, 3)
    iframe_row = img[24:40]
    assert (iframe_row == 200).all()
    mv_row = img[40:56].reshape(-1, 3).astype(int)
    # +u is red: R high, G and B low.
    assert (mv_row[:, 0] > 200).all() and (mv_row[:, 1:] < 60).all()
    assert (img[56:] == 128).all()  # zero residual is mid-grey


def test_hook_writes_one_png_per_sample(tmp_path):
    hook = CompressedVisualizationHook(
        enable=True, interval=1, out_dir=str(tmp_path))
    samples = []
    for i in range(2):
        s = ActionDataSample().set_gt_label(i)
        s.set_pred_score(torch.tensor([0.3, 0.7]))
        samples.append(s)
    hook._draw_samples(0, dict(inputs=_inputs()), samples)
    files = sorted(os.listdir(tmp_path))
    assert files == ['0_0.png', '1_0.png']
    assert cv2.imread(str(tmp_path / files[0])).shape[:2] == (72, 60)


def test_disabled_hook_writes_nothing(tmp_path):
    hook = CompressedVisualizationHook(enable=False, out_dir=str(tmp_path))
    hook._draw_samples(0, dict(inputs=_inputs()), [ActionDataSample()] * 2)
    assert os.listdir(tmp_path) == []
