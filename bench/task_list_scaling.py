"""Every list the API serves at scale: GET /api/v1/tasks?scope=mine, group, done and supervised,
and GET /api/v1/cases (case search: newest first, a case-number search, filters and the other
sorts) with 1,000 and 100,000 open cases, and a million on PostgreSQL with --cases.

Each size gets a fresh database (a SQLite file; and a throwaway PostgreSQL schema where the
server answers) with the demo organisation imported and the shipped processes deployed, then
open dispute_case cases inserted directly with SQLAlchemy Core bulk inserts (COPY on
PostgreSQL): one process_instance row per case (risk colour, level, case number, the earliest
due time of its ready tasks, a workflow blob of realistic size) and its human_task rows — the completed steps behind it and the one
to four steps ready now, each offered to its lane's role in the unit the router would pick
(processes/catalog.yaml): screen_risk / accept_case / record_outcome / feedback_to_party to the
intake clerk at the case's (handling) unit, `mediate` by the case's tier of the mediation
ladder (processes/ladders/three_tier.yaml: to the grid worker at the grid, the village mediator
at the village or the town mediator at the town), follow_up_visit to the village mediator at
the village, expert opinions to the lawyer and psychologist at the town, red-risk steps to the
county's rights officer, and so on. Cases arise mostly in the four grids, some in the villages
and the town. About one ready task in six is claimed by a colleague; each measured user has
exactly MINE_PER_USER tasks of her own at every size, so `mine` stays the same length while
the tables grow.

The completed steps were done (ended_by) by the town's intake clerk for every intake step, by
grid_a1 and mediator_a for the steps of their grid and village, and by colleagues otherwise:
so `done` grows with the history, about 2 completed tasks per open case for the clerk
(~2,000 at 1,000 open cases, ~198,000 at 100,000), ~0.07 for mediator_a and ~0.02 for
grid_a1. `supervised` is measured for supervisor_town and supervisor_county (every open task in
their unit and below: nearly all of them). Case lists (CASE_LISTS): newest first for the
county's supervisor and the town's clerk (nearly every case), a search for a case-number
fragment that ten cases match at every size (q), running red cases (a status and a risk
filter), overdue cases, and the risk and due-time sorts.

Lists count their totals only up to 1,000 past the page's first item (total_capped beyond
that): check() compares each total with the database's count, capped the same way.

Requests go through the whole WSGI stack (app.test_client(), a real bearer token from
/api/v1/auth/login): token lookup, principal, argument parsing, the list and COUNT queries,
marshmallow, JSON. The sizes are measured interleaved, request by request, so machine noise
hits them alike. Prints p50/p95 per backend, size, list and user, then for every list its
p95 at the smallest and the largest size, their ratio and whether it met the targets; then
`worst p95 ...` (the list whose p95 at the largest size is the worst), `worst ratio ...`,
`ratio=<the worst ratio of any list>`, and per backend a `target p95 <= 20 ms: ...` line (30
ms at a million cases) and a `target ratio <= 1.5: ...` line. Printed, not asserted.

    .venv/bin/python bench/task_list_scaling.py [--sizes 1000,100000] [--requests 200]
                                                [--warmup 20] [--postgres/--no-postgres]
                                                [--cases 1000000] [--ddl "CREATE INDEX ..." ...]

--cases N measures 1,000 and N open cases on PostgreSQL only (building a million takes a few
minutes; a SQLite file of that size, several gigabytes, is not built).
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from api import create_app  # noqa: E402
from engine.clock import ManualClock  # noqa: E402
from engine.runtime.deployment import deploy_project  # noqa: E402
from engine.store import org_repository  # noqa: E402
from engine.store.models import HumanTask, ProcessInstance, ProcessVersion  # noqa: E402
from engine.store.page_totals import TOTAL_CAP  # noqa: E402
from tests.databases import PostgresSchema, postgres_unavailable_reason, sqlite_store  # noqa: E402

DEMO_ORG = ROOT / "processes" / "org" / "demo.yaml"
PASSWORD = "jiahe-demo"
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
TASKS, CASES = "/api/v1/tasks", "/api/v1/cases"
TARGET_P95_MS = 20.0
TARGET_P95_MS_AT_A_MILLION = 30.0
TARGET_RATIO = 1.5
MINE_PER_USER = 30
CLAIMED_SHARE = 0.15
CHUNK = 5_000  # rows per executemany; CHUNK cases per transaction
CASE_NO_FRAGMENT = "JH-2026-00004"  # JH-2026-000040 to -000049: ten cases at every size

# Who is measured: the broadest group list (the clerk sees every intake step in the town),
# a village mediator, a grid worker.
USERS = {"clerk": ("intake_clerk", "town"), "mediator_a": ("village_mediator", "village-a"),
         "grid_a1": ("grid_worker", "grid-a1")}
# Who completed the seeded steps (role, unit or None for any unit): the measured users' done lists.
WORKERS = {("intake_clerk", None): "clerk", ("village_mediator", "village-a"): "mediator_a",
           ("grid_worker", "grid-a1"): "grid_a1"}
# Supervisors measured on `supervised`: every open task in their unit and below.
SUPERVISORS = {"supervisor_town": "town", "supervisor_county": "county"}
# Every list measured: its name -> (path, query).
QUERIES = {
    "mine": (TASKS, {"scope": "mine"}), "group": (TASKS, {"scope": "group"}),
    "done": (TASKS, {"scope": "done"}), "supervised": (TASKS, {"scope": "supervised"}),
    "cases": (CASES, {}), "cases q": (CASES, {"q": CASE_NO_FRAGMENT}),
    "cases red": (CASES, {"status": "running", "risk": "red"}), "cases overdue": (CASES, {"overdue": "true"}),
    "cases risk": (CASES, {"sort": "risk"}), "cases due": (CASES, {"sort": "due_at"}),
}
CASE_LISTS = (("cases", "supervisor_county"), ("cases", "clerk"), ("cases q", "supervisor_county"),
              ("cases red", "supervisor_county"), ("cases overdue", "supervisor_town"),
              ("cases risk", "supervisor_county"), ("cases due", "supervisor_county"))
MEASURED = (*((scope, user) for scope in ("group", "mine", "done") for user in USERS),
            *(("supervised", user) for user in SUPERVISORS), *CASE_LISTS)
LOGINS = (*USERS, *SUPERVISORS)

# The demo org (processes/org/demo.yaml) and where cases arise.
GRIDS = {"grid-a1": "village-a", "grid-a2": "village-a", "grid-b1": "village-b", "grid-b2": "village-b"}
VILLAGES = ("village-a", "village-b")
UNIT_LEVEL = {**{g: "grid" for g in GRIDS}, **{v: "village" for v in VILLAGES}, "town": "town"}
BELOW = {"town": ["town", *VILLAGES, *GRIDS], "village-a": ["village-a", "grid-a1", "grid-a2"],
         "village-b": ["village-b", "grid-b1", "grid-b2"], **{g: [g] for g in GRIDS}}
BELOW["county"] = ["county", *BELOW["town"]]
CASE_ORIGIN = [*GRIDS, *VILLAGES, "town"]
CASE_ORIGIN_WEIGHTS = [21.25] * 4 + [5, 5, 5]

COLOURS = ["blue", "yellow", "orange", "red"]
RISK_RANK = {"red": 0, "orange": 1, "yellow": 2, "blue": 3, "green": 4}  # case lists' risk sort
COLOUR_WEIGHTS = [45, 32, 17, 6]
COLOUR_LEVEL = {"blue": 1, "yellow": 2, "orange": 3, "red": 3}
PRIORITY = {"red": 4, "orange": 3, "yellow": 2, "blue": 1}
ACCEPT_WITHIN = {"red": timedelta(hours=2), "orange": timedelta(hours=8), "yellow": timedelta(days=2),
                 "blue": timedelta(days=3)}
FOLLOW_UP = {"red": timedelta(days=30), "orange": timedelta(days=30), "yellow": timedelta(days=90),
             "blue": timedelta(days=180)}

# Steps: (title, lane, role, lane level or "case", form, due, deadline basis). The key is the
# task's BPMN id, but for `mediate`, one task offered by the case's tier of the mediation ladder
# (processes/ladders/three_tier.yaml): mediate@<tier> is `mediate` at that tier (task_spec()).
STEPS = {
    "screen_risk": ("风险筛查", "受理员", "intake_clerk", "case", "risk_screening.schema.json", None, None),
    "accept_case": ("受理审查", "受理员", "intake_clerk", "case", "accept_case.schema.json", "accept",
                    "分级响应受理时限（本地分级响应规定）"),
    "report_to_police": ("通报公安联合处置", "维权干部", "rights_officer", "county", "police_report.schema.json",
                         timedelta(hours=1), "人民调解法第25条；反家庭暴力法第13条"),
    "shelter_referral": ("临时庇护转介", "维权干部", "rights_officer", "county", "shelter_referral.schema.json",
                         timedelta(hours=4), "临时庇护一般不超过10日"),
    "safety_plan": ("制定安全计划", "网格员", "grid_worker", "grid", "safety_plan.schema.json",
                    timedelta(days=1), "红色风险立即处置（本地规定）"),
    "protection_order_help": ("协助申请人身安全保护令", "法律顾问", "legal_advisor", "town",
                              "protection_order_help.schema.json", timedelta(days=1), "反家庭暴力法第23条、第28条"),
    "mediate@grid": ("网格员现场调解", "调解员", "grid_worker", "grid", "mediation_result.schema.json",
                     timedelta(days=7), "网格现场调解一般7日内完成（本地规定）；逾期升级至村（社区）"),
    "mediate@village": ("村（社区）调解", "调解员", "village_mediator", "village", "mediation_result.schema.json",
                        timedelta(days=30), "人民调解工作若干规定第33条：调解一般在一个月内结束"),
    "legal_opinion": ("法律意见", "法律顾问", "legal_advisor", "town", "legal_opinion.schema.json",
                      timedelta(days=5), "专家会商意见5日内提出（本地规定）"),
    "psych_assessment": ("心理评估与疏导", "心理咨询师", "psychologist", "town", "psych_assessment.schema.json",
                         timedelta(days=5), "专家会商意见5日内提出（本地规定）"),
    "mediate@town": ("乡镇调解工作室调解", "调解员", "town_mediator", "town", "mediation_result.schema.json",
                     timedelta(days=30), "人民调解工作若干规定第33条：调解一般在一个月内结束"),
    "remind_supervisor": ("督办提醒", "督办", "supervisor", "case", "supervisor_reminder.schema.json",
                          timedelta(days=2), "督办：临近时限前提醒（本地规定）"),
    "record_outcome": ("记录处理结果", "受理员", "intake_clerk", "case", "outcome.schema.json", None, None),
    "feedback_to_party": ("结果告知当事人", "受理员", "intake_clerk", "case", "feedback.schema.json",
                          timedelta(days=7), "办结后5个工作日内告知当事人（本地规定，有果必公）"),
    "follow_up_visit": ("回访", "村调解员", "village_mediator", "village", "follow_up.schema.json", "follow_up",
                        "回访频次：红色、橙色每月，黄色每季度，蓝色每半年"),
}

# Where an open case stands: (weight, steps completed before, steps ready now).
STAGES = [
    (8, [], ["screen_risk"]),
    (8, ["screen_risk"], ["accept_case"]),
    (28, ["screen_risk", "accept_case"], ["mediate@grid"]),
    (18, ["screen_risk", "accept_case"], ["mediate@village"]),
    (5, ["screen_risk", "accept_case"], ["legal_opinion", "psych_assessment"]),
    (7, ["screen_risk", "accept_case", "legal_opinion", "psych_assessment"], ["mediate@town"]),
    (3, ["screen_risk", "accept_case"], ["report_to_police", "shelter_referral", "safety_plan",
                                         "protection_order_help"]),
    (9, ["screen_risk", "accept_case", "mediate@grid"], ["record_outcome"]),
    (6, ["screen_risk", "accept_case", "mediate@village", "record_outcome"], ["feedback_to_party"]),
    (8, ["screen_risk", "accept_case", "mediate@village", "record_outcome", "feedback_to_party"],
     ["follow_up_visit"]),
]
STAGE_WEIGHTS = [s[0] for s in STAGES]
CHANNELS = ["visit", "phone", "letter", "web", "screening"]
DISPUTE_TYPES = ["marital_conflict", "domestic_violence", "divorce_property", "child_custody", "elder_support"]


# -- seeding -------------------------------------------------------------------------------------

@dataclass
class Seeded:
    cases: int = 0
    tasks: int = 0
    ready: int = 0
    seconds: float = 0.0
    mine: dict[str, int] = field(default_factory=dict)
    done: dict[str, int] = field(default_factory=dict)


def seed(store, n_cases: int, version_id: int, rng: random.Random) -> Seeded:
    """n_cases open dispute cases with their tasks, in transactions of CHUNK cases."""
    started = time.perf_counter()
    blobs = [rng.randbytes(rng.randint(1_500, 6_000)) for _ in range(64)]  # serialized workflows
    quota = {user: MINE_PER_USER for user in USERS}
    seeded = Seeded(done={user: 0 for user in USERS})
    case_no = 0
    for first in range(0, n_cases, CHUNK):
        instances, tasks = [], []
        for _ in range(min(CHUNK, n_cases - first)):
            case_no += 1
            instance, rows = _case(rng, case_no, version_id, blobs)
            instances.append(instance)
            tasks.extend(rows)
        _claim(rng, tasks, quota)
        with store.engine.begin() as conn:
            if store.is_postgres:
                _copy(conn, ProcessInstance.__table__, instances)
                _copy(conn, HumanTask.__table__, tasks)
            else:
                conn.execute(insert(ProcessInstance.__table__), instances)
                conn.execute(insert(HumanTask.__table__), tasks)
        seeded.cases += len(instances)
        seeded.tasks += len(tasks)
        seeded.ready += sum(t["state"] == "ready" for t in tasks)
        for t in tasks:
            if t["ended_by"] in seeded.done:
                seeded.done[t["ended_by"]] += 1
    seeded.mine = {user: MINE_PER_USER - left for user, left in quota.items()}
    if store.is_postgres:  # what autovacuum does to such tables soon (statistics, visibility map)
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) human_task"))
            conn.execute(text("VACUUM (ANALYZE) process_instance"))
    seeded.seconds = time.perf_counter() - started
    return seeded


def _copy(conn, table, rows: list[dict]) -> None:
    """PostgreSQL's COPY of the rows, each value as the column's type binds it (UTC datetimes,
    JSON): several times faster than INSERT for a million cases."""
    dialect = conn.dialect
    columns = [c for c in table.columns if c.key in rows[0]]
    binds = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    names = ", ".join(f'"{c.name}"' for c in columns)
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([v if bind is None or v is None else bind(v)
                            for bind, v in zip(binds, (row[c.key] for c in columns), strict=True)])


def _case(rng: random.Random, number: int, version_id: int, blobs: list[bytes]) -> tuple[dict, list[dict]]:
    origin = rng.choices(CASE_ORIGIN, CASE_ORIGIN_WEIGHTS)[0]
    _, done, ready = rng.choices(STAGES, STAGE_WEIGHTS)[0]
    if "mediate@grid" in ready or "safety_plan" in ready:  # grid work: a case from a grid
        origin = rng.choice(list(GRIDS))
    screened = bool(done)
    colour = _colour(rng, ready) if screened else None
    level = max(COLOUR_LEVEL[colour], _lowest_tier(origin)) if colour else None
    if "mediate@village" in ready or "follow_up_visit" in ready:
        level = max(level, 2)
    if "mediate@town" in ready or "legal_opinion" in ready:
        level = 3
    handling = _handling_unit(origin, level)
    created = NOW - timedelta(days=rng.uniform(0, 60))
    instance_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if rng.random() < 0.04 and screened:
        ready = [*ready, "remind_supervisor"]
    # Each step took 1 to 72 hours and the open steps came 0 to 48 hours after the last one; a
    # young case's steps are squeezed into its age, so that no two steps end at the same moment.
    gaps = [timedelta(hours=rng.uniform(1, 72)) for _ in done] + [timedelta(hours=rng.uniform(0, 48))]
    squeeze = min(1.0, (NOW - created) / max(sum(gaps, timedelta()), timedelta(seconds=1)))
    step_at = created
    rows = []
    for name, gap in zip(done, gaps[:-1], strict=True):
        began, step_at = step_at, step_at + gap * squeeze
        rows.append(_task(rng, instance_id, name, origin, handling, colour, began, step_at))
    ready_at = step_at + gaps[-1] * squeeze
    open_rows = [_task(rng, instance_id, name, origin, handling, colour, ready_at, None) for name in ready]
    rows.extend(open_rows)
    dues = [r["due_at"] for r in open_rows if r["due_at"] is not None]
    instance = {
        "id": instance_id, "process_key": "dispute_case", "version_id": version_id, "status": "running",
        "org_unit": origin, "business_key": None, "title": "婚姻家庭纠纷调处", "serialized": rng.choice(blobs),
        "row_version": 2 + 2 * len(done), "next_due_at": min(dues) if dues else None,
        "ready_due_at": min(dues) if dues else None, "waits_signature": "",
        "open_task_ids": [r["id"] for r in open_rows], "audit_seq": 3 + 3 * len(done),
        "audit_hash": f"{rng.getrandbits(256):064x}", "created_at": created, "updated_at": ready_at,
        "ended_at": None, "created_by": "clerk",
        "commitments": ["received", *(["accepted"] if "accept_case" in done else []),
                        *(["handler_assigned"] if level and "accept_case" in done else [])],
        "case_no": f"JH-2026-{number:06d}", "channel": rng.choice(CHANNELS),
        "dispute_type": rng.choice(DISPUTE_TYPES), "risk_colour": colour, "level": level, "outcome": None,
        "summary": "夫妻因家务多次争吵，女方要求调解",
    }
    return instance, rows


def _colour(rng: random.Random, ready: list[str]) -> str:
    if "report_to_police" in ready:
        return "red"
    if "legal_opinion" in ready or "mediate@town" in ready:
        return rng.choice(["orange", "red"])
    if "mediate@grid" in ready:
        return "blue"
    return rng.choices(COLOURS, COLOUR_WEIGHTS)[0]


def _lowest_tier(origin: str) -> int:
    return {"grid": 1, "village": 2, "town": 3}[UNIT_LEVEL[origin]]


def _handling_unit(origin: str, level: int | None) -> str:
    """The case's unit at its handling level (what HierarchyRouter gives a `case` lane)."""
    if level is None:
        return origin
    return _ancestor(origin, {1: "grid", 2: "village", 3: "town"}[level])


def _ancestor(unit: str, level: str) -> str:
    if level == "county":
        return "county"
    if level == "town":
        return "town"
    if level == "village":
        return GRIDS.get(unit, unit)  # a village lane for a town case stays at the town
    return unit  # a grid lane for a case above the grids stays at the case's unit


def _task(rng, instance_id, name, origin, handling, colour, created, ended) -> dict:
    title, lane, role, level, form, due, basis = STEPS[name]
    unit = handling if level == "case" else _ancestor(origin, level)
    if due == "accept":
        due = ACCEPT_WITHIN[colour]
    elif due == "follow_up":
        due = FOLLOW_UP[colour]
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "instance_id": instance_id,
        "process_key": "dispute_case", "task_spec": task_spec(name), "title": title, "lane": lane,
        "role": role, "level": level, "org_unit": unit, "assignee": None,
        "state": "completed" if ended else "ready",
        "due_at": created + due if due else None, "deadline_basis": basis,
        "priority": PRIORITY.get(colour, 1) if name == "accept_case" else 0, "form": form,
        "created_at": created, "ended_at": ended,
        "ended_by": _worker(role, unit) if ended else None,
    }


def task_spec(step: str) -> str:
    """The BPMN id of a step of STEPS: mediate@grid and the like are `mediate`."""
    return step.partition("@")[0]


def _worker(role: str, unit: str) -> str:
    """Who completed a step of `role` in `unit`: the town's intake clerk did every intake step
    (the longest done list), the measured grid worker and village mediator the steps of their
    own grid and village, a colleague the rest."""
    return WORKERS.get((role, unit)) or WORKERS.get((role, None)) or f"{role}@{unit}"


def _claim(rng: random.Random, tasks: list[dict], quota: dict[str, int]) -> None:
    """Give each measured user her quota of tasks she may work on; colleagues claim ~15% more."""
    for row in tasks:
        if row["state"] != "ready":
            continue
        for user, (role, unit) in USERS.items():
            if quota[user] and row["role"] == role and row["org_unit"] in BELOW[unit] and rng.random() < 0.5:
                row["assignee"] = user
                quota[user] -= 1
                break
        else:
            if rng.random() < CLAIMED_SHARE:
                row["assignee"] = f"{row['role']}@{row['org_unit']}#{rng.randint(1, 3)}"


def add_indexes(store, ddl: list[str]) -> None:
    """Statements given with --ddl (an index being considered), run after seeding; PostgreSQL
    then analyzes the table again."""
    if not ddl:
        return
    with store.engine.begin() as conn:
        for statement in ddl:
            conn.execute(text(statement))
    if store.is_postgres:
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE human_task"))
            conn.execute(text("ANALYZE process_instance"))


# -- one database, one app ------------------------------------------------------------------------

@dataclass
class Target:
    backend: str
    size: int
    store: object
    client: object = None
    headers: dict = field(default_factory=dict)
    seeded: Seeded | None = None
    cleanup: object = None


def build(target: Target, rng: random.Random, ddl: list[str]) -> None:
    org_repository.SCRYPT_N = 2**8  # as in tests/api/conftest.py: login need not cost a second
    app = create_app({"TESTING": True, "JIAHE_PROJECT_ROOT": str(ROOT), "START_TIMER_WORKER": False},
                     clock=ManualClock(NOW), store=target.store)
    services = app.extensions["jiahe"]
    org_repository.import_org(services.store, DEMO_ORG)
    services.charts.invalidate()
    deploy_project(services.runtime, ROOT, actor="designer")
    with target.store.read() as session:
        version_id = session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_key == "dispute_case"))
    target.seeded = seed(target.store, target.size, version_id, rng)
    add_indexes(target.store, ddl)
    target.client = app.test_client()
    for user in LOGINS:
        response = target.client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD})
        if response.status_code != 200:
            raise RuntimeError(f"login {user}: {response.status_code} {response.get_json()}")
        target.headers[user] = {"Authorization": f"Bearer {response.get_json()['token']}"}


def request(target: Target, name: str, user: str) -> dict:
    path, query = QUERIES[name]
    response = target.client.get(path, query_string=query, headers=target.headers[user])
    if response.status_code != 200:
        raise RuntimeError(f"{target.backend} {target.size} {name} {user}: {response.status_code}")
    return response.get_json()


def check(target: Target) -> dict[tuple[str, str], str]:
    """The totals of each list as shown (1000+ when capped), after checking that every list
    holds what was seeded: its total is the database's count, capped as the lists cap it."""
    totals = {}
    with target.store.read() as session:
        def counted(entity, *conditions) -> int:
            return session.scalar(select(func.count()).select_from(entity).where(*conditions))
        for user, (role, unit) in USERS.items():
            expected = {
                "group": counted(HumanTask, HumanTask.state == "ready", HumanTask.assignee.is_(None),
                                 HumanTask.role == role, HumanTask.org_unit.in_(BELOW[unit])),
                "mine": target.seeded.mine[user], "done": target.seeded.done[user]}
            for scope, count in expected.items():
                totals[(scope, user)] = _checked(target, scope, user, request(target, scope, user), count)
            ended = [item["ended_at"] for item in request(target, "done", user)["items"]]
            if ended != sorted(ended, reverse=True):
                raise RuntimeError(f"{target.backend} {target.size}: {user}'s done list is not latest first")
        for user, unit in SUPERVISORS.items():
            count = counted(HumanTask, HumanTask.state == "ready", HumanTask.org_unit.in_(BELOW[unit]))
            totals[("supervised", user)] = _checked(target, "supervised", user,
                                                    request(target, "supervised", user), count)
        for name, user in CASE_LISTS:
            count = counted(ProcessInstance, ProcessInstance.org_unit.in_(_sees(user)), *_case_filter(name))
            page = request(target, name, user)
            totals[(name, user)] = _checked(target, name, user, page, count)
            _check_order(target, name, user, page["items"])
    return totals


def _checked(target: Target, name: str, user: str, page: dict, count: int) -> str:
    shown = min(count, TOTAL_CAP)
    if (page["total"], page["total_capped"], len(page["items"])) != (shown, count > TOTAL_CAP, min(20, shown)):
        raise RuntimeError(f"{target.backend} {target.size}: {user}'s {name} list has {page['total']} "
                           f"(capped: {page['total_capped']}) of {len(page['items'])} items; the database "
                           f"{count}")
    return f"{shown}+" if count > TOTAL_CAP else str(count)


def _sees(user: str) -> list[str]:
    return BELOW[SUPERVISORS.get(user) or USERS[user][1]]


def _case_filter(name: str) -> list:
    if name == "cases q":
        return [ProcessInstance.case_no.like(f"%{CASE_NO_FRAGMENT}%")]
    if name == "cases red":
        return [ProcessInstance.status == "running", ProcessInstance.risk_colour == "red"]
    if name == "cases overdue":
        return [select(HumanTask.id).where(HumanTask.instance_id == ProcessInstance.id, HumanTask.state == "ready",
                                           HumanTask.due_at < NOW).exists()]
    return []


def _check_order(target: Target, name: str, user: str, items: list[dict]) -> None:
    keys = {"cases risk": lambda i: (RISK_RANK.get(i["risk_colour"], len(RISK_RANK)),),
            "cases due": lambda i: (i["due_at"] is None, i["due_at"] or "")}
    key = keys.get(name, lambda i: ())
    newest = [(key(i), i["created_at"]) for i in items]
    if newest != sorted(newest, key=lambda k: (k[0], _negated(k[1]))):
        raise RuntimeError(f"{target.backend} {target.size}: {user}'s {name} list is out of order")


def _negated(iso: str) -> float:
    return -datetime.fromisoformat(iso).timestamp()


# -- timing ---------------------------------------------------------------------------------------

def measure(targets: list[Target], requests: int, warmup: int) -> dict[tuple, list[float]]:
    """Interleaved: every round asks every list of every user of every size once."""
    keys = [(t, name, user) for name, user in MEASURED for t in targets]
    for _ in range(warmup):
        for t, name, user in keys:
            request(t, name, user)
    samples: dict[tuple, list[float]] = {(t.size, name, user): [] for t, name, user in keys}
    gc.collect()
    for _ in range(requests):
        for t, name, user in keys:
            started = time.perf_counter()
            request(t, name, user)
            samples[(t.size, name, user)].append(time.perf_counter() - started)
    return samples


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f}"


def target_ms(size: int) -> float:
    return TARGET_P95_MS_AT_A_MILLION if size >= 1_000_000 else TARGET_P95_MS


@contextlib.contextmanager
def databases(backend: str, sizes: list[int], tmp: Path):
    targets = []
    try:
        for size in sizes:
            if backend == "sqlite":
                store = sqlite_store(tmp / f"tasks_{size}.sqlite3")
                targets.append(Target(backend, size, store))
            else:
                schema = PostgresSchema()
                targets.append(Target(backend, size, schema.create(), cleanup=schema.drop))
        yield targets
    finally:
        for t in targets:
            t.store.dispose()
            if t.cleanup:
                t.cleanup()


def run_backend(backend: str, sizes: list[int], args, tmp: Path) -> dict[tuple, dict]:
    results = {}
    with databases(backend, sizes, tmp) as targets:
        for t in targets:
            build(t, random.Random(20260302 + t.size), args.ddl)
            s = t.seeded
            print(f"[{backend}] seeded {s.cases} open cases, {s.tasks} task rows ({s.ready} ready) in "
                  f"{s.seconds:.1f} s; own tasks {s.mine}; completed {s.done}", flush=True)
        totals = {t.size: check(t) for t in targets}
        samples = measure(targets, args.requests, args.warmup)
    print(f"[{backend}] {args.requests} requests each after {args.warmup} warm-up, interleaved; ms")
    print(f"[{backend}] {'size':>7} {'list':<13} {'user':<17} {'total':>7} {'p50':>7} {'p95':>7}")
    for (size, name, user), values in samples.items():
        p50, high = statistics.median(values), p95(values)
        results[(backend, size, name, user)] = {"p50": p50, "p95": high, "total": totals[size][(name, user)]}
    for size in sizes:
        for name, user in MEASURED:
            r = results[(backend, size, name, user)]
            print(f"[{backend}] {size:>7} {name:<13} {user:<17} {r['total']:>7} {ms(r['p50'])} {ms(r['p95'])}")
    return results


def verdicts(results: dict, backends: list[str], small: int, large: int) -> dict[tuple, tuple[float, float]]:
    """A line per backend and list: p95 at both sizes, their ratio, whether both targets held.
    (backend, list, user) -> (p95 at the largest size, ratio)."""
    figures = {}
    for backend in backends:
        for name, user in MEASURED:
            hi = results[(backend, large, name, user)]["p95"]
            lo = results[(backend, small, name, user)]["p95"]
            figures[(backend, name, user)] = (hi, hi / lo)
            verdict = "ok" if hi * 1000 <= target_ms(large) and hi / lo <= TARGET_RATIO else "MISSED"
            print(f"[{backend}] {name:<13} {user:<17} p95 {ms(lo)} -> {ms(hi)} ms  "
                  f"p95({large})/p95({small})={hi / lo:.2f}  {verdict}")
    return figures


def summary(results: dict, backends: list[str], small: int, large: int) -> None:
    limit = target_ms(large)
    print(f"targets: p95 <= {limit:.0f} ms at {large} open cases; p95({large})/p95({small}) <= {TARGET_RATIO}; "
          f"every list:")
    figures = verdicts(results, backends, small, large)
    for backend in backends:
        mine = {key: value for key, value in figures.items() if key[0] == backend}
        (_, name, user), (high, _) = max(mine.items(), key=lambda kv: kv[1][0])
        print(f"[{backend}] target p95 <= {limit:.0f} ms: {'met' if high * 1000 <= limit else 'MISSED'} "
              f"(worst {ms(high).strip()} ms: {name} list of {user}, at {large} open cases)")
        (_, name, user), (_, ratio) = max(mine.items(), key=lambda kv: kv[1][1])
        print(f"[{backend}] target ratio <= {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'MISSED'} "
              f"(worst {ratio:.2f}: {name} list of {user})")
    (backend, name, user), (high, _) = max(figures.items(), key=lambda kv: kv[1][0])
    low = results[(backend, small, name, user)]["p95"]
    print(f"worst p95 at {large}: {name} list of {user} on {backend}: {ms(high).strip()} ms "
          f"(at {small}: {ms(low).strip()} ms)")
    (backend, name, user), (high, ratio) = max(figures.items(), key=lambda kv: kv[1][1])
    low = results[(backend, small, name, user)]["p95"]
    print(f"worst ratio: {name} list of {user} on {backend}: p95 {ms(low).strip()} -> {ms(high).strip()} ms")
    print(f"ratio={ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="open cases per database, comma-separated")
    parser.add_argument("--cases", type=int, metavar="N",
                        help="measure 1,000 and N open cases on PostgreSQL only (e.g. 1000000)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per size, list and user")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--ddl", action="append", default=[], metavar="SQL",
                        help="a statement to run on every database after seeding, e.g. an index to try "
                             "(repeatable; printed with the figures)")
    parser.add_argument("--postgres", action=argparse.BooleanOptionalAction, default=True,
                        help="also PostgreSQL, in throwaway schemas (skipped with the reason if it does not answer)")
    args = parser.parse_args()
    sizes = sorted({1000, args.cases} if args.cases else {int(s) for s in args.sizes.split(",") if s.strip()})
    small, large = sizes[0], sizes[-1]

    backends = [] if args.cases else ["sqlite"]
    if args.cases:
        print(f"[sqlite] skipped: --cases {args.cases} measures PostgreSQL only")
    if args.postgres:
        reason = postgres_unavailable_reason()
        if reason:
            print(f"[postgresql] skipped: {reason}")
        else:
            backends.append("postgresql")
    else:
        print("[postgresql] skipped: --no-postgres")
    if not backends:
        return

    for statement in args.ddl:
        print(f"ddl after seeding: {statement}")
    print("load average at start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            results |= run_backend(backend, sizes, args, Path(tmp))

    print("load average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    summary(results, backends, small, large)


if __name__ == "__main__":
    main()
