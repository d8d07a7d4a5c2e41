__all__ = []
from .flow import flow_to_image, residual_to_image  # noqa: E402

__all__ += ['flow_to_image', 'residual_to_image']

from .pmsp import (PMSP_COLORS, draw_pmsp_comparison,  # noqa: E402
                   draw_pmsp_grid, load_pmsp_clip, predict_pmsp)

__all__ += ['PMSP_COLORS', 'draw_pmsp_grid', 'draw_pmsp_comparison',
            'load_pmsp_clip', 'predict_pmsp']
