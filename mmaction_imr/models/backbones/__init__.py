from .imr_resnet3d import (IdentityFusion, IMRBasicBlock3d, IMRResNet3d,
                           MultiPathway, ResLayer)

__all__ = [
    'IdentityFusion', 'IMRBasicBlock3d', 'IMRResNet3d', 'MultiPathway',
    'ResLayer'
]
