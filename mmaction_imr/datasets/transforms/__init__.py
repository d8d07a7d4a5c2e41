# Each module registers its transforms into mmaction.registry.TRANSFORMS.
__all__ = []
from .formatting import FormatCompressedShape  # noqa: E402
from .processing import (CompressedCenterCrop, CompressedFlip,  # noqa: E402
                         CompressedMultiScaleCrop, CompressedRandomCrop,
                         CompressedResize, CompressedThreeCrop)

__all__ += [
    'FormatCompressedShape', 'CompressedResize', 'CompressedRandomCrop',
    'CompressedMultiScaleCrop', 'CompressedCenterCrop', 'CompressedThreeCrop',
    'CompressedFlip'
]
from .loading import (CompressedVideoDecode, CompressedVideoInit,  # noqa: E402
                      SampleGOPs)

__all__ += ['CompressedVideoInit', 'SampleGOPs', 'CompressedVideoDecode']
