"""Each shim of mmaction_imr/compat.py: is it still needed, does it work.

A test named ``test_upstream_still_*`` fails once upstream is fixed: then
delete the shim and its tests.
"""
import os
import pathlib
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

from mmaction_imr import compat

PKG = pathlib.Path(__file__).resolve().parents[1] / 'mmaction_imr'


# ----------------------------------------------------------------- drn shim
def test_upstream_still_lacks_drn():
    assert compat._drn_missing(), (
        'mmaction2 ships models/localizers/drn again: drop _shim_drn')


def test_drn_shim_makes_mmaction_models_importable():
    from mmaction.registry import MODELS
    from mmaction.utils import register_all_modules
    register_all_modules()  # raised ModuleNotFoundError without the shim
    assert MODELS.get('Recognizer3D') is not None
    from mmaction.models.localizers import DRN
    with pytest.raises(ImportError, match='does not ship'):
        DRN()


# ---------------------------------------------------------- torch.load shim
def _full_checkpoint(path):
    """An mmengine-like training checkpoint: needs full unpickling."""
    buf = HistoryBuffer()
    buf.update(np.float64(0.5))
    torch.save(
        dict(
            state_dict={'w': torch.ones(2)},
            message_hub=dict(log_scalars={'loss': buf}),
            meta=dict(seed=np.int64(3))), path)


def _weights_checkpoint(path):
    torch.save(dict(state_dict={'w': torch.ones(2)}, meta={'epoch': 1}), path)


def test_upstream_still_loads_without_weights_only(tmp_path):
    from mmengine.runner import checkpoint as ckpt_mod
    path = str(tmp_path / 'full.pth')
    _full_checkpoint(path)
    # mmengine's own loader (the one we replace) fails on its own files.
    upstream = ckpt_mod.load_from_local
    assert upstream is not compat.load_local_checkpoint
    assert CheckpointLoader._get_checkpoint_loader('x.pth') is not upstream
    with pytest.raises(pickle.UnpicklingError):
        upstream(path, 'cpu')


def test_weights_only_checkpoint_loads_anywhere(tmp_path):
    path = str(tmp_path / 'zoo.pth')
    _weights_checkpoint(path)
    ckpt = CheckpointLoader.load_checkpoint(path, map_location='cpu')
    assert torch.equal(ckpt['state_dict']['w'], torch.ones(2))


def test_untrusted_full_pickle_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(compat.TRUST_ENV, raising=False)
    path = str(tmp_path / 'elsewhere' / 'full.pth')
    os.makedirs(os.path.dirname(path))
    _full_checkpoint(path)
    with pytest.raises(compat.UntrustedCheckpointError) as err:
        CheckpointLoader.load_checkpoint(path, map_location='cpu')
    msg = str(err.value)
    assert path in msg and '--trust-checkpoint' in msg
    assert compat.TRUST_ENV in msg


def test_trusted_folder_and_env(tmp_path, monkeypatch):
    monkeypatch.delenv(compat.TRUST_ENV, raising=False)
    work_dir = tmp_path / 'work_dir'
    work_dir.mkdir()
    path = str(work_dir / 'epoch_1.pth')
    _full_checkpoint(path)
    other = str(tmp_path / 'other.pth')
    _full_checkpoint(other)
    # A sibling whose name starts like the trusted folder is not inside it.
    sibling = tmp_path / 'work_dir2'
    sibling.mkdir()
    _full_checkpoint(str(sibling / 'x.pth'))
    monkeypatch.setattr(compat, '_trusted', [])
    compat.trust_checkpoint_path(str(work_dir))
    ckpt = CheckpointLoader.load_checkpoint(path, map_location='cpu')
    assert ckpt['meta']['seed'] == 3
    with pytest.raises(compat.UntrustedCheckpointError):
        CheckpointLoader.load_checkpoint(
            str(sibling / 'x.pth'), map_location='cpu')
    with pytest.raises(compat.UntrustedCheckpointError):
        CheckpointLoader.load_checkpoint(other, map_location='cpu')
    monkeypatch.setenv(compat.TRUST_ENV, other)
    assert 'message_hub' in CheckpointLoader.load_checkpoint(
        other, map_location='cpu')


def test_missing_checkpoint_names_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        CheckpointLoader.load_checkpoint(str(tmp_path / 'nope.pth'))


# ------------------------------------------------------------- mmcv.ops
def test_upstream_still_has_no_mmcv_ops():
    with pytest.raises(ImportError):
        import mmcv.ops  # noqa: F401


def test_package_never_imports_mmcv_ops():
    offenders = [
        str(p) for p in PKG.rglob('*.py') if 'mmcv.ops' in p.read_text()
        and p.name != 'compat.py'
    ]
    assert offenders == []


def _import_warnings(code):
    import subprocess
    import sys
    out = subprocess.run([sys.executable, '-W', 'default', '-c', code],
                         capture_output=True, text=True, check=True)
    return out.stderr


def test_upstream_still_warns_about_missing_ops():
    assert 'MultiScaleDeformableAttention' in _import_warnings(
        'import mmcv.cnn.bricks.transformer')


def test_plugin_import_silences_only_that_warning():
    err = _import_warnings('import mmaction_imr, mmaction.models')
    assert 'MultiScaleDeformableAttention' not in err


# ------------------------------------------------------ CPU distributed
def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.skipif(
    __import__('torch').cuda.is_available(), reason='needs a CPU-only torch')
def test_upstream_pytorch_launcher_still_needs_cuda(monkeypatch):
    from mmengine.dist import utils as dist_utils
    upstream = dist_utils._init_dist_pytorch.upstream
    monkeypatch.setenv('RANK', '0')
    monkeypatch.setenv('LOCAL_RANK', '0')
    with pytest.raises((RuntimeError, AssertionError, AttributeError)):
        upstream('gloo')  # fails in torch.cuda.set_device


def test_pytorch_launcher_works_on_cpu(monkeypatch):
    import torch.distributed as dist
    from mmengine.dist import utils as dist_utils
    monkeypatch.setenv('RANK', '0')
    monkeypatch.setenv('LOCAL_RANK', '0')
    monkeypatch.setenv('WORLD_SIZE', '1')
    monkeypatch.setenv('MASTER_ADDR', '127.0.0.1')
    monkeypatch.setenv('MASTER_PORT', str(_free_port()))
    dist_utils._init_dist_pytorch('gloo')
    try:
        assert dist.is_initialized() and dist.get_world_size() == 1
    finally:
        dist.destroy_process_group()


def test_upstream_runner_still_passes_device_ids():
    import inspect

    from mmengine.runner import Runner
    assert "device_ids=[int(os.environ['LOCAL_RANK'])]" in inspect.getsource(
        Runner.wrap_model)


def test_ddp_on_cpu_without_device_ids(monkeypatch):
    import torch.distributed as dist
    from mmengine.model import BaseModel, MMDistributedDataParallel
    monkeypatch.setenv('MASTER_ADDR', '127.0.0.1')
    monkeypatch.setenv('MASTER_PORT', str(_free_port()))
    dist.init_process_group('gloo', rank=0, world_size=1)
    try:
        class Tiny(BaseModel):
            def __init__(self):
                super().__init__()
                self.fc = torch.nn.Linear(2, 2)

            def forward(self, x, mode='tensor'):
                return self.fc(x)

        ddp = MMDistributedDataParallel(
            module=Tiny(), device_ids=[0], broadcast_buffers=False)
        assert ddp.device_ids is None
    finally:
        dist.destroy_process_group()
