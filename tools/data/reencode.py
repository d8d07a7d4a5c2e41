#!/usr/bin/env python
"""Re-encode a folder of videos to the IMRNet paper's compressed format."""
import argparse
import sys

from mmaction_imr import prepare

DESCRIPTION = """\
Re-encode every video under SRC_DIR into DST_DIR in the paper's format
(CoViAR's recipe): MPEG-4 Part 2 (codec "mpeg4"), one I-frame every --gop
frames, no B-frames, fixed quantiser --qscale, scaled to --size (aspect not
kept, like ffmpeg's scale=340:256), same frame rate, every frame kept.
Audio and subtitle streams are dropped (the models use video only).

Videos are found by file ending (mp4 avi mkv webm mov m4v mpg mpeg flv wmv
3gp ogv ts mts m2ts vob asf divx f4v, any case; hidden files skipped) and
must decode with PyAV. SRC/a/b.avi becomes DST/a/b.<ext>: the folder layout
is kept.

Safe to interrupt and re-run: each output is written to a hidden
".<name>.partial-<pid>.<ext>" file and renamed only after it passed a check
(codec, size, frame count vs. source, an I-frame every --gop frames, no
B-frames); DST/.reencode_manifest.jsonl remembers the checked outputs, so a
second run skips them without opening them. An existing output without a
matching record is checked; if it fails the check it is re-done when the
manifest says this tool wrote it, and reported otherwise (use
--overwrite-invalid to replace it).

A video that fails is reported at the end (file: reason) and the others go
on. DST may lie inside SRC (it is not scanned) but may not be SRC or contain
it; sources are never overwritten.

exit status: 0 all good, 1 some video failed, 2 bad arguments.
"""

EPILOG = """\
example:
  python tools/data/reencode.py data/ucf101/videos data/ucf101/videos_mpeg4 \\
      --workers 2
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('src_dir', metavar='SRC_DIR',
                        help='folder with the source videos (any depth)')
    parser.add_argument('dst_dir', metavar='DST_DIR',
                        help='output folder (created)')
    parser.add_argument(
        '--size', default='340x256',
        help='output WIDTHxHEIGHT, even numbers, or "keep" (the source '
        'size rounded down to even); default: %(default)s')
    parser.add_argument('--gop', type=int, default=12,
                        help='frames per GOP (I-frame interval); default: '
                        '%(default)s')
    parser.add_argument('--qscale', type=int, default=1,
                        help='fixed MPEG-4 quantiser, 1 (best) to 31; '
                        'default: %(default)s')
    prepare.add_workers_arg(parser)
    parser.add_argument('--ext', default='mp4', choices=['mp4', 'mkv', 'avi',
                                                         'mov'],
                        help='output container; default: %(default)s')
    parser.add_argument(
        '--overwrite-invalid', action='store_true',
        help='replace existing outputs that fail the check even if this '
        'tool did not write them')
    args = parser.parse_args(argv)
    if args.gop < 1:
        parser.error('--gop must be >= 1')
    if not 1 <= args.qscale <= 31:
        parser.error('--qscale must be in 1..31')
    prepare.check_workers(parser, args)
    return parser, args


def main(argv=None) -> int:
    parser, args = parse_args(argv)
    try:
        size = prepare.parse_size(args.size)
        spec = prepare.EncodeSpec(gop_size=args.gop, qscale=args.qscale)
        summary = prepare.reencode_tree(
            args.src_dir, args.dst_dir, spec, size, args.ext, args.workers,
            args.overwrite_invalid, prepare.rich_progress)
    except ValueError as e:  # bad size, folders or extension
        parser.error(str(e))
    failures = summary.failures
    print(f'done: {summary.encoded} encoded, {summary.verified} existing '
          f'output(s) verified, {summary.skipped} skipped (already done), '
          f'{len(failures)} failed -> {args.dst_dir} '
          f'({summary.seconds:.1f} s, {args.workers} worker(s))')
    if failures:
        print(f'{len(failures)} video(s) failed:', file=sys.stderr)
        for rel, reason in failures:
            print(f'  {rel}: {reason}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    prepare.run_resumable(main)
