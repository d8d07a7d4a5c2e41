"""configs/_base_/default_runtime.py: the scalar log always, TensorBoard
when it is installed (faked here: the suite downloads nothing and the
tested environment has no tensorboard)."""
import importlib.machinery
import os.path as osp
import sys
import types

import pytest
from mmengine.config import Config
from mmengine.registry import VISBACKENDS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
RUNTIME = osp.join(REPO, 'configs', '_base_', 'default_runtime.py')
TOY = osp.join(REPO, 'configs', 'toy',
               'imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py')


@pytest.fixture
def tensorboard(monkeypatch):
    """``tensorboard(installed)``: make ``find_spec('tensorboard')`` see the
    package or not, whatever is installed."""

    def fake(installed: bool):
        module = None  # sys.modules[name] = None: "not importable"
        if installed:
            module = types.ModuleType('tensorboard')
            module.__spec__ = importlib.machinery.ModuleSpec(
                'tensorboard', None)
        monkeypatch.setitem(sys.modules, 'tensorboard', module)

    return fake


def backends(cfg):
    return [b['type'] for b in cfg.visualizer.vis_backends]


def test_scalar_log_only_without_tensorboard(tensorboard):
    tensorboard(False)
    cfg = Config.fromfile(RUNTIME)
    assert cfg.vis_backends == [dict(type='LocalVisBackend')]
    assert backends(cfg) == ['LocalVisBackend']
    # the helper is gone: the config dumps and loads back as it was
    assert '_find_spec' not in cfg and '_find_spec' not in cfg.pretty_text


def test_tensorboard_added_when_importable(tensorboard, tmp_path):
    tensorboard(True)
    cfg = Config.fromfile(TOY)  # inherited by every config
    assert backends(cfg) == ['LocalVisBackend', 'TensorboardVisBackend']
    dumped = str(tmp_path / 'config.py')
    cfg.dump(dumped)
    tensorboard(False)  # a dumped config keeps what its run used
    assert backends(Config.fromfile(dumped)) == [
        'LocalVisBackend', 'TensorboardVisBackend']
    for backend in cfg.visualizer.vis_backends:
        # mmengine's names; TensorBoard itself is imported on first use
        built = VISBACKENDS.build(dict(backend, save_dir=str(tmp_path)))
        assert type(built).__name__ == backend['type']
