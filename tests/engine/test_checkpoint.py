import subprocess
import sys

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer

from mmaction_imr.compat import UntrustedCheckpointError
from mmaction_imr.engine.checkpoint import (plain_meta, publish_checkpoint,
                                            sha256sum)

REPO = __import__('pathlib').Path(__file__).resolve().parents[2]


def _training_ckpt(path):
    torch.save(
        dict(
            state_dict={'backbone.w': torch.arange(3.)},
            optimizer={'state': {}},
            message_hub=dict(log_scalars={'loss': HistoryBuffer()}),
            meta=dict(epoch=np.int64(4), seed=7, cfg='x=1',
                      hook_msgs=dict(obj=HistoryBuffer()))), path)


def test_plain_meta_drops_objects_and_unwraps_scalars():
    meta = plain_meta(
        dict(a=np.float32(1.5), b=[1, object(), 'x'], c=dict(d=object())))
    assert meta == dict(a=1.5, b=[1, 'x'], c={})


def test_publish_is_weights_only_and_hashed(tmp_path):
    src = str(tmp_path / 'epoch_4.pth')
    _training_ckpt(src)
    with pytest.raises(UntrustedCheckpointError):
        publish_checkpoint(src, str(tmp_path / 'zoo' / 'm.pth'))
    out = publish_checkpoint(src, str(tmp_path / 'zoo' / 'm.pth'), trust=True)
    assert out.endswith(f'-{sha256sum(out)[:8]}.pth')
    ckpt = torch.load(out, weights_only=True)
    assert set(ckpt) == {'state_dict', 'meta'}
    assert torch.equal(ckpt['state_dict']['backbone.w'], torch.arange(3.))
    assert ckpt['meta']['epoch'] == 4 and ckpt['meta']['cfg'] == 'x=1'
    assert 'obj' not in ckpt['meta']['hook_msgs']


def test_publish_cli(tmp_path):
    src = str(tmp_path / 'epoch_4.pth')
    _training_ckpt(src)
    tool = [sys.executable, str(REPO / 'tools' / 'publish_model.py')]
    bad = subprocess.run(tool + [src, str(tmp_path / 'm.pth')],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and '--trust-checkpoint' in bad.stderr
    assert 'Traceback' not in bad.stderr
    ok = subprocess.run(
        tool + [src, str(tmp_path / 'm.pth'), '--trust-checkpoint'],
        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert torch.load(ok.stdout.strip(), weights_only=True)['state_dict']
