"""Task lists as the queries build them: one statement per list with its exact total, group
lists merged from each (role, org unit) and supervised lists from each org unit in the same
order as one sort of everything, done lists in the order each sort promises, the page dumped
without marshmallow exactly as the schema would, and the caller read from her token in one
statement."""
from __future__ import annotations

import functools
from datetime import timedelta

import pytest
from sqlalchemy import select

from api.schemas.tasks import TaskPageOut, dump_task_page
from engine.access import Principal
from engine.org import Membership
from engine.store import org_repository, task_queries, token_repository
from engine.store.models import HumanTask, ProcessInstance
from engine.store.task_queries import RISK_ORDER, SORTS, TaskFilter
from engine.tasks import TaskDesk, TaskQuery
from tests.api.matrix_support import SCREENING
from tests.api.task_support import (
    ACCEPT,
    LEGAL_OPINION,
    MEDIATION_FAILED,
    PSYCH_ASSESSMENT,
    add_user,
    case_at,
    complete,
    start_case,
    task_id,
)

TASKS = "/api/v1/tasks"
TOWN = frozenset({"town", "village-a", "village-b", "grid-a1", "grid-a2", "grid-b1", "grid-b2"})
# What each demo supervisor supervises: her unit and below.
SUPERVISED = {"supervisor_a": frozenset({"village-a", "grid-a1", "grid-a2"}), "supervisor_town": TOWN,
              "supervisor_county": TOWN | {"county"}}
PAGE_SIZES = (1, 3, 4, 20)


def listed(api, user, **params):
    response = api.get(TASKS, user, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _assorted_cases(api) -> None:
    """Tasks in several units, with and without deadlines and priorities, some created at the
    same moment (so that only the tie-break orders them)."""
    for unit in ("grid-a1", "grid-b2", "village-a", "town"):
        start_case(api, unit)
    for colour in ("blue", "yellow", "orange"):
        case_at(api, colour, "accept_case", org_unit="grid-a2")
    api.clock.advance(timedelta(hours=1))
    case_at(api, "yellow", "accept_case", org_unit="grid-b1")
    start_case(api, "grid-a1")


def test_a_group_list_merged_per_unit_is_the_same_as_one_sort_of_everything(api, monkeypatch):
    _assorted_cases(api)
    where = TaskFilter(unassigned=True, group={"intake_clerk": TOWN})

    def pages(sort: str, per_page: int) -> list:
        with api.services.store.read() as session:
            return [task_queries.task_page(session, where, sort=sort, page=n, per_page=per_page)
                    for n in range(1, 12 // per_page + 2)]

    merged = {(sort, n): pages(sort, n) for sort in SORTS for n in (1, 3, 20)}
    task_queries._page_statement.cache_clear()
    monkeypatch.setattr(task_queries, "MAX_HEADS", 0)  # every group list sorted in one piece
    try:
        for (sort, per_page), expected in merged.items():
            assert pages(sort, per_page) == expected, (sort, per_page)
    finally:
        task_queries._page_statement.cache_clear()
    assert [total for _, total in merged[("due_at", 3)]] == [9, 9, 9, 9, 9]


def test_the_total_is_exact_on_every_page_even_past_the_last(api):
    _assorted_cases(api)
    pages = [listed(api, "clerk", per_page=4, page=n) for n in (1, 2, 3, 4)]
    assert [p["total"] for p in pages] == [9, 9, 9, 9]
    assert [len(p["items"]) for p in pages] == [4, 4, 1, 0]


def test_a_user_with_two_roles_sees_both_roles_tasks_counted_and_in_due_order(api):
    add_user(api, "clerk_lawyer", "intake_clerk", "town")
    add_user(api, "clerk_lawyer", "legal_advisor", "town")
    start_case(api, "grid-a1")
    case_at(api, "orange", "legal_opinion", org_unit="grid-b1")
    page = listed(api, "clerk_lawyer")
    assert page["total"] == 2
    assert [(i["name"], i["role"]) for i in page["items"]] == [
        ("legal_opinion", "legal_advisor"), ("screen_risk", "intake_clerk")]
    assert listed(api, "lawyer")["total"] == 1 and listed(api, "clerk")["total"] == 1


def test_the_list_response_is_what_the_schema_gives(api):
    _assorted_cases(api)
    task = listed(api, "clerk")["items"][0]["id"]
    assert api.post(f"{TASKS}/{task}/claim", "clerk").status_code == 200
    principal = Principal("clerk", "clerk", (Membership("intake_clerk", "town"),))
    desk = TaskDesk(api.services.runtime, api.services.chart(), principal)
    for query in (TaskQuery(scope="group"), TaskQuery(scope="mine"), TaskQuery(scope="group", per_page=2, page=2)):
        page = desk.list(query)
        assert dump_task_page(page) == TaskPageOut().dump(page)
        assert listed(api, "clerk", scope=query.scope, per_page=query.per_page, page=query.page) == \
            TaskPageOut().dump(page)
    mine = desk.list(TaskQuery(scope="mine")).items[0]
    assert mine.assignee == "clerk" and mine.due_at is not None  # the values the dump must carry


def test_a_caller_is_read_from_her_token_with_every_membership(api):
    add_user(api, "clerk_lawyer", "intake_clerk", "town")
    add_user(api, "clerk_lawyer", "legal_advisor", "town")
    token = api.token("clerk_lawyer")
    now = api.clock.now()
    with api.services.store.read() as session:
        holder = token_repository.token_holder(session, token, now=now)
        assert holder == Principal("clerk_lawyer", "clerk_lawyer", (
            Membership("intake_clerk", "town"), Membership("legal_advisor", "town")))
        assert token_repository.token_holder(session, "not-a-token", now=now) is None
        assert token_repository.token_holder(session, token, now=now + timedelta(hours=13)) is None


def test_a_user_without_memberships_is_logged_in_and_offered_nothing(api):
    add_user(api, "newcomer", "grid_worker", "grid-a1")
    start_case(api, "grid-a1")
    with api.services.store.write() as session:
        org_repository.revoke_membership(session, "newcomer", Membership("grid_worker", "grid-a1"),
                                         actor="admin", now=api.clock.now())
    me = api.get("/api/v1/me", "newcomer").get_json()
    assert me["username"] == "newcomer" and me["memberships"] == []
    for scope in ("group", "mine", "done", "supervised"):
        assert listed(api, "newcomer", scope=scope) == {"items": [], "total": 0, "total_capped": False,
                                                         "page": 1, "per_page": 20}


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_lists_the_clerks_tasks(api, sort):
    _assorted_cases(api)
    page = listed(api, "clerk", sort=sort)
    assert page["total"] == 9 and len({i["id"] for i in page["items"]}) == 9


# -- supervised and done lists -----------------------------------------------------------

# What each sort promises: (column, descending, nulls last) from the first key to the last.
_TIE_BREAK = [("created_at", False, True), ("id", False, True)]
_DUE_FIRST = [("due_at", False, True), ("priority", True, True), *_TIE_BREAK]
PROMISED = {
    "due_at": _DUE_FIRST,
    "-due_at": [("due_at", True, True), ("priority", True, True), *_TIE_BREAK],
    "priority": [("priority", False, True), ("due_at", False, True), *_TIE_BREAK],
    "-priority": [("priority", True, True), ("due_at", False, True), *_TIE_BREAK],
    "risk": [("risk", False, True), *_DUE_FIRST],
    "created_at": _TIE_BREAK,
    "-created_at": [("created_at", True, True), ("id", True, True)],
    "-ended_at": [("ended_at", True, True), ("id", True, True)],
}


def _in_promised_order(tasks: list[dict], sort: str) -> list[str]:
    """The ids of `tasks` (dicts of the task's columns and its case's risk rank) sorted as
    PROMISED, independently of the SQL."""
    def compare(a, b):
        for column, descending, nulls_last in PROMISED[sort]:
            x, y = a[column], b[column]
            if x == y:
                continue
            if x is None or y is None:
                return (1 if x is None else -1) * (1 if nulls_last else -1)
            return (1 if x > y else -1) * (-1 if descending else 1)
        return 0
    return [t["id"] for t in sorted(tasks, key=functools.cmp_to_key(compare))]


def _tasks_where(api, *conditions) -> list[dict]:
    with api.services.store.read() as session:
        found = session.execute(select(HumanTask, ProcessInstance.risk_colour)
                                .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                                .where(*conditions)).all()
    return [{"id": t.id, "due_at": t.due_at, "priority": t.priority, "created_at": t.created_at,
             "ended_at": t.ended_at, "risk": RISK_ORDER.get(colour, len(RISK_ORDER))} for t, colour in found]


def _every_page(api, where: TaskFilter, sort: str, per_page: int) -> list[tuple[list, int]]:
    """Every page of the list, and the one after the last."""
    with api.services.store.read() as session:
        first = task_queries.task_page(session, where, sort=sort, page=1, per_page=per_page)
        last = max(1, -(-first[1] // per_page))
        return [first, *(task_queries.task_page(session, where, sort=sort, page=n, per_page=per_page)
                         for n in range(2, last + 2))]


def _check_pages(pages: list[tuple[list, int]], expected: list[str], per_page: int) -> None:
    """The pages hold `expected` in that order, per_page at a time, each with the exact total;
    the one after the last is empty and still has the total."""
    assert [total for _, total in pages] == [len(expected)] * len(pages)
    assert [[task.id for task in items] for items, _ in pages] == [
        expected[i:i + per_page] for i in range(0, max(len(expected), 1), per_page)] + [[]]


def _supervised_cases(api) -> None:
    """Open tasks in every unit below the county, some claimed (a supervisor sees those too),
    and one at the county: the red case's police report."""
    _assorted_cases(api)
    case_at(api, "orange", "mediate", org_unit="village-b")
    mediation, _ = case_at(api, "blue", "mediate", org_unit="grid-a2")
    api.services.runtime.claim(task_id(api, mediation, "mediate"), actor="grid_a1")
    claimed = start_case(api, "village-a")
    api.services.runtime.claim(task_id(api, claimed.id, "screen_risk"), actor="clerk")
    red = start_case(api, "grid-b1")
    complete(api, red.id, "screen_risk", SCREENING["red"])
    complete(api, red.id, "accept_case", ACCEPT)
    task_id(api, red.id, "report_to_police")


@pytest.mark.parametrize("supervisor", sorted(SUPERVISED))
def test_a_supervised_list_merged_per_unit_is_the_same_as_one_sort_of_everything(api, monkeypatch, supervisor):
    _supervised_cases(api)
    units = SUPERVISED[supervisor]
    where = TaskFilter(units=units)
    shape, _ = task_queries._shape_of(where)
    assert "UNION ALL" in str(task_queries._page_statement(shape, "due_at", 1, 20))  # one head per org unit
    open_tasks = _tasks_where(api, HumanTask.state == "ready", HumanTask.org_unit.in_(units))
    assert len(open_tasks) >= 4
    merged = {(sort, n): _every_page(api, where, sort, n) for sort in SORTS for n in PAGE_SIZES}
    for (sort, per_page), pages in merged.items():
        _check_pages(pages, _in_promised_order(open_tasks, sort), per_page)
    task_queries._page_statement.cache_clear()
    monkeypatch.setattr(task_queries, "MAX_HEADS", 0)  # every supervised list sorted in one piece
    try:
        for (sort, per_page), expected in merged.items():
            assert _every_page(api, where, sort, per_page) == expected, (sort, per_page)
    finally:
        task_queries._page_statement.cache_clear()


def test_the_supervised_total_is_exact_on_every_page_even_past_the_last(api):
    _supervised_cases(api)
    county = len(_tasks_where(api, HumanTask.state == "ready"))
    town = len(_tasks_where(api, HumanTask.state == "ready", HumanTask.org_unit.in_(TOWN)))
    assert county > town >= 9
    for supervisor, total in (("supervisor_county", county), ("supervisor_town", town)):
        numbers = range(1, total // 4 + 3)  # to the page after the last
        pages = [listed(api, supervisor, scope="supervised", per_page=4, page=n) for n in numbers]
        assert [p["total"] for p in pages] == [total] * len(pages)
        assert [len(p["items"]) for p in pages] == [min(4, max(0, total - 4 * (n - 1))) for n in numbers]
        assert pages[-1]["items"] == []
        assert len({i["id"] for p in pages for i in p["items"]}) == total


def _done_cases(api) -> None:
    """The clerk completes tasks at different moments and several at one moment (only the id
    orders those); the lawyer, the psychologist and the grid worker complete others; a case
    the clerk terminates leaves its task cancelled by her, not done."""
    _assorted_cases(api)
    for colour, step in (("blue", "mediate"), ("orange", "mediate"), ("yellow", "accept_case")):
        api.clock.advance(timedelta(minutes=7))
        case_at(api, colour, step, org_unit="grid-a1")
    mediated, _ = case_at(api, "blue", "mediate", org_unit="grid-b2")
    complete(api, mediated, "mediate", MEDIATION_FAILED, actor="grid_b1")
    api.clock.advance(timedelta(hours=2))
    expert, _ = case_at(api, "orange", "legal_opinion", org_unit="village-b")
    complete(api, expert, "legal_opinion", LEGAL_OPINION, actor="lawyer")
    complete(api, expert, "psych_assessment", PSYCH_ASSESSMENT, actor="psychologist")
    accepted, _ = case_at(api, "yellow", "accept_case", org_unit="grid-a2")
    complete(api, accepted, "accept_case", ACCEPT)
    terminated = start_case(api, "grid-a1")
    api.services.runtime.terminate(terminated.id, actor="clerk", reason="重复登记")


@pytest.mark.parametrize("user", ["clerk", "lawyer", "grid_b1", "mediator_a"])
def test_a_done_list_is_in_the_promised_order_on_every_page(api, user):
    _done_cases(api)
    done = _tasks_where(api, HumanTask.state == "completed", HumanTask.ended_by == user)
    where = TaskFilter(state="completed", ended_by=user)
    for sort in SORTS:
        expected = _in_promised_order(done, sort)
        for per_page in PAGE_SIZES:
            _check_pages(_every_page(api, where, sort, per_page), expected, per_page)
    if user == "clerk":
        assert len(done) >= 12 and len({t["ended_at"] for t in done}) < len(done)  # some ended together


def test_the_done_total_is_exact_on_every_page_even_past_the_last(api):
    _done_cases(api)
    total = len(_tasks_where(api, HumanTask.state == "completed", HumanTask.ended_by == "clerk"))
    numbers = range(1, total // 5 + 3)  # to the page after the last
    pages = [listed(api, "clerk", scope="done", per_page=5, page=n) for n in numbers]
    assert [p["total"] for p in pages] == [total] * len(pages)
    assert [len(p["items"]) for p in pages] == [min(5, max(0, total - 5 * (n - 1))) for n in numbers]
    items = [i for p in pages for i in p["items"]]
    assert len({i["id"] for i in items}) == total and {i["state"] for i in items} == {"completed"}
    assert [i["ended_at"] for i in items] == sorted((i["ended_at"] for i in items), reverse=True)
