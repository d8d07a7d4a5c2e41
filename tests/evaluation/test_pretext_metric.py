"""Tests of PretextAccuracy (mmaction_imr/evaluation/pretext_metric.py)."""
import numpy as np
import pytest
import torch

from mmaction.registry import METRICS
from mmaction_imr.pretext import pmsp_levels


def sample(pred_pmsp=None, gt_pmsp=None, pred_ctp=None, gt_ctp=None):
    d = {}
    if pred_pmsp is not None:
        d.update(pred_pmsp=torch.as_tensor(pred_pmsp)[None],
                 gt_pmsp=torch.as_tensor(gt_pmsp)[None])
    if pred_ctp is not None:
        d.update(pred_ctp=torch.tensor([pred_ctp]),
                 gt_ctp=torch.tensor([gt_ctp]))
    return d


def test_known_answers():
    metric = METRICS.build(dict(type='PretextAccuracy'))
    levels = pmsp_levels(5)
    gt = np.zeros(27, np.int64)
    # clip 1: all right; clip 2: wrong on t=5 n=0 of s=2 and on all of s=4
    wrong = np.zeros(27, np.int64)
    for k, lv in enumerate(levels):
        if (lv.s == 2 and lv.t == 5 and lv.n == 0) or lv.s == 4:
            wrong[k] = 1
    metric.process(None, [sample(gt, gt, 1, 1), sample(wrong, gt, 2, 3)])
    res = metric.compute_metrics(metric.results)
    assert res['pmsp/acc_s2_t1'] == 1.0
    assert res['pmsp/acc_s2_t5'] == pytest.approx(0.9)  # (1 + 4/5) / 2
    assert res['pmsp/acc_s4_t3'] == 0.5 and res['pmsp/acc_s3_t5'] == 1.0
    assert len([k for k in res if k.startswith('pmsp/acc_s')]) == 9
    want_mean = np.mean([1, 1, 0.9, 1, 1, 1, .5, .5, .5])
    assert res['pmsp/acc_mean'] == pytest.approx(want_mean)
    # summary keys first (save_best='auto' uses the first key)
    assert list(res)[:2] == ['pmsp/acc_mean', 'ctp/acc']
    assert res['ctp/acc'] == 0.5


def test_views_and_ctp_only():
    metric = METRICS.build(dict(type='PretextAccuracy'))
    metric.process(None, [dict(pred_ctp=torch.tensor([0, 1, 2]),
                               gt_ctp=torch.tensor([0, 1, 3]))])
    res = metric.compute_metrics(metric.results)
    assert res == {'ctp/acc': pytest.approx(2 / 3)}


def test_wrong_layout_raises():
    metric = METRICS.build(dict(type='PretextAccuracy', temporal=(1, 3)))
    with pytest.raises(ValueError, match='columns'):
        metric.process(None, [sample(np.zeros(27), np.zeros(27))])
    with pytest.raises(ValueError, match='neither'):
        metric.process(None, [dict(pred_score=torch.zeros(3))])


def test_baseline_pretexts():
    """Rotation and AOT predictions are scored like CTP's, after it."""
    metric = METRICS.build(dict(type='PretextAccuracy'))
    metric.process(None, [
        dict(pred_rotation=torch.tensor([0, 3]), gt_rotation=torch.tensor(
            [0, 1]), pred_aot=torch.tensor([1, 0]),
             gt_aot=torch.tensor([1, 0])),
        dict(pred_rotation=torch.tensor([2, 2]),
             gt_rotation=torch.tensor([2, 2]))
    ])
    res = metric.compute_metrics(metric.results)
    assert list(res) == ['rotation/acc', 'aot/acc']
    assert res['rotation/acc'] == pytest.approx(3 / 4)
    assert res['aot/acc'] == 1.0
