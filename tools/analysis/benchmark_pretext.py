"""Time the self-supervised targets: PMSP labels and the CTP transform.

Builds a random batch of motion vectors [N, 2, T*kappa, H, W] and residuals
[N, 3, T*kappa, H, W] (float32, CPU) and prints the median wall time of
--repeats runs (after one warm-up) of

- mmaction_imr.pretext.pmsp_labels(mv, T) (default scales: 2/3/4 x 1/3/5),
- mmaction_imr.pretext.ctp_transform(mv, res, T) (all four CTP types),

which IMRSelfSup computes inside every training step. The defaults are a
batch of 8 clips of the paper's size: 5 GOPs, kappa 5, 224x224 crops.

Example:
    python tools/analysis/benchmark_pretext.py --batch 8 --repeats 5
    python tools/analysis/benchmark_pretext.py --batch 2 --size 112 --threads 1

Exit codes: 0 ok, 2 usage.
"""
import argparse
import sys

import torch

from mmaction_imr.analysis.pretext_benchmark import (random_pretext_batch,
                                                     time_pretext_targets)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--batch', type=int, default=8,
                        help='clips per batch N, default 8')
    parser.add_argument('--gops', type=int, default=5,
                        help='GOPs per clip T, default 5')
    parser.add_argument('--kappa', type=int, default=5,
                        help='P-frames per GOP, default 5')
    parser.add_argument('--size', type=int, default=224,
                        help='crop side H = W in pixels, default 224')
    parser.add_argument('--repeats', type=int, default=5,
                        help='timed runs (median), default 5')
    parser.add_argument('--threads', type=int,
                        help='torch.set_num_threads (default: torch\'s)')
    args = parser.parse_args(argv)
    for name in ('batch', 'gops', 'kappa', 'repeats', 'threads'):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f'--{name} must be >= 1')
    if args.size < 4:
        parser.error('--size must be >= 4 (the finest PMSP grid is 4x4)')
    if args.gops < 5:
        parser.error('--gops must be >= 5 (PMSP temporal scales 1, 3, 5)')
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(0)
    mv, res = random_pretext_batch(args.batch, args.gops, args.kappa,
                                   args.size, gen)
    print(f'batch: motion_vectors {list(mv.shape)}, residuals '
          f'{list(res.shape)}, {torch.get_num_threads()} torch thread(s), '
          f'median of {args.repeats}')
    times = time_pretext_targets(mv, res, args.gops, args.repeats, gen)
    print(f"pmsp_labels:   {times['pmsp_labels'] * 1e3:.1f} ms/batch")
    print(f"ctp_transform: {times['ctp_transform'] * 1e3:.1f} ms/batch")
    return 0


if __name__ == '__main__':
    sys.exit(main())
