"""CompressedVideoInit / SampleGOPs / CompressedVideoDecode."""
import numpy as np
import pytest
from mmengine.registry import init_default_scope

from mmaction.datasets import VideoDataset
from mmaction.registry import TRANSFORMS
from mmaction_imr.codec import CompressedVideoError
from mmaction_imr.datasets.transforms import loading
from mmaction_imr.datasets.transforms.loading import (CompressedVideoDecode,
                                                      CompressedVideoInit,
                                                      SampleGOPs)
from mmaction_imr.streams import STREAM_KEYS


@pytest.fixture(scope='module')
def video(panning_video):
    """MPEG-4, GOP 12, 40 frames (GOPs 12, 12, 12, 4), 32x48."""
    return panning_video(32, 48)


def pipeline(*transforms):
    def run(results):
        for t in transforms:
            results = t(results)
            if results is None:
                return None
        return results
    return run


def test_registered():
    for name in ('CompressedVideoInit', 'SampleGOPs', 'CompressedVideoDecode'):
        assert TRANSFORMS.get(name) is not None


def test_full_pipeline_keys_and_shapes(video):
    results = pipeline(
        TRANSFORMS.build(dict(type='CompressedVideoInit')),
        TRANSFORMS.build(dict(type='SampleGOPs', clip_len=2,
                              test_mode=True)),
        TRANSFORMS.build(dict(type='CompressedVideoDecode', kappa=3)),
    )(dict(filename=video))
    assert results['total_gops'] == 4 and results['total_frames'] == 40
    assert results['gop_inds'].tolist() == [1, 2]  # centre clip
    assert results['gop_inds'].dtype == np.int64
    assert results['imgs'].shape == (2, 32, 48, 3)
    assert results['imgs'].dtype == np.uint8
    assert results['motion_vectors'].shape == (6, 32, 48, 2)
    assert results['motion_vectors'].dtype == np.float32
    assert results['residuals'].shape == (6, 32, 48, 3)
    assert results['residuals'].dtype == np.float32
    assert results['frame_inds'].tolist() == [12, 15, 18, 21, 24, 27, 30, 33]
    assert results['kappa'] == 3
    assert results['original_shape'] == results['img_shape'] == (32, 48)
    assert 'gop_index' not in results
    # Content moves 2 px/frame to the left.
    assert abs(np.median(results['motion_vectors'][..., 0]) + 2) < 0.5


def test_streams_follow_the_stream_table(video):
    decode = CompressedVideoDecode(streams=('residuals', 'imgs'))
    assert decode.streams == ('imgs', 'residuals')  # canonical order
    assert CompressedVideoDecode().streams == STREAM_KEYS


def test_streams_subset(video):
    results = pipeline(CompressedVideoInit(), SampleGOPs(clip_len=1),
                       CompressedVideoDecode(streams=('motion_vectors', )))(
                           dict(filename=video))
    assert 'imgs' not in results and 'residuals' not in results
    assert results['motion_vectors'].shape == (5, 32, 48, 2)


def test_sample_training_random_consecutive():
    np.random.seed(0)
    sample = SampleGOPs(clip_len=3)
    starts = set()
    for _ in range(50):
        inds = sample(dict(total_gops=10))['gop_inds']
        assert inds.shape == (3, ) and np.all(np.diff(inds) == 1)
        assert 0 <= inds[0] <= 7
        starts.add(int(inds[0]))
    assert len(starts) > 4


def test_sample_test_mode_clips():
    out = SampleGOPs(clip_len=2, num_clips=3, test_mode=True)(
        dict(total_gops=10))
    assert out['gop_inds'].tolist() == [1, 2, 4, 5, 7, 8]
    assert out['num_clips'] == 3 and out['clip_len'] == 2
    # A clip in the middle of the video.
    assert SampleGOPs(clip_len=5, test_mode=True)(
        dict(total_gops=25))['gop_inds'].tolist() == [10, 11, 12, 13, 14]


def test_sample_loops_short_videos():
    for test_mode in (False, True):
        out = SampleGOPs(clip_len=5, num_clips=2, test_mode=test_mode)(
            dict(total_gops=3))
        assert out['gop_inds'].tolist() == [0, 1, 2, 0, 1] * 2


@pytest.mark.parametrize('cls,kwargs', [
    (SampleGOPs, dict(clip_len=0)),
    (SampleGOPs, dict(num_clips=0)),
    (CompressedVideoInit, dict(virtual_gop=1)),
    (CompressedVideoInit, dict(virtual_gop='real')),
    (CompressedVideoInit, dict(on_error='ignore')),
    (CompressedVideoDecode, dict(kappa=0)),
    (CompressedVideoDecode, dict(streams=('iframes', ))),
    (CompressedVideoDecode, dict(streams=())),
    (CompressedVideoDecode, dict(on_error='warn')),
])
def test_bad_arguments(cls, kwargs):
    with pytest.raises(ValueError):
        cls(**kwargs)


def test_repr():
    assert repr(SampleGOPs()) == (
        'SampleGOPs(clip_len=5, num_clips=1, test_mode=False)')
    assert repr(CompressedVideoInit(12)) == (
        "CompressedVideoInit(virtual_gop=12, on_error='skip')")
    assert 'accumulate=True' in repr(CompressedVideoDecode(accumulate=True))


class FakeLogger:
    def __init__(self):
        self.messages = []

    def warning(self, msg):
        self.messages.append(msg)


def test_on_error_skip_logs_and_records_the_reason(tmp_path, monkeypatch):
    logger = FakeLogger()
    monkeypatch.setattr(loading.MMLogger, 'get_current_instance',
                        lambda: logger)
    empty = tmp_path / 'empty.mp4'
    empty.write_bytes(b'')
    results = dict(filename=str(empty))
    assert CompressedVideoInit()(results) is None
    assert results['skip_reason'].startswith(f'{empty}: empty file')
    # The decode step also skips (e.g. a file that broke after indexing).
    results = dict(filename=str(empty), gop_index=None, gop_inds=[0])
    monkeypatch.setattr(
        loading, 'read_clip',
        lambda *a, **k: (_ for _ in ()).throw(
            CompressedVideoError(str(empty), 'corrupt')))
    assert CompressedVideoDecode()(results) is None
    assert results['skip_reason'] == f'{empty}: corrupt'
    assert len(logger.messages) == 2
    assert str(empty) in logger.messages[0]
    assert 'empty file' in logger.messages[0]


def test_on_error_raise(tmp_path):
    empty = tmp_path / 'empty.mp4'
    empty.write_bytes(b'')
    with pytest.raises(CompressedVideoError, match='empty.mp4: empty file'):
        CompressedVideoInit(on_error='raise')(dict(filename=str(empty)))


def test_video_dataset_skips_broken_file(video, tmp_path):
    import shutil
    shutil.copy(video, tmp_path / 'good.mp4')
    (tmp_path / 'broken.mp4').write_bytes(b'')
    ann = tmp_path / 'ann.txt'
    ann.write_text('good.mp4 0\nbroken.mp4 1\n')
    init_default_scope('mmaction')
    dataset = VideoDataset(
        str(ann),
        pipeline=[
            dict(type='CompressedVideoInit'),
            dict(type='SampleGOPs', clip_len=2),
            dict(type='CompressedVideoDecode', kappa=2),
        ],
        data_prefix=dict(video=str(tmp_path)))
    assert len(dataset) == 2
    sample = dataset[1]  # broken: mmengine refetches another index
    assert sample['filename'].endswith('good.mp4')
    assert sample['label'] == 0
    assert sample['motion_vectors'].shape == (4, 32, 48, 2)
    # At test time the error names the file.
    test_set = VideoDataset(
        str(ann),
        pipeline=[
            dict(type='CompressedVideoInit', on_error='raise'),
            dict(type='SampleGOPs', clip_len=2, test_mode=True),
            dict(type='CompressedVideoDecode', on_error='raise'),
        ],
        data_prefix=dict(video=str(tmp_path)),
        test_mode=True)
    with pytest.raises(CompressedVideoError, match='broken.mp4'):
        test_set[1]


def test_window_starts_known_answers():
    # test mode: evenly spaced, the centre for one window
    assert loading.window_starts(10, 4, 1, True).tolist() == [3]
    assert loading.window_starts(10, 4, 2, True).tolist() == [1, 5]
    # too short: every window at 0
    assert loading.window_starts(3, 5, 2, False).tolist() == [0, 0]
    np.random.seed(0)
    starts = loading.window_starts(10, 4, 50, False)
    assert starts.dtype == np.int64 and starts.min() >= 0
    assert starts.max() <= 6 and len(set(starts.tolist())) > 1


def test_decode_cache_gives_the_decoded_clip(video, tmp_path, monkeypatch):
    def read(decode, gop_inds=(1, 2)):
        results = CompressedVideoInit()(dict(filename=video))
        results['gop_inds'] = np.array(gop_inds)
        return decode(results)

    plain = read(CompressedVideoDecode(kappa=3))
    monkeypatch.setenv('IMR_DECODE_CACHE', str(tmp_path / 'env'))
    cached = CompressedVideoDecode(kappa=3)  # the environment's directory
    assert cached.cache.root == str(tmp_path / 'env')
    assert "cache_dir='" in repr(cached)
    miss = read(cached)
    # a hit decodes nothing
    monkeypatch.setattr(loading, 'read_clip',
                        lambda *a, **k: pytest.fail('decoded again'))
    hit = read(cached)
    for key in (*STREAM_KEYS, 'frame_inds', 'pict_types', 'img_shape',
                'original_shape'):
        for got in (miss, hit):
            np.testing.assert_array_equal(got[key], plain[key])
            assert np.asarray(got[key]).dtype == np.asarray(plain[key]).dtype
    # another request (GOPs, streams) is not served from the entry
    with pytest.raises(pytest.fail.Exception, match='decoded again'):
        read(cached, gop_inds=(2, 3))
    with pytest.raises(pytest.fail.Exception, match='decoded again'):
        read(CompressedVideoDecode(kappa=3, streams=('imgs', )))
    # a config's cache_dir wins over the environment
    own = CompressedVideoDecode(cache_dir=str(tmp_path / 'own'))
    assert own.cache.root == str(tmp_path / 'own')
    monkeypatch.delenv('IMR_DECODE_CACHE')
    assert CompressedVideoDecode().cache is None


def test_decode_cache_a_video_gone_is_skipped_as_without(video, tmp_path):
    import shutil
    gone = tmp_path / 'gone.mp4'
    shutil.copy(video, gone)
    results = CompressedVideoInit()(dict(filename=str(gone)))
    results['gop_inds'] = np.array([0, 1])
    gone.unlink()  # removed between indexing and decoding
    decode = CompressedVideoDecode(cache_dir=str(tmp_path / 'cache'))
    assert decode(results) is None
    assert 'gone.mp4' in results['skip_reason']
