"""Classroom mode: one machine serves a whole class, each student in a sandbox of their own.

`make classroom` (launcher.py) serves the four origins on the LAN. A student opens the class's
front page, picks a display name and gets a sandbox: the whole lab, mounted under /s/<key>/ on
each origin, with state no other sandbox shares. The instructor's dashboard shows each sandbox's
progress live and resets one or all.

layout.py        where the origins live on the LAN; whether the attacker's is another *site*
settings.py      the class's settings (folder, host names, ports, stores, limits)
registry.py      the class's register of sandboxes (by key digest) and submitted results
sandbox_apps.py  a sandbox's parties: the lab's own factories, given its folder and URLs
dispatch.py      one origin: /s/<key>/... to that sandbox's party, the rest to the class's pages
site.py          the class's pages: join.py, instructor.py (dashboard), results.py (the API)
progress.py      what each sandbox's student solved, read from the sandbox's own store
sweep.py         idle sandboxes expire; a reset starts a sandbox again from nothing
launcher.py      `make classroom`: pick the layout, print the addresses, serve the four origins

Development-only like the naive twins it serves: it refuses APP_ENV=production.
"""

from .dispatch import Dispatcher
from .registry import Registry
from .sandbox_apps import Parties
from .settings import ROLES


def create_origin(role, settings):
    """The WSGI app one origin of the class serves."""
    from . import site

    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    import storage

    # HDR-8: the class's folder holds every sandbox's secrets and databases: 0700, files 0600.
    storage.private_folder(settings.folder / "sandboxes")
    storage.private_sqlite_file(settings.registry_url)
    registry = Registry(settings.registry_url)
    root = site.create_site(settings, registry) if role == "app" else site.elsewhere(settings, role)
    return Dispatcher(role, registry, Parties(settings, role), root)
