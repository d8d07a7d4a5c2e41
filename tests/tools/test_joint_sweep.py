"""Tests of tools/analysis/joint_sweep.sh (argument handling, --dry-run:
nothing is trained) and tools/analysis/summarize_seeds.py."""
import json
import os.path as osp
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SWEEP = osp.join(ROOT, 'tools', 'analysis', 'joint_sweep.sh')
# The Python tool the `tool` fixture loads; the sweep runs as a subprocess.
TOOL = osp.join(ROOT, 'tools', 'analysis', 'summarize_seeds.py')


def sweep(*args, cwd=ROOT):
    return subprocess.run(['bash', SWEEP, *args], cwd=cwd,
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
