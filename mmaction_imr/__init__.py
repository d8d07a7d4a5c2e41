"""mmaction-imr: learn video representations from compressed videos.

``import mmaction_imr`` is cheap: it imports neither torch, mmengine nor
mmaction2, and registers nothing. The data-preparation code
(:mod:`mmaction_imr.prepare`) and the pure maths (:mod:`mmaction_imr.codec`,
:mod:`mmaction_imr.pretext`) are used from here on without paying for them.

Registering the components into mmaction2's registries (``TRANSFORMS``,
``MODELS``, ``METRICS``, ``HOOKS``) is explicit: import
:mod:`mmaction_imr.register`, which is what every config names in
``custom_imports=dict(imports=['mmaction_imr.register'], ...)``.
"""
from .version import __version__

__all__ = ['__version__']
