#!/usr/bin/env python
"""The figures of one pretrain -> evaluate run, as one table and one JSON.

Reads the metric files that tools/quickstart.sh's steps leave in the run
folder (pretext.json, finetune.json, scratch.json, linear.json: the metrics
of tools/test.py; retrieval.json: tools/retrieval.py --json) and writes

    {"pretext": {"pmsp_mean": ..., "ctp": ...}, "finetune": {"top1": ...},
     "scratch": {"top1": ...}, "linear": {"top1": ...},
     "retrieval": {"r@1": ..., "r@5": ..., "r@10": ...},
     "missing": [...], "paths": {...}}

(fractions in [0, 1]; "missing" names the figures whose step has not run);
--sections supervised reads supervised.json instead (quickstart --supervised).
--path NAME=PATH adds entries to "paths" (checkpoints, logs, pictures).

    python tools/analysis/summarize_run.py work_dirs/quickstart \\
        --out work_dirs/quickstart/summary.json \\
        --path pictures=work_dirs/quickstart/pictures

Exit codes: 0 written (even with figures missing), 1 no figure at all or
an unreadable metric file, 2 usage.
"""
import argparse
import json
import os.path as osp
import sys

from mmaction_imr.analysis.run_summary import (FIGURES, MAIN_JOB,
                                               collect_figures, format_figures)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('root', help='the run folder')
    parser.add_argument('--out', help='write the summary JSON here')
    parser.add_argument('--sections', nargs='+', default=list(MAIN_JOB),
                        choices=list(FIGURES), metavar='NAME',
                        help='the figures to gather (default: '
                        f'{" ".join(MAIN_JOB)}; also: supervised)')
    parser.add_argument('--path', action='append', default=[],
                        metavar='NAME=PATH',
                        help='an entry of "paths" (repeatable)')
    args = parser.parse_args(argv)
    for item in args.path:
        if '=' not in item or not item.split('=', 1)[0]:
            parser.error(f'--path takes NAME=PATH, got {item!r}')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if not osp.isdir(args.root):
        print(f'error: {args.root}: no such folder', file=sys.stderr)
        return 1
    try:
        figures, missing = collect_figures(args.root, args.sections)
    except (OSError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    if not figures:
        print(f'error: {args.root}: no metric file with a figure '
              '(pretext.json, finetune.json, ...)', file=sys.stderr)
        return 1
    summary = dict(figures)
    summary['missing'] = missing
    summary['paths'] = dict(item.split('=', 1) for item in args.path)
    print(format_figures(figures))
    if missing:
        print(f'not run: {", ".join(missing)}')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(summary, f, indent=1)
        print(f'summary: {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
