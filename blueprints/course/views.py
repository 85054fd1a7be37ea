"""Course pages: each module registers its routes on the course blueprint."""

from . import article, bench, compare, controls  # noqa: F401
