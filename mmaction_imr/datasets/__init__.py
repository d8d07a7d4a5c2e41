from . import transforms  # noqa: F401  (registration)
from .video_dataset import (UNLABELLED, CompressedVideoDataset,
                            parse_annotations)

__all__ = ['CompressedVideoDataset', 'parse_annotations', 'UNLABELLED']
