#!/usr/bin/env python
"""Benchmark IMRNet against mmaction2's models on clips covering 2 seconds.

For each model, prints per clip: multiply-adds (mmengine FlopAnalyzer, as
tools/analysis/get_flops.py counts them), forward time (eval, no grad),
forward+backward time (train mode) and peak memory above the pre-run level
(CPU: resident set, polled every ms; CUDA: torch.cuda.max_memory_allocated),
for each --batch-sizes (median of --repeats after one warm-up). Weights are
random (nothing is downloaded); inputs are random clips of the same 2 s:

  imr_r18, imr_r50   5 I-frames + 25 P-frames (MVs, residuals), the repo's
                     configs/_base_/models/imr_r{18,50}.py
  r2plus1d_r18       mmaction2 ResNet2Plus1d-18 + I3DHead, 32 frames
  i3d_r50            mmaction2 ResNet3d-50 (I3D inflation) + I3DHead, 32
  slowfast_r50       mmaction2 ResNet3dSlowFast-50 (4x16) + SlowFastHead, 32
  tsn_r50            mmaction2 ResNet-50 + TSNHead, 8 segments

Timings are only meaningful on an otherwise idle machine. Examples:
    python tools/analysis/benchmark_model.py
    python tools/analysis/benchmark_model.py --models imr_r18 r2plus1d_r18 \\
        --batch-sizes 1 8 --repeats 10 --device cuda
    python tools/analysis/benchmark_model.py --size 32 --repeats 1 --json

Exit codes: 0 ok, 1 a model failed, 2 usage.
"""
import argparse
import json
import os.path as osp
import sys
import warnings

warnings.filterwarnings('ignore', message='Fail to import ``MultiScale')

import torch  # noqa: E402

import mmaction_imr.register  # noqa: E402,F401  (shims + registration)
from mmaction_imr.analysis.model_benchmark import (  # noqa: E402
    MODEL_NAMES, benchmark_model, build_benchmark_model)

CONFIGS = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'configs',
    '_base_', 'models')
IMR_CONFIGS = {
    'imr_r18': osp.join(CONFIGS, 'imr_r18.py'),
    'imr_r50': osp.join(CONFIGS, 'imr_r50.py'),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--models', nargs='+', choices=MODEL_NAMES,
                        default=list(MODEL_NAMES),
                        help='models to measure, default all')
    parser.add_argument('--batch-sizes', type=int, nargs='+', default=[1, 8],
                        metavar='B', help='clips per batch, default 1 8')
    parser.add_argument('--repeats', type=int, default=5,
                        help='timed runs (median), default 5')
    parser.add_argument('--size', type=int, default=224,
                        help='input height and width, default 224')
    parser.add_argument('--num-classes', type=int, default=400,
                        help='classes of every head, default 400')
    parser.add_argument('--device', default='cpu',
                        help="'cpu' (default) or 'cuda[:i]'")
    parser.add_argument('--no-flops', action='store_true',
                        help='skip counting multiply-adds')
    parser.add_argument('--json', action='store_true',
                        help='print one JSON line instead of a table')
    args = parser.parse_args(argv)
    if min(args.batch_sizes) < 1 or args.repeats < 1 or args.size < 16:
        parser.error('--batch-sizes and --repeats must be >= 1, --size '
                     '>= 16')
    if args.device.startswith('cuda') and not torch.cuda.is_available():
        parser.error('--device cuda: CUDA is not available')
    return args


def print_row(name: str, r: dict) -> None:
    macs = ('' if r['macs'] is None else
            f" | {r['macs'] / 1e9:.2f} GMACs/clip, "
            f"{r['macs'] / 1e9 / r['frames']:.3f}/frame")
    print(f"{name}: {r['params'] / 1e6:.1f} M params, {r['frames']} "
          f'frames/clip{macs}')
    for batch, b in r['batches'].items():
        print(f"  batch {batch}: forward {b['forward'] * 1e3:.1f} ms/clip, "
              f"peak {b['forward_peak'] / 2**20:.0f} MB | forward+backward "
              f"{b['train'] * 1e3:.1f} ms/clip, peak "
              f"{b['train_peak'] / 2**20:.0f} MB")


def main(argv=None):
    args = parse_args(argv)
    status, rows = 0, {}
    torch.manual_seed(0)
    for name in args.models:
        try:
            module, kind, streams = build_benchmark_model(
                name, IMR_CONFIGS, args.num_classes)
            r = benchmark_model(module, kind, streams, args.batch_sizes,
                                args.size, args.repeats, args.device,
                                flops=not args.no_flops)
        except Exception as err:  # noqa: BLE001 (report, go on)
            print(f'error: {name}: {type(err).__name__}: {err}',
                  file=sys.stderr)
            status = 1
            continue
        rows[name] = r
        if not args.json:
            print_row(name, r)
        del module
    if args.json:
        print(json.dumps(dict(device=args.device, size=args.size,
                              repeats=args.repeats, models=rows)))
    return status


if __name__ == '__main__':
    sys.exit(main())
