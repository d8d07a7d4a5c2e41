#!/usr/bin/env python
"""Recognise the action in a video with a compressed-video model, like
mmaction2's demo/demo.py.

The clip is made by the config's own test pipeline (the GOPs, crops and
streams that tools/test.py uses), the scores are the model's, averaged
over the views as its head says. Prints the top-5 classes:

    python demo/demo.py video.mp4 CONFIG CHECKPOINT --label-file classes.txt
    python demo/demo.py video.mp4 CONFIG CHECKPOINT --out-png pred.png

--label-file: one class name per line, line k = label k (e.g. the
classes.txt of tools/data/build_filelist.py); without it the labels are
printed as numbers. --out-png: the clip's I-frames (first view) with the
top-5 classes above them.

Exit codes: 0 done; 1 the video / config / checkpoint / label file could
not be used; 2 bad arguments.
"""
import os.path as osp
import pickle
import sys
from typing import List, Optional


def read_labels(path: str) -> List[str]:
    """Class names, one per line (blank lines at the end ignored)."""
    with open(path, encoding='utf-8') as f:
        names = [line.strip() for line in f]
    while names and not names[-1]:
        names.pop()
    if not names or not all(names):
        raise ValueError(f'{path}: expected one class name per line')
    return names


def top_k(scores, k: int = 5, labels: Optional[List[str]] = None):
    """``[(label or index, score)]`` of the ``k`` best classes."""
    import torch
    scores = torch.as_tensor(scores).flatten()
    if labels is not None and len(labels) != len(scores):
        raise ValueError(f'the label file has {len(labels)} names, the '
                         f'model scores {len(scores)} classes')
    values, idx = scores.topk(min(k, len(scores)))
    return [(labels[i] if labels else str(i), float(v))
            for v, i in zip(values.tolist(), idx.tolist())]


def main(argv=None) -> int:
    from mmaction_imr.apis import add_model_args, tool_parser
    parser = tool_parser(__doc__, video='video file',
                         config='recognizer config',
                         checkpoint='its checkpoint')
    parser.add_argument('--label-file', help='class names, one per line')
    parser.add_argument('--out-png', help='write the I-frames with the '
                        'prediction to this PNG')
    add_model_args(parser)
    args = parser.parse_args(argv)

    import mmaction_imr.register  # noqa: F401  (shims + registration)
    from mmaction_imr.apis import (inference_recognizer, init_model,
                                   prepare_clip)
    from mmaction_imr.codec import CompressedVideoError
    from mmaction_imr.engine.checkpoint import (CheckpointReadError,
                                                trust_checkpoints)
    try:
        labels = read_labels(args.label_file) if args.label_file else None
        trusted = [args.checkpoint] if args.trust_checkpoint else []
        with trust_checkpoints(trusted):
            model = init_model(args.config, args.checkpoint, args.device,
                               args.cfg_options)
        result = inference_recognizer(model, args.video)
        best = top_k(result.pred_score, 5, labels)
        print(f'The top-{len(best)} labels with their scores:')
        for name, score in best:
            print(f'{name}: {score:.4f}')
        if args.out_png:
            _write_png(args.out_png, prepare_clip(model, args.video),
                       osp.basename(args.video), best)
    except (CompressedVideoError, CheckpointReadError, OSError, ValueError,
            KeyError, pickle.UnpicklingError) as err:
        # UntrustedCheckpointError is an UnpicklingError
        print(f'error: {err}', file=sys.stderr)
        return 1
    return 0


def _write_png(path: str, data, title: str, best) -> None:
    """The first view's I-frames with the top classes above them.

    The clip is prepared again (the test pipeline is deterministic, so it is
    the one the model saw): ``inference_recognizer`` returns scores only.
    """
    import cv2

    from mmaction_imr.visualization import draw_iframes
    inputs = data['inputs']
    if not isinstance(inputs, dict) or 'imgs' not in inputs:
        raise ValueError('the test pipeline gives no imgs (I-frames) to '
                         'draw')
    frames = inputs['imgs'][0][0]  # view 0: [3, T, H, W] uint8
    frames = frames.permute(1, 2, 3, 0).clamp(0, 255).byte().numpy()
    lines = [title] + [f'{name}: {score:.3f}' for name, score in best]
    if not cv2.imwrite(path, draw_iframes(frames, lines)[..., ::-1]):
        raise OSError(f'{path}: could not write the image')
    print(f'wrote {path}')


if __name__ == '__main__':
    sys.exit(main())
