# Each module registers its heads into mmaction.registry.MODELS.
__all__ = []
