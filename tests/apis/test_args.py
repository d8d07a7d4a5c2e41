"""add_model_args: the options the model-loading tools share."""
import argparse

from mmaction_imr.apis import add_model_args


def test_defaults_and_values():
    parser = argparse.ArgumentParser()
    add_model_args(parser, 'model.backbone.depth=50')
    args = parser.parse_args([])
    assert (args.device, args.trust_checkpoint, args.cfg_options) == (
        'cpu', False, {})
    args = parser.parse_args(['--device', 'cuda:0', '--trust-checkpoint',
                              '--cfg-options', 'a.b=2'])
    assert (args.device, args.trust_checkpoint, args.cfg_options) == (
        'cuda:0', True, {'a.b': 2})
    assert 'model.backbone.depth=50' in parser.format_help()
