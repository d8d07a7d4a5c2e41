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

# Baseline pretexts of the paper's Table 3 (docs/selfsup.md).
from .arrow_of_time import (AOT_CLASSES, aot_labels, aot_transform,  # noqa
                            reverse_streams)
from .rotation import (ROTATION_ANGLES, rotate_frames,  # noqa: E402
                       rotate_motion_vectors, rotate_streams, rotation_labels,
                       rotation_transform)

__all__ += [
    'AOT_CLASSES', 'aot_labels', 'aot_transform', 'reverse_streams',
    'ROTATION_ANGLES', 'rotate_frames', 'rotate_motion_vectors',
    'rotate_streams', 'rotation_labels', 'rotation_transform'
]

# Contrastive losses and positive mining (InfoNCE, MVCGC).
from .contrastive import (contrast_logits, info_nce,  # noqa: E402
                          mine_positives, multi_positive_info_nce,
                          multi_positive_nce, topk_mask)

__all__ += [
    'contrast_logits', 'info_nce', 'multi_positive_nce',
    'multi_positive_info_nce', 'topk_mask', 'mine_positives'
]
