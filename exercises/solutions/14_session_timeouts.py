"""Exercise 14, reference solution: a server-side session store with idle and absolute timeouts."""

import secrets
import time
from dataclasses import dataclass


@dataclass
class Session:
    user: str
    created: float  # fixed for the session's whole life, rotations included
    last_seen: float


class SessionStore:
    """Sessions that end after a spell of inactivity, and after a fixed lifetime whatever happens."""

    def __init__(self, *, idle_timeout=15 * 60, absolute_timeout=8 * 3600, clock=time.time):
        self.idle_timeout = idle_timeout
        self.absolute_timeout = absolute_timeout
        self.clock = clock
        self.sessions = {}  # id -> Session

    def __len__(self):
        return len(self.sessions)

    def create(self, user):
        """A new session for this user: its id."""
        now = self.clock()
        session_id = secrets.token_urlsafe(32)  # 256 random bits (ASVS 7.2.3 asks for 128 or more)
        self.sessions[session_id] = Session(user, created=now, last_seen=now)
        return session_id

    def expired(self, session, now):
        # Two clocks run for every session. The idle one is reset by each use (ASVS 7.3.1): an
        # abandoned session on a shared computer ends soon. The absolute one never is (7.3.2): a
        # stolen session that the thief keeps busy still ends.
        # INSTRUCTOR: the classic mistakes: one timer, reset on every request (the absolute
        # deadline never comes); rotate() making a fresh session (the absolute deadline restarts
        # at every login or privilege change); `>` where the contract says `<` is valid.
        return now >= session.last_seen + self.idle_timeout or now >= session.created + self.absolute_timeout

    def live(self, session_id):
        """The valid session under this id, touched now; None (and a dead one removed) otherwise."""
        # A dict lookup with a list or a dict raises TypeError: only a str can be an id here.
        if not isinstance(session_id, str) or session_id not in self.sessions:
            return None
        session, now = self.sessions[session_id], self.clock()
        if self.expired(session, now):
            del self.sessions[session_id]  # found dead: gone, so nothing can revive it
            return None
        session.last_seen = now
        return session

    def get(self, session_id):
        """The user of this session while it is valid (and that counts as activity), else None."""
        session = self.live(session_id)
        return session.user if session else None

    def rotate(self, session_id):
        """A new id for a valid session (the old one is gone), else None."""
        session = self.live(session_id)
        if session is None:
            return None
        # The same Session object moves to the new id: user, creation time and all.
        del self.sessions[session_id]
        new_id = secrets.token_urlsafe(32)
        self.sessions[new_id] = session
        return new_id

    def delete(self, session_id):
        """End this session, if there is one."""
        if isinstance(session_id, str):
            self.sessions.pop(session_id, None)

    def purge(self):
        """Remove every expired session; how many were removed."""
        now = self.clock()
        dead = [session_id for session_id, session in self.sessions.items() if self.expired(session, now)]
        for session_id in dead:
            del self.sessions[session_id]
        return len(dead)
