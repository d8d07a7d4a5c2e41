"""Tests of tools/analysis/joint_sweep.sh (argument handling, --dry-run:
nothing is trained) and tools/analysis/summarize_seeds.py."""
import json
import os
import os.path as osp
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SWEEP = osp.join(ROOT, 'tools', 'analysis', 'joint_sweep.sh')
# The Python tool the `tool` fixture loads; the sweep runs as a subprocess.
TOOL = osp.join(ROOT, 'tools', 'analysis', 'summarize_seeds.py')


def sweep(*args, cwd=ROOT):
    # --jobs sets the threads only when the caller has not (the test
    # processes may have)
    env = {k: v for k, v in os.environ.items() if k != 'OMP_NUM_THREADS'}
    return subprocess.run(['bash', SWEEP, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def test_dry_run_prints_every_command(tmp_path):
    out = sweep('--dry-run', str(tmp_path / 'sw'))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    train = [x for x in lines if 'tools/train.py' in x]
    assert len(train) == 5 * 3  # five variants, seeds 0 1 2
    assert sum('tools/test.py' in x for x in lines) == 15
    assert sum('stream_sensitivity.py' in x for x in lines) == 15
    assert lines[-1].endswith(f'--out {tmp_path}/sw/summary.json')
    want = {
        'sum': '--cfg-options model.pmsp_loss_reduction=sum',
        'mean': '--cfg-options model.pmsp_loss_reduction=mean',
        'lambda27': '--cfg-options model.pmsp_loss_reduction=sum '
        'model.ctp_loss_weight=27',
        'clip': '--cfg-options model.pmsp_loss_reduction=sum '
        'model.pmsp_label_source=clip',
        'mean_clip': '--cfg-options model.pmsp_loss_reduction=mean '
        'model.pmsp_label_source=clip'
    }
    for variant, text in want.items():
        cmd = [x for x in train if f'/sw/{variant}/seed2/' in x]
        assert len(cmd) == 1 and cmd[0].endswith(text), cmd
    test = [x for x in lines if 'tools/test.py' in x and '/clip/' in x]
    assert all('model.pmsp_label_source=clip' in x for x in test)
    assert not (tmp_path / 'sw').exists()  # nothing ran


def test_seeds_variants_and_relative_root(tmp_path):
    out = sweep('--dry-run', '--seeds', '4 5', '--variants', 'mean', 'rel',
                cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    train = [x for x in out.stdout.splitlines() if 'tools/train.py' in x]
    assert [x.split('--work-dir ')[1].split()[0] for x in train] == [
        f'{tmp_path}/rel/mean/seed4/train', f'{tmp_path}/rel/mean/seed5/train']


def test_usage_errors():
    for args in (['--variants', 'bogus'], ['--seeds', 'a'], ['--frobnicate'],
                 ['a', 'b'], ['--seeds']):
        out = sweep('--dry-run', *args)
        assert out.returncode == 2, args
        assert out.stderr and not out.stdout
    out = sweep('--help')
    assert out.returncode == 0 and 'usage:' in out.stdout


def test_summarize_a_sweep_folder(tool, tmp_path, capsys):
    for variant, accs in (('default', (0.25, 0.35)), ('mean', (0.7, 0.8))):
        for seed, acc in enumerate(accs):
            run = tmp_path / variant / f'seed{seed}'
            run.mkdir(parents=True)
            (run / 'pretext.json').write_text(json.dumps(
                {'pmsp/acc_mean': 0.5, 'ctp/acc': acc}))
            (run / 'sensitivity.json').write_text(json.dumps(
                {'config': 'c.py', 'sensitivity': {
                    'imgs': {'output': {'imgs': acc / 2}}}}))
    out = tmp_path / 'summary.json'
    assert tool.main([str(tmp_path), '--out', str(out), '--metrics',
                      'ctp/acc', 'sensitivity/imgs/output/imgs']) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0] == '| variant | ctp/acc | sensitivity/imgs/output/imgs |'
    assert table[3].startswith('| mean | 0.750 ± 0.071 (2) | 0.375 ±')
    summary = json.loads(out.read_text())
    assert summary['default']['ctp/acc']['values'] == [0.25, 0.35]
    assert summary['mean']['pmsp/acc_mean']['std'] == 0
    # a metric in two files of one run is an error, as is an empty folder
    (tmp_path / 'mean' / 'seed0' / 'extra.json').write_text('{"ctp/acc": 1}')
    assert tool.main([str(tmp_path)]) == 1
    assert "'ctp/acc' is also in" in capsys.readouterr().err
    (tmp_path / 'empty').mkdir()
    assert tool.main([str(tmp_path / 'empty')]) == 1


def test_summary_help():
    ok = subprocess.run([sys.executable, TOOL, '--help'], cwd=ROOT,
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and 'mean and spread' in ok.stdout.lower()


def test_jobs_and_the_late_fusion_variant(tmp_path):
    out = sweep('--dry-run', '--jobs', '2', '--variants', 'mean_late',
                '--seeds', '0', str(tmp_path / 'sw'))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert 'export OMP_NUM_THREADS=' in lines[0]
    late = 'model.pmsp_loss_reduction=mean model.backbone.fusion=None'
    for tool in ('tools/train.py', 'tools/test.py', 'stream_sensitivity.py'):
        cmd = [x for x in lines if tool in x]
        assert len(cmd) == 1 and f'--cfg-options {late}' in cmd[0], cmd
    for bad in ('0', 'two'):
        out = sweep('--dry-run', '--jobs', bad)
        assert out.returncode == 2 and '--jobs' in out.stderr


STEPS = osp.join(ROOT, 'tools', 'lib', 'steps.sh')


def spawn_three(tmp_path, fail=''):
    """Three runs through steps.sh's spawn / finish_jobs, 2 at a time."""
    script = f'''
set -euo pipefail
source {STEPS}
DRY=0 JOBS=2
mkdir -p {tmp_path}/running
work() {{
    touch {tmp_path}/running/$1
    echo "run $1 pid $BASHPID with $(ls {tmp_path}/running | wc -l)"
    sleep 0.3
    rm {tmp_path}/running/$1
    [ "$1" != "{fail}" ]
    echo "$1 went on"
}}
for x in a b c; do spawn {tmp_path}/logs/$x.log work $x; done
finish_jobs
echo all done
'''
    return subprocess.run(['bash', '-c', script], capture_output=True,
                          text=True, timeout=60)


def test_spawn_runs_in_the_background_and_reports_failures(tmp_path):
    out = spawn_three(tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == 'all done'
    logs = {x: (tmp_path / 'logs' / f'{x}.log').read_text() for x in 'abc'}
    assert all(logs[x].startswith(f'run {x} pid ') for x in 'abc')
    # each in its own process, never more than 2 at once
    assert len({logs[x].split()[3] for x in 'abc'}) == 3
    assert max(int(logs[x].splitlines()[0].split()[-1]) for x in 'abc') <= 2
    out = spawn_three(tmp_path, fail='b')
    assert out.returncode == 1
    assert 'these runs failed' in out.stderr and 'all done' not in out.stdout
    assert out.stderr.strip().endswith(f'{tmp_path}/logs/b.log')
    # the failed step ends its run (set -e holds inside a spawned job); the
    # other runs go on
    failed = (tmp_path / 'logs' / 'b.log').read_text()[len(logs['b']):]
    assert failed.startswith('run b pid ') and 'b went on' not in failed
    again = (tmp_path / 'logs' / 'a.log').read_text()
    assert 'a went on' in again
    # a run started again adds to its log (a finished run's is kept)
    assert again.count('run a pid ') == 2 and again.startswith(logs['a'])
