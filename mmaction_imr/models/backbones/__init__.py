from .imr_resnet3d import (IdentityFusion, IMRBasicBlock3d, IMRResNet3d,
                           MultiPathway, ResLayer)
from .stream_backbones import StreamBackbones

__all__ = [
    'IdentityFusion', 'IMRBasicBlock3d', 'IMRResNet3d', 'MultiPathway',
    'ResLayer', 'StreamBackbones'
]
