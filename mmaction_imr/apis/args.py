"""Command-line options of the tools that build a model from a config and a
checkpoint (``demo/demo.py``, ``tools/visualize_pmsp.py``,
``tools/retrieval.py``), so that they mean the same everywhere, and the
parser those tools and ``tools/train.py``, ``tools/test.py``,
``tools/convert_pretrained.py``, ``tools/publish_model.py`` and
``tools/analysis/get_flops.py`` start from."""
import argparse
import contextlib
import logging
import sys
from typing import Iterator

__all__ = ['tool_parser', 'add_model_args', 'result_on_stdout']


def tool_parser(description: str,
                **positionals: str) -> argparse.ArgumentParser:
    """A tool's parser: its module docstring as the help, kept as written
    (usage examples, exit codes), then its positional arguments in order.

    Args:
        description: the tool's ``__doc__``.
        **positionals: ``name='help'`` per positional argument, e.g.
            ``tool_parser(__doc__, config='test config file path',
            checkpoint='checkpoint file')``.
    """
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawTextHelpFormatter)
    for name, text in positionals.items():
        parser.add_argument(name, help=text)
    return parser


def add_model_args(parser: argparse.ArgumentParser,
                   cfg_example: str = '') -> None:
    """Add ``--device``, ``--trust-checkpoint`` and ``--cfg-options``.

    They map onto :func:`~mmaction_imr.apis.init_model`'s ``device`` and
    ``cfg_options`` and onto
    :func:`~mmaction_imr.engine.checkpoint.trust_checkpoints` for the
    tool's CHECKPOINT argument.

    Args:
        parser: the tool's parser; its positional CONFIG and CHECKPOINT
            are its own (their help differs per tool).
        cfg_example: an example override for the ``--cfg-options`` help,
            e.g. ``'test_pipeline.4.type=CompressedCenterCrop'``.
    """
    from mmengine.config import DictAction
    parser.add_argument('--device', default='cpu',
                        help='device of the model (default: cpu)')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='CHECKPOINT is a full pickle you trust (your '
                        'own training run)')
    example = f', e.g. {cfg_example}' if cfg_example else ''
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        default={},
                        help=f'override config entries, key=value{example}')


@contextlib.contextmanager
def result_on_stdout(enabled: bool = True) -> Iterator[None]:
    """Keep stdout for a tool's machine-readable result (``--json``).

    While the body runs, ``print`` and mmengine's console log (whose handler
    may have been made before, on stdout) write to stderr; the caller prints
    the result after the block. Does nothing when ``enabled`` is false.
    """
    if not enabled:
        yield
        return
    from mmengine.logging import MMLogger
    for handler in MMLogger.get_current_instance().handlers:
        if isinstance(handler, logging.StreamHandler) and \
                handler.stream in (sys.stdout, sys.__stdout__):
            handler.setStream(sys.stderr)
    with contextlib.redirect_stdout(sys.stderr):
        yield
