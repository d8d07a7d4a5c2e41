from .imr_resnet3d import IMRBasicBlock3d, IMRResNet3d

__all__ = ['IMRBasicBlock3d', 'IMRResNet3d']
