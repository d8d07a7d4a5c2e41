#!/usr/bin/env python
"""Train a model of mmaction-imr (or any mmaction2 model) from a config.

The arguments are mmaction2's ``tools/train.py`` arguments, plus
``--trust-checkpoint``. Examples::

    python tools/train.py \
        configs/toy/imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py
    python tools/train.py CONFIG --resume            # latest ckpt of work_dir
    python tools/train.py CONFIG --cfg-options train_dataloader.batch_size=4
    bash tools/dist_train.sh CONFIG 2                # 2 processes (torchrun)
"""
import argparse
import sys

import torch

from mmengine.config import Config

import mmaction_imr.register  # noqa: F401  (shims + registration)
from mmaction_imr.apis import tool_parser
from mmaction_imr.engine.cli import (add_common_args, apply_seed,
                                     load_upstream_tool,
                                     parse_cli, run)


def parse_args(argv=None) -> argparse.Namespace:
    parser = tool_parser(__doc__, config='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from this checkpoint, or without a path from the '
        'latest checkpoint in the work dir')
    parser.add_argument(
        '--amp', action='store_true',
        help='automatic mixed precision (AmpOptimWrapper)')
    parser.add_argument(
        '--no-validate', action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr', action='store_true',
        help='scale the lr by actual batch size / the config\'s base batch')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument(
        '--diff-rank-seed', action='store_true',
        help='a different seed on every rank')
    parser.add_argument(
        '--deterministic', action='store_true',
        help='deterministic algorithms (slower)')
    add_common_args(parser)
    return parse_cli(parser, argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.amp and not torch.cuda.is_available():
        # mmengine's AmpOptimWrapper asserts a GPU; say so before any work.
        print('error: --amp needs a GPU (mmengine\'s AmpOptimWrapper); this '
              'machine has none', file=sys.stderr)
        return 2
    cfg = Config.fromfile(args.config)
    cfg = load_upstream_tool('train').merge_args(cfg, args)
    apply_seed(cfg, args.seed)
    return run(cfg, 'train', trust_checkpoint=args.trust_checkpoint)


if __name__ == '__main__':
    sys.exit(main())
