"""Field errors for submitted task data: each missing field named once, with its Chinese label."""
from __future__ import annotations

import pytest

from engine.definitions.forms import declared_fields, undeclared_fields, validate_form

SCHEMA = {
    "type": "object",
    "required": ["result", "mediated_on", "summary"],
    "properties": {
        "result": {"type": "string", "title": "调解结果"},
        "mediated_on": {"type": "string", "format": "date", "title": "调解日期"},
        "summary": {"type": "string", "title": "调解经过", "minLength": 5},
        "agreement": {"type": "object", "title": "协议", "required": ["terms"],
                      "properties": {"terms": {"type": "string", "title": "协议内容"}}},
    },
}


def test_every_missing_required_field_is_named_once_with_its_label():
    errors = validate_form(SCHEMA, {})
    assert [(e.field, e.zh) for e in errors] == [
        ("result", "「调解结果」为必填项"), ("mediated_on", "「调解日期」为必填项"), ("summary", "「调解经过」为必填项")]
    assert [e.message for e in errors] == ["调解结果 is required", "调解日期 is required", "调解经过 is required"]


def test_a_missing_field_inside_an_object_is_named_by_its_path():
    errors = validate_form(SCHEMA, {"result": "resolved", "mediated_on": "2026-03-05", "summary": "双方和解了",
                                    "agreement": {}})
    assert [(e.field, e.validator) for e in errors] == [("agreement.terms", "required")]


def test_valid_data_has_no_field_errors_and_no_form_accepts_anything():
    assert validate_form(SCHEMA, {"result": "resolved", "mediated_on": "2026-03-05", "summary": "双方和解了"}) == []
    assert validate_form(None, {"anything": 1}) == []


@pytest.mark.parametrize("value, valid", [
    ("2026-03-05T10:00:00+08:00", True), ("2026-03-05T02:00:00Z", True), ("2026-03-05T02:00:00.125z", True),
    ("2026-03-05 10:00:00+08:00", True), ("2026-03-05T10:00+08:00", False), ("2026-03-05T10:00:00", False),
    ("yesterday", False), ("2026-02-30T10:00:00Z", False), ("2026-03-05", False), ("", False),
])
def test_date_time_fields_take_rfc_3339_with_an_offset_only(value, valid):
    schema = {"type": "object", "properties": {"at": {"type": "string", "format": "date-time", "title": "时间"}}}
    errors = validate_form(schema, {"at": value})
    assert (errors == []) is valid, errors
    if not valid:
        assert errors[0].validator == "format" and errors[0].zh == "「时间」的格式不正确（应为 date-time）"


@pytest.mark.parametrize("value, valid", [
    ("2026-03-05", True), ("20260305", False), ("2026-13-01", False), ("2026-03-05T00:00:00Z", False),
])
def test_date_fields_take_a_calendar_date_only(value, valid):
    schema = {"type": "object", "properties": {"on": {"type": "string", "format": "date"}}}
    assert (validate_form(schema, {"on": value}) == []) is valid


ACCEPT = {
    "type": "object", "required": ["decision"],
    "properties": {"decision": {"type": "string"}},
    "allOf": [{"if": {"properties": {"decision": {"const": "no"}, "peeked": {"const": 1}}},
               "then": {"properties": {"reason": {"type": "string"}}}, "else": {"properties": {"note": {}}}}],
    "dependentSchemas": {"decision": {"properties": {"decided_on": {}}}},
}


def test_declared_fields_include_the_conditional_parts_but_not_what_a_condition_only_tests():
    assert declared_fields(ACCEPT) == {"decision", "reason", "note", "decided_on"}


def test_fields_a_form_does_not_declare_are_named_each_and_a_formless_step_takes_none():
    errors = undeclared_fields(ACCEPT, {"decision": "yes", "level": 1, "risk_colour": "green", "peeked": 1})
    assert [(e.field, e.validator, e.zh) for e in errors] == [
        ("level", "additionalProperties", "表单没有此字段，不能提交"),
        ("risk_colour", "additionalProperties", "表单没有此字段，不能提交"),
        ("peeked", "additionalProperties", "表单没有此字段，不能提交")]
    assert [e.field for e in undeclared_fields(None, {"note": "x"})] == ["note"]
