# Each module registers its heads into mmaction.registry.MODELS.
__all__ = []

from .cls_head import IMRClsHead  # noqa: E402

__all__ += ['IMRClsHead']

from .ctp_head import CTPHead  # noqa: E402
from .pmsp_head import PMSPHead  # noqa: E402

__all__ += ['CTPHead', 'PMSPHead']

from .pretext_cls_head import PretextClsHead  # noqa: E402

__all__ += ['PretextClsHead']

from .late_fusion_head import LateFusionHead  # noqa: E402

__all__ += ['LateFusionHead']
