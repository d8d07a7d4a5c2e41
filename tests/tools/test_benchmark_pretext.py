"""tools/analysis/benchmark_pretext.py: prints both timings; usage errors."""
import os.path as osp
import re

import pytest
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'benchmark_pretext.py')


def test_small_batch(tool, capsys):
    threads = torch.get_num_threads()
    try:
        assert tool.main(['--batch', '2', '--size', '16', '--repeats', '1',
                          '--threads', '1']) == 0
    finally:
        torch.set_num_threads(threads)  # do not slow down later tests
    out = capsys.readouterr().out
    assert 'motion_vectors [2, 2, 25, 16, 16], residuals [2, 3, 25, 16, 16]' \
        in out
    assert re.search(r'pmsp_labels: +\d+\.\d ms/batch', out)
    assert re.search(r'ctp_transform: +\d+\.\d ms/batch', out)


@pytest.mark.parametrize('argv', [['--batch', '0'], ['--gops', '3'],
                                  ['--size', '2'], ['--repeats', '0']])
def test_usage_errors(tool, argv):
    with pytest.raises(SystemExit) as exc:
        tool.main(argv)
    assert exc.value.code == 2
