"""Command-line options of the tools that build a model from a config and a
checkpoint (``demo/demo.py``, ``tools/visualize_pmsp.py``,
``tools/retrieval.py``), so that they mean the same everywhere."""
import argparse

__all__ = ['add_model_args']


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
