from .lateral import IMRLateralFusion, MultimodalGate, lateral_width

__all__ = ['IMRLateralFusion', 'MultimodalGate', 'lateral_width']
