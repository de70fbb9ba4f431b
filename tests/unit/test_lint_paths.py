"""jiahe lint on files: which files are read, and where forms and the catalog come from."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.lint import lint_paths
from tests.unit.lint_support import BROKEN, PROJECT, summary


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the good project, linted from outside it so that file names are absolute."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    return root


def test_a_good_project_directory_is_linted_with_its_own_catalog_and_forms(project):
    assert lint_paths([project / "processes"]) == []


def test_a_path_that_does_not_exist_is_a_finding(tmp_path):
    missing = tmp_path / "nope.bpmn"

    assert summary(lint_paths([missing])) == [("error", "file-not-found", str(missing), None, None)]


def test_directories_are_searched_recursively_for_bpmn_and_dmn_files_only(tmp_path):
    (tmp_path / "deep").mkdir()
    shutil.copy(BROKEN / "empty.bpmn", tmp_path / "deep" / "empty.bpmn")
    shutil.copy(BROKEN / "not_xml.bpmn", tmp_path / "notes.txt")
    (tmp_path / "table.DMN").write_bytes(b"")

    findings = lint_paths([tmp_path])

    assert summary(findings) == [
        ("error", "xml-syntax", str(tmp_path / "deep" / "empty.bpmn"), None, None),
        ("error", "xml-syntax", str(tmp_path / "table.DMN"), None, None),
    ]


def test_a_file_named_twice_is_linted_once(tmp_path):
    shutil.copy(BROKEN / "empty.bpmn", tmp_path / "empty.bpmn")

    assert len(lint_paths([tmp_path, tmp_path / "empty.bpmn"])) == 1


def test_form_findings_name_the_file_under_the_project_forms_directory(project):
    (project / "forms" / "intake.schema.json").write_text('{"type": "objekt"}', encoding="utf-8")

    findings = lint_paths([project / "processes" / "bpmn"])

    assert summary(findings) == [
        ("error", "form-invalid-schema", str(project / "forms" / "intake.schema.json"), None, None),
    ]


def test_files_under_the_current_directory_are_named_relative_to_it(project, monkeypatch):
    (project / "forms" / "intake.schema.json").write_text('{"type": "objekt"}', encoding="utf-8")
    monkeypatch.chdir(project)

    findings = lint_paths([Path("processes")])

    assert [f.file for f in findings] == [str(Path("forms") / "intake.schema.json")]


def test_an_explicit_forms_directory_replaces_the_project_one(project, tmp_path):
    empty_forms = tmp_path / "other_forms"
    empty_forms.mkdir()

    findings = lint_paths([project / "processes"], forms_dir=empty_forms)

    assert {(f.code, f.element_id) for f in findings} == {("form-missing", "Task_intake")}
    assert str(empty_forms / "intake.schema.json") in findings[0].message


def test_an_unusable_catalog_is_a_finding_and_lanes_go_unchecked(project):
    catalog = project / "processes" / "catalog.yaml"
    catalog.write_text("processes: [unclosed\n", encoding="utf-8")

    findings = lint_paths([project / "processes"])

    assert summary(findings) == [("error", "catalog-invalid", str(catalog), None, None)]


def test_a_catalog_without_the_process_lanes_reports_them(project):
    (project / "processes" / "catalog.yaml").write_text("processes: {}\n", encoding="utf-8")

    findings = lint_paths([project / "processes"])

    expected_file = str(project / "processes" / "bpmn" / "intake.bpmn")
    assert summary(findings) == [("error", "lane-unmapped", expected_file, 5, "Lane_grid")]
