"""Mean and spread of run metrics over seeds (behind
``tools/analysis/summarize_seeds.py``).

A run is a dict of metric name -> number (e.g. ``pmsp/acc_mean``,
``ctp/acc``); nested dicts (the JSON of
``tools/analysis/stream_sensitivity.py``) are flattened with ``/``
(``sensitivity/imgs/output/imgs``). A variant is the list of its runs, one
per seed; its summary per metric is the mean, the sample standard deviation
(``n - 1`` in the denominator; 0 for one run), the minimum and maximum, the
number of runs and the values in run order. Pure Python.
"""
import math
from collections import OrderedDict
from typing import Any, Dict, List, Mapping, Sequence

__all__ = ['flatten_metrics', 'summarize_runs', 'format_summary']


def flatten_metrics(obj: Mapping[str, Any],
                    prefix: str = '') -> 'OrderedDict[str, float]':
    """Numbers of a nested dict, keyed by their ``/``-joined path.

    Strings, lists and other non-numbers are left out (bools too).
    """
    out: 'OrderedDict[str, float]' = OrderedDict()
    for key, value in obj.items():
        name = f'{prefix}{key}'
        if isinstance(value, Mapping):
            out.update(flatten_metrics(value, name + '/'))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[name] = float(value)
    return out


def summarize_runs(
    variants: Mapping[str, Sequence[Mapping[str, float]]]
) -> 'OrderedDict[str, OrderedDict[str, Dict[str, Any]]]':
    """``{variant: {metric: {mean, std, min, max, n, values}}}``.

    A metric missing from some runs of a variant is summarised over the
    runs that have it (``n`` says how many). NaN values are left out.
    """
    out: 'OrderedDict[str, OrderedDict[str, Dict[str, Any]]]' = OrderedDict()
    for variant, runs in variants.items():
        names: List[str] = []
        for run in runs:
            names += [k for k in run if k not in names]
        summary: 'OrderedDict[str, Dict[str, Any]]' = OrderedDict()
        for name in names:
            values = [float(r[name]) for r in runs
                      if name in r and not math.isnan(float(r[name]))]
            if not values:
                continue
            mean = sum(values) / len(values)
            var = (sum((v - mean)**2 for v in values) / (len(values) - 1)
                   if len(values) > 1 else 0.)
            summary[name] = dict(mean=mean, std=math.sqrt(var),
                                 min=min(values), max=max(values),
                                 n=len(values), values=values)
        out[variant] = summary
    return out


def format_summary(summary: Mapping[str, Mapping[str, Mapping[str, Any]]],
                   metrics: Sequence[str], digits: int = 3) -> str:
    """Markdown table: one row per variant, ``mean ± std (n)`` per metric
    (``-`` where a variant lacks it)."""
    lines = ['| variant | ' + ' | '.join(metrics) + ' |',
             '| --- ' * (len(metrics) + 1) + '|']
    for variant, stats in summary.items():
        cells = []
        for m in metrics:
            s = stats.get(m)
            cells.append('-' if s is None else
                         f'{s["mean"]:.{digits}f} ± {s["std"]:.{digits}f} '
                         f'({s["n"]})')
        lines.append(f'| {variant} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)
