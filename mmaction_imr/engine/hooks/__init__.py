from .visualization_hook import (CompressedVisualizationHook,
                                 draw_compressed_sample)

__all__ = ['CompressedVisualizationHook', 'draw_compressed_sample']
