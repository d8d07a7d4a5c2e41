"""tools/retrieval.py: usage, errors, and a real small run (marker e2e)."""
import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmaction.registry import MODELS
from mmaction_imr.engine.checkpoint import save_weights_only

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(REPO, 'tools', 'retrieval.py')
TOY = osp.join(REPO, 'configs', 'linear',
               'imr_r18-tiny-linear_1xb16-5gop-toy_synthetic-compressed.py')


def _tool():
    spec = importlib.util.spec_from_file_location('retrieval_tool', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _backbone(path, seed=0):
    """A weights-only backbone file of the toy config's architecture, as
    tools/convert_pretrained.py writes it."""
    cfg = Config.fromfile(TOY)
    backbone = dict(cfg.model.backbone)
    backbone.pop('init_cfg')
    init_default_scope('mmaction')
    torch.manual_seed(seed)
    net = MODELS.build(backbone)
    net.init_weights()
    save_weights_only({f'backbone.{k}': v
                       for k, v in net.state_dict().items()}, path)
    return net


def test_help_and_usage_errors(run_script):
    code, out, _ = run_script(TOOL, '--help')
    assert code == 0 and 'Recall@k' in out
    with pytest.raises(SystemExit) as err:
        _tool().main([TOY, 'x.pth', '--num-show', '-1'])
    assert err.value.code == 2


def test_missing_label_file_exits_1_first(tmp_path, capsys):
    # before any feature is computed (the checkpoint is not even read)
    missing = str(tmp_path / 'classes.txt')
    assert _tool().main([TOY, 'x.pth', '--label-file', missing]) == 1
    assert f'--label-file {missing}: no such file' in capsys.readouterr().err


def test_config_without_retrieval_exits_1(tmp_path, capsys):
    cfg = tmp_path / 'plain.py'
    cfg.write_text("model = dict(type='MMRecognizer3D')\n")
    assert _tool().main([str(cfg), 'x.pth']) == 1
    assert 'no `retrieval` dict' in capsys.readouterr().err


def test_untrusted_full_checkpoint_exits_1(tmp_path, capsys):
    net = _backbone(str(tmp_path / 'b.pth'))
    full = str(tmp_path / 'epoch_1.pth')
    # an mmengine-like training checkpoint: a full pickle
    torch.save(dict(state_dict={f'backbone.{k}': v for k, v in
                                net.state_dict().items()},
                    meta=dict(obj=object.__new__(torch.nn.Identity))), full)
    assert _tool().main([TOY, full]) == 1
    assert '--trust-checkpoint' in capsys.readouterr().err


@pytest.fixture(scope='module')
def synthetic(tmp_path_factory):
    from mmaction_imr.prepare.synthetic import (make_synthetic,
                                                synthetic_params)
    out = str(tmp_path_factory.mktemp('synthetic'))
    # 72 frames = 6 GOPs of 12: two query clips of 5 GOPs at stride 1
    make_synthetic(out, synthetic_params(per_class=(1, 1, 0), size=(96, 64),
                                         frames=72))
    return out


@pytest.mark.e2e
def test_retrieval_run(synthetic, tmp_path):
    ckpt = str(tmp_path / 'backbone.pth')
    _backbone(ckpt)
    videos = osp.join(synthetic, 'videos')
    show = str(tmp_path / 'vis')
    opts = []
    for role, ann in (('gallery', 'train'), ('query', 'val')):
        key = f'retrieval.{role}_dataloader'
        opts += [f'{key}.dataset.ann_file={synthetic}/{ann}.txt',
                 f'{key}.dataset.data_prefix.video={videos}',
                 f'{key}.num_workers=0', f'{key}.batch_size=4']
    proc = subprocess.run(
        [sys.executable, TOOL, TOY, ckpt, '--json', '--show-dir', show,
         '--num-show', '2', '--label-file', f'{synthetic}/classes.txt',
         '--cfg-options', *opts],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    assert result['num_queries'] == 8 and result['num_gallery'] == 8
    assert result['query_clips_mean'] == 2.0
    metrics = result['metrics']
    for name in ('', 'imgs/', 'motion_vectors/', 'residuals/'):
        values = [metrics[f'retrieval/{name}R@{k}']
                  for k in (1, 5, 10, 20, 50)]
        assert all(0 <= v <= 1 for v in values)
        assert values == sorted(values)  # recall grows with k
        assert values[-1] == 1.0  # k >= gallery size: every class found
    pictures = sorted(os.listdir(show))
    # named after the query videos: <class>/val_0000.mp4, one per class,
    # so the folder tells them apart
    classes = open(f'{synthetic}/classes.txt').read().split()
    assert len(pictures) == 2
    assert all(p[:-len('_val_0000.png')] in classes and
               p.endswith('_val_0000.png') for p in pictures), pictures
    assert sorted(result['pictures']) == [osp.join(show, p)
                                          for p in pictures]
    import cv2
    img = cv2.imread(osp.join(show, pictures[0]))
    # a key line, the query and 5 neighbours, 56 px crops shown at 168 px
    assert img.shape[0] > 6 * 168 and img.shape[1] > 5 * 168
