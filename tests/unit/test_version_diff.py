"""What changed between two versions (engine/definitions/diff.py), on small hand-written files."""
from __future__ import annotations

import json

from engine.definitions.diff import diff_bundles

HEAD = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d">'
        '<bpmn:process id="p" isExecutable="true">')


def bpmn(*, lane_of_visit="网格员", visit_name="走访", form="visit.schema.json", timer="P7D", extra="",
         condition="ok", doc="") -> str:
    refs = {name: "<bpmn:flowNodeRef>visit</bpmn:flowNodeRef>" if name == lane_of_visit else ""
            for name in ("网格员", "村调解员")}
    lanes = ('<bpmn:laneSet id="ls">'
             f'<bpmn:lane id="l1" name="网格员">{refs["网格员"]}</bpmn:lane>'
             f'<bpmn:lane id="l2" name="村调解员">{refs["村调解员"]}</bpmn:lane></bpmn:laneSet>')
    documentation = f"<bpmn:documentation>{doc}</bpmn:documentation>" if doc else ""
    return (HEAD + lanes +
            '<bpmn:startEvent id="start"/>'
            f'<bpmn:userTask id="visit" name="{visit_name}">{documentation}<bpmn:extensionElements>'
            '<spiffworkflow:properties>'
            f'<spiffworkflow:property name="formJsonSchemaFilename" value="{form}"/>'
            '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>'
            '<bpmn:boundaryEvent id="late" attachedToRef="visit"><bpmn:timerEventDefinition>'
            f'<bpmn:timeDuration>"{timer}"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
            '<bpmn:endEvent id="end"/>' + extra +
            '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="visit"/>'
            f'<bpmn:sequenceFlow id="f2" sourceRef="visit" targetRef="end"><bpmn:conditionExpression>{condition}'
            '</bpmn:conditionExpression></bpmn:sequenceFlow>'
            '</bpmn:process></bpmn:definitions>')


def bundle(text: str = "", forms: dict | None = None, dmn: dict | None = None) -> dict:
    return {"bpmn": {"p.bpmn": text or bpmn()}, "forms": forms or {}, "dmn": dmn or {}}


def changes_of(diff, element_id: str) -> dict:
    item = next(e for e in diff.elements.changed if e.id == element_id)
    return {c.field: (c.old, c.new) for c in item.changes}


def test_the_same_files_make_an_empty_diff():
    diff = diff_bundles(bundle(), bundle())
    assert diff.empty and diff.to_dict()["same"] is True


def test_a_renamed_step_moved_to_another_lane_shows_old_and_new():
    diff = diff_bundles(bundle(), bundle(bpmn(visit_name="入户走访", lane_of_visit="村调解员")))
    assert changes_of(diff, "visit") == {"name": ("走访", "入户走访"), "lane": ("网格员", "村调解员")}
    assert not diff.elements.added and not diff.elements.removed


def test_form_timer_and_documentation_changes_are_named():
    diff = diff_bundles(bundle(), bundle(bpmn(form="visit2.schema.json", timer="P3D", doc="先电话预约")))
    assert changes_of(diff, "visit") == {"property:formJsonSchemaFilename": ("visit.schema.json", "visit2.schema.json"),
                                         "documentation": (None, "先电话预约")}
    assert changes_of(diff, "late") == {"timer": ('timeDuration: "P7D"', 'timeDuration: "P3D"')}


def test_added_and_removed_elements_carry_their_type_and_name():
    extra = '<bpmn:scriptTask id="score" name="评分"/>'
    diff = diff_bundles(bundle(), bundle(bpmn(extra=extra)))
    [added] = diff.elements.added
    assert (added.id, added.type, added.name, added.process) == ("score", "scriptTask", "评分", "p")
    [removed] = diff_bundles(bundle(bpmn(extra=extra)), bundle()).elements.removed
    assert removed.id == "score"


def test_a_flow_condition_change_is_a_changed_flow():
    diff = diff_bundles(bundle(), bundle(bpmn(condition="not ok")))
    [flow] = diff.flows.changed
    assert flow.id == "f2" and [(c.field, c.old, c.new) for c in flow.changes] == [("condition", "ok", "not ok")]


def schema(**fields) -> str:
    return json.dumps({"type": "object", "required": ["name"], "properties": fields}, ensure_ascii=False)


def test_form_fields_added_removed_and_changed():
    old = {"visit.schema.json": schema(name={"type": "string", "title": "姓名"}, age={"type": "integer"})}
    new = {"visit.schema.json": schema(name={"type": "string", "title": "当事人姓名"}, phone={"type": "string"})}
    [form] = diff_bundles(bundle(forms=old), bundle(forms=new)).forms
    assert (form.file, form.status) == ("visit.schema.json", "changed")
    assert [e.id for e in form.added] == ["phone"] and [e.id for e in form.removed] == ["age"]
    [changed] = form.changed
    assert changed.id == "name" and [(c.field, c.old, c.new) for c in changed.changes] == [("title", "姓名", "当事人姓名")]


def test_a_new_form_file_lists_its_fields_as_added():
    [form] = diff_bundles(bundle(), bundle(forms={"x.schema.json": schema(name={"type": "string"})})).forms
    assert form.status == "added" and "name" in [e.id for e in form.added]


DMN = ('<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" name="d" namespace="x">'
       '<decision id="triage" name="分级"><decisionTable id="t">'
       '<input id="i1" label="分值"><inputExpression id="e1"><text>score</text></inputExpression></input>'
       '<output id="o1" label="颜色" name="colour"/>{rules}</decisionTable></decision></definitions>')


def rule(rule_id: str, when: str, then: str) -> str:
    return (f'<rule id="{rule_id}"><inputEntry id="{rule_id}_i"><text>{when}</text></inputEntry>'
            f'<outputEntry id="{rule_id}_o"><text>{then}</text></outputEntry></rule>')


def test_dmn_rules_added_removed_and_changed_per_decision():
    old = DMN.format(rules=rule("r1", "&gt;= 6", '"red"') + rule("r2", "&lt; 6", '"blue"'))
    new = DMN.format(rules=rule("r1", "&gt;= 7", '"red"') + rule("r3", "-", '"yellow"'))
    [table] = diff_bundles(bundle(dmn={"t.dmn": old}), bundle(dmn={"t.dmn": new})).decisions
    assert (table.id, table.name, table.file, table.status) == ("triage", "分级", "t.dmn", "changed")
    assert [e.id for e in table.added] == ["r3"] and [e.id for e in table.removed] == ["r2"]
    [changed] = table.changed
    assert [(c.field, c.old, c.new) for c in changed.changes] == [("when:分值", ">= 6", ">= 7")]


def test_the_diff_serialises_for_the_api():
    raw = diff_bundles(bundle(), bundle(bpmn(visit_name="入户走访"))).to_dict()
    assert raw["same"] is False and raw["elements"]["changed"][0]["changes"] == [
        {"field": "name", "old": "走访", "new": "入户走访"}]
    assert set(raw) == {"same", "elements", "flows", "forms", "decisions"}
