"""Request and response shapes of retention: a case's 保管期限 and legal holds, and the report
of what was anonymised when."""
from __future__ import annotations

from marshmallow import Schema, fields

from api.schemas.cases import ReasonIn


class HoldIn(ReasonIn):
    """Why the case must be kept (a lawsuit, an evidence request, an appeal)."""


class ReleaseIn(ReasonIn):
    pass


class HoldOut(Schema):
    id = fields.Integer(required=True)
    reason = fields.String(required=True)
    placed_by = fields.String(required=True)
    placed_at = fields.DateTime(required=True)
    released_by = fields.String(allow_none=True)
    released_at = fields.DateTime(allow_none=True)
    release_reason = fields.String(allow_none=True)


class CaseRetentionOut(Schema):
    retain_until = fields.String(allow_none=True, metadata={"description": "保管期限届满日（ISO 日期）；未结案件尚未确定时为空"})
    anonymised_at = fields.DateTime(allow_none=True)
    due = fields.Boolean(required=True, metadata={"description": "已届满且无保全：下一次任务运行时匿名化"})
    held = fields.Boolean(required=True, metadata={"description": "有未解除的法律保全"})
    holds = fields.List(fields.Nested(HoldOut), required=True)
    may_hold = fields.Boolean(required=True, metadata={"description": "本人督办该案，可设置和解除法律保全"})
    may_export = fields.Boolean(required=True, metadata={"description": "本人可导出证据包（督办人员或本案承办人）"})


class RetentionReportArgs(Schema):
    start = fields.Date(data_key="from", load_default=None, metadata={"description": "起（含），缺省为截止前一年"})
    end = fields.Date(data_key="to", load_default=None, metadata={"description": "止（不含），缺省为明天"})


class AnonymisedCaseOut(Schema):
    id = fields.String(required=True)
    case_no = fields.String(allow_none=True)
    process_key = fields.String(required=True)
    org_unit = fields.String(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    retain_until = fields.String(allow_none=True)
    anonymised_at = fields.DateTime(required=True)
    values = fields.Integer(required=True, metadata={"description": "匿名化的个人信息项数"})
    events = fields.Integer(required=True, metadata={"description": "抹除个人信息部分的审计事件数"})
    documents = fields.Integer(required=True, metadata={"description": "删除的文书和扫描件数"})


class ComingDueOut(Schema):
    id = fields.String(required=True)
    case_no = fields.String(allow_none=True)
    process_key = fields.String(required=True)
    org_unit = fields.String(allow_none=True)
    status = fields.String(required=True)
    retain_until = fields.String(required=True)
    held = fields.Boolean(required=True)


class RetentionReportOut(Schema):
    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")
    anonymised = fields.List(fields.Nested(AnonymisedCaseOut), required=True)
    coming_due = fields.List(fields.Nested(ComingDueOut), required=True,
                             metadata={"description": "90 天内届满、尚未匿名化的案件（含保全中的）"})

