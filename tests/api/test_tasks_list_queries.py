"""Task lists as the queries build them: one statement per list with its exact total, group
lists merged from each (role, org unit) in the same order as one sort of everything, the page
dumped without marshmallow exactly as the schema would, and the caller read from her token in
one statement."""
from __future__ import annotations

from datetime import timedelta

import pytest

from api.schemas.tasks import TaskPageOut, dump_task_page
from engine.access import Principal
from engine.org import Membership
from engine.store import org_repository, task_queries
from engine.store.task_queries import SORTS, TaskFilter
from engine.tasks import TaskDesk, TaskQuery
from tests.api.task_support import add_user, case_at, start_case

TASKS = "/api/v1/tasks"
TOWN = frozenset({"town", "village-a", "village-b", "grid-a1", "grid-a2", "grid-b1", "grid-b2"})


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
        holder = org_repository.token_holder(session, token, now=now)
        assert holder == Principal("clerk_lawyer", "clerk_lawyer", (
            Membership("intake_clerk", "town"), Membership("legal_advisor", "town")))
        assert org_repository.token_holder(session, "not-a-token", now=now) is None
        assert org_repository.token_holder(session, token, now=now + timedelta(hours=13)) is None


def test_a_user_without_memberships_is_logged_in_and_offered_nothing(api):
    add_user(api, "newcomer", "grid_worker", "grid-a1")
    start_case(api, "grid-a1")
    with api.services.store.write() as session:
        org_repository.revoke_membership(session, "newcomer", Membership("grid_worker", "grid-a1"),
                                         actor="admin", now=api.clock.now())
    me = api.get("/api/v1/me", "newcomer").get_json()
    assert me["username"] == "newcomer" and me["memberships"] == []
    for scope in ("group", "mine", "done", "supervised"):
        assert listed(api, "newcomer", scope=scope) == {"items": [], "total": 0, "page": 1, "per_page": 20}


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_lists_the_clerks_tasks(api, sort):
    _assorted_cases(api)
    page = listed(api, "clerk", sort=sort)
    assert page["total"] == 9 and len({i["id"] for i in page["items"]}) == 9
