"""Tests of mmaction_imr/visualization/names.py: picture and class names."""
import pytest

from mmaction_imr.visualization.names import (class_name, safe_name,
                                              unique_names, video_title)


@pytest.mark.parametrize('text,name', [
    ('v_ApplyEyeMakeup_g08_c01', 'v_ApplyEyeMakeup_g08_c01'),
    ('arm wrestling (1)', 'arm_wrestling_1_'), ('../../etc/passwd',
                                                '_.._etc_passwd'),
    ('.hidden', 'hidden'), ('-rf', 'rf'), ('', '_'), ('ünï', '_n_')])
def test_safe_name(text, name):
    assert safe_name(text) == name
    assert len(safe_name('x' * 500)) == 120


def test_unique_names_stems_then_folders():
    files = ['data/videos/move_left/val_0000.mp4',
             'data/videos/move_right/val_0000.mp4',
             'data/videos/move_right/val_0001.mp4',
             'data/videos/move_left/val_0000.mp4']  # listed twice
    assert unique_names(files) == {
        files[0]: 'move_left_val_0000', files[1]: 'move_right_val_0000',
        files[2]: 'val_0001'}
    # the same in any order (stable), names all distinct
    assert unique_names(reversed(files)) == unique_names(files)
    # folders that cannot tell two files apart: numbered, in sorted order
    twins = ['a/x.mp4', 'a/x.avi', 'b y/c.mp4', 'b_y/c.mp4']
    names = unique_names(twins)
    assert len(set(names.values())) == 4
    assert names['a/x.avi'] == 'a_x' and names['a/x.mp4'] == 'a_x_2'
    assert names['b y/c.mp4'] == 'b_y_c' and names['b_y/c.mp4'] == 'b_y_c_2'


def test_video_title_and_class_name():
    assert video_title('data/v/move_left/a.mp4', 'data/v') == 'move_left/a.mp4'
    assert video_title('data/v/move_left/a.mp4', 'data/v/') == \
        'move_left/a.mp4'
    assert video_title('/other/a.mp4', 'data/v') == 'a.mp4'
    assert video_title('data/vid/a.mp4', 'data/v') == 'a.mp4'
    assert class_name(1, ['run', 'jump']) == 'jump'
    assert class_name(2, ['run', 'jump']) == '2'  # no name: the index
    assert class_name(0) == '0' and class_name(-1, ['run']) == '-1'
