#!/usr/bin/env python
"""Write a copy of a config that reads another folder of videos."""
import argparse
import os
import os.path as osp
import sys

from mmengine.config import Config

from mmaction_imr import prepare

DESCRIPTION = """\
Write OUT: CONFIG (with its bases merged) pointed at another data set, e.g.
the lists that `tools/data/build_filelist.py folders` wrote for your own
class-per-folder videos. Every dataset reads --video-root; each annotation
file OLD of the config becomes NEW (--list OLD=NEW, one per list the
config names); the classification heads predict --num-classes (default:
the lines of --class-names); flips map no labels (a flip_label_map names
the old data set's classes); a subset's `indices` are dropped (they index
the old list). Used by `tools/quickstart.sh --data DIR`.

exit status: 0 written, 1 the config names a list without --list,
2 bad arguments.
"""

EPILOG = """\
example (the toy fine-tuning recipe on data/mine, listed with
build_filelist.py folders data/mine/videos --out data/mine/list.txt
--split-ratio 0.8):
  python tools/data/retarget_config.py \\
      configs/toy/imr_r18-tiny-subset_1xb8-5gop-toy_synthetic-compressed.py \\
      work_dirs/mine/finetune.py --video-root data/mine/videos \\
      --list data/synthetic/train.txt=data/mine/list_train.txt \\
      --list data/synthetic/val.txt=data/mine/list_val.txt \\
      --class-names data/mine/classes.txt
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', metavar='CONFIG')
    parser.add_argument('out', metavar='OUT', help='config file to write')
    parser.add_argument('--video-root', required=True,
                        help='folder the new lists are relative to')
    parser.add_argument('--list', action='append', default=[],
                        metavar='OLD=NEW', dest='lists',
                        help='replace annotation file OLD by NEW')
    parser.add_argument('--class-names', default=None, metavar='FILE',
                        help='classes.txt of the new data set')
    parser.add_argument('--num-classes', type=int, default=None,
                        help='default: the lines of --class-names')
    args = parser.parse_args(argv)
    lists = {}
    for item in args.lists:
        old, sep, new = item.partition('=')
        if not (sep and old and new):
            parser.error(f'--list wants OLD=NEW, got {item!r}')
        lists[old] = new
    args.lists = lists
    if args.num_classes is None and args.class_names:
        try:
            args.num_classes = len(prepare.read_classes(args.class_names))
        except (OSError, prepare.FileListError) as err:
            parser.error(f'--class-names {args.class_names}: {err}')
    if args.num_classes is not None and args.num_classes < 2:
        parser.error(f'--num-classes must be >= 2, got {args.num_classes}')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    try:
        new = prepare.retarget_config(
            cfg.to_dict(), video_root=args.video_root, lists=args.lists,
            num_classes=args.num_classes, class_names=args.class_names)
    except prepare.RetargetError as err:
        print(f'{args.config}: {err}; add --list OLD=NEW', file=sys.stderr)
        return 1
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    Config(new).dump(args.out)
    print(f'{args.out}: {args.config} on {args.video_root}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
