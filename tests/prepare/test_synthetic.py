"""The synthetic data set on disk: layout, determinism, resume, conflicts,
content hashes."""
import hashlib
import itertools
import json
import os
import os.path as osp

import av
import numpy as np
import pytest

from mmaction_imr.prepare import synthetic as syn
from mmaction_imr.prepare.filelist import read_list

TINY = dict(per_class=(2, 1, 1), size=(64, 48), frames=24)


def _decode(path):
    with av.open(path) as c:
        return np.stack([f.to_ndarray(format='rgb24') for f in c.decode(
            video=0)])


def test_params_validation():
    p = syn.synthetic_params()
    assert p['per_class'] == dict(train=24, val=8, unlabelled=16)
    assert p['size'] == [128, 96] and p['codec'] == 'mpeg4'
    for bad in (dict(per_class=(1, 1)), dict(per_class=(0, 0, 0)),
                dict(size=(65, 48)), dict(size=(16, 16)), dict(frames=1)):
        with pytest.raises(syn.SyntheticError):
            syn.synthetic_params(**bad)


def _make(out, **kw):
    params = syn.synthetic_params(**{**TINY, **kw.pop('params', {})})
    return syn.make_synthetic(str(out), params, **kw)


def test_make_synthetic_layout_determinism_balance(tmp_path):
    a, b, c = tmp_path / 'a', tmp_path / 'b', tmp_path / 'c'
    report = _make(a, workers=2)
    assert report.generated and report.written == report.total == 8 * 4
    assert _make(b, workers=1).sha256 == report.sha256
    assert _make(c, params=dict(seed=1), workers=1).sha256 != report.sha256
    names = ['train.txt', 'val.txt', 'unlabelled.txt', 'classes.txt']
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes()
    assert (a / 'classes.txt').read_text().split() == list(syn.CLASSES)
    rel = 'rotate_cw/train_0001.mp4'
    assert np.array_equal(_decode(str(a / 'videos' / rel)),
                          _decode(str(b / 'videos' / rel)))
    assert not np.array_equal(_decode(str(a / 'videos' / rel)),
                              _decode(str(c / 'videos' / rel)))

    train, val = read_list(str(a / 'train.txt')), read_list(str(a / 'val.txt'))
    unl = read_list(str(a / 'unlabelled.txt'))
    assert sorted(lab for _, lab in train) == sorted(list(range(8)) * 2)
    assert sorted(lab for _, lab in val) == list(range(8))
    assert {lab for _, lab in unl} == {-1} and len(unl) == 8
    paths = [p for p, _ in train + val + unl]
    assert len(set(paths)) == len(paths)  # disjoint
    for p, lab in train + val:
        assert p.split('/')[0] == syn.CLASSES[lab]
    assert all(osp.isfile(a / 'videos' / p) for p in paths)
    assert sum(len(f) for _, _, f in os.walk(a / 'videos')) == 32
    with av.open(str(a / 'videos' / paths[0])) as cont:
        s = cont.streams.video[0]
        assert s.codec_context.name == 'mpeg4' and s.frames == 24
        assert (s.width, s.height) == (64, 48)
    manifest = json.loads((a / 'manifest.json').read_text())
    assert manifest['complete'] and manifest['num_videos'] == 32


def test_idempotent_resume_and_conflicts(tmp_path):
    out = tmp_path / 'syn'
    params = syn.synthetic_params(**TINY)
    plan = syn.plan_synthetic(str(out), params)
    # Interrupted after 5 clips: the next run writes only the rest.
    list(itertools.islice(syn.run_synthetic(plan), 5))
    assert not syn.check_complete(str(out), params)
    plan = syn.plan_synthetic(str(out), params)
    assert len(plan.todo) == 32 - 5 and not plan.complete
    report = syn.make_synthetic(str(out), params)
    assert report.generated and report.written == 27
    assert syn.check_complete(str(out), params)

    again = syn.make_synthetic(str(out), params)
    assert (again.generated, again.written) == (False, 0)
    assert again.sha256 == report.sha256 and again.seconds < 1

    other = syn.synthetic_params(**{**TINY, 'frames': 12})
    with pytest.raises(syn.SyntheticError, match='other parameters'):
        syn.make_synthetic(str(out), other)
    report = syn.make_synthetic(str(out), other, overwrite=True)
    assert report.generated and report.written == 32
    assert syn.check_complete(str(out), other)
    # A set of an older generator version is named as such.
    path = out / syn.MANIFEST_NAME
    manifest = json.loads(path.read_text())
    manifest['params']['version'] -= 1
    path.write_text(json.dumps(manifest))
    with pytest.raises(syn.SyntheticError, match=(
            f'generator version {syn.GENERATOR_VERSION - 1} .this is '
            f'version {syn.GENERATOR_VERSION}')):
        syn.make_synthetic(str(out), other)
    manifest['params']['version'] += 1
    path.write_text(json.dumps(manifest))
    # A deleted clip makes the set incomplete again.
    os.remove(out / 'videos' / 'zoom_in' / 'val_0000.mp4')
    assert syn.make_synthetic(str(out), other).written == 1

    foreign = tmp_path / 'foreign'
    (foreign / 'videos').mkdir(parents=True)
    (foreign / 'videos' / 'mine.mp4').write_bytes(b'')
    with pytest.raises(syn.SyntheticError, match='did not write'):
        syn.make_synthetic(str(foreign), params)


def test_manifest_records_content_hashes(tmp_path):
    out = tmp_path / 'syn'
    report = _make(out, params=dict(per_class=(1, 0, 0), frames=12))
    manifest = json.loads((out / syn.MANIFEST_NAME).read_text())
    files = manifest['files']
    assert len(files) == 8 + 4 and 'videos/move_up/train_0000.mp4' in files
    for rel, digest in files.items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == digest
    # The set's hash is `sha256sum <files> | sha256sum`, in sorted order.
    listing = ''.join(f'{files[r]}  {r}\n' for r in sorted(files))
    assert manifest['sha256'] == report.sha256 == hashlib.sha256(
        listing.encode()).hexdigest()
    assert syn.verify_synthetic(str(out)) is None


def test_changed_file_is_reported_by_name(tmp_path):
    out = tmp_path / 'syn'
    params = dict(per_class=(1, 0, 0), frames=12)
    first = _make(out, params=params)
    # Same size and name, other bytes: only the hash can tell.
    video = out / 'videos' / 'rotate_cw' / 'train_0000.mp4'
    data = bytearray(video.read_bytes())
    data[-1] ^= 0xFF
    video.write_bytes(bytes(data))
    (out / 'val.txt').write_text('move_up/train_0000.mp4 3\n')
    # The first differing file in sorted order is named.
    with pytest.raises(syn.SyntheticError,
                       match='changed since it was generated: val.txt'):
        _make(out, params=params)
    (out / 'val.txt').write_text('')
    with pytest.raises(syn.SyntheticError,
                       match='videos/rotate_cw/train_0000.mp4 differs'):
        _make(out, params=params)
    report = _make(out, params=params, overwrite=True)
    assert report.generated and report.sha256 == first.sha256


def test_set_without_hashes_gets_them(tmp_path):
    """A complete set from before hashes were recorded is accepted once
    and hashed, so later changes are caught."""
    out = tmp_path / 'syn'
    first = _make(out, params=dict(per_class=(1, 0, 0), frames=12))
    path = out / syn.MANIFEST_NAME
    manifest = json.loads(path.read_text())
    del manifest['files'], manifest['sha256']
    path.write_text(json.dumps(manifest))
    with pytest.raises(syn.SyntheticError, match='no content hashes'):
        syn.verify_synthetic(str(out))
    again = _make(out, params=dict(per_class=(1, 0, 0), frames=12))
    assert not again.generated and again.sha256 == first.sha256
    assert json.loads(path.read_text())['sha256'] == first.sha256


def test_progress_wrapper_sees_every_clip(tmp_path):
    seen = []

    def progress(items, total, description):
        seen.append((total, description))
        for item in items:
            seen.append(item)
            yield item

    report = _make(tmp_path / 'syn', params=dict(per_class=(1, 0, 0),
                                                 frames=12),
                   progress=progress)
    assert seen[0] == (8, 'synthetic: 8 of 8 clips')
    assert sorted(seen[1:]) == sorted(
        syn.video_relpath(label, 'train', 0) for label in range(8))
    assert report.written == 8
