"""Benchmark the compressed-video loader against a bare PyAV decode.

For each VIDEO, times (median of --repeats, single process) one clip of our
pipeline: GOP index + 5 GOPs = 5 I-frames + 25 P-frames with motion vectors
and residuals, against one bare PyAV decode pass over the same frames
converting all of them to RGB, and prints both and the ratio.

Example (the paper's format, 340x256 MPEG-4 GOP 12):
    python tools/analysis/benchmark_loader.py video_mpeg4.mp4 --repeats 10

Exit codes: 0 ok, 1 unreadable video, 2 usage.
"""
import argparse
import sys
import warnings

warnings.filterwarnings('ignore', message='Fail to import ``MultiScale')

import mmaction_imr  # noqa: E402,F401  (shims first)
from mmaction_imr.codec import CompressedVideoError  # noqa: E402
from mmaction_imr.codec.benchmark import benchmark_video  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('videos', nargs='+', metavar='VIDEO')
    parser.add_argument('--repeats', type=int, default=5,
                        help='timed runs per video (median), default 5')
    parser.add_argument('--gops', type=int, default=5,
                        help='GOPs per clip, default 5')
    parser.add_argument('--kappa', type=int, default=5,
                        help='P-frames per GOP, default 5')
    parser.add_argument('--accumulate', action='store_true',
                        help='accumulated MVs/residuals')
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.gops < 1 or args.kappa < 1:
        parser.error('--repeats, --gops and --kappa must be >= 1')
    return args


def main(argv=None):
    args = parse_args(argv)
    status = 0
    for video in args.videos:
        try:
            r = benchmark_video(video, args.repeats, args.gops, args.kappa,
                                args.accumulate)
        except CompressedVideoError as err:
            print(f'error: {err}', file=sys.stderr)
            status = 1
            continue
        gop = f"virtual GOP {r['virtual_gop']}" if r['virtual_gop'] \
            else 'real GOPs'
        print(f"{video}: {r['size'][0]}x{r['size'][1]}, {gop}, GOPs "
              f"{r['gop_inds']}, {r['frames']} frames | ours "
              f"{r['ours'] * 1e3:.1f} ms/clip | bare decode+RGB "
              f"{r['bare'] * 1e3:.1f} ms | ratio {r['ratio']:.2f}")
    return status


if __name__ == '__main__':
    sys.exit(main())
