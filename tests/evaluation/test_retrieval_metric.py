"""VideoRetrievalRecall: registered, used through mmengine's Evaluator."""
import pytest
import torch
from mmengine.evaluator import Evaluator
from mmengine.registry import init_default_scope

from mmaction.registry import METRICS
from mmaction_imr.evaluation import VideoRetrievalRecall
from mmaction_imr.evaluation.features import VideoFeatures


def _sets(wrong_mv=False):
    """Two videos per class in the gallery, one query per class; the motion
    feature of the queries points at the wrong class when ``wrong_mv``."""
    e = torch.eye(4)
    g_labels = torch.tensor([0, 0, 1, 1])
    q_labels = torch.tensor([0, 1])
    g_rgb, q_rgb = e[[0, 0, 1, 1]], e[[0, 1]]
    g_mv, q_mv = e[[2, 2, 3, 3]], e[[3, 2]] if wrong_mv else e[[2, 3]]
    gallery = VideoFeatures(
        dict(embedding=torch.cat([g_rgb, g_mv], 1), rgb=g_rgb, mv=g_mv),
        g_labels)
    query = VideoFeatures(
        dict(embedding=torch.cat([q_rgb, q_mv], 1), rgb=q_rgb, mv=q_mv),
        q_labels)
    return gallery, query


def _evaluate(metric_cfg, gallery, query):
    init_default_scope('mmaction')
    evaluator = Evaluator(metric_cfg)
    samples = gallery.data_samples('gallery') + query.data_samples('query')
    # in batches, as a loop would feed them
    for i in range(0, len(samples), 3):
        evaluator.process(samples[i:i + 3])
    return evaluator.evaluate(len(samples))


def test_registered():
    assert METRICS.get('VideoRetrievalRecall') is VideoRetrievalRecall


def test_through_evaluator_keys_and_values():
    gallery, query = _sets(wrong_mv=True)
    metrics = _evaluate(
        dict(type='VideoRetrievalRecall', topk=(1, 2),
             combined=dict(two_stream=('rgb', 'mv'))), gallery, query)
    assert list(metrics)[:2] == ['retrieval/R@1', 'retrieval/R@2']
    assert metrics['retrieval/rgb/R@1'] == 1.0
    assert metrics['retrieval/mv/R@1'] == 0.0
    # k=3 would reach the other class; at k=2 the wrong mv stays wrong
    assert metrics['retrieval/mv/R@2'] == 0.0
    assert set(metrics) == {
        f'retrieval/{n}R@{k}' for n in ('', 'rgb/', 'mv/', 'two_stream/')
        for k in (1, 2)}


def test_identical_sets_recall_one():
    gallery, _ = _sets()
    query = VideoFeatures(gallery.features, gallery.labels)
    metrics = _evaluate(dict(type='VideoRetrievalRecall', topk=(1, )),
                        gallery, query)
    assert metrics['retrieval/R@1'] == 1.0


def test_errors():
    metric = VideoRetrievalRecall()
    with pytest.raises(ValueError, match='retrieval_set'):
        metric.process(None, [dict(features=dict(embedding=torch.ones(2)),
                                   gt_label=torch.tensor([0]))])
    with pytest.raises(ValueError, match='gt_label'):
        metric.process(None, [dict(features=dict(embedding=torch.ones(2)),
                                   retrieval_set='query')])
    metric.process(None, [dict(features=dict(embedding=torch.ones(2)),
                               gt_label=torch.tensor([0]),
                               retrieval_set='query')])
    with pytest.raises(ValueError, match='query and gallery'):
        metric.compute_metrics(metric.results)
    with pytest.raises(ValueError, match='topk'):
        VideoRetrievalRecall(topk=())
