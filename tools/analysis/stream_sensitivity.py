#!/usr/bin/env python
"""How much each pathway's features depend on the I-frames and on the P
streams: swap them between the clips of a batch and measure the change.

For every batch of the config's val (or test) dataloader, the I-frames
(``imgs``), then the P streams (``motion_vectors`` + ``residuals``), of clip
i are replaced by those of clip i - 1 (a roll by one along the batch), and
for the final map of each pathway, and for the output of each backbone stage,
the relative change ||f(swapped) - f(orig)|| / ||f(orig)|| is accumulated
over all clips (norms over every clip seen). 0 = the map ignores the swapped
streams; larger = it depends more on them (sqrt(2) for zero-mean maps that
change into an unrelated clip's).
A model whose final I-pathway features barely move when the I-frames are
swapped cannot compare I-frames with P-frames at the head, which CTP needs.

Works for any model of the plugin with a ``backbone`` (IMRSelfSup,
MMRecognizer3D); the backbone runs in eval mode, the heads are not used, so
a backbone-only checkpoint (tools/convert_pretrained.py) works too. Stage
rows are ResNet-named (conv1, res2, ...) and hold each stage's pathway maps
before the lateral fusion that follows; ``output`` is what the heads see.

Examples::

    python tools/analysis/stream_sensitivity.py CONFIG CHECKPOINT \\
        --trust-checkpoint      # a training checkpoint: a full pickle
    python tools/analysis/stream_sensitivity.py CONFIG backbone.pth \\
        --batches 4 --json > sensitivity.json

The checkpoint loads through mmengine's load_checkpoint with the plugin's
trust policy: a weights-only file always loads; a full training checkpoint
when your own run wrote it (its work_dir manifest), with --trust-checkpoint,
or from a place listed in $MMACTION_IMR_TRUSTED_CHECKPOINTS.

Exit codes: 0 ok, 1 bad config / checkpoint / data, 2 usage.
"""
import argparse
import json
import sys
import warnings

# mmcv-lite's import-time notice would clutter the output.
warnings.filterwarnings('ignore', message='Fail to import ``MultiScale')

from mmengine.config import Config, DictAction  # noqa: E402

from mmaction_imr.analysis.sensitivity import (  # noqa: E402
    StreamSensitivity, format_table)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='config with `model` and the '
                        'dataloader of --split')
    parser.add_argument('checkpoint', help='checkpoint of that model (a '
                        'training checkpoint or backbone weights)')
    parser.add_argument('--batches', type=int, default=8, metavar='N',
                        help='measure at most N batches (default 8)')
    parser.add_argument('--split', choices=('val', 'test'), default='val',
                        help='take batches from val_dataloader (default) or '
                        'test_dataloader')
    parser.add_argument('--json', action='store_true',
                        help='print one JSON object instead of the table')
    parser.add_argument('--no-stages', action='store_true',
                        help='measure the final maps only')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='allow CHECKPOINT to be a full pickle (an '
                        'mmengine training checkpoint); unpickling may run '
                        'code, so only for files you trust')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value (e.g. '
                        'val_dataloader.batch_size=8)')
    args = parser.parse_args(argv)
    if args.batches < 1:
        parser.error('--batches must be >= 1')
    return args


def build(args: argparse.Namespace):
    """Model (checkpoint loaded, eval mode) and the dataloader."""
    # here, not at the top: --help and usage errors need no registries
    import mmaction_imr.register  # noqa: F401  (shims + registration)
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner, load_checkpoint

    from mmaction.registry import MODELS
    from mmaction_imr.engine.checkpoint import trust_checkpoints
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    loader_key = f'{args.split}_dataloader'
    if not cfg.get(loader_key):
        raise ValueError(f'{args.config}: no {loader_key} in the config')
    model = MODELS.build(cfg.model)
    if not hasattr(model, 'backbone'):
        raise ValueError(f'{args.config}: model {type(model).__name__} has '
                         'no backbone')
    # the heads may be absent (backbone weights): only the backbone is used
    with trust_checkpoints([args.checkpoint] if args.trust_checkpoint
                           else []):
        ckpt = load_checkpoint(model, args.checkpoint, map_location='cpu',
                               strict=False, logger='silent')
    state = ckpt.get('state_dict', ckpt)
    missing = [k for k in model.backbone.state_dict()
               if f'backbone.{k}' not in state]
    if missing:
        raise ValueError(
            f'{args.checkpoint}: {len(missing)} backbone weights missing '
            f'(e.g. backbone.{missing[0]}); is it a checkpoint of this '
            'config\'s model?')
    model.eval()
    return model, Runner.build_dataloader(cfg[loader_key])


def measure(model, loader, num_batches: int,
            per_stage: bool = True) -> dict:
    """Run the meter on up to ``num_batches`` batches of >= 2 clips."""
    from mmengine.utils import ProgressBar
    meter = StreamSensitivity(model.backbone, per_stage=per_stage)
    bar = ProgressBar(min(num_batches, len(loader)), file=sys.stderr)
    done = skipped = 0
    for data in loader:
        if done >= num_batches:
            break
        data = model.data_preprocessor(data, False)
        if len(data['data_samples']) < 2:
            skipped += 1  # no other clip to swap with
            continue
        meter.update(data['inputs'])
        done += 1
        bar.update()
    sys.stderr.write('\n')
    if not done:
        raise ValueError('no batch of 2 or more clips: raise the batch size '
                         '(--cfg-options <split>_dataloader.batch_size=8)')
    return dict(batches=done, skipped_batches=skipped,
                clips=meter.num_clips, layers=meter.layers,
                swaps={k: list(v) for k, v in meter.swaps.items()},
                sensitivity=meter.result())


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        model, loader = build(args)
        res = measure(model, loader, args.batches, not args.no_stages)
    except Exception as err:  # config / checkpoint / data: input failures
        print(f'error: {type(err).__name__}: {err}', file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(dict(config=args.config, checkpoint=args.checkpoint,
                              split=args.split, **res)))
        return 0
    print(f'config: {args.config}\ncheckpoint: {args.checkpoint}')
    print(f'{res["clips"]} clips in {res["batches"]} {args.split} batches; '
          'relative change ||f(swapped) - f|| / ||f||, swap = roll by one '
          'clip of ' + ', '.join(f'{k} ({" + ".join(v)})'
                                 for k, v in res['swaps'].items()))
    print(format_table(res['sensitivity']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
