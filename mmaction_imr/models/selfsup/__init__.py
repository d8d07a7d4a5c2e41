"""Self-supervised models (backbone + pretext heads)."""
from .imr_selfsup import IMRSelfSup

__all__ = ['IMRSelfSup']

from .base import BaseIMRSelfSup, BaseStreamSelfSup  # noqa: E402
from .transform_pretext import (IMRAOTSelfSup, IMRRotationSelfSup,  # noqa
                                IMRTransformPretext)

__all__ += [
    'BaseStreamSelfSup', 'BaseIMRSelfSup', 'IMRTransformPretext',
    'IMRRotationSelfSup', 'IMRAOTSelfSup'
]

# Contrastive models (MoCo machinery in .momentum).
from .imr_infonce import IMRInfoNCE  # noqa: E402
from .mvcgc import MVCGC  # noqa: E402

__all__ += ['IMRInfoNCE', 'MVCGC']
