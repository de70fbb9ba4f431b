"""Request and response schemas of the task endpoints."""
from __future__ import annotations

from dataclasses import fields as dataclass_fields

from marshmallow import Schema, fields, pre_dump, pre_load, validate
from webargs.fields import DelimitedList

from api.schemas.common import CountedPageOut, PageArgs
from engine.store.case_queries import RISK_ORDER
from engine.tasks import SCOPES, SORTS


class TaskListArgs(PageArgs):
    scope = fields.String(load_default="group", validate=validate.OneOf(SCOPES), metadata={
        "description": "mine: open tasks assigned to me; group: open unassigned tasks offered to my roles; "
                       "done: tasks I completed, newest first; supervised: open tasks where I supervise"})
    sort = fields.String(load_default=None, validate=validate.OneOf(SORTS), metadata={
        "description": "a field, ascending; a leading '-' for descending. Default: due_at (soonest first, "
                       "no deadline last, then highest priority); done: -ended_at. risk: red first"})
    process = fields.String(load_default=None, validate=validate.Length(max=100))
    case_id = fields.String(load_default=None, validate=validate.Length(max=36))
    risks = DelimitedList(fields.String(validate=validate.OneOf(list(RISK_ORDER))), data_key="risk",
                          load_default=(), metadata={"description": "the case's risk colours, comma-separated"})
    overdue = fields.Boolean(load_default=False, metadata={"description": "only open tasks past their deadline"})

    @pre_load
    def _drop_blank(self, data, **kwargs):
        # Filter forms send their empty fields too; an empty filter means "any".
        return {key: value for key, value in data.items() if value != ""}


class TaskItemOut(Schema):
    id = fields.String()
    case_id = fields.String()
    case_no = fields.String(allow_none=True)
    process = fields.String()
    name = fields.String(metadata={"description": "the BPMN element id of the task"})
    title = fields.String()
    role = fields.String(allow_none=True)
    org_unit = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    state = fields.String()
    due_at = fields.DateTime(allow_none=True)
    deadline_basis = fields.String(allow_none=True, metadata={"description": "the law or rule behind due_at"})
    priority = fields.Integer()
    risk = fields.String(allow_none=True, metadata={"description": "the case's risk colour"})
    created_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    ended_by = fields.String(allow_none=True)
    overdue = fields.Boolean()
    process_name = fields.String(allow_none=True)
    assignee_name = fields.String(allow_none=True)
    ended_by_name = fields.String(allow_none=True)


class TaskPageOut(CountedPageOut):
    items = fields.List(fields.Nested(TaskItemOut))


def _plain_fields(schema: Schema) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The fields of a schema whose fields dump a value as it is (strings, integers, booleans)
    or as ISO 8601 (datetimes): (all names, the datetimes). Any other field is refused here, at
    import, so that dump_task_page cannot drift from what the schema would give."""
    names, datetimes = [], []
    for name, field in schema.dump_fields.items():
        if type(field) is fields.DateTime and field.format in (None, "iso") and field.attribute is None:
            datetimes.append(name)
        elif not (type(field) in (fields.String, fields.Integer, fields.Boolean) and field.attribute is None):
            raise TypeError(f"{type(schema).__name__}.{name}: dump_task_page handles plain fields only")
        names.append(name)
    return tuple(names), tuple(datetimes)


_ITEM_FIELDS, _ITEM_DATETIMES = _plain_fields(TaskItemOut())


def dump_task_page(page) -> dict:
    """TaskPageOut().dump(page) without marshmallow's per-field machinery (a page has ~360
    values, which cost the schema a tenth of the request). The schema still documents the
    response; tests check that both give the same."""
    return {"items": [_dump_item(item) for item in page.items], "total": page.total,
            "total_capped": page.total_capped, "page": page.page, "per_page": page.per_page}


def _dump_item(item) -> dict:
    values = {name: getattr(item, name) for name in _ITEM_FIELDS}
    for name in _ITEM_DATETIMES:
        if values[name] is not None:
            values[name] = values[name].isoformat()
    return values


class TaskFormOut(Schema):
    schema = fields.Dict(allow_none=True)
    ui_schema = fields.Dict(allow_none=True)


class TaskCaseRefOut(Schema):
    id = fields.String()
    case_no = fields.String(allow_none=True)
    status = fields.String()


class TaskCaseOut(TaskCaseRefOut):
    risk_colour = fields.String(allow_none=True)
    org_unit = fields.String(allow_none=True)
    row_version = fields.Integer(metadata={"description": "send back with complete to detect a changed case"})


class TaskDraftOut(Schema):
    data = fields.Dict()
    saved_at = fields.DateTime()


class TaskCommentOut(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String(allow_none=True)
    text = fields.String()
    at = fields.DateTime()


class TaskDetailOut(TaskItemOut):
    case = fields.Nested(TaskCaseOut)
    form = fields.Nested(TaskFormOut)
    instructions = fields.String(metadata={"description": "rendered, HTML-escaped"})
    instructions_note = fields.String(allow_none=True, metadata={
        "description": "set when the instructions could not be rendered and are shown as written"})
    data = fields.Dict(metadata={"description": "the task's data; sensitive fields masked unless you may read them"})
    masked_fields = fields.List(fields.String())
    draft = fields.Nested(TaskDraftOut, allow_none=True)
    comments = fields.List(fields.Nested(TaskCommentOut))

    @pre_dump
    def _flatten(self, detail, **_):
        """The engine keeps the task apart from the page around it; clients get one object."""
        page = {f.name: getattr(detail, f.name) for f in dataclass_fields(detail) if f.name != "task"}
        return {**{f.name: getattr(detail.task, f.name) for f in dataclass_fields(detail.task)}, **page}


class TaskAssignIn(Schema):
    user = fields.String(required=True, validate=validate.Length(min=1, max=100))


class TaskDraftIn(Schema):
    data = fields.Dict(required=True)


class TaskCompleteIn(Schema):
    data = fields.Dict(load_default=dict)
    row_version = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=2**31 - 1))


class TaskCompletionOut(Schema):
    case = fields.Nested(TaskCaseRefOut)
    next_tasks = fields.List(fields.Nested(TaskItemOut))


class TaskCommentIn(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class TaskCommentListOut(Schema):
    items = fields.List(fields.Nested(TaskCommentOut))
    total = fields.Integer()


class CandidateOut(Schema):
    username = fields.String()
    display_name = fields.String()
    org_unit = fields.String()
