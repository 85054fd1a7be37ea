"""What each player solved, and how far they climbed each hint ladder. In the app's database,
so a restart of the server loses nothing.

LAB-1: anyone can make a player (a cookie is free), so what players write is bounded: the
solves and ladders of the oldest players are forgotten beyond KEEP_PLAYERS.
"""

from sqlalchemy.exc import IntegrityError

from extensions import db
from models import utcnow

from .models import Ladder, Solve

KEEP_PLAYERS = 5000
EVIDENCE_LIMIT = 4000


def solves(player):
    """{challenge id: Solve} for one player (empty for None)."""
    if player is None:
        return {}
    return {solve.challenge: solve for solve in db.session.scalars(db.select(Solve).filter_by(player=player))}


def mark_solved(player, challenge, evidence=""):
    """Record a solve; solving again keeps the first time and its evidence. True when it is new."""
    if db.session.scalar(db.select(Solve.id).filter_by(player=player, challenge=challenge)) is not None:
        return False
    db.session.add(Solve(player=player, challenge=challenge, evidence=str(evidence)[:EVIDENCE_LIMIT]))
    try:
        db.session.commit()
    except IntegrityError:  # the same solve, from two requests at once
        db.session.rollback()
        return False
    forget_the_oldest_players()
    return True


def ladder(player, challenge):
    """(hints shown, solution requests) so far."""
    row = db.session.get(Ladder, (player, challenge)) if player else None
    return (row.hints_shown, row.solution_asks) if row else (0, 0)


def ladders(player):
    """{challenge id: hints shown} for one player."""
    if player is None:
        return {}
    return {row.challenge: row.hints_shown for row in db.session.scalars(db.select(Ladder).filter_by(player=player))}


def climb(player, challenge, limit, solution=False):
    """One more hint (never past `limit`), or one more request for the solution."""
    row = db.session.get(Ladder, (player, challenge))
    if row is None:
        row = Ladder(player=player, challenge=challenge, hints_shown=0, solution_asks=0)
        db.session.add(row)
    if solution:
        row.solution_asks = min(row.solution_asks + 1, 2)
    else:
        row.hints_shown = min(row.hints_shown + 1, limit)
    row.touched_at = utcnow()
    db.session.commit()
    forget_the_oldest_players()


def forget_the_oldest_players():
    """Keep the rows of the newest KEEP_PLAYERS players (by their latest solve or hint)."""
    everyone = db.union_all(
        db.select(Solve.player, Solve.solved_at.label("at")), db.select(Ladder.player, Ladder.touched_at.label("at"))
    ).subquery()
    players = db.session.scalar(db.select(db.func.count(db.distinct(everyone.c.player))))
    if players <= KEEP_PLAYERS:
        return
    oldest = db.select(everyone.c.player).group_by(everyone.c.player).order_by(db.func.max(everyone.c.at))
    gone = list(db.session.scalars(oldest.limit(players - KEEP_PLAYERS)))
    db.session.execute(db.delete(Ladder).where(Ladder.player.in_(gone)))
    db.session.execute(db.delete(Solve).where(Solve.player.in_(gone)))
    db.session.commit()
