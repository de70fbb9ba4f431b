"""Deadline reminders: a day before the deadline to whoever may do the task, then 逾期督办 to
them and the supervisors above when it passes, again every day until it is done; each
written once however many workers run."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from engine.reminders import send_deadline_reminders
from tests.api.cases_support import accept, new_case, screen
from tests.api.task_support import task_id

ORANGE = {"stalking": True, "victim_frightened": True, "escalation": True, "police_callouts_12m": 1,
          "complexity": "complex"}
REMINDERS = ("task_due_soon", "task_overdue")


def _kinds(api, user: str) -> list[str]:
    api.tokens.pop(user, None)  # the clock moved on days: log in afresh
    items = api.get("/api/v1/notifications?per_page=100", user).get_json()["items"]
    return [n["kind"] for n in items if n["kind"] in REMINDERS]


def _legal_opinion(api) -> tuple[str, str]:
    """An orange case waiting for the town lawyer's opinion: due in 5 days."""
    case = new_case(api)
    screen(api, case["id"], **ORANGE)
    accept(api, case["id"])
    return case["id"], task_id(api, case["id"], "legal_opinion")


def test_a_task_nearing_its_deadline_is_told_once_to_whoever_may_do_it(api):
    runtime = api.services.runtime
    _legal_opinion(api)
    send_deadline_reminders(runtime)
    assert _kinds(api, "lawyer") == []
    api.clock.advance(timedelta(days=4, hours=1))
    send_deadline_reminders(runtime)
    send_deadline_reminders(runtime)
    assert _kinds(api, "lawyer") == ["task_due_soon"]
    assert _kinds(api, "supervisor_town") == []


def test_an_overdue_task_presses_its_holder_and_the_supervisors_above_every_day_until_done(api):
    runtime = api.services.runtime
    case_id, opinion = _legal_opinion(api)
    api.clock.advance(timedelta(days=5, hours=1))
    send_deadline_reminders(runtime)
    assert _kinds(api, "lawyer") == ["task_overdue"]
    # the town supervisor is pressed about both late expert tasks (the lawyer's and the psychologist's)
    assert _kinds(api, "supervisor_town") == ["task_overdue"] * 2
    notes = api.get("/api/v1/notifications", "supervisor_town").get_json()["items"]
    assert all(n["title"].startswith("逾期督办：") and "已过" in n["body"] for n in notes[:2])
    assert f"/tasks/{opinion}" in {n["link"] for n in notes[:2]}
    api.clock.advance(timedelta(hours=12))
    send_deadline_reminders(runtime)
    assert _kinds(api, "lawyer") == ["task_overdue"]
    api.clock.advance(timedelta(hours=13))
    send_deadline_reminders(runtime)
    assert _kinds(api, "lawyer") == ["task_overdue", "task_overdue"]
    runtime.complete(opinion, {"opinion": "宜先行调解"}, actor="lawyer")
    api.clock.advance(timedelta(days=3))
    send_deadline_reminders(runtime)
    assert _kinds(api, "lawyer") == ["task_overdue", "task_overdue"]


def test_two_workers_write_each_reminder_once(api):
    runtime = api.services.runtime
    for _ in range(6):
        _legal_opinion(api)
    api.clock.advance(timedelta(days=5, hours=1))
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker():
        start.wait()
        try:
            for _ in range(3):
                send_deadline_reminders(runtime)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert _kinds(api, "lawyer") == ["task_overdue"] * 6
    assert _kinds(api, "psychologist") == ["task_overdue"] * 6
    assert _kinds(api, "supervisor_county") == ["task_overdue"] * 12


def test_a_pass_that_fails_writes_nothing_and_the_next_one_catches_up(api, monkeypatch):
    from engine import notifications

    runtime = api.services.runtime
    _legal_opinion(api)
    api.clock.advance(timedelta(days=5, hours=1))

    def broken(*args, **kwargs):
        raise RuntimeError("the inbox table is gone")

    monkeypatch.setattr(notifications.Notifier, "write_rule", broken)
    with pytest.raises(RuntimeError):
        send_deadline_reminders(runtime)
    monkeypatch.undo()
    assert _kinds(api, "lawyer") == []
    send_deadline_reminders(runtime)
    assert _kinds(api, "lawyer") == ["task_overdue"]


def test_a_deadline_on_monday_is_foretold_on_the_friday_before(api):
    runtime = api.services.runtime
    api.clock.advance(timedelta(days=2))  # Wednesday 4 March 2026, 09:00 in Beijing
    _legal_opinion(api)  # due in 5 days: Monday 9 March, 09:00
    api.clock.advance(timedelta(days=1, hours=12))  # Thursday 21:00
    send_deadline_reminders(runtime)
    assert _kinds(api, "lawyer") == []
    api.clock.advance(timedelta(hours=12, minutes=1))  # Friday 09:01: one working day before
    send_deadline_reminders(runtime)
    assert _kinds(api, "lawyer") == ["task_due_soon"]
