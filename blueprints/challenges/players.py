"""Who is playing: a browser, known by a random id in its `lab_player` cookie (no account needed).

The id is a capability: whoever presents it is that player. So it is 256 random bits, HttpOnly
(no script of a twin's page, which may run a student's injected code, can read it), SameSite=Lax,
and only its digest is stored (models.py). A student solving from curl sends the same cookie
(the challenge page shows it to them, and only to them).
"""

import hashlib
import re
import secrets

from flask import g, request

COOKIE = "lab_player"
SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
ONE_YEAR = 365 * 24 * 3600


def digest(value):
    return hashlib.sha256(value.encode()).hexdigest()


def cookie_value():
    """This browser's player id: the one its cookie brought, or one made for it in this request."""
    if "lab_player" not in g:
        brought = request.cookies.get(COOKIE, "")
        g.lab_player = brought if SHAPE.fullmatch(brought) else None
    return g.lab_player


def current():
    """The digest of the player this request comes from, or None (no valid cookie)."""
    value = cookie_value()
    return digest(value) if value else None


def current_or_new():
    """The player of this request, made now if it brought no valid cookie (set_cookie sets it)."""
    if cookie_value() is None:
        g.lab_player = secrets.token_urlsafe(32)
        g.lab_player_is_new = True
    return digest(g.lab_player)


def set_cookie(response):
    """After a request that made a player: give the browser its cookie."""
    if g.get("lab_player_is_new"):
        # Its path is the app's mount point ("/", or a classroom sandbox's /s/<key>): a player of
        # one sandbox is nobody in another.
        response.set_cookie(
            COOKIE,
            g.lab_player,
            max_age=ONE_YEAR,
            path=request.script_root or "/",
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response
