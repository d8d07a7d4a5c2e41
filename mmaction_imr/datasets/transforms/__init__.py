# Each module registers its transforms into mmaction.registry.TRANSFORMS.
__all__ = []
from .formatting import FormatCompressedShape  # noqa: E402
from .processing import (CompressedCenterCrop, CompressedFlip,  # noqa: E402
                         CompressedMultiScaleCrop, CompressedRandomCrop,
                         CompressedResize, CompressedThreeCrop,
                         check_flip_label_map, three_crop_boxes)

__all__ += [
    'FormatCompressedShape', 'CompressedResize', 'CompressedRandomCrop',
    'CompressedMultiScaleCrop', 'CompressedCenterCrop', 'CompressedThreeCrop',
    'CompressedFlip', 'check_flip_label_map', 'three_crop_boxes'
]
from .loading import (CompressedVideoDecode, CompressedVideoInit,  # noqa: E402
                      SampleGOPs)

__all__ += ['CompressedVideoInit', 'SampleGOPs', 'CompressedVideoDecode']
from .dense_sampling import DenseSampleGOPs  # noqa: E402

__all__ += ['DenseSampleGOPs']
from .dense import (DenseClipDecode, DenseClipInit, PerView,  # noqa: E402
                    SampleViews)

__all__ += ['DenseClipInit', 'SampleViews', 'DenseClipDecode', 'PerView']
