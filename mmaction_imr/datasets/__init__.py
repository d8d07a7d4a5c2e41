from . import transforms  # noqa: F401  (registration)

__all__ = []
