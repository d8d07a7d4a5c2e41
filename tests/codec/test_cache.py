"""DecodeCache: exact round trips, keys that miss when anything changes,
damaged files, unwritable directories, no unpickling."""
import os
import pickle

import numpy as np
import pytest

from mmaction_imr.codec import cache as cache_mod
from mmaction_imr.codec.cache import DecodeCache


@pytest.fixture
def video(tmp_path):
    path = tmp_path / 'v.mp4'
    path.write_bytes(b'not decoded here')
    return str(path)


def arrays():
    rng = np.random.default_rng(0)
    return dict(
        imgs=rng.integers(0, 256, (2, 4, 6, 3), dtype=np.uint8),
        # fractional: must stay float32
        motion_vectors=(rng.integers(-40, 40, (4, 4, 6, 2)) / 4).astype(
            np.float32),
        # integral (raw residuals): stored as int16, restored as float32
        residuals=rng.integers(-255, 256, (4, 4, 6, 3)).astype(np.float32),
        # integral but too large for int16: stays float32
        big=np.array([40000.0, -1.0], np.float32),
        frame_inds=np.arange(6, dtype=np.int64),
        pict_types=np.array(list('IPPIPP')))


def test_round_trip_is_exact(tmp_path, video):
    cache = DecodeCache(str(tmp_path / 'cache'))
    key = cache.key(video, dict(gop_inds=[0, 1], kappa=2))
    assert cache.load(key) is None
    cache.save(key, arrays())
    got = cache.load(key)
    want = arrays()
    assert list(got) == list(want)
    for name, a in want.items():
        assert got[name].dtype == a.dtype, name
        assert got[name].shape == a.shape, name
        np.testing.assert_array_equal(got[name], a)
        assert got[name].flags.writeable
    # stored as .npy records after a header: integral floats as int16
    with open(cache._path(key), 'rb') as f:
        np.load(f)  # the header
        stored = {name: np.load(f).dtype for name in want}
    assert stored['residuals'] == np.int16
    assert stored['motion_vectors'] == stored['big'] == np.float32


def test_key_follows_video_request_and_decoder(tmp_path, video, monkeypatch):
    cache = DecodeCache(str(tmp_path))
    req = dict(gop_inds=[0, 1], kappa=2)
    key = cache.key(video, req)
    assert cache.key(video, dict(req)) == key
    assert cache.key(video, dict(req, kappa=3)) != key
    assert cache.key(video, dict(req, gop_inds=[1, 0])) != key
    # the same video through another path name: the same entry
    link = tmp_path / 'link.mp4'
    os.symlink(video, link)
    assert cache.key(str(link), req) == key
    # the video rewritten (other size, other time): a miss
    st = os.stat(video)
    os.utime(video, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert cache.key(video, req) != key
    key2 = cache.key(video, req)
    with open(video, 'ab') as f:
        f.write(b'x')
    os.utime(video, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert cache.key(video, req) != key2
    # another decoder (codec source or library versions): a miss
    key3 = cache.key(video, req)
    monkeypatch.setattr(cache_mod, '_fingerprint', 'other decoder')
    assert cache.key(video, req) != key3


def test_damaged_file_is_a_miss_and_is_rewritten(tmp_path, video, caplog):
    cache = DecodeCache(str(tmp_path))
    key = cache.key(video, {})
    cache.save(key, arrays())
    path = cache._path(key)
    data = open(path, 'rb').read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])  # truncated
    assert cache.load(key) is None
    assert 'unreadable decode cache file' in caplog.text
    assert path in caplog.text
    cache.save(key, arrays())
    np.testing.assert_array_equal(cache.load(key)['residuals'],
                                  arrays()['residuals'])


def test_pickles_are_never_loaded(tmp_path, video):
    cache = DecodeCache(str(tmp_path))
    key = cache.key(video, {})
    os.makedirs(os.path.dirname(cache._path(key)))
    ran = []

    class Evil:
        def __reduce__(self):
            return ran.append, ('unpickled', )

    # a header that is an object array: np.save pickles it
    with open(cache._path(key), 'wb') as f:
        np.save(f, np.array([Evil()], dtype=object), allow_pickle=True)
    assert cache.load(key) is None
    assert ran == []
    with open(cache._path(key), 'wb') as f:
        pickle.dump(Evil(), f)
    assert cache.load(key) is None
    assert ran == []


def test_unwritable_directory_is_ignored(tmp_path, video, caplog):
    blocker = tmp_path / 'file'
    blocker.write_text('a file where the cache directory would be')
    cache = DecodeCache(str(blocker / 'cache'))
    key = cache.key(video, {})
    cache.save(key, arrays())  # does not raise
    assert not cache.writable
    assert 'cannot write to the decode cache' in caplog.text
    assert cache.load(key) is None
    assert not list(tmp_path.rglob('*.tmp'))
