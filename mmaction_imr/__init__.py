"""mmaction-imr: learn video representations from compressed videos.

Importing the package applies the upstream shims (:mod:`mmaction_imr.compat`)
and registers every component into mmaction2's registries (``TRANSFORMS``,
``MODELS``, ``METRICS``), which is what ``custom_imports`` in the configs
relies on.
"""
from .compat import apply_shims

apply_shims()

from . import datasets, engine, evaluation, models  # noqa: E402,F401
from .version import __version__  # noqa: E402

__all__ = ['__version__', 'apply_shims']
