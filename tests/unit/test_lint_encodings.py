"""One reading of a diagram file for lint, deploy, scenarios and the demo
(engine.definitions.xml_files.diagram_text): the encoding the file states, or a refusal that
says why; never a UnicodeDecodeError."""
from __future__ import annotations

import pytest

from engine.definitions.xml_files import EncodingMismatch, ForbiddenMarkup, diagram_text
from engine.lint import lint_bundle
from tests.conftest import PROJECT_ROOT
from tests.unit.lint_support import BROKEN, summary

UTF8_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
SHIPPED = PROJECT_ROOT / "processes" / "bpmn" / "dispute_case.bpmn"
ENCODINGS = ["UTF-16", "UTF-16LE", "UTF-16BE", "UTF-32", "GBK", "GB18030", "GB2312"]


def declared(text: str, encoding: str) -> str:
    return text.replace(UTF8_DECLARATION, f'<?xml version="1.0" encoding="{encoding}"?>', 1)


def chinese(text: str = "") -> str:
    return (f'{UTF8_DECLARATION}\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            f'id="d" name="婚姻家庭纠纷调处{text}" targetNamespace="t"/>\n')


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_file_in_the_encoding_it_declares_reads_as_the_utf8_file(encoding):
    text = chinese()

    assert diagram_text(declared(text, encoding).encode(encoding)) == text


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_a_byte_order_mark_without_a_declared_encoding_is_enough(encoding):
    text = chinese().replace(UTF8_DECLARATION, '<?xml version="1.0"?>')

    assert diagram_text(text.encode(encoding)) == text


def test_a_utf8_file_with_unix_line_ends_comes_back_unchanged_so_its_content_hash_stays():
    content = SHIPPED.read_bytes()

    assert diagram_text(content) == content.decode("utf-8")


def test_line_ends_become_newlines_as_xml_parsers_read_them():
    assert diagram_text(b"<a>\r\n<b/>\r<c/>\n</a>") == "<a>\n<b/>\n<c/>\n</a>"


def test_a_declaration_spread_over_lines_keeps_the_lines_where_they_were():
    text = '<?xml version="1.0"\n   encoding="GB18030"\n?>\n<a>和</a>'

    assert diagram_text(text.encode("gb18030")) == text.replace("GB18030", "UTF-8")


@pytest.mark.parametrize(("content", "line", "says"), [
    (chinese().encode("gbk"), 2, "not UTF-8 text"),
    (declared(chinese(), "GBK").replace("纠纷", "纠纷\u20ac").encode("utf-8"), 2, 'encoding="GBK"'),
    (chinese().encode("utf-16"), 1, "UTF-16 byte order mark"),
    (declared(chinese(), "UTF-16").encode("utf-8"), 1, "is not UTF-16"),
    (declared(chinese(), "klingon").encode("utf-8"), 1, "not a known text encoding"),
    (declared(chinese(), "unicode_escape").encode("utf-8"), 1, "not a known text encoding"),
    (declared(chinese(), "hex").encode("utf-8"), 1, "not a known text encoding"),
    (b"\xff\xfe\x00garbage", 1, "not XML"),
])
def test_bytes_that_are_not_the_stated_encoding_are_refused_saying_where(content, line, says):
    with pytest.raises(EncodingMismatch) as refused:
        diagram_text(content)

    assert refused.value.line == line and says in refused.value.message


@pytest.mark.parametrize("markup", [
    '<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    '<!doctype d>',
    '<a xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="x"/></a>',
])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_doctype_entities_and_xinclude_are_refused_in_any_encoding(markup, encoding):
    with pytest.raises(ForbiddenMarkup):
        diagram_text(f"\n{markup}<a/>".encode(encoding))


@pytest.mark.parametrize("encoding", ["utf-16", "gb18030"])
def test_lint_finds_the_same_things_at_the_same_lines_whatever_the_encoding(encoding):
    text = (BROKEN / "condition_syntax.bpmn").read_text(encoding="utf-8")
    encoded = text.replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"', 1).encode(encoding)

    assert summary(lint_bundle({"c.bpmn": encoded})) == summary(lint_bundle({"c.bpmn": text.encode("utf-8")}))


def test_text_handed_in_as_a_string_is_read_as_it_is():
    assert diagram_text(declared(chinese(), "GBK")) == chinese()
