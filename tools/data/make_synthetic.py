#!/usr/bin/env python
"""Generate the synthetic motion-only data set (the project's default)."""
import argparse
import os
import sys
import time

from _common import import_prepare, progress_bar

DESCRIPTION = """\
Generate a small video data set whose 8 classes differ ONLY in motion:
one textured object over a textured background, moving right / left / up /
down, rotating clockwise / anticlockwise, or zooming in / out. Object and
background texture, colours, shape, size, position, speed and a camera
drift are random per clip and independent of the class, so a single frame
says nothing about it. Videos are in the paper's format (MPEG-4 Part 2,
GOP 12, no B-frames, 30 fps).

Output (OUT):
  videos/<class>/<split>_<index>.mp4
  train.txt, val.txt   "<class>/<file> <label>" lines (mmaction2 format,
                       paths relative to OUT/videos)
  unlabelled.txt       "<class>/<file> -1", clips disjoint from train/val
  classes.txt          class names in label order
  manifest.json        parameters and file count

Deterministic: the same arguments give the same annotation files and the
same decoded frames, whatever --workers (each clip has its own seed from
(--seed, class, split, index)). Idempotent: if OUT already holds the
complete set for the same arguments, nothing is done. An interrupted run
resumes where it stopped. OUT holding a set made with other arguments is
refused unless --overwrite.

exit status: 0 done (or already complete), 1 OUT holds something else
(see --overwrite) or generation failed, 2 bad arguments.
"""

EPILOG = """\
example (the default set, 384 clips):
  python tools/data/make_synthetic.py --out data/synthetic --workers 2
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default='data/synthetic',
                        help='output folder; default: %(default)s')
    parser.add_argument('--seed', type=int, default=0,
                        help='default: %(default)s')
    parser.add_argument('--per-class-train', type=int, default=24,
                        metavar='N', help='default: %(default)s')
    parser.add_argument('--per-class-val', type=int, default=8, metavar='N',
                        help='default: %(default)s')
    parser.add_argument('--per-class-unlabelled', type=int, default=16,
                        metavar='N', help='default: %(default)s')
    parser.add_argument('--size', default='128x96',
                        help='WIDTHxHEIGHT, even, >= 32; speeds and object '
                        'sizes scale with it; default: %(default)s')
    parser.add_argument('--frames', type=int, default=72,
                        help='frames per clip (72 = 6 GOPs of 12); '
                        'default: %(default)s')
    parser.add_argument('--workers', type=int,
                        default=min(4, os.cpu_count() or 1),
                        help='parallel processes; default: %(default)s')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace a set made with other arguments')
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error('--workers must be >= 1')
    return parser, args


def main(argv=None) -> int:
    t0 = time.perf_counter()
    parser, args = parse_args(argv)
    import_prepare()
    from mmaction_imr.prepare import reencode, synthetic
    try:
        size = reencode.parse_size(args.size)
        if size is None:
            raise ValueError('--size must be WIDTHxHEIGHT')
        params = synthetic.synthetic_params(
            args.seed, (args.per_class_train, args.per_class_val,
                        args.per_class_unlabelled), size, args.frames)
    except (ValueError, synthetic.SyntheticError) as e:
        parser.error(str(e))
    try:
        plan = synthetic.plan_synthetic(args.out, params, args.overwrite)
        if plan.complete:
            print(f'{args.out}: complete set of {plan.total} clips for these '
                  f'parameters already there; nothing to do '
                  f'({time.perf_counter() - t0:.2f} s)')
            return 0
        done = plan.total - len(plan.todo)
        print(f'{args.out}: generating {len(plan.todo)} of {plan.total} '
              f'clips' + (f' ({done} kept from an interrupted run)'
                          if done else '') + f', {args.workers} worker(s)')
        t1 = time.perf_counter()
        with progress_bar(len(plan.todo), 'synthetic') as advance:
            for _ in synthetic.run_synthetic(plan, args.workers):
                advance()
        synthetic.finish_synthetic(plan)
    except (synthetic.SyntheticError, OSError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    print(f'{args.out}: wrote {len(plan.todo)} clips in '
          f'{time.perf_counter() - t1:.1f} s; train.txt val.txt '
          'unlabelled.txt classes.txt manifest.json')
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        # Nothing half-written looks finished; finished clips are kept.
        print('interrupted; run the same command again to resume',
              file=sys.stderr)
        sys.exit(130)
