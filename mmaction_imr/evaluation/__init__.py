"""Metrics (registered into mmaction.registry.METRICS)."""
from .pretext_metric import PretextAccuracy

__all__ = ['PretextAccuracy']
