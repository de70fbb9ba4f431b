"""Bearer tokens: random, stored only as SHA-256, expiring and revocable."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.store.models import ApiToken


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(session: Session, username: str, *, now: datetime, ttl: timedelta) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires = now + ttl
    session.add(ApiToken(token_hash=_digest(token), username=username, created_at=now, expires_at=expires))
    return token, expires


def username_for(session: Session, token: str, *, now: datetime) -> str | None:
    row = session.get(ApiToken, _digest(token))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    return row.username


def revoke(session: Session, token: str, *, now: datetime) -> bool:
    row = session.get(ApiToken, _digest(token))
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = now
    return True


def revoke_all(session: Session, username: str, *, now: datetime) -> int:
    result = session.execute(update(ApiToken).where(ApiToken.username == username, ApiToken.revoked_at.is_(None))
                             .values(revoked_at=now))
    return result.rowcount or 0


def active_count(session: Session, username: str, *, now: datetime) -> int:
    stmt = select(ApiToken).where(ApiToken.username == username, ApiToken.revoked_at.is_(None),
                                  ApiToken.expires_at > now)
    return len(session.scalars(stmt).all())
