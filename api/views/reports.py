"""Supervision (督办与统计): the four commitments, summary statistics, the 督办 list, exports.

Supervisors, rights officers and admins see the cases of their units and below; asking for
an org unit outside that is a 404, as everywhere.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Response
from flask_smorest import Blueprint

from api.auth import current_principal, roles_required
from api.schemas.reports import (
    CommitmentsArgs,
    CommitmentsOut,
    DueSoonArgs,
    DueSoonOut,
    ExportArgs,
    FigureCasesArgs,
    FigureCasesPage,
    HeatmapArgs,
    HeatmapOut,
    OverdueArgs,
    OverduePage,
    ReminderOut,
    RemindIn,
    ServicesArgs,
    ServicesOut,
    SummaryArgs,
    SummaryOut,
)
from api.services import services
from engine.access import SUPERVISION_ROLES
from engine.definitions.ladder import running_ladder
from engine.exports import export_file, file_name
from engine.report_figures import Figure, FigureCases
from engine.report_heatmap import Heatmap
from engine.report_services import ServiceReports
from engine.report_warnings import DueSoon, remind
from engine.reports import Labels, ReportRequest, Reports, jurisdiction, period_of

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="督办与统计 Supervision and reports")

MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv; charset=utf-8"}


def _file_response(fmt: str, description: str) -> dict:
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"200": {"description": description, "content": {MIME[fmt]: binary}}}


def _reports() -> Reports:
    return Reports(services().store, _labels())


def _request(args: dict, *, with_period: bool = True) -> ReportRequest:
    svc = services()
    now = svc.clock.now()
    scope = jurisdiction(current_principal(), svc.chart(), SUPERVISION_ROLES, args.get("org_unit"))
    period = period_of(args.get("start"), args.get("end"), now) if with_period else None
    return ReportRequest(scope=scope, now=now, period=period, process=args.get("process"))


def _labels() -> Labels:
    root = services().project_root
    return Labels.from_dir(root / "forms", running_ladder(root))


@blp.route("/reports/commitments")
@roles_required(*SUPERVISION_ROLES)
@blp.arguments(CommitmentsArgs, location="query")
@blp.response(200, CommitmentsOut)
def commitments(args):
    """有来必受、有受必理、有理必果、有果必公: rates with numerators, denominators and definitions;
    with breakdown=org_unit, the same for each unit one level down (drill-down)."""
    return FigureCases(services().store, _labels()).commitments(_request(args), args["breakdown"])


@blp.route("/reports/cases")
@roles_required(*SUPERVISION_ROLES)
@blp.arguments(FigureCasesArgs, location="query")
@blp.response(200, FigureCasesPage)
def figure_cases(args):
    """The cases behind a figure: its total equals the figure. Facts and labels only, no
    names, addresses, phones or narratives."""
    figure = Figure(args["figure"], args["key"], args["part"], args["group_by"])
    return FigureCases(services().store, _labels()).cases(_request(args), figure, args["page"], args["per_page"])


@blp.route("/reports/due-soon")
@roles_required(*SUPERVISION_ROLES)
@blp.arguments(DueSoonArgs, location="query")
@blp.response(200, DueSoonOut)
def due_soon(args):
    """Open tasks whose legal deadline falls within the next `within_days` days, with its basis."""
    return DueSoon(services().store, _labels()).due_soon(_request(args, with_period=False), args["within_days"])


@blp.route("/reports/heatmap")
@roles_required(*SUPERVISION_ROLES)
@blp.arguments(HeatmapArgs, location="query")
@blp.response(200, HeatmapOut)
def heatmap(args):
    """Per step of a process version: cases that passed it in the period, cases waiting there
    now, and wait times; with the BPMN to draw it on."""
    return Heatmap(services().store).heatmap(_request(args), args["version"])


@blp.route("/tasks/<task_id>/remind", methods=["POST"])
@roles_required(*SUPERVISION_ROLES)
@blp.arguments(RemindIn)
@blp.response(200, ReminderOut)
def remind_task(body, task_id):
    """催办: a `reminded` event on the case and a comment on the task, together (404 outside
    her jurisdiction, 409 once the task is no longer open)."""
    svc = services()
    return remind(svc.runtime, svc.chart(), current_principal(), task_id, body["message"])


@blp.route("/reports/summary")
@roles_required(*SUPERVISION_ROLES)
@blp.arguments(SummaryArgs, location="query")
@blp.response(200, SummaryOut)
def summary(args):
    """Counts by one dimension, resolution rate (化解率), cycle times, follow-up completion, satisfaction."""
    return _reports().summary(_request(args), args["group_by"])


@blp.route("/reports/services")
@roles_required(*SUPERVISION_ROLES)
@blp.arguments(ServicesArgs, location="query")
@blp.response(200, ServicesOut)
def service_figures(args):
    """Beside the disputes: 12338 calls per line, couples counselled and reconciled at the marriage
    registry, counselling service projects per organisation and street (cases received in the period)."""
    return ServiceReports(services().store, services().project_root / "forms").services(_request(args))


@blp.route("/reports/overdue")
@roles_required(*SUPERVISION_ROLES)
@blp.arguments(OverdueArgs, location="query")
@blp.response(200, OverduePage)
def overdue(args):
    """The 督办 list: open tasks past their deadline, most overdue first."""
    return _reports().overdue(_request(args, with_period=False), args["page"], args["per_page"])


@blp.route("/reports/export.xlsx")
@roles_required(*SUPERVISION_ROLES)
@blp.arguments(ExportArgs, location="query")
@blp.doc(responses=_file_response("xlsx", "XLSX：每部分一张工作表，另附“说明”"))
def export_xlsx(args):
    """A report as an Excel workbook (report=summary|commitments|overdue|cases|services, same parameters)."""
    return _export(args, "xlsx")


@blp.route("/reports/export.csv")
@roles_required(*SUPERVISION_ROLES)
@blp.arguments(ExportArgs, location="query")
@blp.doc(responses=_file_response("csv", "CSV（UTF-8 带 BOM）"))
def export_csv(args):
    """A report as CSV; the summary's parts follow one another, each under its title row."""
    return _export(args, "csv")


def _export(args: dict, fmt: str) -> Response:
    report = args["report"]
    data = _report_data(report, args)
    name, fallback = file_name(report, data, fmt)
    response = Response(export_file(report, data, fmt), mimetype=MIME[fmt])
    response.headers["Content-Disposition"] = attachment(name, fallback)
    return response


def _report_data(report: str, args: dict) -> dict:
    reports = _reports()
    if report == "overdue":
        return reports.overdue(_request(args, with_period=False))
    req = _request(args)
    if report == "summary":
        return reports.summary(req, args["group_by"])
    if report == "services":
        return ServiceReports(services().store, services().project_root / "forms").services(req)
    return reports.commitments(req) if report == "commitments" else reports.cases(req)


def attachment(name: str, fallback: str) -> str:
    """RFC 6266/5987: browsers take the UTF-8 name, older clients the ASCII one."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
