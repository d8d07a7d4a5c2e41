"""What ``tools/train.py`` and ``tools/test.py`` share.

The CLIs keep mmaction2's arguments. Their merging into the config is
mmaction2's own code (``merge_args`` of the tools shipped inside the
mmaction2 wheel, ``mmaction/.mim/tools``), so a flag means exactly what it
means in mmaction2; we add only what this plugin needs on top:

- the checkpoint trust policy of :mod:`mmaction_imr.compat` (the run's
  work_dir is trusted, ``--trust-checkpoint`` trusts a given file);
- the ``gloo`` backend when there is no GPU, so ``tools/dist_train.sh``
  works on CPU machines too.
"""
import argparse
import importlib.util
import os
import os.path as osp
from types import ModuleType

import torch
from mmengine.config import Config, DictAction

from ..compat import UntrustedCheckpointError, trust_checkpoint_path

__all__ = [
    'add_common_args', 'parse_cli', 'load_upstream_tool', 'finish_config',
    'build_runner', 'run'
]


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """The arguments train.py and test.py share (mmaction2's, plus
    ``--trust-checkpoint``)."""
    parser.add_argument(
        '--trust-checkpoint', action='store_true',
        help='allow loading the checkpoint (--resume / load_from / the '
        'test checkpoint) as a full pickle; unpickling may run code, so only '
        'for files you trust. The run\'s own work dir is always trusted.')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, key=value (e.g. '
        'train_dataloader.batch_size=4 model.backbone.depth=50)')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def parse_cli(parser: argparse.ArgumentParser, argv=None) -> argparse.Namespace:
    """Parse, and export LOCAL_RANK for mmengine as mmaction2 does."""
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def load_upstream_tool(name: str) -> ModuleType:
    """Import ``mmaction/.mim/tools/<name>.py`` of the installed mmaction2.

    Raises:
        FileNotFoundError: the wheel does not ship that tool.
    """
    spec = importlib.util.find_spec('mmaction')
    path = osp.join(osp.dirname(spec.origin), '.mim', 'tools', f'{name}.py')
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'{path}: mmaction2 tool not found; mmaction_imr needs the '
            'mmaction2==1.2.0 wheel, which ships it')
    mod_spec = importlib.util.spec_from_file_location(
        '_mmaction_tools_' + name.replace('/', '_'), path)
    module = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(module)
    return module


def finish_config(cfg: Config, trust_checkpoint: bool = False) -> Config:
    """Apply what the plugin adds after mmaction2's ``merge_args``.

    Args:
        cfg: The merged config (``work_dir`` and ``load_from`` resolved).
        trust_checkpoint: Trust the full-pickle checkpoint in
            ``cfg.load_from`` (``--trust-checkpoint``).
    """
    # Your own run's checkpoints are trusted: `--resume` must work.
    trust_checkpoint_path(cfg.work_dir)
    if trust_checkpoint and cfg.get('load_from'):
        trust_checkpoint_path(cfg.load_from)
    if not torch.cuda.is_available():
        env_cfg = cfg.setdefault('env_cfg', {})
        dist_cfg = env_cfg.setdefault('dist_cfg', {})
        if dist_cfg.get('backend', 'nccl') == 'nccl':
            # NCCL needs GPUs; gloo runs the same launcher on CPUs.
            dist_cfg['backend'] = 'gloo'
    return cfg


def build_runner(cfg: Config):
    """Build mmengine's Runner, or the one named by ``cfg.runner_type``."""
    if 'runner_type' not in cfg:
        from mmengine.runner import Runner
        return Runner.from_cfg(cfg)
    from mmaction.registry import RUNNERS
    return RUNNERS.build(cfg)


def run(cfg: Config, mode: str) -> int:
    """Build the runner and ``train`` or ``test``; returns the exit code.

    A checkpoint refused by the trust policy is a one-line error (exit 1):
    it is the user's decision, not a bug, so no traceback.
    """
    runner = build_runner(cfg)
    try:
        getattr(runner, mode)()
    except UntrustedCheckpointError as err:
        import sys
        print(f'error: {err}', file=sys.stderr)
        return 1
    return 0
