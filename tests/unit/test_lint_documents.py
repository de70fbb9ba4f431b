"""Lint of document templates (processes/documents/) against the steps that name them and the
forms of their processes: a missing template, an unreadable one, a variable the case cannot
have, and a sensitive field in a template the other party may see."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from engine.lint import lint_paths
from engine.lint.document_templates import lint_document_templates
from tests.unit.lint_support import summary

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "processes" / "documents"

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs">
  <bpmn:process id="letters" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="write_letter" name="出具函件">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="letter.schema.json"/>
          <spiffworkflow:property name="documents" value="{documents}"/>
        </spiffworkflow:properties>
      </bpmn:extensionElements>
    </bpmn:userTask>
  </bpmn:process>
</bpmn:definitions>
"""
FORM = {"type": "object", "properties": {
    "addressee": {"type": "string", "title": "收函单位"},
    "victim": {"type": "object", "title": "受害人", "properties": {
        "name": {"type": "string", "title": "姓名"},
        "shelter": {"type": "string", "title": "安置地点", "x-sensitive": True}}},
    "parties": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string", "title": "姓名"},
        "phone": {"type": "string", "title": "电话", "x-sensitive": True}}}}}}
META = "title: 测试函\nformat: pdf\naudience: {audience}\nlegal_basis: 测试依据\n"


def project(tmp_path: Path, html: str, audience: str = "parties", key: str = "letter") -> Path:
    folder = tmp_path / "processes" / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{key}.yaml").write_text(META.format(audience=audience), encoding="utf-8")
    (folder / f"{key}.html").write_text(html, encoding="utf-8")
    return tmp_path


def lint(root: Path, documents: str = "letter", forms=None):
    diagrams = {"letters.bpmn": BPMN.format(documents=documents).encode("utf-8")}
    forms = {"letter.schema.json": json.dumps(FORM).encode("utf-8")} if forms is None else forms
    return lint_document_templates(root, diagrams, forms)


def test_the_shipped_templates_and_processes_have_no_findings():
    files = {p.name: p.read_bytes() for p in (ROOT / "processes" / "bpmn").iterdir() if p.suffix in (".bpmn", ".dmn")}
    forms = {p.name: p.read_bytes() for p in (ROOT / "forms").glob("*.json")}
    assert lint_document_templates(ROOT, files, forms) == []


def test_a_step_naming_a_template_that_does_not_exist_is_an_error_at_its_property(tmp_path):
    root = project(tmp_path, "<p>{{ addressee }}</p>")
    findings = lint(root, documents="letter, mediation_agrement")
    assert summary(findings) == [("error", "document-missing", "letters.bpmn", 10, "write_letter")]
    assert "'mediation_agrement'" in findings[0].message and "letter" in findings[0].message


def test_a_variable_no_form_has_is_an_unknown_field_with_its_line(tmp_path):
    html = "<p>{{ addressee }}</p>\n<p>{{ victim.name }}{{ victim.age }}</p>\n<p>{{ case.case_no }}{{ case.judge }}</p>\n" \
           "{% for p in parties %}<p>{{ p.name }}{{ p.nickname }}</p>{% endfor %}\n<p>{{ agreement_terms }}</p>"
    findings = lint(project(tmp_path, html))
    assert [(f.code, f.line) for f in findings] == [("document-field-unknown", 2), ("document-field-unknown", 3),
                                                    ("document-field-unknown", 4), ("document-field-unknown", 5)]
    assert ["victim.age" in findings[0].message, "case.judge" in findings[1].message,
            "parties[].nickname" in findings[2].message, "agreement_terms" in findings[3].message] == [True] * 4


def test_context_names_loop_variables_and_methods_are_no_unknown_fields(tmp_path):
    html = "{% set who = victim %}<p>{{ who.name }} {{ today_cn }} {{ office }} {{ author }} {{ document.title }}" \
           "{{ task.title }} {{ addressee.strip() }} {{ addressee|cn_date }}</p>" \
           "{% for p in parties if p.name %}{{ loop.index|cn_number }}{{ p.name }}{% endfor %}"
    assert lint(project(tmp_path, html)) == []


def test_a_template_for_the_parties_may_not_read_a_sensitive_field(tmp_path):
    html = "<p>{{ victim.shelter }}</p>\n{% for p in parties %}{{ p.phone }}{% endfor %}"
    findings = lint(project(tmp_path, html))
    assert [(f.code, f.line) for f in findings] == [("document-sensitive-field", 1), ("document-sensitive-field", 2)]
    assert "victim.shelter" in findings[0].message
    assert lint(project(tmp_path, html, audience="agency")) == []  # a letter to the police may


def test_a_template_that_cannot_be_read_is_invalid(tmp_path):
    assert [(f.code, f.line) for f in lint(project(tmp_path, "<p>{{ addressee </p>"))] == [("document-invalid", 1)]
    folder = tmp_path / "processes" / "documents"
    (folder / "letter.yaml").write_text("title: 测试函\nformat: odt\naudience: parties\nlegal_basis: x\n",
                                        encoding="utf-8")
    [finding] = lint(tmp_path)
    assert (finding.code, finding.file) == ("document-invalid", str(folder / "letter.yaml"))
    assert "format must be one of docx, pdf" in finding.message
    (folder / "letter.yaml").write_text("title: 测试函\nformat: docx\naudience: parties\nlegal_basis: x\n",
                                        encoding="utf-8")
    assert "needs the template file letter.docx" in lint(tmp_path)[0].message
    (folder / "letter.docx").write_bytes(b"not a zip")
    [finding] = lint(tmp_path)
    assert (finding.code, finding.file) == ("document-invalid", str(folder / "letter.docx"))


def test_a_word_template_is_read_as_docxtpl_reads_it(tmp_path):
    folder = tmp_path / "processes" / "documents"
    folder.mkdir(parents=True)
    shutil.copy(SHIPPED / "mediation_agreement.docx", folder / "letter.docx")
    (folder / "letter.yaml").write_text("title: 测试函\nformat: docx\naudience: parties\nlegal_basis: x\n",
                                        encoding="utf-8")
    unknown = {f.message.split(" reads ")[1].split(",")[0] for f in lint(tmp_path)}
    # the form of this test has parties[].name only: the rest of what the agreement reads is unknown here
    assert unknown == {"dispute_facts", "agreement_terms", "performance", "parties[].role", "parties[].sex",
                       "parties[].age", "parties[].ethnicity", "parties[].occupation"}


def test_fields_are_not_judged_without_forms_and_unnamed_templates_only_for_validity(tmp_path):
    root = project(tmp_path, "<p>{{ anything }}</p>")
    assert lint_document_templates(root, {"letters.bpmn": BPMN.format(documents="letter").encode()}, None) == []
    assert lint(root, documents="") == []


def test_jiahe_lint_reports_them_with_the_diagrams(tmp_path):
    root = project(tmp_path, "<p>{{ victim.shelter }}</p>")
    (root / "processes" / "bpmn").mkdir()
    (root / "processes" / "bpmn" / "letters.bpmn").write_text(BPMN.format(documents="letter, nothing"),
                                                               encoding="utf-8")
    (root / "forms").mkdir()
    (root / "forms" / "letter.schema.json").write_text(json.dumps(FORM), encoding="utf-8")
    codes = {f.code for f in lint_paths([root / "processes"])}
    assert {"document-missing", "document-sensitive-field"} <= codes


def test_deploy_and_the_studio_refuse_a_step_whose_template_is_gone(tmp_path):
    from engine.definitions.bundle import ProjectFiles
    from engine.definitions.uploads import lint_upload, read_upload
    from engine.runtime.deployment import lint_project

    for folder in ("processes", "forms"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "processes" / "documents" / "follow_up_record.yaml").unlink()
    expected = ("error", "document-missing", "dispute_case.bpmn", "follow_up_visit")
    deployed = [f for f in lint_project(ProjectFiles.read(tmp_path)) if f.code.startswith("document-")]
    assert [(f.severity, f.code, f.file, f.element_id) for f in deployed] == [expected]
    uploaded = [(ROOT / "processes" / "bpmn" / "dispute_case.bpmn").read_bytes(),
                (ROOT / "processes" / "catalog.yaml").read_bytes()]
    upload = read_upload([("dispute_case.bpmn", uploaded[0]), ("catalog.yaml", uploaded[1]),
                          *((p.name, p.read_bytes()) for p in (ROOT / "forms").glob("*.json"))], tmp_path)
    studio = [f for f in lint_upload(upload) if f.code.startswith("document-")]
    assert [(f.severity, f.code, f.file, f.element_id) for f in studio] == [expected]
