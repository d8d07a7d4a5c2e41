"""Metrics (registered into mmaction.registry.METRICS)."""
from .pretext_metric import PretextAccuracy
from .retrieval_metric import VideoRetrievalRecall

__all__ = ['PretextAccuracy', 'VideoRetrievalRecall']
