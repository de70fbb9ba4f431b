"""Lint never raises on its input: any BPMN from any modeler, or garbage, becomes findings."""
from __future__ import annotations

import random

import pytest
from lxml import etree

from engine.lint import lint_bundle, lint_paths
from tests.unit.lint_support import (
    BROKEN_FORMS,
    DIAGRAMS,
    FIXTURES,
    PROJECT_FORMS,
    forms_in,
    project_catalog,
    summary,
)

BPMN = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
DMN13 = 'xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"'
ALL_FIXTURES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in {".bpmn", ".dmn"})


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: p.name)
def test_every_fixture_lints_alone_without_raising_or_failing_a_rule(path):
    findings = lint_bundle({path.name: path.read_bytes()}, catalog=project_catalog(), forms=forms_in(BROKEN_FORMS))

    assert "lint-internal" not in {f.code for f in findings}


def test_all_fixtures_lint_together_and_from_disk_without_failing_a_rule():
    together = lint_bundle({str(p): p.read_bytes() for p in ALL_FIXTURES}, catalog=project_catalog(), forms={})
    from_disk = lint_paths([FIXTURES])

    assert together and from_disk
    assert "lint-internal" not in {f.code for f in together + from_disk}


def test_a_diagram_reading_a_local_file_through_an_entity_is_refused_without_reading_it(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    xml = (
        f'<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]><bpmn:definitions {BPMN} id="d" targetNamespace="t">'
        '<bpmn:process id="p"><bpmn:startEvent id="s" name="&x;"/></bpmn:process></bpmn:definitions>'
    )

    findings = lint_bundle({"xxe.bpmn": xml.encode()})

    assert [f.code for f in findings] == ["xml-doctype"]
    assert "TOPSECRET" not in findings[0].message


def test_an_entity_expansion_bomb_is_refused():
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in zip("abcdefg", "bcdefgh", strict=True)
    )
    xml = f'<!DOCTYPE l [{entities}]><bpmn:definitions {BPMN} id="d" targetNamespace="t" name="&h;"/>'

    assert [f.code for f in lint_bundle({"bomb.bpmn": xml.encode()})] == ["xml-doctype"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (None, "xml-syntax"),
        (bytes(range(256)) * 4, "xml-syntax"),
        ('<svg xmlns="http://www.w3.org/2000/svg"/>', "parse-error"),
        (f'<bpmn:process {BPMN} id="p"/>', "parse-error"),
        (f'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions {BPMN} id="d" targetNamespace="t"/>', "no-process"),
        ("<bpmn:definitions " + BPMN + ' id="d" targetNamespace="t"><bpmn:process>'
         + "<bpmn:subProcess>" * 300 + "</bpmn:subProcess>" * 300 + "</bpmn:process></bpmn:definitions>", "xml-syntax"),
        (f"<definitions {DMN13} id='d' name='n' namespace='x'/>", "dmn-structure"),
    ],
    ids=["none", "binary", "svg", "process-root", "str-with-declaration", "too-deep", "dmn-without-decision"],
)
def test_odd_content_becomes_one_finding(content, code):
    findings = lint_bundle({"odd.bpmn": content})

    assert [f.code for f in findings] == [code]


def test_a_dmn_in_a_namespace_without_a_known_schema_is_still_linted_with_a_warning():
    dmn = (
        '<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" id="d" name="n" namespace="x">'
        '<decision id="a"><decisionTable id="t"><input id="i"><inputExpression id="e"><text>age</text>'
        '</inputExpression></input><output id="o" name="y"/><rule id="r"><inputEntry id="c"><text>18 &lt;</text>'
        "</inputEntry><outputEntry id='oe'><text>1</text></outputEntry></rule></decisionTable></decision></definitions>"
    )

    findings = lint_bundle({"new.dmn": dmn.encode()})

    assert summary(findings) == [
        ("error", "dmn-cell-compile", "new.dmn", 1, "c"),
        ("warning", "xsd", "new.dmn", 1, None),
    ]


def _mutations(root, rng: random.Random, count: int):
    """Copies of a document with one element dropped, stripped, duplicated or given junk text."""
    size = len(list(root.iter()))
    for _ in range(count):
        copy = etree.fromstring(etree.tostring(root))
        element = list(copy.iter())[rng.randrange(size)]
        kind = rng.choice(["drop", "strip", "junk", "dash", "blank-attrs", "duplicate"])
        parent = element.getparent()
        if kind == "drop" and parent is not None:
            parent.remove(element)
        elif kind == "duplicate" and parent is not None:
            parent.append(etree.fromstring(etree.tostring(element)))
        elif kind == "strip":
            element.attrib.clear()
        elif kind in ("junk", "dash"):
            element.text = "(" if kind == "junk" else "-"
        else:
            for name in element.attrib:
                element.set(name, "")
        yield etree.tostring(copy)


@pytest.mark.parametrize("name", ["intake.bpmn", "risk.dmn"])
def test_mutated_good_diagrams_never_break_a_rule(name):
    rng = random.Random(20260308)
    others = {p.name: p.read_bytes() for p in DIAGRAMS.iterdir() if p.name != name}
    root = etree.fromstring((DIAGRAMS / name).read_bytes())

    for content in _mutations(root, rng, 300):
        findings = lint_bundle({name: content, **others}, catalog=project_catalog(), forms=forms_in(PROJECT_FORMS))
        assert "lint-internal" not in {f.code for f in findings}, content
