"""Which case fields a template reads: the Jinja source of a template, and the dotted paths of
the variables in it.

A .docx template's Jinja is read as docxtpl reads it (the document's XML, its headers and
footers, with Word's run markup taken out of the tags). Paths are written as forms'
are (engine.form_labels): `agreement_terms`, `petitioner.name`, and `parties[].name` for
`{% for p in parties %}{{ p.name }}`. A loop variable, `{% set %}` name or macro argument
stands for what it was bound to; Jinja's own names (`loop`, `range`, ...) are no case field.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import nodes

from engine.documents.rendering import environment
from engine.documents.templates import DocumentTemplate

JINJA_NAMES = frozenset({"loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "caller", "varargs",
                         "kwargs", "true", "false", "none", "True", "False", "None"})


@dataclass(frozen=True)
class Reference:
    path: str
    line: int | None  # in the template's source: meaningful for .html, not for .docx


def template_source(template: DocumentTemplate) -> str:
    if template.format == "docx":
        return docx_source(template.path)
    return template.path.read_text(encoding="utf-8")


def docx_source(path: Path) -> str:
    """The Jinja text docxtpl renders: body, headers and footers."""
    from docx.oxml import parse_xml
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(path))
    template.init_docx()
    text = template.patch_xml(template.xml_to_string(template.docx._element.body))
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        for relation in template.docx._part.rels.values():
            if relation.reltype == uri and relation.target_part.blob:
                text += template.patch_xml(template.xml_to_string(parse_xml(relation.target_part.blob)))
    return text


def references(source: str) -> list[Reference]:
    """Every case path the template reads, in order of appearance (raises TemplateSyntaxError)."""
    found: list[Reference] = []
    _visit(environment().parse(source), {}, found)
    return found


def _visit(node: nodes.Node, scope: dict[str, str | None], found: list[Reference]) -> None:
    if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
        _chain(node, scope, found)
    elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
        # a method call (text.split(), mapping.items()): the path is the object's
        for child in [node.node.node, *node.args, *node.kwargs, node.dyn_args, node.dyn_kwargs]:
            if child is not None:
                _visit(child, scope, found)
    elif isinstance(node, nodes.For):
        _visit(node.iter, scope, found)
        inner = {**scope, **_bind(node.target, _path(node.iter, scope), "[]")}
        for child in [node.test, *node.body]:
            if child is not None:
                _visit(child, inner, found)
        for child in node.else_:
            _visit(child, scope, found)
    elif isinstance(node, nodes.Assign):
        _visit(node.node, scope, found)
        scope.update(_bind(node.target, _path(node.node, scope), ""))
    elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
        inner = {**scope, **{arg.name: None for arg in node.args}}
        for child in node.iter_child_nodes():
            _visit(child, inner, found)
    else:
        for child in node.iter_child_nodes():
            _visit(child, scope, found)


def _chain(node, scope, found) -> None:
    """A name with its attributes and items: record its path; visit computed subscripts."""
    here = node
    while isinstance(here, (nodes.Getattr, nodes.Getitem)):
        if isinstance(here, nodes.Getitem) and not isinstance(here.arg, nodes.Const):
            _visit(here.arg, scope, found)
        here = here.node
    if not isinstance(here, nodes.Name):
        _visit(here, scope, found)
    path = _path(node, scope)
    if path:
        found.append(Reference(path, getattr(node, "lineno", None)))


def _path(node, scope) -> str | None:
    if isinstance(node, nodes.Name):
        if node.name in scope:
            return scope[node.name]
        return None if node.name in JINJA_NAMES else node.name
    if isinstance(node, nodes.Getattr):
        base = _path(node.node, scope)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, nodes.Getitem):
        base = _path(node.node, scope)
        if not base:
            return None
        if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            return f"{base}.{node.arg.value}"
        return f"{base}[]"
    if isinstance(node, nodes.Filter) and node.node is not None:
        return _path(node.node, scope)  # {% for p in parties|sort(attribute="name") %}
    return None


def _bind(target, path: str | None, suffix: str) -> dict[str, str | None]:
    if isinstance(target, nodes.Name):
        return {target.name: f"{path}{suffix}" if path else None}
    if isinstance(target, nodes.Tuple):  # for key, value in x.items(): neither is a case field
        return {name.name: None for name in target.find_all(nodes.Name)}
    return {}
