"""Seed-summary bar charts: readable axis labels, one bar per variant."""
import numpy as np

from mmaction_imr.visualization.charts import draw_summary_bars, tick_label


def test_tick_labels_drop_the_json_wrappers():
    assert tick_label('metrics/retrieval/two_stream/R@1') == 'two_stream\nR@1'
    assert tick_label('linear_mv/acc/top1') == 'linear_mv/acc\ntop1'
    assert tick_label('metrics/retrieval/R@5') == 'R@5'
    assert tick_label('loss') == 'loss'


def test_chart_draws_every_variant():
    summary = {v: {'a/top1': dict(mean=m, std=0.01, values=[m - .01, m + .01])}
               for v, m in (('x', 0.2), ('y', 0.6))}
    image = draw_summary_bars(summary, ['a/top1'], title='t')
    assert image.dtype == np.uint8 and image.shape[2] == 3
    assert image.shape[0] == 460 and image.shape[1] == 900
    # the two variants' bars: tab10 blue and orange pixels are present
    flat = image.reshape(-1, 3).astype(int)
    for colour in ((31, 119, 180), (255, 127, 14)):
        assert (np.abs(flat - colour).sum(1) < 10).any(), colour
