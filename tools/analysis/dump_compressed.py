"""Dump what the compressed-video loader produces for one video.

Runs the loading transforms (``CompressedVideoInit`` -> ``SampleGOPs`` in
test mode, i.e. the centre clip -> ``CompressedVideoDecode``) at the video's
own resolution and saves a compressed ``.npz`` (``np.load`` reads it) with
keys

    imgs            [T, H, W, 3]          uint8 RGB (the I-frames)
    motion_vectors  [T*kappa, H, W, 2]    float32 (u, v) pixels
    residuals       [T*kappa, H, W, 3]    float32 signed RGB
    frame_inds      [T*(1+kappa)]         int64 (I-frame, then its P-frames)
    pict_types      [T*(1+kappa)]         str ('I', 'P', 'B')

With ``--show-dir`` it also writes one PNG per P-frame,
``gop<g>_frame<n>_<type>.png``: its GOP's I-frame | colour-coded motion
vectors (hue = direction, red = right; brightness = length, one scale for
the clip) | residual (mid-grey = 0), each captioned, with the video, GOP and
frame above and the colour keys (an MV colour wheel with its u / v axes,
the residual grey ramp) on the right; frames smaller than 160 px are
enlarged (integer factor, nearest neighbour).

Example:
    python tools/analysis/dump_compressed.py video.mp4 --out clip.npz \\
        --gops 2 --show-dir vis/

Exit codes: 0 ok, 1 unreadable video (one line on stderr), 2 usage.
"""
import argparse
import os
import os.path as osp
import sys
import warnings

import numpy as np

# mmcv-lite's import-time notice would break the one-line error contract.
warnings.filterwarnings('ignore', message='Fail to import ``MultiScale')

import mmaction_imr.register  # noqa: E402,F401  (shims + registration first)
from mmaction_imr.codec import CompressedVideoError  # noqa: E402
from mmaction_imr.datasets.transforms import (  # noqa: E402
    CompressedVideoDecode, CompressedVideoInit, SampleGOPs)
from mmaction_imr.visualization import (draw_pframe,  # noqa: E402
                                        flow_scale)
from mmaction_imr.visualization.layout import save_image  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('video', help='input video file')
    parser.add_argument('--out', required=True, help='output .npz path')
    parser.add_argument('--gops', type=int, default=5,
                        help='GOPs in the clip (T), default 5')
    parser.add_argument('--kappa', type=int, default=5,
                        help='P-frames per GOP, default 5')
    parser.add_argument('--accumulate', action='store_true',
                        help='accumulated MVs/residuals (traced back to the '
                        'I-frame, CoViAR) instead of raw ones')
    parser.add_argument('--virtual-gop', default='auto',
                        help="'auto' (default), 'real' (the file's GOPs) or "
                        'K (virtual GOPs of K frames)')
    parser.add_argument('--show-dir', help='write PNG panels here')
    args = parser.parse_args(argv)
    if args.gops < 1 or args.kappa < 1:
        parser.error('--gops and --kappa must be >= 1')
    vg = args.virtual_gop
    if vg == 'real':
        args.virtual_gop = None
    elif vg != 'auto':
        if not vg.isdigit() or int(vg) < 2:
            parser.error(f"--virtual-gop must be 'auto', 'real' or an int "
                         f'>= 2, got {vg!r}')
        args.virtual_gop = int(vg)
    return args


def load(video, gops, kappa, accumulate, virtual_gop):
    """Run the loading transforms on ``video``; return the results dict."""
    results = dict(filename=video)
    for t in (CompressedVideoInit(virtual_gop, on_error='raise'),
              SampleGOPs(clip_len=gops, num_clips=1, test_mode=True),
              CompressedVideoDecode(kappa=kappa, accumulate=accumulate,
                                    on_error='raise')):
        results = t(results)
    return results


def write_panels(results, show_dir, accumulate=False):
    """One PNG per P-frame: I-frame | MV colours | residual, captioned."""
    from mmengine.utils import track_iter_progress
    os.makedirs(show_dir, exist_ok=True)
    kappa = results['kappa']
    mvs, res = results['motion_vectors'], results['residuals']
    inds = results['frame_inds'].reshape(-1, 1 + kappa)
    types = results['pict_types'].reshape(-1, 1 + kappa)
    # One brightness scale for the clip so frames compare; robust to outliers.
    top = flow_scale(mvs)
    what = 'accumulated ' if accumulate else ''
    video = osp.basename(results['filename'])
    paths = []
    for n in track_iter_progress(range(len(mvs))):
        g, j = divmod(n, kappa)
        frame, kind = int(inds[g, 1 + j]), types[g, 1 + j]
        panel = draw_pframe(
            results['imgs'][g], mvs[n], res[n],
            lines=[f'{video}: GOP {g}, P-frame {j + 1} of {kappa} '
                   f'(frame {frame}, {kind})'],
            captions=(f'I-frame (frame {inds[g, 0]})',
                      f'{what}motion vectors', f'{what}residual'),
            max_magnitude=top)
        path = osp.join(show_dir, f'gop{g:02d}_frame{frame:05d}_{kind}.png')
        save_image(path, panel)
        paths.append(path)
    return paths


def main(argv=None):
    args = parse_args(argv)
    try:
        results = load(args.video, args.gops, args.kappa, args.accumulate,
                       args.virtual_gop)
    except CompressedVideoError as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    out_dir = osp.dirname(osp.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    np.savez_compressed(
        args.out, imgs=results['imgs'],
        motion_vectors=results['motion_vectors'],
        residuals=results['residuals'], frame_inds=results['frame_inds'],
        pict_types=results['pict_types'])
    print(f"saved {args.out}: {results['imgs'].shape[0]} I-frames, "
          f"{results['motion_vectors'].shape[0]} P-frames, "
          f"{results['img_shape'][1]}x{results['img_shape'][0]}, "
          f"frames {results['frame_inds'].tolist()}")
    if args.show_dir:
        paths = write_panels(results, args.show_dir, args.accumulate)
        print(f'wrote {len(paths)} PNGs to {args.show_dir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
