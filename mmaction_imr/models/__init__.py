# mmaction.models does not import without the shims (its drn localizer is
# missing from the 1.2.0 wheel), and importing this package directly, e.g.
# `from mmaction_imr.models.backbones import IMRResNet3d`, must work too.
from ..compat import apply_shims

apply_shims()

from . import backbones, fusion, heads, selfsup  # noqa: E402,F401

__all__ = []
