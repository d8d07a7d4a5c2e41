"""Pictures of compressed clips: pure drawing, arrays in, RGB images out."""
from .charts import draw_summary_bars
from .clip import draw_iframes
from .compressed import draw_compressed_clip, draw_pframe
from .curves import draw_curves, read_curves, select_keys
from .flow import (draw_flow_wheel, flow_scale, flow_to_image,
                   residual_to_image)
from .pmsp import PMSP_COLORS, draw_pmsp_comparison, draw_pmsp_grid
from .retrieval import draw_retrieval

__all__ = [
    'draw_iframes', 'flow_to_image', 'residual_to_image', 'PMSP_COLORS',
    'draw_pmsp_grid', 'draw_pmsp_comparison', 'draw_retrieval',
    'draw_compressed_clip', 'draw_pframe', 'draw_flow_wheel', 'flow_scale',
    'draw_summary_bars', 'draw_curves', 'read_curves', 'select_keys'
]
