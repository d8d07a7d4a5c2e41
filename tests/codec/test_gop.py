"""GOP indexing and P-frame positions."""
import dataclasses

import numpy as np
import pytest

from mmaction_imr.codec import (cut_gops, index_gops, sample_positions,
                                scan_packets)
from mmaction_imr.codec.gop import AUTO_GOP


@pytest.mark.parametrize('k,kappa,expected', [
    (12, 5, [2, 4, 6, 8, 10]),       # the paper: every other P-frame
    (6, 5, [1, 2, 3, 4, 5]),
    (4, 5, [1, 1, 2, 3, 3]),         # short GOP: repeats
    (2, 3, [1, 1, 1]),
    (250, 5, [42, 83, 125, 167, 208]),
    (12, 1, [6]),
])
def test_sample_positions(k, kappa, expected):
    assert sample_positions(k, kappa).tolist() == expected


@pytest.mark.parametrize('k,kappa', [(1, 5), (12, 0)])
def test_sample_positions_bad(k, kappa):
    with pytest.raises(ValueError):
        sample_positions(k, kappa)


def test_real_gops_short_last(synth):
    path, _, _ = synth('mpeg4', n=30)
    index = index_gops(path)
    assert index.virtual_gop is None and not index.has_b_frames
    assert index.total_frames == 30 and (index.height, index.width) == (96,
                                                                       192)
    assert index.gop_starts.tolist() == [0, 12, 24]
    assert index.gop_lengths.tolist() == [12, 12, 6]
    assert index.keyframes.tolist() == [0, 12, 24]
    assert index.gop_of(11) == 0 and index.gop_of(12) == 1
    # 'auto' keeps the real GOPs of the paper's format.
    assert index_gops(path, 'auto').virtual_gop is None


def test_single_frame_last_gop_is_merged(synth):
    path, _, _ = synth('mpeg4', n=25)
    index = index_gops(path)
    assert index.gop_starts.tolist() == [0, 12]
    assert index.gop_lengths.tolist() == [12, 13]


def test_virtual_gops_with_b_frames(synth):
    path, _, _ = synth('h264', n=30)
    index = index_gops(path, 10)
    assert index.has_b_frames and index.virtual_gop == 10
    assert index.gop_starts.tolist() == [0, 10, 20]
    assert index.keyframes.tolist() == [0]
    assert sorted(index.decode_order.tolist()) == list(range(30))
    # nal_ref_idc from the H.264 NAL headers: I/P are references, the
    # non-reference B-frames are not (B-pyramid references are).
    assert index.is_reference[0] and 0 < index.is_reference.sum() < 30
    auto = index_gops(path, 'auto')
    assert auto.virtual_gop == AUTO_GOP
    # The 6-frame tail is a short last GOP (only 1-frame GOPs are merged).
    assert auto.gop_lengths.tolist() == [12, 12, 6]


@pytest.mark.parametrize('bad', [0, 1, 'real', 2.5, True])
def test_bad_virtual_gop(synth, bad):
    path, _, _ = synth('mpeg4', n=30)
    with pytest.raises(ValueError):
        index_gops(path, bad)


def test_real_testdata_gops(testdata_dir):
    index = index_gops(f'{testdata_dir}/mpeg4part2_1280x720_traffic.mp4',
                       'auto')
    assert index.virtual_gop is None and index.total_frames == 337
    # Scene-cut GOPs of 6; the 1-frame tail GOP is merged into the last one.
    assert np.all(index.gop_lengths[:-1] <= 12) and index.gop_lengths[-1] == 13
    avi = index_gops(f'{testdata_dir}/xvid_320x240_test.avi', 'auto')
    assert avi.virtual_gop == AUTO_GOP and avi.frame_pts is None
    assert avi.total_frames == 164 and avi.keyframes.tolist() == [0]


@pytest.mark.parametrize('codec,virtual_gop', [('mpeg4', None),
                                               ('h264', 'auto')])
def test_index_is_scan_then_cut(synth, codec, virtual_gop):
    path, _, _ = synth(codec, n=30)
    scan = scan_packets(path)
    assert scan.num_packets == 30 and scan.codec == codec
    assert (scan.width, scan.height) == (192, 96)
    assert scan.pts is not None and len(scan.pts) == 30
    assert scan.keyframes[0] and scan.keyframes.dtype == bool
    assert (scan.is_reference is None) == (codec != 'h264')
    a, b = cut_gops(scan, virtual_gop), index_gops(path, virtual_gop)
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        assert np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y
    assert a.leading_frames == 0


def test_scan_of_a_stream_cut_mid_gop(mid_gop):
    scan = scan_packets(mid_gop('h264')[0])
    assert scan.pts is None and scan.num_packets == 35
    assert np.flatnonzero(scan.keyframes).tolist() == [7, 19, 31]


@pytest.mark.parametrize('refs', [1, 3])
def test_h264_reference_count(tmp_path, refs):
    from mmaction_imr.prepare.writer import EncodeSpec, write_video
    base = np.random.default_rng(0).integers(0, 256, (32, 80, 3), np.uint8)
    path = str(tmp_path / f'ref{refs}.mp4')
    write_video(path, [base[:, t:t + 64] for t in range(14)], spec=EncodeSpec(
        codec='libx264', gop_size=12, max_b_frames=0,
        options={'preset': 'fast', 'x264-params': f'ref={refs}'}))
    assert scan_packets(path).ref_frames == refs
    assert index_gops(path, 12).ref_frames == refs
