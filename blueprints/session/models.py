"""The session lab's tables: the remember-me tokens (SES-6).

The sessions themselves live in the store Flask-Session keeps (session_store.py); the users
in the app's models.py. The JWT lab's tables are in blueprints/jwt/models.py, the same way.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models import utcnow


class RememberToken(db.Model):
    """One remembered device: a selector, the hash of its validator, an expiry."""

    __tablename__ = "remember_tokens"

    selector: Mapped[str] = mapped_column(String(32), primary_key=True)
    # Only a SHA-256 of the validator is kept, so a leaked table signs no one in (remember.py).
    validator_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The user's login_id when the token was issued: rotating it revokes this token too.
    login_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
