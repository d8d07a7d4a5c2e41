"""Tests of tools/visualize_pmsp.py on the small real video and the tiny
IMRSelfSup config of ./conftest.py, with and without a checkpoint (the
drawing itself: tests/visualization)."""
import cv2
import pytest
import torch
from mmengine.logging import HistoryBuffer

from mmaction_imr.visualization.layout import LINE_HEIGHT, PAD


def test_tool_labels_and_prediction(script, video, selfsup_files, tmp_path,
                                    capsys):
    tool = script('tools/visualize_pmsp.py')
    cfg, ckpt, _ = selfsup_files
    out = tmp_path / 'vis'
    assert tool.main([video, cfg, '--out-dir', str(out)]) == 0
    img = cv2.imread(str(out / 'square_pmsp.png'))
    # 3 rows (t = 1, 3, 5) of 32 px frames enlarged 5x, 5 I-frames per
    # row, under the title and the GOP captions, above the colour legend
    assert img is not None
    assert img.shape[0] >= 3 * 160 + 3 * (LINE_HEIGHT + PAD)
    assert img.shape[1] > 5 * 160
    assert (img[:LINE_HEIGHT] < 255).any()  # the title
    assert not (out / 'square_pmsp_pred.png').exists()
    assert tool.main([video, cfg, ckpt, '--out-dir', str(out)]) == 0
    assert 'PMSP accuracy on this clip' in capsys.readouterr().out
    pred = cv2.imread(str(out / 'square_pmsp_pred.png'))
    assert pred.shape[1] > 2 * img.shape[1]
    # another view of the test pipeline: another picture beside them
    assert tool.main([video, cfg, '--out-dir', str(out), '--view', '2']) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        'square_clip2_pmsp.png', 'square_pmsp.png', 'square_pmsp_pred.png']


def test_tool_errors(script, video, selfsup_files, tmp_path, capsys):
    tool = script('tools/visualize_pmsp.py')
    cfg, ckpt, _ = selfsup_files
    bad = tmp_path / 'bad.mp4'
    bad.write_bytes(b'not a video')
    assert tool.main([str(bad), cfg, '--out-dir', str(tmp_path)]) == 1
    assert 'bad.mp4' in capsys.readouterr().err
    assert tool.main([video, cfg, '--view', '3',
                      '--out-dir', str(tmp_path)]) == 1
    assert '3 view(s)' in capsys.readouterr().err
    # a full pickle is loaded only when the user trusts it
    full = tmp_path / 'full.pth'
    torch.save({'state_dict': torch.load(ckpt)['state_dict'],
                'message_hub': {'loss': HistoryBuffer()}}, str(full))
    assert tool.main([video, cfg, str(full), '--out-dir',
                      str(tmp_path)]) == 1
    capsys.readouterr()
    assert tool.main([video, cfg, str(full), '--trust-checkpoint',
                      '--out-dir', str(tmp_path)]) == 0
    with pytest.raises(SystemExit) as exc:
        tool.main([video])
    assert exc.value.code == 2
