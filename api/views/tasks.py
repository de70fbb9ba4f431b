"""Task lists and the task page: claim, assign, draft, complete, comment.

Thin: arguments in, engine.tasks.TaskDesk does the work and the access checks, schemas out.
A task outside the caller's jurisdiction answers 404 like one that does not exist.
"""
from __future__ import annotations

from flask import jsonify
from flask_smorest import Blueprint

from api.auth import current_principal, login_required
from api.schemas.cases import IdempotencyHeaders
from api.schemas.tasks import (
    CandidateOut,
    TaskAssignIn,
    TaskCommentIn,
    TaskCommentListOut,
    TaskCommentOut,
    TaskCompleteIn,
    TaskCompletionOut,
    TaskDetailOut,
    TaskDraftIn,
    TaskDraftOut,
    TaskItemOut,
    TaskListArgs,
    TaskPageOut,
    dump_task_page,
)
from api.services import services
from engine.tasks import TaskDesk, TaskQuery

blp = Blueprint("tasks", __name__, url_prefix="/api/v1", description="待办任务 Tasks")


def desk() -> TaskDesk:
    svc = services()
    return TaskDesk(svc.runtime, svc.chart(), current_principal())


@blp.route("/tasks")
@login_required
@blp.arguments(TaskListArgs, location="query")
@blp.response(200, TaskPageOut)
def list_tasks(args):
    """My tasks (mine), tasks offered to my roles (group), tasks I completed (done), or the
    open tasks where I supervise (supervised)."""
    return jsonify(dump_task_page(desk().list(TaskQuery(**args))))  # what TaskPageOut gives


@blp.route("/tasks/<task_id>")
@blp.response(200, TaskDetailOut)
@login_required
def get_task(task_id):
    """The task with its form, rendered instructions, data (sensitive fields masked unless
    you may read them), your draft and the comments."""
    return desk().detail(task_id)


@blp.route("/tasks/<task_id>/claim", methods=["POST"])
@blp.response(200, TaskItemOut)
@login_required
def claim_task(task_id):
    """Take a task offered to your role; 409 if someone else has it."""
    return desk().claim(task_id)


@blp.route("/tasks/<task_id>/unclaim", methods=["POST"])
@blp.response(200, TaskItemOut)
@login_required
def unclaim_task(task_id):
    """Give a task back to the group (its assignee, or a supervisor over it)."""
    return desk().unclaim(task_id)


@blp.route("/tasks/<task_id>/candidates")
@login_required
@blp.response(200, CandidateOut(many=True))
def assignment_candidates(task_id):
    """Whom a supervisor over the task may assign it to: the active holders of its role in its
    org unit or above (403 for anyone else who sees the task)."""
    return desk().candidates(task_id)


@blp.route("/tasks/<task_id>/assign", methods=["POST"])
@login_required
@blp.arguments(TaskAssignIn)
@blp.response(200, TaskItemOut)
def assign_task(body, task_id):
    """Assign to a user who holds the task's role at or above its org unit (supervisors; or
    yourself)."""
    return desk().assign(task_id, body["user"])


@blp.route("/tasks/<task_id>/draft", methods=["PUT"])
@login_required
@blp.arguments(TaskDraftIn)
@blp.response(200, TaskDraftOut)
def save_draft(body, task_id):
    """Keep unfinished form data (not validated); it comes back with the task page."""
    return desk().save_draft(task_id, body["data"])


@blp.route("/tasks/<task_id>/complete", methods=["POST"])
@login_required
@blp.arguments(IdempotencyHeaders, location="headers")
@blp.arguments(TaskCompleteIn)
@blp.response(200, TaskCompletionOut)
def complete_task(headers, body, task_id):
    """Submit the form. 422 with field errors if it does not validate; 409 if the task is
    done already, claimed by someone else, or the case changed since row_version. Send an
    Idempotency-Key: a retry with the same key and data gets the same 200, not a 409; the
    same key with other data is 422 idempotency_key_reused."""
    return desk().complete(task_id, body["data"], row_version=body["row_version"],
                           idempotency_key=headers["idempotency_key"])


@blp.route("/tasks/<task_id>/comments")
@blp.response(200, TaskCommentListOut)
@login_required
def list_comments(task_id):
    items = desk().comments(task_id)
    return {"items": items, "total": len(items)}


@blp.route("/tasks/<task_id>/comments", methods=["POST"])
@login_required
@blp.arguments(TaskCommentIn)
@blp.response(201, TaskCommentOut)
def add_comment(body, task_id):
    """A note for whoever works on the case next (not part of the case's audit chain)."""
    return desk().add_comment(task_id, body["text"])
