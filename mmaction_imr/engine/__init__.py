"""Runtime pieces: the checkpoint trust policy, hooks, the DDP wrapper and
what the train / test tools share.

Importing the package registers the hooks (``HOOKS``) and the model wrapper
(``MODEL_WRAPPERS``); :mod:`mmaction_imr.register` does.
"""
from . import hooks  # noqa: F401  (registration)
from .model_wrappers import IMRDistributedDataParallel

__all__ = ['IMRDistributedDataParallel']
