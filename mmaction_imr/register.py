"""Register every mmaction-imr component into mmaction2's registries.

Importing this module is the one thing a config or a script needs to build
the plugin's transforms, models, metrics and hooks::

    custom_imports = dict(
        imports=['mmaction_imr.register'], allow_failed_imports=False)

It first applies the shims for the pinned upstream stack
(:func:`mmaction_imr.compat.apply_shims`), so that mmaction2 imports at all,
then imports the subpackages whose modules register themselves. A bare
``import mmaction_imr`` does none of this (it stays cheap for the data
tools).
"""
import importlib.util

# mmcv-lite and full mmcv both provide `mmcv`, so neither is an install
# requirement (pip would replace the user's CUDA build with the other one):
# say clearly what is missing instead of failing deep inside mmaction2.
if importlib.util.find_spec('mmcv') is None:
    raise ImportError(
        'mmaction_imr.register: the `mmcv` package is not installed. '
        'mmaction2 1.2.0 needs mmcv >=2.0.0rc4,<2.2.0: on a CPU machine '
        '`pip install "mmcv-lite>=2.0.0rc4,<2.2.0"` (or '
        '`pip install -e ".[lite]"`); with CUDA, full mmcv built for your '
        'torch (`mim install "mmcv>=2.0.0rc4,<2.2.0"`). See the README, '
        'section "Install".')

from .compat import apply_shims  # noqa: E402

apply_shims()

from . import datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = []
