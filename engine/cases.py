"""Cases: intake from staff and from the public, finding and reading cases, supervising them.

Jurisdiction and privacy are decided here rather than in the HTTP layer, so every caller
gets the same answers:
- a case outside the caller's jurisdiction does not exist for her (NotFound);
- sensitive fields (x-sensitive in any form of the case's process version) are masked
  except for those who handle the victim: roles in SENSITIVE_READERS for a unit that sees
  the case, and the handler an open task is assigned to (the same rule as task pages);
- an explicit reveal of such fields is an audit event with the fields and the reason;
- the cases linked to a case (the one whose message started it, those its messages started)
  are named only where she sees them.
The runtime does the work; this module adds who may ask, and what they get to see.
"""
from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
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
from engine.intake_forms import RegistrableProcess, public_form, registrable_processes
from engine.org import ROLES, OrgChart
from engine.privacy import masked, sensitive_paths_of_forms, value_at
from engine.runtime.auditing import timeline as audit_timeline
from engine.runtime.runtime import Runtime
from engine.runtime.views import IncidentView, TaskView
from engine.store import access_log
from engine.store import case_queries as queries
from engine.store import repository as repo
from engine.store import task_queries as queries_tasks
from engine.store.case_queries import CaseFilter, CaseRow

INTAKE_ROLES = frozenset({"intake_clerk", "grid_worker", "supervisor", "rights_officer", "admin"})
# Designers shape processes and never handle cases, so they have no need to know who is in one.
CASE_ROLES = frozenset(ROLES) - {"process_designer"}
STATUSES = ("running", "suspended", "incident", "completed", "terminated")

PUBLIC_ACTOR, PUBLIC_PROCESS, PUBLIC_CHANNEL = "public", "dispute_case", "online"
# What a member of the public is told: coarse stages, never names or data.
PUBLIC_STAGES = (("received", "已收到"), ("accepted", "已受理"), ("handling", "处理中"), ("concluded", "已办结"))

# Where a supervisor may push a case up one level: the open mediation steps whose failure
# the process itself routes to the next level (DOMAIN.md, tiered handling). Level 3 is not
# here: its failure leads to litigation, not to a higher level.
ESCALATION_STEPS = {"dispute_case": ("mediate_level1", "mediate_level2")}
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
class Reveal:
    values: dict
    reason: str
    at: datetime


@dataclass(frozen=True)
class PublicReceiptView:
    case_no: str
    receipt: str
    received_at: datetime
    created: bool


@dataclass(frozen=True)
class PublicStep:
    key: str
    label: str
    done: bool
    at: datetime | None


@dataclass(frozen=True)
class PublicStatus:
    case_no: str
    status: str
    status_label: str
    received_at: datetime
    outcome: str | None
    outcome_label: str | None
    steps: list[PublicStep]


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
        case_id, created = self._start(process, org_unit, data, actor=who.username, key=key, idempotency=idempotency)
        return self.detail(who, case_id, created=created)

    def public_intake(self, *, org_unit: str, data: dict, client: str,
                      idempotency_key: str | None = None) -> PublicReceiptView:
        """The online (网) channel: no login; the submitter gets a receipt to ask with later."""
        if org_unit not in self._chart().units:
            raise ValidationFailed("unknown org unit", [FieldError("org_unit", "no such org unit", "exists",
                                                                   zh="没有这个单位")], zh="没有这个组织单位")
        now = self.clock.now()
        idempotency = Idempotency.of("public", client, idempotency_key, {"org_unit": org_unit, "data": data or {}})
        # The server's clock, not the submitter's, says when it arrived (evidence, SPC 2022 Art. 6).
        data = {**(data or {}), "channel": PUBLIC_CHANNEL, "received_at": now.isoformat()}
        key = business_key("public", client, idempotency_key)
        case_id, created = self._start(PUBLIC_PROCESS, org_unit, data, actor=PUBLIC_ACTOR, key=key,
                                       idempotency=idempotency)
        with self.store.write() as session:
            receipt, _ = queries.ensure_receipt(session, case_id, secrets.token_urlsafe(18), now=now,
                                                postgres=self.store.is_postgres)
            facts = queries.case_row(session, case_id, now)
        return PublicReceiptView(facts.case_no, receipt, facts.created_at, created)

    def public_form(self) -> dict:
        """The online intake form, without what the server sets itself."""
        parsed = self.runtime.parsed_latest(PUBLIC_PROCESS)
        return {"process": PUBLIC_PROCESS, "name": parsed.name, **public_form(parsed)}

    def intake_processes(self, who: Principal) -> list[RegistrableProcess]:
        """What she can register a matter with: each process's start form and channels."""
        _require_role(who, INTAKE_ROLES, "register cases")
        return registrable_processes(self.runtime)

    def public_status(self, receipt: str) -> PublicStatus:
        with self.store.read() as session:
            case_id = queries.case_id_by_receipt(session, receipt)
            facts = queries.case_row(session, case_id, self.clock.now()) if case_id else None
            if facts is None:
                raise NotFound("no submission has this receipt", zh="没有与此回执对应的求助登记")
            kept = queries.first_commitments(session, case_id)
        refused = self.runtime.instance(case_id).data.get("decision") == "not_accept"
        steps = _public_steps(facts, kept, refused)
        reached = [s for s in steps if s.done][-1]
        concluded = reached.key == "concluded"
        outcome = facts.outcome if concluded else None
        return PublicStatus(facts.case_no, reached.key, reached.label, facts.created_at, outcome,
                            choice_title(self._forms(facts.version_id), "outcome", outcome), steps)

    def _start(self, process: str, org_unit: str, data: dict, *, actor: str, key: str | None,
               idempotency: Idempotency | None) -> tuple[str, bool]:
        earlier = self._earlier(idempotency)
        if earlier is not None:
            return earlier.instance_id, False
        self._require_deployed(process)
        try:
            view = self.runtime.start(process, actor=actor, data=data, org_unit=org_unit, business_key=key,
                                      idempotency=idempotency)
            case_id, created = view.id, view.created
        except Conflict:
            # A concurrent retry with the same key committed first: its case is ours.
            earlier = self._earlier(idempotency)
            case_id, created = (earlier.instance_id if earlier else None), False
            if case_id is None:
                raise
        if not created:  # registered before requests were fingerprinted
            self._check_same_request(case_id, process, org_unit)
        return case_id, created

    def _earlier(self, idempotency: Idempotency | None):
        if idempotency is None:
            return None
        with self.store.read() as session:
            return idempotency.earlier(session)

    def _require_deployed(self, process: str) -> None:
        try:
            self.runtime.parsed_latest(process)
        except NotFound:
            raise ValidationFailed("unknown process", [FieldError("process", f"process {process} is not deployed",
                                                                  "exists", zh=f"流程 {process} 未部署")],
                                   zh="没有这个流程") from None

    def _check_same_request(self, case_id: str, process: str, org_unit: str) -> None:
        facts = self._facts(case_id)
        if (facts.process_key, facts.org_unit) != (process, org_unit):
            raise Conflict("this Idempotency-Key was already used for a different case; use a new key",
                           case_no=facts.case_no, zh="此幂等键已用于另一个案件，请使用新的键")

    # -- reading -----------------------------------------------------------------------------
    def search(self, who: Principal, *, org_unit: str | None = None, **criteria) -> tuple[list[CaseRow], int]:
        """A page of the cases she sees, and how many match; criteria as in CaseFilter."""
        units = self._visible_units(who)
        if org_unit is not None:
            if org_unit not in units:
                raise NotFound("org unit not found", org_unit=org_unit, zh="未找到该组织单位")
            units &= {u.id for u in self._chart().descendants(org_unit)}
        search = CaseFilter(units=frozenset(units), now=self.clock.now(), **criteria)
        with self.store.read() as session:
            return queries.search(session, search)

    def detail(self, who: Principal, case_id: str, *, created: bool = True) -> CaseDetail:
        facts = self._visible_case(who, case_id)
        view = self.runtime.instance(case_id)
        reader = self._may_read_sensitive(who, facts, view.tasks)
        data, hits = masked(view.data, self._sensitive_paths(facts.version_id))
        if reader:
            record_clear_read(self.store, self.clock.now(), who.username, case_id, "case", hits)
            data, hits = view.data, []
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
        events = audit_timeline(self.store, case_id)
        paths = self._sensitive_paths(facts.version_id)
        if self._may_read_sensitive(who, facts, self._open_tasks(case_id)):
            sent = sorted({hit for r in events for hit in _masked_event(r.data, paths)[1]})
            record_clear_read(self.store, self.clock.now(), who.username, case_id, "timeline", sent)
        else:
            events = [replace(r, data=_masked_event(r.data, paths)[0]) for r in events]
        with self.store.read() as session:
            names = queries_tasks.display_names(session, (r.actor for r in events))
        return [TimelineEvent(**vars(r), actor_name=names.get(r.actor)) for r in events]

    def diagram(self, who: Principal, case_id: str) -> CaseDiagram:
        """The case on its process diagram (engine.case_diagram), for whoever sees the case."""
        self._visible_case(who, case_id)
        return case_diagram(self.runtime, case_id, self.clock.now())

    def access_log(self, who: Principal, case_id: str) -> list:
        """Who was sent the case's sensitive fields in clear, when, which, and how: for those
        who supervise the case."""
        self._supervised_case(who, case_id)
        with self.store.read() as session:
            return access_log.reads_of(session, case_id)

    def reveal(self, who: Principal, case_id: str, fields: list[str], reason: str) -> Reveal:
        """The clear values of sensitive fields, for those who handle the victim: audited
        first, so no value leaves this way without its record."""
        facts = self._visible_case(who, case_id)
        if not self._may_read_sensitive(who, facts, self._open_tasks(case_id)):
            raise Forbidden("only roles that handle the victim, or the task's assignee, may see these fields",
                            zh="只有负责受害人事务的岗位或本案任务的办理人才能查看这些字段")
        _check_sensitive(fields, self._sensitive_paths(facts.version_id))
        _require_reason(reason)
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
        _require_reason(reason)
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
        _require_reason(reason)
        self._supervised_case(who, case_id)
        with _status_conflicts():
            self.runtime.terminate(case_id, actor=who.username, reason=reason)
        return self.detail(who, case_id)

    def retry(self, who: Principal, case_id: str, reason: str, data: dict | None = None) -> CaseDetail:
        """An administrator runs a case's failed step again, after fixing its data if needed."""
        _require_role(who, ADMIN_ROLES, "retry failed steps")
        _require_reason(reason)
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
        _require_reason(reason)
        facts = self._supervised_case(who, case_id)
        task = self._escalation_task(facts)
        if task.assignee and task.assignee != who.username:
            self.runtime.unclaim(task.id, actor=who.username, force=True)
        today = self.clock.now().astimezone(CHINA_TZ).date().isoformat()
        result = {"result": "failed", "mediation_summary": f"{ESCALATION_NOTE}{reason.strip()}", "mediated_on": today}
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
        if task is None:
            raise InvalidState(f"case {facts.case_no} is not in level-1 or level-2 mediation, so there is no "
                               f"level to escalate from", case_no=facts.case_no,
                               zh=f"案件 {facts.case_no} 不在一级或二级调解阶段，无法升级上报")
        return task

    # -- jurisdiction and privacy ----------------------------------------------------------------
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


def business_key(scope: str, who: str, idempotency_key: str | None) -> str | None:
    """The instance's unique business key for a client's Idempotency-Key: hashed, so keys
    of any length fit, and scoped, so two callers' keys never meet."""
    if not idempotency_key:
        return None
    digest = hashlib.sha256(f"{scope}\x00{who}\x00{idempotency_key}".encode()).hexdigest()
    return f"{scope}:{digest}"


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


def _require_reason(reason: str | None) -> None:
    if not (reason or "").strip():
        raise ValidationFailed("a reason is required", [FieldError("reason", "give a reason", "required",
                                                                   zh="请说明理由")], zh="请说明理由")


def _check_sensitive(fields: list[str], paths: set[str]) -> None:
    errors = [FieldError(f"fields.{i}", f"{path} is not a sensitive field of this case", "sensitive",
                         zh=f"{path} 不是本案的敏感字段")
              for i, path in enumerate(fields) if re.sub(r"\[\d+\]", "[]", path) not in paths]
    if errors:
        raise ValidationFailed("only sensitive fields can be revealed", errors, zh="只能查看本案的敏感字段")


def _masked_event(data: dict, paths: set[str]) -> tuple[dict, list[str]]:
    # Events carry form data either at the top (business events) or under "data"
    # (instance_started, task_completed, instance_completed).
    top, hits = masked(data or {}, paths)
    if isinstance(top.get("data"), dict):
        top["data"], nested = masked(top["data"], paths)
        hits += nested
    return top, hits


def record_clear_read(store, at: datetime, username: str, case_id: str, via: str, fields: list[str],
                      reason: str | None = None) -> None:
    """Log that `username` was sent these sensitive fields of the case in clear (none: no entry)."""
    if not fields:
        return
    with store.write() as session:
        access_log.record(session, instance_id=case_id, username=username, at=at, via=via, fields=fields,
                          reason=reason)


def _public_steps(facts: CaseRow, kept: dict[str, datetime], refused: bool) -> list[PublicStep]:
    ended = facts.ended_at if facts.status in ("completed", "terminated") else None
    # The acceptance commitment is kept by deciding, either way; the public hears 已受理
    # only when the decision was to take the matter up.
    accepted = None if refused else kept.get("accepted")
    reached = {"received": facts.created_at, "accepted": accepted,
               "handling": kept.get("handler_assigned"), "concluded": kept.get("outcome_recorded") or ended}
    return [PublicStep(key, label, reached[key] is not None, reached[key]) for key, label in PUBLIC_STAGES]


def choice_title(forms: dict, name: str, value: str | None) -> str | None:
    """The label a form gives to `value` of field `name` (its oneOf const/title)."""
    if value is None:
        return None
    for schema in forms.values():
        prop = ((schema or {}).get("properties") or {}).get(name) or {}
        for option in prop.get("oneOf") or []:
            if option.get("const") == value and option.get("title"):
                return option["title"]
    return None
