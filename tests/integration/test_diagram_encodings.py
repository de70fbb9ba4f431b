"""Diagrams saved in another encoding than UTF-8 (Windows tools in China write GBK or
GB18030; some write UTF-16) deploy and run as the UTF-8 files do, through `jiahe deploy`,
`jiahe test-process` and the demo alike (they all read the project with ProjectFiles.read);
a file whose bytes are not the encoding it states is refused with a finding, never a
traceback, by `jiahe lint` and `jiahe deploy` alike."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import cli
from engine.definitions.bundle import ProjectFiles, collect_bundles
from engine.lint import lint_paths
from engine.runtime.deployment import deploy_project
from engine.runtime.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2]
RECODED = {"dispute_case.bpmn": "encoding='UTF-8'", "risk_triage.dmn": 'encoding="UTF-8"'}



def recode(project_copy: Path, encoding: str, *, declare: bool = True) -> None:
    """dispute_case.bpmn and risk_triage.dmn in `encoding`, declared as such (or left saying UTF-8)."""
    for name, declaration in RECODED.items():
        path = project_copy / "processes" / "bpmn" / name
        text = path.read_text(encoding="utf-8")
        if declare:
            text = text.replace(declaration, declaration.replace("UTF-8", encoding.upper()), 1)
        path.write_bytes(text.encode(encoding))


def _run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "gbk", "gb18030"])
def test_a_shipped_diagram_in_another_encoding_deploys_as_the_utf8_file_and_starts_a_case(
        project_copy, sqlite_only_store, clock, encoding):
    as_utf8 = {b.process_key: b.content_hash for b in collect_bundles(ProjectFiles.read(project_copy))}
    recode(project_copy, encoding)
    runtime = Runtime(sqlite_only_store, clock=clock)

    assert [f for f in lint_paths([project_copy / "processes"]) if f.severity == "error"] == []
    deployed = {d.process_key: d.content_hash for d in deploy_project(runtime, project_copy, actor="designer")}
    case = runtime.start("dispute_case", actor="clerk", org_unit="grid-a1",
                         data={"channel": "phone", "dispute_type": "divorce", "summary": "离婚财产分割争议"})

    assert deployed == as_utf8
    assert case.status == "running" and case.tasks


def test_lint_and_deploy_refuse_a_gbk_file_that_says_utf8_with_the_same_finding_and_no_traceback(project_copy):
    recode(project_copy, "gbk", declare=False)

    linted = _run("lint", "--json")
    deployed = CliRunner().invoke(cli, ["deploy"])

    errors = [f for f in json.loads(linted.output) if f["severity"] == "error"]
    assert linted.exit_code == 1 and {(Path(f["file"]).name, f["code"]) for f in errors} == {
        ("dispute_case.bpmn", "file-encoding"), ("risk_triage.dmn", "file-encoding")}
    assert deployed.exit_code == 2 and "Traceback" not in deployed.output
    for f in errors:  # the same findings, at the same lines
        assert f"{Path(f['file']).name}:{f['line']}: file-encoding [None]" in deployed.output


def test_test_process_runs_a_scenario_against_a_gb18030_diagram(project_copy):
    scenarios = project_copy / "tests" / "processes" / "womens_council_topic"
    scenarios.mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "processes" / "womens_council_topic" / "not_a_topic_answered_directly.yaml", scenarios)
    path = project_copy / "processes" / "bpmn" / "womens_council_topic.bpmn"
    text = path.read_text(encoding="utf-8").replace("encoding='UTF-8'", "encoding='GB18030'", 1)
    path.write_bytes(text.encode("gb18030"))

    result = _run("test-process", "--project", str(project_copy), "--mode", "live")

    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("1 passed, 0 failed")
