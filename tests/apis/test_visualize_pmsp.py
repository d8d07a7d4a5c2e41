"""Tests of tools/visualize_pmsp.py on the small real video and the tiny
IMRSelfSup config of ./conftest.py, with and without a checkpoint (the
drawing itself: tests/visualization)."""
import cv2
import pytest
import torch
from mmengine.logging import HistoryBuffer


def test_tool_labels_and_prediction(script, video, selfsup_files, tmp_path,
                                    capsys):
    tool = script('tools/visualize_pmsp.py')
    cfg, ckpt, _ = selfsup_files
    out = tmp_path / 'vis'
    assert tool.main([video, cfg, '--out-dir', str(out)]) == 0
    img = cv2.imread(str(out / 'square_pmsp.png'))
    # 3 rows (t = 1, 3, 5) of 32 px frames, 5 I-frames per row
    assert img is not None and img.shape[0] > 3 * 32
    assert img.shape[1] > 5 * 32
    assert not (out / 'square_pmsp_pred.png').exists()
    assert tool.main([video, cfg, ckpt, '--out-dir', str(out),
                      '--view', '2']) == 0
    assert 'PMSP accuracy on this clip' in capsys.readouterr().out
    pred = cv2.imread(str(out / 'square_pmsp_pred.png'))
    assert pred.shape[1] > 2 * img.shape[1]


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
