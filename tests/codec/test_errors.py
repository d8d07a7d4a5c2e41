"""Every kind of unusable video raises CompressedVideoError naming it."""
import pickle
import wave

import numpy as np
import pytest

from mmaction_imr.codec import CompressedVideoError, index_gops, read_clip
from mmaction_imr.prepare.writer import EncodeSpec, write_video


def frames(n, h=32, w=48):
    rng = np.random.default_rng(0)
    base = rng.integers(0, 256, (h, w + n, 3), dtype=np.uint8)
    return [base[:, t:t + w] for t in range(n)]


def assert_raises_naming(path, match, virtual_gop=None):
    with pytest.raises(CompressedVideoError, match=match) as info:
        index = index_gops(path, virtual_gop)
        read_clip(path, [0], index=index)
    assert info.value.filename == str(path)
    assert str(info.value).startswith(f'{path}: ')
    return info.value


def test_message_and_pickle():
    err = CompressedVideoError('a/b.mp4', 'empty file (0 bytes)')
    assert str(err) == 'a/b.mp4: empty file (0 bytes)'
    back = pickle.loads(pickle.dumps(err))
    assert (back.filename, back.reason) == ('a/b.mp4', 'empty file (0 bytes)')


def test_missing_file(tmp_path):
    assert_raises_naming(tmp_path / 'nope.mp4', 'no such file')


def test_empty_file(tmp_path):
    path = tmp_path / 'empty.mp4'
    path.write_bytes(b'')
    assert_raises_naming(path, 'empty file')


def test_garbage_file(tmp_path):
    path = tmp_path / 'garbage.mp4'
    path.write_bytes(np.random.default_rng(0).bytes(5000))
    assert_raises_naming(path, 'cannot open')


def test_truncated_file(tmp_path):
    good = tmp_path / 'good.mp4'
    write_video(str(good), frames(30))
    data = good.read_bytes()
    path = tmp_path / 'cut.mp4'
    path.write_bytes(data[:len(data) // 2])  # MP4 index (moov) is lost
    assert_raises_naming(path, 'cannot open')


def test_truncated_real_file(tmp_path, testdata_dir):
    # This one has its index first: the header promises more frames.
    src = f'{testdata_dir}/h264_340x256_test.mp4'
    path = tmp_path / 'cut.mp4'
    with open(src, 'rb') as f:
        path.write_bytes(f.read(600_000))
    assert_raises_naming(path, 'truncated', 'auto')


def test_no_video_stream(tmp_path):
    path = tmp_path / 'audio.wav'
    with wave.open(str(path), 'wb') as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b'\x00\x00' * 800)
    assert_raises_naming(path, 'no video stream')


def test_all_intra(tmp_path):
    path = tmp_path / 'intra.mp4'
    write_video(str(path), frames(10), spec=EncodeSpec(gop_size=1))
    assert_raises_naming(path, 'all-intra')


def test_codec_without_motion_vectors(tmp_path):
    # VP8 has P-frames, but FFmpeg exports no vectors for it.
    path = tmp_path / 'vp8.webm'
    write_video(str(path), frames(14), spec=EncodeSpec(
        codec='libvpx', gop_size=12, qscale=None))
    assert_raises_naming(path, 'no motion vectors', 12)


@pytest.mark.parametrize('n,virtual_gop,match', [
    (5, 12, 'fewer than one GOP of 12'),
    (5, 'auto', 'fewer than one GOP of 12'),  # one GOP: virtual, K=12
])
def test_fewer_frames_than_a_gop(tmp_path, n, virtual_gop, match):
    path = tmp_path / 'short.mp4'
    write_video(str(path), frames(n))
    assert_raises_naming(path, match, virtual_gop)


def test_single_frame(tmp_path):
    path = tmp_path / 'one.mp4'
    write_video(str(path), frames(1))
    assert_raises_naming(path, 'fewer than one GOP')


def test_read_clip_indexes_itself(tmp_path):
    path = tmp_path / 'x.mp4'
    write_video(str(path), frames(13))
    assert read_clip(str(path), [0]).motion_vectors.shape == (5, 32, 48, 2)
