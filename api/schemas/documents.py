"""Requests and answers of a case's documents (文书): generated ones and attached scans."""
from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate


class DocumentOut(Schema):
    id = fields.String()
    kind = fields.String(metadata={"description": "generated (from a template) | uploaded (a signed scan)"})
    template = fields.String(allow_none=True, metadata={"description": "the template's key, for a generated one"})
    task_id = fields.String(allow_none=True, metadata={"description": "the task it was generated from"})
    title = fields.String()
    filename = fields.String()
    media_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String(metadata={"description": "of the file; the audit event of its making has the same"})
    created_by = fields.String()
    created_by_name = fields.String(allow_none=True)
    created_at = fields.DateTime()
    erased_at = fields.DateTime(allow_none=True,
                                metadata={"description": "the file was erased when the case's retention ended"})


class AvailableDocumentOut(Schema):
    template = fields.String()
    title = fields.String()
    format = fields.String(metadata={"description": "docx | pdf"})
    audience = fields.String(metadata={"description": "parties | agency | court | internal"})
    description = fields.String()
    task_id = fields.String(metadata={"description": "the task of the step that names the template"})
    task_title = fields.String()
    task_state = fields.String()


class CaseDocumentsOut(Schema):
    items = fields.List(fields.Nested(DocumentOut), metadata={"description": "newest first"})
    available = fields.List(fields.Nested(AvailableDocumentOut),
                            metadata={"description": "what can be generated: a template named by a step of the "
                                                     "case, for each task of it, newest first"})


class GenerateDocumentIn(Schema):
    template = fields.String(required=True, validate=validate.Length(min=1, max=100))
    task_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36),
                            metadata={"description": "the task to generate it from (default: the latest task "
                                                     "of a step that names the template)"})


class AttachmentIn(Schema):
    """multipart/form-data: the file (PDF, JPEG, PNG or .docx) and its title."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    file = Upload(metadata={"description": "required: PDF, JPEG, PNG or Word (.docx), told by its content; "
                                           "at most JIAHE_MAX_ATTACHMENT_BYTES (default 10 MiB)"})
