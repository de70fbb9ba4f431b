"""Cases: registration by staff, finding and reading cases, supervising them (the public's
online channel: engine.public_intake).

Jurisdiction and privacy are decided here rather than in the HTTP layer, so every caller
gets the same answers:
- a case outside the caller's jurisdiction does not exist for her (NotFound);
- sensitive fields (x-sensitive in any form of the case's process version) are masked on the
  case and its timeline for everyone (DOMAIN.md: masked by default, need-to-know); those who
  handle the victim (roles in SENSITIVE_READERS for a unit that sees the case, and the
  handler an open task is assigned to: `can_reveal`) read them by an explicit reveal, with a
  reason, which is an audit event and an entry of the case's access log. A task page shows
  its own data in clear to those who work on it, and logs that too (engine.tasks);
- the cases linked to a case (the one whose message started it, those its messages started)
  are named only where she sees them.
The runtime does the work; this module adds who may ask, and what they get to see.
"""
from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from engine.access import ADMIN_ROLES, SENSITIVE_READERS, SUPERVISION_ROLES, Principal
from engine.audit import AuditRecord
from engine.calendar import CHINA_TZ
from engine.case_diagram import CaseDiagram, case_diagram
from engine.errors import STATE_ZH, Conflict, FieldError, Forbidden, InvalidState, NotFound, ValidationFailed
from engine.form_labels import labels_of_decisions, labels_of_forms
from engine.idempotency import Idempotency
from engine.intake_forms import RegistrableProcess, registrable_processes
from engine.org import ROLES, OrgChart
from engine.privacy import masked, sensitive_paths_of_forms, value_at
from engine.registration import Registrar, business_key
from engine.runtime.auditing import timeline as audit_timeline
from engine.runtime.runtime import Runtime
from engine.runtime.views import IncidentView, TaskView
from engine.store import access_log, page_totals
from engine.store import case_queries as queries
from engine.store import repository as repo
from engine.store import task_queries as queries_tasks
from engine.store.case_queries import CaseFilter, CaseRow

INTAKE_ROLES = frozenset({"intake_clerk", "grid_worker", "supervisor", "rights_officer", "admin"})
# Designers shape processes and never handle cases, so they have no need to know who is in one.
CASE_ROLES = frozenset(ROLES) - {"process_designer"}
STATUSES = queries.STATUSES

# Where a supervisor may push a case up one level: the open mediation steps whose failure
# the process itself routes to the next level (DOMAIN.md, tiered handling). Level 3 is not
# here: its failure leads to litigation, not to a higher level.
# The mediation step a supervisor's escalation completes as failed, moving the case up its ladder now.
ESCALATION_STEPS = {"dispute_case": ("mediate",)}
ESCALATION_NOTE = "督办升级："


@dataclass(frozen=True)
class CaseLink:
    """A case linked to another: the one whose message started it, or one it started."""

    id: str
    case_no: str | None
    process_key: str
    status: str


@dataclass(frozen=True)
class CaseDetail(CaseRow):
    origin: CaseLink | None = None
    derived_cases: list[CaseLink] = field(default_factory=list)
    version: int = 0
    data: dict = field(default_factory=dict)
    masked_fields: list[str] = field(default_factory=list)
    can_reveal: bool = False
    labels: dict = field(default_factory=dict)
    tasks: list[TaskView] = field(default_factory=list)
    incidents: list[IncidentView] = field(default_factory=list)
    created: bool = True


@dataclass(frozen=True)
class TimelineEvent(AuditRecord):
    actor_name: str | None = None  # the actor's display name, when the actor is a user


@dataclass(frozen=True)
class SensitiveRead:
    at: datetime
    username: str
    display_name: str | None
    via: str
    fields: list[str]
    reason: str | None


@dataclass(frozen=True)
class Reveal:
    values: dict
    reason: str
    at: datetime


class CaseService:
    def __init__(self, runtime: Runtime, chart: Callable[[], OrgChart]):
        self.runtime, self.store, self.clock = runtime, runtime.store, runtime.clock
        self._chart = chart  # a provider: the chart is cached and swapped after an import

    # -- intake ----------------------------------------------------------------------------
    def register(self, who: Principal, *, process: str, org_unit: str, channel: str, data: dict,
                 idempotency_key: str | None = None) -> CaseDetail:
        """Register an incoming matter (有来必受); a retry with the same key is the same case."""
        _require_role(who, INTAKE_ROLES, "register cases")
        if not self._sees(who, org_unit, INTAKE_ROLES):
            raise NotFound("org unit not found", org_unit=org_unit, zh="未找到该组织单位")
        request = {"process": process, "org_unit": org_unit, "channel": channel, "data": data or {}}
        idempotency = Idempotency.of("intake", who.username, idempotency_key, request)
        data = {**(data or {}), "channel": channel}
        key = business_key("intake", who.username, idempotency_key)
        case_id, created = Registrar(self.runtime).start(process, org_unit, data, actor=who.username, key=key,
                                                         idempotency=idempotency)
        return self.detail(who, case_id, created=created)

    def intake_processes(self, who: Principal) -> list[RegistrableProcess]:
        """What she can register a matter with: each process's start form and channels."""
        _require_role(who, INTAKE_ROLES, "register cases")
        return registrable_processes(self.runtime)

    # -- reading -----------------------------------------------------------------------------
    def search(self, who: Principal, *, org_unit: str | None = None, **criteria) -> tuple[list[CaseRow], int, bool]:
        """A page of the cases she sees, how many match and whether more match than that;
        criteria as in CaseFilter. The count stops at page_totals.count_limit (1,000 past the
        page's first case): past it, the total is that limit and capped."""
        units = self._visible_units(who)
        if org_unit is not None:
            if org_unit not in units:
                raise NotFound("org unit not found", org_unit=org_unit, zh="未找到该组织单位")
            units &= {u.id for u in self._chart().descendants(org_unit)}
        search = CaseFilter(units=frozenset(units), now=self.clock.now(), **criteria)
        with self.store.read() as session:
            rows, total = queries.search(session, search)
        return (rows, *page_totals.counted_total(total, search.page, search.per_page))

    def detail(self, who: Principal, case_id: str, *, created: bool = True) -> CaseDetail:
        facts = self._visible_case(who, case_id)
        view = self.runtime.instance(case_id)
        reader = self._may_read_sensitive(who, facts, view.tasks)
        data, hits = masked(view.data, self._sensitive_paths(facts.version_id))
        return CaseDetail(**vars(facts), origin=self._origin(who, view.origin_id),
                          derived_cases=self._derived(who, case_id), version=view.version, data=data,
                          masked_fields=hits, can_reveal=reader, tasks=view.tasks, incidents=view.incidents,
                          created=created, labels=self._labels(facts.version_id))

    def _origin(self, who: Principal, origin_id: str | None) -> CaseLink | None:
        """The case whose message started this one, if she sees it: otherwise None, as if there were none."""
        origin = self._facts(origin_id) if origin_id else None
        if origin is None or not self._sees(who, origin.org_unit, CASE_ROLES):
            return None
        return CaseLink(origin.id, origin.case_no, origin.process_key, origin.status)

    def _derived(self, who: Principal, case_id: str) -> list[CaseLink]:
        """The cases its messages started, oldest first; those outside her jurisdiction left out."""
        return [CaseLink(i.id, i.case_no, i.process_key, i.status) for i in self.runtime.started_from(case_id)
                if self._sees(who, i.org_unit, CASE_ROLES)]

    def timeline(self, who: Principal, case_id: str) -> list[TimelineEvent]:
        """Every event of the case, oldest first, sensitive values masked as in the detail.

        Masked events keep their stored hash, which covers the clear data: verify chains
        with `jiahe audit verify`, not by rehashing what this returns."""
        facts = self._visible_case(who, case_id)
        paths = self._sensitive_paths(facts.version_id)
        events = [replace(r, data=_masked_event(r.full_data, paths), personal=None, personal_key=None)
                  for r in audit_timeline(self.store, case_id)]
        with self.store.read() as session:
            names = queries_tasks.display_names(session, (r.actor for r in events))
        return [TimelineEvent(**vars(r), actor_name=names.get(r.actor)) for r in events]

    def diagram(self, who: Principal, case_id: str) -> CaseDiagram:
        """The case on its process diagram (engine.case_diagram), for whoever sees the case."""
        self._visible_case(who, case_id)
        return case_diagram(self.runtime, case_id, self.clock.now())

    def access_log(self, who: Principal, case_id: str) -> list[SensitiveRead]:
        """Who was sent the case's sensitive fields in clear, when, which, and how: for those
        who supervise the case."""
        self._supervised_case(who, case_id)
        with self.store.read() as session:
            reads = access_log.reads_of(session, case_id)
            names = queries_tasks.display_names(session, (r.username for r in reads))
        return [SensitiveRead(r.at, r.username, names.get(r.username), r.via, r.fields, r.reason) for r in reads]

    def reveal(self, who: Principal, case_id: str, fields: list[str], reason: str) -> Reveal:
        """The clear values of sensitive fields, for those who handle the victim: audited
        first, so no value leaves this way without its record."""
        facts = self._visible_case(who, case_id)
        if not self._may_read_sensitive(who, facts, self._open_tasks(case_id)):
            raise Forbidden("only roles that handle the victim, or the task's assignee, may see these fields",
                            zh="只有负责受害人事务的岗位或本案任务的办理人才能查看这些字段")
        _check_sensitive(fields, self._sensitive_paths(facts.version_id))
        require_reason(reason)
        data = self.runtime.instance(case_id).data
        at = self.append_event(case_id, who.username, "sensitive_field_read", fields=list(fields),
                               reason=reason.strip())
        record_clear_read(self.store, at, who.username, case_id, "reveal", list(fields), reason.strip())
        return Reveal({path: value_at(data, path) for path in fields}, reason.strip(), at)

    def append_event(self, case_id: str, actor: str, type_: str, **data) -> datetime:
        """One audit event on the case's chain, in its own transaction on the locked row."""
        now = self.clock.now()
        with self.store.write() as session:
            row = repo.instance_for_update(session, case_id, self.store.is_postgres)
            repo.append_instance_audit(session, row, at=now, actor=actor, events=[(type_, None, data)])
        return now

    # -- supervision ---------------------------------------------------------------------------
    def suspend(self, who: Principal, case_id: str, reason: str) -> CaseDetail:
        require_reason(reason)
        self._supervised_case(who, case_id)
        with _status_conflicts():
            self.runtime.suspend(case_id, actor=who.username, reason=reason)
        return self.detail(who, case_id)

    def resume(self, who: Principal, case_id: str, reason: str = "") -> CaseDetail:
        self._supervised_case(who, case_id)
        with _status_conflicts():
            self.runtime.resume(case_id, actor=who.username, reason=reason)
        return self.detail(who, case_id)

    def terminate(self, who: Principal, case_id: str, reason: str) -> CaseDetail:
        require_reason(reason)
        self._supervised_case(who, case_id)
        with _status_conflicts():
            self.runtime.terminate(case_id, actor=who.username, reason=reason)
        return self.detail(who, case_id)

    def retry(self, who: Principal, case_id: str, reason: str, data: dict | None = None) -> CaseDetail:
        """An administrator runs a case's failed step again, after fixing its data if needed."""
        _require_role(who, ADMIN_ROLES, "retry failed steps")
        require_reason(reason)
        facts = self._visible_case(who, case_id)
        if not self._sees(who, facts.org_unit, ADMIN_ROLES):
            raise Forbidden("you administer another part of the network", zh="该案件不在您管理的范围内")
        with _status_conflicts():
            self.runtime.retry(case_id, actor=who.username, data=data, reason=reason)
        return self.detail(who, case_id)

    def migrate(self, who: Principal, case_id: str, version: int | None = None) -> CaseDetail:
        self._supervised_case(who, case_id)
        with _status_conflicts():
            self.runtime.migrate(case_id, actor=who.username, version=version)
        return self.detail(who, case_id)

    def escalate(self, who: Principal, case_id: str, reason: str) -> CaseDetail:
        """Move a case up one level now, as a failed mediation at its current level would.

        The open mediation step is completed as failed on the supervisor's behalf, so the
        process takes its own escalation path and the trail shows who escalated and why."""
        require_reason(reason)
        facts = self._supervised_case(who, case_id)
        task = self._escalation_task(facts)
        if task.assignee and task.assignee != who.username:
            self.runtime.unclaim(task.id, actor=who.username, force=True)
        today = self.clock.now().astimezone(CHINA_TZ).date().isoformat()
        # move_up: straight to the next tier, even where the profile allows this tier another attempt
        result = {"result": "failed", "mediation_summary": f"{ESCALATION_NOTE}{reason.strip()}", "mediated_on": today,
                  "move_up": True}
        with _status_conflicts():
            self.runtime.complete(task.id, result, actor=who.username)
        return self.detail(who, case_id)

    def _escalation_task(self, facts: CaseRow) -> TaskView:
        steps = ESCALATION_STEPS.get(facts.process_key)
        if not steps:
            raise InvalidState(f"process {facts.process_key} offers no escalation", case_no=facts.case_no,
                               zh=f"流程 {facts.process_key} 不支持升级上报")
        if facts.status != "running":
            raise InvalidState(f"case {facts.case_no} is {facts.status}; only a running case can be escalated",
                               case_no=facts.case_no,
                               zh=f"案件 {facts.case_no} 当前为「{STATE_ZH.get(facts.status, facts.status)}」"
                                  "，只有进行中的案件才能升级上报")
        task = next((t for t in self._open_tasks(facts.id) if t.name in steps), None)
        tier = (self.runtime.task_data(task.id).get("mediation_tier") or {}) if task is not None else {}
        if task is None or tier.get("last", True):
            raise InvalidState(f"case {facts.case_no} is not in mediation below the last tier of its ladder, so "
                               f"there is no tier to escalate to", case_no=facts.case_no,
                               zh=f"案件 {facts.case_no} 不在可升级的调解阶段（最后一级调解不能再升级），无法升级上报")
        return task

    # -- jurisdiction and privacy ----------------------------------------------------------------
    def visible(self, who: Principal, case_id: str) -> CaseRow:
        """The case's facts, if she sees it (else NotFound)."""
        return self._visible_case(who, case_id)

    def supervised(self, who: Principal, case_id: str) -> CaseRow:
        """The case's facts, if she supervises its unit (else NotFound or Forbidden)."""
        return self._supervised_case(who, case_id)

    def supervises(self, who: Principal, facts: CaseRow) -> bool:
        """Whether she supervises the case's unit."""
        return self._sees(who, facts.org_unit, SUPERVISION_ROLES)

    def reads_sensitive(self, who: Principal, facts: CaseRow) -> bool:
        """Whether she may have the case's sensitive fields in clear (need-to-know)."""
        return self._may_read_sensitive(who, facts, self._open_tasks(facts.id))

    def _sees(self, who: Principal, org_unit: str | None, roles) -> bool:
        chart = self._chart()
        return any(who.sees(chart, org_unit, role) for role in roles)

    def _visible_units(self, who: Principal) -> set[str]:
        chart, units = self._chart(), set()
        for role in who.roles & CASE_ROLES:
            units |= who.visible_units(chart, role)
        return units

    def _visible_case(self, who: Principal, case_id: str) -> CaseRow:
        facts = self._facts(case_id)
        if facts is None or not self._sees(who, facts.org_unit, CASE_ROLES):
            raise NotFound("case not found", case=case_id, zh="未找到该案件")
        return facts

    def _supervised_case(self, who: Principal, case_id: str) -> CaseRow:
        _require_role(who, SUPERVISION_ROLES, "supervise cases")
        facts = self._visible_case(who, case_id)
        if not self._sees(who, facts.org_unit, SUPERVISION_ROLES):
            raise Forbidden("you do not supervise the unit this case belongs to",
                            zh="该案件所属单位不在您的督办范围内")
        return facts

    def _may_read_sensitive(self, who: Principal, facts: CaseRow, open_tasks: list[TaskView]) -> bool:
        """A role that handles the victim, for a unit that sees the case, or the handler the
        case's open task is assigned to (DOMAIN.md, privacy: need-to-know)."""
        if self._sees(who, facts.org_unit, SENSITIVE_READERS):
            return True
        return any(t.assignee == who.username for t in open_tasks)

    def _facts(self, case_id: str) -> CaseRow | None:
        with self.store.read() as session:
            return queries.case_row(session, case_id, self.clock.now())

    def _open_tasks(self, case_id: str) -> list[TaskView]:
        with self.store.read() as session:
            return [TaskView.of(t) for t in repo.tasks_of(session, case_id, open_only=True)]

    def _forms(self, version_id: int) -> dict:
        with self.store.read() as session:
            return self.runtime.parsed_by_id(session, version_id).forms

    def _labels(self, version_id: int) -> dict:
        if version_id not in _LABELS:
            forms = self._forms(version_id)
            with self.store.read() as session:
                decisions = repo.version_by_id(session, version_id).bundle.get("dmn", {})
            _LABELS[version_id] = {**labels_of_decisions(decisions.values()),
                                   **labels_of_forms(forms[name] for name in sorted(forms))}
        return _LABELS[version_id]

    def _sensitive_paths(self, version_id: int) -> set[str]:
        return sensitive_paths_of_forms(self._forms(version_id).values())


# Labels per deployed version: versions never change, so this only grows with deployments.
_LABELS: dict[int, dict] = {}


def _require_role(who: Principal, roles, what: str) -> None:
    if not who.has_any_role(roles):
        raise Forbidden(f"to {what} you need one of the roles: {', '.join(sorted(roles))}",
                        zh=f"此操作需要以下角色之一：{'、'.join(sorted(roles))}")


@contextlib.contextmanager
def _status_conflicts():
    """A case in the wrong status for an action is an invalid state, not a lost race; the
    runtime reports both as Conflict, telling them apart by the status it names."""
    try:
        yield
    except Conflict as exc:
        if "status" not in exc.context:
            raise
        context = {k: v for k, v in exc.context.items() if k != "status"}
        raise InvalidState(exc.message, case_status=exc.context["status"], zh=exc.zh, **context) from exc


def require_reason(reason: str | None) -> None:
    if not (reason or "").strip():
        raise ValidationFailed("a reason is required", [FieldError("reason", "give a reason", "required",
                                                                   zh="请说明理由")], zh="请说明理由")


def _check_sensitive(fields: list[str], paths: set[str]) -> None:
    errors = [FieldError(f"fields.{i}", f"{path} is not a sensitive field of this case", "sensitive",
                         zh=f"{path} 不是本案的敏感字段")
              for i, path in enumerate(fields) if re.sub(r"\[\d+\]", "[]", path) not in paths]
    if errors:
        raise ValidationFailed("only sensitive fields can be revealed", errors, zh="只能查看本案的敏感字段")


def _masked_event(data: dict, paths: set[str]) -> dict:
    # Events carry form data either at the top (business events) or under "data"
    # (instance_started, task_completed, instance_completed).
    top, _ = masked(data or {}, paths)
    if isinstance(top.get("data"), dict):
        top["data"], _ = masked(top["data"], paths)
    return top


def record_clear_read(store, at: datetime, username: str, case_id: str, via: str, fields: list[str],
                      reason: str | None = None) -> None:
    """Log that `username` was sent these sensitive fields of the case in clear (none: no entry)."""
    if not fields:
        return
    with store.write_alone() as session:  # one INSERT
        access_log.record(session, instance_id=case_id, username=username, at=at, via=via, fields=fields,
                          reason=reason)
