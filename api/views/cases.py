"""Cases: intake by staff and by the public (网), lists, detail, reveal, timeline, and the
supervisor's suspend / resume / terminate / migrate / escalate.

Who may see and do what is decided in engine.cases; these views only parse, call, dump.
"""
from __future__ import annotations

from flask import current_app, request
from flask_smorest import Blueprint

from api.auth import current_principal, login_required
from api.openapi import rate_limited
from api.schemas.cases import (
    AccessLogOut,
    CaseDiagramOut,
    CaseIn,
    CaseListArgs,
    CaseOut,
    CasePageOut,
    IdempotencyHeaders,
    IntakeProcessOut,
    MigrateIn,
    OptionalReasonIn,
    PublicFormOut,
    PublicIntakeIn,
    PublicReceiptOut,
    PublicStatusOut,
    ReasonIn,
    RetryIn,
    RevealIn,
    RevealOut,
    TimelineOut,
)
from api.schemas.common import OrgUnitOut, page_of
from api.services import services
from engine.cases import CaseService
from engine.errors import NotFound
from engine.public_intake import PublicDesk

blp = Blueprint("cases", __name__, url_prefix="/api/v1", description="案件 Cases")

# Lookups by receipt are cheap but guessable only by brute force: make that slow too.
DEFAULT_PUBLIC_LOOKUPS_PER_HOUR = 600


def cases() -> CaseService:
    svc = services()
    return CaseService(svc.runtime, svc.chart)


def public() -> PublicDesk:
    svc = services()
    return PublicDesk(svc.runtime, svc.chart)


# -- intake -------------------------------------------------------------------------------------

@blp.route("/cases", methods=["POST"])
@login_required
@blp.arguments(IdempotencyHeaders, location="headers")
@blp.arguments(CaseIn)
@blp.response(201, CaseOut)
@blp.alt_response(200, schema=CaseOut, description="a retry with the same Idempotency-Key: the case it created")
def register_case(headers, body):
    """Register an incoming matter from any channel (有来必受). data is checked against the
    process's start form; send an Idempotency-Key so that a retry is not a second case."""
    case = cases().register(current_principal(), idempotency_key=headers["idempotency_key"], **body)
    return case, 201 if case.created else 200


@blp.route("/intake/processes")
@login_required
@blp.response(200, IntakeProcessOut(many=True))
def intake_processes():
    """The processes a matter can be registered with (for those who register cases), each
    with its start form and the channels a matter comes by."""
    return cases().intake_processes(current_principal())


@blp.route("/public/intake/form")
@blp.response(200, PublicFormOut)
def public_intake_form():
    """The online (网) intake form for the public (no login): its JSON Schema and UI schema."""
    return public().form()


@blp.route("/public/intake", methods=["POST"])
@rate_limited
@blp.arguments(IdempotencyHeaders, location="headers")
@blp.arguments(PublicIntakeIn)
@blp.response(201, PublicReceiptOut)
@blp.alt_response(200, schema=PublicReceiptOut, description="a retry with the same Idempotency-Key")
def public_intake(headers, body):
    """The online (网) channel for the public: no login, rate-limited per address. Keep the
    receipt: it is the only way to ask about the submission later."""
    _limit("public-intake", current_app.config["PUBLIC_INTAKES_PER_HOUR"], "online submissions")
    receipt = public().submit(client=request.remote_addr or "", idempotency_key=headers["idempotency_key"],
                                    **body)
    return receipt, 201 if receipt.created else 200


@blp.route("/public/intake/<receipt>")
@rate_limited
@blp.response(200, PublicStatusOut)
def public_status(receipt):
    """Where a submission stands, in coarse public stages; no names and no case data."""
    per_hour = current_app.config.get("PUBLIC_LOOKUPS_PER_HOUR", DEFAULT_PUBLIC_LOOKUPS_PER_HOUR)
    _limit("public-lookup", per_hour, "status lookups")
    if len(receipt) > 64:
        raise NotFound("no submission has this receipt", zh="没有与此回执对应的求助登记")
    return public().status(receipt)


@blp.route("/public/org-units")
@blp.response(200, OrgUnitOut(many=True))
def public_org_units():
    """The org units a submission can be addressed to (names of places are public)."""
    return services().chart().parents_first()


def _limit(scope: str, per_hour: int, what: str) -> None:
    services().limits.hit(f"{per_hour} per hour", scope, request.remote_addr or "unknown", what=what)


# -- reading --------------------------------------------------------------------------------------

@blp.route("/cases")
@login_required
@blp.arguments(CaseListArgs, location="query")
@blp.response(200, CasePageOut)
def list_cases(args):
    """Cases in the caller's jurisdiction. Filters combine; status, process, risk and channel
    take comma-separated lists; q searches case numbers and summaries."""
    items, total, capped = cases().search(current_principal(), **args)
    return page_of(items, total, args["page"], args["per_page"], capped=capped)


@blp.route("/cases/<case_id>")
@login_required
@blp.response(200, CaseOut)
def get_case(case_id):
    """The case with its open tasks, the case whose message started it (origin) and the cases
    its messages started (derived_cases), linked cases only within your jurisdiction;
    sensitive fields masked (see masked_fields, reveal)."""
    return cases().detail(current_principal(), case_id)


@blp.route("/cases/<case_id>/timeline")
@login_required
@blp.response(200, TimelineOut)
def case_timeline(case_id):
    """Every audit event of the case, oldest first; sensitive values masked."""
    return {"items": cases().timeline(current_principal(), case_id)}


@blp.route("/cases/<case_id>/diagram")
@login_required
@blp.response(200, CaseDiagramOut)
def diagram(case_id):
    """The case on its process diagram: the BPMN of its version, what it did at each element
    (completed, active, overdue, incident) and the sequence flows it took."""
    return cases().diagram(current_principal(), case_id)


@blp.route("/cases/<case_id>/access-log")
@login_required
@blp.response(200, AccessLogOut)
def access_log(case_id):
    """Who was sent the case's sensitive fields (victim address and phone, shelter, reporter)
    in clear, when, which fields and how: for supervisors of the case (PIPL need-to-know)."""
    return {"items": cases().access_log(current_principal(), case_id)}


@blp.route("/cases/<case_id>/reveal", methods=["POST"])
@login_required
@blp.arguments(RevealIn)
@blp.response(200, RevealOut)
def reveal(body, case_id):
    """Clear values of masked fields, for those who handle the victim; the read is audited
    (sensitive_field_read, with the fields and the reason) before anything is returned."""
    return cases().reveal(current_principal(), case_id, body["fields_"], body["reason"])


# -- supervision ---------------------------------------------------------------------------------

@blp.route("/cases/<case_id>/suspend", methods=["POST"])
@login_required
@blp.arguments(ReasonIn)
@blp.response(200, CaseOut)
def suspend(body, case_id):
    """Stop the case's clock and tasks (supervisor, rights officer, admin)."""
    return cases().suspend(current_principal(), case_id, body["reason"])


@blp.route("/cases/<case_id>/resume", methods=["POST"])
@login_required
@blp.arguments(OptionalReasonIn)
@blp.response(200, CaseOut)
def resume(body, case_id):
    return cases().resume(current_principal(), case_id, body["reason"])


@blp.route("/cases/<case_id>/terminate", methods=["POST"])
@login_required
@blp.arguments(ReasonIn)
@blp.response(200, CaseOut)
def terminate(body, case_id):
    """End the case without an outcome; the reason goes on the timeline."""
    return cases().terminate(current_principal(), case_id, body["reason"])


@blp.route("/cases/<case_id>/retry", methods=["POST"])
@login_required
@blp.arguments(RetryIn)
@blp.response(200, CaseOut)
def retry(body, case_id):
    """Run an incident's failed step again (administrators), optionally with corrected data;
    a timer that could not fire is tried by the next worker pass. 409 unless the case has an
    incident, or when its saved state is damaged (corrupt_instance)."""
    return cases().retry(current_principal(), case_id, body["reason"], body["data"])


@blp.route("/cases/<case_id>/migrate", methods=["POST"])
@login_required
@blp.arguments(MigrateIn)
@blp.response(200, CaseOut)
def migrate(body, case_id):
    """Move the case to another (default: the latest) version of its process; 409 when
    steps it has used are missing there."""
    return cases().migrate(current_principal(), case_id, body["version"])


@blp.route("/cases/<case_id>/escalate", methods=["POST"])
@login_required
@blp.arguments(ReasonIn)
@blp.response(200, CaseOut)
def escalate(body, case_id):
    """Move a case in level-1 or level-2 mediation up one level now: its mediation is
    recorded as failed on the supervisor's behalf with the reason. 409 in any other state."""
    return cases().escalate(current_principal(), case_id, body["reason"])
