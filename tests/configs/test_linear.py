"""Linear-probe configs: a frozen backbone, and the retrieval views.

The probe trains the head only: after a few optimiser steps built from the
toy config, every backbone parameter and BN statistic is bit-identical.
"""
import copy
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmaction_imr.engine.checkpoint import save_weights_only
from mmaction_imr.evaluation.retrieval_runner import check_retrieval_cfg

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
LINEAR = sorted(glob.glob(osp.join(REPO, 'configs', 'linear', '*.py')))
TOY = osp.join(REPO, 'configs', 'linear',
               'imr_r18-tiny-linear_1xb16-5gop-toy_synthetic-compressed.py')


def test_three_linear_configs():
    names = [osp.basename(p) for p in LINEAR]
    assert len(names) == 3
    assert any('toy_synthetic' in n for n in names)
    assert any('ucf101-split1' in n for n in names)
    assert any('hmdb51-split1' in n for n in names)


@pytest.mark.parametrize('path', LINEAR, ids=osp.basename)
def test_linear_config_freezes_all_and_has_retrieval(path):
    cfg = Config.fromfile(path)
    backbone = cfg.model.backbone
    assert backbone.type == 'IMRResNet3d'
    # stem + 4 stages, in every pathway (the backbone's maximum)
    assert backbone.frozen_stages == 4 and backbone.norm_eval is True
    assert backbone.init_cfg == dict(type='Pretrained',
                                     checkpoint=cfg.pretrained,
                                     prefix='backbone.')
    assert cfg.model.cls_head.dropout_ratio == 0
    spec = check_retrieval_cfg(cfg)
    # train videos are searched, test videos query them
    assert spec['gallery_dataloader']['dataset']['ann_file'] == \
        cfg.train_dataloader.dataset.ann_file
    assert spec['query_dataloader']['dataset']['ann_file'] == \
        cfg.test_dataloader.dataset.ann_file
    init_default_scope('mmaction')
    gallery = spec['gallery_dataloader']['dataset']['pipeline']
    query = spec['query_dataloader']['dataset']['pipeline']
    assert gallery[1]['type'] == 'SampleGOPs' and gallery[1]['num_clips'] == 1
    assert query[1]['type'] == 'DenseSampleGOPs'
    for pipeline in (gallery, query):
        assert len(Compose(pipeline).transforms) == len(pipeline)


def _batch(n=2, size=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    inputs = dict(
        imgs=[torch.randint(0, 255, (1, 3, 5, size, size), generator=g,
                            dtype=torch.uint8) for _ in range(n)],
        motion_vectors=[torch.randn(1, 2, 25, size, size, generator=g)
                        for _ in range(n)],
        residuals=[torch.randn(1, 3, 25, size, size, generator=g) * 10
                   for _ in range(n)])
    samples = [ActionDataSample().set_gt_label(i % 8) for i in range(n)]
    return dict(inputs=inputs, data_samples=samples)


def _train(cfg, steps=2):
    """Build the model (loading the converted backbone), take a few SGD
    steps; return (backbone state before, after, head before, after)."""
    init_default_scope('mmaction')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    before = copy.deepcopy(model.backbone.state_dict())
    head = copy.deepcopy(model.cls_head.state_dict())
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    model.train()
    for step in range(steps):
        model.train_step(_batch(seed=step), wrapper)
    return model, before, head


@pytest.fixture
def toy_cfg(tmp_path):
    """The toy linear config, its backbone file written from a seeded
    network (what tools/convert_pretrained.py would write)."""
    cfg = Config.fromfile(TOY)
    init_default_scope('mmaction')
    torch.manual_seed(123)
    backbone = dict(cfg.model.backbone)
    backbone.pop('init_cfg')
    net = MODELS.build(backbone)
    net.train()
    with torch.no_grad():  # non-trivial BN statistics
        inputs = _batch(2)['inputs']
        net(**{k: torch.cat(v).float() for k, v in inputs.items()})
    path = str(tmp_path / 'backbone.pth')
    save_weights_only({f'backbone.{k}': v for k, v in
                       net.state_dict().items()}, path)
    cfg.model.backbone.init_cfg.checkpoint = path
    return cfg, net.state_dict()


def test_linear_probe_changes_only_the_head(toy_cfg):
    cfg, converted = toy_cfg
    model, before, head = _train(cfg)
    # the converted backbone was loaded ...
    for k, v in converted.items():
        assert torch.equal(before[k], v), k
    # ... and not a single parameter or BN statistic moved
    after = model.backbone.state_dict()
    assert set(after) == set(before)
    changed = [k for k in before if not torch.equal(before[k], after[k])]
    assert changed == []
    assert not any(p.requires_grad for p in model.backbone.parameters())
    bns = [m for m in model.backbone.modules()
           if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    assert bns and not any(m.training for m in bns)
    # the head did learn
    assert not torch.equal(head['fc_cls.weight'],
                           model.cls_head.state_dict()['fc_cls.weight'])


def test_partial_freeze_would_change_the_backbone(toy_cfg):
    # the control: freezing only up to res4 (and BN in train mode) lets
    # res5's weights and statistics move under the same steps
    cfg, _ = toy_cfg
    cfg.model.backbone.frozen_stages = 3
    cfg.model.backbone.norm_eval = False
    model, before, _ = _train(cfg, steps=1)
    after = model.backbone.state_dict()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert any(k.startswith('stages.4.') and 'running_mean' in k
               for k in changed)
    assert any(k.startswith('stages.4.') and k.endswith('conv.weight')
               for k in changed)
    assert not any(k.startswith(('stages.0.', 'stages.3.'))
                   for k in changed)
