"""Where the provider's wire log keeps a flow's hops, and the bounds that keep it small (LAB-1).

Counted in the provider's database, which every worker and instance shares (a count in each
process's memory would allow N times the bound): at most HOPS_PER_FLOW hops a flow, records
of bounded size (the pieces' bounds are wire_redact.py's), a rate and a number of live records
per address, a total in rows and bytes, and KEEP_FOR. Over a bound the browser is served as
usual; the hop is just not kept.
"""

import hashlib
import json
import time

from sqlalchemy import String, case, func, text
from sqlalchemy.orm import Mapped, mapped_column

from .issued import AuthorizationCode
from .models import db, secret_digest

KEEP_FOR = 15 * 60  # seconds: the app asks as soon as its page shows the flow
HOPS_PER_FLOW = 16  # a sign-in is 4 to 8 hops; a few wrong passwords fit too
MAX_RECORD_BYTES = 96 * 1024  # the pieces' bounds (wire_redact.py) keep a record far below
PER_ADDRESS_PER_MINUTE = 240  # a classroom signing in at once, 6 to 8 hops each
PER_ADDRESS = 1200  # live records
MAX_RECORDS = 5000
MAX_STORE_BYTES = 32 * 1024 * 1024


class WireHop(db.Model):
    """One exchange between a browser and this provider, redacted, kept for the client's app."""

    __tablename__ = "provider_wire_hops"

    id: Mapped[int] = mapped_column(primary_key=True)  # the order the hops arrived in
    flow: Mapped[str] = mapped_column(String(64), index=True)  # flow_key(client_id, state)
    address: Mapped[str] = mapped_column(String(64))  # who made it, for the per-address bounds
    code: Mapped[str | None] = mapped_column(String(64), default=None)  # digest of a code it issued
    created_at: Mapped[float] = mapped_column(index=True)
    size: Mapped[int]
    data: Mapped[str] = mapped_column(db.Text)


def flow_key(client_id, state):
    """What names a flow here: its client and its state, as one digest."""
    return hashlib.sha256(f"{client_id}\n{state}".encode(errors="replace")).hexdigest()


def refusal(flow, address, size, now):
    """Why one more record may not be stored now, or None."""
    mine, this_flow = WireHop.address == address, WireHop.flow == flow
    recent = mine & (WireHop.created_at >= now - 60)
    rows, stored, by_address, last_minute, in_flow = db.session.execute(
        db.select(
            func.count(),
            func.coalesce(func.sum(WireHop.size), 0),
            func.coalesce(func.sum(case((mine, 1), else_=0)), 0),
            func.coalesce(func.sum(case((recent, 1), else_=0)), 0),
            func.coalesce(func.sum(case((this_flow, 1), else_=0)), 0),
        ).where(WireHop.created_at >= now - KEEP_FOR)
    ).one()
    if size > MAX_RECORD_BYTES:
        return "too-large"
    if in_flow >= HOPS_PER_FLOW:
        return "flow-full"
    if last_minute >= PER_ADDRESS_PER_MINUTE or by_address >= PER_ADDRESS:
        return "address-limit"
    if rows >= MAX_RECORDS or stored + size > MAX_STORE_BYTES:
        return "store-full"
    return None


def save(flow, address, code, record):
    """Keep one hop of `flow` if the bounds allow (True), with the digest of a code it issued."""
    data = json.dumps(record)
    now = time.time()
    db.session.execute(db.delete(WireHop).where(WireHop.created_at < now - KEEP_FOR))
    if db.engine.dialect.name == "postgresql":
        # SQLite lets one writer in at a time, so two hops cannot both take the last place;
        # PostgreSQL lets writers in side by side, so they take turns on this lock instead.
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended('provider_wire_hops', 0))"))
    if refusal(flow, address, len(data), now) is not None:
        db.session.commit()  # the purge, at least
        return False
    digest = secret_digest(code) if isinstance(code, str) and 0 < len(code) <= 512 else None
    db.session.add(WireHop(flow=flow, address=address, code=digest, created_at=now, size=len(data), data=data))
    db.session.commit()
    return True


def hand_over(client_id, state, code):
    """The flow's hops, oldest first, then forgotten; [] unless this log saw `code` issued in
    the flow of `client_id` and `state`, and that client has redeemed it (wire_log.py)."""
    key, digest, live = flow_key(client_id, state), secret_digest(code), time.time() - KEEP_FOR
    issued_here = db.session.execute(
        db.select(WireHop.id).filter_by(flow=key, code=digest).where(WireHop.created_at >= live).limit(1)
    ).first()
    redeemed = db.session.execute(
        db.select(AuthorizationCode.id).where(
            AuthorizationCode.code == digest,
            AuthorizationCode.client_id == client_id,
            AuthorizationCode.used_at.is_not(None),
        )
    ).first()
    if issued_here is None or redeemed is None:
        return []
    hops = db.session.execute(db.select(WireHop).filter_by(flow=key).order_by(WireHop.id)).scalars().all()
    records = [json.loads(hop.data) for hop in hops if hop.created_at >= live]
    db.session.execute(db.delete(WireHop).where(WireHop.flow == key))
    db.session.commit()
    return records
