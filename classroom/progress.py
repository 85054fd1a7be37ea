"""What each sandbox's student has done, read from the sandbox's own database.

The dashboard reads the challenges' solves and hint ladders straight from each sandbox's store
(the same tables the challenge pages write, blueprints/challenges/models.py), so it shows what
the server detected, and reading it starts no sandbox and changes nothing in one.
"""

import threading

import sqlalchemy as sa

from . import sandbox_apps


class Reader:
    def __init__(self, settings):
        self.settings = settings
        self.engines = {}
        self.lock = threading.Lock()

    def engine(self, row):
        name = (row.digest, row.generation)
        with self.lock:
            if name not in self.engines:
                for old in [held for held in self.engines if held[0] == row.digest]:
                    self.engines.pop(old).dispose()
                url = sandbox_apps.database_url(self.settings, row, "app")
                if url is None:
                    database = sandbox_apps.folder(self.settings, row) / "app.sqlite"
                    if not database.exists():
                        return None  # not opened yet: nothing solved
                    url = f"sqlite:///file:{database}?mode=ro&uri=true"
                self.engines[name] = sa.create_engine(url)
            return self.engines[name]

    def of(self, row):
        """{"solved": [(challenge id, when)], "hints": n} for one sandbox."""
        from blueprints.challenges.models import Ladder, Solve

        engine = self.engine(row)
        if engine is None:
            return {"solved": [], "hints": 0}
        try:
            with engine.connect() as db:
                solved = db.execute(
                    sa.select(Solve.challenge, sa.func.min(Solve.solved_at))
                    .group_by(Solve.challenge)
                    .order_by(sa.func.min(Solve.solved_at))
                ).all()
                hints = db.execute(sa.select(sa.func.coalesce(sa.func.sum(Ladder.hints_shown), 0))).scalar_one()
        except sa.exc.OperationalError:  # tables not made yet, or a store that went away
            return {"solved": [], "hints": 0}
        except sa.exc.ProgrammingError:
            return {"solved": [], "hints": 0}
        return {"solved": [(challenge, at) for challenge, at in solved], "hints": int(hints)}

    def forget(self, sandbox_digest):
        with self.lock:
            for name in [held for held in self.engines if held[0] == sandbox_digest]:
                self.engines.pop(name).dispose()
