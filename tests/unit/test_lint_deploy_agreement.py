"""Lint and deploy decide the same (issue #10): whatever `jiahe lint` refuses, `jiahe deploy`,
POST /processes/lint and POST /processes/deploy refuse with the same finding (code, file,
line, element id), and whatever lint passes deploys. Each case builds a small project on disk
and asks all four; deploy runs against a SQLite file."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.definitions.uploads import lint_upload, read_upload, refuse_undeployable
from engine.errors import DefinitionError
from engine.limits import DMN_CELL_MAX_CHARS, MULTI_INSTANCE_MAX
from engine.lint import lint_paths
from engine.lint.context import LintContext
from engine.lint.documents import load_documents
from engine.lint.findings import error
from engine.lint.rules import run_rules
from engine.runtime.deployment import deploy_project
from engine.runtime.runtime import Runtime

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DMN_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def bpmn(pid: str, middle: str = '<bpmn:task id="work"/>', *, middle_id: str = "work", executable: str = "true",
         before: str = "", declaration: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    """A process start -> middle -> end, in a file of its own."""
    return f"""{declaration}
<bpmn:definitions xmlns:bpmn="{BPMN_NS}" id="{pid}_defs" targetNamespace="http://jiahe.example/test">{before}
  <bpmn:process id="{pid}" name="流程 {pid}" isExecutable="{executable}">
    <bpmn:startEvent id="{pid}_start"/>
    <bpmn:sequenceFlow id="{pid}_in" sourceRef="{pid}_start" targetRef="{middle_id}"/>
    {middle}
    <bpmn:sequenceFlow id="{pid}_out" sourceRef="{middle_id}" targetRef="{pid}_end"/>
    <bpmn:endEvent id="{pid}_end"/>
  </bpmn:process>
</bpmn:definitions>
"""


# A file with nothing wrong, so that an upload whose other file is refused still has a BPMN file.
SOUND = {"main.bpmn": bpmn("main")}


def call(element_id: str, target: str) -> str:
    return f'<bpmn:callActivity id="{element_id}" calledElement="{target}"/>'


@pytest.fixture
def runtime(sqlite_only_store, clock):
    return Runtime(sqlite_only_store, clock=clock)


def project(tmp_path: Path, files: dict[str, str | bytes], catalog: list[str]) -> Path:
    root = tmp_path / "project"
    (root / "processes" / "bpmn").mkdir(parents=True)
    (root / "forms").mkdir()
    for name, content in files.items():
        path = root / "processes" / "bpmn" / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    entries = "".join(f"  {key}: {{name: {key}}}\n" for key in catalog)
    (root / "processes" / "catalog.yaml").write_text(f"processes:\n{entries}", encoding="utf-8")
    return root


def _key(finding) -> tuple:
    return finding.code, Path(finding.file).name if finding.file else None, finding.line, finding.element_id


def _errors(findings) -> set[tuple]:
    return {_key(f) for f in findings if f.severity == "error"}


def _uploaded(root: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted((root / "processes").rglob("*")) if p.is_file()]


def _refusal(deploy) -> set[tuple]:
    with pytest.raises(DefinitionError) as refused:
        deploy()
    return _errors(refused.value.findings)


def _upload_deploy(runtime, root: Path):
    upload = read_upload(_uploaded(root))
    refuse_undeployable(upload)
    return deploy_project(runtime, upload.project, actor="designer")


def decisions(runtime, root: Path) -> dict[str, set[tuple]]:
    """The errors each way of checking and deploying the project gives (deploys must refuse)."""
    return {
        "jiahe lint": _errors(lint_paths([root / "processes"])),
        "jiahe deploy": _refusal(lambda: deploy_project(runtime, root, actor="designer")),
        "POST /processes/lint": _errors(lint_upload(read_upload(_uploaded(root)))),
        "POST /processes/deploy": _refusal(lambda: _upload_deploy(runtime, root)),
    }


def assert_all_refuse_with(runtime, root: Path, *expected: tuple) -> None:
    found = decisions(runtime, root)
    assert found["jiahe lint"] >= set(expected), found["jiahe lint"]
    assert all(errors == found["jiahe lint"] for errors in found.values()), found


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if marker in line)


# -- encodings --------------------------------------------------------------------------------

def test_a_diagram_in_gbk_deploys_as_it_lints(tmp_path, runtime):
    text = bpmn("a", declaration='<?xml version="1.0" encoding="GBK"?>')
    root = project(tmp_path, {"a.bpmn": text.encode("gbk")}, ["a"])

    assert _errors(lint_paths([root / "processes"])) == set()
    assert _errors(lint_upload(read_upload(_uploaded(root)))) == set()
    [deployed] = deploy_project(runtime, root, actor="designer")
    assert deployed.process_key == "a" and runtime.start("a", actor="clerk").process_key == "a"


def test_a_diagram_whose_bytes_are_not_its_declared_encoding_is_refused_everywhere_at_the_bad_line(tmp_path, runtime):
    text = bpmn("a", declaration='<?xml version="1.0" encoding="GBK"?>')
    broken = text.encode("gbk").replace("流程".encode("gbk"), "\u6d41\u7a0b\u20ac".encode("utf-8"))
    root = project(tmp_path, {"a.bpmn": broken, **SOUND}, ["a", "main"])

    assert_all_refuse_with(runtime, root, ("file-encoding", "a.bpmn", line_of(text, "流程"), None))


def test_a_utf16_byte_order_mark_under_a_utf8_declaration_is_refused_everywhere(tmp_path, runtime):
    root = project(tmp_path, {"a.bpmn": bpmn("a").encode("utf-16"), **SOUND}, ["a", "main"])

    assert_all_refuse_with(runtime, root, ("file-encoding", "a.bpmn", 1, None))


def test_a_file_that_is_not_xml_at_all_is_refused_everywhere_as_xml_syntax(tmp_path, runtime):
    root = project(tmp_path, {"a.bpmn": bpmn("a"), "junk.bpmn": b"\x00\xffnot xml at all"}, ["a"])

    found = decisions(runtime, root)

    assert {key[:2] for key in found["jiahe lint"]} == {("xml-syntax", "junk.bpmn")}
    assert all(errors == found["jiahe lint"] for errors in found.values()), found


# -- DOCTYPE, entities, XInclude --------------------------------------------------------------

def test_a_doctype_from_disk_is_refused_by_lint_and_deploy_alike(tmp_path, runtime):
    text = bpmn("a").replace("<bpmn:definitions", '<!DOCTYPE d [<!ENTITY who "x">]>\n<bpmn:definitions', 1)
    root = project(tmp_path, {"a.bpmn": text, **SOUND}, ["a", "main"])

    assert_all_refuse_with(runtime, root, ("xml-doctype", "a.bpmn", 2, None))


def test_xinclude_is_refused_by_lint_and_deploy_alike(tmp_path, runtime):
    middle = ('<bpmn:task id="work"><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/hostname"/>'
              "</bpmn:task>")
    text = bpmn("a", middle)
    root = project(tmp_path, {"a.bpmn": text, **SOUND}, ["a", "main"])

    assert_all_refuse_with(runtime, root, ("xml-doctype", "a.bpmn", line_of(text, "xi:include"), None))


def test_an_entity_file_does_not_hide_another_files_findings_in_lint_or_deploy(tmp_path, runtime):
    entity = bpmn("a", '<bpmn:task id="work"><bpmn:documentation>&who;</bpmn:documentation></bpmn:task>')
    entity = entity.replace("<bpmn:definitions", '<!DOCTYPE d [<!ENTITY who "x">]>\n<bpmn:definitions', 1)
    flawed = bpmn("b", '<bpmn:scriptTask id="work"><bpmn:script>x = (</bpmn:script></bpmn:scriptTask>')
    root = project(tmp_path, {"a.bpmn": entity, "b.bpmn": flawed}, ["a", "b"])

    found = decisions(runtime, root)

    assert {key[:2] for key in found["jiahe lint"]} == {("xml-doctype", "a.bpmn"), ("script-compile", "b.bpmn")}
    assert ("script-compile", "b.bpmn", line_of(flawed, "x = ("), "work") in found["jiahe lint"]
    assert "lint-internal" not in {key[0] for errors in found.values() for key in errors}
    assert all(errors == found["jiahe lint"] for errors in found.values()), found


def test_a_rule_that_breaks_on_one_file_still_reports_the_other_files():
    def picky(ctx: LintContext):
        for doc in ctx.documents:
            if doc.name == "odd.bpmn":
                raise RuntimeError("cannot cope")
            yield error("picky", "seen", file=doc.name)

    documents, _ = load_documents({"odd.bpmn": bpmn("a").encode(), "fine.bpmn": bpmn("b").encode()})

    findings = run_rules(LintContext(documents=documents), [picky])

    assert sorted((f.code, f.file) for f in findings) == [("lint-internal", "odd.bpmn"), ("picky", "fine.bpmn")]


# -- the catalog, SpiffWorkflow's parser, call chains, bounds ----------------------------------

def test_a_catalog_process_that_is_not_executable_is_refused_where_it_is_defined(tmp_path, runtime):
    text = bpmn("side", executable="false")
    root = project(tmp_path, {"main.bpmn": bpmn("main"), "side.bpmn": text}, ["main", "side"])

    assert_all_refuse_with(runtime, root,
                           ("process-not-executable", "side.bpmn", line_of(text, '<bpmn:process id="side"'), "side"))
    [finding] = [f for f in lint_paths([root / "processes"]) if f.code == "process-not-executable"]
    assert "catalog.yaml" in finding.message and "'side'" in finding.message


def test_a_non_executable_process_the_catalog_does_not_list_is_no_error(tmp_path, runtime):
    root = project(tmp_path, {"main.bpmn": bpmn("main"), "side.bpmn": bpmn("side", executable="false")}, ["main"])

    assert _errors(lint_paths([root / "processes"])) == {("no-process", "side.bpmn", 3, "side")}


def test_a_data_store_without_implementation_is_refused_at_its_line_and_id(tmp_path, runtime):
    text = bpmn("a", before='\n  <bpmn:dataStore id="archive" name="Archive"/>')
    root = project(tmp_path, {"a.bpmn": text}, ["a"])

    assert_all_refuse_with(runtime, root, ("parse-error", "a.bpmn", line_of(text, "dataStore"), "archive"))


def test_every_parse_error_has_a_line_and_an_element_id(tmp_path, runtime):
    texts = {
        "store.bpmn": bpmn("a", before='\n  <bpmn:dataStore id="archive" name="Archive"/>'),
        "nameless.bpmn": bpmn("b", before='\n  <bpmn:dataStore id="shelf"/>'),
        "message.bpmn": bpmn("c", before='\n  <bpmn:message name="no_id"/>'),
    }
    root = project(tmp_path, texts, ["a", "b", "c"])

    parse_errors = [key for key in decisions(runtime, root)["jiahe deploy"] if key[0] == "parse-error"]

    assert {key[1] for key in parse_errors} == set(texts)
    assert all(line is not None and element_id for _, _, line, element_id in parse_errors), parse_errors


def test_processes_calling_each_other_across_files_are_a_call_cycle_at_each_call(tmp_path, runtime):
    a, b = bpmn("a", call("call_b", "b"), middle_id="call_b"), bpmn("b", call("call_a", "a"), middle_id="call_a")
    root = project(tmp_path, {"a.bpmn": a, "b.bpmn": b}, ["a", "b"])

    assert_all_refuse_with(runtime, root, ("call-cycle", "a.bpmn", line_of(a, "callActivity"), "call_b"),
                           ("call-cycle", "b.bpmn", line_of(b, "callActivity"), "call_a"))
    messages = {f.element_id: f.message for f in lint_paths([root / "processes"]) if f.code == "call-cycle"}
    assert "a -> b -> a" in messages["call_b"] and "b -> a -> b" in messages["call_a"]


def test_a_process_calling_itself_from_a_subprocess_in_one_file_is_a_call_cycle(tmp_path, runtime):
    inner = ('<bpmn:subProcess id="work"><bpmn:startEvent id="in_start"/>'
             '<bpmn:sequenceFlow id="in_1" sourceRef="in_start" targetRef="again"/>\n'
             f'{call("again", "a")}\n'
             '<bpmn:sequenceFlow id="in_2" sourceRef="again" targetRef="in_end"/><bpmn:endEvent id="in_end"/>'
             "</bpmn:subProcess>")
    text = bpmn("a", inner)
    root = project(tmp_path, {"a.bpmn": text}, ["a"])

    assert_all_refuse_with(runtime, root, ("call-cycle", "a.bpmn", line_of(text, 'id="again"'), "again"))


def test_a_chain_of_calls_without_a_cycle_deploys(tmp_path, runtime):
    root = project(tmp_path, {"a.bpmn": bpmn("a", call("call_b", "b"), middle_id="call_b"), "b.bpmn": bpmn("b")},
                   ["a", "b"])

    assert _errors(lint_paths([root / "processes"])) == set()
    assert {d.process_key for d in deploy_project(runtime, root, actor="designer")} == {"a", "b"}


@pytest.mark.parametrize("cardinality", ["10**9", str(MULTI_INSTANCE_MAX + 1), "2**10**100"])
def test_a_constant_multi_instance_cardinality_above_the_limit_is_refused(tmp_path, runtime, cardinality):
    middle = ('<bpmn:task id="work"><bpmn:multiInstanceLoopCharacteristics>\n'
              f"<bpmn:loopCardinality>{cardinality}</bpmn:loopCardinality>\n"
              "</bpmn:multiInstanceLoopCharacteristics></bpmn:task>")
    text = bpmn("a", middle)
    root = project(tmp_path, {"a.bpmn": text}, ["a"])

    assert_all_refuse_with(runtime, root,
                           ("multi-instance-too-large", "a.bpmn", line_of(text, "loopCardinality"), "work"))


def dmn(cell: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="{DMN_NS}" id="d_defs" name="d" namespace="http://jiahe.example/dmn">
  <decision id="d" name="d">
    <decisionTable id="table">
      <input id="in_1" label="colour"><inputExpression id="in_1_expr" typeRef="string"><text>colour</text></inputExpression></input>
      <output id="out_1" name="days" typeRef="integer"/>
      <rule id="rule_1">
        <inputEntry id="rule_1_in"><text>{cell}</text></inputEntry>
        <outputEntry id="rule_1_out"><text>3</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


DECIDE = ('<bpmn:businessRuleTask id="work"><bpmn:extensionElements>'
          '<spiffworkflow:calledDecisionId xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core">d'
          "</spiffworkflow:calledDecisionId></bpmn:extensionElements></bpmn:businessRuleTask>")


def test_a_dmn_cell_longer_than_the_limit_is_refused_everywhere(tmp_path, runtime):
    text = dmn('"' + "?" * DMN_CELL_MAX_CHARS + '"')
    root = project(tmp_path, {"a.bpmn": bpmn("a", DECIDE), "d.dmn": text}, ["a"])

    assert_all_refuse_with(runtime, root, ("dmn-cell-too-long", "d.dmn", line_of(text, "rule_1_in"), "rule_1_in"))


def test_a_dmn_cell_at_the_limit_deploys(tmp_path, runtime):
    root = project(tmp_path, {"a.bpmn": bpmn("a", DECIDE), "d.dmn": dmn('"' + "x" * (DMN_CELL_MAX_CHARS - 2) + '"')},
                   ["a"])

    assert _errors(lint_paths([root / "processes"])) == set()
    assert [d.process_key for d in deploy_project(runtime, root, actor="designer")] == ["a"]
