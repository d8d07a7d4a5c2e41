#!/usr/bin/env python
"""Draw the PMSP labels of a video clip (paper Figures 5-12), and with a
pretrained model its predictions beside them (Figures 13-14).

The clip is the one the config's test pipeline makes (its GOPs, resize and
crops; use --cfg-options to change them), the labels are those of its
motion vectors, for the grid sizes and temporal scales of the config's
PMSP head. For each temporal scale t (rows) the I-frames show the cell of
highest motion-boundary energy: red = 2x2 grid, green = 3x3, blue = 4x4.

    python tools/visualize_pmsp.py video.mp4 CONFIG --out-dir vis/
    python tools/visualize_pmsp.py video.mp4 CONFIG CHECKPOINT --out-dir vis/

CONFIG is a self-supervised config with a PMSP head (IMRSelfSup). Writes
DIR/<video>_pmsp.png (labels), and with CHECKPOINT also
DIR/<video>_pmsp_pred.png (labels left, prediction right, with the share
of cells right) and prints the PMSP accuracy on the clip. <video> is the
file's stem made safe for file names, with _clip<k> for --view k > 0. The
I-frames are enlarged (integer factor, nearest neighbour) to at least
160 px; the GOPs are named above the columns, the temporal scales left of
the rows, the box colours under the grid.

Exit codes: 0 written; 1 the video / config / checkpoint could not be used;
2 bad arguments.
"""
import os
import os.path as osp
import pickle
import sys


def _write(path, rgb):
    from mmaction_imr.visualization.layout import save_image
    save_image(path, rgb)
    print(f'wrote {path}')


def main(argv=None) -> int:
    from mmaction_imr.apis import add_model_args, tool_parser
    parser = tool_parser(__doc__, video='input video file',
                         config='IMRSelfSup config with a PMSP head')
    parser.add_argument('checkpoint', nargs='?',
                        help='its checkpoint: also draw the predictions')
    parser.add_argument('--out-dir', default='.', help='output folder '
                        '(default: current folder)')
    parser.add_argument('--view', type=int, default=0,
                        help='which view of the test pipeline to draw, e.g. '
                        'one of 3 crops (default: 0)')
    add_model_args(parser, 'test_pipeline.4.type=CompressedCenterCrop')
    args = parser.parse_args(argv)
    if args.view < 0:
        parser.error('--view must be >= 0')

    import mmaction_imr.register  # noqa: F401  (shims + registration)
    from mmaction_imr.apis import inference_pmsp, init_model
    from mmaction_imr.codec import CompressedVideoError
    from mmaction_imr.engine.checkpoint import (CheckpointReadError,
                                                trust_checkpoints)
    from mmaction_imr.visualization import (draw_pmsp_comparison,
                                            draw_pmsp_grid)
    from mmaction_imr.visualization.names import safe_name
    trusted = [args.checkpoint] if args.trust_checkpoint else []
    try:
        with trust_checkpoints(trusted):
            model = init_model(args.config, args.checkpoint, args.device,
                               args.cfg_options)
        res = inference_pmsp(model, args.video)
        if args.view >= len(res.imgs):
            raise ValueError(f'--view {args.view}: the test pipeline of '
                             f'{args.config} gives {len(res.imgs)} view(s)')
        v = args.view
        video = osp.basename(args.video)
        name = safe_name(osp.splitext(video)[0])
        if v:
            name += f'_clip{v}'
        stem = osp.join(args.out_dir, name + '_pmsp')
        title = f'{video}   (view {v} of 0-{len(res.imgs) - 1})'
        os.makedirs(args.out_dir, exist_ok=True)
        _write(stem + '.png', draw_pmsp_grid(
            res.imgs[v], res.gt_labels[v], res.spatial, res.temporal,
            f'{title}: PMSP ground truth'))
        if args.checkpoint:
            acc = float((res.gt_labels[v] == res.pred_labels[v]).mean())
            print(f'PMSP accuracy on this clip: {acc:.3f} '
                  f'({res.gt_labels.shape[1]} labels)')
            _write(stem + '_pred.png', draw_pmsp_comparison(
                res.imgs[v], res.gt_labels[v], res.pred_labels[v],
                res.spatial, res.temporal, [title]))
    except (CompressedVideoError, CheckpointReadError, OSError, ValueError,
            KeyError, pickle.UnpicklingError) as err:
        # UntrustedCheckpointError is an UnpicklingError
        print(f'error: {err}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
