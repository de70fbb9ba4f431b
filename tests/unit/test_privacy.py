"""Masking the fields that forms mark as sensitive."""
from __future__ import annotations

import json
from pathlib import Path

from engine.privacy import masked, sensitive_paths, sensitive_paths_of_forms, value_at

FORMS = Path(__file__).resolve().parents[2] / "forms"
INTAKE = json.loads((FORMS / "intake.schema.json").read_text(encoding="utf-8"))


def test_the_intake_form_marks_victim_contact_and_reporter_identity():
    assert sensitive_paths(INTAKE) == {"parties[].phone", "parties[].address", "reporter_name", "reporter_phone"}


def test_shelter_location_is_sensitive_across_all_forms():
    schemas = [json.loads(p.read_text(encoding="utf-8")) for p in FORMS.glob("*.schema.json")]
    assert {"shelter_location", "shelter_name", "emergency_contacts"} <= sensitive_paths_of_forms(schemas)


def test_masking_hides_values_and_names_what_it_hid():
    data = {"summary": "争吵", "reporter_name": "王某", "parties": [
        {"name": "刘芳", "phone": "13800000001", "address": "东村3组12号"}, {"name": "陈强"}]}
    shown, hidden = masked(data, sensitive_paths(INTAKE))
    assert shown["parties"][0] == {"name": "刘芳", "phone": "138****0001", "address": "东***"}
    assert shown["reporter_name"] == "王***" and shown["summary"] == "争吵"
    assert hidden == ["parties[0].address", "parties[0].phone", "reporter_name"]
    assert data["parties"][0]["phone"] == "13800000001"  # the original is untouched
    assert value_at(data, "parties[0].phone") == "13800000001"
