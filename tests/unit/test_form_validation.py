"""Field errors for submitted task data: each missing field named once, with its Chinese label."""
from __future__ import annotations

from engine.definitions.forms import validate_form

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
    assert [(e.field, e.message) for e in errors] == [
        ("result", "「调解结果」为必填项"), ("mediated_on", "「调解日期」为必填项"), ("summary", "「调解经过」为必填项")]


def test_a_missing_field_inside_an_object_is_named_by_its_path():
    errors = validate_form(SCHEMA, {"result": "resolved", "mediated_on": "2026-03-05", "summary": "双方和解了",
                                    "agreement": {}})
    assert [(e.field, e.validator) for e in errors] == [("agreement.terms", "required")]


def test_valid_data_has_no_field_errors_and_no_form_accepts_anything():
    assert validate_form(SCHEMA, {"result": "resolved", "mediated_on": "2026-03-05", "summary": "双方和解了"}) == []
    assert validate_form(None, {"anything": 1}) == []
