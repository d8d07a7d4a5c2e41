"""End to end through the tools, at a small size (marker ``e2e``).

One module-scoped tiny synthetic data set; then, as a user would run them:
``tools/train.py`` (a broken video in the train list is skipped and
counted), ``--resume``, ``tools/test.py --dump --show-dir``, self-supervised
pretraining -> ``tools/convert_pretrained.py`` -> fine-tuning with
``load_from``, crafted checkpoints at every entry point, mmaction2's stock
tools (train, kill-and-resume equal to the uninterrupted run, test), and
``dist_train.sh`` (ours and mmaction2's) with 2 processes (gloo).
"""
import json
import os
import os.path as osp
import pickle
import re
import shutil
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
#: mmaction2's own tools, shipped inside its wheel.
STOCK_TOOLS = osp.join(
    osp.dirname(__import__('importlib.util').util.find_spec('mmaction').origin),
    '.mim', 'tools')


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


# narrower than the toy model (heads: 64, 16, 16 channels): seconds per epoch
NARROW = ('model.backbone.base_channels=8', )


def sup_args(data, epochs=1, extra=()):
    videos = osp.join(data, 'videos')
    return small(data, epochs, (
        f'train_dataloader.dataset.ann_file={data}/train_broken.txt',
        f'train_dataloader.dataset.data_prefix.video={videos}',
        # 1 bad video in 9 is more than the default max_skip_ratio (0.1)
        'train_dataloader.dataset.max_skip_ratio=0.5',
        *NARROW, 'model.cls_head.in_channels=64,16,16',
        *extra))


@pytest.fixture(scope='module')
def trained(data, tmp_path_factory):
    """One tiny supervised run of 1 epoch with our train.py, its broken
    video skipped: ``(work_dir, output)``. Tests that change the work dir
    work on a copy."""
    wd = str(tmp_path_factory.mktemp('trained') / 'sup')
    out = run([sys.executable, 'tools/train.py', SUP, '--work-dir', wd,
               '--seed', '0', *sup_args(data, epochs=1)])
    return wd, out


@pytest.mark.xdist_group('e2e-trained')  # one worker makes `trained`
def test_train_skips_broken_video_then_resumes_and_tests(
        data, trained, tmp_path):
    first, out = trained
    assert 'broken.mp4' in out and re.search(r'skipp', out, re.I), out[-3000:]
    assert re.search(r'epoch 1: [1-9]\d* of \d+ sample fetches skipped', out)
    assert osp.isfile(osp.join(first, 'epoch_1.pth'))
    assert re.search(r'Epoch\(val\) \[1\]', out)

    # --resume picks the last checkpoint of the work dir (a full pickle,
    # trusted because it is the run's own: the manifest moves with the
    # folder) and goes on to epoch 2.
    wd = str(tmp_path / 'sup')
    shutil.copytree(first, wd)
    with open(osp.join(wd, 'last_checkpoint'), 'w') as f:
        f.write(osp.join(wd, 'epoch_1.pth'))
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
    # one picture per val video, named after it: <class>/val_0000.mp4 ->
    # <class>_val_0000.png (the stems clash, the class folders differ)
    classes = open(osp.join(data, 'classes.txt')).read().split()
    assert sorted(os.listdir(show)) == sorted(f'{c}_val_0000.png'
                                              for c in classes)


class Payload:
    """Unpickling it runs code: it creates ``marker``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}', ))


def refused(args, marker, env=None):
    """Run a tool that must refuse a checkpoint: exit 1, one line, no code
    from the file run."""
    proc = subprocess.run(args, cwd=REPO, capture_output=True, text=True,
                          timeout=300, env=env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, f'{args} exited {proc.returncode}:\n{out}'
    assert 'UntrustedCheckpointError' in out or 'error: ' in proc.stderr
    assert 'MMACTION_IMR_TRUSTED_CHECKPOINTS' in out, out[-2000:]
    assert not osp.exists(marker), f'{args} ran the payload'


def test_crafted_checkpoints_never_run(data, tmp_path):
    """Every entry point that loads a checkpoint, given a crafted one in a
    folder the user names (``--work-dir``), refuses it."""
    marker = str(tmp_path / 'ran')
    folder = tmp_path / 'downloaded'
    folder.mkdir()
    evil = str(folder / 'epoch_1.pth')
    torch.save(dict(state_dict={}, meta=dict(epoch=1, iter=2),
                    message_hub=Payload(marker)), evil)
    (folder / 'last_checkpoint').write_text(evil)
    wd = ['--work-dir', str(folder)]
    train = [sys.executable, 'tools/train.py', SUP]
    refused(train + wd + ['--resume', *sup_args(data)], marker)
    refused(train + wd + ['--resume', evil, *sup_args(data)], marker)
    refused(train + ['--work-dir', str(tmp_path / 'ft'), *sup_args(
        data, extra=(f'load_from={evil}', ))], marker)
    refused([sys.executable, 'tools/test.py', SUP, evil, *wd,
             *sup_args(data)], marker)
    refused([sys.executable, osp.join(STOCK_TOOLS, 'test.py'), SUP, evil, *wd,
             *sup_args(data)], marker)
    refused([sys.executable, 'tools/convert_pretrained.py', evil,
             str(tmp_path / 'b.pth')], marker)


@pytest.mark.xdist_group('e2e-trained')
def test_foreign_checkpoint_needs_explicit_trust(data, trained, tmp_path):
    wd = trained[0]
    # The run's own checkpoint tests from any work dir, without a flag.
    other = str(tmp_path / 'tester')
    run([sys.executable, 'tools/test.py', SUP, osp.join(wd, 'epoch_1.pth'),
         '--work-dir', other, *sup_args(data)])
    # A copy elsewhere is not the run's own: it needs the user's word.
    copy = str(tmp_path / 'copy.pth')
    shutil.copy(osp.join(wd, 'epoch_1.pth'), copy)
    proc = subprocess.run(
        [sys.executable, 'tools/test.py', SUP, copy, '--work-dir', other,
         *sup_args(data)], cwd=REPO, capture_output=True, text=True,
        timeout=300)
    assert proc.returncode == 1
    assert '--trust-checkpoint' in proc.stderr
    assert 'Traceback' not in proc.stderr
    run([sys.executable, 'tools/test.py', SUP, copy, '--work-dir', other,
         '--trust-checkpoint', *sup_args(data)])
    run([sys.executable, 'tools/test.py', SUP, copy, '--work-dir', other,
         *sup_args(data)], env=dict(os.environ,
                                    MMACTION_IMR_TRUSTED_CHECKPOINTS=copy))


def test_pretrain_convert_finetune(data, tmp_path):
    videos = osp.join(data, 'videos')
    wd = str(tmp_path / 'pre')
    # both runs keep their decoded clips in one cache, as the toy scripts do
    cache = tmp_path / 'decode_cache'
    env = dict(os.environ, IMR_DECODE_CACHE=str(cache))
    out = run([
        sys.executable, 'tools/train.py', PRE, '--work-dir', wd,
        *small(data, 1, (
            'train_dataloader.dataset.datasets.0.ann_file='
            f'{data}/unlabelled.txt',
            f'train_dataloader.dataset.datasets.0.data_prefix.video={videos}',
            f'train_dataloader.dataset.datasets.1.ann_file={data}/train.txt',
            f'train_dataloader.dataset.datasets.1.data_prefix.video={videos}',
            *NARROW, 'model.pmsp_head.in_channels=64,16,16',
            'model.ctp_head.in_channels=64,16,16'))
    ], env=env)
    assert 'pmsp/acc_mean' in out and 'ctp/acc' in out
    cached = {p: p.stat().st_mtime_ns for p in cache.rglob('*.npys')}
    assert cached  # the train and val clips of the pretraining
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
            'train_dataloader.dataset.indices=None', f'load_from={backbone}',
            *NARROW, 'model.cls_head.in_channels=64,16,16'))
    ], env=env)
    assert 'Load checkpoint from' in out
    # a file is written once: the fine-tuning read the pretraining's clips
    # (or added other ones), it did not rewrite them
    assert {p: p.stat().st_mtime_ns for p in cached} == cached
    ckpt = torch.load(osp.join(ft, 'epoch_1.pth'), weights_only=False)
    assert 'cls_head.fc_cls.weight' in ckpt['state_dict']


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _state(path):
    return torch.load(path, map_location='cpu',
                      weights_only=False)['state_dict']


def test_stock_tools_resume_repeats_the_uninterrupted_run(data, tmp_path):
    """mmaction2's own tools with our config (only ``custom_imports``):
    train 1 epoch, ``--resume`` to 2 (a kill after epoch 1), test. The
    result equals our tools' uninterrupted seeded run, tensor for tensor."""
    seeded = ['--seed', '0', '--deterministic']

    def args(epochs):
        # workers on, so that their seeds are part of what must repeat
        return sup_args(data, epochs, (
            f'train_dataloader.dataset.ann_file={data}/train.txt',
            'train_dataloader.num_workers=1'))

    whole = str(tmp_path / 'whole')
    run([sys.executable, 'tools/train.py', SUP, '--work-dir', whole, *seeded,
         *args(2)])
    stock_train = [sys.executable, osp.join(STOCK_TOOLS, 'train.py'), SUP]
    killed = str(tmp_path / 'killed')
    run(stock_train + ['--work-dir', killed, *seeded, *args(1)])
    out = run(stock_train + ['--work-dir', killed, '--resume', *seeded,
                             *args(2)])
    assert 'resumed epoch: 1' in out
    assert 'restored the random states' in out
    want, got = (_state(osp.join(wd, 'epoch_2.pth')) for wd in (whole,
                                                                 killed))
    assert set(want) == set(got)
    differ = [k for k in want if not torch.equal(want[k], got[k])]
    assert differ == [], f'{len(differ)} of {len(want)} tensors differ'
    out = run([sys.executable, osp.join(STOCK_TOOLS, 'test.py'), SUP,
               osp.join(killed, 'epoch_2.pth'), '--work-dir', killed,
               *sup_args(data)])
    assert 'acc/top1' in out


def _dist_env(**extra):
    # the stock launcher calls `python`: this venv's
    env = {k: v for k, v in os.environ.items() if k != 'PORT'}
    return dict(env, PYTHON=sys.executable,
                PATH=osp.dirname(sys.executable) + os.pathsep +
                env.get('PATH', ''), **extra)


def test_dist_train_two_processes(data, tmp_path):
    # No PORT: torchrun --standalone picks a free one (no collisions).
    # Both ranks must exit 0: the process group ends before the interpreter
    # does (docs/reliability.md: 30 consecutive runs clean).
    wd = str(tmp_path / 'dist')
    out = run(['bash', 'tools/dist_train.sh', SUP, '2', '--work-dir', wd,
               *sup_args(data)], env=_dist_env(), timeout=400)
    assert 'Distributed training: True' in out
    assert 'terminate called' not in out
    assert osp.isfile(osp.join(wd, 'epoch_1.pth'))


def test_stock_dist_train_two_processes_on_cpu(data, tmp_path):
    wd = str(tmp_path / 'dist')
    out = run(['bash', osp.join(STOCK_TOOLS, 'dist_train.sh'), SUP, '2',
               '--work-dir', wd, *sup_args(data)],
              env=_dist_env(PORT=str(_free_port())), timeout=400)
    assert 'Distributed training: True' in out
    assert osp.isfile(osp.join(wd, 'epoch_1.pth'))


MVCGC = osp.join(REPO, 'configs', 'mvcgc')
TINY_MVCGC = 'r2plus1d-r18-tiny_1xb16-16x1x1'


def test_mvcgc_stage1_then_two_stream_linear_probe_and_retrieval(
        data, tmp_path):
    """MVCGC stage 1 (RGB, 1 epoch) -> the two-stream linear probe loading
    that encoder (the MV one random) -> tools/test.py -> tools/retrieval.py
    (per stream and two-stream R@k). The fusion maths is unit-tested in
    tests/models/test_late_fusion.py."""
    videos = osp.join(data, 'videos')
    files = (f'train_dataloader.dataset.ann_file={data}/train.txt',
             f'train_dataloader.dataset.data_prefix.video={videos}',
             'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
             'train_dataloader.persistent_workers=False',
             'default_hooks.logger.interval=1')
    wd = str(tmp_path / 'stage1_rgb')
    run([sys.executable, 'tools/train.py',
         osp.join(MVCGC, f'mvcgc-stage1_{TINY_MVCGC}-20e_toy_synthetic-rgb.py'),
         '--work-dir', wd, '--cfg-options', 'train_cfg.max_epochs=1',
         'model.queue_size=8', *files])
    stage1 = osp.join(wd, 'epoch_1.pth')
    cfg = osp.join(MVCGC, f'mvcgc-linear_{TINY_MVCGC}-20e_toy_synthetic-'
                   'rgb-mv.py')
    bb = 'model.backbone.backbones'
    wd = str(tmp_path / 'linear')
    out = run([sys.executable, 'tools/train.py', cfg, '--work-dir', wd,
               '--cfg-options', 'train_cfg.max_epochs=1',
               'param_scheduler.0.T_max=1', 'param_scheduler.0.end=1',
               'val_cfg=None', 'val_dataloader=None', 'val_evaluator=None',
               f'{bb}.rgb.init_cfg.checkpoint={stage1}',
               f'{bb}.mv.init_cfg=None', *files])
    assert 'rgb.loss_cls' in out and 'mv.loss_cls' in out
    # the frozen RGB encoder is exactly the stage-1 one, BN statistics too
    ckpt = osp.join(wd, 'epoch_1.pth')
    probe = torch.load(ckpt, weights_only=False)['state_dict']
    enc = torch.load(stage1, weights_only=False)['state_dict']
    prefix = 'encoders.rgb.backbone.'
    keys = [k for k in enc if k.startswith(prefix)]
    assert keys
    for k in keys:
        assert torch.equal(probe['backbone.rgb.' + k[len(prefix):]], enc[k]), k
    out = run([sys.executable, 'tools/test.py', cfg, ckpt, '--work-dir',
               str(tmp_path / 'test'), '--cfg-options',
               'test_dataloader.num_workers=0',
               'test_dataloader.persistent_workers=False',
               f'test_dataloader.dataset.ann_file={data}/val.txt',
               f'test_dataloader.dataset.data_prefix.video={videos}'])
    assert re.search(r'acc/top1: [0-9.]+', out), out[-2000:]
    proc = subprocess.run(
        [sys.executable, 'tools/retrieval.py', cfg, ckpt, '--json',
         '--cfg-options', 'retrieval.gallery_dataloader.num_workers=0',
         'retrieval.query_dataloader.num_workers=0',
         f'retrieval.gallery_dataloader.dataset.ann_file={data}/train.txt',
         f'retrieval.gallery_dataloader.dataset.data_prefix.video={videos}',
         f'retrieval.query_dataloader.dataset.ann_file={data}/val.txt',
         f'retrieval.query_dataloader.dataset.data_prefix.video={videos}'],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    metrics = json.loads(proc.stdout)['metrics']
    for name in ('rgb', 'mv', 'two_stream'):
        assert 0 <= metrics[f'retrieval/{name}/R@1'] <= 1
    assert metrics['retrieval/two_stream/R@50'] == 1.0  # 8 train videos
