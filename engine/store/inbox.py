"""Each user's in-app inbox (通知): her notifications, newest first, and marking them read.

A user reads and marks only her own notifications; another's id is, to her, one that does
not exist.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from engine.errors import NotFound
from engine.store import Store
from engine.store.models import Notification


@dataclass(frozen=True)
class InboxState:
    """What a bell shows: how many are unread, and the newest id (it changes with each arrival)."""

    unread: int
    newest: int | None


class Inbox:
    def __init__(self, store: Store, username: str):
        self.store, self.username = store, username

    def page(self, *, unread_only: bool = False, page: int = 1, per_page: int = 20) -> dict:
        mine = Notification.username == self.username
        where = (mine, Notification.read_at.is_(None)) if unread_only else (mine,)
        with self.store.read() as session:
            total = session.scalar(select(func.count()).select_from(Notification).where(*where))
            items = list(session.scalars(select(Notification).where(*where).order_by(Notification.id.desc())
                                         .offset((page - 1) * per_page).limit(per_page)))
            state = self._state(session)
        return {"items": items, "total": total, "page": page, "per_page": per_page, "unread": state.unread}

    def state(self) -> InboxState:
        with self.store.read() as session:
            return self._state(session)

    def _state(self, session) -> InboxState:
        mine = Notification.username == self.username
        unread = session.scalar(select(func.count()).select_from(Notification)
                                .where(mine, Notification.read_at.is_(None)))
        newest = session.scalar(select(func.max(Notification.id)).where(mine))
        return InboxState(unread or 0, newest)

    def mark_read(self, notification_id: int, now: datetime) -> Notification:
        with self.store.write() as session:
            found = session.get(Notification, notification_id)
            if found is None or found.username != self.username:
                raise NotFound(f"notification {notification_id} does not exist", notification=notification_id,
                               zh=f"通知 {notification_id} 不存在")
            if found.read_at is None:
                found.read_at = now
            session.flush()
            session.expunge(found)
            return found

    def mark_all_read(self, now: datetime) -> int:
        with self.store.write() as session:
            result = session.execute(update(Notification)
                                     .where(Notification.username == self.username, Notification.read_at.is_(None))
                                     .values(read_at=now))
            return result.rowcount or 0
