"""tools/quickstart.sh --dry-run: the main job's steps, in order, without
running them."""
import os.path as osp
import subprocess

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def quickstart(*args):
    return subprocess.run(['bash', osp.join(ROOT, 'tools', 'quickstart.sh'),
                           *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def test_dry_run_main_job(tmp_path):
    out = quickstart('--dry-run', '--pretrain-epochs', '7', str(tmp_path))
    assert out.returncode == 0, out.stderr
    lines = [x for x in out.stdout.splitlines() if not x.startswith('[')]
    # "<python> tools/x.py ...": the interpreter is $PY (the venv's under CI)
    tools = [x.split()[1] for x in lines
             if len(x.split()) > 1 and x.split()[1].startswith('tools/')]
    order = ['tools/train.py', 'tools/test.py', 'tools/convert_pretrained.py',
             'tools/train.py', 'tools/test.py',  # fine-tune
             'tools/train.py', 'tools/test.py',  # scratch
             'tools/train.py', 'tools/test.py',  # linear probe
             'tools/retrieval.py', 'tools/analysis/dump_compressed.py',
             'tools/visualize_pmsp.py', 'tools/visualize_pmsp.py',
             'tools/analysis/plot_curves.py', 'tools/analysis/plot_curves.py',
             'tools/analysis/confusion_matrix.py',
             'tools/analysis/summarize_run.py']
    data = [x for x in tools if 'make_synthetic' in x]
    assert [x for x in tools if x not in data] == order
    train = [x for x in lines if 'tools/train.py' in x]
    assert 'imr-pmsp-ctp_' in train[0] and train[0].endswith(
        'train_cfg.max_epochs=7 param_scheduler.1.T_max=6 '
        'param_scheduler.1.end=7')
    backbone = f'load_from={tmp_path}/backbone.pth'
    assert backbone in train[1]  # fine-tune
    # the linear config loads the backbone alone, through its init_cfg
    assert (f'model.backbone.init_cfg.checkpoint={tmp_path}/backbone.pth'
            in train[3])
    assert 'load_from' not in train[2] and '-subset_' in train[2]
    assert f'--out {tmp_path}/summary.json' in lines[-1]
    assert f'--show-dir {tmp_path}/pictures/retrieval' in out.stdout
    assert not tmp_path.joinpath('pretrain').exists()  # nothing ran


def test_dry_run_supervised_and_bad_arguments(tmp_path):
    out = quickstart('--dry-run', '--supervised', str(tmp_path))
    assert out.returncode == 0, out.stderr
    train = [x for x in out.stdout.splitlines() if 'tools/train.py' in x]
    assert len(train) == 1 and 'imr_r18-tiny_1xb16-' in train[0]
    assert 'summarize_run.py' in out.stdout
    for args in (['--pretrain-epochs', '1'], ['--pretrain-epochs'],
                 ['a', 'b'], ['--seeds', '1']):
        bad = quickstart('--dry-run', *args)
        assert bad.returncode == 2, args
        assert bad.stderr


def test_dry_run_on_own_videos(tmp_path):
    videos = tmp_path / 'my videos'
    (videos / 'a').mkdir(parents=True)
    work = tmp_path / 'work'
    out = quickstart('--dry-run', '--data', str(videos), '--reencode',
                     str(work))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    reencode = [x for x in lines if 'tools/data/reencode.py' in x]
    assert reencode == [x for x in reencode
                        if x.endswith(f'{videos} {work}/data/videos')]
    assert len(reencode) == 1
    lists = [x for x in lines if 'build_filelist.py folders' in x]
    assert len(lists) == 1 and lists[0].endswith(
        f'{work}/data/videos --out {work}/data/list.txt --split-ratio 0.8')
    retarget = [x for x in lines if 'retarget_config.py' in x]
    # the four recipes of the main job, not the supervised one
    assert len(retarget) == 4
    assert not any('imr_r18-tiny_1xb16' in x for x in retarget)
    assert all(f'--list data/synthetic/val.txt={work}/data/list_val.txt' in x
               for x in retarget)
    assert 'make_synthetic' not in out.stdout
    # every later step runs the retargeted configs
    for x in lines:
        if 'tools/train.py' in x or 'tools/retrieval.py' in x:
            assert f' {work}/configs/' in x, x
    assert f'--label-file {work}/data/classes.txt' in out.stdout
    assert 'reencode.py' not in quickstart(
        '--dry-run', '--data', str(videos), str(work)).stdout
    # --supervised retargets and trains only the supervised recipe
    sup = quickstart('--dry-run', '--supervised', '--data', str(videos),
                     str(tmp_path / 'sup')).stdout.splitlines()
    retarget = [x for x in sup if 'retarget_config.py' in x]
    assert len(retarget) == 1 and 'imr_r18-tiny_1xb16' in retarget[0]
    train = [x for x in sup if 'tools/train.py' in x]
    assert len(train) == 1 and f' {tmp_path}/sup/configs/' in train[0]
    bad = quickstart('--dry-run', '--reencode')
    assert bad.returncode == 2 and '--reencode needs --data' in bad.stderr
    bad = quickstart('--dry-run', '--data', str(tmp_path / 'missing'))
    assert bad.returncode == 2 and 'not a folder' in bad.stderr
