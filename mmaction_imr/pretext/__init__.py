"""Pure-torch pretext maths (no mmengine): PMSP labels, CTP transforms."""
from .ctp import (CTP_BINARY_TYPES, CTP_TYPES, CTPPlan, apply_ctp_plan,
                  ctp_plan, ctp_transform)
from .pmsp import (DEFAULT_SPATIAL, DEFAULT_TEMPORAL, PMSPLevel, cell_box,
                   cell_edges, pmsp_labels, pmsp_levels, pmsp_magnitudes,
                   pmsp_windows, prewitt_boundaries)

__all__ = [
    'CTP_TYPES', 'CTP_BINARY_TYPES', 'CTPPlan', 'ctp_plan', 'apply_ctp_plan',
    'ctp_transform', 'DEFAULT_SPATIAL', 'DEFAULT_TEMPORAL', 'PMSPLevel',
    'pmsp_levels', 'pmsp_windows', 'cell_edges', 'cell_box',
    'prewitt_boundaries', 'pmsp_magnitudes', 'pmsp_labels'
]
