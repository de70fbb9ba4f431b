"""The demo's half-year of history: enough of everything that the cockpit, the 督办 list and
the reports have something to show, told through the processes as they are shipped."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine.demo_history import seed_history

SUPERVISOR = "supervisor_county"


@pytest.fixture
def seeded(api):
    services = api.services
    summary = seed_history(services.runtime, services.store, api.clock.now())
    return api, summary


def _report(api, path: str, **params) -> dict:
    start = (api.clock.now() - timedelta(days=200)).date().isoformat()
    end = (api.clock.now() + timedelta(days=1)).date().isoformat()
    response = api.get(f"/api/v1/reports/{path}", SUPERVISOR, query_string={"from": start, "to": end, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _counts(api, group_by: str) -> dict:
    return {g["key"]: g["count"] for g in _report(api, "summary", group_by=group_by)["groups"]}


def test_every_story_runs_as_written_through_the_shipped_process_once(seeded):
    api, summary = seeded
    assert summary.created > 100
    assert summary.diverted == []
    again = seed_history(api.services.runtime, api.services.store, api.clock.now())
    assert (again.created, again.existing) == (0, summary.created)


# Each seeding takes seconds: one test looks at all the figures.
def test_the_cockpit_has_every_channel_colour_level_and_month_to_show(seeded):
    api, _ = seeded
    assert all(_counts(api, "channel").values())
    assert {k for k, n in _counts(api, "risk_colour").items() if n} >= {"blue", "yellow", "orange", "red"}
    assert {k for k, n in _counts(api, "level").items() if n} >= {1, 2, 3}
    months = _counts(api, "month")
    assert sum(1 for n in months.values() if n) >= 6
    _most_commitments_are_kept_and_some_late(api)
    _the_supervision_list_and_the_outcome_figures_are_not_empty(api)


def _most_commitments_are_kept_and_some_late(api) -> None:
    rates = {c["key"]: c for c in _report(api, "commitments")["commitments"]}
    for key in ("registered", "communicated"):
        on_time = rates[key]["on_time"]
        assert 0 < on_time["numerator"] < on_time["denominator"], (key, on_time)
        assert on_time["rate"] > 0.7, (key, on_time)


def _the_supervision_list_and_the_outcome_figures_are_not_empty(api) -> None:
    summary = _report(api, "summary")
    assert 0 < summary["resolution_rate"]["numerator"] < summary["resolution_rate"]["denominator"]
    assert summary["follow_up_completion"]["numerator"] > 0
    assert summary["satisfaction"]["total"] > 0
    overdue = api.get("/api/v1/reports/overdue", SUPERVISOR).get_json()
    assert overdue["total"] > 0
