"""The device authorization's codes (RFC 8628): the user code a person types, and the store.

The device keeps a device_code (256 random bits, stored as a digest, issued.DeviceCode) and
shows a short user_code; the person types the user code at /device (flow_views.py) and
decides once. The grant that hands out and redeems them is device.py.

The attack built against is the user code itself: short enough to type, so guessable if
guesses are free. Eight letters from twenty is 20^8 (34.5 bits, RFC 8628 §6.1), the codes
live ten minutes, and wrong guesses at /device are throttled (PW-6 style, flow_views.py).
The other attack is social (§5.4, remote phishing): someone sends you a code from *their* TV;
the page says whose application you are letting in, and to type only a code your own device shows.
"""

import re
import secrets
import time

from authlib.oauth2.rfc6749.errors import InvalidRequestError, OAuth2Error
from flask import current_app
from sqlalchemy.exc import IntegrityError

from .issued import DeviceCode, Grant
from .models import db, secret_digest

# RFC 8628 §6.1: "BCDFGHJKLMNPQRSTVWXZ": consonants only (no words spelt by accident), none
# that looks like a digit (no I, O), upper case; shown as two groups of four, "WDJB-MJHT".
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
USER_CODE_LENGTH = 8
WELL_FORMED_USER_CODE = re.compile(f"[{USER_CODE_ALPHABET}]{{{USER_CODE_LENGTH}}}")

# §3.2: how long the codes live. How long the device waits between polls at first is the
# DEVICE_POLLING_INTERVAL setting (5 seconds, settings.py).
DEVICE_CODE_LIFETIME = 600

# How many authorizations one client may have waiting at once: the endpoint answers public
# clients (anyone may call it as the TV), so this bounds what a flood can add to the database.
MAX_PENDING_PER_CLIENT = 1000
# Rows an hour past their expiry are deleted when a new authorization is made.
KEEP_EXPIRED = 3600


def new_user_code():
    return "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(USER_CODE_LENGTH))


def shown(user_code):
    """The code as a person reads it: "WDJBMJHT" -> "WDJB-MJHT"."""
    return f"{user_code[:4]}-{user_code[4:]}"


def normalised(typed):
    """What a person typed, as stored: upper case, the dash and spaces dropped (§6.1: "the
    authorization server should ignore any characters like punctuation")."""
    if not isinstance(typed, str):
        return ""
    return re.sub(r"[^A-Z]", "", typed[:64].upper())


class TooManyPending(OAuth2Error):
    error = "too_many_requests"
    status_code = 429


def save_device_code(client_id, scope, device_code):
    """Store a new authorization under a fresh user code, unique among the stored ones."""
    now = time.time()
    db.session.execute(db.delete(DeviceCode).where(DeviceCode.expires_at < now - KEEP_EXPIRED))
    waiting = db.session.execute(
        db.select(db.func.count(DeviceCode.id)).where(
            DeviceCode.client_id == client_id, DeviceCode.expires_at > now, DeviceCode.decision.is_(None)
        )
    ).scalar()
    if waiting >= MAX_PENDING_PER_CLIENT:
        db.session.commit()
        raise TooManyPending("Too many device authorizations are waiting for this client: try again later.")
    for _ in range(5):  # a clash among 20^8 codes is rare; five in a row is not going to happen
        item = DeviceCode(
            device_code=secret_digest(device_code),
            user_code=new_user_code(),
            client_id=client_id,
            scope=scope,
            issued_at=now,
            expires_at=now + DEVICE_CODE_LIFETIME,
            interval=current_app.config["DEVICE_POLLING_INTERVAL"],
        )
        db.session.add(item)
        try:
            db.session.commit()
            return item
        except IntegrityError:
            db.session.rollback()
    raise InvalidRequestError("Could not make a unique user code: try again.")


# The person at /device (step 2 of device.py). A code can be decided once, while it is live.
def waiting_for(typed):
    """The live, undecided authorization whose user code this is, or None."""
    code = normalised(typed)
    if not WELL_FORMED_USER_CODE.fullmatch(code):
        return None
    item = db.session.execute(db.select(DeviceCode).filter_by(user_code=code)).scalar_one_or_none()
    if item is None or item.is_expired() or item.decision is not None:
        return None
    return item


def decide(item, user, approved, signed_in_at=None):
    """Record the person's answer, once: two tabs pressing Allow and Deny cannot both win."""
    grant_id = None
    if approved:
        consent = Grant(user_id=user.id, client_id=item.client_id, scope=item.scope)
        db.session.add(consent)
        db.session.flush()
        grant_id = consent.id
    decided = db.session.execute(
        db.update(DeviceCode)
        .where(DeviceCode.id == item.id, DeviceCode.decision.is_(None))
        .values(
            decision="approved" if approved else "denied",
            user_id=user.id,
            grant_id=grant_id,
            auth_time=signed_in_at,
        )
    ).rowcount
    if not decided:
        db.session.rollback()
        return False
    db.session.commit()
    return True
