"""Annotation lists: folder trees and the official UCF101/HMDB51 splits."""
import os

import pytest

from mmaction_imr.prepare import filelist as fl


def _touch(root, *rels):
    for rel in rels:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b'')


def test_format_line_and_roundtrip(tmp_path):
    assert fl.format_line('a/b.mp4', 3) == 'a/b.mp4 3'
    with pytest.raises(fl.FileListError, match='whitespace'):
        fl.format_line('arm wrestling/x.mp4', 0)
    path = str(tmp_path / 'sub' / 'l.txt')
    assert fl.write_list(path, [('a/x.mp4', 0), ('b/y.mp4', -1)]) == 2
    assert open(path).read() == 'a/x.mp4 0\nb/y.mp4 -1\n'
    assert fl.read_list(path) == [('a/x.mp4', 0), ('b/y.mp4', -1)]
    fl.write_classes(str(tmp_path / 'c.txt'), ['x', 'y'])
    assert fl.read_classes(str(tmp_path / 'c.txt')) == ['x', 'y']
    (tmp_path / 'ind.txt').write_text('1 x\r\n2 y\r\n')
    assert fl.read_classes(str(tmp_path / 'ind.txt')) == ['x', 'y']


def test_classes_beside_the_list(tmp_path):
    (tmp_path / 'val.txt').write_text('a/x.mp4 0\n')
    assert fl.classes_beside(str(tmp_path / 'val.txt')) is None
    assert fl.classes_beside(None) is None and fl.classes_beside('') is None
    fl.write_classes(str(tmp_path / 'classes.txt'), ['run', 'jump'])
    assert fl.classes_beside(str(tmp_path / 'val.txt')) == ['run', 'jump']


def test_scan_class_folders(tmp_path):
    _touch(tmp_path, 'zumba/b.mp4', 'zumba/a.MP4', 'abseiling/k/c.avi',
           'abseiling/.hidden.mp4', 'abseiling/notes.txt', 'empty_cls/.keep')
    (tmp_path / 'top.mp4').write_bytes(b'')  # not in a class folder
    items, classes = fl.scan_class_folders(str(tmp_path))
    assert classes == ['abseiling', 'empty_cls', 'zumba']  # sorted
    assert items == [('abseiling/k/c.avi', 0), ('zumba/a.MP4', 2),
                     ('zumba/b.mp4', 2)]
    # A fixed class order (e.g. the train set's classes.txt).
    items, _ = fl.scan_class_folders(
        str(tmp_path), ['zumba', 'abseiling', 'empty_cls', 'other'])
    assert items[0] == ('abseiling/k/c.avi', 1)
    with pytest.raises(fl.FileListError, match='not in the class list'):
        fl.scan_class_folders(str(tmp_path), ['zumba'])
    with pytest.raises(fl.FileListError, match='not a directory'):
        fl.scan_class_folders(str(tmp_path / 'nope'))
    _touch(tmp_path / 'none', 'cls/readme.txt')
    with pytest.raises(fl.FileListError, match='no video'):
        fl.scan_class_folders(str(tmp_path / 'none'))


def test_split_per_class():
    items = [(f'c{c}/{i}.mp4', c) for c in range(3) for i in range(10)]
    items.append(('c3/only.mp4', 3))
    train, val = fl.split_per_class(items, 0.8, seed=1)
    for c in range(3):
        assert sum(lab == c for _, lab in train) == 8
        assert sum(lab == c for _, lab in val) == 2
    assert ('c3/only.mp4', 3) in train
    assert sorted(train + val) == sorted(items)
    assert (train, val) == fl.split_per_class(items, 0.8, seed=1)
    assert (train, val) != fl.split_per_class(items, 0.8, seed=2)
    with pytest.raises(ValueError):
        fl.split_per_class(items, 1.0)


@pytest.fixture
def ucf(tmp_path):
    """A fake UCF101: 3 classes, official file formats (CRLF endings)."""
    ann = tmp_path / 'ucfTrainTestlist'
    ann.mkdir()
    classes = ['ApplyEyeMakeup', 'Basketball', 'HandstandPushups']
    (ann / 'classInd.txt').write_bytes(''.join(
        f'{i + 1} {c}\r\n' for i, c in enumerate(classes)).encode())
    videos = {
        'ApplyEyeMakeup': ['v_ApplyEyeMakeup_g01_c01',
                           'v_ApplyEyeMakeup_g08_c01'],
        'Basketball': ['v_Basketball_g01_c01', 'v_Basketball_g08_c02'],
        'HandstandPushups': ['v_HandStandPushups_g01_c01',
                             'v_HandStandPushups_g08_c01'],
    }
    for s in (1, 2, 3):
        train, test = [], []
        for i, c in enumerate(classes):
            g01, g08 = videos[c]
            # split s tests on group 01 for s == 1, on group 08 otherwise
            te, tr = (g01, g08) if s == 1 else (g08, g01)
            train.append(f'{c}/{tr}.avi {i + 1}\r\n')
            test.append(f'{c}/{te}.avi\r\n')
        (ann / f'trainlist0{s}.txt').write_bytes(''.join(train).encode())
        (ann / f'testlist0{s}.txt').write_bytes(''.join(test).encode())
    root = tmp_path / 'videos'
    for c, names in videos.items():
        _touch(root, *[f'{c}/{n}.avi' for n in names])
    return ann, root


def test_ucf101_splits(ucf, tmp_path):
    ann, root = ucf
    classes, splits = fl.parse_ucf101_splits(str(ann))
    assert classes == ['ApplyEyeMakeup', 'Basketball', 'HandstandPushups']
    assert splits[1][0][0] == ('ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi',
                               0)
    out = tmp_path / 'lists'
    report = fl.write_split_lists('ucf101', classes, splits, str(root),
                                  str(out))
    assert report['missing'] == []
    assert sorted(os.listdir(out)) == ['classes.txt'] + sorted(
        f'ucf101_{s}_split_{i}_videos.txt' for i in (1, 2, 3)
        for s in ('train', 'val'))
    assert (out / 'ucf101_val_split_1_videos.txt').read_text() == (
        'ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi 0\n'
        'Basketball/v_Basketball_g01_c01.avi 1\n'
        'HandstandPushups/v_HandStandPushups_g01_c01.avi 2\n')
    assert (out / 'ucf101_train_split_2_videos.txt').read_text() == (
        'ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi 0\n'
        'Basketball/v_Basketball_g01_c01.avi 1\n'
        'HandstandPushups/v_HandStandPushups_g01_c01.avi 2\n')
    assert (out / 'classes.txt').read_text().split() == classes


def test_ucf101_ext_case_and_missing(ucf, tmp_path):
    ann, root = ucf
    classes, splits = fl.parse_ucf101_splits(str(ann), [1])
    # Re-encoded tree: .mp4 files, one with other letter case on disk.
    mp4 = tmp_path / 'mp4'
    _touch(mp4, 'ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.mp4',
           'ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.mp4',
           'Basketball/v_Basketball_g01_c01.mp4',
           'Basketball/v_Basketball_g08_c02.mp4',
           'HandstandPushups/v_handstandpushups_g01_c01.mp4')
    with pytest.raises(fl.FileListError, match='1 listed video'):
        fl.write_split_lists('ucf101', classes, splits, str(mp4),
                             str(tmp_path / 'o'))
    assert not (tmp_path / 'o').exists()  # nothing written
    report = fl.write_split_lists('ucf101', classes, splits, str(mp4),
                                  str(tmp_path / 'o'), allow_missing=True)
    assert report['missing'] == [
        'HandstandPushups/v_HandStandPushups_g08_c01.avi']
    assert (tmp_path / 'o' / 'ucf101_val_split_1_videos.txt').read_text(
    ).splitlines()[2] == (
        'HandstandPushups/v_handstandpushups_g01_c01.mp4 2')
    # Lists for the re-encoded names, built from the original .avi tree.
    fl.write_split_lists('ucf101', classes, splits, str(root),
                         str(tmp_path / 'e'), ext='mp4')
    lines = (tmp_path / 'e' / 'ucf101_train_split_1_videos.txt').read_text()
    assert lines.startswith('ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.mp4 0')
    with pytest.raises(fl.FileListError, match='wrong VIDEO_ROOT'):
        fl.write_split_lists('ucf101', classes, splits, str(ann),
                             str(tmp_path / 'x'))


def test_ucf101_bad_files(ucf):
    ann, _ = ucf
    (ann / 'trainlist02.txt').write_text('Basketball/v_x.avi 1\n')
    with pytest.raises(fl.FileListError, match='contradicts classInd'):
        fl.parse_ucf101_splits(str(ann))
    (ann / 'trainlist02.txt').write_text('Nope/v_x.avi 1\n')
    with pytest.raises(fl.FileListError, match='trainlist02.txt:1'):
        fl.parse_ucf101_splits(str(ann))
    os.remove(ann / 'testlist03.txt')
    with pytest.raises(fl.FileListError, match='testlist03.txt'):
        fl.parse_ucf101_splits(str(ann), [3])


@pytest.fixture
def hmdb(tmp_path):
    """A fake HMDB51: 2 classes x 3 split files, official line format."""
    ann = tmp_path / 'testTrainMulti_7030_splits'
    ann.mkdir()
    # Real names from the official files (odd characters included).
    vids = {
        'brush_hair': [
            'April_09_brush_hair_u_nm_np1_ba_goo_0.avi',
            'Aussie_Brush_Hair_brush_hair_h_nm_np1_le_goo_0.avi',
            'Blonde_being_brushed_brush_hair_f_nm_np2_ri_med_0.avi'
        ],
        'cartwheel': [
            '(Rad)Schlag_die_Bank!_cartwheel_f_cm_np1_le_med_0.avi',
            'Acrobacias_de_un_fenomeno_cartwheel_f_cm_np1_ba_bad_8.avi',
            'Bodenturnen_2004_cartwheel_f_cm_np1_le_med_0.avi'
        ]
    }
    marks = {1: '120', 2: '210', 3: '012'}
    for c, names in vids.items():
        for s, m in marks.items():
            (ann / f'{c}_test_split{s}.txt').write_text(''.join(
                f'{n} {k} \n' for n, k in zip(names, m)))
    root = tmp_path / 'videos'
    for c, names in vids.items():
        _touch(root, *[f'{c}/{n}' for n in names])
    return ann, root, vids


def test_hmdb51_splits(hmdb, tmp_path):
    ann, root, vids = hmdb
    classes, splits = fl.parse_hmdb51_splits(str(ann))
    assert classes == ['brush_hair', 'cartwheel']
    train, test = splits[1]
    assert train == [(f'brush_hair/{vids["brush_hair"][0]}', 0),
                     (f'cartwheel/{vids["cartwheel"][0]}', 1)]
    assert test == [(f'brush_hair/{vids["brush_hair"][1]}', 0),
                    (f'cartwheel/{vids["cartwheel"][1]}', 1)]
    out = tmp_path / 'out'
    fl.write_split_lists('hmdb51', classes, splits, str(root), str(out),
                         ext='mp4')
    assert (out / 'hmdb51_train_split_3_videos.txt').read_text() == (
        f'brush_hair/{vids["brush_hair"][1][:-4]}.mp4 0\n'
        f'cartwheel/{vids["cartwheel"][1][:-4]}.mp4 1\n')
    assert (out / 'hmdb51_val_split_3_videos.txt').read_text() == (
        f'brush_hair/{vids["brush_hair"][2][:-4]}.mp4 0\n'
        f'cartwheel/{vids["cartwheel"][2][:-4]}.mp4 1\n')


def test_hmdb51_bad_files(hmdb, tmp_path):
    ann, _, _ = hmdb
    with pytest.raises(fl.FileListError, match='no "<class>_test_split'):
        fl.parse_hmdb51_splits(str(tmp_path / 'videos'))
    (ann / 'cartwheel_test_split2.txt').write_text('x.avi 7\n')
    with pytest.raises(fl.FileListError, match=r'0\|1\|2'):
        fl.parse_hmdb51_splits(str(ann))
    os.remove(ann / 'cartwheel_test_split2.txt')
    with pytest.raises(fl.FileListError, match='split2.txt is missing'):
        fl.parse_hmdb51_splits(str(ann))
    assert fl.parse_hmdb51_splits(str(ann), [1, 3])[0] == [
        'brush_hair', 'cartwheel']
