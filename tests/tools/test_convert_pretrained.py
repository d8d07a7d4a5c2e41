"""Tests of tools/convert_pretrained.py (+ mmaction_imr/engine/convert.py)."""
import os
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.registry import DefaultScope
from mmengine.runner.checkpoint import load_checkpoint

from mmaction.registry import MODELS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'convert_pretrained.py')
BACKBONE = dict(type='IMRResNet3d', depth=18, base_channels=8,
                channel_ratio=4, kappa=2)
OUT = (64, 16, 16)


@pytest.fixture(scope='module')
def selfsup():
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='IMRSelfSup', backbone=BACKBONE,
        pmsp_head=dict(type='PMSPHead', in_channels=OUT, hidden_channels=8),
        ctp_head=dict(type='CTPHead', in_channels=OUT, hidden_channels=8)))


@pytest.fixture(scope='module')
def full_ckpt(selfsup, tmp_path_factory):
    """An mmengine-like training checkpoint: a full pickle."""
    path = str(tmp_path_factory.mktemp('ckpt') / 'epoch_1.pth')
    hub = dict(log_scalars={'train/loss': HistoryBuffer()})
    torch.save(dict(state_dict=selfsup.state_dict(), message_hub=hub,
                    optimizer={}, meta=dict(epoch=1, iter=10,
                                            seed=np.int64(3))), path)
    return path


def test_untrusted_full_pickle_is_refused(tool, full_ckpt, tmp_path, capsys):
    assert tool.main([full_ckpt, str(tmp_path / 'out.pth')]) == 1
    assert '--trust-checkpoint' in capsys.readouterr().err
    assert not (tmp_path / 'out.pth').exists()


class Payload:
    """Unpickling it runs code: it creates ``marker``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}', ))


def test_crafted_payload_does_not_run(tool, selfsup, tmp_path, capsys):
    marker = tmp_path / 'ran'
    evil = str(tmp_path / 'evil.pth')
    torch.save(dict(state_dict=selfsup.state_dict(),
                    meta=dict(x=Payload(marker))), evil)
    assert tool.main([evil, str(tmp_path / 'out.pth')]) == 1
    assert 'error: ' in capsys.readouterr().err
    assert not marker.exists()


def test_empty_checkpoint_is_one_line(tool, tmp_path, capsys):
    (tmp_path / 'epoch_9.pth').write_bytes(b'')
    assert tool.main([str(tmp_path / 'epoch_9.pth'),
                      str(tmp_path / 'out.pth')]) == 1
    assert 'epoch_9.pth: the checkpoint is empty' in capsys.readouterr().err


def test_convert_and_load_everywhere(tool, selfsup, full_ckpt, tmp_path,
                                     capsys):
    dst = str(tmp_path / 'backbone.pth')
    assert tool.main([full_ckpt, dst, '--trust-checkpoint']) == 0
    out = capsys.readouterr().out
    assert 'dropped' in out and 'pmsp_head' in out and 'ctp_head' in out
    ckpt = torch.load(dst, weights_only=True)  # safe load works
    sd = ckpt['state_dict']
    want = {k: v for k, v in selfsup.state_dict().items()
            if k.startswith('backbone.')}
    assert set(sd) == set(want)
    assert all(torch.equal(sd[k], want[k]) for k in want)
    assert ckpt['meta']['epoch'] == 1 and ckpt['meta']['seed'] == 3
    assert set(ckpt['meta']['dropped_modules']) == {'pmsp_head', 'ctp_head'}
    # 1) load_from into a recognizer (mmengine's loader, compat shim)
    with DefaultScope.overwrite_default_scope('mmaction'):
        rec = MODELS.build(dict(
            type='MMRecognizer3D', backbone=BACKBONE,
            cls_head=dict(type='IMRClsHead', num_classes=3, in_channels=OUT)))
    load_checkpoint(rec, dst, map_location='cpu')
    for k, v in rec.backbone.state_dict().items():
        assert torch.equal(v, want['backbone.' + k]), k
    # 2) init_cfg Pretrained with prefix
    bb = MODELS.build(dict(BACKBONE, init_cfg=dict(
        type='Pretrained', checkpoint=dst, prefix='backbone.')))
    bb.init_weights()
    for k, v in bb.state_dict().items():
        assert torch.equal(v, want['backbone.' + k]), k


def test_config_check(tool, full_ckpt, tmp_path, capsys):
    good = tmp_path / 'good.py'
    good.write_text(
        f'model = dict(type="MMRecognizer3D", backbone={BACKBONE!r})\n')
    assert tool.main([full_ckpt, str(tmp_path / 'a.pth'), '--trust-checkpoint',
                      '--config', str(good)]) == 0
    bad = tmp_path / 'bad.py'
    wider = dict(BACKBONE, base_channels=16)
    bad.write_text(f'model = dict(type="IMRSelfSup", backbone={wider!r})\n')
    capsys.readouterr()
    assert tool.main([full_ckpt, str(tmp_path / 'b.pth'), '--trust-checkpoint',
                      '--config', str(bad)]) == 1
    err = capsys.readouterr().err
    assert 'shape mismatch: backbone.' in err
    assert not (tmp_path / 'b.pth').exists()
    stream = dict(BACKBONE, streams=('imgs', 'motion_vectors'))
    bad.write_text(f'model = dict(type="IMRSelfSup", backbone={stream!r})\n')
    assert tool.main([full_ckpt, str(tmp_path / 'b.pth'), '--trust-checkpoint',
                      '--config', str(bad)]) == 1
    assert 'not in the model: backbone.' in capsys.readouterr().err


def test_weights_only_source_and_bad_inputs(tool, selfsup, tmp_path, capsys):
    src = str(tmp_path / 'plain.pth')
    torch.save({'module.' + k: v for k, v in selfsup.state_dict().items()},
               src)
    assert tool.main([src, str(tmp_path / 'o.pth')]) == 0  # no trust needed
    assert all(k.startswith('backbone.') for k in torch.load(
        str(tmp_path / 'o.pth'), weights_only=True)['state_dict'])
    assert tool.main([src, str(tmp_path / 'o2.pth'), '--prefix', 'neck.']) == 1
    assert "no key starts with 'neck.'" in capsys.readouterr().err
    assert tool.main([str(tmp_path / 'missing.pth'),
                      str(tmp_path / 'o3.pth')]) == 1
    with pytest.raises(SystemExit) as exc:
        tool.main([])
    assert exc.value.code == 2


def test_out_prefix_renames_the_kept_keys(tool, full_ckpt, tmp_path, capsys):
    dst = str(tmp_path / 'stream.pth')
    assert tool.main([full_ckpt, dst, '--trust-checkpoint',
                      '--out-prefix', 'backbone.rgb.']) == 0
    state = torch.load(dst, weights_only=True)
    keys = list(state['state_dict'])
    assert keys and all(k.startswith('backbone.rgb.') for k in keys)
    src = torch.load(full_ckpt, weights_only=False)['state_dict']
    for k in keys:
        assert torch.equal(state['state_dict'][k],
                           src['backbone.' + k[len('backbone.rgb.'):]])
    assert state['meta']['out_prefix'] == 'backbone.rgb.'
