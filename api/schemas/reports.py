"""Query parameters and response shapes of the supervision reports."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from api.schemas.common import PageArgs
from engine.calendar import parse_day_or_time
from engine.reports import GROUP_BY

REPORTS = ("summary", "commitments", "overdue", "cases")


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
    definition = fields.String()


class CommitmentsOut(ReportHeader):
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
