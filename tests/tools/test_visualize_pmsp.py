"""Tests of the PMSP pictures: mmaction_imr/visualization/pmsp.py (pure
drawing on synthetic arrays) and tools/visualize_pmsp.py (a generated
MPEG-4 video, with and without a model)."""
import importlib.util
import os.path as osp

import cv2
import numpy as np
import pytest
import torch

from mmaction.registry import MODELS
from mmaction_imr.pretext import pmsp_levels
from mmaction_imr.visualization.pmsp import (PMSP_COLORS,
                                             draw_pmsp_comparison,
                                             draw_pmsp_grid)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
T, H, W = 5, 48, 64


def grey_frames():
    return np.full((T, H, W, 3), 128, np.uint8)


def tiles(img, rows=3):
    """Cut a grid image back into its [rows, T] frames (known layout)."""
    gap = max(2, max(1, min(H, W) // 80) * 2)
    margin = img.shape[1] - T * (W + gap)
    return [[img[r * (H + gap):r * (H + gap) + H,
                 margin + g * (W + gap):margin + g * (W + gap) + W]
             for g in range(T)] for r in range(rows)]


def has_color(tile, rgb):
    return bool((tile == np.array(rgb, np.uint8)).all(-1).any())


def test_boxes_where_the_labels_say():
    levels = pmsp_levels(T)
    labels = np.zeros(27, np.int64)
    for k, lv in enumerate(levels):
        if lv.t == 1:
            labels[k] = lv.s**2 - 1  # bottom-right cell
    frames = grey_frames()
    img = draw_pmsp_grid(frames, labels)
    assert np.array_equal(frames, grey_frames())  # input untouched
    assert img.dtype == np.uint8 and img.ndim == 3
    grid = tiles(img)
    red = PMSP_COLORS[2]
    for g in range(T):
        top_row = grid[0][g]
        # t=1: identical boxes on all frames, 2x2 box in the bottom-right
        # quarter only
        assert np.array_equal(top_row, grid[0][0])
        assert has_color(top_row[H // 2:, W // 2:], red)
        assert not has_color(top_row[:H // 2 - 1, :], red)
        for s in (2, 3, 4):
            assert has_color(top_row, PMSP_COLORS[s])
        # t=5 labels are 0: the boxes sit in the top-left cell
        bottom = grid[2][g]
        assert has_color(bottom[:H // 2, :W // 2], red)
        assert not has_color(bottom[H // 2 + 1:, :], red)


def test_window_coverage_per_frame():
    # only t=5 position 2 (GOP 2) points bottom-right: only frame 2 shows it
    levels = pmsp_levels(T)
    labels = np.zeros(27, np.int64)
    for k, lv in enumerate(levels):
        if lv.t == 5 and lv.n == 2:
            labels[k] = lv.s**2 - 1
    grid = tiles(draw_pmsp_grid(grey_frames(), labels))
    for g in range(T):
        br = grid[2][g][H // 2 + 1:, W // 2 + 1:]
        assert has_color(br, PMSP_COLORS[2]) == (g == 2)


def test_comparison_and_bad_inputs():
    gt, pred = np.zeros(27, np.int64), np.ones(27, np.int64)
    single = draw_pmsp_grid(grey_frames(), gt, title='x')
    both = draw_pmsp_comparison(grey_frames(), gt, pred)
    assert both.shape[0] == single.shape[0]
    assert both.shape[1] > 2 * single.shape[1]
    with pytest.raises(ValueError):
        draw_pmsp_grid(grey_frames(), np.zeros(9))
    with pytest.raises(ValueError):
        draw_pmsp_grid(grey_frames().astype(np.float32), gt)
    with pytest.raises(ValueError):
        draw_pmsp_grid(grey_frames()[:3], gt)  # t=5 > T=3


@pytest.fixture(scope='module')
def video(tmp_path_factory):
    """MPEG-4, GOP 12, no B-frames: a bright square moving right, 64x64."""
    from mmaction_imr.prepare.writer import write_video
    path = str(tmp_path_factory.mktemp('vid') / 'square.mp4')
    frames = []
    for i in range(62):
        f = np.full((64, 64, 3), 40, np.uint8)
        f[::8] = 90  # texture so the encoder finds the motion
        x = 4 + (i % 40)
        f[36:52, x:x + 16] = (230, 200, 60)
        frames.append(f)
    write_video(path, frames, fps=30)
    return path


def load_tool():
    spec = importlib.util.spec_from_file_location(
        'visualize_pmsp_tool', osp.join(ROOT, 'tools', 'visualize_pmsp.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_tool_labels_and_prediction(video, tmp_path, capsys):
    tool = load_tool()
    out = tmp_path / 'vis'
    assert tool.main([video, '--out-dir', str(out), '--short-side', '0']) == 0
    png = out / 'square_g0_pmsp.png'
    img = cv2.imread(str(png))
    assert img is not None and img.shape[0] > 3 * 64
    # a model: tiny IMRSelfSup, weights-only checkpoint + its config
    backbone = dict(type='IMRResNet3d', depth=18, base_channels=8,
                    channel_ratio=4, kappa=5)
    out_ch = (64, 16, 16)
    model_cfg = dict(type='IMRSelfSup', backbone=backbone,
                     pmsp_head=dict(type='PMSPHead', in_channels=out_ch,
                                    hidden_channels=8))
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(f'model = {model_cfg!r}\n')
    ckpt = str(tmp_path / 'model.pth')
    torch.save({'state_dict': MODELS.build(model_cfg).state_dict()}, ckpt)
    assert tool.main([video, '--out-dir', str(out), '--short-side', '0',
                      '--config', str(cfg), '--checkpoint', ckpt]) == 0
    assert 'PMSP accuracy on this clip' in capsys.readouterr().out
    pred = cv2.imread(str(out / 'square_g0_pmsp_pred.png'))
    assert pred.shape[1] > 2 * img.shape[1]


def test_tool_errors(tmp_path, capsys):
    tool = load_tool()
    bad = tmp_path / 'bad.mp4'
    bad.write_bytes(b'not a video')
    assert tool.main([str(bad), '--out-dir', str(tmp_path)]) == 1
    assert 'bad.mp4' in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        tool.main([str(bad), '--config', 'x.py'])
    assert exc.value.code == 2
