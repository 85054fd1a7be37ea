"""The provider's server-side sessions (AS-10): the cookie carries a random id, the sign-in
is a row of its own database, with the time it happened (`auth_time`, AS-14); current_user()
reads who it names. It shares no code with the app."""

import re
import time
from datetime import timedelta

from flask import current_app, session
from flask_session.base import ServerSideSessionInterface
from flask_session.sqlalchemy.sqlalchemy import SqlAlchemySessionInterface

from .models import SessionRecord, User, db

# What an id this provider issued looks like: 32 random bytes, URL-safe base64 (43 characters).
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9_-]{43}")


# AS-10: the provider's sign-in lives on the server. Flask's default session is the data
# itself, signed, in the cookie: logging out only asks the browser to forget it, and a copy
# taken earlier stays valid for as long as the signature does. Here the cookie carries only a
# random id, and the sign-in is a row of provider_sessions (models.SessionRecord) in this
# provider's own database: deleting the row at logout ends it for every copy of the cookie.
class ServerSideSessions(SqlAlchemySessionInterface):
    """Flask-Session's SQLAlchemy store on the provider's `db`, with three additions:

    1. a cookie that is not shaped like an id this provider issues is not even looked up, and
       an unknown id is never adopted (Flask-Session issues a fresh one): no fixation;
    2. the cookie is deleted with the flags it was set with (Flask-Session omits Secure,
       HttpOnly and SameSite when it deletes);
    3. a visitor who has not signed in is kept only as long as their CSRF token is valid.
    """

    def __init__(self, app):
        # The model is declared once, in models.py, and made with the other tables (Flask-Session
        # would declare a new one per app, which SQLAlchemy refuses for a second app).
        self.client = db
        self.sql_session_model = SessionRecord
        ServerSideSessionInterface.__init__(
            self,
            app,
            key_prefix="",
            use_signer=False,  # the id is 256 random bits: a signature adds nothing
            permanent=app.config["SESSION_PERMANENT"],
            sid_length=32,
            serialization_format="msgpack",
            cleanup_n_requests=1000,  # expired rows are deleted about once every 1000 requests
        )

    def open_session(self, app, request):
        sid = request.cookies.get(self.get_cookie_name(app))
        if sid is not None and not WELL_FORMED_ID.fullmatch(sid):
            return self.session_class(sid=self._generate_sid(self.sid_length), permanent=self.permanent)
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if session or not session.modified:
            return super().save_session(app, session, response)
        # Emptied (logout): the row goes, then the cookie, with the flags it was set with.
        self._delete_session(self._get_store_id(session.sid))
        response.delete_cookie(
            self.get_cookie_name(app),
            path=self.get_cookie_path(app),
            domain=self.get_cookie_domain(app),
            secure=self.get_cookie_secure(app),
            httponly=self.get_cookie_httponly(app),
            samesite=self.get_cookie_samesite(app),
        )
        response.vary.add("Cookie")
        return None

    def _upsert_session(self, session_lifetime, session, store_id):
        if "user_id" not in session:
            session_lifetime = min(session_lifetime, timedelta(seconds=current_app.config["WTF_CSRF_TIME_LIMIT"]))
        return super()._upsert_session(session_lifetime, session, store_id)


# --- The sign-in itself ------------------------------------------------------------------------


def sign_in(user, for_request=None):
    """Begin a new sign-in for this user, under a new session id, remembering when it happened.

    AS-10 (SES-2): a fresh session under a fresh id at every sign-in. Whatever an attacker
    planted before (a session id they know) is emptied and its row deleted: regenerate()
    deletes the old row and moves the data to a new random id (it must run after the data is
    set: Flask-Session's regenerate() does nothing to an empty session).

    AS-14 (OIDC Core §2): `signed_in_at` is the moment the user proved who they are, the
    id_token's `auth_time`, not the moment a code was issued later. `for_request` is the
    authorization request this sign-in interrupted (the `next` page): a prompt=login or
    max_age request it was made for is then satisfied by it (prompt.next_step).
    """
    session.clear()
    session["user_id"] = user.id
    session["signed_in_at"] = int(time.time())
    if for_request:
        session["signed_in_for"] = for_request
    current_app.session_interface.regenerate(session)


def current_user():
    """The user signed in at this provider (a row of its session store), or None."""
    user_id, signed_in_at = session.get("user_id"), session.get("signed_in_at")
    if not isinstance(user_id, int) or not isinstance(signed_in_at, int):
        return None
    # An absolute limit: a sign-in ends PERMANENT_SESSION_LIFETIME after it happened.
    if time.time() - signed_in_at > current_app.permanent_session_lifetime.total_seconds():
        return None
    return db.session.get(User, user_id)


def sign_in_time():
    """When the user of this session signed in (seconds since the epoch), or None."""
    return session.get("signed_in_at")


def signed_in_for(request_url):
    """True, once, if this session's sign-in was made for the authorization request at request_url."""
    if request_url and session.get("signed_in_for") == request_url:
        session.pop("signed_in_for")
        return True
    return False
