"""The notification outbox (models.NotificationDelivery): writing deliveries with their
notifications, claiming a batch under a lease, and recording each attempt."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.store.models import DeliveryAttempt, Notification, NotificationDelivery
from engine.store.org_models import MembershipRow


def units_of(session: Session, username: str) -> list[str]:
    return sorted(set(session.scalars(select(MembershipRow.org_unit).where(MembershipRow.username == username))))


@dataclass(frozen=True)
class Claimed:
    id: int
    endpoint: str
    attempts: int
    notification_id: int
    title: str
    body: str
    link: str


def claim(session: Session, now: datetime, lease_until: datetime, limit: int) -> list[Claimed]:
    """Take up to `limit` deliveries that are due and not held by another worker; each is held
    until `lease_until` (a worker killed mid-batch lets go when its lease runs out)."""
    due = (select(NotificationDelivery.id)
           .where(NotificationDelivery.state == "pending", NotificationDelivery.next_attempt_at <= now,
                  (NotificationDelivery.claimed_until.is_(None)) | (NotificationDelivery.claimed_until < now))
           .order_by(NotificationDelivery.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(session.scalars(due))
    if not ids:
        return []
    session.execute(update(NotificationDelivery).where(NotificationDelivery.id.in_(ids))
                    .values(claimed_until=lease_until, attempts=NotificationDelivery.attempts + 1)
                    .execution_options(synchronize_session=False))
    rows = session.execute(
        select(NotificationDelivery.id, NotificationDelivery.endpoint, NotificationDelivery.attempts,
               Notification.id, Notification.title, Notification.body, Notification.link)
        .join(Notification, Notification.id == NotificationDelivery.notification_id)
        .where(NotificationDelivery.id.in_(ids)).order_by(NotificationDelivery.id))
    return [Claimed(*row) for row in rows]


def record_sent(session: Session, delivery_id: int, at: datetime) -> None:
    session.add(DeliveryAttempt(delivery_id=delivery_id, at=at, ok=True))
    session.execute(update(NotificationDelivery).where(NotificationDelivery.id == delivery_id)
                    .values(state="sent", sent_at=at, claimed_until=None, last_error=None)
                    .execution_options(synchronize_session=False))


def record_failure(session: Session, delivery_id: int, error: str, at: datetime, retry_at: datetime | None) -> None:
    """Try again at `retry_at`, or never (state failed) when it is None."""
    session.add(DeliveryAttempt(delivery_id=delivery_id, at=at, ok=False, error=error[:2000]))
    values = {"claimed_until": None, "last_error": error[:2000]}
    values.update({"next_attempt_at": retry_at} if retry_at else {"state": "failed"})
    session.execute(update(NotificationDelivery).where(NotificationDelivery.id == delivery_id).values(**values)
                    .execution_options(synchronize_session=False))
