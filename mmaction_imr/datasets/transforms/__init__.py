# Each module registers its transforms into mmaction.registry.TRANSFORMS.
__all__ = []
