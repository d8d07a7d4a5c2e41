"""tools/analysis/dump_compressed.py: npz content (compressed), captioned
PNG panels with colour keys, bad input."""
import os.path as osp

import cv2
import numpy as np
import pytest

from mmaction_imr.codec import index_gops, read_clip
from mmaction_imr.visualization.layout import GAP, LINE_HEIGHT, PAD

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
    # Compressed: smaller than the same arrays saved uncompressed.
    plain = tmp_path / 'plain.npz'
    np.savez(plain, **{k: data[k] for k in data.files})
    assert osp.getsize(out) < osp.getsize(plain)
    pngs = sorted((tmp_path / 'png').iterdir())
    assert len(pngs) == 10
    assert pngs[0].name == 'gop00_frame00014_P.png'
    panel = cv2.imread(str(pngs[0]))[..., ::-1]  # RGB
    # The title line, then the panel captions, then the three panels of
    # 32 x 48 frames enlarged 5x (short side 160), then the colour keys.
    top = 2 * (LINE_HEIGHT + PAD)
    assert (panel[:LINE_HEIGHT] < 255).any()
    assert (panel[LINE_HEIGHT + PAD:top, :3 * 240] < 255).any()
    assert panel.shape[0] >= top + 160 and panel.shape[1] > 3 * 240
    iframe = cv2.resize(data['imgs'][0], (240, 160),
                        interpolation=cv2.INTER_NEAREST)
    np.testing.assert_array_equal(panel[top:top + 160, :240], iframe)
    residual = panel[top:top + 160, 2 * (240 + GAP):2 * (240 + GAP) + 240]
    assert abs(float(residual.mean()) - 128) < 40  # mid-grey = 0
    # the MV colour wheel right of the panels: every hue
    hsv = cv2.cvtColor(np.ascontiguousarray(panel[:, 3 * 240 + 2 * GAP:]),
                       cv2.COLOR_RGB2HSV)
    vivid = hsv[(hsv[..., 1] > 200) & (hsv[..., 2] > 150)][:, 0]
    assert len(np.unique(vivid // 20)) == 9


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
