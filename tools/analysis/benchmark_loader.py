#!/usr/bin/env python
"""Benchmark the compressed-video loader against what you would otherwise run.

For each VIDEO, on its centre clip of --gops GOPs (5 GOPs of 12 frames = 60
frames = 2 s at 30 fps), prints seconds per clip and per frame (median of
--repeats, single process, after one warm-up) of:

  decode    bare PyAV decode of the clip's frames, without and with RGB
            conversion (the floors);
  ours      read_clip, raw and accumulated, at the video's size and at the
            training resolution (--short-side, default 256);
  mmaction  mmaction2's RGB pipelines over the same span (PyAVInit/
            PyAVDecode and DecordInit/DecordDecode, 32 frames, Resize(-1,
            256), CenterCrop(224)) and its PyAVDecodeMotionVector;
  flow      OpenCV Farneback optical flow between consecutive frames;
  tvl1      TV-L1 optical flow (cv2.optflow, opencv-contrib), on 3 frames.

--workers adds a DataLoader figure: clips per second with those numbers of
workers, our test pipeline vs the Decord RGB pipeline. --transforms times
the transforms after CompressedVideoDecode in a dataset config's train and
test pipelines (default configs/_base_/datasets/compressed_video.py).

Ratios (per frame): ratio_vs_decode = ours raw at the video's size / bare
decode+RGB; flow_over_ours = Farneback / ours raw. With --json the output is
one JSON line: {"ratio_vs_decode", "flow_over_ours" (of the first video),
"videos": [per-video rows], "loader": {...} (with --workers)}.

Timings are only meaningful on an otherwise idle machine. Examples:
    python tools/analysis/benchmark_loader.py video_mpeg4.mp4 --repeats 10
    python tools/analysis/benchmark_loader.py a.mp4 b.mp4 --workers 0 1 2
    python tools/analysis/benchmark_loader.py a.mp4 --parts ours --json

Exit codes: 0 ok, 1 unreadable video, 2 usage.
"""
import argparse
import json
import os.path as osp
import sys
import warnings

warnings.filterwarnings('ignore', message='Fail to import ``MultiScale')

import mmaction_imr.register  # noqa: E402,F401  (the transforms' registry)
from mmaction_imr.analysis.loader_benchmark import (  # noqa: E402
    PARTS, compare_loaders, loader_throughput, time_transforms)
from mmaction_imr.apis import result_on_stdout  # noqa: E402
from mmaction_imr.codec import CompressedVideoError  # noqa: E402

DATASET_CONFIG = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'configs',
    '_base_', 'datasets', 'compressed_video.py')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('videos', nargs='+', metavar='VIDEO')
    parser.add_argument('--repeats', type=int, default=5,
                        help='timed runs per row (median), default 5')
    parser.add_argument('--gops', type=int, default=5,
                        help='GOPs per clip, default 5')
    parser.add_argument('--kappa', type=int, default=5,
                        help='P-frames per GOP, default 5')
    parser.add_argument('--short-side', type=int, default=256,
                        help='short side of the training-resolution rows, '
                        'default 256')
    parser.add_argument('--parts', nargs='+', choices=PARTS,
                        default=list(PARTS),
                        help='row groups to time, default all')
    parser.add_argument('--flow-frames', type=int, default=8,
                        help='frames Farneback runs on, default 8')
    parser.add_argument('--workers', type=int, nargs='+', metavar='N',
                        help='also measure DataLoader clips/s with these '
                        'num_workers (e.g. 0 1 2)')
    parser.add_argument('--loader-clips', type=int, default=16,
                        help='clips per DataLoader measurement, default 16')
    parser.add_argument('--transforms', nargs='?', const=DATASET_CONFIG,
                        metavar='CONFIG',
                        help='also time the transforms after decoding of '
                        'the train/test pipelines of CONFIG (default: the '
                        'repository\'s configs/_base_/datasets/'
                        'compressed_video.py)')
    parser.add_argument('--json', action='store_true',
                        help='print one JSON line instead of tables')
    args = parser.parse_args(argv)
    if min(args.repeats, args.gops, args.kappa, args.short_side) < 1:
        parser.error('--repeats, --gops, --kappa and --short-side must be '
                     '>= 1')
    if args.flow_frames < 2 or args.loader_clips < 2:
        parser.error('--flow-frames and --loader-clips must be >= 2')
    if args.workers and min(args.workers) < 0:
        parser.error('--workers must be >= 0')
    return args


def print_video(r: dict) -> None:
    gop = (f"virtual GOP {r['virtual_gop']}" if r['virtual_gop'] else
           'real GOPs')
    print(f"{r['video']}: {r['size'][0]}x{r['size'][1]}, {gop}, GOPs "
          f"{r['gop_inds']}, {r['frames']} frames")
    width = max(len(k) for k in r['seconds'])
    print(f"  {'row':<{width}}  {'ms/clip':>10}  {'ms/frame':>9}")
    for name, sec in r['seconds'].items():
        if isinstance(sec, str):
            print(f'  {name:<{width}}  {sec}')
        else:
            print(f"  {name:<{width}}  {sec * 1e3:10.1f}  "
                  f"{r['per_frame'][name] * 1e3:9.2f}")
    for key in ('ratio_vs_decode', 'flow_over_ours'):
        if r[key] is not None:
            print(f'  {key}: {r[key]:.2f}')


def main(argv=None):
    args = parse_args(argv)
    # with --json, stdout carries the JSON line only (mmaction2's loaders
    # log deprecation warnings through mmengine's console handler)
    with result_on_stdout(args.json):
        status, rows, loader = _measure(args)
    if args.json:
        first = rows[0] if rows else {}
        print(json.dumps(dict(
            ratio_vs_decode=first.get('ratio_vs_decode'),
            flow_over_ours=first.get('flow_over_ours'), videos=rows,
            loader=loader)))
    return status


def _measure(args):
    status, rows, readable = 0, [], []
    for video in args.videos:
        try:
            r = compare_loaders(video, args.repeats, args.gops, args.kappa,
                                args.short_side, args.parts,
                                args.flow_frames)
            if args.transforms:
                r['transforms'] = {
                    mode: dict(seconds=sec, transforms=names)
                    for mode, (sec, names) in time_transforms(
                        video, args.transforms, args.repeats).items()
                }
        except (CompressedVideoError, ValueError) as err:
            print(f'error: {err}', file=sys.stderr)
            status = 1
            continue
        rows.append(r)
        readable.append(video)
        if not args.json:
            print_video(r)
            for mode, t in r.get('transforms', {}).items():
                print(f"  {mode} transforms ({', '.join(t['transforms'])}): "
                      f"{t['seconds'] * 1e3:.1f} ms/clip")
    loader = None
    if args.workers and readable:
        loader = loader_throughput(readable, args.loader_clips, args.workers,
                                   args.gops, args.kappa)
        if not args.json:
            print('DataLoader clips/s (batch 1): ' + '; '.join(
                f'{name}: ' + ', '.join(
                    f'{n} workers ' + (v if isinstance(v, str) else
                                       f'{v:.1f}') for n, v in by_n.items())
                for name, by_n in loader.items()))
    return status, rows, loader


if __name__ == '__main__':
    sys.exit(main())
