"""Requests and answers of the designer API: deployed processes, lint and deploy."""
from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, Schema, fields, validate


class ProjectUploadIn(Schema):
    """Multipart files: .bpmn, .dmn, forms (.json) and catalog.yaml. Files under any other
    field name are taken too; `files` is the name clients are asked to use."""

    class Meta:
        unknown = EXCLUDE

    files = fields.List(Upload())


class VersionOut(Schema):
    version = fields.Integer()
    content_hash = fields.String()
    deployed_at = fields.DateTime()
    deployed_by = fields.String()


class ProcessOut(Schema):
    key = fields.String()
    name = fields.String()
    latest_version = fields.Integer()
    versions = fields.List(fields.Nested(VersionOut), metadata={"description": "newest first"})


class StartFormOut(Schema):
    schema = fields.Dict(allow_none=True, metadata={"description": "JSON Schema that POST /cases checks data against"})
    ui_schema = fields.Dict(allow_none=True)


class ProcessDetailOut(ProcessOut):
    start_form = fields.Nested(StartFormOut, allow_none=True,
                               metadata={"description": "null when the start event names no form"})


class FindingOut(Schema):
    severity = fields.String()
    code = fields.String()
    file = fields.String(allow_none=True)
    line = fields.Integer(allow_none=True)
    element_id = fields.String(allow_none=True)
    message = fields.String()


class LintOut(Schema):
    findings = fields.List(fields.Nested(FindingOut))


class DeployedOut(Schema):
    key = fields.String()
    version = fields.Integer()
    created = fields.Boolean(metadata={"description": "false when the content equals the latest version"})


class DeployOut(Schema):
    deployed = fields.List(fields.Nested(DeployedOut))


# -- the designer's studio: versions with their cases, diffs, roll back, migration, trials ------

class VersionCasesOut(Schema):
    running = fields.Integer()
    suspended = fields.Integer()
    incident = fields.Integer()
    open = fields.Integer(metadata={"description": "running + suspended + incident"})
    total = fields.Integer(metadata={"description": "every case ever started on the version"})


class VersionFactsOut(VersionOut):
    latest = fields.Boolean()
    same_as_version = fields.Integer(allow_none=True, metadata={
        "description": "the earliest version with the same files (a roll back or a redeploy repeats one)"})
    cases = fields.Nested(VersionCasesOut)


class ProcessVersionsOut(Schema):
    key = fields.String()
    name = fields.String()
    latest_version = fields.Integer()
    versions = fields.List(fields.Nested(VersionFactsOut), metadata={"description": "newest first"})


class DiffArgs(Schema):
    from_ = fields.Integer(data_key="from", required=True, validate=validate.Range(min=1, max=2**31 - 1))
    to = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class FactChangeOut(Schema):
    field = fields.String(metadata={"description": "name, type, lane, timer, documentation, condition, "
                                                   "property:<name>, when:<input>, then:<output>, ..."})
    old = fields.Raw(allow_none=True, metadata={"description": "null: the fact is new"})
    new = fields.Raw(allow_none=True, metadata={"description": "null: the fact is gone"})


class ElementChangeOut(Schema):
    id = fields.String()
    type = fields.String()
    name = fields.String()
    process = fields.String()
    changes = fields.List(fields.Nested(FactChangeOut))


class GroupedChangesOut(Schema):
    added = fields.List(fields.Nested(ElementChangeOut))
    removed = fields.List(fields.Nested(ElementChangeOut))
    changed = fields.List(fields.Nested(ElementChangeOut))


class EntryChangeOut(Schema):
    id = fields.String(metadata={"description": "a form field's path, or a DMN rule's id"})
    label = fields.String()
    changes = fields.List(fields.Nested(FactChangeOut))


class PartChangeOut(Schema):
    file = fields.String()
    id = fields.String(metadata={"description": "the decision's id (decision tables)"})
    name = fields.String()
    status = fields.String(metadata={"description": "added | removed | changed"})
    added = fields.List(fields.Nested(EntryChangeOut))
    removed = fields.List(fields.Nested(EntryChangeOut))
    changed = fields.List(fields.Nested(EntryChangeOut))


class VersionDiffOut(Schema):
    key = fields.String()
    from_ = fields.Integer(data_key="from")
    to = fields.Integer()
    same = fields.Boolean(metadata={"description": "nothing differs"})
    elements = fields.Nested(GroupedChangesOut)
    flows = fields.Nested(GroupedChangesOut)
    forms = fields.List(fields.Nested(PartChangeOut))
    decisions = fields.List(fields.Nested(PartChangeOut))


class RollbackIn(Schema):
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class RollbackOut(Schema):
    key = fields.String()
    version = fields.Integer(metadata={"description": "the new latest version"})
    from_version = fields.Integer(metadata={"description": "the version whose files were deployed again"})
    replaced_version = fields.Integer(metadata={"description": "the latest version before the roll back"})
    created = fields.Boolean(metadata={"description": "false when the latest version has those files already"})


class StepOut(Schema):
    id = fields.String()
    name = fields.String()


class MigrationCandidateOut(Schema):
    case_id = fields.String()
    case_no = fields.String(allow_none=True)
    org_unit = fields.String(allow_none=True)
    status = fields.String()
    version = fields.Integer()
    current_steps = fields.List(fields.Nested(StepOut))
    can_move = fields.Boolean()
    missing_steps = fields.List(fields.Nested(StepOut))
    reason = fields.String(metadata={"description": "why it cannot move, in the caller's language"})
    reason_zh = fields.String()
    reason_en = fields.String()


class MigrationPreviewOut(Schema):
    key = fields.String()
    latest_version = fields.Integer()
    total = fields.Integer(metadata={"description": "open cases on older versions; at most 200 are listed"})
    cases = fields.List(fields.Nested(MigrationCandidateOut))


class CaseMigrationIn(Schema):
    case_ids = fields.List(fields.String(validate=validate.Length(min=1, max=64)), required=True,
                           validate=validate.Length(max=200))


class MigrationOutcomeOut(Schema):
    case_id = fields.String()
    moved = fields.Boolean()
    version = fields.Integer(allow_none=True)
    reason = fields.String(metadata={"description": "why it was refused, in the caller's language"})
    reason_zh = fields.String()
    reason_en = fields.String()


class CaseMigrationOut(Schema):
    results = fields.List(fields.Nested(MigrationOutcomeOut))


class TrialUploadIn(ProjectUploadIn):
    """The files to try (as for lint and deploy) and, optionally, which scenarios to run."""

    scenarios = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=list,
                            validate=validate.Length(max=50),
                            metadata={"description": "file names (or process/file) of the scenarios to run; "
                                                     "default: every scenario of the uploaded processes"})


class TrialStepOut(Schema):
    index = fields.Integer()
    label = fields.String()
    status = fields.String(metadata={"description": "passed | failed | not_run"})
    message = fields.String()


class TrialScenarioOut(Schema):
    file = fields.String()
    name = fields.String()
    process = fields.String()
    passed = fields.Boolean()
    message = fields.String()
    duration = fields.Float()
    steps = fields.List(fields.Nested(TrialStepOut))


class TrialOut(Schema):
    passed = fields.Boolean(metadata={"description": "every scenario ran and passed"})
    processes = fields.List(fields.String(), metadata={"description": "the uploaded processes"})
    scenarios = fields.List(fields.Nested(TrialScenarioOut))
    skipped = fields.List(fields.String(), metadata={"description": "scenarios left out by the limits"})


class GuideOut(Schema):
    name = fields.String()
    markdown = fields.String()
