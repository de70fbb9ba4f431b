"""Outside channels for notifications: which endpoints a recipient's notifications go to, and
sending one message to one endpoint.

The endpoints live in a configuration file (JIAHE_NOTIFY_CONFIG, default var/notify.yaml),
never in the database or the repository, because their addresses carry secrets (a robot's key,
a mail password):

    quiet_hours: {start: "22:00", end: "07:00"}   # Beijing time; urgent (red) ones ignore it
    org_units:                                    # a unit's group: what its members are told
      town:
        - {name: town-wecom, kind: wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=..."}
    users:                                        # one person's own channels
      grid_a1:
        - {name: li-mail, kind: apprise, url: "mailto://smtp.example.org?from=jiahe@example.org&to=li@example.org"}
        - {name: li-sms, kind: sms, url: "https://sms-gateway.example.org/send", phone: "138..."}

Kinds: `wecom` and `dingtalk` post the robots' own JSON (a text message) to the URL; `sms`
posts {phone, text} to an SMS gateway; `webhook` posts the notification as JSON; `apprise`
hands the URL to Apprise (email, Telegram, ...; https://github.com/caronc/apprise). A message
carries the title, the body and a link, nothing else (the rules' templates keep parties out).
"""
from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

import yaml

from engine.errors import FieldError, ValidationFailed

KINDS = ("wecom", "dingtalk", "sms", "webhook", "apprise")
CHINA = timezone(timedelta(hours=8))
SEND_TIMEOUT = 10.0  # seconds: a channel that hangs fails this attempt, the others go on


@dataclass(frozen=True)
class Endpoint:
    name: str
    kind: str
    url: str
    phone: str | None = None


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    link: str  # an absolute URL of the page
    notification_id: int


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def covers(self, moment: datetime) -> bool:
        local = moment.astimezone(CHINA).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def after(self, moment: datetime) -> datetime:
        """The first moment the quiet hours that cover `moment` are over."""
        local = moment.astimezone(CHINA)
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        return (end if end > local else end + timedelta(days=1)).astimezone(timezone.utc)


@dataclass(frozen=True)
class Channels:
    by_unit: dict[str, tuple[Endpoint, ...]] = field(default_factory=dict)
    by_user: dict[str, tuple[Endpoint, ...]] = field(default_factory=dict)
    quiet: QuietHours | None = None

    @classmethod
    def load(cls, path: Path | None) -> Channels:
        if path is None or not Path(path).is_file():
            return cls()
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        errors: list[FieldError] = []
        units = {unit: _endpoints(f"org_units.{unit}", entries, errors) for unit, entries in
                 (raw.get("org_units") or {}).items()}
        users = {user: _endpoints(f"users.{user}", entries, errors) for user, entries in
                 (raw.get("users") or {}).items()}
        quiet = _quiet_hours(raw.get("quiet_hours"), errors)
        names = [e.name for group in (*units.values(), *users.values()) for e in group]
        errors += [FieldError("name", f"endpoint name {n!r} is used twice", "unique", zh=f"端点名称「{n}」重复")
                   for n in sorted({n for n in names if names.count(n) > 1})]
        if errors:
            raise ValidationFailed(f"{path}: invalid notification channels", errors, zh=f"{path}：通知渠道配置有误")
        return cls(units, users, quiet)

    def endpoint(self, name: str) -> Endpoint | None:
        return next((e for group in (*self.by_unit.values(), *self.by_user.values()) for e in group
                     if e.name == name), None)

    def for_recipient(self, username: str, units: list[str]) -> list[Endpoint]:
        found = list(self.by_user.get(username, ()))
        for unit in units:
            found.extend(self.by_unit.get(unit, ()))
        return found

    def __bool__(self) -> bool:
        return bool(self.by_unit or self.by_user)


def _endpoints(where: str, entries, errors: list[FieldError]) -> tuple[Endpoint, ...]:
    found = []
    for i, entry in enumerate(entries or []):
        if not isinstance(entry, dict) or not {"name", "kind", "url"} <= set(entry) or entry["kind"] not in KINDS:
            errors.append(FieldError(f"{where}.{i}", f"needs name, url and a kind of {', '.join(KINDS)}", "required",
                                     zh=f"须有 name、url，kind 为 {'、'.join(KINDS)} 之一"))
            continue
        if entry["kind"] == "sms" and not entry.get("phone"):
            errors.append(FieldError(f"{where}.{i}.phone", "an SMS endpoint needs the phone", "required",
                                     zh="短信端点须写明手机号 phone"))
            continue
        found.append(Endpoint(str(entry["name"]), entry["kind"], str(entry["url"]), entry.get("phone")))
    return tuple(found)


def _quiet_hours(raw, errors: list[FieldError]) -> QuietHours | None:
    if not raw:
        return None
    try:
        return QuietHours(time.fromisoformat(str(raw["start"])), time.fromisoformat(str(raw["end"])))
    except (KeyError, TypeError, ValueError):
        errors.append(FieldError("quiet_hours", "needs start and end as HH:MM", "format",
                                 zh="免打扰时段须写明 start 和 end（HH:MM）"))
        return None


# -- sending ------------------------------------------------------------------------------------

class SendFailed(Exception):
    """The endpoint did not take the message; the worker tries again later."""


def send(endpoint: Endpoint, message: Message) -> None:
    if endpoint.kind == "apprise":
        _send_apprise(endpoint, message)
        return
    _post_json(endpoint.url, payload(endpoint, message), message.notification_id)


def payload(endpoint: Endpoint, message: Message) -> dict:
    text = f"{message.title}\n{message.body}\n{message.link}"
    if endpoint.kind == "wecom":
        return {"msgtype": "text", "text": {"content": text}}
    if endpoint.kind == "dingtalk":
        return {"msgtype": "text", "text": {"content": text}}
    if endpoint.kind == "sms":
        return {"phone": endpoint.phone, "text": text}
    return {"id": message.notification_id, "title": message.title, "body": message.body, "link": message.link}


def _post_json(url: str, body: dict, notification_id: int) -> None:
    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              # lets a receiver drop a repeat (an attempt whose answer was lost)
                                              "Idempotency-Key": f"jiahe-notification-{notification_id}"})
    try:
        with urllib.request.urlopen(request, timeout=SEND_TIMEOUT) as answer:  # noqa: S310 - configured URLs
            text = answer.read(4096).decode("utf-8", "replace")
    except OSError as exc:
        raise SendFailed(f"{type(exc).__name__}: {exc}") from exc
    _check_robot_answer(text)


def _check_robot_answer(text: str) -> None:
    # WeCom and DingTalk answer 200 with {"errcode": N}: anything but 0 is a refusal.
    try:
        answer = json.loads(text)
    except ValueError:
        return
    if isinstance(answer, dict) and answer.get("errcode") not in (None, 0):
        raise SendFailed(f"refused: errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


def _send_apprise(endpoint: Endpoint, message: Message) -> None:
    import apprise

    sender = apprise.Apprise()
    if not sender.add(endpoint.url):
        raise SendFailed("Apprise does not understand this endpoint's URL")
    if not sender.notify(title=message.title, body=f"{message.body}\n{message.link}"):
        raise SendFailed("Apprise could not deliver the message")
