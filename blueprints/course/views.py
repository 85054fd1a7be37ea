"""Course pages: each module registers its routes on the course blueprint."""

from . import article, bench, controls  # noqa: F401
