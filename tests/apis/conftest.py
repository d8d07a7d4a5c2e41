"""A small real video and tiny configs for the tests of the inference API
and of the scripts built on it (demo/demo.py, tools/visualize_pmsp.py)."""
import importlib.util
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmaction.registry import MODELS
from mmaction_imr.streams import STREAM_KEYS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
#: The test pipeline of the tiny configs: the paper's
#: (configs/_base_/datasets/compressed_video.py, decode and packing steps as
#: they are), at 32 px.
_PAPER = Config.fromfile(
    osp.join(ROOT, 'configs', '_base_', 'datasets',
             'compressed_video.py')).to_dict()['test_pipeline']
TEST_PIPELINE = [
    *_PAPER[:3],
    dict(type='CompressedResize', scale=(-1, 32)),
    dict(type='CompressedThreeCrop', crop_size=32),
    *_PAPER[-2:]
]
BACKBONE = dict(type='IMRResNet3d', depth=18, base_channels=8,
                channel_ratio=4, kappa=5)
OUT_CHANNELS = (64, 16, 16)
RECOGNIZER = dict(
    type='MMRecognizer3D', backbone=BACKBONE,
    cls_head=dict(type='IMRClsHead', num_classes=4,
                  in_channels=OUT_CHANNELS, average_clips='prob'),
    data_preprocessor=dict(
        type='MultiModalDataPreprocessor',
        preprocessors={k: dict(type='ActionDataPreprocessor',
                               format_shape='NCTHW') for k in STREAM_KEYS}))
SELFSUP = dict(type='IMRSelfSup', backbone=BACKBONE,
               pmsp_head=dict(type='PMSPHead', in_channels=OUT_CHANNELS,
                              hidden_channels=8))


def square_video(path, n=60, size=96):
    """MPEG-4, GOP 12, no B-frames, 5 GOPs: a textured square that moves
    back and forth inside the bottom-right quarter only, on a still
    textured background (so every motion boundary is in that quarter)."""
    import cv2

    from mmaction_imr.prepare.writer import write_video
    rng = np.random.default_rng(0)

    def texture(h, w, lo, hi):
        t = cv2.GaussianBlur(rng.random((h, w), np.float32), (0, 0), 1.5)
        t = lo + (t - t.min()) / (t.max() - t.min()) * (hi - lo)
        return np.repeat(t.astype(np.uint8)[..., None], 3, axis=2)

    bg, sq = texture(size, size, 20, 120), texture(24, 24, 120, 250)
    frames = []
    for i in range(n):
        f = bg.copy()
        step = i % 12 if (i // 12) % 2 == 0 else 11 - i % 12
        x = 54 + step * 1.5
        f[60:84, int(x):int(x) + 24] = sq
        frames.append(f)
    write_video(path, frames, fps=30)
    return path


@pytest.fixture(scope='session')
def video(tmp_path_factory):
    return square_video(str(tmp_path_factory.mktemp('api') / 'square.mp4'))


def write_config(path, model):
    path.write_text(f'model = {model!r}\ntest_pipeline = {TEST_PIPELINE!r}\n'
                    "default_scope = 'mmaction'\n")
    return str(path)


def write_weights(path, model_cfg, seed=0):
    """A weights-only checkpoint of a freshly initialised model."""
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')  # data preprocessors are mmaction's
    torch.manual_seed(seed)
    model = MODELS.build(model_cfg)
    model.init_weights()
    torch.save({'state_dict': model.state_dict()}, str(path))
    return str(path), model


@pytest.fixture
def recognizer_files(tmp_path):
    cfg = write_config(tmp_path / 'recognizer.py', RECOGNIZER)
    ckpt, model = write_weights(tmp_path / 'recognizer.pth', RECOGNIZER)
    return cfg, ckpt, model


@pytest.fixture
def selfsup_files(tmp_path):
    cfg = write_config(tmp_path / 'selfsup.py', SELFSUP)
    ckpt, model = write_weights(tmp_path / 'selfsup.pth', SELFSUP)
    return cfg, ckpt, model


@pytest.fixture
def recognizer_cfg():
    """The tiny recognizer's model config (a fresh copy)."""
    import copy
    return copy.deepcopy(RECOGNIZER)


@pytest.fixture
def test_pipeline():
    """The tiny configs' test pipeline (a fresh copy)."""
    import copy
    return copy.deepcopy(TEST_PIPELINE)


@pytest.fixture
def script():
    """Load a script of the repository (path from its root) as a module, so
    that a test calls its ``main(argv)`` in this process."""

    def load(path):
        name = osp.splitext(osp.basename(path))[0]
        spec = importlib.util.spec_from_file_location(
            f'script_{name}', osp.join(ROOT, path))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load
