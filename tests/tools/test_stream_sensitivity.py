"""Tests of tools/analysis/stream_sensitivity.py: a tiny IMRSelfSup on two
real videos, from a config and a checkpoint file."""
import json
import os.path as osp

import pytest
import torch

from mmaction.registry import MODELS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'stream_sensitivity.py')
BASE = osp.join(ROOT, 'configs', 'toy',
                'imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py')
VIDEOS = ('xvid_320x240_test.avi', 'h264_340x256_test.mp4')


@pytest.fixture(scope='module')
def setup(testdata_dir, tmp_path_factory):
    """A toy pretraining config without lateral fusion, its val split = two
    real videos in one batch, and a weights-only checkpoint of it."""
    tmp = tmp_path_factory.mktemp('sensitivity')
    ann = tmp / 'val.txt'
    ann.write_text(''.join(f'{v} 0\n' for v in VIDEOS))
    cfg = tmp / 'cfg.py'
    cfg.write_text(
        f'_base_ = [{BASE!r}]\n'
        'model = dict(backbone=dict(fusion=None))\n'
        'val_dataloader = dict(batch_size=2, num_workers=0, '
        'persistent_workers=False, dataset=dict('
        f'ann_file={str(ann)!r}, data_prefix=dict(video={testdata_dir!r})))\n')
    from mmengine.config import Config
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(str(cfg)).model)
    ckpt = tmp / 'weights.pth'
    torch.save({'state_dict': model.state_dict()}, ckpt)
    return str(cfg), str(ckpt), model


def test_json_on_a_model_without_fusion(tool, setup, capsys):
    cfg, ckpt, _ = setup
    assert tool.main([cfg, ckpt, '--json', '--batches', '3']) == 0
    res = json.loads(capsys.readouterr().out)
    assert res['clips'] == 2 and res['batches'] == 1
    assert res['layers'] == ['conv1', 'res2', 'res3', 'res4', 'output']
    assert res['swaps'] == {'imgs': ['imgs'],
                            'p_streams': ['motion_vectors', 'residuals']}
    sens = res['sensitivity']
    for layer in res['layers']:
        # no fusion: swapping P leaves the I pathway exactly unchanged
        assert sens['p_streams'][layer]['imgs'] == 0
        assert sens['imgs'][layer]['motion_vectors'] == 0
        assert sens['imgs'][layer]['imgs'] > 0
    assert sens['p_streams']['output']['motion_vectors'] > 0


def test_table_and_a_backbone_only_checkpoint(tool, setup, tmp_path,
                                               capsys):
    cfg, _, model = setup
    ckpt = tmp_path / 'backbone.pth'  # what tools/convert_pretrained.py keeps
    torch.save({'state_dict': {f'backbone.{k}': v for k, v in
                               model.backbone.state_dict().items()}}, ckpt)
    assert tool.main([cfg, str(ckpt), '--no-stages']) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[3].split()[:2] == ['layer', 'pathway']
    assert [line.split()[:2] for line in out[4:]] == [
        ['output', 'imgs'], ['output', 'motion_vectors'],
        ['output', 'residuals']]


def test_errors(tool, setup, tmp_path, capsys):
    cfg, _, _ = setup
    heads_only = tmp_path / 'heads.pth'
    torch.save({'state_dict': {'ctp_head.mlp.0.weight': torch.zeros(1)}},
               heads_only)
    assert tool.main([cfg, str(heads_only)]) == 1
    assert 'backbone weights missing' in capsys.readouterr().err
    assert tool.main([cfg, str(tmp_path / 'none.pth')]) == 1
    assert 'none.pth' in capsys.readouterr().err
    # a full pickle is refused unless trusted
    full = tmp_path / 'full.pth'
    torch.save({'state_dict': {}, 'meta': {'obj': object}}, full)
    assert tool.main([cfg, str(full)]) == 1
    assert 'trust' in capsys.readouterr().err


def test_help_and_usage(tool, capsys):
    with pytest.raises(SystemExit) as ok:
        tool.parse_args(['--help'])
    assert ok.value.code == 0 and 'roll by one' in capsys.readouterr().out
    with pytest.raises(SystemExit) as bad:
        tool.parse_args(['a.py', 'b.pth', '--batches', '0'])
    assert bad.value.code == 2
    assert '--batches must be >= 1' in capsys.readouterr().err
