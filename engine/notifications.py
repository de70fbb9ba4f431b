"""Notifications (通知): which audit events tell whom what, as rules in data
(processes/notifications.yaml), turned into inbox rows inside the transaction of the change
that caused them.

A rule names an event type, optional values its data must have, the kinds of recipient and
two templates. Templates may name only the case number, the task, its deadline and basis, the
process and a supervisor's message: never a party's details (PIPL; DOMAIN.md privacy).
"""
from __future__ import annotations

import hashlib
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from engine.calendar import parse_duration
from engine.errors import FieldError, ValidationFailed
from engine.notification_settings import Settings, settings_of
from engine.org import OrgChart
from engine.outbound import Channels, QuietHours
from engine.store import delivery_queries, task_queries
from engine.store import repository as repo
from engine.store.models import Notification, NotificationDelivery

RULES_FILE = Path("processes") / "notifications.yaml"
TEMPLATE_FIELDS = frozenset({"case_no", "task", "due", "deadline_basis", "process", "message"})
RECIPIENTS = frozenset({"task_candidates", "assignee", "assignee_or_candidates", "case_supervisors",
                        "case_rights_officers"})
CHINA = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Rule:
    event: str
    to: tuple[str, ...]
    title: str
    body: str
    when: Mapping[str, object] = field(default_factory=dict)
    urgent: bool = False
    lead: timedelta | None = None  # task_due_soon: how long before the deadline
    lead_working_days: int | None = None  # ... or how many working days before it
    repeat: timedelta | None = None  # task_overdue: how often again until the task is done

    def matches(self, event: str, data: Mapping) -> bool:
        return event == self.event and all(data.get(k) == v for k, v in self.when.items())


@dataclass(frozen=True)
class NotificationRules:
    rules: tuple[Rule, ...]

    @classmethod
    def load(cls, path: Path) -> NotificationRules:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        entries = raw.get("rules") or []
        errors = [e for i, entry in enumerate(entries) for e in rule_errors(i, entry)]
        if errors:
            raise ValidationFailed(f"{path}: invalid notification rules", errors, zh=f"{path}：通知规则有误")
        return cls(tuple(Rule(e["event"], tuple(e["to"]), e["title"], e["body"], e.get("when") or {},
                              bool(e.get("urgent")), lead=_duration(e.get("lead")),
                              lead_working_days=e.get("lead_working_days"), repeat=_duration(e.get("repeat")))
                         for e in entries))

    def scheduled(self, event: str) -> Rule | None:
        """The deadline rule for `event` (task_due_soon or task_overdue), if there is one."""
        return next((rule for rule in self.rules if rule.event == event), None)

    def for_event(self, event: str, data: Mapping) -> list[Rule]:
        return [rule for rule in self.rules if rule.matches(event, data)]


def rule_errors(index: int, entry: object) -> list[FieldError]:
    where = f"rules[{index}]"
    if not isinstance(entry, dict) or not {"event", "to", "title", "body"} <= set(entry):
        return [FieldError(where, "needs event, to, title and body", "required", zh="须有 event、to、title 和 body")]
    errors = [FieldError(f"{where}.to", f"unknown recipient kind {kind!r}", "enum", zh=f"未知的接收人类型「{kind}」")
              for kind in entry["to"] if kind not in RECIPIENTS]
    for key in ("lead", "repeat"):
        if key in entry and not _valid_duration(entry[key]):
            errors.append(FieldError(f"{where}.{key}", "must be a positive ISO 8601 duration such as PT24H",
                                     "format", zh="应为正的 ISO 8601 时长，如 PT24H"))
    days = entry.get("lead_working_days")
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 10):
        errors.append(FieldError(f"{where}.lead_working_days", "must be a whole number of working days, 1 to 10",
                                 "range", zh="应为 1 至 10 个工作日"))
    if days is not None and "lead" in entry:
        errors.append(FieldError(f"{where}.lead", "give lead or lead_working_days, not both", "oneOf",
                                 zh="lead 与 lead_working_days 只能写一个"))
    if entry["event"] == "task_overdue" and not _valid_duration(entry.get("repeat")):
        errors.append(FieldError(f"{where}.repeat", "an overdue reminder needs how often to repeat", "required",
                                 zh="逾期督办须写明重复间隔 repeat"))
    for part in ("title", "body"):
        unknown = sorted(template_fields(entry[part]) - TEMPLATE_FIELDS)
        if unknown:
            errors.append(FieldError(f"{where}.{part}", f"template may not use {', '.join(unknown)}", "privacy",
                                     zh=f"模板不得使用字段：{'、'.join(unknown)}（只能使用案件编号、任务、期限等）"))
    return errors


def _duration(value) -> timedelta | None:
    return parse_duration(value) if value else None


def _valid_duration(value) -> bool:
    try:
        return bool(value) and parse_duration(value) > timedelta(0)
    except (ValueError, TypeError):
        return False


def template_fields(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


# -- from events to inbox rows ----------------------------------------------------------------

@dataclass(frozen=True)
class Occasion:
    """What one change knows when its events are turned into notifications."""

    session: object
    case: object  # the instance row: id, case_no, org_unit, process_key
    actor: str
    now: datetime
    process_name: str
    task_rows: Mapping[str, object] = field(default_factory=dict)  # the task rows the change holds


class Notifier:
    def __init__(self, rules: NotificationRules, chart: Callable[[], OrgChart], channels: Channels | None = None,
                 public_url: str = "http://127.0.0.1:5000"):
        self.rules, self.chart = rules, chart
        self.channels, self.public_url = channels or Channels(), public_url

    @classmethod
    def from_project(cls, project_root: Path, chart: Callable[[], OrgChart], *, channels_file: Path | None = None,
                     public_url: str = "http://127.0.0.1:5000") -> Notifier | None:
        path = Path(project_root) / RULES_FILE
        if not path.is_file():
            return None
        return cls(NotificationRules.load(path), chart, Channels.load(channels_file), public_url)

    def write(self, occasion: Occasion, events: Iterable[tuple[str, str | None, dict]]) -> int:
        return self._keep(occasion, [row for event in events for row in self._rows(occasion, *event)])

    def write_rule(self, occasion: Occasion, rule: Rule, task_id: str, data: dict) -> int:
        return self._keep(occasion, self._rows(occasion, rule.event, task_id, data, rules=[rule]))

    def _keep(self, occasion: Occasion, rows: list[Notification]) -> int:
        """The inbox rows, and their way out to each recipient's channels (the outbox)."""
        occasion.session.add_all(rows)
        if rows and self.channels:
            occasion.session.flush()  # the deliveries name their notification's id
            occasion.session.add_all(self._deliveries(occasion, rows))
        return len(rows)

    def _deliveries(self, occasion: Occasion, rows: list[Notification]) -> list[NotificationDelivery]:
        found: dict[tuple[str, str], NotificationDelivery] = {}
        settings = settings_of(occasion.session, {row.username for row in rows})
        for row in rows:
            mine = settings.get(row.username, Settings())
            units = delivery_queries.units_of(occasion.session, row.username)
            own = self.channels.by_user.get(row.username, ()) if mine.sends(row.kind, row.urgent) else ()
            groups = [e for unit in units for e in self.channels.by_unit.get(unit, ())]
            for endpoint, quiet in [(e, mine.quiet or self.channels.quiet) for e in own] + \
                                   [(e, self.channels.quiet) for e in groups]:
                key = (endpoint.name, _fingerprint(row))
                found.setdefault(key, NotificationDelivery(
                    notification_id=row.id, endpoint=endpoint.name, fingerprint=key[1], state="pending",
                    attempts=0, next_attempt_at=_not_before(occasion.now, quiet, row.urgent)))
        return list(found.values())

    def _rows(self, occasion: Occasion, event: str, task_id: str | None, data: dict,
              rules: list[Rule] | None = None) -> list[Notification]:
        rows = []
        for rule in self.rules.for_event(event, data) if rules is None else rules:
            task = _task_row(occasion, task_id)
            fields = _fields(occasion, task, data)
            # A person's task links to its page; any other step (a triage, an escalation) to the case.
            human = task_id if task is not None else None
            for username in self._recipients(occasion, rule, task, data):
                rows.append(Notification(
                    username=username, kind=event, urgent=rule.urgent, instance_id=occasion.case.id, task_id=human,
                    title=rule.title.format_map(fields), body=rule.body.format_map(fields),
                    link=f"/tasks/{human}" if human else f"/cases/{occasion.case.id}", created_at=occasion.now))
        return rows

    def _recipients(self, occasion: Occasion, rule: Rule, task, data: dict) -> list[str]:
        found: list[str] = []
        for kind in rule.to:
            found.extend(self._of_kind(occasion, kind, task, data))
        return [u for u in dict.fromkeys(found) if u and u != occasion.actor]

    def _of_kind(self, occasion: Occasion, kind: str, task, data: dict) -> list[str]:
        assignee = data.get("assignee") or (task.assignee if task is not None else None)
        if kind == "assignee":
            return [assignee] if assignee else []
        if kind == "assignee_or_candidates" and assignee:
            return [assignee]
        if kind in ("task_candidates", "assignee_or_candidates"):
            role = data.get("role") or (task.role if task is not None else None)
            unit = data.get("org_unit") or (task.org_unit if task is not None else None)
            return self._holders(occasion, role, unit)
        role = {"case_supervisors": "supervisor", "case_rights_officers": "rights_officer"}[kind]
        return self._holders(occasion, role, occasion.case.org_unit)

    def _holders(self, occasion: Occasion, role: str | None, unit: str | None) -> list[str]:
        chart = self.chart()
        if role is None or unit is None or unit not in chart.units:
            return []
        units = [u.id for u in chart.ancestors(unit)]
        return [username for username, _, _ in task_queries.holders_of(occasion.session, role, units)]


def _not_before(now: datetime, quiet: QuietHours | None, urgent: bool) -> datetime:
    """Now, or the end of the quiet hours that cover now; red alerts go at once."""
    return quiet.after(now) if quiet is not None and not urgent and quiet.covers(now) else now


def _fingerprint(row: Notification) -> str:
    """The same message about the same thing at the same moment: a group endpoint gets it once,
    however many of its members are told."""
    text = "|".join(str(p) for p in (row.kind, row.instance_id, row.task_id, row.title, row.body, row.created_at))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _task_row(occasion: Occasion, task_id: str | None):
    if not task_id:
        return None
    if task_id not in occasion.task_rows:
        found = repo.task_rows(occasion.session, [task_id])
        return found[0] if found else None
    return occasion.task_rows[task_id]


def _fields(occasion: Occasion, task, data: dict) -> dict[str, str]:
    due = data.get("due_at") or (task.due_at if task is not None else None)
    return {"case_no": occasion.case.case_no or occasion.case.id, "process": occasion.process_name,
            "task": data.get("title") or (task.title if task is not None else "") or "",
            "due": _china_time(due), "deadline_basis": data.get("deadline_basis") or "",
            "message": str(data.get("message") or "")}


def _china_time(value) -> str:
    if not value:
        return "无"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
