"""The one place the version lives: the wheel, the cache key and `advisor --version` all read it."""

__version__ = "0.1.0"
