"""Process design: what is deployed, the BPMN of a version, and lint and deploy of uploads.

Reading a process's start form is open to every logged-in user (intake clerks fill it in);
everything else is for process designers and admins.
"""
from __future__ import annotations

from itertools import groupby
from urllib.parse import quote

from flask import Response, current_app, request
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import defer

from api.auth import current_principal, login_required, roles_required
from api.schemas.processes import DeployOut, LintOut, ProcessDetailOut, ProcessOut, ProjectUploadIn
from api.services import services
from engine.access import DESIGNER_ROLES
from engine.definitions.uploads import defining_bpmn, lint_upload, read_upload, refuse_undeployable
from engine.errors import Forbidden, NotFound
from engine.intake_forms import start_form
from engine.runtime.deployment import deploy_project
from engine.store import repository as repo
from engine.store.models import ProcessVersion

blp = Blueprint("processes", __name__, url_prefix="/api/v1", description="流程设计 Process design")

designers_only = roles_required(*DESIGNER_ROLES)

# A whole project (every process's BPMN, DMN and forms) outgrows MAX_CONTENT_LENGTH, which is
# sized for case data; the upload endpoints have their own limit.
PROJECT_UPLOAD_BYTES = 4 * 1024 * 1024
UPLOAD_ENDPOINTS = {"processes.lint", "processes.deploy"}


@blp.before_request
def _allow_project_uploads():
    if request.endpoint not in UPLOAD_ENDPOINTS:
        return
    # Before the body is read: only a designer may make the server take in that much.
    if not current_principal().has_any_role(DESIGNER_ROLES):
        raise Forbidden(f"this needs one of the roles: {', '.join(sorted(DESIGNER_ROLES))}",
                        zh=f"此操作需要以下角色之一：{'、'.join(sorted(DESIGNER_ROLES))}")
    request.max_content_length = current_app.config.get("MAX_PROJECT_UPLOAD_BYTES", PROJECT_UPLOAD_BYTES)


@blp.route("/processes")
@blp.response(200, ProcessOut(many=True))
@designers_only
def list_processes():
    """Every deployed process with its versions, newest first."""
    with services().store.read() as session:
        rows = _version_rows(session)
    return [_process(key, list(versions)) for key, versions in groupby(rows, key=lambda v: v.process_key)]


@blp.route("/processes/<key>")
@blp.response(200, ProcessDetailOut)
@login_required
def get_process(key):
    """A process, its versions and the start form of its latest version."""
    svc = services()
    with svc.store.read() as session:
        rows = _version_rows(session, key)
        if not rows:
            raise NotFound(f"process {key} is not deployed", process=key, zh=f"流程 {key} 未部署")
        parsed = svc.runtime.parsed(session, repo.latest_version(session, key))
    return {**_process(key, rows), "start_form": start_form(parsed)}


@blp.route("/processes/<key>/versions/<int:version>/bpmn")
@blp.response(200, content_type="application/xml", description="the BPMN XML that defines the process")
@designers_only
def download_bpmn(key, version):
    with services().store.read() as session:
        name, text = defining_bpmn(repo.version_by_number(session, key, version).bundle, key)
    return Response(text, mimetype="application/xml",
                    headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}"})


@blp.route("/processes/lint", methods=["POST"])
@blp.arguments(ProjectUploadIn, location="files")
@blp.response(200, LintOut)
@designers_only
def lint(_files):
    """Check uploaded files; always 200, with whatever is wrong (unreadable files too) as findings."""
    findings = lint_upload(read_upload(_uploaded_files()))
    return {"findings": [f.to_dict() for f in findings]}


@blp.route("/processes/deploy", methods=["POST"])
@blp.arguments(ProjectUploadIn, location="files")
@blp.response(200, DeployOut)
@designers_only
def deploy(_files):
    """Deploy the complete set of files of the processes in the uploaded catalog.yaml: each
    whose content changed becomes a new version. Any lint error: 422 with the findings,
    and nothing is deployed."""
    upload = read_upload(_uploaded_files())
    refuse_undeployable(upload)
    deployed = deploy_project(services().runtime, upload.project, actor=current_principal().username)
    return {"deployed": [{"key": d.process_key, "version": d.version, "created": d.created} for d in deployed]}


def _uploaded_files() -> list[tuple[str, bytes]]:
    # Every file part, whatever its field name: designers' tools differ in what they send.
    return [(upload.filename or "", upload.read()) for _, upload in request.files.items(multi=True)]


def _version_rows(session, key: str | None = None) -> list[ProcessVersion]:
    # Without the bundles: a list of versions should not load every version's files.
    stmt = (select(ProcessVersion).options(defer(ProcessVersion.bundle))
            .order_by(ProcessVersion.process_key, ProcessVersion.version.desc()))
    if key is not None:
        stmt = stmt.where(ProcessVersion.process_key == key)
    return list(session.scalars(stmt))


def _process(key: str, versions: list[ProcessVersion]) -> dict:
    latest = versions[0]
    return {"key": key, "name": latest.name or key, "latest_version": latest.version,
            "versions": [{"version": v.version, "content_hash": v.content_hash, "deployed_at": v.deployed_at,
                          "deployed_by": v.deployed_by} for v in versions]}
