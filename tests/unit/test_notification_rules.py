"""The notification rules (processes/notifications.yaml) are data checked on load: known
recipient kinds, and templates that can name nothing a party would not want sent round."""
from __future__ import annotations

import json

import pytest

from engine.errors import ValidationFailed
from engine.notifications import RULES_FILE, TEMPLATE_FIELDS, NotificationRules, template_fields
from engine.privacy import sensitive_paths_of_forms
from tests.conftest import PROJECT_ROOT


def _write(tmp_path, text: str):
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_rules_load_and_cover_the_events_of_the_issue():
    rules = NotificationRules.load(PROJECT_ROOT / RULES_FILE)
    assert {r.event for r in rules.rules} >= {"task_ready", "task_assigned", "escalated", "risk_triaged",
                                              "incident", "reminded"}
    assert [r.urgent for r in rules.rules if r.event == "risk_triaged"] == [True]


def test_no_shipped_template_can_name_a_sensitive_field_or_the_narrative():
    forms = [json.loads(p.read_text(encoding="utf-8")) for p in (PROJECT_ROOT / "forms").glob("*.schema.json")]
    sensitive = {path.split(".")[-1] for path in sensitive_paths_of_forms(forms)}
    assert sensitive, "the forms mark their sensitive fields"
    named = {f for r in NotificationRules.load(PROJECT_ROOT / RULES_FILE).rules
             for f in template_fields(r.title) | template_fields(r.body)}
    assert named <= TEMPLATE_FIELDS
    assert not named & (sensitive | {"name", "phone", "address", "summary", "parties"})


def test_a_template_that_names_a_party_field_is_refused(tmp_path):
    path = _write(tmp_path, "rules:\n  - {event: task_ready, to: [task_candidates], title: '{task}', "
                            "body: '{parties[0].name} {case_no}'}\n")
    with pytest.raises(ValidationFailed) as refused:
        NotificationRules.load(path)
    assert [(e.field, e.validator) for e in refused.value.field_errors] == [("rules[0].body", "privacy")]


def test_an_unknown_recipient_kind_or_a_rule_without_templates_is_refused(tmp_path):
    path = _write(tmp_path, "rules:\n  - {event: task_ready, to: [everyone], title: a, body: b}\n"
                            "  - {event: task_ready, to: [assignee]}\n")
    with pytest.raises(ValidationFailed) as refused:
        NotificationRules.load(path)
    assert [e.field for e in refused.value.field_errors] == ["rules[0].to", "rules[1]"]


def test_an_overdue_rule_needs_a_repeat_and_durations_must_be_iso(tmp_path):
    path = _write(tmp_path, "rules:\n  - {event: task_overdue, to: [assignee], title: a, body: b}\n"
                            "  - {event: task_due_soon, lead: tomorrow, to: [assignee], title: a, body: b}\n")
    with pytest.raises(ValidationFailed) as refused:
        NotificationRules.load(path)
    assert [e.field for e in refused.value.field_errors] == ["rules[0].repeat", "rules[1].lead"]


def test_a_lead_in_working_days_is_a_small_whole_number_and_not_beside_a_duration(tmp_path):
    path = _write(tmp_path, "rules:\n  - {event: task_due_soon, lead_working_days: 0, to: [assignee], title: a, body: b}\n"
                            "  - {event: task_due_soon, lead: PT2H, lead_working_days: 2, to: [assignee], title: a, "
                            "body: b}\n")
    with pytest.raises(ValidationFailed) as refused:
        NotificationRules.load(path)
    assert [e.field for e in refused.value.field_errors] == ["rules[0].lead_working_days", "rules[1].lead"]
