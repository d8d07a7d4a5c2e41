"""tools/analysis/plot_curves.py: a PNG of a real tiny run's scalar log,
runs overlaid, and an exit code 1 naming the file for bad logs."""
import os.path as osp
import shutil

import cv2
import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = 'tools/analysis/plot_curves.py'
#: the log of a 3-epoch toy run (tests/visualization/test_curves.py)
REAL_RUN = osp.join(REPO, 'tests', 'visualization', 'data', 'toy_sup')


def test_png_of_a_real_run(tmp_path, run_script):
    out = tmp_path / 'curves.png'
    code, stdout, err = run_script(TOOL, REAL_RUN, '--out', out)
    assert code == 0, err
    assert 'toy_sup' in stdout and 'iteration 6' in stdout
    assert 'epoch 3' in stdout and '5 panels' in stdout
    # loss, loss_cls, acc/top1, acc/top5, acc/mean1: 2 rows of 3 panels
    assert cv2.imread(str(out)).shape == (740, 1350, 3)


def test_two_runs_chosen_keys(tmp_path, run_script):
    other = tmp_path / 'other'
    shutil.copytree(REAL_RUN, other)
    out = tmp_path / 'two.png'
    code, stdout, err = run_script(TOOL, REAL_RUN, other, '--keys', 'loss',
                                   'acc/*', '--smooth', '1', '--title', 'x',
                                   '--out', out)
    assert code == 0, err
    assert 'toy_sup:' in stdout and 'other:' in stdout
    assert '4 panels' in stdout
    assert cv2.imread(str(out)).shape == (740, 1350, 3)


@pytest.mark.parametrize('content,message', [
    (None, 'no such file'),
    ('', 'empty'),
    ('{"loss": 1.0, "step": 1, "iter": 1}\n{oops}\n', 'line 2 is not JSON'),
])
def test_bad_log_exit_1_naming_it(tmp_path, run_script, content, message):
    log = tmp_path / 'scalars.json'
    if content is not None:
        log.write_text(content)
    code, _, err = run_script(TOOL, log, '--out', tmp_path / 'c.png')
    assert code == 1
    assert str(log) in err and message in err
    assert 'Traceback' not in err
    assert not (tmp_path / 'c.png').exists()


def test_unknown_key_exit_1_lists_the_keys(tmp_path, run_script):
    code, _, err = run_script(TOOL, REAL_RUN, '--keys', 'pmsp/acc_mean',
                              '--out', tmp_path / 'c.png')
    assert code == 1
    assert "no run logged 'pmsp/acc_mean'" in err and 'acc/top1' in err


def test_unwritable_output_exit_1(tmp_path, run_script):
    code, _, err = run_script(TOOL, REAL_RUN, '--out',
                              tmp_path / 'no' / 'such' / 'dir.png')
    assert code == 1 and 'could not write' in err


def test_usage_errors_exit_2(tmp_path, run_script):
    code, _, err = run_script(TOOL)
    assert code == 2 and 'usage:' in err
    code, _, err = run_script(TOOL, REAL_RUN, '--smooth', '0')
    assert code == 2 and '--smooth must be >= 1' in err


def test_help_explains_the_format(run_script):
    code, out, _ = run_script(TOOL, '--help')
    assert code == 0
    for word in ('scalars.json', '--keys', 'loss*', 'acc/top1', 'Exit codes'):
        assert word in out
