"""Exercise 14: a server-side session store with idle and absolute timeouts. Write the class."""

import secrets
import time
from dataclasses import dataclass


class SessionStore:
    """Sessions that end after a spell of inactivity, and after a fixed lifetime whatever happens.

    The contract (OWASP ASVS 5.0 §7.3; the app's SES-4), every line tested by check.py. Times are
    seconds, from self.clock() and nowhere else:

    - create(user) stores a session for `user` and returns its id: a new, unguessable str (at
      least 128 random bits, URL-safe) every time.
    - get(session_id) returns the user of a valid session, and counts as activity. A session is
      valid at time t while both hold:
          t < its last activity + idle_timeout      (ASVS 7.3.1)
          t < its creation + absolute_timeout       (ASVS 7.3.2: activity never extends this)
      An unknown, deleted or expired session gives None, and asking never revives it.
    - rotate(session_id) gives a valid session a new id (done at login and at every privilege
      change, SES-2) and returns it; the old id is unknown from then on. The user and the
      creation time carry over, so rotating never extends the absolute deadline; it counts as
      activity. Rotating an invalid session returns None and creates nothing.
    - delete(session_id) ends a session (logout); an unknown id is not an error.
    - The store does not keep dead sessions: one found expired is removed, and purge() removes
      every expired session and returns how many it removed. len(store) is the number it holds.
    - Anything that is not a session id (None, numbers, bytes, lists) is unknown: None, never an
      exception.
    """

    def __init__(self, *, idle_timeout=15 * 60, absolute_timeout=8 * 3600, clock=time.time):
        self.idle_timeout = idle_timeout
        self.absolute_timeout = absolute_timeout
        self.clock = clock
        # TODO(student): the whole store is yours to design and write: these attributes, and
        # the methods below.

    def __len__(self):
        raise NotImplementedError("exercise 14: __len__ is yours to write")

    def create(self, user):
        """A new session for this user: its id."""
        raise NotImplementedError("exercise 14: create is yours to write")

    def get(self, session_id):
        """The user of this session while it is valid (and that counts as activity), else None."""
        raise NotImplementedError("exercise 14: get is yours to write")

    def rotate(self, session_id):
        """A new id for a valid session (the old one is gone), else None."""
        raise NotImplementedError("exercise 14: rotate is yours to write")

    def delete(self, session_id):
        """End this session, if there is one."""
        raise NotImplementedError("exercise 14: delete is yours to write")

    def purge(self):
        """Remove every expired session; how many were removed."""
        raise NotImplementedError("exercise 14: purge is yours to write")
