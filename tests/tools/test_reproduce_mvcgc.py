"""tools/reproduce_toy_mvcgc.sh: argument handling and --dry-run (nothing is
trained; the configs it names build in tests/test_configs.py)."""
import os.path as osp
import subprocess

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = osp.join(ROOT, 'tools', 'reproduce_toy_mvcgc.sh')


def mvcgc(*args):
    return subprocess.run(['bash', SCRIPT, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_dry_run_every_step(tmp_path):
    root = tmp_path / 'mv'
    out = mvcgc('--dry-run', '--seeds', '0 1', '--stage1-epochs', '3',
                '--stage2-epochs', '2', '--linear-epochs', '4', str(root))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    train = [x for x in lines if 'tools/train.py' in x]
    # per seed: linear (random), stage 1 rgb + mv, stage 2, linear x 2
    assert len(train) == 2 * 6
    assert [x.split('--seed ')[1].split()[0] for x in train] == \
        ['0'] * 6 + ['1'] * 6
    s1 = [x for x in train if '/stage1/' in x and 'stage1_' in x]
    assert len(s1) == 4 and all(x.endswith('train_cfg.max_epochs=3')
                                for x in s1)
    assert {x.split('toy_synthetic-')[1].split('.py')[0]
            for x in s1} == {'rgb', 'mv'}
    (s2, _) = [x for x in train if 'stage2_' in x]
    assert 'train_cfg.max_epochs=2' in s2
    assert f'model.rgb_encoder.init_cfg.checkpoint=$(cat {root}/stage1/' \
        'seed0/rgb/last_checkpoint)' in s2
    assert 'mv/last_checkpoint)' in s2
    linear = [x for x in train if '/linear ' in x]
    assert len(linear) == 6 and all(
        'train_cfg.max_epochs=4 param_scheduler.0.T_max=4 '
        'param_scheduler.0.end=4' in x for x in linear)
    (rand, ) = [x for x in linear if '/random/seed0/' in x]
    assert 'backbones.rgb.init_cfg=None' in rand
    (two, ) = [x for x in linear if '/stage2/seed0/' in x]
    assert 'backbones.mv.init_cfg.checkpoint=$(cat ' \
        f'{root}/stage2/seed0/train/last_checkpoint)' in two
    tests = [x for x in lines if 'tools/test.py' in x]
    # fused, RGB alone, MV alone, for 3 variants x 2 seeds
    assert len(tests) == 18
    assert sum('weights.mv=0' in x for x in tests) == 6
    assert sum('tools/retrieval.py' in x for x in lines) == 6
    assert '--plot' in lines[-1] and 'random stage1 stage2' in lines[-1]
    assert not root.exists()  # nothing ran


def test_usage_errors(tmp_path):
    for args in (['--seeds', 'a'], ['--stage1-epochs', '0'],
                 ['--bogus'], ['a', 'b'], ['--linear-epochs']):
        out = mvcgc('--dry-run', *args)
        assert out.returncode == 2, (args, out.stdout)
    out = mvcgc('--help')
    assert out.returncode == 0 and 'WORK_ROOT' in out.stdout
