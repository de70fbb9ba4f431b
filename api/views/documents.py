"""A case's documents (文书): the list and what can be generated, generating one from a
template, attaching a signed scan, downloading a file.

Who may do what is decided in engine.documents.service; these views only parse, call, dump.
"""
from __future__ import annotations

from pathlib import PurePosixPath

from flask import Response, current_app, request
from flask_smorest import Blueprint

from api.auth import current_principal, login_required
from api.schemas.documents import AttachmentIn, CaseDocumentsOut, DocumentOut, GenerateDocumentIn
from api.services import services
from api.views.reports import attachment
from engine.cases import CASE_ROLES
from engine.documents.service import DEFAULT_MAX_ATTACHMENT_BYTES, CaseDocuments
from engine.documents.templates import DOCX_MEDIA_TYPE
from engine.errors import FieldError, TooLarge, ValidationFailed

blp = Blueprint("documents", __name__, url_prefix="/api/v1", description="文书 Case documents")

# A multipart body carries the file and a little more (boundaries, headers, the title).
MULTIPART_OVERHEAD = 64 * 1024
ATTACH_ENDPOINT = "documents.attach"
FILE_TYPES = (DOCX_MEDIA_TYPE, "application/pdf", "image/jpeg", "image/png")


def documents() -> CaseDocuments:
    svc = services()
    return CaseDocuments(svc.runtime, svc.chart, svc.files, svc.project_root, max_attachment_bytes())


def max_attachment_bytes() -> int:
    return int(current_app.config.get("MAX_ATTACHMENT_BYTES") or DEFAULT_MAX_ATTACHMENT_BYTES)


@blp.before_request
def _allow_attachments():
    """A scan outgrows MAX_CONTENT_LENGTH, which is sized for case data: the attachment
    endpoint takes up to its own limit, and only from someone who handles cases."""
    if request.endpoint != ATTACH_ENDPOINT or not current_principal().has_any_role(CASE_ROLES):
        return
    limit = max_attachment_bytes()
    if (request.content_length or 0) > limit + MULTIPART_OVERHEAD:
        raise TooLarge(f"the request is {request.content_length} bytes; an attachment may be at most {limit} bytes",
                       limit=limit, zh=f"文件过大：附件不能超过 {limit / 1024 / 1024:g} MiB")
    request.max_content_length = limit + MULTIPART_OVERHEAD


@blp.route("/cases/<case_id>/documents")
@login_required
@blp.response(200, CaseDocumentsOut)
def list_documents(case_id):
    """The case's documents, newest first, and the templates its steps name that can be
    generated (one entry per task of such a step, open or done)."""
    return documents().listing(current_principal(), case_id)


@blp.route("/cases/<case_id>/documents", methods=["POST"])
@login_required
@blp.arguments(GenerateDocumentIn)
@blp.response(201, DocumentOut)
def generate(body, case_id):
    """Generate a document from a template the case's steps name (调解协议书, 处理意见书, ...):
    the file is kept under its SHA-256 and a `document_generated` event goes on the case's
    audit trail. 422 when the template is not available for the case or the task, or the
    data it needs is missing (field errors name the fields)."""
    return documents().generate(current_principal(), case_id, body["template"], body["task_id"]), 201


@blp.route("/cases/<case_id>/attachments", methods=["POST"])
@login_required
@blp.arguments(AttachmentIn, location="form", content_type="multipart/form-data")
@blp.response(201, DocumentOut)
def attach(form, case_id):
    """Attach a file to the case, e.g. the signed and sealed 调解协议书 scanned: PDF, JPEG, PNG
    or .docx (told by its content), at most JIAHE_MAX_ATTACHMENT_BYTES (413 beyond). A
    `document_attached` event with its SHA-256 goes on the case's audit trail."""
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed("send the file as the multipart field 'file'",
                               [FieldError("file", "missing", "required", zh="请选择要上传的文件")],
                               zh="请选择要上传的文件")
    content = upload.read(max_attachment_bytes() + 1)
    return documents().attach(current_principal(), case_id, title=form["title"], content=content), 201


@blp.route("/cases/<case_id>/documents/<document_id>/file")
@login_required
@blp.doc(responses={"200": {"description": "the file, as an attachment (its name in UTF-8, RFC 5987)",
                            "content": {media: {"schema": {"type": "string", "format": "binary"}}
                                        for media in FILE_TYPES}}})
@blp.alt_response(410, response="GONE", description="the file was erased when the case's retention ended")
def download(case_id, document_id):
    """The document's file. 410 when it was erased by retention (the row and its hash stay)."""
    found = documents().file(current_principal(), case_id, document_id)
    response = Response(found.content, mimetype=found.document.media_type)
    name = found.document.filename
    fallback = f"document-{document_id[:8]}{PurePosixPath(name).suffix}"  # for clients without RFC 5987
    response.headers["Content-Disposition"] = attachment(name, fallback)
    return response
