"""Schemas of the in-app inbox (通知)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import PageArgs


class InboxArgs(PageArgs):
    unread = fields.Boolean(load_default=False, metadata={"description": "只列未读"})


class NotificationOut(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "引起通知的审计事件类型，如 task_ready、reminded"})
    urgent = fields.Boolean(metadata={"description": "红色预警：免打扰时段也送达"})
    case_id = fields.String(attribute="instance_id", allow_none=True)
    task_id = fields.String(allow_none=True)
    title = fields.String()
    body = fields.String()
    link = fields.String(metadata={"description": "网页内的去处：/tasks/{id} 或 /cases/{id}"})
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class InboxPageOut(Schema):
    items = fields.List(fields.Nested(NotificationOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    unread = fields.Integer()


class InboxStateOut(Schema):
    unread = fields.Integer()
    newest = fields.Integer(allow_none=True)


class MarkedOut(Schema):
    marked = fields.Integer()


class StreamArgs(Schema):
    seconds = fields.Integer(load_default=None, validate=validate.Range(min=0, max=3600),
                             metadata={"description": "多少秒后结束（0：只发当前状态）；不超过服务器的上限"})


class QuietHoursSchema(Schema):
    start = fields.String(required=True, metadata={"description": "HH:MM，北京时间"})
    end = fields.String(required=True, metadata={"description": "HH:MM，北京时间；可跨午夜"})


class NotificationSettingsIn(Schema):
    quiet_hours = fields.Nested(QuietHoursSchema, allow_none=True, load_default=None,
                                metadata={"description": "免打扰时段（只管本人的外部渠道；红色预警不受限）"})
    outside = fields.Boolean(load_default=True, metadata={"description": "是否发送到本人的外部渠道"})
    muted = fields.List(fields.String(), load_default=list, validate=validate.Length(max=20),
                        metadata={"description": "不发送到外部渠道的通知类型（站内通知照常保留）"})


class NotificationSettingsOut(Schema):
    quiet_hours = fields.Nested(QuietHoursSchema, allow_none=True)
    outside = fields.Boolean()
    muted = fields.List(fields.String())
    mutable_kinds = fields.List(fields.String(), metadata={"description": "可以选择不发送的通知类型"})
