"""End to end through the tools, at a small size (marker ``e2e``).

One module-scoped tiny synthetic data set; then, as a user would run them:
``tools/train.py`` (a broken video in the train list is skipped and
counted), ``--resume``, ``tools/test.py --dump --show-dir``, self-supervised
pretraining -> ``tools/convert_pretrained.py`` -> fine-tuning with
``load_from``, and ``tools/dist_train.sh`` with 2 processes (gloo).
"""
import os
import os.path as osp
import pickle
import re
import subprocess
import sys

import pytest
import torch

pytestmark = pytest.mark.e2e

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
TOY = osp.join(REPO, 'configs', 'toy')
SUP = osp.join(TOY, 'imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py')
PRE = osp.join(TOY,
               'imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py')
FT = osp.join(TOY,
              'imr_r18-tiny-pmsp-ctp-ft_1xb8-5gop-toy_synthetic-compressed.py')


def run(args, timeout=300, env=None):
    """Run a tool; return its combined output, failing with it on error."""
    proc = subprocess.run(
        args, cwd=REPO, capture_output=True, text=True, timeout=timeout,
        env=env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f'{args} exited {proc.returncode}:\n{out}'
    return out


def small(data, epochs=1, extra=()):
    """--cfg-options that shrink a toy config to seconds."""
    videos = osp.join(data, 'videos')
    return [
        '--cfg-options',
        f'train_cfg.max_epochs={epochs}', 'train_cfg.val_interval=1',
        'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'val_dataloader.batch_size=4', 'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False',
        f'val_dataloader.dataset.ann_file={data}/val.txt',
        f'val_dataloader.dataset.data_prefix.video={videos}',
        f'test_dataloader.dataset.ann_file={data}/val.txt',
        f'test_dataloader.dataset.data_prefix.video={videos}',
        'default_hooks.logger.interval=1', *extra
    ]


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    out = str(tmp_path_factory.mktemp('synthetic'))
    run([
        sys.executable, 'tools/data/make_synthetic.py', '--out', out,
        '--per-class-train', '1', '--per-class-val', '1',
        '--per-class-unlabelled', '1', '--size', '96x64', '--frames', '60'
    ])
    # A broken video in the training list: skipped and counted, not fatal.
    open(osp.join(out, 'videos', 'broken.mp4'), 'wb').close()
    with open(osp.join(out, 'train_broken.txt'), 'w') as f:
        f.write(open(osp.join(out, 'train.txt')).read())
        f.write('broken.mp4 0\n')
    return out


def sup_args(data, epochs=1, extra=()):
    videos = osp.join(data, 'videos')
    return small(data, epochs, (
        f'train_dataloader.dataset.ann_file={data}/train_broken.txt',
        f'train_dataloader.dataset.data_prefix.video={videos}',
        # narrower than the toy model: seconds per epoch
        'model.backbone.base_channels=8', 'model.cls_head.in_channels=64,16,16',
        *extra))


def test_train_skips_broken_video_then_resumes_and_tests(data, tmp_path):
    wd = str(tmp_path / 'sup')
    out = run([sys.executable, 'tools/train.py', SUP, '--work-dir', wd,
               '--seed', '0', *sup_args(data, epochs=1)])
    assert 'broken.mp4' in out and re.search(r'skipp', out, re.I), out[-3000:]
    assert osp.isfile(osp.join(wd, 'epoch_1.pth'))
    assert re.search(r'Epoch\(val\) \[1\]', out)

    # --resume picks the last checkpoint of the work dir (a full pickle,
    # trusted because it is the run's own) and goes on to epoch 2.
    out = run([sys.executable, 'tools/train.py', SUP, '--work-dir', wd,
               '--resume', *sup_args(data, epochs=2)])
    assert 'resumed epoch: 1' in out
    assert osp.isfile(osp.join(wd, 'epoch_2.pth'))

    # Test with 3 crops, dump predictions, draw pictures.
    dump = str(tmp_path / 'preds.pkl')
    show = str(tmp_path / 'vis')
    out = run([sys.executable, 'tools/test.py', SUP,
               osp.join(wd, 'epoch_2.pth'), '--dump', dump, '--show-dir',
               show, '--work-dir', wd, *sup_args(data)])
    assert 'acc/top1' in out
    preds = pickle.load(open(dump, 'rb'))
    assert len(preds) == 8 and preds[0]['pred_score'].shape == (8, )
    assert len([f for f in os.listdir(show) if f.endswith('.png')]) == 8


def test_checkpoint_from_elsewhere_needs_trust(data, tmp_path):
    wd = str(tmp_path / 'sup')
    run([sys.executable, 'tools/train.py', SUP, '--work-dir', wd,
         *sup_args(data)])
    other = str(tmp_path / 'tester')
    proc = subprocess.run(
        [sys.executable, 'tools/test.py', SUP, osp.join(wd, 'epoch_1.pth'),
         '--work-dir', other, *sup_args(data)],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert '--trust-checkpoint' in proc.stderr
    assert 'Traceback' not in proc.stderr
    run([sys.executable, 'tools/test.py', SUP, osp.join(wd, 'epoch_1.pth'),
         '--work-dir', other, '--trust-checkpoint', *sup_args(data)])


def test_pretrain_convert_finetune(data, tmp_path):
    videos = osp.join(data, 'videos')
    wd = str(tmp_path / 'pre')
    out = run([
        sys.executable, 'tools/train.py', PRE, '--work-dir', wd,
        *small(data, 1, (
            'train_dataloader.dataset.datasets.0.ann_file='
            f'{data}/unlabelled.txt',
            f'train_dataloader.dataset.datasets.0.data_prefix.video={videos}',
            f'train_dataloader.dataset.datasets.1.ann_file={data}/train.txt',
            f'train_dataloader.dataset.datasets.1.data_prefix.video={videos}',
        ))
    ])
    assert 'pmsp/acc_mean' in out and 'ctp/acc' in out
    backbone = str(tmp_path / 'backbone.pth')
    run([sys.executable, 'tools/convert_pretrained.py',
         osp.join(wd, 'epoch_1.pth'), backbone, '--trust-checkpoint'])
    state = torch.load(backbone, weights_only=True)['state_dict']
    assert state and all(k.startswith('backbone.') for k in state)

    ft = str(tmp_path / 'ft')
    out = run([
        sys.executable, 'tools/train.py', FT, '--work-dir', ft,
        *small(data, 1, (
            f'train_dataloader.dataset.ann_file={data}/train.txt',
            f'train_dataloader.dataset.data_prefix.video={videos}',
            'train_dataloader.dataset.indices=None', f'load_from={backbone}'))
    ])
    assert 'Load checkpoint from' in out
    ckpt = torch.load(osp.join(ft, 'epoch_1.pth'), weights_only=False)
    assert 'cls_head.fc_cls.weight' in ckpt['state_dict']


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_dist_train_two_processes(data, tmp_path):
    wd = str(tmp_path / 'dist')
    env = dict(os.environ, PYTHON=sys.executable, PORT=str(_free_port()))
    out = run(['bash', 'tools/dist_train.sh', SUP, '2', '--work-dir', wd,
               *sup_args(data)], env=env, timeout=400)
    assert 'Distributed training: True' in out
    assert osp.isfile(osp.join(wd, 'epoch_1.pth'))
