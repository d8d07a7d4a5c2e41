"""tools/analysis/benchmark_loader.py: timing lines, --transforms."""
import importlib.util
import os.path as osp

import numpy as np

from mmaction_imr.prepare.writer import write_video

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'benchmark_loader.py')


def load_tool():
    spec = importlib.util.spec_from_file_location('benchmark_loader', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_transforms_timed_and_bad_video(tmp_path, capsys):
    rng = np.random.default_rng(0)
    base = rng.integers(0, 256, (32, 100, 3), dtype=np.uint8)
    video = str(tmp_path / 'v.mp4')
    write_video(video, [base[:, t:t + 48] for t in range(37)])  # 3 GOPs
    tool = load_tool()
    assert tool.main([video, '--repeats', '1', '--gops', '2',
                      '--transforms']) == 0
    out = capsys.readouterr().out
    assert 'ours' in out and 'ratio' in out
    # The default config's train/test transforms after the decode, no packing.
    assert ('train transforms (CompressedResize, CompressedMultiScaleCrop, '
            'CompressedResize, CompressedFlip, FormatCompressedShape): '
            ) in out
    assert ('test transforms (CompressedResize, CompressedThreeCrop, '
            'FormatCompressedShape): ') in out
    assert 'PackActionInputs' not in out
    empty = tmp_path / 'empty.mp4'
    empty.write_bytes(b'')
    assert tool.main([str(empty), '--transforms']) == 1
    assert 'empty file' in capsys.readouterr().err
