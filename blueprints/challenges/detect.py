"""How the server notices that a challenge's goal was reached.

A twin says what just happened, in one line where it happens (`reached("naive_jwt.admin",
token=...)`), and the challenges that watch that moment judge it. Each judge returns evidence
(what solved it) or None. The solve is credited to the player whose cookie came with the
request: a student's own request, from the page, curl or Burp.

When the attack runs in someone else's browser (CSRF, fixation, a stolen code), the victim bot
records what that browser held (victim.py); victim_of() says whose victim held an artifact, so a
stolen session id or code counts only when it is really the victim's.
"""

import json
from collections import defaultdict
from datetime import timedelta

from flask import g

from extensions import db
from models import utcnow

from . import players, progress
from .models import VictimVisit

JUDGES = defaultdict(list)  # moment -> [(challenge id, judge)]
# How long a victim's artifacts stay theirs: long enough to read a code off the collector and
# use it, short enough that an old visit does not solve a challenge by accident.
VICTIM_MEMORY = timedelta(minutes=30)
HEADER = "X-Lab-Challenge-Solved"


def judge(moment, challenge_id):
    """Register a judge of `moment` for one challenge."""

    def register(function):
        JUDGES[moment].append((challenge_id, function))
        return function

    return register


def reached(moment, **facts):
    """A twin reports a moment; credit this request's player with every challenge it solves."""
    player = players.current()
    solved = []
    for challenge_id, function in JUDGES.get(moment, ()):
        evidence = function(player=player, **facts)
        if evidence is not None:
            solved.append(challenge_id)
            if player is not None:
                progress.mark_solved(player, challenge_id, evidence)
    if solved:
        # The header tells a curl or Burp user at once; the page shows it on its next load.
        # Without a lab_player cookie nothing is recorded: the header says so.
        credited = "" if player else "; not recorded: send your lab_player cookie (the challenge page shows it)"
        g.challenges_solved = ", ".join(solved) + credited
    return solved


def add_header(response):
    if g.get("challenges_solved"):
        response.headers[HEADER] = g.challenges_solved
    return response


def victim_of(kind, value):
    """The player whose recent victim held this artifact (a session id, a token, a code), or None."""
    if not isinstance(value, str) or not value:
        return None
    since = utcnow() - VICTIM_MEMORY
    recent = db.select(VictimVisit).where(VictimVisit.started_at >= since).order_by(VictimVisit.started_at.desc())
    for visit in db.session.scalars(recent.limit(200)):
        if value in json.loads(visit.artifacts or "{}").get(kind, ()):
            return visit.player
    return None
