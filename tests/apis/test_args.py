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


def test_result_on_stdout_moves_logs_and_prints_to_stderr(capsys):
    from mmengine.logging import MMLogger

    from mmaction_imr.apis import result_on_stdout
    # a console handler made before the block, on stdout (as mmengine makes
    # its default logger at import time)
    logger = MMLogger.get_instance('test_result_on_stdout',
                                   log_level='WARNING')
    with result_on_stdout(True):
        logger.warning('a deprecation warning')
        print('progress')
    print('{"result": 1}')
    out, err = capsys.readouterr()
    assert out == '{"result": 1}\n'
    assert 'a deprecation warning' in err and 'progress' in err


def test_result_on_stdout_disabled_changes_nothing(capsys):
    from mmaction_imr.apis import result_on_stdout
    with result_on_stdout(False):
        print('table')
    assert capsys.readouterr().out == 'table\n'
