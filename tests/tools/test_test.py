"""tools/test.py --show-dir / --label-file: pictures named after the
videos, with class names, written to the folder and to the visualizer's
backends, from a real run of the tiny toy model on two small videos."""
import os
import os.path as osp
import shutil

import cv2
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmaction.registry import MODELS
from mmaction_imr.engine.checkpoint import save_weights_only

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = 'tools/test.py'
TOY = osp.join(REPO, 'configs', 'toy',
               'imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py')


@pytest.fixture(scope='module')
def files(panning_video, tmp_path_factory):
    """Two videos of the same stem in two class folders, their list with
    classes.txt beside it, and a weights-only toy checkpoint."""
    root = tmp_path_factory.mktemp('show')
    video = panning_video(32, 48, speed=1, frames=72)  # 6 GOPs
    for cls in ('left', 'right'):
        os.makedirs(root / 'videos' / cls)
        shutil.copy(video, root / 'videos' / cls / 'clip+1.mp4')
    (root / 'val.txt').write_text('left/clip+1.mp4 0\nright/clip+1.mp4 1\n')
    (root / 'classes.txt').write_text('move_left\nmove_right\n')
    cfg = Config.fromfile(TOY)
    init_default_scope('mmaction')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    ckpt = str(root / 'toy.pth')
    save_weights_only(model.state_dict(), ckpt)
    return root, ckpt


def _args(root, ckpt, work):
    return [TOY, ckpt, '--work-dir', work, '--cfg-options',
            f'test_dataloader.dataset.ann_file={root}/val.txt',
            f'test_dataloader.dataset.data_prefix.video={root}/videos',
            'test_dataloader.num_workers=0',
            'test_dataloader.persistent_workers=False',
            'test_dataloader.batch_size=2']


def test_show_dir_pictures(files, tmp_path, run_script):
    root, ckpt = files
    show, work = tmp_path / 'vis', tmp_path / 'work'
    labels = tmp_path / 'names.txt'
    labels.write_text('left\nright\n')
    code, out, err = run_script(TOOL, *_args(root, ckpt, work),
                                '--show-dir', show, '--label-file', labels)
    assert code == 0, err[-3000:]
    # named after the videos (the stems clash: the folders tell them
    # apart), made safe for file names
    assert sorted(os.listdir(show)) == ['left_clip_1.png',
                                        'right_clip_1.png']
    img = cv2.imread(str(show / 'left_clip_1.png'))
    # 3 rows (I-frames, MVs, residuals) of 56 px crops enlarged to 168 px,
    # 5 GOPs, row captions, colour keys and caption lines around them
    assert img.shape[0] > 3 * 168 + 4 * 22 and img.shape[1] > 5 * 168 + 150
    # the same pictures went through the visualizer's LocalVisBackend
    local = [f for _, _, fs in os.walk(work) for f in fs
             if f.endswith('.png')]
    assert sorted(local) == ['left_clip_1_0.png', 'right_clip_1_0.png']


def test_label_file_errors(files, tmp_path, run_script):
    root, ckpt = files
    code, _, err = run_script(TOOL, *_args(root, ckpt, tmp_path / 'w'),
                              '--show-dir', tmp_path / 'vis',
                              '--label-file', tmp_path / 'missing.txt')
    assert code == 1 and 'missing.txt: no such file' in err
    stock = tmp_path / 'stock.py'
    stock.write_text(f"_base_ = [{TOY!r}]\n"
                     "default_hooks = dict(visualization=dict("
                     "_delete_=True, type='VisualizationHook'))\n")
    code, _, err = run_script(TOOL, stock, ckpt, '--label-file', __file__)
    assert code == 1 and 'not CompressedVisualizationHook' in err
    assert not (tmp_path / 'vis').exists()
