"""Process design: what is deployed, the BPMN of a version, lint, trial and deploy of uploads,
versions with their cases, what changed between two versions, roll back, moving open cases to
the latest version, and the designers' guides.

Reading a process's start form is open to every logged-in user (intake clerks fill it in), and
so are the guides; everything else is for process designers and admins.
"""
from __future__ import annotations

from itertools import groupby
from urllib.parse import quote

from flask import Response, current_app, request
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import defer

from api.auth import current_principal, login_required, roles_required
from api.errors import language
from api.schemas.processes import (
    CaseMigrationIn,
    CaseMigrationOut,
    DeployOut,
    DiffArgs,
    GuideOut,
    LintOut,
    MigrationPreviewOut,
    ProcessDetailOut,
    ProcessOut,
    ProcessVersionsOut,
    ProjectUploadIn,
    RollbackIn,
    RollbackOut,
    TrialOut,
    TrialUploadIn,
    VersionDiffOut,
)
from api.services import services
from engine.access import DESIGNER_ROLES
from engine.definitions.diff import diff_bundles
from engine.definitions.uploads import defining_bpmn, lint_upload, read_upload, refuse_undeployable
from engine.errors import Forbidden, NotFound
from engine.intake_forms import start_form
from engine.runtime import migration_plan
from engine.runtime.deployment import deploy_project
from engine.runtime.versions import roll_back, version_facts
from engine.scenarios import trial
from engine.store import repository as repo
from engine.store.models import ProcessVersion

blp = Blueprint("processes", __name__, url_prefix="/api/v1", description="流程设计 Process design")

designers_only = roles_required(*DESIGNER_ROLES)

# A whole project (every process's BPMN, DMN and forms) outgrows MAX_CONTENT_LENGTH, which is
# sized for case data; the upload endpoints have their own limit.
PROJECT_UPLOAD_BYTES = 4 * 1024 * 1024
UPLOAD_ENDPOINTS = {"processes.lint", "processes.deploy", "processes.try_scenarios"}
# The Markdown guides the studio shows (docs/<name>.md); nothing else under docs/ is served.
GUIDES = ("designer-guide", "operator-guide", "scenarios")


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
    findings = lint_upload(read_upload(_uploaded_files(), services().project_root))
    return {"findings": [f.to_dict() for f in findings]}


@blp.route("/processes/deploy", methods=["POST"])
@blp.arguments(ProjectUploadIn, location="files")
@blp.response(200, DeployOut)
@designers_only
def deploy(_files):
    """Deploy the complete set of files of the processes in the uploaded catalog.yaml: each
    whose content changed becomes a new version. Any lint error: 422 with the findings,
    and nothing is deployed."""
    upload = read_upload(_uploaded_files(), services().project_root)
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


# -- the designer's studio ----------------------------------------------------------------------

@blp.route("/processes/<key>/versions")
@designers_only
@blp.response(200, ProcessVersionsOut)
def list_versions(key):
    """Every version, newest first: when and by whom it was deployed, whether it is the
    latest, and how many cases run on it (running, suspended, incident) and ever did."""
    with services().store.read() as session:
        facts = version_facts(session, key)
        name = repo.latest_version(session, key).name or key
    return {"key": key, "name": name, "latest_version": facts[0].version, "versions": [vars(f) for f in facts]}


@blp.route("/processes/<key>/diff")
@designers_only
@blp.arguments(DiffArgs, location="query")
@blp.response(200, VersionDiffOut)
def diff_versions(args, key):
    """What changed from version `from` to version `to`: elements, sequence flows, form
    fields and DMN rules added, removed or changed (each change with old and new)."""
    with services().store.read() as session:
        old = repo.version_by_number(session, key, args["from_"]).bundle
        new = repo.version_by_number(session, key, args["to"]).bundle
    return {"key": key, "from_": args["from_"], "to": args["to"], **diff_bundles(old, new).to_dict()}


@blp.route("/processes/<key>/rollback", methods=["POST"])
@designers_only
@blp.arguments(RollbackIn)
@blp.response(200, RollbackOut)
def rollback(body, key):
    """Deploy an earlier version's files again as the new latest version: new cases start on
    it, running cases stay on theirs, history is kept, and the audit trail names the roll back."""
    done = roll_back(services().runtime, key, body["version"], actor=current_principal().username)
    return {"key": key, "version": done.version, "from_version": done.from_version,
            "replaced_version": done.replaced_version, "created": done.created}


@blp.route("/processes/<key>/migration-preview")
@designers_only
@blp.response(200, MigrationPreviewOut)
def migration_preview(key):
    """The open cases (in the caller's units) on older versions, and whether each could move to
    the latest version; nothing is changed."""
    plan = migration_plan.preview(services().runtime, key, _designer_units())
    return {"key": key, "latest_version": plan.latest_version, "total": plan.total,
            "cases": [{**vars(c), "reason": _in_language(c)} for c in plan.candidates]}


@blp.route("/processes/<key>/migrate", methods=["POST"])
@designers_only
@blp.arguments(CaseMigrationIn)
@blp.response(200, CaseMigrationOut)
def migrate_cases(body, key):
    """Move the chosen cases to the latest version, each in its own transaction; a case that
    cannot move is refused with the reason and the others still move."""
    outcomes = migration_plan.migrate_cases(services().runtime, key, body["case_ids"], _designer_units(),
                                            actor=current_principal().username)
    return {"results": [{**vars(o), "reason": _in_language(o)} for o in outcomes]}


@blp.route("/processes/test", methods=["POST"])
@designers_only
# One multipart body: the files part is read from request.files (webargs' "form" location
# cannot), the scenario names from the form.
@blp.arguments(TrialUploadIn, location="form", content_type="multipart/form-data")
@blp.response(200, TrialOut)
def try_scenarios(options):
    """Run the scenario files of the uploaded processes against the uploaded files (the rest as
    deployed) on a throwaway database; 422 with the findings when the files have lint errors,
    409 while another trial runs."""
    svc = services()
    result = trial.try_upload(svc.store, read_upload(_uploaded_files(), svc.project_root), svc.project_root,
                              options["scenarios"])
    return {"passed": result.passed, "processes": result.processes, "skipped": result.skipped,
            "scenarios": [{**vars(r), "steps": [vars(s) for s in r.steps]} for r in result.results]}


@blp.route("/guides/<name>")
@login_required
@blp.response(200, GuideOut)
def guide(name):
    """The Markdown of a guide (designer-guide, operator-guide, scenarios)."""
    path = services().project_root / "docs" / f"{name}.md"
    if name not in GUIDES or not path.is_file():
        raise NotFound(f"there is no guide {name!r}", zh=f"没有名为「{name}」的指南")
    return {"name": name, "markdown": path.read_text(encoding="utf-8")}


def _designer_units() -> set[str]:
    who, chart = current_principal(), services().chart()
    units: set[str] = set()
    for role in who.roles & DESIGNER_ROLES:
        units |= who.visible_units(chart, role)
    return units


def _in_language(item) -> str:
    return item.reason_zh if language() == "zh" else item.reason_en
