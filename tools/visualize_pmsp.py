#!/usr/bin/env python
"""Draw the PMSP labels of a video clip (paper Figures 5-12), and with a
pretrained model its predictions beside them (Figures 13-14).

Reads T consecutive GOPs (default 5 from GOP 0) with mmaction_imr.codec,
computes the 27 PMSP labels from the motion vectors and draws, for each
temporal scale t in (1, 3, 5), the I-frames with the cell of highest
motion-boundary energy: red = 2x2 grid, green = 3x3, blue = 4x4.

    python tools/visualize_pmsp.py video.mp4 --out-dir vis/
    python tools/visualize_pmsp.py video.mp4 --config CFG --checkpoint CKPT

Writes DIR/<video>_g<start>_pmsp.png, and with a model
DIR/<video>_g<start>_pmsp_pred.png (ground truth left, prediction right).

Exit codes: 0 written; 1 the video / config / checkpoint could not be used;
2 bad arguments.
"""
import argparse
import os
import os.path as osp
import sys

import mmaction_imr  # noqa: F401  (shims + registration first)


def _write(path, rgb):
    import cv2
    if not cv2.imwrite(path, rgb[..., ::-1]):
        raise OSError(f'{path}: could not write the image')
    print(f'wrote {path}')


def _build_model(config, checkpoint, trust):
    from mmengine.config import Config
    from mmengine.runner.checkpoint import load_checkpoint

    from mmaction.registry import MODELS
    from mmaction_imr.compat import trust_checkpoint_path
    cfg = Config.fromfile(config)
    model_cfg = cfg.model
    model_cfg.get('backbone', {}).pop('init_cfg', None)
    model = MODELS.build(model_cfg)
    if trust:
        trust_checkpoint_path(checkpoint)
    load_checkpoint(model, checkpoint, map_location='cpu')
    return model.eval()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('video', help='input video file')
    parser.add_argument('--out-dir', default='.', help='output folder '
                        '(default: current folder)')
    parser.add_argument('--start-gop', type=int, default=0,
                        help='first GOP of the clip (default: 0)')
    parser.add_argument('--num-gops', type=int, default=5,
                        help='GOPs per clip T (default: 5)')
    parser.add_argument('--kappa', type=int, default=5,
                        help='P-frames per GOP (default: 5)')
    parser.add_argument('--short-side', type=int, default=256,
                        help='resize to this short side, 0 keeps the size '
                        '(default: 256)')
    parser.add_argument('--temporal', type=int, nargs='+', default=[1, 3, 5],
                        help='temporal scales (default: 1 3 5; each <= T)')
    parser.add_argument('--config', help='IMRSelfSup config (with '
                        '--checkpoint): also draw its predictions')
    parser.add_argument('--checkpoint', help='IMRSelfSup checkpoint')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='CHECKPOINT is a full pickle you trust (your '
                        'own training run)')
    args = parser.parse_args(argv)
    if bool(args.config) != bool(args.checkpoint):
        parser.error('--config and --checkpoint go together')

    import torch

    from mmaction_imr.codec import CompressedVideoError
    from mmaction_imr.compat import UntrustedCheckpointError
    from mmaction_imr.pretext import pmsp_labels
    from mmaction_imr.visualization.pmsp import (draw_pmsp_comparison,
                                                 draw_pmsp_grid,
                                                 load_pmsp_clip,
                                                 predict_pmsp)
    temporal = tuple(args.temporal)
    try:
        clip = load_pmsp_clip(args.video, args.start_gop, args.num_gops,
                              args.kappa, args.short_side or None)
        mv = torch.from_numpy(clip['motion_vectors']).permute(3, 0, 1, 2)
        gt = pmsp_labels(mv[None], args.num_gops,
                         temporal=temporal)[0].numpy()
        stem = osp.join(args.out_dir, '{}_g{}_pmsp'.format(
            osp.splitext(osp.basename(args.video))[0], args.start_gop))
        os.makedirs(args.out_dir, exist_ok=True)
        _write(stem + '.png', draw_pmsp_grid(clip['imgs'], gt,
                                             temporal=temporal))
        if args.checkpoint:
            model = _build_model(args.config, args.checkpoint,
                                 args.trust_checkpoint)
            pred = predict_pmsp(model, clip)
            if pred.shape != gt.shape:
                raise ValueError(f'{args.config}: the PMSP head predicts '
                                 f'{len(pred)} labels, --temporal '
                                 f'{" ".join(map(str, temporal))} gives '
                                 f'{len(gt)}; pass its temporal scales')
            print(f'PMSP accuracy on this clip: {(pred == gt).mean():.3f} '
                  f'({len(gt)} labels)')
            _write(stem + '_pred.png',
                   draw_pmsp_comparison(clip['imgs'], gt, pred,
                                        temporal=temporal))
    except (CompressedVideoError, OSError, ValueError,
            UntrustedCheckpointError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
