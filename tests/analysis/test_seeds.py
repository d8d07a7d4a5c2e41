"""Tests of mmaction_imr/analysis/seeds.py."""
import math

import pytest

from mmaction_imr.analysis.seeds import (flatten_metrics, format_summary,
                                         summarize_runs)


def test_flatten_keeps_numbers_only():
    flat = flatten_metrics({'ctp/acc': 0.5, 'config': 'a.py', 'ok': True,
                            'layers': ['output'], 'sensitivity': {
                                'imgs': {'output': {'imgs': 0.25}}}})
    assert flat == {'ctp/acc': 0.5, 'sensitivity/imgs/output/imgs': 0.25}


def test_mean_and_sample_std():
    runs = {'a': [{'x': 1., 'y': 2.}, {'x': 3.}, {'x': 5., 'y': math.nan}],
            'b': [{'x': 0.4}]}
    out = summarize_runs(runs)
    assert out['a']['x']['mean'] == 3 and out['a']['x']['std'] == 2
    assert out['a']['x']['values'] == [1, 3, 5]
    assert (out['a']['x']['min'], out['a']['x']['max']) == (1, 5)
    assert out['a']['y'] == dict(mean=2., std=0., min=2., max=2., n=1,
                                 values=[2.])  # NaN and absent left out
    assert out['b']['x']['std'] == 0 and out['b']['x']['n'] == 1
    table = format_summary(out, ['x', 'y'], digits=2).splitlines()
    assert table[2] == '| a | 3.00 ± 2.00 (3) | 2.00 ± 0.00 (1) |'
    assert table[3] == '| b | 0.40 ± 0.00 (1) | - |'
    with pytest.raises(ValueError):
        summarize_runs({'a': [{'x': 'text'}]})
