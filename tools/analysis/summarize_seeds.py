#!/usr/bin/env python
"""Mean and spread over seeds of the metrics of a sweep's runs.

Reads ROOT/<variant>/<run>/*.json, where each <run> folder (one per seed,
e.g. seed0, seed1, ...) holds JSON files of numbers: the metrics that
tools/test.py logged (mmengine writes them to
<work_dir>/<timestamp>/<timestamp>.json) and the output of
tools/analysis/stream_sensitivity.py --json. Nested objects are flattened
with "/" (sensitivity/imgs/output/imgs = change of the final I-pathway maps
when the I-frames are swapped). Writes one JSON object
{variant: {metric: {mean, std, min, max, n, values}}} (std: sample standard
deviation over the runs) and prints a Markdown table of --metrics.

Examples::

    python tools/analysis/summarize_seeds.py work_dirs/joint_sweep \\
        --out work_dirs/joint_sweep/summary.json
    python tools/analysis/summarize_seeds.py ROOT --variants default mean \\
        --metrics pretext/pmsp/acc_mean pretext/ctp/acc --plot ROOT/summary.png

Exit codes: 0 ok, 1 nothing to summarise or an unreadable / clashing JSON
file, 2 usage.
"""
import argparse
import glob
import json
import os
import os.path as osp
import sys
from collections import OrderedDict

from mmaction_imr.analysis.seeds import (flatten_metrics, format_summary,
                                         summarize_runs)

DEFAULT_METRICS = ('pretext/pmsp/acc_mean', 'pretext/ctp/acc',
                   'sensitivity/imgs/output/imgs',
                   'sensitivity/p_streams/output/imgs')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('root', help='folder of <variant>/<run>/*.json')
    parser.add_argument('--variants', nargs='+', metavar='NAME',
                        help='variants (sub-folders) in table order '
                        '(default: every sub-folder, sorted)')
    parser.add_argument('--metrics', nargs='+', default=DEFAULT_METRICS,
                        metavar='NAME', help='table columns (default: '
                        f'{" ".join(DEFAULT_METRICS)})')
    parser.add_argument('--out', help='write the summary JSON here')
    parser.add_argument('--plot', metavar='PNG',
                        help='draw the table as a bar chart (mean, std and '
                        'each run) to this PNG file')
    parser.add_argument('--title', help='title of the --plot chart')
    return parser.parse_args(argv)


def read_run(folder: str) -> 'OrderedDict[str, float]':
    """The numbers of every JSON file of one run folder."""
    metrics: 'OrderedDict[str, float]' = OrderedDict()
    origin = {}
    for path in sorted(glob.glob(osp.join(folder, '*.json'))):
        with open(path) as f:
            try:
                values = flatten_metrics(json.load(f))
            except json.JSONDecodeError as err:
                raise ValueError(f'{path}: not JSON ({err})') from None
        for key, value in values.items():
            if key in metrics:
                raise ValueError(f'{path}: metric {key!r} is also in '
                                 f'{origin[key]}')
            metrics[key], origin[key] = value, path
    return metrics


def main(argv=None) -> int:
    args = parse_args(argv)
    if not osp.isdir(args.root):
        print(f'error: {args.root}: no such folder', file=sys.stderr)
        return 1
    names = args.variants or sorted(
        d for d in os.listdir(args.root)
        if osp.isdir(osp.join(args.root, d)))
    try:
        variants = OrderedDict()
        for name in names:
            runs = sorted(
                d for d in glob.glob(osp.join(args.root, name, '*'))
                if glob.glob(osp.join(d, '*.json')))
            variants[name] = [read_run(d) for d in runs]
    except (OSError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    summary = summarize_runs(variants)
    if not any(summary.values()):
        print(f'error: {args.root}: no run with metrics (<variant>/<run>/'
              '*.json)', file=sys.stderr)
        return 1
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(summary, f, indent=1)
    print(format_summary(summary, args.metrics))
    if args.plot:
        from mmaction_imr.visualization import draw_summary_bars
        from mmaction_imr.visualization.layout import save_image
        chart = draw_summary_bars(summary, args.metrics, title=args.title)
        try:
            save_image(args.plot, chart)
        except OSError as err:
            print(f'error: {err}', file=sys.stderr)
            return 1
        print(f'chart: {args.plot}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
