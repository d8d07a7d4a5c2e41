#!/usr/bin/env python
"""Test (and evaluate) a checkpoint of mmaction-imr from a config.

The arguments are mmaction2's ``tools/test.py`` arguments, plus
``--trust-checkpoint``. Examples::

    python tools/test.py CONFIG work_dirs/NAME/best_acc_top1_epoch_8.pth
    python tools/test.py CONFIG CKPT --dump preds.pkl --show-dir vis/
    python tools/test.py CONFIG CKPT --show-dir vis/ --label-file classes.txt
    bash tools/dist_test.sh CONFIG CKPT 2

--show-dir writes one picture per tested video (every --interval-th),
named after the video (``<stem>.png``; its folders prepended when two
videos share a stem): the I-frames, motion vectors (colour wheel key) and
residuals of its middle view, one column per GOP, with the ground truth and
the top-3 predicted classes with their scores. Class names come from
--label-file, else from the classes.txt beside the test annotation list.

The checkpoint loads safely (weights only) when it is a model-zoo file; a
full training checkpoint loads when a run of yours wrote it (recorded in
``trusted_checkpoints.json`` beside it), with ``--trust-checkpoint``, or when
it is listed in ``$MMACTION_IMR_TRUSTED_CHECKPOINTS``.
"""
import argparse
import os.path as osp
import sys

from mmengine.config import Config

import mmaction_imr.register  # noqa: F401  (shims + registration)
from mmaction_imr.apis import tool_parser
from mmaction_imr.engine.cli import (add_common_args, load_upstream_tool,
                                     parse_cli, run)


def parse_args(argv=None) -> argparse.Namespace:
    parser = tool_parser(__doc__, config='test config file path',
                         checkpoint='checkpoint file')
    parser.add_argument(
        '--work-dir', help='the dir to save the evaluation metrics')
    parser.add_argument(
        '--dump', type=str,
        help='dump predictions to a .pkl file for offline evaluation')
    parser.add_argument(
        '--show-dir',
        help='save one PNG per tested video, <video>.png, into this dir: '
        'its I-frames, motion vectors and residuals, the ground truth and '
        'the top-3 predicted classes (also sent to the visualizer\'s '
        'backends: vis_data/vis_image, TensorBoard ...)')
    parser.add_argument(
        '--label-file',
        help='class names for the pictures, one per line (line k = label '
        'k); default: the classes.txt beside the test ann_file, if any, '
        'else the labels are shown as numbers')
    parser.add_argument(
        '--show', action='store_true',
        help='display the visualisations in a window')
    parser.add_argument(
        '--interval', type=int, default=1,
        help='visualise every N-th sample')
    parser.add_argument(
        '--wait-time', type=float, default=2,
        help='display time of every window (s)')
    add_common_args(parser)
    return parse_cli(parser, argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    cfg = load_upstream_tool('test').merge_args(cfg, args)
    if args.label_file is not None:
        hook = cfg.get('default_hooks', {}).get('visualization') or {}
        if not str(hook.get('type', '')).endswith(
                'CompressedVisualizationHook'):
            print('error: --label-file: the config\'s visualization hook '
                  f'is {hook.get("type")}, not CompressedVisualizationHook',
                  file=sys.stderr)
            return 1
        if not osp.isfile(args.label_file):
            print(f'error: --label-file {args.label_file}: no such file',
                  file=sys.stderr)
            return 1
        hook.label_file = args.label_file
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    return run(cfg, 'test', trust_checkpoint=args.trust_checkpoint)


if __name__ == '__main__':
    sys.exit(main())
