"""Every shipped config loads, and its model and pipelines build.

Paper-scale configs cannot be trained here (no GPU, no Kinetics), so this is
what keeps them from rotting: a renamed argument or registry name fails
here, not on somebody's cluster.
"""
import glob
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = sorted(
    p for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                         recursive=True) if '_base_' not in p)


def test_configs_found():
    assert len(CONFIGS) >= 20


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.relpath(p, REPO) for p in CONFIGS])
def test_config_builds(path):
    from mmaction.registry import MODELS
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmaction'
    assert cfg.custom_imports['imports'] == ['mmaction_imr.register']
    init_default_scope('mmaction')
    model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) > 0
    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader')
        if loader is None:
            continue
        datasets = [loader['dataset']]
        while any('pipeline' not in ds for ds in datasets):
            # unwrap ConcatDataset / RepeatDataset
            datasets = [inner for ds in datasets for inner in (
                [ds] if 'pipeline' in ds else ds.get('datasets') or
                [ds['dataset']])]
        for ds in datasets:
            pipeline = Compose(ds['pipeline'])
            assert len(pipeline.transforms) == len(ds['pipeline'])
    retrieval = cfg.get('retrieval')
    if retrieval is not None:
        for key in ('gallery_dataloader', 'query_dataloader'):
            steps = retrieval[key]['dataset']['pipeline']
            assert len(Compose(steps).transforms) == len(steps)
