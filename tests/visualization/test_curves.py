"""Tests of mmaction_imr/visualization/curves.py: hand-written scalar logs
in mmengine's format, whose series are known.

``data/toy_sup`` is a real work dir's log (1.9 KB): tools/train.py on the
toy supervised config for 3 epochs of 2 iterations (8 synthetic clips,
batch 4, ``model.backbone.base_channels=8``, logger interval 1).
"""
import json
import os
import os.path as osp

import numpy as np
import pytest

from mmaction_imr.visualization.curves import (curves_figure, draw_curves,
                                               find_scalar_logs,
                                               moving_average, read_curves,
                                               read_scalar_log, run_names,
                                               select_keys)

REAL_RUN = osp.join(osp.dirname(__file__), 'data', 'toy_sup')


def train_entry(it, epoch, loss, **extra):
    """A training entry as LoggerHook logs it (mmaction2 recognizer)."""
    return dict(lr=0.01, data_time=0.1, grad_norm=4.0, loss=loss,
                top1_acc=0.25, top5_acc=0.75, loss_cls=loss, time=0.5,
                epoch=epoch, iter=it, step=it, **extra)


def val_entry(epoch, top1):
    return {'acc/top1': top1, 'acc/top5': 1.0, 'acc/mean1': top1,
            'data_time': 0.1, 'time': 0.2, 'step': epoch}


def write_log(folder, entries, end='\n'):
    """``folder/vis_data/scalars.json`` as LocalVisBackend writes it."""
    path = osp.join(str(folder), 'vis_data', 'scalars.json')
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write('\n'.join(json.dumps(e) for e in entries) + end)
    return path


def two_epochs():
    """Iterations 1-4 (2 an epoch), a validation after each epoch."""
    return [train_entry(1, 1, 4.0), train_entry(2, 1, 3.0), val_entry(1, .5),
            train_entry(3, 2, 2.0), train_entry(4, 2, 1.0), val_entry(2, .75)]


def test_series_are_the_logged_values(tmp_path):
    path = write_log(tmp_path / 'run' / '20260101_000000', two_epochs())
    run = read_curves(str(tmp_path / 'run'))
    assert run.name == 'run'
    np.testing.assert_array_equal(run.train['loss'],
                                  [[1, 4.], [2, 3.], [3, 2.], [4, 1.]])
    np.testing.assert_array_equal(run.val['acc/top1'], [[1, .5], [2, .75]])
    # bookkeeping keys are not series
    assert 'epoch' not in run.train and 'iter' not in run.train
    assert list(run.val) == ['acc/top1', 'acc/top5', 'acc/mean1']
    assert run.logs_per_epoch == 2 and run.by_epoch
    # the same run from its timestamp folder or its file
    for other in (osp.dirname(osp.dirname(path)), path):
        again = read_curves(other)
        assert again.name == 'run'
        np.testing.assert_array_equal(again.train['loss'], run.train['loss'])


def test_the_plotted_series_equal_the_input(tmp_path):
    write_log(tmp_path / 'a' / 't', two_epochs())
    run = read_curves(str(tmp_path / 'a'))
    keys = select_keys([run], ['loss', 'acc/top1'])
    fig = curves_figure([run], keys, smooth=2)
    loss_ax, acc_ax = fig.axes
    raw, mean = loss_ax.lines
    np.testing.assert_array_equal(raw.get_xydata(), run.train['loss'])
    np.testing.assert_allclose(mean.get_ydata(), [4, 3.5, 2.5, 1.5])
    np.testing.assert_array_equal(acc_ax.lines[0].get_xydata(),
                                  [[1, .5], [2, .75]])
    assert loss_ax.get_xlabel() == 'iteration'
    assert acc_ax.get_xlabel() == 'epoch'
    assert loss_ax.get_ylabel() == 'loss'
    assert fig.texts[0].get_text() == 'a'  # the title: the run's name
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[0] == 'a' and 'moving average over 2 logs' in legend


def test_runs_overlaid_and_a_missing_key_left_out(tmp_path):
    write_log(tmp_path / 'a' / 't', two_epochs())
    write_log(tmp_path / 'b' / 't', [
        {**train_entry(1, 1, 5.0), 'loss_extra': 1.0},
        train_entry(2, 1, 4.0)])
    runs = [read_curves(str(tmp_path / n)) for n in 'ab']
    keys = select_keys(runs)
    assert keys == [('train', 'loss'), ('train', 'loss_cls'),
                    ('train', 'loss_extra'), ('val', 'acc/top1'),
                    ('val', 'acc/top5'), ('val', 'acc/mean1')]
    fig = curves_figure(runs, keys, smooth=1)
    assert len(fig.axes[0].lines) == 2  # a and b
    assert len(fig.axes[2].lines) == 1  # only b logged loss_extra
    assert len(fig.axes[3].lines) == 1  # only a validated
    assert fig.texts[0].get_text() == 'a vs b'


def test_learning_rate_is_not_smoothed(tmp_path):
    write_log(tmp_path / 'a' / 't', two_epochs())
    run = read_curves(str(tmp_path / 'a'))
    fig = curves_figure([run], select_keys([run], ['lr']), smooth=3)
    assert len(fig.axes[0].lines) == 1


def test_image_size_follows_the_panel_grid(tmp_path):
    write_log(tmp_path / 'a' / 't', two_epochs())
    run = read_curves(str(tmp_path / 'a'))
    one = draw_curves([run], [('train', 'loss')])
    assert one.dtype == np.uint8 and one.shape == (420, 450, 3)
    six = draw_curves([run], select_keys([run]))  # 2 rows of 3
    assert six.shape == (740, 1350, 3)
    # tab10 blue is there
    flat = six.reshape(-1, 3).astype(int)
    assert (np.abs(flat - (31, 119, 180)).sum(1) < 10).any()


def test_keys_and_patterns(tmp_path):
    write_log(tmp_path / 'a' / 't', two_epochs())
    run = read_curves(str(tmp_path / 'a'))
    assert select_keys([run], ['loss*']) == [('train', 'loss'),
                                             ('train', 'loss_cls')]
    assert select_keys([run], ['acc/*', 'acc/top1']) == [
        ('val', 'acc/top1'), ('val', 'acc/top5'), ('val', 'acc/mean1')]
    # a key of both: the training one
    assert select_keys([run], ['time']) == [('train', 'time')]
    with pytest.raises(ValueError, match=r"no run logged 'pmsp/\*'.*acc/top1"):
        select_keys([run], ['pmsp/*'])


def test_moving_average_known_values():
    np.testing.assert_allclose(moving_average([1, 2, 3, 4], 2),
                               [1, 1.5, 2.5, 3.5])
    np.testing.assert_allclose(moving_average([1, 2, 3, 4], 1), [1, 2, 3, 4])
    np.testing.assert_allclose(moving_average([3, 6], 10), [3, 4.5])
    with pytest.raises(ValueError, match='window'):
        moving_average([1.0], 0)


def test_resumed_run_is_joined_later_start_wins(tmp_path):
    # killed after iteration 3 (checkpoint at epoch 1), resumed from it
    write_log(tmp_path / 'run' / '20260101_000000', [
        train_entry(1, 1, 4.0), train_entry(2, 1, 3.0), val_entry(1, .5),
        train_entry(3, 2, 9.0)])
    write_log(tmp_path / 'run' / '20260101_010000', [
        train_entry(3, 2, 2.0), train_entry(4, 2, 1.0), val_entry(2, .75)])
    assert [osp.basename(osp.dirname(osp.dirname(p))) for p in
            find_scalar_logs(str(tmp_path / 'run'))] == [
                '20260101_000000', '20260101_010000']
    run = read_curves(str(tmp_path / 'run'))
    np.testing.assert_array_equal(run.train['loss'][:, 1], [4, 3, 2, 1])
    np.testing.assert_array_equal(run.val['acc/top1'], [[1, .5], [2, .75]])


def test_a_log_being_written(tmp_path):
    path = write_log(tmp_path / 'a' / 't', two_epochs(), end='\n{"lr": 0.')
    train, val = read_scalar_log(path)
    assert len(train) == 4 and len(val) == 2


@pytest.mark.parametrize('content,message', [
    ('', 'empty'),
    ('\n\n', 'empty'),
    ('{"lr": 0.1, "step": 1, "iter": 1}\nnot json\n', 'line 2 is not JSON'),
    ('[1, 2]\n', 'line 1 is not a JSON object'),
    ('{"acc/top1": 0.5}\n', 'no entry with a "step"'),
])
def test_bad_log_is_an_error_naming_it(tmp_path, content, message):
    path = tmp_path / 'scalars.json'
    path.write_text(content)
    with pytest.raises(ValueError, match=message) as err:
        read_curves(str(path))
    assert str(path) in str(err.value)


def test_missing_paths_are_errors_naming_them(tmp_path):
    with pytest.raises(ValueError, match='no such file') as err:
        read_curves(str(tmp_path / 'nope'))
    assert str(tmp_path / 'nope') in str(err.value)
    with pytest.raises(ValueError, match='no scalars.json'):
        read_curves(str(tmp_path))
    with pytest.raises(ValueError, match='nothing to draw'):
        select_keys([read_curves(write_log(tmp_path / 'a', [
            {'lr': 0.1, 'iter': 1, 'epoch': 1, 'step': 1}]))])


def test_run_names_are_told_apart():
    assert run_names(['/w/sweep/seed0/train', '/w/sweep/seed1/train']) == [
        'seed0/train', 'seed1/train']
    assert run_names(['/w/a', '/w/b']) == ['a', 'b']
    assert run_names(['/w/a', '/w/a']) == ['a (1)', 'a (2)']


def test_real_log_of_a_tiny_training_run():
    run = read_curves(REAL_RUN)
    assert run.name == 'toy_sup'
    assert select_keys([run]) == [
        ('train', 'loss'), ('train', 'loss_cls'), ('val', 'acc/top1'),
        ('val', 'acc/top5'), ('val', 'acc/mean1')]
    np.testing.assert_array_equal(run.train['loss'][:, 0], [1, 2, 3, 4, 5, 6])
    assert run.train['loss'][0, 1] == pytest.approx(2.076066493988037)
    np.testing.assert_array_equal(run.val['acc/top1'][:, 0], [1, 2, 3])
    assert {'lr', 'grad_norm', 'top1_acc', 'data_time', 'time'} <= set(
        run.train)
    assert run.logs_per_epoch == 2
    image = draw_curves([run], select_keys([run]))
    assert image.shape == (740, 1350, 3)
