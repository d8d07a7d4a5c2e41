#!/usr/bin/env python
"""Training curves of one or more runs, to one PNG.

Reads mmengine's scalar log of each run, <work_dir>/<timestamp>/vis_data/
scalars.json (every training config writes it, through LocalVisBackend),
and draws one panel per key: training keys per iteration (the logged
values faint, their moving average over one epoch of logs on top), and
validation metrics per epoch. Several runs are overlaid, one colour each.
A work dir started several times (--resume) is read in time order, the
later start replacing the earlier one's entries at the same iteration.

Each RUN is a work dir, one of its <timestamp> folders or a scalars.json.
--keys takes keys or fnmatch patterns: training keys (loss, loss_cls, lr,
grad_norm, top1_acc, data_time, time, ...) and validation metrics
(acc/top1, pmsp/acc_mean, ctp/acc, retrieval/R@1, ...). Default: every
loss* key and every validation metric. A run without a key is left out of
its panel.

Examples::

    python tools/analysis/plot_curves.py work_dirs/quickstart_supervised/train
    python tools/analysis/plot_curves.py work_dirs/toy_results/three_stream \\
        work_dirs/toy_results/iframe_only --keys loss acc/top1 \\
        --out three_vs_one.png
    python tools/analysis/plot_curves.py work_dirs/quickstart/pretrain \\
        --keys 'loss*' pmsp/acc_mean ctp/acc --smooth 10

TensorBoard (pip install -e ".[vis]") shows the same scalars live:
tensorboard --logdir work_dirs.

Exit codes: 0 ok, 1 a missing, empty or unreadable log, or a key no run
logged, 2 usage.
"""
import argparse
import sys


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('runs', nargs='+', metavar='RUN',
                        help='work dir, <timestamp> folder or scalars.json')
    parser.add_argument('--keys', nargs='+', metavar='KEY',
                        help='keys or patterns to draw, one panel each '
                        '(default: loss* and every validation metric)')
    parser.add_argument('--out', default='curves.png', metavar='PNG',
                        help='the figure (default: %(default)s)')
    parser.add_argument('--title',
                        help='figure title (default: the runs\' names)')
    parser.add_argument('--smooth', type=int, metavar='N',
                        help='moving average over N logged values; 1: '
                        'none (default: one epoch of logs)')
    args = parser.parse_args(argv)
    if args.smooth is not None and args.smooth < 1:
        parser.error(f'--smooth must be >= 1, got {args.smooth}')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmaction_imr.visualization.curves import (draw_curves, read_curves,
                                                   run_names, select_keys)
    from mmaction_imr.visualization.layout import save_image
    try:
        runs = [read_curves(path, name) for path, name in
                zip(args.runs, run_names(args.runs))]
        keys = select_keys(runs, args.keys)
    except ValueError as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    for path, run in zip(args.runs, runs):
        steps = [s[-1, 0] for s in run.train.values() if len(s)]
        epochs = [s[-1, 0] for s in run.val.values() if len(s)]
        print(f'{run.name}: {path}: training logs to iteration '
              f'{int(max(steps, default=0))}, validations to '
              f'{"epoch" if run.by_epoch else "iteration"} '
              f'{int(max(epochs, default=0))}')
    figure = draw_curves(runs, keys, title=args.title, smooth=args.smooth)
    try:
        save_image(args.out, figure)
    except OSError as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    print(f'curves ({len(keys)} panels): {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
