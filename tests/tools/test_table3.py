"""tools/reproduce_toy_table3.sh: argument handling and --dry-run (nothing
is trained), and the bar chart of tools/analysis/summarize_seeds.py."""
import json
import os
import os.path as osp
import subprocess

import cv2

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = osp.join(ROOT, 'tools', 'reproduce_toy_table3.sh')
TOOL = osp.join(ROOT, 'tools', 'analysis', 'summarize_seeds.py')


def table3(*args):
    # --jobs sets the threads only when the caller has not (the test
    # processes may have)
    env = {k: v for k, v in os.environ.items() if k != 'OMP_NUM_THREADS'}
    return subprocess.run(['bash', SCRIPT, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_dry_run_every_step_of_every_method(tmp_path):
    out = table3('--dry-run', '--seeds', '0 1', '--methods',
                 'scratch pmsp ctp_binary', str(tmp_path / 't3'))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    train = [x for x in lines if 'tools/train.py' in x]
    # scratch: fine-tune only; the others: pretrain, fine-tune, linear probe
    assert len(train) == 2 * (1 + 3 + 3)
    scratch = [x for x in train if '/scratch/' in x]
    assert len(scratch) == 2 and all('-subset_' in x for x in scratch)
    assert all('load_from' not in x for x in scratch)
    pre = [x for x in train if '/pretrain ' in x]
    assert [x.split('--seed ')[1].split()[0] for x in pre] == ['0', '1'] * 2
    pmsp = [x for x in pre if '/pmsp/' in x]
    assert all('model.ctp_head=None' in x for x in pmsp)
    binary = [x for x in pre if '/ctp_binary/' in x]
    assert all('model.ctp_types=(aligned,random) model.ctp_head.num_classes=2'
               in x for x in binary)
    # shortened schedules: warm-up epoch + cosine, or cosine alone
    assert all(x.endswith('train_cfg.max_epochs=10 param_scheduler.1.T_max=9'
                          ' param_scheduler.1.end=10') for x in pre)
    linear = [x for x in train if '/linear ' in x]
    assert all('model.backbone.init_cfg.checkpoint=' in x
               and 'backbone.pth' in x and 'load_from' not in x
               for x in linear)
    assert len(linear) == 4 and all(
        x.endswith('train_cfg.max_epochs=10 param_scheduler.0.T_max=10 '
                   'param_scheduler.0.end=10') for x in linear)
    ft = [x for x in train if '/finetune ' in x and '/scratch/' not in x]
    assert all(f'load_from={tmp_path}/t3/' in x and 'backbone.pth' in x
               for x in ft)
    assert sum('tools/retrieval.py' in x for x in lines) == 4
    assert sum('convert_pretrained.py' in x for x in lines) == 4
    assert '--plot' in lines[-1] and f'{tmp_path}/t3/summary.png' in lines[-1]
    assert not (tmp_path / 't3').exists()  # nothing ran


def test_dry_run_infonce_has_no_pretext_test(tmp_path):
    # its config has no test loop (tools/test.py would fail): pretrain,
    # convert, then the same three evaluations as the other pretexts
    out = table3('--dry-run', '--seeds', '0', '--methods', 'infonce rotation',
                 str(tmp_path / 't3'))
    assert out.returncode == 0, out.stderr
    tests = [x for x in out.stdout.splitlines() if 'tools/test.py' in x]
    assert [x.split('--work-dir ')[1].split(f'{tmp_path}/t3/')[1]
            for x in tests] == [
                'infonce/seed0/finetune_finetune_test',
                'infonce/seed0/linear_linear_test',
                'rotation/seed0/pretrain_pretext_test',
                'rotation/seed0/finetune_finetune_test',
                'rotation/seed0/linear_linear_test']
    assert sum('/infonce/' in x and 'tools/train.py' in x
               for x in out.stdout.splitlines()) == 3
    assert out.stdout.splitlines()[-1].count('pretext/') == 4


def test_dry_run_mvcgc_row(tmp_path):
    out = table3('--dry-run', '--seeds', '0 1', '--methods', 'mvcgc',
                 '--stage1-epochs', '3', '--stage2-epochs', '2',
                 str(tmp_path / 't3'))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    train = [x for x in lines if 'tools/train.py' in x]
    # stage 1 RGB, stage 1 MV, stage 2, fine-tune, linear probe per seed
    assert len(train) == 2 * 5
    root = f'{tmp_path}/t3/mvcgc/seed0'
    stage1 = [x for x in train if '-stage1_' in x]
    assert len(stage1) == 4 and all(
        x.endswith('train_cfg.max_epochs=3') for x in stage1)
    stage2 = [x for x in train if '-stage2_' in x and root in x][0]
    assert f'--work-dir {root}/pretrain ' in stage2
    assert 'train_cfg.max_epochs=2' in stage2
    for m in ('rgb', 'mv'):
        assert (f'model.{m}_encoder.init_cfg.checkpoint=$(cat '
                f'{root}/stage1/{m}/last_checkpoint)') in stage2
    # the evaluations: both encoders from the stage-2 run, the IMR rows'
    # subset for fine-tuning and their shortened schedules
    ft = [x for x in train if f'{root}/finetune ' in x][0]
    linear = [x for x in train if f'{root}/linear ' in x][0]
    assert '-subset-rgb-mv.py' in ft and ft.endswith(
        'param_scheduler.1.T_max=19 param_scheduler.1.end=20')
    assert linear.endswith('param_scheduler.0.T_max=10 '
                           'param_scheduler.0.end=10')
    for x in (ft, linear):
        for m in ('rgb', 'mv'):
            assert (f'model.backbone.backbones.{m}.init_cfg.checkpoint='
                    f'$(cat {root}/pretrain/last_checkpoint)') in x
    assert not any('convert_pretrained.py' in x for x in lines)
    tests = [x for x in lines if 'tools/test.py' in x]
    assert len(tests) == 2 * 2  # fine-tune and linear probe, no pretext
    retrieval = [x for x in lines if 'tools/retrieval.py' in x]
    assert len(retrieval) == 2 and (
        f'$(cat {root}/linear/last_checkpoint)' in retrieval[0])


def test_epochs_options_and_usage_errors(tmp_path):
    out = table3('--dry-run', '--seeds', '3', '--methods', 'rotation',
                 '--pretrain-epochs', '4', '--finetune-epochs', '6',
                 '--linear-epochs', '5', str(tmp_path))
    assert out.returncode == 0, out.stderr
    train = [x for x in out.stdout.splitlines() if 'tools/train.py' in x]
    assert [x.split('train_cfg.max_epochs=')[1].split()[0]
            for x in train] == ['4', '6', '5']
    for args in (['--methods', 'bogus'], ['--seeds', 'x'], ['--bogus'],
                 ['--pretrain-epochs', '1'], ['--linear-epochs', 'a'],
                 ['--stage2-epochs', '0'],
                 ['a', 'b'], ['--seeds']):
        bad = table3('--dry-run', *args)
        assert bad.returncode == 2, args
        assert bad.stderr and not bad.stdout
    ok = table3('--help')
    assert ok.returncode == 0 and 'usage:' in ok.stdout


def test_summary_bar_chart(tool, tmp_path, capsys):
    for method, accs in (('scratch', (0.4, 0.5, 0.45)),
                         ('pmsp', (0.6, 0.7, 0.65))):
        for seed, acc in enumerate(accs):
            run = tmp_path / 'runs' / method / f'seed{seed}'
            run.mkdir(parents=True)
            (run / 'finetune.json').write_text(json.dumps(
                {'finetune': {'acc/top1': acc}}))
            if method != 'scratch':
                (run / 'linear.json').write_text(json.dumps(
                    {'linear': {'acc/top1': acc / 2}}))
    png = tmp_path / 'chart.png'
    assert tool.main([str(tmp_path / 'runs'), '--variants', 'scratch',
                      'pmsp', '--metrics', 'finetune/acc/top1',
                      'linear/acc/top1', '--plot', str(png), '--title',
                      'toy']) == 0
    out = capsys.readouterr().out
    assert '| scratch | 0.450 ± 0.050 (3) | - |' in out
    assert f'chart: {png}' in out
    image = cv2.imread(str(png))
    assert image is not None and image.shape[0] > 300 and image.shape[1] > 800
    # the bars are coloured: more than the black, white and grey of the axes
    assert len({tuple(p) for p in image.reshape(-1, 3)[::7]}) > 20
    assert tool.main([str(tmp_path / 'runs'), '--plot',
                      str(tmp_path / 'no' / 'dir' / 'c.png')]) == 1


def test_jobs_option(tmp_path):
    one = table3('--dry-run', '--methods', 'pmsp', str(tmp_path / 't3'))
    two = table3('--dry-run', '--jobs', '2', '--methods', 'pmsp',
                 str(tmp_path / 't3'))
    assert one.returncode == two.returncode == 0, two.stderr
    # the same commands, one torch thread each (2 cores here or more)
    assert two.stdout.splitlines()[0].startswith('export OMP_NUM_THREADS=')
    assert two.stdout.splitlines()[1:] == one.stdout.splitlines()
    bad = table3('--dry-run', '--jobs', '-1')
    assert bad.returncode == 2 and '--jobs' in bad.stderr
