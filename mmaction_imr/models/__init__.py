from . import (backbones, data_preprocessors, fusion, heads,  # noqa: F401
               recognizers, selfsup)

__all__ = []
