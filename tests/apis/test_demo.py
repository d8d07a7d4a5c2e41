"""Tests of demo/demo.py on a real small video and a tiny recognizer."""
import cv2
import pytest


def test_top5_with_labels_and_png(script, recognizer_files, video, tmp_path,
                                  capsys):
    demo = script('demo/demo.py')
    cfg, ckpt, _ = recognizer_files
    labels = tmp_path / 'classes.txt'
    labels.write_text('jump\nrun\nswim\nwalk\n')
    png = tmp_path / 'pred.png'
    assert demo.main([video, cfg, ckpt, '--label-file', str(labels),
                      '--out-png', str(png)]) == 0
    out = capsys.readouterr().out
    # 4 classes: the top-5 list has all 4, best first
    lines = [ln for ln in out.splitlines() if ': ' in ln and
             ln.split(':')[0] in ('jump', 'run', 'swim', 'walk')]
    assert len(lines) == 4
    scores = [float(ln.rsplit(' ', 1)[1]) for ln in lines]
    assert scores == sorted(scores, reverse=True)
    assert abs(sum(scores) - 1) < 1e-3
    img = cv2.imread(str(png))
    # 5 I-frames of 32 px side by side, caption above
    assert img.shape[1] >= 5 * 32 and img.shape[0] > 32


def test_numbers_without_labels_and_errors(script, recognizer_files, video,
                                           tmp_path, capsys):
    demo = script('demo/demo.py')
    cfg, ckpt, _ = recognizer_files
    assert demo.main([video, cfg, ckpt]) == 0
    assert 'The top-4 labels' in capsys.readouterr().out
    wrong = tmp_path / 'classes.txt'
    wrong.write_text('a\nb\n')
    assert demo.main([video, cfg, ckpt, '--label-file', str(wrong)]) == 1
    assert '2 names' in capsys.readouterr().err
    assert demo.main([str(tmp_path / 'none.mp4'), cfg, ckpt]) == 1
    assert 'none.mp4' in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        demo.main([video, cfg])
    assert exc.value.code == 2
