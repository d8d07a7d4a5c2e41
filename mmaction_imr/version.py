"""The one version string of mmaction-imr (``setup.py`` reads this file)."""
__version__ = '0.1.0'
