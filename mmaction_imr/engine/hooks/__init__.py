from .checkpoint_manifest_hook import CheckpointManifestHook
from .dist_shutdown_hook import DistShutdownHook, shutdown_process_group
from .rng_state_hook import RNGStateHook, get_rng_state, set_rng_state
from .skipped_samples_hook import SkippedSamplesHook, compressed_datasets
from .visualization_hook import (CompressedVisualizationHook,
                                 draw_compressed_sample)

__all__ = [
    'CompressedVisualizationHook', 'draw_compressed_sample',
    'SkippedSamplesHook', 'compressed_datasets', 'CheckpointManifestHook',
    'DistShutdownHook', 'shutdown_process_group', 'RNGStateHook',
    'get_rng_state', 'set_rng_state'
]
