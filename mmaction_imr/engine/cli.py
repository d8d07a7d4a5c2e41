"""What ``tools/train.py`` and ``tools/test.py`` share.

The CLIs keep mmaction2's arguments. Their merging into the config is
mmaction2's own code (``merge_args`` of the tools shipped inside the
mmaction2 wheel, ``mmaction/.mim/tools``), so a flag means exactly what it
means in mmaction2; we add only what this plugin needs on top:

- ``--trust-checkpoint``: the checkpoint named on the command line may be
  unpickled in full, for this run only (the policy is
  :mod:`mmaction_imr.engine.checkpoint`; the run's own checkpoints need no
  flag);
- the process group ends cleanly before exit (multi-process runs).

Everything else (the ``gloo`` backend on CPU machines, the CPU-capable DDP
wrapper, saving random states) comes from the registration module and the
configs, so mmaction2's stock tools get it too.
"""
import argparse
import importlib.util
import os
import os.path as osp
import sys
from types import ModuleType
from typing import List, Optional

from mmengine.config import Config, DictAction

from .checkpoint import (CheckpointReadError, UntrustedCheckpointError,
                         trust_checkpoints)
from .hooks import shutdown_process_group

__all__ = [
    'add_common_args', 'parse_cli', 'load_upstream_tool', 'trusted_paths',
    'build_runner', 'run', 'apply_seed'
]


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """The arguments train.py and test.py share (mmaction2's, plus
    ``--trust-checkpoint``)."""
    parser.add_argument(
        '--trust-checkpoint', action='store_true',
        help='allow loading the checkpoint (--resume / load_from / the '
        'test checkpoint) as a full pickle; unpickling may run code, so only '
        'for files you trust. Checkpoints written by your own runs need no '
        'flag (they are recorded in the manifest beside them).')
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


def trusted_paths(cfg: Config, trust_checkpoint: bool) -> List[str]:
    """The checkpoint that ``--trust-checkpoint`` vouches for.

    ``cfg.load_from`` (``--resume PATH``, the test checkpoint, ``load_from``),
    or for ``--resume`` without a path the latest checkpoint of the work dir.
    Empty without the flag.
    """
    if not trust_checkpoint:
        return []
    if cfg.get('load_from'):
        return [cfg.load_from]
    if cfg.get('resume'):
        from mmengine.runner import find_latest_checkpoint
        latest = find_latest_checkpoint(cfg.work_dir)
        return [latest] if latest else []
    return []


def apply_seed(cfg: Config, seed: Optional[int]) -> Config:
    """Make an explicit ``--seed`` win over the config's ``randomness``.

    mmaction2's ``merge_args`` uses ``--seed`` only when the config sets no
    ``randomness``; a config that fixes a seed (for repeatable tests, e.g.
    ``configs/toy/imr-pmsp-ctp_*``) would silently train every seed alike.
    """
    if seed is not None:
        randomness = dict(cfg.get('randomness') or {})
        randomness['seed'] = seed
        cfg.randomness = randomness
    return cfg


def build_runner(cfg: Config):
    """Build mmengine's Runner, or the one named by ``cfg.runner_type``."""
    if 'runner_type' not in cfg:
        from mmengine.runner import Runner
        return Runner.from_cfg(cfg)
    from mmaction.registry import RUNNERS
    return RUNNERS.build(cfg)


def run(cfg: Config, mode: str, trust_checkpoint: bool = False) -> int:
    """Build the runner and ``train`` or ``test``; returns the exit code.

    Args:
        cfg: The merged config.
        mode: ``'train'`` or ``'test'``.
        trust_checkpoint: ``--trust-checkpoint``: the checkpoint this run
            loads (:func:`trusted_paths`) may be unpickled in full, for this
            call only.

    A checkpoint refused by the trust policy, or one that cannot be read, is
    a one-line error (exit 1): no traceback, it is about the file, not a bug.
    After a successful run the process group (if any) ends before the
    interpreter exits (:func:`~mmaction_imr.engine.hooks.
    shutdown_process_group`).
    """
    runner = build_runner(cfg)
    try:
        with trust_checkpoints(trusted_paths(cfg, trust_checkpoint)):
            getattr(runner, mode)()
    except (UntrustedCheckpointError, CheckpointReadError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    shutdown_process_group()
    return 0
