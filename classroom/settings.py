"""Classroom mode's settings, from the environment the launcher (launcher.py) prepares.

CLASSROOM_FOLDER       where the sandboxes, the registry and the instructor's password live
CLASSROOM_HOST         the host students type (an address of this machine on the LAN)
CLASSROOM_ATTACKER_HOST the attacker site's host: another *site* (layout.py)
CLASSROOM_PORTS        app,provider,replica,attacker (default 8000,8001,8002,8003)
CLASSROOM_SANDBOX_HOURS idle hours after which a sandbox is deleted (default 24)
CLASSROOM_ACCEPT_RESULTS 1: students may submit `make exercise N` results (off by default)
DATABASE_URL / PROVIDER_DATABASE_URL / REDIS_URL: shared stores; each sandbox gets its own
                       schema (PostgreSQL) or key prefix (Redis) in them (sandbox_apps.py)
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

ROLES = ("app", "provider", "replica", "attacker")
DEFAULT_PORTS = (8000, 8001, 8002, 8003)

# Secrets in the environment would be shared by every sandbox: one student's token, cookie or
# client secret would then be good in another's sandbox. Classroom mode refuses them; each
# sandbox generates its own at first start, in its own folder.
SHARED_SECRETS = (
    "SECRET_KEY",
    "JWT_SECRET_KEY",
    "BUILTIN_CLIENT_ID",
    "BUILTIN_CLIENT_SECRET",
    "PROVIDER_SECRET_KEY",
    "PROVIDER_SIGNING_KEY",
    "MACHINE_CLIENT_SECRET",
    "MACHINE_JWT_CLIENT_SECRET",
    "RESOURCE_SERVER_CLIENT_SECRET",
)


@dataclass(frozen=True)
class Settings:
    folder: Path
    host: str = "localhost"
    attacker_host: str = "attacker.localhost"
    ports: tuple = DEFAULT_PORTS
    sandbox_hours: float = 24.0
    accept_results: bool = False
    database_url: str | None = None
    provider_database_url: str | None = None
    redis_url: str | None = None
    # LAB-1: anyone on the LAN can join, so what joining makes is bounded: a whole class, and a
    # few sandboxes per laptop (a student who starts again), never an unbounded number of folders.
    most_sandboxes: int = 300
    most_per_address: int = 6
    extra: dict = field(default_factory=dict)  # more settings for every sandbox app (tests)

    def origin(self, role):
        host = self.attacker_host if role == "attacker" else self.host
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.ports[ROLES.index(role)]}"

    @property
    def registry_url(self):
        return self.database_url or f"sqlite:///{self.folder / 'classroom.sqlite'}"

    def __post_init__(self):
        # postgresql:// (what hosts hand out) is read as psycopg 3, as the app reads it.
        import storage

        if self.database_url and not self.provider_database_url:
            object.__setattr__(self, "provider_database_url", self.database_url)
        for name in ("database_url", "provider_database_url"):
            if getattr(self, name):
                object.__setattr__(self, name, storage.database_url(getattr(self, name)))


def from_environment(environ=None):
    environ = os.environ if environ is None else environ
    ports = tuple(int(port) for port in environ.get("CLASSROOM_PORTS", "8000,8001,8002,8003").split(","))
    if len(ports) != len(ROLES):
        raise ValueError("CLASSROOM_PORTS needs four ports: app,provider,replica,attacker")
    return Settings(
        folder=Path(environ.get("CLASSROOM_FOLDER") or Path.cwd() / "instance" / "classroom"),
        host=environ.get("CLASSROOM_HOST", "localhost"),
        attacker_host=environ.get("CLASSROOM_ATTACKER_HOST", "attacker.localhost"),
        ports=ports,
        sandbox_hours=float(environ.get("CLASSROOM_SANDBOX_HOURS", "24")),
        accept_results=environ.get("CLASSROOM_ACCEPT_RESULTS", "").lower() in {"1", "true", "yes", "on"},
        database_url=environ.get("DATABASE_URL") or None,
        # The provider is another party: its own database setting, or else the class's database
        # (each sandbox's provider in a schema of its own there: __post_init__).
        provider_database_url=environ.get("PROVIDER_DATABASE_URL") or None,
        redis_url=environ.get("REDIS_URL") or None,
    )


def shared_secrets_set(environ=None):
    environ = os.environ if environ is None else environ
    return [name for name in SHARED_SECRETS if environ.get(name)]
