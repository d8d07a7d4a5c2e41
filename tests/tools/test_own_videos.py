"""docs/own_videos.md end to end: class folders of real videos ->
reencode -> build_filelist -> stream_stats -> a copy of the template config
-> train -> test -> confusion matrix, each tool run as a user would."""
import os.path as osp
import pickle
import re
import shutil
import subprocess
import sys

import pytest
import torch

pytestmark = pytest.mark.e2e

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TEMPLATE = osp.join(REPO, 'configs', 'custom',
                    'imr_r18_1xb8-5gop-50e_custom-compressed.py')
# Two classes of two real clips each (H.264, MPEG-4 Part 2, Xvid).
CLASSES = {
    'arm_wrestling': ['h264_340x256_kinetics_armwrestling.mp4',
                      'mpeg4part2_1280x720_traffic.mp4'],
    'other': ['h264_340x256_test.mp4', 'xvid_320x240_test.avi'],
}
# A narrow net and one short epoch: what the test checks is the plumbing.
TINY = [
    '--cfg-options', 'model.backbone.base_channels=8',
    'model.backbone.channel_ratio=4', 'model.cls_head.in_channels=[64,16,16]',
    'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
    'train_dataloader.batch_size=2', 'val_dataloader.batch_size=2',
    'test_dataloader.batch_size=1', 'default_hooks.logger.interval=1',
    *(f'{split}_dataloader.{key}'
      for split in ('train', 'val', 'test')
      for key in ('num_workers=0', 'persistent_workers=False'))
]


def run(*args, timeout=600):
    """Run a tool from the repository root; return its stdout."""
    proc = subprocess.run([sys.executable, *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, (
        f'{args} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}')
    return proc.stdout


def fill_template(template: str, data: str, snippet: str) -> str:
    """What the guide tells a user to edit in their copy of the template:
    the data paths, num_classes, and the measured data_preprocessor."""
    text = template
    for name, value in (('data_root', f'{data}/videos_mpeg4'),
                        ('ann_file_train', f'{data}/list_train.txt'),
                        ('ann_file_val', f'{data}/list_val.txt')):
        text = re.sub(rf'^{name} = .*$', f'{name} = {value!r}', text,
                      flags=re.M)
    text = re.sub(r'^num_classes = .*$', 'num_classes = 2', text, flags=re.M)
    # The printed block is `model = dict(\n    data_preprocessor=...)`; its
    # argument goes into the copy's own `model = dict(...)`.
    block = snippet[snippet.index('model = dict(\n'):]
    block = block[:block.index('\n# With')] if '\n# With' in block else block
    argument = block[len('model = dict(\n'):]
    old = 'model = dict(cls_head=dict(num_classes=num_classes))'
    assert old in text
    return text.replace(
        old, 'model = dict(\n    cls_head=dict(num_classes=num_classes),\n'
        + argument)


def test_train_on_your_own_videos(testdata_dir, tmp_path):
    src = tmp_path / 'my_videos'
    for name, files in CLASSES.items():
        (src / name).mkdir(parents=True)
        for f in files:
            shutil.copy(osp.join(testdata_dir, f), src / name / f)
    data = tmp_path / 'mydata'
    videos = data / 'videos_mpeg4'

    out = run('tools/data/reencode.py', src, videos, '--workers', 2)
    assert '4 encoded' in out and '0 failed' in out
    out = run('tools/data/build_filelist.py', 'folders', videos, '--out',
              data / 'list.txt', '--split-ratio', 0.5)
    assert (data / 'classes.txt').read_text() == 'arm_wrestling\nother\n'
    assert len((data / 'list_train.txt').read_text().splitlines()) == 2
    # A list as the positional argument, paths relative to --data-prefix.
    out = run('tools/analysis/stream_stats.py', data / 'list_train.txt',
              '--data-prefix', videos, '--max-gops', 2)
    assert '2 video(s) measured, 0 skipped' in out
    snippet = out[out.index('# Measured by'):]
    std = float(re.search(r'motion_vectors=dict\(.*?std=\[([\d.]+),', snippet,
                          re.S).group(1))

    config = tmp_path / 'imr_r18_1xb8-5gop-50e_mydata-compressed.py'
    config.write_text(
        fill_template(open(TEMPLATE).read(), str(data), snippet).replace(
            "'../_base_/", f"'{REPO}/configs/_base_/"))
    from mmengine.config import Config
    cfg = Config.fromfile(str(config))
    assert cfg.model.cls_head.num_classes == 2
    assert cfg.model.data_preprocessor.preprocessors.motion_vectors.std == [
        std, std]

    work = tmp_path / 'work'
    run('tools/train.py', config, '--work-dir', work, *TINY)
    ckpt = work / 'epoch_1.pth'
    assert ckpt.is_file()
    preds = work / 'preds.pkl'
    out = run('tools/test.py', config, ckpt, '--work-dir', work, '--dump',
              preds, *TINY)
    assert 'acc/top1' in out
    with open(preds, 'rb') as f:
        assert len(pickle.load(f)) == 2  # the val list: 1 clip per class
    run('tools/analysis/confusion_matrix.py', config, preds, '--label-file',
        data / 'classes.txt', '--out', work / 'cm.pkl', '--show-path',
        work / 'cm.png')
    with open(work / 'cm.pkl', 'rb') as f:
        cm = torch.as_tensor(pickle.load(f))
    assert cm.shape == (2, 2) and int(cm.sum()) == 2
    assert (work / 'cm.png').stat().st_size > 1000
