"""Where wire records are kept, and the bounds that keep them small (LAB-1)."""

import ipaddress
import json
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Index, String, and_, case, func, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models import utcnow

# -- LAB-1: the bounds ------------------------------------------------------------------------
#
# A capture costs its sender one header and costs the server a row for a quarter of an hour.
# Without bounds, one unauthenticated request with twenty 60 KB headers stored 1.2 MB, and a
# loop of them fills the disk the sessions and the JWT blocklist live on. So every piece of a
# record has a size (measured as stored, in bytes of JSON), a record has a total, each client
# address has a rate and a number of live records, and the store has a total in rows and bytes.
# The sum of the pieces below stays under MAX_RECORD_BYTES; `save` checks the total anyway.
# Over a bound the request is still served normally; it is just not recorded, and the answer
# says why in `X-Wire-Skipped` (static/js/wire.js tells the student).

KEEP_FOR = timedelta(minutes=15)  # a record's lifetime; the page fetches it at once
MAX_RECORD_BYTES = 32 * 1024  # one stored record, as JSON
MAX_URL_BYTES = 1024
MAX_NAME_BYTES = 128  # one header name
MAX_VALUE_BYTES = 1024  # one header value (a shortened cookie or token is far less)
MAX_HEADERS = 40  # header lines kept per message
MAX_HEADER_BYTES = 6 * 1024  # all header lines of one message together
MAX_BODY_BYTES = 8 * 1024  # one body; the rest is marked as cut

# A lab page makes a capture per button press; a scripted browser run of every lab (the tests,
# an instructor's rehearsal) makes about a hundred in a minute from one address.
CAPTURES_PER_MINUTE = 120  # per client address
RECORDS_PER_CLIENT = 500  # live records per client address...
CLIENT_BYTES = 4 * 1024 * 1024  # ...and their bytes: 128 records at the largest, ~1000 usual ones
MAX_RECORDS = 5000  # live records, all clients together
MAX_STORE_BYTES = 32 * 1024 * 1024  # live records' bytes, all clients together


class WireRecord(db.Model):
    """One HTTP exchange captured for the wire panel, readable by whoever holds its id."""

    # Not "wire_records": that older table had no client or size to count by (LAB-1).
    __tablename__ = "wire_exchanges"
    __table_args__ = (Index("ix_wire_exchanges_client_created_at", "client", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client: Mapped[str] = mapped_column(String(64))  # the address (an IPv6 /64) that asked
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    size: Mapped[int]  # len(data): what the per-store byte bound adds up
    data: Mapped[str] = mapped_column(db.Text)


# -- LAB-1: making a piece fit its bound ------------------------------------------------------


def stored_size(text):
    """Bytes `text` takes in the stored record (JSON-escaped: a NUL costs six)."""
    return len(json.dumps(text))


def clip(text, limit):
    """`text` cut so that it takes at most `limit` bytes in the record, the cut marked."""
    if len(text) < limit and stored_size(text) <= limit:
        return text
    note = f" … ({len(text)} characters in all; the rest is not recorded)"
    if stored_size(note) > limit // 2:
        note = "…"
    room = limit - stored_size(note)
    keep = max(0, min(len(text), room))
    while keep > 0 and stored_size(text[:keep]) > room:
        keep = keep * room // stored_size(text[:keep])
    return text[:keep] + note


# -- LAB-1: the store, counted where every process sees it -----------------------------------
#
# The app, its replica and every gunicorn worker share this database, so counting rows here
# bounds all of them together (a counter in memory would bound one process each). The check
# runs twice: once on a plain read, so a flood is turned away without taking the write lock,
# and again after the purge's DELETE has taken it (SQLite lets one writer in at a time), so two
# processes cannot both take the last place.


def client_of(environ):
    """Whom the per-client bounds count: the address, or its /64 (one IPv6 host has many)."""
    address = environ.get("REMOTE_ADDR") or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(getattr(ip, "ipv4_mapped", None) or ip)


def refusal(client, size, now):
    """Why a record of `size` bytes from `client` may not be stored now, or None."""
    live = WireRecord.created_at >= now - KEEP_FOR
    mine = WireRecord.client == client
    recent = and_(mine, WireRecord.created_at >= now - timedelta(minutes=1))
    rows, stored, by_client, client_bytes, last_minute = db.session.execute(
        db.select(
            func.count(),
            func.coalesce(func.sum(WireRecord.size), 0),
            func.coalesce(func.sum(case((mine, 1), else_=0)), 0),
            func.coalesce(func.sum(case((mine, WireRecord.size), else_=0)), 0),
            func.coalesce(func.sum(case((recent, 1), else_=0)), 0),
        ).where(live)
    ).one()
    if last_minute >= CAPTURES_PER_MINUTE:
        return "throttled"
    if by_client >= RECORDS_PER_CLIENT or client_bytes + size > CLIENT_BYTES:
        return "client-limit"
    if rows >= MAX_RECORDS or stored + size > MAX_STORE_BYTES:
        return "store-full"
    return None


def save(record, client, record_id=None):
    """Store a record if the bounds allow: ("X-Wire-Id", id) or ("X-Wire-Skipped", reason).

    `record_id`: the id the app reserved for this exchange before it was answered (capture.py,
    ask_to_record), else a new one.
    """
    data = json.dumps(record)
    if len(data) > MAX_RECORD_BYTES:
        return ("X-Wire-Skipped", "too-large")  # the pieces' bounds should make this impossible
    now = utcnow()
    try:
        reason = refusal(client, len(data), now)
        if reason is None:
            db.session.execute(db.delete(WireRecord).where(WireRecord.created_at < now - KEEP_FOR))
            if db.engine.dialect.name == "postgresql":
                # PostgreSQL lets writers in side by side: this lock, held to the commit, makes
                # them take turns from here on, as SQLite's one writer does.
                db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended('wire_records', 0))"))
            reason = refusal(client, len(data), now)
        if reason is not None:
            db.session.rollback()
            return ("X-Wire-Skipped", reason)
        record_id = record_id or new_id()
        db.session.add(WireRecord(id=record_id, client=client, created_at=now, size=len(data), data=data))
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        return ("X-Wire-Skipped", "store-unavailable")
    return ("X-Wire-Id", record_id)


def new_id():
    """A record's id: 256 random bits, the capability that reads it (wire/__init__.py)."""
    return secrets.token_urlsafe(32)


def load(record_id):
    """A live record's exchange by its id, or None (unknown, or expired)."""
    record = db.session.get(WireRecord, record_id)
    if record is None or record.created_at < utcnow() - KEEP_FOR:
        return None
    return json.loads(record.data)
