"""Benchmark the compressed-video loader against a bare PyAV decode.

For each VIDEO, times (median of --repeats, single process) one clip of our
pipeline: GOP index + 5 GOPs = 5 I-frames + 25 P-frames with motion vectors
and residuals, against one bare PyAV decode pass over the same frames
converting all of them to RGB, and prints both and the ratio.

With --transforms it also times, on the decoded clip, the transforms that
follow CompressedVideoDecode in the train and test pipelines of a dataset
config (default configs/_base_/datasets/compressed_video.py: resize, scale
jitter crop, resize to 224, flip, format for training; resize, three crops,
format for testing; PackActionInputs is not timed). The clip is decoded once
with the config's own loading transforms; each timed run starts from a copy.

Example (the paper's format, 340x256 MPEG-4 GOP 12):
    python tools/analysis/benchmark_loader.py video_mpeg4.mp4 --repeats 10
    python tools/analysis/benchmark_loader.py video_mpeg4.mp4 --transforms

Exit codes: 0 ok, 1 unreadable video, 2 usage.
"""
import argparse
import copy
import os.path as osp
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings('ignore', message='Fail to import ``MultiScale')

import mmaction_imr  # noqa: E402,F401  (shims first)
from mmaction_imr.codec import CompressedVideoError  # noqa: E402
from mmaction_imr.codec.benchmark import benchmark_video  # noqa: E402

DATASET_CONFIG = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'configs',
    '_base_', 'datasets', 'compressed_video.py')


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
    parser.add_argument('--transforms', nargs='?', const=DATASET_CONFIG,
                        metavar='CONFIG',
                        help='also time the transforms after decoding of '
                        'the train/test pipelines of CONFIG (default: the '
                        'repository\'s configs/_base_/datasets/'
                        'compressed_video.py)')
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.gops < 1 or args.kappa < 1:
        parser.error('--repeats, --gops and --kappa must be >= 1')
    return args


def _split(pipeline):
    """(loading transforms up to the decode, the ones after it, no packing)."""
    types = [t['type'] for t in pipeline]
    if 'CompressedVideoDecode' not in types:
        raise ValueError('the pipeline has no CompressedVideoDecode')
    cut = types.index('CompressedVideoDecode') + 1
    return pipeline[:cut], [t for t in pipeline[cut:]
                            if 'PackActionInputs' not in t['type']]


def time_transforms(video, config, repeats):
    """``{'train'|'test': (median seconds per clip, [transform names])}``."""
    from mmengine.config import Config
    from mmengine.dataset import Compose

    from mmaction.registry import TRANSFORMS

    def build(cfgs):
        return Compose([TRANSFORMS.build(c) for c in cfgs])

    cfg = Config.fromfile(config)
    out = {}
    for mode in ('train', 'test'):
        load, rest = _split(cfg[f'{mode}_pipeline'])
        decoded = build(load)(dict(filename=video))
        if decoded is None:  # on_error='skip' in the config
            raise CompressedVideoError(video, 'decoding failed')
        geometry = build(rest)
        geometry(copy.deepcopy(decoded))  # warm-up
        times = []
        for _ in range(repeats):
            results = copy.deepcopy(decoded)
            t = time.perf_counter()
            geometry(results)
            times.append(time.perf_counter() - t)
        out[mode] = float(np.median(times)), [t['type'] for t in rest]
    return out


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
        if args.transforms:
            try:
                times = time_transforms(video, args.transforms, args.repeats)
            except (CompressedVideoError, ValueError) as err:
                print(f'error: {err}', file=sys.stderr)
                status = 1
                continue
            for mode, (sec, names) in times.items():
                print(f"  {mode} transforms ({', '.join(names)}): "
                      f'{sec * 1e3:.1f} ms/clip')
    return status


if __name__ == '__main__':
    sys.exit(main())
