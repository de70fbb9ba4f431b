"""Request and response shapes of the case endpoints."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_load, validate
from webargs.fields import DelimitedList

from api.schemas.common import CountedPageOut, PageArgs
from engine.cases import STATUSES
from engine.store.case_queries import RISK_ORDER, SORTS


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be blank")


def _reason(required: bool) -> fields.String:
    if required:  # the pattern tells clients what _not_blank checks: some non-space character
        return fields.String(required=True, validate=[validate.Length(max=2000), _not_blank],
                             metadata={"pattern": r"\S"})
    return fields.String(load_default="", validate=validate.Length(max=2000))


# -- requests ------------------------------------------------------------------------------------

class IdempotencyHeaders(Schema):
    idempotency_key = fields.String(data_key="Idempotency-Key", load_default=None,
                                    validate=validate.Length(min=1, max=200),
                                    metadata={"description": "repeat it on a retry to get the same case back"})


class CaseIn(Schema):
    process = fields.String(required=True, validate=validate.Length(min=1, max=100))
    org_unit = fields.String(required=True, validate=validate.Length(min=1, max=64))
    channel = fields.String(required=True, validate=validate.Length(min=1, max=32))
    data = fields.Dict(keys=fields.String(), load_default=dict)


class PublicIntakeIn(Schema):
    org_unit = fields.String(required=True, validate=validate.Length(min=1, max=64))
    data = fields.Dict(keys=fields.String(), required=True)


class CaseListArgs(PageArgs):
    statuses = DelimitedList(fields.String(validate=validate.OneOf(STATUSES)), data_key="status", load_default=())
    org_unit = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    processes = DelimitedList(fields.String(validate=validate.Length(max=100)), data_key="process", load_default=())
    risks = DelimitedList(fields.String(validate=validate.OneOf(list(RISK_ORDER))), data_key="risk",
                          load_default=())
    channels = DelimitedList(fields.String(validate=validate.Length(max=32)), data_key="channel", load_default=())
    overdue = fields.Boolean(load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=100))
    sort = fields.String(load_default="created_at", validate=validate.OneOf(SORTS))

    @pre_load
    def _drop_blank(self, data, **kwargs):
        # Search forms send their empty fields too; an empty filter means "any".
        return {key: value for key, value in data.items() if value != ""}


class RevealIn(Schema):
    fields_ = fields.List(fields.String(validate=validate.Length(min=1, max=200)), data_key="fields",
                          required=True, validate=validate.Length(min=1, max=50))
    reason = _reason(required=True)


class ReasonIn(Schema):
    reason = _reason(required=True)


class OptionalReasonIn(Schema):
    reason = _reason(required=False)


class RetryIn(Schema):
    reason = _reason(required=True)
    data = fields.Dict(keys=fields.String(), load_default=dict,
                       metadata={"description": "values to set on the failed step before it runs again"})


class MigrateIn(Schema):
    version = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))


# -- responses -----------------------------------------------------------------------------------

class TaskOut(Schema):
    id = fields.String()
    name = fields.String()
    title = fields.String()
    role = fields.String(allow_none=True)
    level = fields.String(allow_none=True)
    org_unit = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    state = fields.String()
    due_at = fields.DateTime(allow_none=True)
    deadline_basis = fields.String(allow_none=True)
    priority = fields.Integer()
    created_at = fields.DateTime()


class IncidentOut(Schema):
    id = fields.Integer()
    task_id = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    message = fields.String()
    created_at = fields.DateTime()


class CaseItemOut(Schema):
    id = fields.String()
    case_no = fields.String(allow_none=True)
    process = fields.String(attribute="process_key")
    status = fields.String()
    org_unit = fields.String(allow_none=True)
    channel = fields.String(allow_none=True)
    dispute_type = fields.String(allow_none=True)
    risk_colour = fields.String(allow_none=True)
    level = fields.Integer(allow_none=True)
    outcome = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    next_due_at = fields.DateTime(allow_none=True, metadata={"description": "the case's next timer"})
    due_at = fields.DateTime(allow_none=True, metadata={"description": "earliest due time of its ready tasks"})
    summary = fields.Method("_short_summary", metadata={"type": "string", "nullable": True,
                                                       "description": "the first 80 characters"})
    open_tasks = fields.Integer()
    overdue = fields.Boolean()

    SUMMARY_CHARS = 80

    def _short_summary(self, case) -> str | None:
        text = case.summary
        if text is None or len(text) <= self.SUMMARY_CHARS:
            return text
        return text[: self.SUMMARY_CHARS - 1] + "…"


class CasePageOut(CountedPageOut):
    items = fields.List(fields.Nested(CaseItemOut))


class CaseLinkOut(Schema):
    id = fields.String()
    case_no = fields.String(allow_none=True)
    process = fields.String(attribute="process_key")
    status = fields.String()


class CaseOut(CaseItemOut):
    summary = fields.String(allow_none=True)
    origin = fields.Nested(CaseLinkOut, allow_none=True, metadata={
        "description": "the case whose message started this one (e.g. the care visit that referred it); "
                       "null when none, or when it is outside your jurisdiction"})
    derived_cases = fields.List(fields.Nested(CaseLinkOut), metadata={
        "description": "the cases this one's messages started, oldest first; those outside your jurisdiction "
                       "are left out"})
    version = fields.Integer()
    row_version = fields.Integer()
    data = fields.Dict()
    masked_fields = fields.List(fields.String(), metadata={"description": "concrete paths masked for this caller"})
    can_reveal = fields.Boolean(metadata={"description": "whether she may read sensitive fields (and reveal them)"})
    labels = fields.Dict(metadata={"description": "field path (a.b, items a[].b) -> {title, choices: {value: "
                                                  "title}}, from the forms of the case's version"})
    tasks = fields.List(fields.Nested(TaskOut))
    incidents = fields.List(fields.Nested(IncidentOut))


class RevealOut(Schema):
    values = fields.Dict()
    reason = fields.String()
    revealed_at = fields.DateTime(attribute="at")


class EventOut(Schema):
    seq = fields.Integer()
    at = fields.DateTime()
    type = fields.String()
    actor = fields.String()
    actor_name = fields.String(allow_none=True, metadata={"description": "the actor's name, when a user"})
    task = fields.String(attribute="task_id", allow_none=True)
    data = fields.Dict()
    hash = fields.String()


class DiagramElementOut(Schema):
    id = fields.String(metadata={"description": "the BPMN element id"})
    state = fields.String(metadata={"description": "completed, active, overdue or incident (the most urgent)"})
    completed = fields.Integer(metadata={"description": "how many times the case finished this step"})
    active = fields.Integer(metadata={"description": "how many of its tasks or waits are open now"})
    due_at = fields.DateTime(allow_none=True)
    incident = fields.String(allow_none=True, metadata={"description": "the open incident's message"})


class CaseDiagramOut(Schema):
    process = fields.String()
    version = fields.Integer()
    bpmn = fields.String(metadata={"description": "the BPMN XML of the case's deployed version"})
    elements = fields.List(fields.Nested(DiagramElementOut))
    flows = fields.List(fields.String(), metadata={"description": "ids of the sequence flows the case took"})


class SensitiveReadOut(Schema):
    at = fields.DateTime()
    username = fields.String()
    display_name = fields.String(allow_none=True)
    via = fields.String(metadata={"description": "task (a task page shown to one who works on it), reveal "
                                                 "(asked for, with a reason), evidence (an evidence package "
                                                 "exported) or document (a document generated with them)"})
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields",
                          metadata={"description": "the sensitive fields sent in clear"})
    reason = fields.String(allow_none=True)


class AccessLogOut(Schema):
    items = fields.List(fields.Nested(SensitiveReadOut))


class TimelineOut(Schema):
    items = fields.List(fields.Nested(EventOut))


class FormOut(Schema):
    schema = fields.Dict(allow_none=True, metadata={"description": "JSON Schema (draft 2020-12)"})
    ui_schema = fields.Dict(allow_none=True, metadata={"description": "react-jsonschema-form UI schema"})


class PublicFormOut(FormOut):
    process = fields.String()
    name = fields.String()


class ChoiceOut(Schema):
    value = fields.String()
    label = fields.String()


class IntakeProcessOut(Schema):
    key = fields.String()
    name = fields.String()
    start_form = fields.Nested(FormOut)
    channels = fields.List(fields.Nested(ChoiceOut), metadata={"description": "where a matter can come from"})


class PublicReceiptOut(Schema):
    case_no = fields.String()
    receipt = fields.String()
    received_at = fields.DateTime()


class PublicStepOut(Schema):
    key = fields.String()
    label = fields.String()
    done = fields.Boolean()
    at = fields.DateTime(allow_none=True)


class PublicStatusOut(Schema):
    case_no = fields.String()
    status = fields.String()
    status_label = fields.String()
    received_at = fields.DateTime()
    outcome = fields.String(allow_none=True)
    outcome_label = fields.String(allow_none=True)
    steps = fields.List(fields.Nested(PublicStepOut))
