"""Every tool explains itself with --help (exit 0) and rejects bad usage
with exit code 2, without a traceback."""
import os.path as osp
import subprocess
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PY_TOOLS = [
    'tools/train.py', 'tools/test.py', 'tools/publish_model.py',
    'tools/convert_pretrained.py', 'tools/visualize_pmsp.py',
    'tools/analysis/dump_compressed.py', 'tools/analysis/get_flops.py',
    'tools/analysis/benchmark_loader.py', 'tools/analysis/benchmark_model.py',
    'tools/analysis/benchmark_pretext.py', 'tools/analysis/stream_stats.py',
    'tools/analysis/confusion_matrix.py', 'tools/analysis/plot_curves.py',
    'tools/merge_weights.py', 'tools/analysis/summarize_seeds.py',
    'tools/analysis/summarize_run.py'
]


def test_a_tool_runs_as_a_script():
    # The real thing once, in a fresh interpreter.
    ok = subprocess.run([sys.executable, 'tools/train.py', '--help'],
                        cwd=REPO, capture_output=True, text=True,
                        timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert 'usage:' in ok.stdout and len(ok.stdout.splitlines()) > 5


@pytest.mark.parametrize('tool', PY_TOOLS)
def test_python_tool_help(tool, run_script):
    code, out, err = run_script(tool, '--help')
    assert code == 0, err
    assert 'usage:' in out and len(out.splitlines()) > 5


@pytest.mark.parametrize('tool', ['tools/train.py', 'tools/test.py'])
def test_usage_error_exit_2(tool, run_script):
    code, _, err = run_script(tool, '--no-such-option')
    assert code == 2 and 'usage:' in err
    assert 'Traceback' not in err


@pytest.mark.parametrize('script,nargs', [('tools/dist_train.sh', 2),
                                          ('tools/dist_test.sh', 3),
                                          ('tools/slurm_train.sh', 3)])
def test_launcher_usage(script, nargs):
    out = subprocess.run(['bash', script], cwd=REPO, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 2 and 'usage:' in out.stderr


def test_quickstart_arguments():
    # Arguments are checked before any set-up work.
    out = subprocess.run(['bash', 'tools/quickstart.sh', '--bogus'],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and 'unknown argument' in out.stderr
    out = subprocess.run(['bash', 'tools/quickstart.sh', '--help'],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and '--supervised' in out.stdout
    assert '--pretrain-epochs' in out.stdout


@pytest.mark.skipif(__import__('torch').cuda.is_available(),
                    reason='the check is for CPU-only machines')
def test_amp_without_gpu_is_a_clear_error(run_script):
    cfg = 'configs/toy/imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py'
    code, _, err = run_script('tools/train.py', cfg, '--amp')
    assert code == 2 and '--amp needs a GPU' in err
