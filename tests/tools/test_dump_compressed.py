"""tools/analysis/dump_compressed.py: npz content, PNG panels, bad input."""
import os.path as osp

import cv2
import numpy as np
import pytest

from mmaction_imr.codec import index_gops, read_clip

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'dump_compressed.py')


@pytest.fixture(scope='module')
def video(panning_video):
    return panning_video(32, 48, speed=1, pad=48)


@pytest.mark.parametrize('accumulate', [False, True])
def test_npz_matches_reader(tool, video, tmp_path, accumulate):
    out = tmp_path / 'clip.npz'
    argv = [video, '--out', str(out), '--gops', '2', '--show-dir',
            str(tmp_path / 'png')] + (['--accumulate'] if accumulate else [])
    assert tool.main(argv) == 0
    data = np.load(out)
    assert sorted(data.files) == ['frame_inds', 'imgs', 'motion_vectors',
                                  'pict_types', 'residuals']
    assert data['imgs'].shape == (2, 32, 48, 3)
    assert data['imgs'].dtype == np.uint8
    assert data['motion_vectors'].shape == (10, 32, 48, 2)
    assert data['motion_vectors'].dtype == np.float32
    assert data['residuals'].shape == (10, 32, 48, 3)
    assert data['frame_inds'].tolist() == [
        12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34]
    assert ''.join(data['pict_types']) == 'IPPPPP' * 2
    # Exactly what the reader gives for the centre GOPs (1, 2 of 4).
    clip = read_clip(video, [1, 2], accumulate=accumulate,
                     index=index_gops(video, 'auto'))
    np.testing.assert_array_equal(data['motion_vectors'], clip.motion_vectors)
    np.testing.assert_array_equal(data['residuals'], clip.residuals)
    pngs = sorted((tmp_path / 'png').iterdir())
    assert len(pngs) == 10
    assert pngs[0].name == 'gop00_frame00014_P.png'
    panel = cv2.imread(str(pngs[0]))
    assert panel.shape == (32, 3 * 48, 3)
    # Left third is the I-frame (RGB saved as BGR for cv2).
    np.testing.assert_array_equal(panel[:, :48, ::-1], data['imgs'][0])


def test_bad_video_one_line_exit_1(tmp_path, run_script):
    empty = tmp_path / 'empty.mp4'
    empty.write_bytes(b'')
    code, _, err = run_script(TOOL, empty, '--out', tmp_path / 'x.npz')
    assert code == 1
    assert err.strip() == f'error: {empty}: empty file (0 bytes)'
    assert not (tmp_path / 'x.npz').exists()


def test_usage_errors_exit_2(tool, video, tmp_path):
    for argv in ([video], [video, '--out', 'x.npz', '--gops', '0'],
                 [video, '--out', 'x.npz', '--virtual-gop', 'seven']):
        with pytest.raises(SystemExit) as info:
            tool.main(argv)
        assert info.value.code == 2
