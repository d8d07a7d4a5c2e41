"""CompressedVideoDataset: checked annotations, flip label maps, skips."""
import logging
import re

import pytest
import torch
from mmengine.dataset import ConcatDataset, RepeatDataset
from mmengine.model import BaseModel
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from torch.utils.data import DataLoader

from mmaction.registry import DATASETS
from mmaction_imr.datasets import CompressedVideoDataset, parse_annotations
from mmaction_imr.engine.hooks import compressed_datasets

SYNTHETIC_MAP = {1: 2, 2: 1, 4: 5, 5: 4}


class FakeLoad:
    """Stands in for the loading transforms: files named ``bad*`` fail."""

    def __call__(self, results):
        if 'bad' in results['filename']:
            results['skip_reason'] = f'{results["filename"]}: corrupt'
            return None
        return dict(inputs=torch.ones(1) * results['label'])


def write_list(tmp_path, text, name='ann.txt'):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# --- annotations ------------------------------------------------------------


def test_parse_good_lists():
    assert parse_annotations(['a.mp4 0', 'b/c.mp4 3'],
                             num_classes=4) == [('a.mp4', 0), ('b/c.mp4', 3)]
    # Unlabelled lists: -1 on every line, or no label at all (mmaction2).
    assert parse_annotations(['a.mp4 -1', 'b.mp4']) == [('a.mp4', -1),
                                                        ('b.mp4', -1)]
    assert parse_annotations(['a.mp4,1,2'],
                             delimiter=',',
                             multi_class=True,
                             num_classes=3) == [('a.mp4', [1, 2])]


@pytest.mark.parametrize('line,problem', [
    ('a.mp4 4', 'label 4 >= num_classes=4'),
    ('a.mp4 -2', 'negative label -2'),
    ('a.mp4 1.0', "label '1.0' is not an integer"),
    ('a.mp4 one', "label 'one' is not an integer"),
    ('a.mp4', "missing label after 'a.mp4'"),
    ('a.mp4 -1', 'label -1 (unlabelled) in a list with labels'),
    ('', 'blank line'),
    ('my clip.mp4 1', '3 fields, expected "<video> <label>"'),
])
def test_parse_bad_line_names_file_line_and_problem(line, problem):
    lines = ['ok.mp4 0', 'ok2.mp4 1', line, 'ok3.mp4 2']
    with pytest.raises(ValueError) as err:
        parse_annotations(lines, 'lists/train.txt', num_classes=4)
    msg = str(err.value)
    assert msg.startswith('lists/train.txt: 1 bad line(s)')
    assert f'  line 3: {problem}' in msg


def test_parse_reports_every_problem_in_one_error():
    lines = ['a.mp4 0', '', 'b.mp4 9'] + ['c.mp4 x'] * 12
    with pytest.raises(ValueError) as err:
        parse_annotations(lines, 'ann.txt', num_classes=5)
    msg = str(err.value)
    assert msg.startswith('ann.txt: 14 bad line(s)')
    assert 'line 2: blank line' in msg and 'line 3: label 9 >=' in msg
    assert '... and 4 more' in msg
    with pytest.raises(ValueError, match='needs num_classes'):
        parse_annotations(['a.mp4 1'], multi_class=True)


def test_dataset_checks_its_file_at_build_time(tmp_path):
    ann = write_list(tmp_path, 'a.mp4 0\nb.mp4 7\n\nc.mp4 1\n')
    with pytest.raises(ValueError) as err:
        CompressedVideoDataset(ann, pipeline=[], num_classes=5)
    msg = str(err.value)
    assert msg.startswith(f'{ann}: 2 bad line(s)')
    assert 'line 2: label 7 >= num_classes=5' in msg
    assert 'line 3: blank line' in msg
    good = write_list(tmp_path, 'a.mp4 0\nb.mp4 4\n', 'good.txt')
    dataset = CompressedVideoDataset(good,
                                     pipeline=[],
                                     num_classes=5,
                                     data_prefix=dict(video='videos'))
    assert [dataset.get_data_info(i)['filename']
            for i in range(2)] == ['videos/a.mp4', 'videos/b.mp4']
    assert dataset.get_data_info(1)['label'] == 4


def test_registered_and_builds_from_config(tmp_path):
    init_default_scope('mmaction')
    ann = write_list(tmp_path, 'a.mp4 0\n')
    dataset = DATASETS.build(
        dict(type='CompressedVideoDataset', ann_file=ann, pipeline=[]))
    assert isinstance(dataset, CompressedVideoDataset) and len(dataset) == 1


# --- flip label maps --------------------------------------------------------


def flip_pipeline(label_map):
    return [dict(type='CompressedFlip', flip_label_map=label_map)]


def test_synthetic_flip_map_rejected_for_a_two_class_list(tmp_path):
    init_default_scope('mmaction')
    ann = write_list(tmp_path, 'a.mp4 0\nb.mp4 1\n')
    # num_classes unset: the bound is the list's own labels (0 .. 1).
    with pytest.raises(ValueError) as err:
        CompressedVideoDataset(ann, pipeline=flip_pipeline(SYNTHETIC_MAP))
    msg = str(err.value)
    assert msg.startswith(f'{ann}: CompressedFlip: flip_label_map')
    assert "label(s) 2, 4, 5 outside the data set's 2 classes" in msg
    assert 'classes from the labels of the file' in msg
    # Given num_classes, it is the bound (the head's classes).
    with pytest.raises(ValueError, match='from num_classes'):
        CompressedVideoDataset(ann,
                               pipeline=flip_pipeline({0: 9}),
                               num_classes=8)
    # The stock Flip is checked too.
    with pytest.raises(ValueError, match='Flip: flip_label_map'):
        CompressedVideoDataset(
            ann, pipeline=[dict(type='Flip', flip_label_map={0: 3})])


def test_flip_map_accepted_where_it_belongs(tmp_path):
    init_default_scope('mmaction')
    labels = ''.join(f'v{i}.mp4 {i}\n' for i in range(8))
    ann = write_list(tmp_path, labels)
    # Built without an error, every line kept, labels as written.
    for kwargs in ({}, dict(num_classes=8)):
        dataset = CompressedVideoDataset(
            ann, pipeline=flip_pipeline(SYNTHETIC_MAP), **kwargs)
        assert [d['label'] for d in dataset.load_data_list()] == list(
            range(8))
    # An unlabelled list has no labels to swap.
    unlabelled = write_list(tmp_path, 'a.mp4 -1\nb.mp4 -1\n', 'u.txt')
    dataset = CompressedVideoDataset(unlabelled,
                                     pipeline=flip_pipeline(SYNTHETIC_MAP))
    assert len(dataset.load_data_list()) == 2


# --- skipped samples --------------------------------------------------------


def test_all_bad_list_stops_quickly_with_one_error(tmp_path):
    init_default_scope('mmaction')
    for i in range(64):
        (tmp_path / f'v{i}.mp4').write_bytes(b'')  # unreadable: empty
    ann = write_list(tmp_path, ''.join(f'v{i}.mp4 0\n' for i in range(64)))
    dataset = CompressedVideoDataset(
        ann,
        pipeline=[dict(type='CompressedVideoInit')],
        data_prefix=dict(video=str(tmp_path)))
    with pytest.raises(RuntimeError) as err:
        dataset[0]
    # Window min(64, 100): more than 10 % of 64 -> the 7th skip stops.
    assert dataset.skip_counts() == (7, 7)
    msg = str(err.value)
    assert msg.startswith(f'{ann}: 7 of the 7 samples fetched so far')
    assert 'max_skip_ratio=0.1' in msg and ': empty file' in msg


def test_all_bad_list_stops_from_dataloader_workers(tmp_path):
    ann = write_list(tmp_path, ''.join(f'bad{i}.mp4 0\n' for i in range(40)))
    dataset = CompressedVideoDataset(ann,
                                     pipeline=[FakeLoad()],
                                     max_skip_ratio=0.25)
    loader = DataLoader(dataset, batch_size=4, num_workers=2)
    with pytest.raises(RuntimeError,
                       match=r'samples fetched so far could '
                       r'not be loaded, more than max_skip_ratio=0\.25; '
                       r'the last: bad\d+\.mp4: corrupt'):
        next(iter(loader))
    fetched, skipped = dataset.skip_counts()
    assert fetched == skipped and skipped <= 2 * (0.25 * 40 + 1)


def test_counts_are_shared_by_workers_and_epochs(tmp_path):
    lines = ''.join(f'good{i}.mp4 {i % 2}\n' for i in range(9)) + 'bad.mp4 0\n'
    ann = write_list(tmp_path, lines)
    dataset = CompressedVideoDataset(ann,
                                     pipeline=[FakeLoad()],
                                     max_skip_ratio=0.5)
    loader = DataLoader(dataset,
                        batch_size=2,
                        num_workers=2,
                        persistent_workers=True)
    for epoch in (1, 2):
        assert sum(len(b['inputs']) for b in loader) == 10
        fetched, skipped = dataset.skip_counts()
        # bad.mp4 fails at least once per epoch (a refetch may hit it too)
        assert skipped >= epoch and fetched - skipped == 10 * epoch


def test_bad_max_skip_ratio(tmp_path):
    ann = write_list(tmp_path, 'a.mp4 0\n')
    with pytest.raises(ValueError, match=r'max_skip_ratio must be in'):
        CompressedVideoDataset(ann, pipeline=[], max_skip_ratio=1.5)


def test_ratio_zero_stops_at_first_skip_and_one_never(tmp_path):
    ann = write_list(tmp_path, 'good.mp4 0\nbad.mp4 0\n')
    strict = CompressedVideoDataset(ann,
                                    pipeline=[FakeLoad()],
                                    max_skip_ratio=0)
    with pytest.raises(RuntimeError, match='1 of the 1 samples'):
        strict[1]
    lenient = CompressedVideoDataset(ann,
                                     pipeline=[FakeLoad()],
                                     max_skip_ratio=1)
    for _ in range(20):
        assert lenient[1]['inputs'].item() == 0  # refetched good.mp4
    # Validation / test data sets do not count (they raise on bad videos).
    test_set = CompressedVideoDataset(ann,
                                      pipeline=[FakeLoad()],
                                      test_mode=True)
    test_set[0]
    assert test_set.skip_counts() == (0, 0)


def test_compressed_datasets_looks_through_wrappers(tmp_path):
    ann = write_list(tmp_path, 'good.mp4 0\n')
    a = CompressedVideoDataset(ann, pipeline=[])
    b = CompressedVideoDataset(ann, pipeline=[])
    assert compressed_datasets(ConcatDataset([a, b])) == [a, b]
    assert compressed_datasets(RepeatDataset(b, times=2)) == [b]
    assert compressed_datasets(torch.utils.data.Subset(a, [0])) == [a]
    assert compressed_datasets(torch.utils.data.TensorDataset(
        torch.zeros(1))) == []


class ToyModel(BaseModel):

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(1, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        out = self.linear(inputs[:, None])
        return dict(loss=out.pow(2).mean()) if mode == 'loss' else out


def test_partly_bad_list_trains_and_logs_the_count(tmp_path):
    lines = ''.join(f'good{i}.mp4 1\n' for i in range(7)) + 'bad.mp4 1\n'
    dataset = CompressedVideoDataset(write_list(tmp_path, lines),
                                     pipeline=[FakeLoad()],
                                     max_skip_ratio=0.5)
    runner = Runner(model=ToyModel(),
                    work_dir=str(tmp_path / 'work'),
                    train_dataloader=dict(
                        dataset=dataset,
                        batch_size=4,
                        num_workers=2,
                        sampler=dict(type='DefaultSampler', shuffle=True),
                        collate_fn=dict(type='default_collate')),
                    train_cfg=dict(by_epoch=True, max_epochs=2),
                    optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
                    custom_hooks=[dict(type='SkippedSamplesHook')],
                    default_hooks=dict(checkpoint=None),
                    default_scope='mmaction',
                    log_level=logging.INFO,
                    experiment_name='skips')
    runner.train()
    log = open(runner.logger.log_file).read()
    counts = re.findall(
        r'epoch (\d): (\d+) of (\d+) sample fetches skipped '
        r'\(unreadable videos\), (\d+) since the start', log)
    assert [c[0] for c in counts] == ['1', '2']
    first, second = ([int(v) for v in c[1:]] for c in counts)
    # Each epoch returns the 8 samples; bad.mp4 is skipped at least once.
    assert first[0] >= 1 and first[1] - first[0] == 8
    assert second[1] - second[0] == 8
    # The Runner deep copies the data set; the copy counts for itself.
    assert second[2] == first[0] + second[0] == (
        runner.train_dataloader.dataset.skip_counts()[1])


def test_config_derived_from_toy_rejects_the_synthetic_map(tmp_path):
    """The toy config's map comes from the synthetic data config; a 2-class
    list in a derived config gets a clear error instead of an IndexError."""
    import os.path as osp

    from mmengine.config import Config
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    toy = osp.join(repo, 'configs', 'toy',
                   'imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py')
    assert 'flip_label_map' not in open(toy).read()
    cfg = Config.fromfile(toy)
    assert cfg.flip_label_map == SYNTHETIC_MAP  # from the data set config
    init_default_scope('mmaction')
    dataset = cfg.train_dataloader.dataset
    dataset.ann_file = write_list(tmp_path, 'a.mp4 0\nb.mp4 1\n')
    with pytest.raises(ValueError,
                       match=r'CompressedFlip: flip_label_map .*'
                       r"label\(s\) 2, 4, 5 outside"):
        DATASETS.build(dataset)
