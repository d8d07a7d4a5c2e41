"""Every kind of unusable video raises CompressedVideoError naming it."""
import dataclasses
import logging
import os
import pickle
import wave

import numpy as np
import pytest

from mmaction_imr.codec import (MAX_PIXELS, CompressedVideoError,
                                describe_error, index_gops, read_clip)
from mmaction_imr.codec import reader as reader_module
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


def test_truncated_real_file(truncated_real_file):
    assert_raises_naming(truncated_real_file, 'truncated', 'auto')


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
    assert_raises_naming(path, ': 1 frame, fewer than one GOP with a P-frame')
    assert_raises_naming(path, ': 1 frame, fewer than one GOP of 12', 12)


def test_read_clip_indexes_itself(tmp_path):
    path = tmp_path / 'x.mp4'
    write_video(str(path), frames(13))
    assert read_clip(str(path), [0]).motion_vectors.shape == (5, 32, 48, 2)


def test_describe_error():
    assert describe_error(ValueError('bad size')) == 'ValueError: bad size'
    assert describe_error(KeyError()) == 'KeyError: no message'
    err = OSError(2, 'No such file or directory', 'x.mp4')
    assert describe_error(err) == ('FileNotFoundError: No such file or '
                                   'directory')


def test_directory_is_not_a_missing_file(tmp_path):
    folder = tmp_path / 'clip.mp4'
    folder.mkdir()
    assert_raises_naming(folder, 'is a directory')


@pytest.mark.skipif(not hasattr(os, 'mkfifo'), reason='no FIFOs here')
def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / 'pipe.mp4'
    os.mkfifo(fifo)  # opening it would wait for a writer forever
    assert_raises_naming(fifo, 'is a FIFO')


def _with_tag(tmp_path, ext):
    """A valid video whose title tag gets bytes that are not UTF-8."""
    import av
    path = tmp_path / f'tag.{ext}'
    with av.open(str(path), 'w') as out:
        out.metadata['title'] = 'QQQQQQQQ'
        stream = out.add_stream('mpeg4', rate=25)
        stream.width, stream.height = 48, 32
        stream.codec_context.gop_size = 12
        for f in frames(14):
            out.mux(stream.encode(av.VideoFrame.from_ndarray(
                np.ascontiguousarray(f), format='rgb24')))
        out.mux(stream.encode())
    data = path.read_bytes()
    assert data.count(b'QQQQQQQQ') == 1
    path.write_bytes(data.replace(b'QQQQQQQQ', b'\xff\xfe\xfa\xc3QQQQ'))
    return path


@pytest.mark.parametrize('ext', ['mp4', 'mkv', 'avi'])
def test_metadata_that_is_not_utf8_is_ignored(tmp_path, ext):
    # PyAV decodes tags strictly by default: UnicodeDecodeError in av.open.
    path = _with_tag(tmp_path, ext)
    index = index_gops(str(path))
    assert read_clip(str(path), [0], index=index).imgs.shape == (1, 32, 48, 3)


def test_stream_without_decoder(tmp_path):
    # An AVI whose FourCC names no codec: PyAV's codec_context is None.
    good = tmp_path / 'good.avi'
    write_video(str(good), frames(14))
    data = good.read_bytes()
    assert data.count(b'FMP4') == 2  # stream header and bitmap header
    path = tmp_path / 'unknown.avi'
    path.write_bytes(data.replace(b'FMP4', b'ZZZ9'))
    assert_raises_naming(path, 'the video stream has no decoder')


def test_any_error_while_decoding_is_wrapped(tmp_path, monkeypatch):
    path = tmp_path / 'x.mp4'
    write_video(str(path), frames(13))
    index = index_gops(str(path))

    def broken(*args, **kwargs):
        raise IndexError('index 25 is out of bounds')

    monkeypatch.setattr(reader_module, 'parse_motion_vectors', broken)
    with pytest.raises(CompressedVideoError,
                       match=r'decoding failed \(IndexError: index 25'):
        read_clip(str(path), [0], index=index)


def test_two_video_streams_use_the_first_and_say_so(tmp_path, caplog):
    import av
    path = tmp_path / 'two.mkv'
    with av.open(str(path), 'w') as out:
        streams = []
        for size in ((48, 32), (64, 48)):
            s = out.add_stream('mpeg4', rate=25)
            s.width, s.height = size
            s.codec_context.gop_size = 12
            streams.append(s)
        for f in frames(14, 48, 64):
            for s in streams:
                img = np.ascontiguousarray(f[:s.height, :s.width])
                out.mux(s.encode(av.VideoFrame.from_ndarray(img,
                                                            format='rgb24')))
        for s in streams:
            out.mux(s.encode())
    with caplog.at_level(logging.WARNING, logger='mmaction_imr.codec'):
        index = index_gops(str(path))
        index_gops(str(path))  # said once per file
    assert (index.width, index.height) == (48, 32)
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1
    assert str(path) in warnings[0] and 'stream #0' in warnings[0]


def test_pixel_bound(tmp_path):
    assert 1920 * 1080 <= MAX_PIXELS < 3840 * 2160
    path = tmp_path / 'x.mp4'
    write_video(str(path), frames(13))
    index = index_gops(str(path))
    with pytest.raises(CompressedVideoError,
                       match=r'48x32 = 1536 pixels, above max_pixels=1000'):
        read_clip(str(path), [0], index=index, max_pixels=1000)
    assert read_clip(str(path), [0], index=index,
                     max_pixels=None).imgs is not None
    # A 4K index is refused by default before anything is decoded.
    uhd = dataclasses.replace(index, height=2160, width=3840)
    with pytest.raises(CompressedVideoError, match='3840x2160') as info:
        read_clip(str(path), [0], index=uhd)
    assert info.value.filename == str(path)
    assert 'max_pixels' in str(info.value) and 'GiB' in str(info.value)
