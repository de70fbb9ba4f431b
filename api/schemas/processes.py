"""Requests and answers of the designer API: deployed processes, lint and deploy."""
from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, Schema, fields


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
