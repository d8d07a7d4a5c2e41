"""tools/analysis/stream_stats.py: folders, annotation lists, bad videos,
--paper-format, the config snippet (pasted into a real config), exit
codes."""
import os.path as osp
import re

import numpy as np
import pytest

from mmaction_imr.analysis.stream_stats import StreamStats, video_stats
from mmaction_imr.prepare.reencode import reencode_video
from mmaction_imr.prepare.writer import write_video

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'stream_stats.py')
TOY = osp.join(ROOT, 'configs', 'toy',
               'imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py')


def moving_texture(path, speed, n=25, h=48, w=64):
    """A textured plane panning ``speed`` px/frame: 2 GOPs of 12."""
    rng = np.random.default_rng(speed)
    import cv2
    base = cv2.GaussianBlur(
        rng.integers(0, 256, (h, w + speed * n, 3), dtype=np.uint8), (0, 0),
        1.5)
    write_video(str(path), [base[:, speed * t:speed * t + w]
                            for t in range(n)])
    return str(path)


@pytest.fixture(scope='module')
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp('stats')
    (root / 'sub').mkdir()
    moving_texture(root / 'a.mp4', 1)
    moving_texture(root / 'sub' / 'b.mp4', 2)
    (root / 'sub' / 'broken.mp4').write_bytes(b'')
    (root / 'notes.txt').write_text('not a video')
    return root


def snippet_text(out):
    """The printed config snippet: everything from its first comment."""
    return out[out.index('# Measured by'):]


def snippet_of(out, accumulated=False):
    """Run the printed snippet (or its commented accumulated variant);
    return ``model.data_preprocessor.preprocessors``."""
    code = snippet_text(out)
    if accumulated:
        code = code[code.index('accumulate=True'):]
        code = '\n'.join(line[2:] for line in code.splitlines()[1:])
    ns = {}
    exec(code, ns)  # noqa: S102  (our own output)
    assert set(ns) == {'__builtins__', 'model'}  # nothing else to paste
    return ns['model']['data_preprocessor']['preprocessors']


def test_help_explains_mean_zero(tool, capsys):
    with pytest.raises(SystemExit) as exc:
        tool.main(['--help'])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert 'mean 0' in text and 'mirror image' in text and 'PMSP' in text


def test_folder_run_skips_bad_video(tool, folder, capsys):
    assert tool.main([str(folder), '--accumulate']) == 0
    captured = capsys.readouterr()
    out = captured.out
    broken = osp.join(str(folder), 'sub', 'broken.mp4')
    assert f'skipped: {broken}: empty file (0 bytes)' in captured.err
    assert '2 video(s) measured, 1 skipped' in out
    assert 'notes.txt' not in out + captured.err
    # The pooled std is the RMS over both videos' pixels.
    pooled = StreamStats()
    for name in ('a.mp4', 'sub/b.mp4'):
        path = osp.join(str(folder), name)
        assert f'{path}: 2 GOPs, 10 frames | raw MV' in out
        pooled.merge(video_stats(path))
    pre = snippet_of(out)
    assert pre['motion_vectors']['mean'] == [0., 0.]
    assert pre['motion_vectors']['std'] == pytest.approx(
        [pooled.mv_rms_pooled] * 2, rel=5e-3)
    assert pre['residuals']['std'] == pytest.approx(
        [pooled.res_rms_pooled] * 3, rel=5e-3)
    # Content moving 1 and 2 px/frame left: u RMS = sqrt((1 + 4) / 2).
    assert pooled.mv_rms[0] == pytest.approx(np.sqrt(2.5), rel=0.1)
    acc = snippet_of(out, accumulated=True)
    assert acc['motion_vectors']['std'][0] > pre['motion_vectors']['std'][0]


def test_ann_file_max_videos_and_paper_format(tool, folder, tmp_path,
                                              capsys):
    ann = tmp_path / 'ann.txt'
    ann.write_text('a.mp4 0\nsub/b.mp4 1\nsub/broken.mp4 1\n')
    # 3 sorted entries, 1 kept: the middle one (sub/b.mp4).
    argv = ['--ann-file', str(ann), '--data-prefix', str(folder),
            '--max-videos', '1', '--paper-format', '--max-gops', '1']
    assert tool.main(argv) == 0
    out = capsys.readouterr().out
    assert '1 video(s) measured, 0 skipped' in out
    assert 'b.mp4: 1 GOPs, 5 frames' in out
    # Same as re-encoding to 340x256 by hand and measuring that.
    paper = str(tmp_path / 'paper.mp4')
    reencode_video(osp.join(str(folder), 'sub', 'b.mp4'), paper)
    want = video_stats(paper, max_gops=1)
    assert want.mv_count == 5 * 256 * 340
    std = snippet_of(out)['motion_vectors']['std'][0]
    assert std == pytest.approx(want.mv_rms_pooled, rel=5e-3)


def test_exit_codes(tool, folder, tmp_path, capsys):
    broken = str(folder / 'sub' / 'broken.mp4')
    assert tool.main([broken]) == 1
    assert '0 video(s) measured, 1 skipped' in capsys.readouterr().out
    assert tool.main(['--ann-file', str(tmp_path / 'missing.txt')]) == 1
    assert 'missing.txt' in capsys.readouterr().err
    for argv in ([], [broken, '--max-gops', '0'],
                 [broken, '--max-videos', '0']):
        with pytest.raises(SystemExit) as exc:
            tool.main(argv)
        assert exc.value.code == 2


def test_pasted_snippet_sets_the_models_preprocessor(tool, folder, tmp_path,
                                                     capsys):
    """The printed text, pasted into a config derived from the toy one,
    changes the built model's normalisation (a bare top-level
    ``data_preprocessor = ...`` would be ignored)."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from mmaction.registry import MODELS
    init_default_scope('mmaction')
    assert tool.main([str(folder / 'a.mp4')]) == 0
    out = capsys.readouterr().out
    cfg_file = tmp_path / 'mine.py'
    cfg_file.write_text(f'_base_ = [{TOY!r}]\n' + snippet_text(out))
    want = snippet_of(out)
    model = MODELS.build(Config.fromfile(str(cfg_file)).model)
    built = model.data_preprocessor.preprocessors
    for key in ('imgs', 'motion_vectors', 'residuals'):
        assert built[key].std.flatten().tolist() == pytest.approx(
            want[key]['std'])
        assert built[key].mean.flatten().tolist() == pytest.approx(
            want[key]['mean'])
    # The measured std, not the inherited default, reached the model.
    inherited = MODELS.build(Config.fromfile(TOY).model)
    assert (built['motion_vectors'].std.flatten()[0] !=
            inherited.data_preprocessor.preprocessors[
                'motion_vectors'].std.flatten()[0])


def test_txt_list_as_positional_argument(tool, folder, tmp_path, capsys):
    ann = tmp_path / 'list.txt'
    ann.write_text('a.mp4 0\nsub/b.mp4 1\n')
    assert tool.main([str(ann), '--data-prefix', str(folder)]) == 0
    assert '2 video(s) measured, 0 skipped' in capsys.readouterr().out
    # Without the video root the paths do not resolve: say what to pass.
    assert tool.main([str(ann)]) == 1
    err = capsys.readouterr().err
    assert 'list.txt: none of its 2 videos exists' in err
    assert re.search('relative to the video root: pass it as --data-prefix',
                     err)
