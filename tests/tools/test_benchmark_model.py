"""tools/analysis/benchmark_model.py: tiny sizes, the JSON has every figure
(no timing asserts)."""
import importlib.util
import json
import os.path as osp

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'benchmark_model.py')


def load_tool():
    spec = importlib.util.spec_from_file_location('benchmark_model', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_json_figures_per_model_and_batch(capsys):
    tool = load_tool()
    assert tool.main(['--models', 'imr_r18', 'tsn_r50', '--size', '32',
                      '--batch-sizes', '1', '2', '--repeats', '1',
                      '--num-classes', '5', '--json']) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert out['device'] == 'cpu' and out['size'] == 32
    assert set(out['models']) == {'imr_r18', 'tsn_r50'}
    imr, tsn = out['models']['imr_r18'], out['models']['tsn_r50']
    assert imr['frames'] == 30 and tsn['frames'] == 8
    for r in (imr, tsn):
        assert r['params'] > 0 and r['macs'] > 0
        assert set(r['batches']) == {'1', '2'}
        for b in r['batches'].values():
            assert b['forward'] > 0 and b['train'] > 0
            assert b['forward_peak'] >= 0 and b['train_peak'] >= 0


def test_every_model_builds_and_runs_forward():
    from mmaction_imr.analysis.model_benchmark import (MODEL_NAMES,
                                                       build_benchmark_model,
                                                       clip_inputs)
    tool = load_tool()
    for name in MODEL_NAMES:
        module, kind, streams = build_benchmark_model(name, tool.IMR_CONFIGS,
                                                      num_classes=3)
        logits = module.eval()(*clip_inputs(kind, 2, 32, streams))
        assert logits.shape == (2, 3), name


def test_table_output(capsys):
    tool = load_tool()
    assert tool.main(['--models', 'imr_r18', '--size', '32', '--batch-sizes',
                      '1', '--repeats', '1', '--no-flops']) == 0
    out = capsys.readouterr().out
    assert out.startswith('imr_r18: ') and 'batch 1: forward' in out
    assert 'GMACs' not in out


@pytest.mark.parametrize('argv', [['--models', 'vit'], ['--repeats', '0'],
                                  ['--batch-sizes', '0'], ['--size', '8']])
def test_usage_errors(argv):
    with pytest.raises(SystemExit) as exc:
        load_tool().parse_args(argv)
    assert exc.value.code == 2
