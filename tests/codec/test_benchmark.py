"""mmaction_imr.analysis.loader_benchmark decodes the same frames on both
sides (here for the ``synth`` videos of this folder)."""
from mmaction_imr.codec import index_gops
from mmaction_imr.analysis.loader_benchmark import (bare_decode,
                                                    benchmark_video)


def test_benchmark_video(synth):
    path, _, _ = synth('mpeg4', n=40)  # GOPs 12, 12, 12, 4
    result = benchmark_video(path, repeats=1, clip_len=2, kappa=3)
    assert result['gop_inds'] == [1, 2]  # the centre clip
    assert result['frames'] == 24 and result['size'] == (192, 96)
    assert result['ours'] > 0 and result['bare'] > 0
    assert result['ratio'] == result['ours'] / result['bare']
    assert bare_decode(path, 12, 35, index_gops(path)) == 24
