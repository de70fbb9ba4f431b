"""Evidence packages (证据包): a case's record as a ZIP that a court verifies without Jiahe.

Who may export, and what goes in, is decided in engine.evidence; this view only sends the file.
"""
from __future__ import annotations

from pathlib import Path

from flask import Response, current_app
from flask_smorest import Blueprint

from api.auth import current_principal, login_required
from api.services import services
from api.views.reports import attachment
from engine.evidence import EvidenceDesk

blp = Blueprint("evidence", __name__, url_prefix="/api/v1", description="证据包 Evidence packages")

ZIP = {"schema": {"type": "string", "format": "binary"}}


def desk() -> EvidenceDesk:
    svc = services()
    directory = current_app.config.get("CHECKPOINT_DIR")
    return EvidenceDesk(svc.runtime, svc.chart, svc.files, Path(directory) if directory else None)


@blp.route("/cases/<case_id>/evidence")
@login_required
@blp.doc(responses={"200": {"description": "证据包（ZIP，未压缩）：README.txt、verify.py、case.json、timeline.jsonl、"
                                           "documents/、verification.json、checkpoint.json、manifest.json 及其签名",
                            "content": {"application/zip": ZIP}}})
def export_evidence(case_id):
    """The case's evidence package (证据包) for a court, as a ZIP.

    Its data unmasked, every audit event with a SHA-256 chain, its documents, the latest signed
    checkpoint, a manifest signed with the checkpoint key and a standalone verifier (python3
    verify.py). For those who supervise the case's unit and those who hold or held one of its
    tasks (403 for others who see the case); every export is an `evidence_exported` event."""
    package = desk().export(current_principal(), case_id)
    response = Response(package.content, mimetype="application/zip")
    response.headers["Content-Disposition"] = attachment(package.filename, package.filename)
    response.headers["Cache-Control"] = "no-store"
    return response
