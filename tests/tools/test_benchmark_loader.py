"""tools/analysis/benchmark_loader.py: every row runs, --json keys,
--transforms, bad videos (no timing asserts)."""
import importlib.util
import json
import os.path as osp

import numpy as np
import pytest

from mmaction_imr.prepare.writer import write_video

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'benchmark_loader.py')

ROWS = ('pyav decode', 'pyav decode+rgb', 'ours raw native',
        'ours raw short32', 'ours accumulated native',
        'ours accumulated short32', 'mmaction2 PyAVDecode 32f',
        'mmaction2 DecordDecode 32f', 'mmaction2 PyAVDecodeMotionVector 32f',
        'optical flow farneback', 'optical flow tvl1')


def load_tool():
    spec = importlib.util.spec_from_file_location('benchmark_loader', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def video(tmp_path_factory):
    rng = np.random.default_rng(0)
    # 64x32: decord's copy fails on frames narrower than 64 pixels.
    base = rng.integers(0, 256, (32, 100, 3), dtype=np.uint8)
    path = str(tmp_path_factory.mktemp('bench') / 'v.mp4')
    write_video(path, [base[:, t:t + 64] for t in range(37)])  # 3 GOPs
    return path


def test_json_has_every_row_and_the_ratios(video, capsys):
    tool = load_tool()
    assert tool.main([video, '--repeats', '1', '--gops', '2', '--kappa', '2',
                      '--short-side', '32', '--flow-frames', '2',
                      '--workers', '0', '1', '--loader-clips', '2',
                      '--json']) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert out['ratio_vs_decode'] > 0 and out['flow_over_ours'] > 0
    (row, ) = out['videos']
    assert row['size'] == [64, 32] and row['frames'] == 25
    for name in ROWS:
        sec = row['seconds'][name]
        # TV-L1 needs opencv-contrib; everything else must run.
        if name == 'optical flow tvl1' and isinstance(sec, str):
            assert 'opencv-contrib' in sec
            continue
        assert isinstance(sec, float) and sec > 0, (name, sec)
        assert row['per_frame'][name] > 0
    assert row['ratio_vs_decode'] == pytest.approx(
        row['per_frame']['ours raw native'] /
        row['per_frame']['pyav decode+rgb'])
    assert set(out['loader']) == {'ours', 'rgb'}
    for by_workers in out['loader'].values():
        assert set(by_workers) == {'0', '1'}
        assert all(isinstance(v, float) and v > 0
                   for v in by_workers.values()), by_workers


def test_table_parts_transforms_and_bad_video(video, tmp_path, capsys):
    tool = load_tool()
    assert tool.main([video, '--repeats', '1', '--gops', '2', '--parts',
                      'decode', 'ours', '--transforms']) == 0
    out = capsys.readouterr().out
    assert 'ours raw short256' in out and 'ratio_vs_decode' in out
    assert 'mmaction2' not in out and 'farneback' not in out
    # The default config's train/test transforms after the decode, no packing.
    assert ('train transforms (CompressedResize, CompressedMultiScaleCrop, '
            'CompressedResize, CompressedFlip, FormatCompressedShape): '
            ) in out
    assert ('test transforms (CompressedResize, CompressedThreeCrop, '
            'FormatCompressedShape): ') in out
    assert 'PackActionInputs' not in out
    empty = tmp_path / 'empty.mp4'
    empty.write_bytes(b'')
    assert tool.main([str(empty), '--parts', 'ours']) == 1
    assert 'empty file' in capsys.readouterr().err


@pytest.mark.parametrize('argv', [['v.mp4', '--repeats', '0'],
                                  ['v.mp4', '--parts', 'gpu'],
                                  ['v.mp4', '--flow-frames', '1'], []])
def test_usage_errors(argv):
    with pytest.raises(SystemExit) as exc:
        load_tool().parse_args(argv)
    assert exc.value.code == 2
