"""Self-supervised models (backbone + pretext heads)."""
from .imr_selfsup import IMRSelfSup

__all__ = ['IMRSelfSup']
