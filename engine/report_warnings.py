"""The cockpit's warnings beyond the 督办 list: tasks nearing their legal deadline, and the
supervisor's reminder (催办) on an open task.

A reminder is written as a `reminded` event on the case's audit chain and as a comment on
the task, in one transaction: the assignee reads it on the task page and in her inbox (the
`reminded` rule of processes/notifications.yaml), the record shows who pressed whom and when.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from engine.access import Principal
from engine.errors import Conflict, FieldError, NotFound, ValidationFailed
from engine.org import ROLES, OrgChart
from engine.reports import Labels, ReportRequest, Reports
from engine.store import report_queries as q
from engine.store import task_queries
from engine.tasks import TaskAccess

MAX_WITHIN_DAYS = 30
DUE_SOON_LIMIT = 100
REMINDER_MAX_CHARS = 500

DUE_SOON_DEFINITION = ("临近时限：此刻待办、尚未逾期、且办理时限在今后 within_days 天内到期的任务，按到期先后排列"
                       "（已逾期的见督办清单）。Due soon: open tasks not yet late whose deadline falls within "
                       "the next within_days days, soonest first (late ones are on the 督办 list).")


class DueSoon(Reports):
    def due_soon(self, req: ReportRequest, within_days: int) -> dict:
        if not 1 <= within_days <= MAX_WITHIN_DAYS:
            raise ValidationFailed("within_days is out of range", [FieldError(
                "within_days", f"must be 1 to {MAX_WITHIN_DAYS}", "range", zh=f"应为 1 至 {MAX_WITHIN_DAYS}")],
                zh="临近天数超出范围")
        until = req.now + timedelta(days=within_days)
        with self.store.read() as session:
            total, tasks = q.due_soon_tasks(session, self._where(req), req.now, until, limit=DUE_SOON_LIMIT)
        return {**req.header(), "within_days": within_days, "total": total,
                "items": [due_item(t, req.now, self.labels, req.scope) for t in tasks],
                "definition": DUE_SOON_DEFINITION}


def due_item(task, now: datetime, labels: Labels, scope) -> dict:
    return {"task_id": task.task_id, "case_id": task.case_id, "case_no": task.case_no, "task": task.task,
            "title": task.title, "role": task.role, "role_label": ROLES.get(task.role or "", task.role),
            "org_unit": task.org_unit, "org_unit_name": scope.name(task.org_unit), "assignee": task.assignee,
            "due_at": task.due_at, "deadline_basis": task.deadline_basis,
            "hours_left": round((task.due_at - now).total_seconds() / 3600, 1), "priority": task.priority,
            "risk_colour": task.risk_colour, "risk_colour_label": labels.label("risk_colour", task.risk_colour)}


# -- 催办 -----------------------------------------------------------------------------------------

def remind(runtime, chart: OrgChart, principal: Principal, task_id: str, message: str) -> dict:
    """Press the task's assignee (or its group) to act: 404 unless she supervises the task's
    unit, 409 unless the task is open."""
    text = _checked_message(message)
    access = TaskAccess(principal, chart)
    with runtime.changing_task(task_id, principal.username) as (change, task_row):
        if not access.supervises(task_row):
            raise NotFound("task not found", task=task_id, zh="未找到该任务")
        if task_row.state != "ready":
            raise Conflict(f"task {task_id} is {task_row.state}; only an open task can be pressed",
                           task=task_id, state=task_row.state, zh="任务已不在待办状态，无需催办")
        comment = task_queries.add_comment(change.session, task_row, principal.username, text, change.now)
        change.emit("reminded", task_id, name=task_row.task_spec, title=task_row.title, message=text,
                    assignee=task_row.assignee, comment=comment.id)
        change.save()
        return {"task_id": task_id, "case_id": task_row.instance_id, "reminded_by": principal.username,
                "reminded_by_name": principal.display_name, "assignee": task_row.assignee, "message": text,
                "at": change.now, "comment_id": comment.id}


def _checked_message(message: str | None) -> str:
    text = (message or "").strip()
    if not text or len(text) > REMINDER_MAX_CHARS:
        raise ValidationFailed("a reminder has 1 to 500 characters", [FieldError(
            "message", f"must have 1 to {REMINDER_MAX_CHARS} characters", "length",
            zh=f"应为 1 至 {REMINDER_MAX_CHARS} 个字")], zh="催办内容应为 1 至 500 个字")
    return text
