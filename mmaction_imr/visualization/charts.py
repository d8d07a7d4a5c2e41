"""Bar charts of a seed summary: mean and spread of each method's metrics."""
from typing import Any, Mapping, Optional, Sequence

import numpy as np


def tick_label(metric: str) -> str:
    """A metric path as a short two-line axis label: the JSON wrappers
    (``metrics/``, ``retrieval/``) dropped, the last part on its own line
    (``metrics/retrieval/two_stream/R@1`` -> ``two_stream\nR@1``)."""
    parts = [p for p in metric.split('/') if p not in ('metrics', 'retrieval')]
    if len(parts) < 2:
        return '/'.join(parts) or metric
    return '/'.join(parts[:-1]) + '\n' + parts[-1]


def draw_summary_bars(summary: Mapping[str, Mapping[str, Mapping[str, Any]]],
                      metrics: Sequence[str],
                      title: Optional[str] = None,
                      width: float = 9.0) -> np.ndarray:
    """One group of bars per metric, one bar per variant (method).

    Each bar is the mean over the runs, its error bar one sample standard
    deviation, and the runs themselves are drawn as dots, so that 3 seeds
    are seen as 3 seeds. A variant without a metric has no bar there.

    Args:
        summary: ``{variant: {metric: {mean, std, values, ...}}}`` as
            :func:`mmaction_imr.analysis.seeds.summarize_runs` returns it.
        metrics: The metrics to draw, in order.
        title: Drawn above the chart.
        width: Figure width in inches (100 dpi).

    Returns:
        np.ndarray: The chart, RGB ``uint8`` of shape ``[H, W, 3]``.
    """
    import matplotlib
    matplotlib.use('Agg', force=False)
    import matplotlib.pyplot as plt

    if not metrics:
        raise ValueError('no metric to draw')
    variants = list(summary)
    fig, ax = plt.subplots(figsize=(width, 4.6), dpi=100)
    group = 0.8 / max(len(variants), 1)
    cmap = plt.get_cmap('tab10')
    for v, variant in enumerate(variants):
        xs, means, stds = [], [], []
        for m, metric in enumerate(metrics):
            entry = summary[variant].get(metric)
            if not entry:
                continue
            x = m - 0.4 + group * (v + 0.5)
            xs.append(x)
            means.append(entry['mean'])
            stds.append(entry.get('std') or 0.0)
            values = entry.get('values') or []
            ax.scatter([x] * len(values), values, s=9, color='black',
                       zorder=3)
        ax.bar(xs, means, group * 0.9, yerr=stds, capsize=3,
               color=cmap(v % 10), label=variant, zorder=2)
    ax.set_xticks(range(len(metrics)))
    ax.set_xticklabels([tick_label(m) for m in metrics], fontsize=8)
    ax.set_ylabel('mean over seeds (error bar: std; dots: runs)')
    ax.grid(axis='y', alpha=0.3, zorder=0)
    ax.legend(fontsize=8, ncol=min(len(variants), 5), loc='upper center',
              bbox_to_anchor=(0.5, -0.16), frameon=False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
    plt.close(fig)
    return image
