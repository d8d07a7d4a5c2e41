#!/usr/bin/env python
"""Generate the synthetic motion-only data set (the project's default)."""
import argparse
import sys

from mmaction_imr import prepare

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
  manifest.json        parameters, file count, SHA-256 of every file and
                       of the whole set (printed at the end)

Deterministic: the same arguments give the same annotation files and the
same decoded frames, whatever --workers (each clip has its own seed from
(--seed, class, split, index)). Idempotent: if OUT already holds the
complete set for the same arguments, nothing is done but checking every
file against the hashes in manifest.json: a changed file is reported by
name. An interrupted run resumes where it stopped. OUT holding a set made
with other arguments (or changed since) is refused unless --overwrite.

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
    prepare.add_workers_arg(parser)
    parser.add_argument('--overwrite', action='store_true',
                        help='replace a set made with other arguments')
    args = parser.parse_args(argv)
    prepare.check_workers(parser, args)
    return parser, args


def main(argv=None) -> int:
    parser, args = parse_args(argv)
    try:
        size = prepare.parse_size(args.size)
        if size is None:
            raise ValueError('--size must be WIDTHxHEIGHT')
        params = prepare.synthetic_params(
            args.seed, (args.per_class_train, args.per_class_val,
                        args.per_class_unlabelled), size, args.frames)
    except (ValueError, prepare.SyntheticError) as e:
        parser.error(str(e))
    try:
        report = prepare.make_synthetic(args.out, params, args.workers,
                                        args.overwrite,
                                        prepare.rich_progress)
    except (prepare.SyntheticError, OSError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    if not report.generated:
        print(f'{args.out}: complete set of {report.total} clips for these '
              f'parameters already there, content verified; nothing to do '
              f'({report.seconds:.2f} s)')
    else:
        kept = report.total - report.written
        print(f'{args.out}: wrote {report.written} of {report.total} clips'
              + (f' ({kept} kept from an interrupted run)' if kept else '') +
              f' in {report.seconds:.1f} s, {args.workers} worker(s); '
              'train.txt val.txt unlabelled.txt classes.txt manifest.json')
    print(f'{args.out}: sha256 {report.sha256} (manifest.json "sha256")')
    return 0


if __name__ == '__main__':
    prepare.run_resumable(main)
