"""Measure the normalisation statistics of the compressed streams.

Reads every GOP of each video (or --max-gops evenly spaced ones) the way the
loader does (GOPs cut with index_gops(..., 'auto'), read_clip with
--kappa P-frames per GOP) and prints, per video and pooled over all pixels
of all videos: the mean and RMS of the motion vectors per component (u, v,
in pixels per frame) and of the residuals per RGB channel, in raw mode and,
with --accumulate, also in accumulated mode. Ends with a config snippet,
``model = dict(data_preprocessor=dict(type='MultiModalDataPreprocessor',
...))``, ready to paste into a config that inherits a model: mmengine
merges it into the inherited model.

Why the snippet uses mean 0 and std = pooled RMS for motion vectors and
residuals (not the measured mean and std): a horizontal flip negates u, and
only with a zero mean is the normalised field of a flipped clip the exact
mirror image (u negated) of the normalised field of the clip; likewise a
zero residual (perfect prediction) stays 0. Dividing by one RMS is a pure
scale, and the PMSP pretext labels are invariant to a common scale of
(u, v), so they do not change; that is why one std is used for both u and v
(different stds would re-weight horizontal against vertical motion
boundaries), and one for the three residual channels. The measured means
are printed so you can check that they are close to 0.

With --paper-format each video is first re-encoded to the paper's format
(MPEG-4 Part 2, GOP 12, no B-frames, q 1, 340x256; the same function as
tools/data/reencode.py) in a temporary folder, so the numbers describe what
the model sees when trained on a re-encoded data set. Without it the
videos are measured as they are (e.g. an already re-encoded data set).

Examples:
    python tools/analysis/stream_stats.py data/ucf101/videos_mpeg4 \\
        --max-videos 200 --max-gops 10 --accumulate
    python tools/analysis/stream_stats.py --ann-file ann.txt \\
        --data-prefix data/videos --paper-format
    python tools/analysis/stream_stats.py ann.txt --data-prefix data/videos
    python tools/analysis/stream_stats.py a.mp4 b.avi --paper-format

A .txt argument is read as an annotation list, like --ann-file: its paths
are relative to --data-prefix (the dataset config's data_prefix video
root). Videos that cannot be read are reported (one line each on stderr) and
skipped. Exit codes: 0 ok, 1 no video could be measured (or unreadable
annotation file), 2 usage.
"""
import argparse
import os.path as osp
import sys
import tempfile

from mmaction_imr.analysis.stream_stats import (StreamStats, collect_videos,
                                                evenly_spaced, measure_video,
                                                preprocessor_snippet)
from mmaction_imr.codec import CompressedVideoError
from mmaction_imr.prepare.filelist import FileListError
from mmaction_imr.prepare.reencode import ReencodeError


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('inputs', nargs='*', metavar='VIDEO_DIR_OR_LIST',
                        help='video files, folders (searched recursively '
                        'for video files) and/or .txt annotation lists')
    parser.add_argument('--ann-file', help='mmaction2 annotation list '
                        '("path label" per line) of videos to measure')
    parser.add_argument('--data-prefix', default='',
                        help='folder the annotation lists\' paths are '
                        'relative to')
    parser.add_argument('--max-videos', type=int,
                        help='measure at most N videos, evenly spaced over '
                        'the sorted input list (default: all)')
    parser.add_argument('--max-gops', type=int,
                        help='read at most N evenly spaced GOPs per video '
                        '(default: every GOP)')
    parser.add_argument('--kappa', type=int, default=5,
                        help='P-frames sampled per GOP, default 5')
    parser.add_argument('--accumulate', action='store_true',
                        help='also measure accumulated MVs/residuals '
                        '(CompressedVideoDecode(accumulate=True))')
    parser.add_argument('--paper-format', action='store_true',
                        help='re-encode each video to MPEG-4 GOP 12, 340x256 '
                        'first (in a temporary folder)')
    args = parser.parse_args(argv)
    if not args.inputs and not args.ann_file:
        parser.error('give videos/folders/lists and/or --ann-file')
    for name in ('max_videos', 'max_gops', 'kappa'):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1")
    return args


def fmt(values, digits=3):
    return '(' + ', '.join(f'{v:.{digits}f}' for v in values) + ')'


def describe(stats: StreamStats) -> str:
    return (f'MV mean (u,v) {fmt(stats.mv_mean)} RMS {fmt(stats.mv_rms)} px'
            f' | residual mean (r,g,b) {fmt(stats.res_mean, 2)} '
            f'RMS {fmt(stats.res_rms, 2)}')


def main(argv=None):
    args = parse_args(argv)
    try:
        videos = collect_videos(args.inputs,
                                [args.ann_file] if args.ann_file else [],
                                args.data_prefix)
    except (OSError, FileListError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    if not videos:
        print('error: no video files found', file=sys.stderr)
        return 1
    videos = [videos[i] for i in evenly_spaced(len(videos), args.max_videos)]

    from rich.console import Console
    from rich.progress import Progress
    pooled = {}
    per_video = []
    bad = 0
    with tempfile.TemporaryDirectory(prefix='stream_stats_') as tmp_dir, \
            Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task('videos', total=len(videos))
        for video in videos:
            try:
                result = measure_video(
                    video, args.kappa, args.accumulate, args.max_gops,
                    osp.join(tmp_dir, 'paper.mp4')
                    if args.paper_format else None)
            except (CompressedVideoError, ReencodeError) as err:
                bad += 1
                bar.console.print(f'skipped: {err}', markup=False,
                                  highlight=False, soft_wrap=True)
                bar.advance(task)
                continue
            raw = result[False]
            print(f'{video}: {raw.gops} GOPs, {raw.frames} frames | raw '
                  f'{describe(raw)}', flush=True)
            if True in result:
                print(f'{video}: accumulated {describe(result[True])}',
                      flush=True)
            for acc, stats in result.items():
                pooled.setdefault(acc, StreamStats()).merge(stats)
            per_video.append(raw)
            bar.advance(task)

    ok = len(per_video)
    print(f'\n{ok} video(s) measured, {bad} skipped')
    if not ok:
        return 1
    for acc, stats in sorted(pooled.items()):
        mode = 'accumulated' if acc else 'raw'
        print(f'pooled {mode} ({stats.gops} GOPs, {stats.frames} frames): '
              f'{describe(stats)}')
        print(f'  one std: MV {stats.mv_rms_pooled:.3f} px, residual '
              f'{stats.res_rms_pooled:.2f}')
    mv = [s.mv_rms_pooled for s in per_video]
    res = [s.res_rms_pooled for s in per_video]
    print(f'per-video raw RMS range: MV {min(mv):.2f}..{max(mv):.2f} px, '
          f'residual {min(res):.1f}..{max(res):.1f}')
    source = ('re-encoded to the paper format' if args.paper_format else
              'as stored')
    header = [
        f'Measured by tools/analysis/stream_stats.py on {ok} videos '
        f'({source}),',
        f'kappa={args.kappa}, raw mode; mean 0 by design (see --help).',
        'Paste into a config that inherits a model (mmengine merges it);',
        'if the config sets model = dict(...) itself, move the',
        'data_preprocessor=dict(...) argument into that dict instead.',
    ]
    print('\n' + preprocessor_snippet(pooled[False], pooled.get(True),
                                      header))
    return 0


if __name__ == '__main__':
    sys.exit(main())
