#!/usr/bin/env python
"""Video retrieval with a trained backbone: Recall@k of test videos
querying train videos (the CoCLR / MVCGC protocol, docs/evaluation.md).

Features are the backbone's pooled embedding, before any head: for the IMR
backbone the concatenation of its three pathways (``R@k``) and each pathway
alone (``imgs/R@k``, ...). Train videos give one clip each, test videos
clips at a fixed stride, averaged; each set is centred by its own mean and
L2-normalised, neighbours by cosine similarity; a query is a hit at k when
one of its k nearest train videos has its class.

    python tools/retrieval.py configs/linear/imr_r18-tiny-linear_*.py \\
        work_dirs/quickstart/backbone.pth --show-dir vis/retrieval

CONFIG: any config with a model and a ``retrieval`` dict naming the two
views of the data (configs/_base_/retrieval/*.py; the linear-probe configs
have one). CHECKPOINT: a checkpoint of that model, of any other model with
the same backbone (e.g. the self-supervised pretraining run), or the
weights-only backbone of tools/convert_pretrained.py; the backbone weights
must match the config's backbone exactly.

An mmengine training checkpoint is a full pickle: it loads when a run of
yours wrote it, when listed in $MMACTION_IMR_TRUSTED_CHECKPOINTS, or with
--trust-checkpoint; weights-only files need nothing.

Exit codes: 0 done; 1 the config, checkpoint or data could not be used;
2 bad arguments.
"""
import json
import sys


def main(argv=None) -> int:
    from mmaction_imr.apis import (add_model_args, result_on_stdout,
                                   tool_parser)
    parser = tool_parser(__doc__, config='config with model and retrieval',
                         checkpoint='model or backbone checkpoint')
    parser.add_argument('--show-dir', help='write a picture per shown query '
                        '(its I-frames and its 5 nearest train videos, with '
                        'classes, videos and similarities) here, named '
                        'after the query video: <video>.png')
    parser.add_argument('--label-file', help='class names for the '
                        'pictures, one per line (line k = label k); '
                        'default: retrieval.class_names of the config, '
                        'else the classes.txt beside the test list')
    parser.add_argument('--num-show', type=int, default=8,
                        help='queries to draw with --show-dir, spread over '
                        'the test set (default: %(default)s)')
    parser.add_argument('--json', action='store_true',
                        help='print the result as JSON on stdout (metrics '
                        'in [0, 1] and the set sizes); progress goes to '
                        'stderr')
    add_model_args(
        parser, 'retrieval.query_dataloader.dataset.pipeline.1.clip_stride=2')
    args = parser.parse_args(argv)
    if args.num_show < 0:
        parser.error('--num-show must be >= 0')
    import os.path as osp
    if args.label_file and not osp.isfile(args.label_file):
        print(f'error: --label-file {args.label_file}: no such file',
              file=sys.stderr)
        return 1

    import pickle

    from mmengine.config import Config

    import mmaction_imr.register  # noqa: F401  (shims + registration)
    from mmaction_imr.codec import CompressedVideoError
    from mmaction_imr.engine.checkpoint import CheckpointReadError
    from mmaction_imr.evaluation.retrieval_runner import (format_table,
                                                          neighbor_pictures,
                                                          run_retrieval)
    try:
        with result_on_stdout(args.json):
            cfg = Config.fromfile(args.config)
            cfg.merge_from_dict(args.cfg_options)
            if args.label_file and isinstance(cfg.get('retrieval'), dict):
                cfg.retrieval.class_names = args.label_file
            result = run_retrieval(cfg, args.checkpoint,
                                   args.trust_checkpoint, args.device,
                                   progress=True)
            pictures = []
            if args.show_dir:
                pictures = neighbor_pictures(cfg, result, args.show_dir,
                                             args.num_show)
    except (CompressedVideoError, CheckpointReadError, OSError, ValueError,
            KeyError, pickle.UnpicklingError) as err:
        # UntrustedCheckpointError is an UnpicklingError
        print(f'\nerror: {err}', file=sys.stderr)
        return 1
    q, g = result.query, result.gallery
    sizes = dict(num_queries=len(q), num_gallery=len(g),
                 query_clips_mean=float(q.num_clips.double().mean()))
    if args.json:
        print(json.dumps(dict(metrics=result.metrics, **sizes,
                              pictures=pictures), indent=1))
    else:
        print(f'\n{len(q)} test videos ({sizes["query_clips_mean"]:.1f} '
              f'clips each on average) queried {len(g)} train videos; '
              'Recall@k in %:')
        print(format_table(result.metrics))
        for path in pictures:
            print(f'wrote {path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
