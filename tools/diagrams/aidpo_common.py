"""Shared helpers for legal_aid_referral.py and protection_order_assist.py (my own; bpmnkit.py untouched).

- MyDiagram: bpmnkit.Diagram plus two things the generator lacks:
  * a process-level ioSpecification with dataOutputs only (a caller's call activity then gets back just
    those variables instead of all of the called process's data; inputs are not declared, so a caller's
    whole data is copied in, as SpiffWorkflow does without dataInputs);
  * timeDate timers (the generator writes timeDuration only): ids listed in `time_dates`.
- form helpers in the style of tools/diagrams/forms.py (which must not be imported: it rewrites the shared forms).
"""
import json
import os
import sys

sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
REPO_ROOT = __import__("os").path.abspath(__import__("os").path.join(__import__("os").path.dirname(__file__), "..", ".."))
from lxml import etree  # noqa: E402

from bpmnkit import Diagram, q  # noqa: E402

ROOT = REPO_ROOT


class MyDiagram(Diagram):
    def __init__(self, *args, data_outputs=(), time_dates=(), **kw):
        super().__init__(*args, **kw)
        self.data_outputs = list(data_outputs)   # [(variable, label)]
        self.time_dates = set(time_dates)

    def to_xml(self, extra_defs=None):
        raw = super().to_xml(extra_defs)
        root = etree.fromstring(raw, etree.XMLParser(remove_blank_text=True))
        process = root.find(q("bpmn", "process"))
        if self.data_outputs:
            io = etree.Element(q("bpmn", "ioSpecification"), id=f"{self.pid}_io")
            for var, label in self.data_outputs:
                etree.SubElement(io, q("bpmn", "dataOutput"), id=var, name=label)
            etree.SubElement(io, q("bpmn", "inputSet"), id=f"{self.pid}_inputs")
            outs = etree.SubElement(io, q("bpmn", "outputSet"), id=f"{self.pid}_outputs")
            for var, _ in self.data_outputs:
                etree.SubElement(outs, q("bpmn", "dataOutputRefs")).text = var
            process.insert(0, io)
        for tid in self.time_dates:
            ted = process.find(f".//{q('bpmn', 'timerEventDefinition')}[@id='{tid}_timer']")
            assert ted is not None, tid
            spec = ted.find(q("bpmn", "timeDuration"))
            spec.tag = q("bpmn", "timeDate")
        return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")


def F(name):
    return {"formJsonSchemaFilename": f"{name}.schema.json", "formUiSchemaFilename": f"{name}.uischema.json"}


# ---------------------------------------------------------------- forms
S = "https://json-schema.org/draft/2020-12/schema"


def choice(title, options, **kw):
    return {"type": "string", "title": title, "oneOf": [{"const": k, "title": v} for k, v in options], **kw}


def choices(title, options, **kw):
    return {"type": "array", "title": title, "uniqueItems": True,
            "items": {"type": "string", "oneOf": [{"const": k, "title": v} for k, v in options]}, **kw}


def text(title, **kw): return {"type": "string", "title": title, **kw}
def longtext(title, **kw): return {"type": "string", "title": title, "maxLength": 4000, **kw}
def yes(title, **kw): return {"type": "boolean", "title": title, **kw}
def dt(title, **kw): return {"type": "string", "format": "date-time", "title": title, **kw}
def day(title, **kw): return {"type": "string", "format": "date", "title": title, **kw}
def sensitive(field, reason): return {**field, "x-sensitive": True, "x-sensitive-reason": reason}


def when(field, value, required):
    """if/then: `field` == value makes `required` required"""
    return {"if": {"properties": {field: {"const": value}}, "required": [field]}, "then": {"required": required}}


def form(name, title, props, required, description=None, extra=None, widgets=None):
    schema = {"$schema": S, "$id": f"jiahe:forms/{name}.schema.json", "title": title, "type": "object",
              "required": required, "properties": props}
    if description:
        schema["description"] = description
    if extra:
        schema.update(extra)
    ui = {"ui:order": list(props) + ["*"]}
    for field, widget in (widgets or {}).items():
        ui[field] = widget
    for field, spec in props.items():
        if spec.get("x-sensitive"):
            ui.setdefault(field, {})["ui:help"] = "敏感信息：默认脱敏显示，查看将被记录"
        if spec.get("maxLength", 0) >= 1000 and field not in (widgets or {}):
            ui.setdefault(field, {})["ui:widget"] = "textarea"
        if spec.get("type") == "string" and "oneOf" in spec and len(spec["oneOf"]) <= 4:
            ui.setdefault(field, {}).setdefault("ui:widget", "radio")
        if spec.get("type") == "array" and "oneOf" in (spec.get("items") or {}):
            ui.setdefault(field, {}).setdefault("ui:widget", "checkboxes")
        if spec.get("readOnly"):
            ui.setdefault(field, {})["ui:readonly"] = True
    out = os.path.join(ROOT, "forms")
    with open(os.path.join(out, f"{name}.schema.json"), "w", encoding="utf-8") as f:
        json.dump(schema, f, ensure_ascii=False, indent=2); f.write("\n")
    with open(os.path.join(out, f"{name}.uischema.json"), "w", encoding="utf-8") as f:
        json.dump(ui, f, ensure_ascii=False, indent=2); f.write("\n")


# The same party object as the dispute intake form (forms/intake.schema.json), so that a calling
# dispute case's `parties` pass through unchanged.
PARTY = {"type": "object", "title": "当事人", "required": ["name", "role"], "properties": {
    "name": text("姓名", maxLength=50),
    "role": choice("身份", [("applicant", "申请人/求助人"), ("respondent", "被申请人"), ("child", "未成年子女"), ("other", "其他关系人")]),
    "sex": choice("性别", [("female", "女"), ("male", "男")]),
    "age": {"type": "integer", "title": "年龄", "minimum": 0, "maximum": 120},
    "ethnicity": text("民族", maxLength=20), "occupation": text("职业", maxLength=50),
    "phone": sensitive(text("联系电话", maxLength=30), "PIPL 第28条：受害人联系方式属敏感个人信息"),
    "address": sensitive(text("住址", maxLength=200), "受害人住址不得出现在对方可见的任何文书中"),
    "relation": text("与对方关系", maxLength=50),
    "marital_status": choice("婚姻状况", [("married", "已婚"), ("divorced", "离异"), ("separated", "分居"), ("cohabiting", "同居"), ("single", "未婚"), ("widowed", "丧偶")])}}


def parties(title="当事人"):
    return {"type": "array", "title": title, "items": PARTY, "minItems": 1, "maxItems": 20,
            "description": "至少登记申请人（身份选“申请人/求助人”）"}


SATISFACTION = [("satisfied", "满意"), ("basically_satisfied", "基本满意"), ("dissatisfied", "不满意"), ("unreachable", "无法联系")]
FEEDBACK_METHODS = [("phone", "电话"), ("visit", "上门"), ("in_person", "当面"), ("letter", "书面"), ("sms", "短信")]


def supervisor_reminder(name, title, description):
    form(name, title, {
        "acknowledged": {"type": "boolean", "const": True, "title": "已知悉并督办"},
        "instruction": longtext("督办意见")}, ["acknowledged"], description=description)
