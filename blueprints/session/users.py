"""The user a session names, held in the worker's memory while the revocation epoch stands still.

flask-login asks for the signed-in user on every request, by the login_id the session record
holds (SES-6: rotating it ends every session). Asked of the database each time, that was a
query per request. So each worker holds the users it has loaded, under the revocation epoch
(models.py), which every change to a user moves in the same transaction: a password change or
"sign out everywhere" (a new login_id), a new role, a deletion. A request reads the epoch
before it uses what is held, so a demotion or a deletion counts from the very next request, on
every worker and on the replica, as it did when the user was read from the database each time.

What is held is a copy loaded on a connection of its own (committed rows only), and it is
read-only: `current_user` is that copy itself, shared by the requests of this epoch, so a
change to it would leak into every other request of the worker without ever reaching the
database. Setting any of its columns raises instead. A view that changes the signed-in user
(sign out everywhere, a password change) asks for the request's own copy, `editable()`, and
commits that. (Handing each request a copy of its own, merged into its ORM session, cost 60 µs
a request: a quarter of GET /session/admin.)
"""

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from extensions import db
from models import User
from revocation_epoch import remembered

HELD = "_held_by_the_worker"  # marks a copy that other requests share


def load(login_id):
    """The user whose login_id a session holds, or None; as committed, detached, read-only."""
    with Session(db.engine) as session:
        user = session.execute(db.select(User).filter_by(login_id=login_id)).scalar_one_or_none()
    if user is not None:
        user.__dict__[HELD] = True
    return user


def load_user(login_id):
    """flask-login's user loader: the session holds the rotating login_id, not the row id."""
    if not isinstance(login_id, str) or len(login_id) > 64:
        return None
    return remembered("users", login_id, lambda: load(login_id))


def editable(user):
    """The request's own copy of `user` (the signed-in one), in its ORM session, to change and commit."""
    return db.session.get(User, user.id)


def refuse_held_change(target, _value, _old, _initiator):
    if target.__dict__.get(HELD):
        raise TypeError("The signed-in user is shared by this worker's requests: change users.editable(user).")


for column in inspect(User).column_attrs:
    event.listen(getattr(User, column.key), "set", refuse_held_change)
