"""Task lists: who sees which tasks (role and jurisdiction), mine / group / done, sorting, paging."""
from __future__ import annotations

from datetime import timedelta

from tests.api.task_support import SCREENING, add_user, case_at, complete, start_case, task_id

TASKS = "/api/v1/tasks"


def listed(api, user, **params):
    response = api.get(TASKS, user, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def names(page) -> list[tuple[str, str | None]]:
    return [(item["name"], item["risk"]) for item in page["items"]]


def test_the_clerk_above_the_case_is_offered_its_screening_with_the_case_facts(api):
    case = start_case(api)
    page = listed(api, "clerk")
    assert page["total"] == 1 and page["page"] == 1 and page["per_page"] == 20
    item = page["items"][0]
    assert item == {**item, "case_id": case.id, "case_no": "JH-2026-000001", "name": "screen_risk",
                    "title": "风险筛查", "role": "intake_clerk", "org_unit": "grid-a1", "assignee": None,
                    "state": "ready", "risk": None, "overdue": False, "due_at": None}


def test_a_grid_worker_sees_her_own_grids_tasks_and_not_the_neighbours(api):
    case_at(api, "blue", "mediate", org_unit="grid-a1")
    page = listed(api, "grid_a1")
    assert names(page) == [("mediate", "blue")]
    assert [(i["role"], i["org_unit"], i["title"]) for i in page["items"]] == [
        ("grid_worker", "grid-a1", "网格员现场调解")]
    assert listed(api, "grid_b1")["total"] == 0


def test_a_village_mediator_sees_mediations_in_her_village_only(api):
    a_case, _ = case_at(api, "yellow", "mediate", org_unit="grid-a1")
    b_case, _ = case_at(api, "yellow", "mediate", org_unit="grid-b1")
    mine_a = listed(api, "mediator_a")
    mine_b = listed(api, "mediator_b")
    assert [(i["case_id"], i["name"], i["role"], i["org_unit"], i["title"]) for i in mine_a["items"]] == [
        (a_case, "mediate", "village_mediator", "village-a", "村（社区）调解")]
    assert [(i["case_id"], i["org_unit"]) for i in mine_b["items"]] == [(b_case, "village-b")]


def test_roles_do_not_see_each_others_tasks(api):
    start_case(api)
    for user in ("grid_a1", "mediator_a", "town_mediator", "lawyer", "supervisor_county", "admin"):
        assert listed(api, user)["total"] == 0, user


def test_a_claimed_task_moves_to_mine_and_leaves_every_group_list(api):
    start_case(api)
    add_user(api, "clerk_county", "intake_clerk", "county")
    task = listed(api, "clerk_county")["items"][0]["id"]
    assert api.post(f"{TASKS}/{task}/claim", "clerk").status_code == 200
    assert [i["id"] for i in listed(api, "clerk", scope="mine")["items"]] == [task]
    assert listed(api, "clerk", scope="mine")["items"][0]["assignee"] == "clerk"
    assert listed(api, "clerk")["total"] == 0
    assert listed(api, "clerk_county")["total"] == 0
    assert listed(api, "clerk_county", scope="mine")["total"] == 0


def test_done_lists_the_tasks_i_completed_newest_first(api):
    first = start_case(api)
    second = start_case(api)
    complete(api, first.id, "screen_risk", SCREENING["blue"])
    api.clock.advance(timedelta(minutes=5))
    complete(api, second.id, "screen_risk", SCREENING["yellow"])
    done = listed(api, "clerk", scope="done")
    assert [(i["case_id"], i["state"], i["ended_by"]) for i in done["items"]] == [
        (second.id, "completed", "clerk"), (first.id, "completed", "clerk")]
    assert listed(api, "grid_a1", scope="done")["total"] == 0


def _three_colours(api) -> dict[str, str]:
    """accept_case for orange (due today, priority 3), yellow (2 days, 2) and blue (3 days, 1),
    and one case still at screening (no deadline, priority 0)."""
    cases = {colour: case_at(api, colour, "accept_case")[0] for colour in ("blue", "yellow", "orange")}
    cases["unscreened"] = start_case(api).id
    return cases


def test_the_default_order_is_soonest_deadline_first_and_no_deadline_last(api):
    _three_colours(api)
    page = listed(api, "clerk")
    assert names(page) == [("accept_case", "orange"), ("accept_case", "yellow"), ("accept_case", "blue"),
                           ("screen_risk", None)]
    due = [i["due_at"] for i in page["items"]]
    assert due[:3] == sorted(due[:3]) and due[3] is None
    assert names(listed(api, "clerk", sort="-due_at")) == [
        ("accept_case", "blue"), ("accept_case", "yellow"), ("accept_case", "orange"), ("screen_risk", None)]


def test_sorting_by_priority_and_by_risk(api):
    _three_colours(api)
    assert [i["priority"] for i in listed(api, "clerk", sort="priority")["items"]] == [0, 1, 2, 3]
    assert [i["priority"] for i in listed(api, "clerk", sort="-priority")["items"]] == [3, 2, 1, 0]
    assert [i["risk"] for i in listed(api, "clerk", sort="risk")["items"]] == ["orange", "yellow", "blue", None]


def test_pages_split_the_list_and_keep_the_total(api):
    for _ in range(5):
        start_case(api)
    pages = [listed(api, "clerk", page=n, per_page=2) for n in (1, 2, 3, 4)]
    assert [p["total"] for p in pages] == [5, 5, 5, 5]
    assert [len(p["items"]) for p in pages] == [2, 2, 1, 0]
    ids = [i["id"] for p in pages for i in p["items"]]
    assert len(set(ids)) == 5


def test_filters_by_case_and_process(api):
    one = start_case(api)
    start_case(api)
    assert [i["case_id"] for i in listed(api, "clerk", case_id=one.id)["items"]] == [one.id]
    assert listed(api, "clerk", process="dispute_case")["total"] == 2
    assert listed(api, "clerk", process="no_such_process")["total"] == 0


def test_a_task_past_its_deadline_is_marked_overdue(api):
    case_at(api, "yellow", "accept_case")
    assert listed(api, "clerk")["items"][0]["overdue"] is False
    api.clock.advance(timedelta(days=3))
    api.tokens.clear()  # tokens last 12 hours
    assert listed(api, "clerk")["items"][0]["overdue"] is True


def test_filters_by_risk_colour_and_overdue_keep_the_totals_right(api):
    _three_colours(api)
    orange_or_blue = listed(api, "clerk", risk="orange,blue")
    assert sorted(i["risk"] for i in orange_or_blue["items"]) == ["blue", "orange"] and orange_or_blue["total"] == 2
    assert listed(api, "clerk", risk="red")["total"] == 0
    assert listed(api, "clerk", overdue="true")["total"] == 0
    api.clock.advance(timedelta(days=3))
    api.tokens.clear()  # tokens last 12 hours
    overdue = listed(api, "clerk", overdue="true")
    assert overdue["total"] == len(overdue["items"]) > 0 and all(i["overdue"] for i in overdue["items"])
    yellow_overdue = listed(api, "clerk", overdue="true", risk="yellow")
    assert all(i["risk"] == "yellow" and i["overdue"] for i in yellow_overdue["items"])
    assert listed(api, "clerk", risk="", overdue="")["total"] == 4  # blank filters: any
    assert api.get(TASKS, "clerk", query_string={"risk": "purple"}).status_code == 422


def test_a_supervisor_lists_the_open_tasks_where_she_supervises(api):
    case_at(api, "yellow", "mediate", org_unit="grid-a1")
    case_at(api, "yellow", "mediate", org_unit="grid-b1")
    assert [i["org_unit"] for i in listed(api, "supervisor_a", scope="supervised")["items"]] == ["village-a"]
    assert listed(api, "supervisor_county", scope="supervised")["total"] == 2
    assert listed(api, "mediator_a", scope="supervised")["total"] == 0


def test_a_suspended_cases_tasks_leave_the_lists(api):
    case = start_case(api)
    api.services.runtime.suspend(case.id, actor="supervisor_county")
    assert listed(api, "clerk")["total"] == 0
    api.services.runtime.resume(case.id, actor="supervisor_county")
    assert [i["id"] for i in listed(api, "clerk")["items"]] == [task_id(api, case.id, "screen_risk")]


def test_bad_list_arguments_are_422_with_the_field(api):
    for params, field in (({"scope": "everything"}, "scope"), ({"sort": "name"}, "sort"),
                          ({"per_page": 1000}, "per_page"), ({"page": 0}, "page")):
        response = api.get(TASKS, "clerk", query_string=params)
        assert response.status_code == 422, params
        assert [e["field"] for e in response.get_json()["error"]["field_errors"]] == [field]


def test_lists_need_a_login(api):
    assert api.get(TASKS).status_code == 401


def test_list_items_name_their_process_and_people(api):
    case_id, task = case_at(api, "blue", "mediate")
    api.post(f"{TASKS}/{task}/claim", "grid_a1")
    [item] = [i for i in listed(api, "grid_a1", scope="mine")["items"] if i["id"] == task]
    assert item["process_name"] == "婚姻家庭纠纷调处"
    assert item["assignee"] == "grid_a1" and item["assignee_name"] not in (None, "grid_a1")
    done = listed(api, "clerk", scope="done")["items"][0]
    assert done["ended_by"] == "clerk" and done["ended_by_name"]
