from . import hooks  # noqa: F401  (registration)

__all__ = []
