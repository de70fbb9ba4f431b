"""The machinery of the authorization matrix (test_authorization_matrix.py): the org it runs
in, who sees what (derived here from processes/org/demo.yaml, not from engine.access, so the
matrix checks the code instead of repeating it), one app per database for the whole module,
and the targets the requests aim at (cases and tasks at known stages, users, units).

The demo org is extended by a second, separate branch (city-x > ... > grid-x1) so that every
demo user, the city's admin and designer included, has something outside her jurisdiction.
"""
from __future__ import annotations

import dataclasses
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from api import create_app
from engine.clock import ManualClock
from engine.definitions.bundle import ProjectFiles
from engine.runtime.deployment import deploy_project
from engine.runtime.timers import set_aside
from engine.store import org_repository

ROOT = Path(__file__).resolve().parents[2]
DEMO_ORG = ROOT / "processes" / "org" / "demo.yaml"
PASSWORD = "jiahe-demo"
PREFIX = "/api/v1"

# A branch beside the demo city: outside every demo user's jurisdiction. `colleague` holds every
# role that works on cases in both branches: she has claimed the "claimed" tasks, and she is
# the one a supervisor assigns tasks to.
COLLEAGUE = "colleague"
COLLEAGUE_ROLES = ("grid_worker", "intake_clerk", "village_mediator", "town_mediator", "legal_advisor",
                   "psychologist", "rights_officer", "supervisor")
ELSEWHERE = {
    "units": [
        {"id": "city-x", "name": "邻市", "level": "city"},
        {"id": "county-x", "name": "邻县", "level": "county", "parent": "city-x"},
        {"id": "town-x", "name": "邻镇", "level": "town", "parent": "county-x"},
        {"id": "village-x", "name": "邻村", "level": "village", "parent": "town-x"},
        {"id": "grid-x1", "name": "邻村第一网格", "level": "grid", "parent": "village-x"},
    ],
    "users": [{"username": COLLEAGUE, "display_name": "同事", "password": PASSWORD,
               "memberships": [{"role": role, "org_unit": unit} for role in COLLEAGUE_ROLES
                               for unit in ("city", "city-x")]}],
}
GRIDS = ("grid-a1", "grid-b1", "grid-x1")


# -- the org, as the matrix understands it --------------------------------------------------------

def _load_org() -> tuple[dict[str, dict], dict[str, list[tuple[str, str]]]]:
    demo = yaml.safe_load(DEMO_ORG.read_text(encoding="utf-8"))
    units = {u["id"]: u for u in [*demo["units"], *ELSEWHERE["units"]]}
    members = {u["username"]: [(m["role"], m["org_unit"]) for m in u["memberships"]] for u in demo["users"]}
    return units, members


UNITS, MEMBERSHIPS = _load_org()


def chain(unit: str) -> list[str]:
    """The unit and everything above it."""
    found = [unit]
    while UNITS[found[-1]].get("parent"):
        found.append(UNITS[found[-1]]["parent"])
    return found


def ancestor_at(unit: str, level: str) -> str:
    return next(u for u in chain(unit) if UNITS[u]["level"] == level)


def roles_of(username: str) -> set[str]:
    return {role for role, _ in MEMBERSHIPS[username]}


def sees(username: str, unit: str, roles=None) -> bool:
    """DOMAIN.md: she acts on her org units and below (for `roles`, if given)."""
    return any(member_unit in chain(unit) for role, member_unit in MEMBERSHIPS[username]
               if roles is None or role in roles)


def inside_grid(username: str) -> str:
    return next(g for g in GRIDS if sees(username, g))


def outside_grid(username: str) -> str:
    """Beside her if anything is (grid-b1 for the grid-a1 side and the other way round),
    else the other city."""
    return next(g for g in ("grid-b1", "grid-a1", "grid-x1") if not sees(username, g))


# -- the rule an endpoint follows, and what it makes of a caller ----------------------------------

TASK_ROLE = "<the task's role>"


@dataclass(frozen=True)
class Rule:
    """Who may call an endpoint, checked in this order:
    public -> everyone gets `ok`, token or not; no token -> 401;
    `gate`: she holds none of these roles anywhere -> `no_role` (403), wherever the target is;
    `sees`: the target's org unit is not at or below one of her units for these roles -> `outside`;
    `acts`: nor for these -> `denied` (403);
    else `ok`. TASK_ROLE in a role set stands for the role the target task is offered to."""

    ok: int = 200
    public: bool = False
    gate: frozenset[str] | None = None
    no_role: int = 403
    sees: frozenset[str] | None = None
    outside: int = 404
    acts: frozenset[str] | None = None
    denied: int = 403

    def expect(self, username: str | None, unit: str | None, task_role: str | None = None) -> int:
        if self.public:
            return self.ok
        if username is None:
            return 401
        if self.gate is not None and not roles_of(username) & self.gate:
            return self.no_role
        if unit is None:
            return self.ok
        if self.sees is not None and not sees(username, unit, _roles(self.sees, task_role)):
            return self.outside
        if self.acts is not None and not sees(username, unit, _roles(self.acts, task_role)):
            return self.denied
        return self.ok


def _roles(roles: frozenset[str], task_role: str | None) -> set[str]:
    return {task_role if r == TASK_ROLE else r for r in roles}


# -- tasks: which one each role works on -----------------------------------------------------------

@dataclass(frozen=True)
class TaskSpec:
    """A task of a dispute case and how to reach it: the case's screening colour, the task's
    role and the level it is offered at (processes/catalog.yaml lanes; for `mediate`, the tier of
    processes/ladders/three_tier.yaml the colour enters at), the data that completes it."""

    name: str
    colour: str | None
    role: str
    level: str
    done: dict = field(default_factory=dict)


# Form data as in tests/api/task_support.py and tests/processes/dispute_case/*.yaml.
_FLAGS = {flag: False for flag in (
    "current_injury", "weapon_used", "threats_to_kill", "strangulation", "stalking", "recent_separation",
    "pregnancy_or_new_baby", "child_abuse", "victim_frightened", "escalation", "substance_abuse",
    "abuser_suicide_threats")}
SCREENING = {
    "blue": {**_FLAGS, "police_callouts_12m": 0, "complexity": "minor", "victim_safe_now": True},
    "yellow": {**_FLAGS, "recent_separation": True, "police_callouts_12m": 0, "complexity": "general",
               "victim_safe_now": True},
    "orange": {**_FLAGS, "stalking": True, "victim_frightened": True, "escalation": True,
               "police_callouts_12m": 1, "complexity": "complex", "victim_safe_now": True},
    "red": {**_FLAGS, "weapon_used": True, "threats_to_kill": True, "victim_frightened": True,
            "police_callouts_12m": 3, "complexity": "complex", "victim_safe_now": True},
}
MEDIATION_FAILED = {"result": "failed", "mediated_on": "2026-03-05", "mediation_summary": "双方分歧较大，未能达成一致"}
MEDIATION_RESOLVED = {"result": "resolved", "mediated_on": "2026-03-05", "mediation_summary": "双方达成和解",
                      "dispute_facts": "夫妻因家务多次争吵，双方均有责任", "agreement_terms": "家务轮流分担",
                      "performance": "自即日起履行"}
INTAKE = {
    "dispute_type": "marital_conflict", "summary": "夫妻因家务多次争吵",
    "parties": [{"name": "刘芳", "role": "applicant", "sex": "female", "phone": "13800000001", "address": "东村3组12号"},
                {"name": "陈强", "role": "respondent", "sex": "male"}],
}

SCREEN_RISK = TaskSpec("screen_risk", None, "intake_clerk", "grid", SCREENING["blue"])
# The task each role works on: a target for the task endpoints where the user is the one the
# task is offered to. Roles with no task of their own (designer, admin) aim at screen_risk.
OWN_TASK = {
    "intake_clerk": SCREEN_RISK,
    # One mediation step, offered by the case's tier: blue enters at the grid, yellow at the
    # village, orange at the town (after the expert consultation).
    "grid_worker": TaskSpec("mediate", "blue", "grid_worker", "grid", MEDIATION_FAILED),
    "village_mediator": TaskSpec("mediate", "yellow", "village_mediator", "village", MEDIATION_FAILED),
    "town_mediator": TaskSpec("mediate", "orange", "town_mediator", "town", MEDIATION_FAILED),
    "legal_advisor": TaskSpec("legal_opinion", "orange", "legal_advisor", "town",
                              {"opinion": "财产分割需通过诉讼确认"}),
    "psychologist": TaskSpec("psych_assessment", "orange", "psychologist", "town",
                             {"assessment": "申请人焦虑，需持续支持"}),
    "rights_officer": TaskSpec("report_to_police", "red", "rights_officer", "county",
                               {"police_station": "和美镇派出所", "reported_at": "2026-03-02T09:20:00+08:00",
                                "warning_letter_issued": True}),
    # Offered at the case's handling level: village for a yellow case (catalog: 督办 level case).
    "supervisor": TaskSpec("remind_supervisor", "yellow", "supervisor", "village", {"acknowledged": True}),
}


def own_task(username: str | None) -> TaskSpec:
    return next((OWN_TASK[role] for role, _ in MEMBERSHIPS.get(username, []) if role in OWN_TASK), SCREEN_RISK)


# -- the app, once per database ----------------------------------------------------------------------

@dataclass
class Env:
    app: object
    client: object
    clock: ManualClock
    tokens: dict = field(default_factory=dict)
    counter: Callable[[], int] = field(default_factory=lambda: itertools.count(1).__next__)

    @property
    def services(self):
        return self.app.extensions["jiahe"]

    @property
    def runtime(self):
        return self.services.runtime

    def login(self, username: str) -> str:
        response = self.client.post(f"{PREFIX}/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["token"]

    def token(self, username: str) -> str:
        if username not in self.tokens:
            self.tokens[username] = self.login(username)
        return self.tokens[username]

    def unique(self, prefix: str) -> str:
        return f"{prefix}-{self.counter()}"


def build_env(store) -> Env:
    """The app on `store` with the demo org, the branch elsewhere, and dispute_case deployed
    twice: version 1 a changed copy, version 2 the shipped files (so that a case started on
    version 1 can be migrated, and an upload of the shipped files deploys nothing new)."""
    clock = ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc))
    app = create_app({"TESTING": True, "JIAHE_PROJECT_ROOT": str(ROOT), "START_TIMER_WORKER": False,
                      # The module moves the clock to fire timers; tokens must outlive that.
                      "TOKEN_TTL_HOURS": 24 * 365,
                      "LOGIN_LIMIT_PER_SOURCE": "10000 per minute", "PUBLIC_INTAKES_PER_HOUR": 10_000,
                      "PUBLIC_LOOKUPS_PER_HOUR": 10_000},
                     clock=clock, store=store)
    services = app.extensions["jiahe"]
    org_repository.import_org(services.store, DEMO_ORG)
    org_repository.import_org(services.store, ELSEWHERE)
    services.charts.invalidate()
    shipped = ProjectFiles.read(ROOT)
    changed = dict(shipped.bpmn)
    changed["dispute_case.bpmn"] += "\n<!-- version 1 of the authorization matrix -->\n"
    deploy_project(services.runtime, dataclasses.replace(shipped, bpmn=changed), actor="designer")
    deploy_project(services.runtime, shipped, actor="designer")
    return Env(app=app, client=app.test_client(), clock=clock)


# -- targets -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    unit: str                      # the org unit whose jurisdiction decides (a task's own unit)
    id: str | None = None          # case id, task id, username, receipt
    grid: str | None = None        # the grid the target arose in
    task: TaskSpec | None = None


class Targets:
    """Targets built on demand. Shared ones are built once and reused by every request that
    should not change them; `fresh=True` builds a new one for a request allowed to change it.
    A shared target that a request changed after all is dropped, so that it poisons nothing else."""

    def __init__(self, env: Env):
        self.env = env
        self.shared: dict[tuple, Target] = {}
        self.builders: dict[str, Callable[..., Target]] = {
            "unit": self._unit, "case": self._new_case, "case_running": self._running_case,
            "case_suspended": self._suspended_case, "case_incident": self._incident_case, "task": self._open_task, "task_claimed": self._claimed_task,
            "member": self._member, "receipt": self._receipt, "case_mediated": self._mediated_case,
        }

    @staticmethod
    def _key(kind: str, grid: str, spec: TaskSpec | None) -> tuple:
        # The three mediation specs share the name `mediate`; the role tells them apart.
        return (kind, grid, (spec.name, spec.role) if spec else None)

    def get(self, kind: str, grid: str, spec: TaskSpec | None = None, *, fresh: bool = False) -> Target:
        key = self._key(kind, grid, spec)
        if fresh:
            return self.builders[kind](grid, spec)
        if key not in self.shared:
            self.shared[key] = self.builders[kind](grid, spec)
        return self.shared[key]

    def drop(self, kind: str, grid: str, spec: TaskSpec | None = None) -> None:
        self.shared.pop(self._key(kind, grid, spec), None)

    # -- builders
    def _unit(self, grid, _spec) -> Target:
        return Target(unit=grid, id=grid, grid=grid)

    def _start(self, grid: str, version: int | None = None) -> str:
        return self.env.runtime.start("dispute_case", actor="clerk", org_unit=grid, version=version,
                                      data={**INTAKE, "channel": "phone"}).id

    def _complete(self, case_id: str, name: str, data: dict) -> None:
        task = self.env.runtime.instance(case_id).ready_task(name)
        assert task is not None, f"{name} is not ready in case {case_id}"
        self.env.runtime.complete(task.id, data, actor=COLLEAGUE)

    def _new_case(self, grid, _spec) -> Target:
        return Target(unit=grid, id=self._start(grid), grid=grid)

    def _running_case(self, grid, _spec) -> Target:
        """In the grid worker's mediation, the ladder's first tier (so it can be escalated), on
        version 1 (so it can be migrated)."""
        case_id = self._start(grid, version=1)
        self._complete(case_id, "screen_risk", SCREENING["blue"])
        self._complete(case_id, "accept_case", {"decision": "accept"})
        mediation = self.env.runtime.instance(case_id).ready_task("mediate")
        assert mediation is not None and mediation.role == "grid_worker", mediation
        return Target(unit=grid, id=case_id, grid=grid)

    def _mediated_case(self, grid, _spec) -> Target:
        """Mediated to an agreement at the grid: its 调解协议书 can be generated (engine/documents)."""
        case_id = self._start(grid)
        self._complete(case_id, "screen_risk", SCREENING["blue"])
        self._complete(case_id, "accept_case", {"decision": "accept"})
        self._complete(case_id, "mediate", MEDIATION_RESOLVED)
        return Target(unit=grid, id=case_id, grid=grid)

    def _suspended_case(self, grid, spec) -> Target:
        target = self._running_case(grid, spec)
        self.env.runtime.suspend(target.id, actor=COLLEAGUE, reason="矩阵测试")
        return target

    def _incident_case(self, grid, spec) -> Target:
        """A case a timer could not be fired for: set aside as an incident."""
        target = self._running_case(grid, spec)
        set_aside(self.env.runtime, target.id, "worker", RuntimeError("矩阵测试：定时器无法触发"))
        return target

    def _open_task(self, grid, spec: TaskSpec) -> Target:
        case_id = self._start(grid)
        if spec.name != "screen_risk":
            self._complete(case_id, "screen_risk", SCREENING[spec.colour])
            self._complete(case_id, "accept_case", {"decision": "accept"})
        if spec.name == "mediate" and spec.level == "town":  # the town tier consults experts first
            self._complete(case_id, "legal_opinion", OWN_TASK["legal_advisor"].done)
            self._complete(case_id, "psych_assessment", OWN_TASK["psychologist"].done)
        if spec.name == "remind_supervisor":
            self._fire_timers_later(case_id, timedelta(days=25, hours=1))
        task = self.env.runtime.instance(case_id).ready_task(spec.name)
        assert task is not None, f"{spec.name} is not ready in case {case_id}"
        # The table's expectations assume this offer (processes/catalog.yaml lanes).
        assert (task.role, task.org_unit) == (spec.role, ancestor_at(grid, spec.level)), (task.role, task.org_unit)
        return Target(unit=task.org_unit, id=task.id, grid=grid, task=spec)

    def _fire_timers_later(self, case_id: str, delta: timedelta) -> None:
        """Fire this one case's timers as if `delta` had passed, then turn the clock back:
        firing every due timer would move the shared targets on too."""
        clock, runtime = self.env.clock, self.env.runtime
        now = clock.now()
        clock.set(now + delta)
        try:
            with runtime.store.write() as session:
                change = runtime.open_change(session, case_id, "timer")
                change.refresh_timers()
                change.save()
        finally:
            clock.set(now)

    def _claimed_task(self, grid, spec: TaskSpec) -> Target:
        target = self._open_task(grid, spec)
        self.env.runtime.claim(target.id, actor=COLLEAGUE)
        return target

    def _member(self, grid, _spec) -> Target:
        username = self.env.unique("member")
        with self.env.services.store.write() as session:
            org_repository.add_user(session, username, role="grid_worker", org_unit=grid, password=PASSWORD)
        return Target(unit=grid, id=username, grid=grid)

    def _receipt(self, grid, _spec) -> Target:
        response = self.env.client.post(f"{PREFIX}/public/intake", json=public_submission(grid),
                                        headers={"Idempotency-Key": str(uuid.uuid4())})
        assert response.status_code == 201, response.get_json()
        return Target(unit=grid, id=response.get_json()["receipt"], grid=grid)


def public_submission(grid: str) -> dict:
    return {"org_unit": grid, "data": {"dispute_type": "domestic_violence", "summary": "丈夫经常酒后打骂，希望妇联帮助",
                                       "parties": [{"name": "赵梅", "role": "applicant"}]}}
