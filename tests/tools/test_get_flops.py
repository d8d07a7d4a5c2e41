"""Tests of tools/analysis/get_flops.py on configs/_base_/models/imr_r18.py
with a tiny override (and a temporary config that inherits it)."""
import os.path as osp

import pytest
import torch
import torch.nn as nn

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'get_flops.py')
CFG = osp.join(ROOT, 'configs', '_base_', 'models', 'imr_r18.py')
TINY = ['model.backbone.base_channels=16', 'model.backbone.kappa=2',
        'model.cls_head.in_channels=[128,8,8]']


def _hand_count(model, inputs):
    """Multiply-adds of convs/deconvs/linears/BN from forward hooks."""
    total = dict(conv=0, linear=0, batch_norm=0)

    def hook(m, args, out):
        k = getattr(m, 'kernel_size', None)
        if isinstance(m, nn.Conv3d):
            total['conv'] += out.numel() * m.in_channels * k[0] * k[1] * k[2]
        elif isinstance(m, nn.ConvTranspose3d):
            total['conv'] += (args[0].numel() * m.out_channels * k[0] * k[1] *
                              k[2])
        elif isinstance(m, nn.Linear):
            total['linear'] += out.numel() * m.in_features
        elif isinstance(m, nn.modules.batchnorm._BatchNorm):
            total['batch_norm'] += 2 * out.numel()  # eval: scale + shift

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    with torch.no_grad():
        model.cls_head(model.backbone(*inputs))
    for h in handles:
        h.remove()
    return total


def test_known_answer_count(tool):
    opts = {'model.backbone.base_channels': 16, 'model.backbone.kappa': 2,
            'model.cls_head.in_channels': [128, 8, 8]}
    model, cfg = tool.build_model(CFG, opts)
    res = tool.count_complexity(model, cfg, 2, 32, 32)
    inputs = (torch.randn(1, 3, 2, 32, 32), torch.randn(1, 2, 4, 32, 32),
              torch.randn(1, 3, 4, 32, 32))
    hand = _hand_count(model, inputs)
    assert res['by_operator'] == hand
    assert res['macs'] == sum(hand.values())
    assert res['frames'] == 2 + 2 * 2
    assert res['params'] == sum(p.numel() for p in model.parameters())
    parts = res['breakdown']
    assert parts['pathway imgs'][0] > parts['pathway motion_vectors'][0] > 0
    assert parts['fusion i_to_p'][0] > 0 and parts['fusion gates'][1] > 0
    # the parts add up to the whole (BN and head included)
    assert sum(m for m, _ in parts.values()) == res['macs']


def test_cli_last_line(tool, capsys):
    assert tool.main([CFG, '--shape', '2', '32', '32', '--cfg-options',
                      *TINY]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith('GFLOPs/frame: ')
    per_frame = float(lines[-1].split(': ')[1])
    clip = float(next(x for x in lines if x.startswith('GMACs/clip'))
                 .split(': ')[1])
    assert per_frame == pytest.approx(clip / 6, abs=1e-4)


def test_cli_with_config_file_and_subset(tool, tmp_path, capsys):
    cfg = tmp_path / 'tiny_i_only.py'
    cfg.write_text(
        f"_base_ = [{CFG!r}]\n"
        "model = dict(backbone=dict(base_channels=16, kappa=2, "
        "streams=('imgs',), fusion=None),\n"
        "             cls_head=dict(in_channels=(128, )))\n")
    assert tool.main([str(cfg), '--shape', '2', '32', '32']) == 0
    out = capsys.readouterr().out
    assert 'pathway motion_vectors' not in out and '2 frames per clip' in out


def test_cli_errors(tool, tmp_path, capsys):
    assert tool.main([str(tmp_path / 'missing.py')]) == 1
    assert 'missing.py' in capsys.readouterr().err
    bad = tmp_path / 'bad.py'
    bad.write_text("model = dict(type='MMRecognizer3D', backbone=dict("
                   "type='IMRResNet3d', fusion=dict(type='IMRLateralFusion',"
                   " connection='both')))\n")
    assert tool.main([str(bad)]) == 1
    assert 'connection' in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        tool.main([CFG, '--shape', '5'])
    assert e.value.code == 2


def test_dummy_inputs_follow_the_stream_table():
    from mmaction_imr.analysis.flops import dummy_inputs
    xs = dummy_inputs(('residuals', 'imgs'), num_gops=2, kappa=3, height=8,
                      width=6)
    # Canonical order (imgs first); P streams have T * kappa frames.
    assert [x.shape for x in xs] == [torch.Size([1, 3, 2, 8, 6]),
                                     torch.Size([1, 3, 6, 8, 6])]
    with pytest.raises(ValueError, match='streams'):
        dummy_inputs(('iframes', ), 2, 3, 8, 6)
