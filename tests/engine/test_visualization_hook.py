"""Tests of CompressedVisualizationHook (tools/test.py --show-dir): the
picture of a sample, its name, its class names, and that it reaches the
visualizer's backends as well as the --show-dir folder."""
import os

import cv2
import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.registry import VISBACKENDS
from mmengine.visualization import Visualizer
from mmengine.visualization.vis_backend import BaseVisBackend

from mmaction_imr.engine.hooks import (CompressedVisualizationHook,
                                       draw_compressed_sample)
from mmaction_imr.engine.hooks.visualization_hook import label_lines
from mmaction_imr.visualization.layout import LINE_HEIGHT, PAD

IFRAME = (200, 100, 50)  # a colour antialiased text never has


@VISBACKENDS.register_module(force=True)
class RecordingVisBackend(BaseVisBackend):
    """Records what the visualizer hands to its backends (as TensorBoard or
    W&B would receive it)."""
    images = []

    @property
    def experiment(self):
        return self

    def _init_env(self):
        pass

    def add_image(self, name, image, step=0, **kwargs):
        self.images.append((name, image, step))


@pytest.fixture(autouse=True)
def visualizer(request, tmp_path):
    # The hook, like mmaction2's, draws through the current Visualizer: one
    # per test (get_instance returns an existing one by name).
    RecordingVisBackend.images = []
    return Visualizer.get_instance(
        f'vis_hook_{request.node.name}', save_dir=str(tmp_path / 'work'),
        vis_backends=[dict(type='LocalVisBackend'),
                      dict(type='RecordingVisBackend')])


def _inputs(n=2, t=3, kappa=2, h=16, w=20, views=1):
    mv = torch.zeros(n, views, 2, t * kappa, h, w)
    mv[:, :, 0] = 3.0  # everything moves right -> red in the flow wheel
    imgs = torch.zeros(n, views, 3, t, h, w, dtype=torch.uint8)
    for c, v in enumerate(IFRAME):
        imgs[:, :, c] = v
    return dict(imgs=imgs, motion_vectors=mv,
                residuals=torch.zeros(n, views, 3, t * kappa, h, w))


def _samples(files, scores=(0.3, 0.7)):
    samples = []
    for i, f in enumerate(files):
        s = ActionDataSample().set_gt_label(i % 2)
        s.set_pred_score(torch.tensor(scores))
        if f is not None:
            s.set_metainfo(dict(filename=f))
        samples.append(s)
    return samples


def test_draw_rows_colours_and_captions():
    inputs = {k: v[0] for k, v in _inputs().items()}
    img = draw_compressed_sample(inputs, ['clip.mp4', 'ground truth: 1'])
    band = 2 * LINE_HEIGHT + PAD
    assert (img[:band] < 255).any()
    tiles = np.argwhere((img == IFRAME).all(-1))
    # 16 x 20 frames enlarged 10x (short side 160), 3 GOPs
    (y0, x0), (y1, x1) = tiles.min(0), tiles.max(0) + 1
    assert y1 - y0 == 160 and x1 - x0 == 3 * 200 + 2 * 4
    assert y0 >= band + LINE_HEIGHT  # column captions (GOP g) above
    assert (img[y0:, :x0 - 4] < 255).any()  # row captions left
    mv_row = img[y1 + 4:y1 + 164, x0:x0 + 200].reshape(-1, 3).astype(int)
    # +u is red: R high, G and B low.
    assert (mv_row[:, 0] > 200).all() and (mv_row[:, 1:] < 60).all()
    res_row = img[y1 + 168:y1 + 328, x0:x0 + 200]
    assert (res_row == 128).all()  # zero residual is mid-grey
    # the colour wheel right of the tiles
    hsv = cv2.cvtColor(img[:, x1 + 4:], cv2.COLOR_RGB2HSV)
    vivid = hsv[(hsv[..., 1] > 200) & (hsv[..., 2] > 150)][:, 0]
    assert len(np.unique(vivid // 20)) == 9


def test_middle_view_and_dense_columns():
    inputs = {k: v[0] for k, v in _inputs(views=3).items()}
    inputs['imgs'][1] = 0  # the middle view's I-frames are black
    img = draw_compressed_sample(inputs, ['clip.mp4'])
    assert not (img == IFRAME).all(-1).any()
    # frame-rate streams (dense clips: T I-frames, T vectors): columns
    # spread over the clip, at most max_gops
    dense = {k: v[0, :, :, :1].repeat(1, 1, 12, 1, 1)
             for k, v in _inputs().items()}
    img = draw_compressed_sample(dense, max_gops=4)
    tiles = np.argwhere((img == IFRAME).all(-1))
    assert tiles[:, 1].max() + 1 - tiles[:, 1].min() == 4 * 200 + 3 * 4


def test_label_lines_by_name_with_scores():
    sample = _samples(['a.mp4'], (0.1, 0.6, 0.3))[0]  # gt 0, pred 1
    lines = label_lines(sample, ['run', 'jump', 'sit'])
    assert lines[0] == 'ground truth: run'
    text, colour = lines[1]
    assert text == 'prediction: jump (0.60),  sit (0.30),  run (0.10)'
    assert colour[0] > colour[1]  # wrong: red
    assert label_lines(sample)[0] == 'ground truth: 0'  # no names: index
    right = _samples(['a.mp4'], (0.9, 0.1))[0]
    assert label_lines(right, ['run', 'jump'])[1][1][1] > 0  # green


def test_hook_names_pictures_after_the_videos(tmp_path, visualizer):
    out = tmp_path / 'show'
    labels = tmp_path / 'classes.txt'
    labels.write_text('run\njump\n')
    hook = CompressedVisualizationHook(
        enable=True, interval=1, out_dir=str(out), label_file=str(labels))
    assert hook.classes == ['run', 'jump']
    files = ['/data/v/run/val 0.mp4', '/data/v/jump/x.avi']
    hook._draw_samples(0, dict(inputs=_inputs()), _samples(files))
    assert sorted(os.listdir(out)) == ['val_0.png', 'x.png']
    img = cv2.imread(str(out / 'x.png'))
    assert min(img.shape[:2]) >= 3 * 160
    # every backend of the visualizer got the same pictures: LocalVisBackend
    # (vis_data/vis_image) and the recording one (TensorBoard, W&B ...)
    got = {name: image for name, image, _ in RecordingVisBackend.images}
    assert sorted(got) == ['val_0', 'x']
    np.testing.assert_array_equal(got['x'], img[..., ::-1])
    local = tmp_path / 'work' / 'vis_data' / 'vis_image'
    assert sorted(os.listdir(local)) == ['val_0_0.png', 'x_0.png']
    # a sample drawn again (the same video listed twice) is another clip;
    # validation pictures carry the epoch
    hook._draw_samples(1, dict(inputs=_inputs()), _samples(files[:1] * 2))
    hook._draw_samples(0, dict(inputs=_inputs()), _samples(files), step=3)
    assert sorted(os.listdir(out)) == sorted([
        'val_0.png', 'val_0_clip1.png', 'val_0_clip2.png', 'val_0_3.png',
        'x.png', 'x_3.png'])


def test_hook_names_and_classes_from_the_dataset(tmp_path):
    from mmaction_imr.datasets import CompressedVideoDataset
    (tmp_path / 'val.txt').write_text(
        'left/val_0000.mp4 0\nright/val_0000.mp4 1\nright/val_0001.mp4 1\n'
        'right/val_0001.mp4 1\n')
    (tmp_path / 'classes.txt').write_text('move_left\nmove_right\n')
    root = str(tmp_path / 'videos')

    def dataset(**kwargs):
        return CompressedVideoDataset(str(tmp_path / 'val.txt'), [],
                                      data_prefix=dict(video=root),
                                      test_mode=True, **kwargs)

    hook = CompressedVisualizationHook(enable=True, out_dir=str(tmp_path /
                                                                'show'))
    hook._prepare(dataset())
    assert hook.classes == ['move_left', 'move_right']  # beside ann_file
    files = [dataset().get_data_info(i)['filename'] for i in range(4)]
    hook._draw_samples(0, dict(inputs=_inputs(4)), _samples(files))
    assert sorted(os.listdir(tmp_path / 'show')) == [
        'left_val_0000.png', 'right_val_0000.png', 'val_0001_clip0.png',
        'val_0001_clip1.png']
    assert hook._title(_samples(files)[0], 'x') == 'left/val_0000.mp4'
    # the data set's metainfo classes win over the file; a label file over
    # both; no file, no metainfo: numbers
    with_meta = dataset(metainfo=dict(classes=('a', 'b')))
    hook._prepare(with_meta)
    assert hook.classes == ['a', 'b']
    (tmp_path / 'names.txt').write_text('x\ny\n')
    hook = CompressedVisualizationHook(enable=True,
                                       label_file=str(tmp_path / 'names.txt'))
    hook._prepare(with_meta)
    assert hook.classes == ['x', 'y']
    os.remove(tmp_path / 'classes.txt')
    hook = CompressedVisualizationHook(enable=True)
    hook._prepare(dataset())
    assert hook.classes is None


def test_sample_without_file_name(tmp_path):
    hook = CompressedVisualizationHook(enable=True, interval=2,
                                       out_dir=str(tmp_path / 'show'))
    hook._draw_samples(1, dict(inputs=_inputs()), _samples([None, None]))
    assert os.listdir(tmp_path / 'show') == ['sample_00002.png']


def test_disabled_hook_writes_nothing(tmp_path):
    hook = CompressedVisualizationHook(enable=False,
                                       out_dir=str(tmp_path / 'show'))
    hook._draw_samples(0, dict(inputs=_inputs()), [ActionDataSample()] * 2)
    assert not (tmp_path / 'show').exists()
    assert RecordingVisBackend.images == []
