#!/usr/bin/env python
"""Build mmaction2 annotation lists from folders or official splits."""
import argparse
import os.path as osp
import sys

from mmaction_imr import prepare

DESCRIPTION = """\
Write mmaction2 video annotation lists: one "relative/path label" line per
video (paths relative to the video root you give the dataset as
data_prefix=dict(video=ROOT)), 0-based labels, plus classes.txt (class
names in label order).

subcommands:
  folders  a class-per-folder tree (Kinetics-400 style ROOT/<class>/<video>):
           classes sorted by name -> labels; optional stratified train/val
           split.
  ucf101   UCF101's official splits (classInd.txt, trainlist0{1,2,3}.txt,
           testlist0{1,2,3}.txt) -> ucf101_{train,val}_split_{1,2,3}_videos.txt
  hmdb51   HMDB51's official splits (<class>_test_split{1,2,3}.txt, lines
           "video.avi 1|2|0" = train|test|unused)
           -> hmdb51_{train,val}_split_{1,2,3}_videos.txt

The ucf101/hmdb51 outputs follow mmaction2's tools/data/build_file_list.py
(--format videos --level 2): same names, same labels (UCF101: classInd - 1;
HMDB51: index of the sorted class names); the official test list is the
"val" list. A split entry matches a file under VIDEO_ROOT with the same
class/name whatever its extension, so the lists can point at re-encoded
.mp4 files; --ext rewrites the written extension (e.g. to build the lists
from the original .avi tree before re-encoding).

exit status: 0 written, 1 bad input (missing files, unknown classes,
videos not found), 2 bad arguments.
"""

EPILOG = """\
examples:
  python tools/data/build_filelist.py folders data/kinetics400/videos_train \\
      --out data/kinetics400/kinetics400_train_list_videos.txt
  python tools/data/build_filelist.py folders data/mydata/videos \\
      --out data/mydata/list.txt --split-ratio 0.8   # list_{train,val}.txt
  python tools/data/build_filelist.py ucf101 data/ucf101/annotations \\
      data/ucf101/videos --out-dir data/ucf101
  python tools/data/build_filelist.py hmdb51 data/hmdb51/annotations \\
      data/hmdb51/videos --out-dir data/hmdb51 --ext mp4
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', required=True,
                                metavar='{folders,ucf101,hmdb51}')

    p = sub.add_parser(
        'folders', help='class-per-folder tree (Kinetics style)',
        description='List ROOT/<class>/<video> with labels = index of the '
        'sorted class folder names (or of --classes). Writes --out and '
        'classes.txt beside it. With --split-ratio R, writes '
        '<out>_train.txt and <out>_val.txt instead: a fraction R of each '
        "class's videos for training, chosen at random with --seed.")
    p.add_argument('root', metavar='ROOT', help='data root')
    p.add_argument('--out', required=True, help='annotation file to write')
    p.add_argument('--split-ratio', type=float, default=None,
                   metavar='R', help='train fraction in (0, 1), per class')
    p.add_argument('--seed', type=int, default=0,
                   help='seed of the split; default: %(default)s')
    p.add_argument('--classes', default=None, metavar='FILE',
                   help='classes.txt fixing the label order (e.g. the '
                   "train folder's, to list a val folder with the same "
                   'labels)')

    for name, what in (('ucf101', 'ANNOT_DIR: folder with classInd.txt, '
                        'trainlist0N.txt, testlist0N.txt'),
                       ('hmdb51', 'SPLIT_DIR: folder with the '
                        '<class>_test_splitN.txt files')):
        p = sub.add_parser(name, help=f'{name.upper()} official splits',
                           description=f'{name.upper()} official splits. '
                           f'{what}.')
        p.add_argument('annot_dir', metavar=what.split(':')[0],
                       help='split files')
        p.add_argument('video_root', metavar='VIDEO_ROOT',
                       help='folder with <class>/<video> files')
        p.add_argument('--out-dir', required=True, help='where to write')
        p.add_argument('--ext', default=None,
                       help='write this extension (e.g. mp4) instead of the '
                       "one found on disk")
        p.add_argument('--splits', type=int, nargs='+', default=[1, 2, 3],
                       choices=[1, 2, 3], help='default: 1 2 3')
        p.add_argument('--allow-missing', action='store_true',
                       help='leave out listed videos that are not under '
                       'VIDEO_ROOT (default: refuse and name them)')
    args = parser.parse_args(argv)
    if args.command == 'folders' and args.split_ratio is not None and not (
            0 < args.split_ratio < 1):
        parser.error('--split-ratio must be in (0, 1)')
    return args


def _folders(args) -> None:
    classes = (prepare.read_classes(args.classes)
               if args.classes else None)
    items, classes = prepare.scan_class_folders(args.root, classes)
    out_dir = osp.dirname(osp.abspath(args.out))
    if args.split_ratio is None:
        n = prepare.write_list(args.out, items)
        print(f'{args.out}: {n} videos, {len(classes)} classes')
    else:
        stem, ext = osp.splitext(args.out)
        train, val = prepare.split_per_class(items, args.split_ratio,
                                             args.seed)
        for subset, part in (('train', train), ('val', val)):
            path = f'{stem}_{subset}{ext or ".txt"}'
            prepare.write_list(path, part)
            print(f'{path}: {len(part)} videos')
    prepare.write_classes(osp.join(out_dir, 'classes.txt'), classes)
    print(f'{osp.join(out_dir, "classes.txt")}: {len(classes)} classes')


def _official(args) -> None:
    parse = (prepare.parse_ucf101_splits if args.command == 'ucf101' else
             prepare.parse_hmdb51_splits)
    classes, splits = parse(args.annot_dir, args.splits)
    report = prepare.write_split_lists(args.command, classes, splits,
                                       args.video_root, args.out_dir,
                                       args.ext, args.allow_missing)
    for name, n in report['files'].items():
        print(f'{osp.join(args.out_dir, name)}: {n} videos')
    print(f'{osp.join(args.out_dir, "classes.txt")}: {len(classes)} classes')
    if report['missing']:
        print(f'warning: {len(report["missing"])} listed video(s) not under '
              f'{args.video_root} were left out, e.g. '
              f'{report["missing"][0]}', file=sys.stderr)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        if args.command == 'folders':
            _folders(args)
        else:
            _official(args)
    except (prepare.FileListError, OSError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
