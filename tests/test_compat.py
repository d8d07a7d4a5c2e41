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
from mmaction_imr.engine.checkpoint import TRUST_ENV

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


# ------------------------------------------------- checkpoint loader shim
def _full_checkpoint(path):
    """An mmengine-like training checkpoint: needs full unpickling."""
    buf = HistoryBuffer()
    buf.update(np.float64(0.5))
    torch.save(
        dict(
            state_dict={'w': torch.ones(2)},
            message_hub=dict(log_scalars={'loss': buf}),
            meta=dict(seed=np.int64(3))), path)


def test_upstream_still_loads_without_weights_only(tmp_path):
    from mmengine.runner import checkpoint as ckpt_mod
    path = str(tmp_path / 'full.pth')
    _full_checkpoint(path)
    # mmengine's own loader (the one we replace) fails on its own files.
    upstream = ckpt_mod.load_from_local
    assert CheckpointLoader._get_checkpoint_loader('x.pth') is not upstream
    with pytest.raises(pickle.UnpicklingError):
        upstream(path, 'cpu')


def test_local_loader_is_the_trust_policy(tmp_path, monkeypatch):
    from mmaction_imr.engine import checkpoint
    calls = []
    monkeypatch.setattr(checkpoint, 'load_local_checkpoint',
                        lambda f, m=None: calls.append(f) or {})
    CheckpointLoader.load_checkpoint(str(tmp_path / 'a.pth'))
    assert calls == [str(tmp_path / 'a.pth')]
    # only the local scheme is ours
    assert CheckpointLoader._get_checkpoint_loader(
        'https://x/a.pth').__module__ == 'mmengine.runner.checkpoint'


# A stock mmaction2 Recognizer3D trained, resumed and loaded by a stock
# mmengine Runner (no config of ours, no hook of ours), in a subprocess.
STOCK_RUN = r"""
import hashlib, json, os, pickle, sys
if sys.argv[1] == 'plugin':
    import mmaction_imr.register  # noqa: F401
else:  # mmaction2 1.2.0 cannot import its models without this one shim
    from mmaction_imr.compat import _shim_drn
    _shim_drn()
import torch
from mmengine.dataset import pseudo_collate
from mmengine.runner import Runner
from mmaction.structures import ActionDataSample
from mmaction.utils import register_all_modules
register_all_modules()
work_dir = sys.argv[2]


def runner(work_dir, epochs, **kwargs):
    g = torch.Generator().manual_seed(0)
    data = [dict(inputs=torch.rand(1, 3, 4, 32, 32, generator=g),
                 data_samples=ActionDataSample().set_gt_label(i % 2))
            for i in range(4)]
    return Runner(
        model=dict(
            type='Recognizer3D',
            backbone=dict(type='ResNet3d', depth=18, pretrained=None,
                          pretrained2d=False, base_channels=4),
            cls_head=dict(type='I3DHead', num_classes=2, in_channels=32),
            data_preprocessor=dict(type='ActionDataPreprocessor',
                                   format_shape='NCTHW')),
        work_dir=work_dir,
        train_dataloader=torch.utils.data.DataLoader(
            data, batch_size=2, collate_fn=pseudo_collate),
        train_cfg=dict(by_epoch=True, max_epochs=epochs),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1)),
        randomness=dict(seed=0), default_scope='mmaction',
        log_level='WARNING', **kwargs)


def digest(model):
    h = hashlib.sha256()
    for k, v in sorted(model.state_dict().items()):
        h.update(k.encode() + v.detach().numpy().tobytes())
    return h.hexdigest()


def scenario(work_dir):
    out = {}
    runner(work_dir, 1).train()
    try:
        r = runner(work_dir, 2, resume=True)
        r.train()
        out['resume'] = digest(r.model)
        r = runner(work_dir + '_load', 2,
                   load_from=os.path.join(work_dir, 'epoch_2.pth'))
        r.load_or_resume()
        out['load_from'] = digest(r.model)
    except pickle.UnpicklingError as err:
        out['error'] = 'UnpicklingError'
    return out


# Each scenario's variables are read when a checkpoint is loaded, so one
# interpreter runs them all (the import of the plugin is what differs).
results = []
for i, env in enumerate(json.loads(sys.argv[3])):
    saved = dict(os.environ)
    os.environ.update(env)
    results.append(scenario(f'{work_dir}-{i}'))
    os.environ.clear()
    os.environ.update(saved)
print(json.dumps(results))
"""


def _stock_runs(tmp_path, plugin, *envs):
    """Run STOCK_RUN once per environment in ``envs``, in one fresh
    interpreter with (``plugin='plugin'``) or without the plugin."""
    import json
    import subprocess
    import sys
    environ = {k: v for k, v in os.environ.items()
               if k not in ('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', TRUST_ENV)}
    out = subprocess.run(
        [sys.executable, '-c', STOCK_RUN, plugin, str(tmp_path / plugin),
         json.dumps(envs)], capture_output=True, text=True, env=environ,
        timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_stock_recognizer_same_with_and_without_plugin(tmp_path):
    force = dict(TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD='1')
    trusted = {TRUST_ENV: str(tmp_path)}
    none_plain, without = _stock_runs(tmp_path, 'none', {}, force)
    plugin_plain, plugin_force, plugin_trusted = _stock_runs(
        tmp_path, 'plugin', {}, force, trusted)
    # Without help, mmengine cannot resume its own checkpoints on this
    # stack, with or without the plugin (the plugin's error is a subclass).
    assert none_plain == {'error': 'UnpicklingError'}
    assert plugin_plain == {'error': 'UnpicklingError'}
    # The way a stock user resumes: torch's switch. The plugin respects it.
    assert without['resume'] == without['load_from']
    assert plugin_force == without
    # Trusting the folder explicitly gives the same weights too.
    assert plugin_trusted == without


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
    err = _import_warnings('import mmaction_imr.register, mmaction.models')
    assert 'MultiScaleDeformableAttention' not in err


# ------------------------------------------------------ CPU distributed
def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


CPU_ONLY = pytest.mark.skipif(
    torch.cuda.is_available(), reason='the shim is for CPU-only machines')


@CPU_ONLY
def test_upstream_pytorch_launcher_still_needs_cuda(monkeypatch):
    from mmengine.dist import utils as dist_utils
    upstream = dist_utils._init_dist_pytorch.upstream
    monkeypatch.setenv('RANK', '0')
    monkeypatch.setenv('LOCAL_RANK', '0')
    with pytest.raises((RuntimeError, AssertionError, AttributeError)):
        upstream('gloo')  # fails in torch.cuda.set_device


@CPU_ONLY
@pytest.mark.parametrize('backend', ['gloo', 'nccl'])
def test_pytorch_launcher_works_on_cpu(monkeypatch, backend):
    import torch.distributed as dist
    from mmengine.dist import init_dist
    monkeypatch.setenv('RANK', '0')
    monkeypatch.setenv('LOCAL_RANK', '0')
    monkeypatch.setenv('WORLD_SIZE', '1')
    monkeypatch.setenv('MASTER_ADDR', '127.0.0.1')
    monkeypatch.setenv('MASTER_PORT', str(_free_port()))
    init_dist('pytorch', backend=backend)  # what the Runner calls
    try:
        assert dist.is_initialized() and dist.get_world_size() == 1
        assert dist.get_backend() == 'gloo'  # nccl needs GPUs
    finally:
        dist.destroy_process_group()


def test_upstream_runner_still_passes_device_ids():
    import inspect

    from mmengine.runner import Runner
    source = inspect.getsource(Runner.wrap_model)
    assert "device_ids=[int(os.environ['LOCAL_RANK'])]" in source
    assert "default_args['device_ids']" in source  # for wrapper configs too


def test_ddp_is_not_patched_and_our_wrapper_takes_cpu_modules(monkeypatch):
    import torch.distributed as dist
    from mmengine.model import BaseModel, MMDistributedDataParallel

    from mmaction.registry import MODEL_WRAPPERS
    assert MMDistributedDataParallel.__init__.__module__ == (
        'mmengine.model.wrappers.distributed')
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

        with pytest.raises(ValueError, match='device_ids'):
            MMDistributedDataParallel(module=Tiny(), device_ids=[0])
        # what Runner.wrap_model does with the configs' model_wrapper_cfg
        from mmengine.config import Config
        from mmengine.registry import MODEL_WRAPPERS as ROOT
        cfg = Config.fromfile(str(PKG.parent / 'configs' / '_base_' /
                                  'default_runtime.py')).model_wrapper_cfg
        assert ROOT.get(cfg.type) is MODEL_WRAPPERS.get(
            'IMRDistributedDataParallel')
        ddp = ROOT.build(cfg, default_args=dict(module=Tiny(),
                                                device_ids=[0]))
        assert ddp.device_ids is None
        assert isinstance(ddp, MMDistributedDataParallel)
    finally:
        dist.destroy_process_group()


# ------------------------------------------------------ config formatting
def _count_formats(monkeypatch, target):
    """Count the calls that reach yapf's FormatCode through ``target``."""
    from yapf.yapflib.yapf_api import FormatCode
    calls = []

    def counting(*args, **kwargs):
        calls.append(1)
        return FormatCode(*args, **kwargs)

    monkeypatch.setattr(*target, counting)
    return calls


def _toy_config():
    from mmengine.config import Config
    return Config.fromfile(str(
        PKG.parent / 'configs' / 'toy' /
        'imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py'))


def test_upstream_still_formats_the_config_each_time(monkeypatch):
    from mmengine.config import config as config_module
    calls = _count_formats(monkeypatch, (config_module, 'FormatCode'))
    cfg = _toy_config()
    cfg.pretty_text
    cfg.pretty_text
    assert len(calls) == 2


def test_config_formatting_is_remembered(monkeypatch):
    from mmengine.config import config as config_module
    shim = config_module.FormatCode
    assert shim.__wrapped__ is not None
    shim.cache.clear()
    calls = _count_formats(monkeypatch, (shim, '__wrapped__'))
    cfg = _toy_config()
    first = cfg.pretty_text
    assert cfg.pretty_text == first and len(calls) == 1
    # A changed config is formatted anew, and correctly.
    cfg.model.cls_head.num_classes = 3
    changed = cfg.pretty_text
    assert len(calls) == 2 and changed != first
    assert 'num_classes=3' in changed.replace(' ', '')
    from yapf.yapflib.yapf_api import FormatCode
    assert shim('x  =  1\n') == FormatCode('x  =  1\n')


# --------------------------------------------------------- ColorJitter hue
def _hued_image():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (8, 8, 3)).astype(np.float32)


def test_upstream_still_overflows_on_a_negative_hue_shift():
    from mmaction.datasets.transforms.processing import ColorJitter
    upstream = ColorJitter.adjust_hue.upstream
    with pytest.raises(OverflowError):
        upstream(_hued_image(), -0.1)


def test_hue_shift_wraps_around_as_with_numpy_1():
    import cv2
    from mmaction.datasets.transforms.processing import ColorJitter
    img = _hued_image()
    hsv = cv2.cvtColor(img.astype(np.uint8), cv2.COLOR_RGB2HSV)
    for factor in (-0.1, 0.1, -0.5, 0.0):
        out = ColorJitter.adjust_hue(img, factor)
        assert out.dtype == np.float32 and out.shape == img.shape
        # numpy 1's answer: the sum in a wider integer type, modulo 180
        want = hsv.copy()
        want[..., 0] = (hsv[..., 0].astype(np.int64) + int(factor * 255)) % 180
        np.testing.assert_array_equal(
            out, cv2.cvtColor(want, cv2.COLOR_HSV2RGB).astype(np.float32))
    # and the transform itself, with hue jitter on, runs on every draw
    np.random.seed(0)
    jitter = ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4,
                         hue=0.1)
    for _ in range(20):
        out = jitter.transform(dict(imgs=[img.copy(), img.copy()]))
        assert all(np.isfinite(x).all() for x in out['imgs'])
