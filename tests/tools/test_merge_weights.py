"""tools/merge_weights.py: the union of single-stream weights, refused on a
shared key or an untrusted full pickle (maths in tests/models/
test_late_fusion.py)."""
import os.path as osp

import pytest
import torch

from mmaction_imr.engine.checkpoint import save_weights_only

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'merge_weights.py')


@pytest.fixture
def parts(tmp_path):
    paths = []
    for m in ('rgb', 'mv'):
        path = str(tmp_path / f'{m}.pth')
        save_weights_only({f'backbone.{m}.w': torch.full((2, ), float(len(m))),
                           f'cls_head.heads.{m}.b': torch.zeros(1)}, path)
        paths.append(path)
    return paths


def test_merges_and_reports(tool, parts, tmp_path, capsys):
    dst = str(tmp_path / 'both.pth')
    assert tool.main([dst, *parts]) == 0
    assert '4 tensors' in capsys.readouterr().out
    state = torch.load(dst, weights_only=True)['state_dict']
    assert set(state) == {'backbone.rgb.w', 'cls_head.heads.rgb.b',
                          'backbone.mv.w', 'cls_head.heads.mv.b'}
    assert torch.equal(state['backbone.rgb.w'], torch.full((2, ), 3.))


def test_errors(tool, parts, tmp_path, capsys):
    dst = str(tmp_path / 'x.pth')
    assert tool.main([dst, parts[0], parts[0]]) == 1
    err = capsys.readouterr().err
    assert 'backbone.rgb.w is in both' in err and 'rgb.pth' in err
    full = str(tmp_path / 'full.pth')
    torch.save(dict(state_dict={'backbone.x': torch.zeros(1)},
                    meta=dict(note=ValueError("a pickled object"))), full)
    assert tool.main([dst, parts[0], full]) == 1
    assert '--trust-checkpoint' in capsys.readouterr().err
    assert not osp.exists(dst)
    with pytest.raises(SystemExit) as exc:
        tool.main([dst, parts[0]])
    assert exc.value.code == 2
