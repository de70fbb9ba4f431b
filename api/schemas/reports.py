"""Query parameters and response shapes of the supervision reports."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from api.schemas.common import PageArgs
from engine.calendar import parse_day_or_time
from engine.report_figures import COMMITMENT_PARTS, FIGURES
from engine.reports import GROUP_BY

REPORTS = ("summary", "commitments", "overdue", "cases", "services")
BREAKDOWNS = ("org_unit",)


class DayOrTime(fields.String):
    """An ISO date (a Beijing calendar day) or date-time (naive means Beijing time)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parse_day_or_time(text)
        except (TypeError, ValueError):
            raise ValidationError("应为 ISO 日期或日期时间，如 2026-03-01 或 2026-03-01T08:00:00+08:00") from None


class ScopeArgs(Schema):
    org_unit = fields.String(load_default=None, validate=validate.Length(min=1, max=64),
                             metadata={"description": "只统计该单位及其下级（须在本人管辖内，否则 404）"})
    process = fields.String(load_default=None, validate=validate.Length(min=1, max=100),
                            metadata={"description": "只统计该流程，如 dispute_case"})


class PeriodArgs(ScopeArgs):
    start = DayOrTime(data_key="from", load_default=None,
                      metadata={"description": "起（含）：日期按北京时间的自然日；缺省为本月"})
    end = DayOrTime(data_key="to", load_default=None, metadata={"description": "止（不含）"})


class SummaryArgs(PeriodArgs):
    group_by = fields.String(load_default="channel", validate=validate.OneOf(GROUP_BY))


class OverdueArgs(ScopeArgs, PageArgs):
    pass


class CommitmentsArgs(PeriodArgs):
    breakdown = fields.String(load_default=None, validate=validate.OneOf(BREAKDOWNS),
                              metadata={"description": "org_unit：另按下一级单位逐个给出四项承诺（逐级下钻）"})


class FigureCasesArgs(PeriodArgs, PageArgs):
    figure = fields.String(required=True, validate=validate.OneOf(FIGURES), metadata={"description": (
        "哪个数字：received 期内收件；group 某分组（group_by + key）；commitment 某项承诺（key + part）；"
        "closed 期内结案的纠纷案件（化解率分母）；resolved 期内化解；cycle 期内结案的全部案件（key=处置层级时只计该层级）；open_high_risk 未结的红橙案件（不限统计期）")})
    key = fields.String(load_default=None, validate=validate.Length(max=100),
                        metadata={"description": "分组值、承诺 key 或层级；空字符串表示缺失值（如未评估）"})
    part = fields.String(load_default=None, validate=validate.OneOf(COMMITMENT_PARTS),
                         metadata={"description": "承诺的哪一部分：cases 分母、kept 分子、not_kept 未做到、late 逾期"})
    group_by = fields.String(load_default=None, validate=validate.OneOf(GROUP_BY))


class DueSoonArgs(ScopeArgs):
    within_days = fields.Integer(load_default=3, validate=validate.Range(min=1, max=30))


class HeatmapArgs(PeriodArgs):
    version = fields.Integer(load_default=None, validate=validate.Range(min=1),
                             metadata={"description": "流程版本，缺省为最新版本"})


class RemindIn(Schema):
    message = fields.String(required=True, validate=validate.Length(min=1, max=500),
                            metadata={"description": "催办内容，留在任务的留言中并记入案件审计"})


class ExportArgs(SummaryArgs):
    report = fields.String(required=True, validate=validate.OneOf(REPORTS))


class RatioOut(Schema):
    numerator = fields.Integer()
    denominator = fields.Integer()
    rate = fields.Float(allow_none=True, metadata={"description": "0–1，保留4位；分母为0时为 null"})


class PeriodOut(Schema):
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()
    timezone = fields.String()


class UnitOut(Schema):
    id = fields.String()
    name = fields.String()


class ReportHeader(Schema):
    period = fields.Nested(PeriodOut)
    org_units = fields.List(fields.Nested(UnitOut))
    process = fields.String(allow_none=True)
    as_of = fields.DateTime()


class CommitmentOut(RatioOut):
    key = fields.String()
    label = fields.String()
    on_time = fields.Nested(RatioOut)
    late_cases = fields.Integer(metadata={"description": "有逾期记录的案件数（part=late 列出的案件）"})
    definition = fields.String()


class CommitmentsOut(ReportHeader):
    commitments = fields.List(fields.Nested(CommitmentOut))
    units = fields.List(fields.Nested(lambda: UnitCommitmentsOut()),
                        metadata={"description": "breakdown=org_unit 时：下一级各单位的四项承诺"})


class UnitCommitmentsOut(Schema):
    org_unit = fields.String()
    name = fields.String()
    level = fields.String(allow_none=True)
    has_children = fields.Boolean()
    commitments = fields.List(fields.Nested(CommitmentOut))


class GroupOut(Schema):
    key = fields.Raw(allow_none=True)
    label = fields.String()
    count = fields.Integer()


class ResolutionOut(RatioOut):
    definition = fields.String()
    closed_means = fields.String()


class CycleStatsOut(Schema):
    key = fields.Raw(allow_none=True)
    label = fields.String()
    count = fields.Integer()
    median_days = fields.Float(allow_none=True)
    p90_days = fields.Float(allow_none=True)


class CycleTimesOut(CycleStatsOut):
    by_level = fields.List(fields.Nested(CycleStatsOut))
    definition = fields.String()


class FollowUpOut(RatioOut):
    on_time = fields.Nested(RatioOut)
    definition = fields.String()


class SatisfactionOut(Schema):
    counts = fields.List(fields.Nested(GroupOut))
    total = fields.Integer()
    satisfaction_rate = fields.Nested(RatioOut)
    definition = fields.String()


class SummaryOut(ReportHeader):
    group_by = fields.String()
    groups = fields.List(fields.Nested(GroupOut))
    total = fields.Integer()
    resolution_rate = fields.Nested(ResolutionOut)
    cycle_times = fields.Nested(CycleTimesOut)
    follow_up_completion = fields.Nested(FollowUpOut)
    satisfaction = fields.Nested(SatisfactionOut)


class ServicesArgs(PeriodArgs):
    class Meta:
        exclude = ("process",)  # each part is one process's figures


class CountOut(Schema):
    key = fields.String()
    label = fields.String()
    count = fields.Integer()


class HotlineLineOut(Schema):
    key = fields.String(metadata={"description": "接听线路：main 12338主线，regional 区县妇联分线"})
    label = fields.String()
    calls = fields.Integer()
    categories = fields.List(fields.Nested(CountOut))
    answered_on_line = fields.Integer()
    to_specialist = fields.Integer()
    to_regional = fields.Integer()
    registered_dispute = fields.Integer()
    registered_petition = fields.Integer()
    dv_emergency = fields.Integer()


class CallbacksOut(Schema):
    scheduled = fields.Integer()
    done = fields.Integer()
    reached = fields.Integer()
    overdue_supervised = fields.Integer()


class HotlineOut(Schema):
    calls = fields.Integer()
    lines = fields.List(fields.Nested(HotlineLineOut))
    specialist_lines = fields.List(fields.Nested(CountOut))
    callbacks = fields.Nested(CallbacksOut)
    definition = fields.String()


class RegistryOut(Schema):
    registered = fields.Integer()
    consented = fields.Integer()
    counselled = fields.Integer()
    reconciled = fields.Integer()
    reconciliation_rate = fields.Nested(RatioOut)
    dv_referred = fields.Integer()
    outcomes = fields.List(fields.Nested(CountOut))
    definition = fields.String()


class ProjectGroupOut(Schema):
    organisation = fields.String()
    street = fields.String()
    referred = fields.Integer()
    in_service = fields.Integer()
    closed = fields.Integer()
    completion_rate = fields.Nested(RatioOut)
    outcomes = fields.List(fields.Nested(CountOut))


class ProjectsOut(Schema):
    families = fields.Integer()
    groups = fields.List(fields.Nested(ProjectGroupOut))
    definition = fields.String()


class ServicesOut(ReportHeader):
    hotline = fields.Nested(HotlineOut)
    marriage_counselling = fields.Nested(RegistryOut)
    counselling_projects = fields.Nested(ProjectsOut)


class OverdueItemOut(Schema):
    task_id = fields.String()
    case_id = fields.String()
    case_no = fields.String(allow_none=True)
    task = fields.String()
    title = fields.String()
    role = fields.String(allow_none=True)
    role_label = fields.String(allow_none=True)
    org_unit = fields.String(allow_none=True)
    org_unit_name = fields.String()
    assignee = fields.String(allow_none=True)
    due_at = fields.DateTime()
    deadline_basis = fields.String(allow_none=True)
    overdue_days = fields.Float()
    priority = fields.Integer()
    risk_colour = fields.String(allow_none=True)
    risk_colour_label = fields.String()


class OverduePage(ReportHeader):
    items = fields.List(fields.Nested(OverdueItemOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class FigureCaseOut(Schema):
    """A case behind a figure: facts and labels, never names, addresses, phones or narratives."""

    case_id = fields.String()
    case_no = fields.String(allow_none=True)
    created_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    channel = fields.String(allow_none=True)
    channel_label = fields.String()
    dispute_type = fields.String(allow_none=True)
    dispute_type_label = fields.String()
    risk_colour = fields.String(allow_none=True)
    risk_colour_label = fields.String()
    level = fields.Integer(allow_none=True)
    level_label = fields.String()
    status = fields.String()
    status_label = fields.String()
    outcome = fields.String(allow_none=True)
    outcome_label = fields.String()
    org_unit = fields.String(allow_none=True)
    org_unit_name = fields.String()


class FigureCasesPage(ReportHeader):
    figure = fields.String()
    key = fields.String(allow_none=True)
    part = fields.String(allow_none=True)
    group_by = fields.String(allow_none=True)
    items = fields.List(fields.Nested(FigureCaseOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class DueSoonItemOut(Schema):
    task_id = fields.String()
    case_id = fields.String()
    case_no = fields.String(allow_none=True)
    task = fields.String()
    title = fields.String()
    role = fields.String(allow_none=True)
    role_label = fields.String(allow_none=True)
    org_unit = fields.String(allow_none=True)
    org_unit_name = fields.String()
    assignee = fields.String(allow_none=True)
    due_at = fields.DateTime()
    deadline_basis = fields.String(allow_none=True)
    hours_left = fields.Float()
    priority = fields.Integer()
    risk_colour = fields.String(allow_none=True)
    risk_colour_label = fields.String()


class DueSoonOut(ReportHeader):
    within_days = fields.Integer()
    total = fields.Integer()
    items = fields.List(fields.Nested(DueSoonItemOut))
    definition = fields.String()


class HeatElementOut(Schema):
    element_id = fields.String()
    name = fields.String()
    kind = fields.String()
    passed = fields.Integer(metadata={"description": "期内在此办结过任务的案件数"})
    completions = fields.Integer(metadata={"description": "期内在此办结的任务数（多轮各计一次）"})
    median_hours = fields.Float(allow_none=True)
    p90_hours = fields.Float(allow_none=True)
    waiting = fields.Integer(metadata={"description": "此刻在此等待的案件数"})
    waiting_median_hours = fields.Float(allow_none=True)
    waiting_max_hours = fields.Float(allow_none=True)


class ProcessChoiceOut(Schema):
    key = fields.String()
    name = fields.String()
    versions = fields.List(fields.Integer())


class HeatmapOut(ReportHeader):
    version = fields.Integer()
    name = fields.String()
    versions = fields.List(fields.Integer())
    processes = fields.List(fields.Nested(ProcessChoiceOut))
    bpmn = fields.String()
    elements = fields.List(fields.Nested(HeatElementOut))
    definition = fields.String()


class ReminderOut(Schema):
    task_id = fields.String()
    case_id = fields.String()
    reminded_by = fields.String()
    reminded_by_name = fields.String()
    assignee = fields.String(allow_none=True)
    message = fields.String()
    at = fields.DateTime()
    comment_id = fields.Integer()
