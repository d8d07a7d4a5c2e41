"""prepare.retarget_config: a config for one data set pointed at another."""
import pytest

from mmaction_imr.prepare import RetargetError, retarget_config

OLD = {'a/train.txt': 'b/list_train.txt', 'a/extra.txt': 'b/list_train.txt',
       'a/val.txt': 'b/list_val.txt'}


def dataset(ann_file, **kwargs):
    return dict(type='CompressedVideoDataset', ann_file=ann_file,
                data_prefix=dict(video='a/videos'), **kwargs)


def config():
    flip = dict(type='CompressedFlip', flip_ratio=0.5,
                flip_label_map={1: 2, 2: 1})
    return dict(
        data_root='a/videos', ann_file_train='a/train.txt',
        flip_label_map={1: 2, 2: 1},
        model=dict(cls_head=dict(num_classes=8), other=[dict(num_classes=8)]),
        train_dataloader=dict(dataset=dict(
            type='ConcatDataset',
            datasets=[dataset('a/extra.txt', pipeline=[flip]),
                      dataset('a/train.txt', pipeline=[flip],
                              indices=[0, 5])])),
        val_dataloader=dict(dataset=dataset('a/val.txt')),
        retrieval=dict(class_names='a/classes.txt',
                       query=dict(dataset=dataset('a/val.txt'))),
        metric=dict(num_classes=8))  # not the model's: left alone


def test_every_dataset_reads_the_new_lists_and_root():
    cfg = config()
    new = retarget_config(cfg, video_root='b/videos', lists=OLD,
                          num_classes=3, class_names='b/classes.txt')
    train = new['train_dataloader']['dataset']
    # extra.txt and train.txt both became list_train.txt without indices:
    # one dataset is kept
    assert train['datasets'] == [dict(
        type='CompressedVideoDataset', ann_file='b/list_train.txt',
        data_prefix=dict(video='b/videos'),
        pipeline=[dict(type='CompressedFlip', flip_ratio=0.5,
                       flip_label_map=None)])]
    assert new['val_dataloader']['dataset']['ann_file'] == 'b/list_val.txt'
    assert new['retrieval']['query']['dataset']['data_prefix'] == {
        'video': 'b/videos'}
    assert new['retrieval']['class_names'] == 'b/classes.txt'
    assert new['model']['cls_head']['num_classes'] == 3
    assert new['model']['other'][0]['num_classes'] == 3
    assert new['metric']['num_classes'] == 8
    assert new['data_root'] == 'b/videos'
    assert new['ann_file_train'] == 'b/list_train.txt'
    assert new['flip_label_map'] is None
    assert cfg == config()  # the input is not changed


def test_optional_parts_are_left_alone():
    new = retarget_config(config(), video_root='b/videos', lists=OLD)
    assert new['model']['cls_head']['num_classes'] == 8
    assert new['retrieval']['class_names'] == 'a/classes.txt'


def test_a_list_without_replacement_is_named():
    with pytest.raises(RetargetError, match="'a/extra.txt'.*known: a/train"):
        retarget_config(config(), video_root='b',
                        lists={'a/train.txt': 'x', 'a/val.txt': 'y'})
