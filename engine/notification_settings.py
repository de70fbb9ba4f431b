"""Each person's notification settings (通知设置): quiet hours for her own outside channels,
whether they get anything at all, and the kinds she does not want sent out. Red alerts are
always sent, at once; the in-app inbox keeps everything whatever she chooses."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from engine.errors import FieldError, ValidationFailed
from engine.outbound import QuietHours
from engine.store.models import NotificationPreference

# The kinds a person may keep from her outside channels (the rules' events, red alerts excepted).
MUTABLE_KINDS = ("task_ready", "task_assigned", "escalated", "incident", "reminded", "task_due_soon",
                 "task_overdue")
ALWAYS_SENT = ("risk_triaged",)


@dataclass(frozen=True)
class Settings:
    quiet: QuietHours | None = None
    outside: bool = True
    muted: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        quiet = ({"start": self.quiet.start.strftime("%H:%M"), "end": self.quiet.end.strftime("%H:%M")}
                 if self.quiet else None)
        return {"quiet_hours": quiet, "outside": self.outside, "muted": list(self.muted),
                "mutable_kinds": list(MUTABLE_KINDS)}

    def sends(self, kind: str, urgent: bool) -> bool:
        """Whether a notification of `kind` goes to her own outside channels."""
        return urgent or (self.outside and kind not in self.muted)


def settings_of(session, usernames) -> dict[str, Settings]:
    rows = session.query(NotificationPreference).filter(NotificationPreference.username.in_(list(usernames))).all()
    return {row.username: _settings(row) for row in rows}


def _settings(row: NotificationPreference) -> Settings:
    quiet = (QuietHours(time.fromisoformat(row.quiet_start), time.fromisoformat(row.quiet_end))
             if row.quiet_start and row.quiet_end else None)
    return Settings(quiet, row.outside, tuple(row.muted or ()))


def read_settings(store, username: str) -> Settings:
    with store.read() as session:
        return settings_of(session, [username]).get(username, Settings())


def save_settings(store, username: str, quiet_hours: dict | None, outside: bool, muted: list[str]) -> Settings:
    settings = checked(quiet_hours, outside, muted)
    with store.write() as session:
        row = session.get(NotificationPreference, username) or NotificationPreference(username=username)
        as_dict = settings.to_dict()
        row.quiet_start = as_dict["quiet_hours"]["start"] if settings.quiet else None
        row.quiet_end = as_dict["quiet_hours"]["end"] if settings.quiet else None
        row.outside, row.muted = settings.outside, list(settings.muted)
        session.add(row)
    return settings


def checked(quiet_hours: dict | None, outside: bool, muted: list[str]) -> Settings:
    errors = [FieldError(f"muted.{i}", f"{kind!r} cannot be kept back" if kind in ALWAYS_SENT else
                         f"unknown kind {kind!r}", "enum",
                         zh="红色预警总会立即送达，不能关闭" if kind in ALWAYS_SENT else f"未知的通知类型「{kind}」")
              for i, kind in enumerate(muted) if kind not in MUTABLE_KINDS]
    quiet = None
    if quiet_hours:
        try:
            quiet = QuietHours(time.fromisoformat(quiet_hours["start"]), time.fromisoformat(quiet_hours["end"]))
        except (KeyError, TypeError, ValueError):
            errors.append(FieldError("quiet_hours", "start and end must be times as HH:MM", "format",
                                     zh="免打扰时段的开始和结束须为 HH:MM 格式的时间"))
        if quiet is not None and quiet.start == quiet.end:
            errors.append(FieldError("quiet_hours.end", "the quiet hours must not end when they start", "range",
                                     zh="免打扰时段的结束时间不能与开始时间相同"))
    if errors:
        raise ValidationFailed("invalid notification settings", errors, zh="通知设置有误")
    return Settings(quiet, bool(outside), tuple(dict.fromkeys(muted)))
