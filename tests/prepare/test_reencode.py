"""Re-encoding to the paper's format: checked by decoding the outputs."""
import json
import os
import os.path as osp

import av
import numpy as np
import pytest

from mmaction_imr.prepare import reencode as rc
from mmaction_imr.prepare.writer import PAPER_SPEC, EncodeSpec, write_video

H264_B = EncodeSpec(codec='libx264', gop_size=250, max_b_frames=3,
                    options={'preset': 'ultrafast'})
SIZE = (48, 32)  # small output size for the tests


def _frames(n=30, h=48, w=64, seed=0):
    """A moving random texture, [n, h, w, 3] uint8."""
    base = np.random.default_rng(seed).integers(
        0, 255, (h, w + n, 3), dtype=np.uint8)
    return [base[:, t:t + w] for t in range(n)]


def _decode(path):
    """(codec name, fps, [(pict_type, (h, w))])."""
    with av.open(path) as c:
        s = c.streams.video[0]
        frames = [(int(f.pict_type), (f.height, f.width))
                  for f in c.decode(s)]
        return s.codec_context.name, s.average_rate, frames


def _tree(root, n=30):
    os.makedirs(osp.join(root, 'a'))
    os.makedirs(osp.join(root, 'b', 'c'))
    write_video(osp.join(root, 'a', 'x.mp4'), _frames(n), 25, H264_B)
    write_video(osp.join(root, 'b', 'c', 'y.avi'), _frames(n, seed=1), 30)
    return ['a/x.mp4', 'b/c/y.mp4']


def test_parse_size():
    assert rc.parse_size('340x256') == (340, 256)
    assert rc.parse_size(' 64X48 ') == (64, 48)
    assert rc.parse_size('keep') is None
    for bad in ('340', '341x256', '0x2', 'axb'):
        with pytest.raises(ValueError):
            rc.parse_size(bad)


def test_reencode_video_is_paper_format(tmp_path):
    src, dst = str(tmp_path / 'src.mp4'), str(tmp_path / 'out' / 'dst.mp4')
    write_video(src, _frames(30), 25, H264_B)
    codec, _, frames = _decode(src)
    assert codec == 'h264' and 3 in [t for t, _ in frames]  # has B-frames

    assert rc.reencode_video(src, dst, PAPER_SPEC, SIZE) == 30
    codec, fps, frames = _decode(dst)
    assert codec == 'mpeg4'
    assert fps == 25  # frame rate kept
    types = [t for t, _ in frames]
    assert len(types) == 30
    assert [i for i, t in enumerate(types) if t == 1] == [0, 12, 24]
    assert set(types) == {1, 2}  # I and P only: no B
    assert {hw for _, hw in frames} == {(32, 48)}
    assert os.listdir(tmp_path / 'out') == ['dst.mp4']  # no partial left


def test_gop_and_keep_size(tmp_path):
    src, dst = str(tmp_path / 's.mp4'), str(tmp_path / 'd.mkv')
    write_video(src, _frames(20, h=46, w=62), 30)
    rc.reencode_video(src, dst, EncodeSpec(gop_size=5), None)
    _, _, frames = _decode(dst)
    assert [i for i, (t, _) in enumerate(frames) if t == 1] == [0, 5, 10, 15]
    assert frames[0][1] == (46, 62)


def test_check_encoded_known_answers(tmp_path):
    good = str(tmp_path / 'good.mp4')
    write_video(good, _frames(30), 30)
    assert rc.check_encoded(good, PAPER_SPEC, (64, 48), 30) is None
    assert 'size' in rc.check_encoded(good, PAPER_SPEC, (32, 32), 30)
    assert 'frames' in rc.check_encoded(good, PAPER_SPEC, (64, 48), 60)
    assert 'I-frames' in rc.check_encoded(good, EncodeSpec(gop_size=10),
                                          (64, 48), 30)
    h264 = str(tmp_path / 'h264.mp4')
    write_video(h264, _frames(30), 30, H264_B)
    assert 'codec is h264' in rc.check_encoded(h264, PAPER_SPEC, (64, 48))
    bframes = str(tmp_path / 'b.mp4')
    write_video(bframes, _frames(30), 30, EncodeSpec(max_b_frames=2))
    assert 'B-frames' in rc.check_encoded(bframes, PAPER_SPEC, (64, 48), 30)
    empty = tmp_path / 'empty.mp4'
    empty.write_bytes(b'')
    assert 'cannot read' in rc.check_encoded(str(empty), PAPER_SPEC, SIZE)


def test_tree_layout_resume_and_truncation(tmp_path):
    src, dst = str(tmp_path / 'src'), str(tmp_path / 'dst')
    outs = _tree(src)
    s = rc.reencode_tree(src, dst, size=SIZE, workers=2)
    assert (s.encoded, s.skipped, s.failures) == (2, 0, [])
    for rel in outs:  # layout kept, extension changed
        assert _decode(osp.join(dst, rel))[0] == 'mpeg4'
    with open(osp.join(dst, rc.MANIFEST_NAME)) as f:
        assert sorted(json.loads(line)['out'] for line in f) == outs

    # Second run: everything verified from the manifest, nothing opened.
    s = rc.reencode_tree(src, dst, size=SIZE)
    assert (s.encoded, s.skipped) == (0, 2)

    # A truncated output (ours) is re-done; the other stays skipped.
    bad = osp.join(dst, 'a', 'x.mp4')
    data = open(bad, 'rb').read()
    with open(bad, 'wb') as f:
        f.write(data[:len(data) // 2])
    s = rc.reencode_tree(src, dst, size=SIZE)
    assert (s.encoded, s.skipped, s.failures) == (1, 1, [])
    assert rc.check_encoded(bad, PAPER_SPEC, SIZE, 30) is None

    # Other parameters: our old outputs no longer pass and are re-done.
    s = rc.reencode_tree(src, dst, size=(32, 24))
    assert (s.encoded, s.skipped) == (2, 0)


def test_bad_sources_reported_others_succeed(tmp_path):
    src, dst = str(tmp_path / 'src'), str(tmp_path / 'dst')
    _tree(src)
    (tmp_path / 'src' / 'a' / 'empty.mp4').write_bytes(b'')
    (tmp_path / 'src' / 'junk.avi').write_bytes(b'not a video' * 50)
    (tmp_path / 'src' / 'notes.txt').write_text('ignored: not a video name')
    s = rc.reencode_tree(src, dst, size=SIZE)
    assert s.encoded == 2
    assert [f for f, _ in s.failures] == ['a/empty.mp4', 'junk.avi']
    assert all('cannot read' in reason for _, reason in s.failures)
    assert not osp.exists(osp.join(dst, 'junk.mp4'))
    assert not osp.exists(osp.join(dst, 'notes.txt'))


def test_foreign_invalid_output_needs_flag(tmp_path):
    src, dst = str(tmp_path / 'src'), str(tmp_path / 'dst')
    _tree(src)
    os.makedirs(osp.join(dst, 'a'))
    with open(osp.join(dst, 'a', 'x.mp4'), 'wb') as f:
        f.write(b'the user\'s own file')
    s = rc.reencode_tree(src, dst, size=SIZE)
    assert s.encoded == 1 and len(s.failures) == 1
    assert s.failures[0][0] == 'a/x.mp4'
    assert '--overwrite-invalid' in s.failures[0][1]
    s = rc.reencode_tree(src, dst, size=SIZE, overwrite_invalid=True)
    assert (s.encoded, s.skipped, s.failures) == (1, 1, [])


def test_valid_output_without_manifest_is_verified(tmp_path):
    src, dst = str(tmp_path / 'src'), str(tmp_path / 'dst')
    _tree(src)
    rc.reencode_tree(src, dst, size=SIZE)
    os.remove(osp.join(dst, rc.MANIFEST_NAME))
    s = rc.reencode_tree(src, dst, size=SIZE)
    assert (s.encoded, s.verified, s.skipped) == (0, 2, 0)


def test_refuses_overlapping_dirs_and_cleans_partials(tmp_path):
    src = str(tmp_path / 'src')
    _tree(src)
    with pytest.raises(ValueError, match='destination is the source'):
        rc.plan_reencode(src, src)
    with pytest.raises(ValueError, match='destination is the source'):
        rc.plan_reencode(src, str(tmp_path))  # DST contains SRC
    with pytest.raises(ValueError, match='not a directory'):
        rc.plan_reencode(str(tmp_path / 'nope'), str(tmp_path / 'd'))
    with pytest.raises(ValueError, match='ext'):
        rc.plan_reencode(src, str(tmp_path / 'd'), ext='gif')

    # DST inside SRC is fine and is not scanned as a source.
    inner = osp.join(src, 'reencoded')
    os.makedirs(osp.join(inner, 'a'))
    stale = osp.join(inner, 'a', '.x.mp4.partial-999999999.mp4')
    open(stale, 'wb').close()
    s = rc.reencode_tree(src, inner, size=SIZE)
    assert (s.encoded, s.failures) == (2, [])
    assert not osp.exists(stale)  # left by a dead process: removed
    assert rc.plan_reencode(src, inner, size=SIZE).jobs == []


def test_changed_source_is_redone(tmp_path):
    src, dst = str(tmp_path / 'src'), str(tmp_path / 'dst')
    _tree(src)
    rc.reencode_tree(src, dst, size=SIZE)
    write_video(osp.join(src, 'a', 'x.mp4'), _frames(40), 25, H264_B)
    s = rc.reencode_tree(src, dst, size=SIZE)
    assert (s.encoded, s.skipped) == (1, 1)
    assert len(_decode(osp.join(dst, 'a', 'x.mp4'))[2]) == 40


def test_output_collision_reported(tmp_path):
    src = tmp_path / 'src'
    src.mkdir()
    write_video(str(src / 'v.avi'), _frames(12), 30)
    write_video(str(src / 'v.mkv'), _frames(12), 30)
    s = rc.reencode_tree(str(src), str(tmp_path / 'dst'), size=SIZE)
    assert s.encoded == 1
    assert s.failures == [('v.mkv', 'same output v.mp4 as v.avi')]


def test_keep_size_resume(tmp_path):
    src, dst = str(tmp_path / 'src'), str(tmp_path / 'dst')
    _tree(src)
    assert rc.reencode_tree(src, dst, size=None).encoded == 2
    os.remove(osp.join(dst, rc.MANIFEST_NAME))
    s = rc.reencode_tree(src, dst, size=None)
    assert (s.verified, s.failures) == (2, [])
    assert _decode(osp.join(dst, 'a', 'x.mp4'))[2][0][1] == (48, 64)


def test_interrupted_run_leaves_nothing_half_done(tmp_path):
    src, dst = str(tmp_path / 'src'), str(tmp_path / 'dst')
    _tree(src, n=60)
    for i in range(4):
        write_video(osp.join(src, f'z{i}.mp4'), _frames(60, seed=i), 30)
    plan = rc.plan_reencode(src, dst, size=SIZE)
    results = rc.run_reencode(plan, workers=2)
    next(results)
    results.close()  # what Ctrl-C does: the workers are terminated
    for dirpath, _, names in os.walk(dst):
        for name in names:
            if not name.startswith('.'):  # anything that looks finished
                path = osp.join(dirpath, name)
                assert rc.check_encoded(path, PAPER_SPEC, SIZE, 60) is None
    s = rc.reencode_tree(src, dst, size=SIZE)
    assert s.failures == [] and s.encoded + s.verified + s.skipped == 6
    assert sorted(n for n in os.listdir(dst) if n.startswith('.')) == [
        rc.MANIFEST_NAME]


def test_inspect_encoded_uses_the_codec_scan(tmp_path):
    from mmaction_imr.codec import scan_packets
    path = str(tmp_path / 'b.mp4')
    write_video(path, _frames(30), 30, EncodeSpec(max_b_frames=2))
    info = rc.inspect_encoded(path)
    scan = scan_packets(path)
    assert info.keyframes == np.flatnonzero(scan.keyframes).tolist()
    assert (info.codec, info.frames, info.reordered) == ('mpeg4', 30, True)
    # A raw stream has no timestamps: B-frames are told by picture type.
    for bf in (0, 2):
        raw = str(tmp_path / f'raw{bf}.h264')
        write_video(raw, _frames(30), 30, EncodeSpec(
            codec='libx264', gop_size=12, max_b_frames=bf,
            options={'preset': 'ultrafast' if bf == 0 else 'fast'}))
        assert scan_packets(raw).pts is None
        assert rc.inspect_encoded(raw).reordered == bool(bf)
    missing = str(tmp_path / 'missing.mp4')
    with pytest.raises(rc.ReencodeError, match='cannot read: no such file'):
        rc.inspect_encoded(missing)
