"""The user a session names, held in the worker's memory while the revocation epoch stands still.

flask-login asks for the signed-in user on every request, by the login_id the session record
holds (SES-6: rotating it ends every session). Asked of the database each time, that was a
query per request. So each worker holds the users it has loaded, under the revocation epoch
(models.py), which every change to a user moves in the same transaction: a password change or
"sign out everywhere" (a new login_id), a new role, a deletion. A request reads the epoch
before it uses what is held, so a demotion or a deletion counts from the very next request, on
every worker and on the replica, as it did when the user was read from the database each time.

What is held is a copy loaded on a connection of its own (committed rows only). The request
gets its own instance of it (merge, with no query), so a view that changes the user changes
and commits the request's copy, never the one held.
"""

from sqlalchemy.orm import Session

from extensions import db
from models import User
from revocation_epoch import remembered


def load(login_id):
    """The user whose login_id a session holds, or None; as committed, detached from any session."""
    with Session(db.engine) as session:
        return session.execute(db.select(User).filter_by(login_id=login_id)).scalar_one_or_none()


def load_user(login_id):
    """flask-login's user loader: the session holds the rotating login_id, not the row id."""
    if not isinstance(login_id, str) or len(login_id) > 64:
        return None
    user = remembered("users", login_id, lambda: load(login_id))
    return db.session.merge(user, load=False) if user is not None else None
