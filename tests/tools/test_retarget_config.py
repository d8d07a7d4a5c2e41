"""tools/data/retarget_config.py: the toy recipes on a user's class
folders (what tools/quickstart.sh --data does), down to a loaded sample."""
import os.path as osp
import shutil

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOY = 'configs/toy/'
PRE = TOY + 'imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py'
FT = TOY + 'imr_r18-tiny-pmsp-ctp-ft_1xb8-5gop-toy_synthetic-compressed.py'
LINEAR = ('configs/linear/'
          'imr_r18-tiny-linear_1xb16-5gop-toy_synthetic-compressed.py')


@pytest.fixture
def user_data(tmp_path, panning_video, run_script):
    """data/<class>/<video>.mp4: 3 classes x 5 clips of 6 GOPs, listed."""
    video = panning_video(64, 80, frames=72)
    for name in ('jump', 'run', 'swim'):
        (tmp_path / 'videos' / name).mkdir(parents=True)
        for i in range(5):
            shutil.copy(video, tmp_path / 'videos' / name / f'{name}{i}.mp4')
    code, out, err = run_script(
        'tools/data/build_filelist.py', 'folders', tmp_path / 'videos',
        '--out', tmp_path / 'list.txt', '--split-ratio', '0.8')
    assert code == 0, err
    return tmp_path


def retarget(run_script, data, config):
    out = data / 'configs' / osp.basename(config)
    code, stdout, err = run_script(
        'tools/data/retarget_config.py', osp.join(REPO, config), out,
        '--video-root', data / 'videos', '--class-names',
        data / 'classes.txt',
        '--list', f'data/synthetic/train.txt={data}/list_train.txt',
        '--list', f'data/synthetic/unlabelled.txt={data}/list_train.txt',
        '--list', f'data/synthetic/val.txt={data}/list_val.txt')
    assert code == 0, err
    return Config.fromfile(out)


def build(cfg_dataset):
    from mmaction.registry import DATASETS
    init_default_scope('mmaction')
    return DATASETS.build(cfg_dataset)


def test_finetune_recipe_reads_every_train_video(user_data, run_script):
    cfg = retarget(run_script, user_data, FT)
    assert cfg.model.cls_head.num_classes == 3
    train = build(cfg.train_dataloader.dataset)
    # the synthetic subset's indices are gone: all 4 train clips per class
    assert len(train) == 12
    sample = train[0]
    assert sample['data_samples'].gt_label.item() in (0, 1, 2)
    assert sample['inputs']['motion_vectors'].shape[-2:] == (56, 56)
    assert len(build(cfg.val_dataloader.dataset)) == 3
    flips = [t for t in cfg.train_dataloader.dataset.pipeline
             if t['type'] == 'CompressedFlip']
    assert flips and all(t['flip_label_map'] is None for t in flips)


def test_pretext_and_linear_recipes(user_data, run_script):
    pre = retarget(run_script, user_data, PRE)
    # the synthetic set's unlabelled and train lists: one user train list
    assert len(build(pre.train_dataloader.dataset)) == 12
    linear = retarget(run_script, user_data, LINEAR)
    assert linear.model.cls_head.num_classes == 3
    assert linear.retrieval.class_names == str(user_data / 'classes.txt')
    query = linear.retrieval.query_dataloader.dataset
    assert query.ann_file == str(user_data / 'list_val.txt')
    assert len(build(query)) == 3


def test_a_list_left_unnamed_is_an_error(user_data, run_script):
    code, _, err = run_script(
        'tools/data/retarget_config.py', osp.join(REPO, FT),
        user_data / 'x.py', '--video-root', user_data / 'videos',
        '--list', f'data/synthetic/train.txt={user_data}/list_train.txt')
    assert code == 1
    assert "'data/synthetic/val.txt': no new list" in err
    assert not (user_data / 'x.py').exists()
    code, _, err = run_script('tools/data/retarget_config.py', FT, 'x.py',
                              '--video-root', 'v', '--list', 'nothing')
    assert code == 2 and 'OLD=NEW' in err
