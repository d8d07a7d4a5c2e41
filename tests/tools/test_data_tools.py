"""The data CLIs under tools/data/, run as a user would (subprocess)."""
import json
import os.path as osp
import subprocess
import sys
import time

import av
import numpy as np
import pytest

from mmaction_imr.prepare.writer import write_video

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOLS = osp.join(REPO, 'tools', 'data')


def run(tool, *args, cwd=None):
    return subprocess.run(
        [sys.executable, osp.join(TOOLS, tool), *map(str, args)],
        capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.mark.parametrize('tool,words', [
    ('reencode.py', ['mpeg4', 'B-frames', 'manifest', 'Audio', 'exit']),
    ('build_filelist.py', ['folders', 'ucf101', 'hmdb51', 'classes.txt']),
    ('make_synthetic.py', ['motion', '--per-class-train', 'Idempotent']),
])
def test_help(tool, words):
    r = run(tool, '--help')
    assert r.returncode == 0, r.stderr
    for w in words:
        assert w in r.stdout


def test_reencode_cli(tmp_path):
    src = tmp_path / 'src'
    (src / 'cls').mkdir(parents=True)
    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 255, (32, 48, 3), dtype=np.uint8)] * 14
    write_video(str(src / 'cls' / 'good.avi'), frames, 25)
    (src / 'cls' / 'broken.mp4').write_bytes(b'\0' * 100)
    dst = tmp_path / 'dst'
    r = run('reencode.py', src, dst, '--size', '32x24', '--workers', '2')
    assert r.returncode == 1
    assert 'cls/broken.mp4' in r.stderr and '1 encoded' in r.stdout
    with av.open(str(dst / 'cls' / 'good.mp4')) as c:
        s = c.streams.video[0]
        assert (s.codec_context.name, s.width, s.height) == ('mpeg4', 32, 24)
    (src / 'cls' / 'broken.mp4').unlink()
    r = run('reencode.py', src, dst, '--size', '32x24')
    assert r.returncode == 0 and '1 skipped' in r.stdout, r.stdout
    for bad in ([src, src], [src, dst, '--size', '33x24'],
                [src, dst, '--gop', '0']):
        assert run('reencode.py', *bad).returncode == 2


def test_build_filelist_cli(tmp_path):
    root = tmp_path / 'k400'
    for rel in ('b_cls/1.mp4', 'b_cls/2.mp4', 'a_cls/3.mkv', 'a_cls/4.mp4'):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b'')
    out = tmp_path / 'lists' / 'k.txt'
    r = run('build_filelist.py', 'folders', root, '--out', out)
    assert r.returncode == 0, r.stderr
    assert out.read_text() == ('a_cls/3.mkv 0\na_cls/4.mp4 0\n'
                               'b_cls/1.mp4 1\nb_cls/2.mp4 1\n')
    assert (tmp_path / 'lists' / 'classes.txt').read_text() == (
        'a_cls\nb_cls\n')
    r = run('build_filelist.py', 'folders', root, '--out', out,
            '--split-ratio', '0.5')
    assert r.returncode == 0
    train = (tmp_path / 'lists' / 'k_train.txt').read_text().splitlines()
    val = (tmp_path / 'lists' / 'k_val.txt').read_text().splitlines()
    assert len(train) == len(val) == 2
    assert sorted(train + val) == out.read_text().splitlines()
    r = run('build_filelist.py', 'ucf101', tmp_path / 'none', root,
            '--out-dir', tmp_path / 'u')
    assert r.returncode == 1 and 'classInd.txt' in r.stderr
    assert run('build_filelist.py', 'folders', root).returncode == 2


def tiny_synthetic(out, per_class_val, workers):
    """make_synthetic.py arguments of a tiny set: 1 train clip per class,
    64x48, 1 GOP; ``--workers`` last."""
    return ['--out', out, '--per-class-train', 1, '--per-class-val',
            per_class_val, '--per-class-unlabelled', 0, '--size', '64x48',
            '--frames', 12, '--workers', workers]


def test_make_synthetic_cli(tmp_path):
    out = tmp_path / 'syn'
    args = tiny_synthetic(out, per_class_val=1, workers=2)
    r = run('make_synthetic.py', *args)
    assert r.returncode == 0, r.stderr
    assert len((out / 'train.txt').read_text().splitlines()) == 8
    assert (out / 'unlabelled.txt').read_text() == ''
    assert json.loads((out / 'manifest.json').read_text())['complete']
    t0 = time.perf_counter()
    r = run('make_synthetic.py', *args)
    assert r.returncode == 0 and 'nothing to do' in r.stdout
    # Whole process, interpreter start included (a finished set must be a
    # no-op within about a second); a loose bound for a loaded CI machine.
    assert time.perf_counter() - t0 < 3
    r = run('make_synthetic.py', *args[:-2], '--seed', 5)
    assert r.returncode == 1 and '--overwrite' in r.stderr
    assert run('make_synthetic.py', '--size', '63x48').returncode == 2


def test_data_and_measurement_code_needs_no_torch():
    """The data tools and the stream statistics import neither torch nor
    mmengine/mmaction (fast --help, an "already complete" answer in well
    under a second)."""
    code = ('import sys; import mmaction_imr.prepare, '
            'mmaction_imr.analysis.stream_stats, '
            'mmaction_imr.analysis.loader_benchmark; '
            "print(sorted(m for m in ('torch', 'mmengine', 'mmaction') "
            'if m in sys.modules))')
    r = subprocess.run([sys.executable, '-c', code], capture_output=True,
                       text=True, timeout=120, cwd=REPO)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == '[]'


def test_make_synthetic_reports_a_changed_file(tmp_path):
    out = tmp_path / 'syn'
    args = tiny_synthetic(out, per_class_val=0, workers=1)
    r = run('make_synthetic.py', *args)
    assert r.returncode == 0, r.stderr
    digest = json.loads((out / 'manifest.json').read_text())['sha256']
    assert f'sha256 {digest}' in r.stdout
    (out / 'classes.txt').write_text('tampered\n')
    r = run('make_synthetic.py', *args)
    assert r.returncode == 1
    assert 'classes.txt differs' in r.stderr and '--overwrite' in r.stderr
    r = run('make_synthetic.py', *args, '--overwrite')
    assert r.returncode == 0 and f'sha256 {digest}' in r.stdout
