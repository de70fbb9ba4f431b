"""Case lists as the queries build them: newest first and by risk merged from each org unit's
heads, by due time from the ready tasks, each the same as one sort of everything on every page
and filter; totals counted up to a limit and reported as capped past it."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from engine.store import case_queries, page_totals, task_queries
from engine.store.case_queries import SORTS, CaseFilter
from engine.store.models import HumanTask, ProcessInstance
from tests.api.cases_support import accept, listed, new_case, screen
from tests.api.task_support import ACCEPT, SCREENING, case_at, complete, start_case

TOWN = frozenset({"town", "village-a", "village-b", "grid-a1", "grid-a2", "grid-b1", "grid-b2"})
COUNTY = TOWN | {"county"}
FILTERS = {
    "none": {}, "running": {"statuses": ("running",)}, "two statuses": {"statuses": ("running", "suspended")},
    "red or blue": {"risks": ("red", "blue")}, "process": {"processes": ("dispute_case",)},
    "channel": {"channels": ("phone",)}, "overdue": {"overdue": True}, "not overdue": {"overdue": False},
    "q": {"q": "争吵"}, "case number": {"q": "JH-2026-00000"},
}


def _assorted_cases(api) -> None:
    """Cases in every unit of the town and at the county; running, suspended and terminated;
    of every colour and unscreened, one of a colour no risk order knows and one of a status no
    list knows; with ready tasks due at different times, without a deadline, and none; several
    registered at one moment (only the case number orders those)."""
    for unit in ("grid-a1", "grid-b2", "village-a", "town", "county"):
        start_case(api, unit)
    for colour, step, unit in (("blue", "mediate", "grid-a2"), ("yellow", "accept_case", "grid-a1"),
                               ("orange", "legal_opinion", "village-b"), ("blue", "accept_case", "grid-b1")):
        case_at(api, colour, step, org_unit=unit)
        api.clock.advance(timedelta(minutes=5))
    red = new_case(api, org_unit="grid-b1", channel="visit", summary="持刀威胁对方家人")
    screen(api, red["id"], weapon_used=True)
    accept(api, red["id"])
    api.clock.advance(timedelta(hours=3))
    suspended, stopped = start_case(api, "grid-a1"), start_case(api, "village-a")
    api.services.runtime.suspend(suspended.id, actor="supervisor_town", reason="当事人外出")
    api.services.runtime.terminate(stopped.id, actor="supervisor_town", reason="重复登记")
    odd_colour, odd_status = start_case(api, "grid-a2"), start_case(api, "town")
    with api.services.store.write() as session:
        session.execute(update(ProcessInstance).where(ProcessInstance.id == odd_colour.id).values(risk_colour="purple"))
        session.execute(update(ProcessInstance).where(ProcessInstance.id == odd_status.id).values(status="archived"))
    api.clock.advance(timedelta(days=3))  # some deadlines have passed
    assert _due_times_projected(api)


def _due_times_projected(api) -> dict[str, object]:
    """Every case's due time, after asserting that its row holds the earliest due time of its
    ready tasks (what lists sort by and test for overdue)."""
    earliest = (select(func.min(HumanTask.due_at)).where(HumanTask.instance_id == ProcessInstance.id,
                                                         HumanTask.state == "ready").scalar_subquery())
    with api.services.store.read() as session:
        found = session.execute(select(ProcessInstance.id, ProcessInstance.ready_due_at, earliest)).all()
    assert [(case_id, projected) for case_id, projected, _ in found] == [(case_id, due) for case_id, _, due in found]
    return {case_id: projected for case_id, projected, _ in found}


def test_a_cases_due_time_follows_its_ready_tasks(api):
    """Written with the task rows whatever changes them: a step done and the next one ready,
    the case suspended (its tasks' clock stopped) and resumed, terminated, finished."""
    runtime = api.services.runtime
    walked, paused, stopped = (start_case(api, unit).id for unit in ("grid-a1", "grid-a2", "village-a"))
    assert set(_due_times_projected(api).values()) == {None}  # screening has no deadline
    for case_id in (walked, paused, stopped):
        complete(api, case_id, "screen_risk", SCREENING["blue"])
    due = _due_times_projected(api)
    assert None not in due.values()
    api.clock.advance(timedelta(hours=1))
    complete(api, walked, "accept_case", ACCEPT)
    assert _due_times_projected(api)[walked] not in (None, due[walked])
    runtime.suspend(paused, actor="supervisor_town", reason="当事人外出")
    assert _due_times_projected(api)[paused] is None
    api.clock.advance(timedelta(days=30))
    overdue = CaseFilter(units=TOWN, now=api.clock.now(), overdue=True)
    with api.services.store.read() as session:
        assert paused not in {case.id for case in case_queries.search(session, overdue)[0]}
    runtime.resume(paused, actor="supervisor_town", reason="已返回")
    assert _due_times_projected(api)[paused] == due[paused]
    with api.services.store.read() as session:
        assert paused in {case.id for case in case_queries.search(session, replace(overdue, now=api.clock.now()))[0]}
    runtime.terminate(stopped, actor="supervisor_town", reason="重复登记")
    assert _due_times_projected(api)[stopped] is None
    for step, data in (("accept_case", {"decision": "not_accept", "not_accepted_reason": "属劳动争议"}),
                       ("record_outcome", {"outcome": "not_accepted", "outcome_summary": "不属于受理范围",
                                           "not_accepted_reason": "属劳动争议"}),
                       ("feedback_to_party", {"method": "sms", "fed_back_at": "2026-03-06T10:00:00+08:00",
                                              "party_satisfaction": "satisfied"})):
        complete(api, paused, step, data)
        _due_times_projected(api)
    assert runtime.instance(paused).status == "completed"
    assert _due_times_projected(api)[paused] is None


@pytest.mark.parametrize("sort", SORTS)
def test_overdue_cases_are_none_of_the_statuses_without_ready_tasks(api, sort):
    _assorted_cases(api)
    where = CaseFilter(units=COUNTY, now=api.clock.now(), overdue=True, sort=sort)
    with api.services.store.read() as session:
        assert case_queries.search(session, replace(where, statuses=("suspended", "terminated"))) == ([], 0)
        running = case_queries.search(session, replace(where, statuses=("running", "suspended")))
        assert running == case_queries.search(session, replace(where, statuses=("running",)))
    assert running[1] > 0 and all(case.overdue for case in running[0])


def _every_page(api, where: CaseFilter, per_page: int) -> list[tuple[list[str], int]]:
    with api.services.store.read() as session:
        first = case_queries.search(session, where)
        pages = [first]
        for n in range(2, -(-first[1] // per_page) + 2):
            pages.append(case_queries.search(session, CaseFilter(**{**vars(where), "page": n})))
    return [([case.id for case in cases], total) for cases, total in pages]


@pytest.mark.parametrize("sort", SORTS)
def test_a_merged_case_list_is_the_same_as_one_sort_of_everything(api, monkeypatch, sort):
    _assorted_cases(api)
    now = api.clock.now()
    wheres = {(name, units, per_page): CaseFilter(units=units, now=now, sort=sort, per_page=per_page, **criteria)
              for name, criteria in FILTERS.items() for units in (COUNTY, frozenset({"grid-a1"}))
              for per_page in (3, 20)}
    merged = {key: _every_page(api, where, key[2]) for key, where in wheres.items()}
    assert merged[("none", COUNTY, 20)][0][1] == 14  # every case, also the archived one
    assert any(len(pages[0][0]) > 1 for pages in merged.values())
    shape, _ = case_queries._shape_of(wheres[("none", COUNTY, 20)])
    assert shape.merged and "UNION ALL" in str(case_queries._page_statement(shape))
    case_queries._page_statement.cache_clear()
    monkeypatch.setattr(case_queries, "MAX_HEADS", 0)  # every list sorted in one piece
    try:
        for key, where in wheres.items():
            assert _every_page(api, where, key[2]) == merged[key], key
    finally:
        case_queries._page_statement.cache_clear()


def test_case_totals_are_counted_up_to_the_cap_past_the_page(api, monkeypatch):
    for _ in range(7):
        start_case(api, "grid-a1")
    monkeypatch.setattr(page_totals, "TOTAL_CAP", 3)
    case_queries._page_statement.cache_clear()
    case_queries._count_statement.cache_clear()
    try:
        first, second = listed(api, "clerk", "per_page=2"), listed(api, "clerk", "per_page=2&page=2")
        beyond = listed(api, "clerk", "per_page=2&page=9")
        everything = listed(api, "clerk", "per_page=2&page=3&status=running")
    finally:
        case_queries._page_statement.cache_clear()
        case_queries._count_statement.cache_clear()
    assert (first["total"], first["total_capped"], len(first["items"])) == (3, True, 2)
    assert (second["total"], second["total_capped"]) == (5, True)
    assert (beyond["total"], beyond["total_capped"], beyond["items"]) == (7, False, [])
    assert (everything["total"], everything["total_capped"]) == (7, False)


def test_task_totals_are_counted_up_to_the_cap_past_the_page(api, monkeypatch):
    for unit in ("grid-a1", "grid-a2", "grid-b1", "village-a", "town"):
        start_case(api, unit)
    monkeypatch.setattr(page_totals, "TOTAL_CAP", 2)
    task_queries._page_statement.cache_clear()
    task_queries._count_statement.cache_clear()
    try:
        pages = [api.get("/api/v1/tasks", "clerk", query_string={"per_page": 2, "page": n}).get_json()
                 for n in (1, 2, 3, 4)]
        supervised = api.get("/api/v1/tasks", "supervisor_county", query_string={"scope": "supervised"}).get_json()
    finally:
        task_queries._page_statement.cache_clear()
        task_queries._count_statement.cache_clear()
    assert [(p["total"], p["total_capped"], len(p["items"])) for p in pages] == [
        (2, True, 2), (4, True, 2), (5, False, 1), (5, False, 0)]
    assert (supervised["total"], supervised["total_capped"]) == (2, True)


@pytest.mark.parametrize("sort", SORTS)
def test_a_text_search_lists_the_same_cases_whether_few_or_many_match(api, monkeypatch, sort):
    """Few matches: read from the cases that match; many: newest first, testing each case."""
    _assorted_cases(api)
    wheres = [CaseFilter(units=units, now=api.clock.now(), sort=sort, per_page=per_page, q=q)
              for q in ("争吵", "JH-2026-00000", "持刀", "100%") for units in (COUNTY, frozenset({"grid-a1"}))
              for per_page in (3, 20)]

    def pages(where: CaseFilter) -> list[list[str]]:
        found, n = [], 1
        with api.services.store.read() as session:
            while n == 1 or found[-1]:
                found.append([case.id for case in case_queries.search(session, replace(where, page=n))[0]])
                n += 1
        return found

    few = [pages(where) for where in wheres]
    assert any(len(p) > 2 for p in few) and few[-1] == [[]]
    monkeypatch.setattr(page_totals, "TOTAL_CAP", 1)  # every text matches "many" cases now
    case_queries._text_matches_sql.cache_clear()
    case_queries._page_statement.cache_clear()
    case_queries._count_statement.cache_clear()
    try:
        assert [pages(where) for where in wheres] == few
    finally:
        case_queries._text_matches_sql.cache_clear()
        case_queries._page_statement.cache_clear()
        case_queries._count_statement.cache_clear()
