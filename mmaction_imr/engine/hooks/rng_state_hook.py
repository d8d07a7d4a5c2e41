"""Save and restore the random states, so that ``--resume`` continues the run
exactly where the checkpoint left it."""
import random
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import torch
from mmengine.dist import all_gather_object, get_rank, get_world_size
from mmengine.hooks import Hook

from mmaction.registry import HOOKS

__all__ = ['RNGStateHook', 'get_rng_state', 'set_rng_state']


def get_rng_state() -> Dict[str, Any]:
    """The states of Python's, numpy's and torch's (CPU and CUDA) global
    generators of this process."""
    state = dict(
        python=random.getstate(),
        numpy=np.random.get_state(),
        torch=torch.get_rng_state())
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: Dict[str, Any]) -> None:
    """Restore what :func:`get_rng_state` returned."""
    random.setstate(state['python'])
    np.random.set_state(state['numpy'])
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Make a resumed run draw the same random numbers as an uninterrupted one.

    mmengine saves no random state, so a run resumed from epoch ``k`` draws
    different crops, flips, dropout masks and DataLoader worker seeds than
    the run that went on. This hook

    - saves every rank's generator states (:func:`get_rng_state`) in each
      checkpoint (``checkpoint['rng_state']``: one entry per rank; for a
      checkpoint saved within an epoch of a multi-process run, rank 0's
      only, since gathering at every iteration would cost a collective);
    - restores them when training starts from exactly the epoch and
      iteration the checkpoint was written at (``--resume``; not for
      ``load_from``, which starts a new run);
    - keeps validation during training from consuming the training
      generators (the validation DataLoader draws its base seed from torch's
      generator), since checkpoints are written before validation runs: a
      resumed run has no validation of the epoch it resumes from, and the
      result of a run does not depend on how often it validates.

    What the states cover: transforms (Python / numpy generators in the main
    process), the model (torch: dropout, initialisation of new layers), and
    the DataLoader workers, whose seeds derive from a base seed drawn from
    torch's generator plus mmengine's fixed per-worker offset. The sampler's
    shuffle depends on the seed and the epoch only (``DistSamplerSeedHook``)
    and needs nothing saved.
    """

    # Before CheckpointHook (VERY_LOW): the states of all ranks are gathered
    # in `after_train_epoch` before it saves, and validation's draws are
    # undone in `after_val_epoch` before it saves the best checkpoint.
    priority = 'NORMAL'

    def __init__(self) -> None:
        self._gathered: Optional[Tuple[int, List[Dict[str, Any]]]] = None
        self._pending: Optional[Dict[str, Any]] = None
        self._before_val: Optional[Dict[str, Any]] = None
        self._training = False  # between before_train and after_train

    def after_train_epoch(self, runner) -> None:
        # Checkpoints are saved by the main process only (a collective there
        # would hang): gather every rank's states here, on all ranks.
        if get_world_size() > 1:
            self._gathered = (runner.iter, all_gather_object(get_rng_state()))

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self._gathered is not None and self._gathered[0] == runner.iter:
            checkpoint['rng_state'] = self._gathered[1]
        else:  # one process, or a checkpoint saved within an epoch
            checkpoint['rng_state'] = [get_rng_state()]

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        meta = checkpoint.get('meta', {})
        states = checkpoint.get('rng_state')
        self._pending = None
        if states:
            self._pending = dict(
                states=states, epoch=meta.get('epoch'), iter=meta.get('iter'))

    def before_train(self, runner) -> None:
        self._training = True
        pending, self._pending = self._pending, None
        if pending is None or (pending['epoch'], pending['iter']) != (
                runner.epoch, runner.iter):
            return  # not a resume (load_from), or the checkpoint has none
        states = pending['states']
        if len(states) != get_world_size():
            runner.logger.warning(
                f'the checkpoint holds the random states of {len(states)} '
                f'processes, this run has {get_world_size()}: every process '
                'continues from the state of rank 0, so the run will not '
                'repeat the uninterrupted one exactly')
        set_rng_state(states[get_rank() if len(states) ==
                             get_world_size() else 0])
        runner.logger.info('restored the random states of the checkpoint')

    def after_train(self, runner) -> None:
        self._training = False

    def before_val_epoch(self, runner) -> None:
        if self._training:
            self._before_val = get_rng_state()

    def after_val_epoch(self, runner, metrics=None) -> None:
        if self._before_val is not None:
            set_rng_state(self._before_val)
            self._before_val = None
