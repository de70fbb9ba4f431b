"""Retention: a case's 保管期限 and legal holds, and the report of what was anonymised when.

The rules are in engine.retention; these views only parse, call, dump."""
from __future__ import annotations

from dataclasses import replace

from flask_smorest import Blueprint

from api.auth import current_principal, login_required
from api.schemas.retention import (
    CaseRetentionOut,
    HoldIn,
    HoldOut,
    ReleaseIn,
    RetentionReportArgs,
    RetentionReportOut,
)
from api.services import services
from api.views.cases import cases
from api.views.evidence import desk as evidence_desk
from engine.retention import Retention, retention_report, supervised_units

blp = Blueprint("retention", __name__, url_prefix="/api/v1", description="保管期限与法律保全 Retention")


def retention() -> Retention:
    svc = services()
    return Retention(svc.runtime, svc.files)


@blp.route("/cases/<case_id>/retention")
@login_required
@blp.response(200, CaseRetentionOut)
def case_retention(case_id):
    """The case's 保管期限, whether it was anonymised, and its legal holds (whoever sees the case),
    and whether she may place holds and export its evidence package."""
    who = current_principal()
    found = retention().retention_of(who, case_id, cases())
    return replace(found, may_export=evidence_desk().may_export(who, case_id))


@blp.route("/cases/<case_id>/legal-holds", methods=["POST"])
@login_required
@blp.arguments(HoldIn)
@blp.response(201, HoldOut)
def place_hold(body, case_id):
    """Place a legal hold: retention leaves the case alone until it is released (supervisors)."""
    return retention().place_hold(current_principal(), case_id, body["reason"], cases())


@blp.route("/cases/<case_id>/legal-holds/<int:hold_id>/release", methods=["POST"])
@login_required
@blp.arguments(ReleaseIn)
@blp.response(200, HoldOut)
def release_hold(body, case_id, hold_id):
    """Release a legal hold (supervisors); a case past its 保管期限 is anonymised on the next pass."""
    return retention().release_hold(current_principal(), case_id, hold_id, body["reason"], cases())


@blp.route("/reports/retention")
@login_required
@blp.arguments(RetentionReportArgs, location="query")
@blp.response(200, RetentionReportOut)
def retention_report_view(args):
    """Cases anonymised in the period and those whose 保管期限 ends within 90 days (supervisors)."""
    units = supervised_units(current_principal(), services().chart())
    return retention_report(retention(), units, args["start"], args["end"])
