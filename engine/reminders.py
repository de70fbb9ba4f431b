"""Deadline reminders (临期提醒, 逾期督办), run by the worker on each pass: a task nearing its
deadline tells whoever holds it (or may claim it) once, `lead` before; an overdue task tells
them and the supervisors above it when the deadline passes and then every `repeat` until it
is done (processes/notifications.yaml, rules task_due_soon and task_overdue).

Each reminder is claimed before it is written (engine/store/reminder_queries.py), in the same
transaction, so several workers never write one twice and a pass that fails writes none.
"""
from __future__ import annotations

from datetime import timedelta

from engine.notifications import Notifier, Occasion, Rule
from engine.store import reminder_queries as q

BATCH = 200
NEVER_AGAIN = timedelta(days=3650)  # where no overdue rule exists, a due-soon reminder is the last


def send_deadline_reminders(runtime, *, limit: int = BATCH) -> int:
    """Write the reminders that are due now; returns how many notifications were written."""
    notifier: Notifier | None = runtime.notifier
    if notifier is None:
        return 0
    soon, late = notifier.rules.scheduled("task_due_soon"), notifier.rules.scheduled("task_overdue")
    if soon is None and late is None:
        return 0
    now = runtime.clock.now()
    written = 0
    with runtime.store.write() as session:
        for task, case, reminder in q.reminders_due(session, now, now + _horizon(soon), limit):
            if reminder is None and now < task.due_at and now < _reminder_time(soon, task.due_at, runtime):
                break  # by deadline order: the later ones are not due a reminder either
            rule, claimed = _claim(session, task, reminder, now, soon, late)
            if claimed and rule is not None:
                occasion = Occasion(session, case, "worker", now, case.process_key, {task.id: task})
                written += notifier.write_rule(occasion, rule, task.id, {})
    return written


def _horizon(soon: Rule | None) -> timedelta:
    """How far ahead deadlines are looked at: the lead, or enough calendar days to hold the
    working days (a week's holiday included)."""
    if soon is None:
        return timedelta(0)
    if soon.lead_working_days:
        return timedelta(days=soon.lead_working_days + 10)
    return soon.lead or timedelta(0)


def _reminder_time(soon: Rule | None, due_at, runtime):
    if soon is None:
        return due_at
    if soon.lead_working_days:
        return runtime.sandbox.calendar.add_working_days(due_at, -soon.lead_working_days)
    return due_at - (soon.lead or timedelta(0))


def _claim(session, task, reminder, now, soon: Rule | None, late: Rule | None) -> tuple[Rule | None, bool]:
    """The rule to write now (None: nothing, only the schedule moves on) and whether this
    worker won the claim."""
    if now < task.due_at:  # nearing: one reminder, then look again at the deadline itself
        rule, stage, following = soon, "due_soon", task.due_at
    else:
        rule, stage = late, "overdue"
        following = now + (late.repeat if late is not None else NEVER_AGAIN)
    if reminder is None:
        return rule, q.claim_first(session, task.id, stage, 1 if rule is not None else 0, following)
    return rule, q.claim_next(session, reminder, stage, following)
