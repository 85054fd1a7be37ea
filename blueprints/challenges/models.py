"""The challenges' tables: solves, hint ladders, the victim's visits. Keyed by a player's digest.

A player is a browser with a `lab_player` cookie (players.py). Only the SHA-256 of that cookie is
stored, so a copy of the database names no cookie anyone could present to take over a progress.
"""

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models import utcnow


class Solve(db.Model):
    """One challenge solved by one player, with what solved it (the forged token, the stolen id)."""

    __tablename__ = "challenge_solves"
    __table_args__ = (UniqueConstraint("player", "challenge"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    player: Mapped[str] = mapped_column(String(64), index=True)
    challenge: Mapped[str] = mapped_column(String(64))
    solved_at: Mapped[datetime] = mapped_column(default=utcnow)
    evidence: Mapped[str] = mapped_column(Text, default="")


class Ladder(db.Model):
    """How far one player climbed one challenge's hint ladder, and asked for its solution."""

    __tablename__ = "challenge_ladders"

    player: Mapped[str] = mapped_column(String(64), primary_key=True)
    challenge: Mapped[str] = mapped_column(String(64), primary_key=True)
    hints_shown: Mapped[int] = mapped_column(default=0)
    solution_asks: Mapped[int] = mapped_column(default=0)
    touched_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class VictimVisit(db.Model):
    """One visit of the victim bot: whose victim it was, where it went, what its browser held."""

    __tablename__ = "victim_visits"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    player: Mapped[str] = mapped_column(String(64), index=True)
    challenge: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    outcome: Mapped[str] = mapped_column(Text, default="")
    # JSON: the hops the victim's browser made, and the artifacts it held (its session id, its
    # token, the codes it was given), by kind. detect.victim_of() reads them back.
    hops: Mapped[str] = mapped_column(Text, default="[]")
    artifacts: Mapped[str] = mapped_column(Text, default="{}")
