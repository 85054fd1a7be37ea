"""Old sandboxes go: idle longer than CLASSROOM_SANDBOX_HOURS, they are deleted with their files."""

from . import sandbox_apps


def expired(settings, registry):
    gone = registry.idle_since(settings.sandbox_hours)
    for row in gone:
        registry.remove(row.digest)
        sandbox_apps.destroy(settings, row)
    return len(gone)


def reset(settings, registry, row):
    """The sandbox starts again from nothing: new generation, the old one's files deleted."""
    registry.reset(row.digest)
    sandbox_apps.destroy(settings, row)
