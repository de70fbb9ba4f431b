"""Bearer tokens: random, stored only as SHA-256, expiring and revocable."""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from engine.access import Principal
from engine.org import Membership
from engine.store import rows
from engine.store.models import ApiToken
from engine.store.org_models import AppUser, MembershipRow


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(session: Session, username: str, *, now: datetime, ttl: timedelta) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires = now + ttl
    session.add(ApiToken(token_hash=_digest(token), username=username, created_at=now, expires_at=expires))
    return token, expires


def token_holder(session: Session, token: str, *, now: datetime) -> Principal | None:
    """The active user holding `token` (unexpired, not revoked) with her memberships, or None.
    One statement on the driver: every request asks this first."""
    found = rows.fetch(session, _token_holder_statement(), {"token_hash": _digest(token), "now": now})
    if not found:
        return None
    username, display_name = found[0][:2]
    memberships = tuple(Membership(role=role, org_unit=unit) for *_, role, unit in found if role is not None)
    return Principal(username, display_name or username, memberships)


@functools.cache
def _token_holder_statement():
    token, user, membership = ApiToken.__table__, AppUser.__table__, MembershipRow.__table__
    return (select(user.c.username, user.c.display_name, membership.c.role, membership.c.org_unit)
            .select_from(token.join(user, user.c.username == token.c.username)
                         .outerjoin(membership, membership.c.username == user.c.username))
            .where(token.c.token_hash == bindparam("token_hash"), token.c.revoked_at.is_(None),
                   token.c.expires_at > bindparam("now"), user.c.active.is_(True))
            .order_by(membership.c.id))


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


def expiry_of(session: Session, token: str) -> datetime | None:
    row = session.get(ApiToken, _digest(token))
    return row.expires_at if row is not None else None
