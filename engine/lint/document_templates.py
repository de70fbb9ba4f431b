"""Document templates (processes/documents/) against the steps that name them and the forms.

- `document-missing`: a step's `documents` property names a template that does not exist;
- `document-invalid`: a template's metadata or file cannot be read (YAML, fields, a .docx that
  is no Word file, Jinja that does not parse);
- `document-field-unknown`: a template reads a variable the case cannot have: not a field of
  the forms of the processes that name it (with those they call and those that call them),
  nor a decision table's output, nor one of the context's own names (engine.documents.context);
- `document-sensitive-field`: a template the other party may see (audience `parties`) reads
  an x-sensitive field. Rendering removes those values anyway; the template should not ask.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateSyntaxError

from engine.documents.context import CONTEXT_FIELDS
from engine.documents.templates import DOCUMENTS_PROPERTY, DocumentTemplate, documents_named, read_templates
from engine.documents.variables import Reference, references, template_source
from engine.form_labels import labels_of_decisions, labels_of_forms
from engine.lint.context import BPMN_NS, NS, is_executable, local_name, owner_id, spiff_properties
from engine.lint.documents import parse_xml
from engine.lint.findings import Finding, error
from engine.lint.forms import FORM_PROPERTY, load_form_json
from engine.privacy import sensitive_paths_of_forms


@dataclass
class _Process:
    key: str
    forms: set[str] = field(default_factory=set)
    calls: set[str] = field(default_factory=set)
    templates: set[str] = field(default_factory=set)


def lint_document_templates(root: Path | None, diagrams: dict[str, bytes | str],
                            forms: dict[str, bytes | str] | None) -> list[Finding]:
    """Findings for the templates under `root` and the steps of `diagrams` (BPMN and DMN files
    by name) that name them; `forms` None: the fields are not checked. Without a project root
    (files held in memory only) there are no templates to judge the steps by: nothing."""
    if root is None:
        return []
    templates, broken = read_templates(root)
    findings = [error("document-invalid", problem.message, file=str(_meta(root, key)), line=problem.line)
                for key, problem in sorted(broken.items())]
    processes, named = _processes(diagrams, templates, broken, findings)
    schemas = _schemas(forms)
    decisions = labels_of_decisions(_texts(diagrams, ".dmn"))
    for key, template in sorted(templates.items()):
        found, problem = _references(template)
        if problem is not None:
            findings.append(problem)
        elif schemas is not None and key in named:
            related = _related(processes, {p.key for p in processes.values() if key in p.templates})
            chosen = [schemas[name] for name in sorted(set().union(*(processes[p].forms for p in related)))
                      if name in schemas]
            findings += _check_fields(template, found, chosen, decisions)
    return findings


def _processes(diagrams, templates, broken, findings) -> tuple[dict[str, _Process], set[str]]:
    processes, named = {}, set()
    for name, content in sorted(diagrams.items()):
        if not name.lower().endswith(".bpmn"):
            continue
        try:
            root = parse_xml(content.encode("utf-8") if isinstance(content, str) else content)
        except Exception:  # noqa: BLE001 - the file's own findings say why; nothing to check here
            continue
        for element in root.iterfind("bpmn:process", NS):
            if is_executable(element):
                processes[element.get("id")] = _process(name, element, templates, broken, findings, named)
    return processes, named


def _process(file: str, process, templates, broken, findings: list[Finding], named: set[str]) -> _Process:
    found = _Process(process.get("id"))
    for element in process.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{BPMN_NS}}}"):
            continue
        if local_name(element) == "callActivity" and element.get("calledElement"):
            found.calls.add(element.get("calledElement"))
        properties = spiff_properties(element)
        if FORM_PROPERTY in properties:
            found.forms.add(properties[FORM_PROPERTY].get("value"))
        if DOCUMENTS_PROPERTY in properties:
            prop = properties[DOCUMENTS_PROPERTY]
            for key in documents_named(prop.get("value")):
                named.add(key)
                found.templates.add(key)
                if key not in templates and key not in broken:
                    findings.append(error("document-missing", f"the step names the document template {key!r}, "
                                          f"which is not in processes/documents/ (there: "
                                          f"{', '.join(sorted(templates)) or 'none'})", file=file,
                                          line=prop.sourceline, element_id=owner_id(element)))
    return found


def _related(processes: dict[str, _Process], keys: set[str]) -> set[str]:
    """The processes, those they call and those that call them (transitively)."""
    related, pending = set(), list(keys)
    while pending:
        key = pending.pop()
        if key in related or key not in processes:
            continue
        related.add(key)
        pending += processes[key].calls
        pending += [p.key for p in processes.values() if key in p.calls]
    return related


def _references(template: DocumentTemplate) -> tuple[list[Reference], Finding | None]:
    try:
        return references(template_source(template)), None
    except TemplateSyntaxError as exc:
        line = exc.lineno if template.format == "pdf" else None
        return [], error("document-invalid", f"the template's Jinja does not parse: {exc.message}",
                         file=str(template.path), line=line)
    except Exception as exc:  # noqa: BLE001 - not a Word file, not UTF-8, unreadable
        return [], error("document-invalid", f"the template cannot be read: {exc}", file=str(template.path))


def _check_fields(template: DocumentTemplate, found: list[Reference], schemas: list[dict],
                  decisions: dict) -> list[Finding]:
    known = set(labels_of_forms(schemas)) | set(decisions)
    sensitive = sensitive_paths_of_forms(schemas)
    findings, seen = [], set()
    for reference in found:
        if reference.path in seen:
            continue
        seen.add(reference.path)
        line = reference.line if template.format == "pdf" else None
        unknown = _unknown(reference.path, known)
        if unknown:
            findings.append(error("document-field-unknown", f"{template.key} reads {reference.path}, but "
                                  f"{unknown} is no field of the forms of the processes that name it, no decision "
                                  f"output and none of the context's names ({', '.join(sorted(CONTEXT_FIELDS))})",
                                  file=str(template.path), line=line))
        elif template.for_parties and _under(reference.path, sensitive):
            findings.append(error("document-sensitive-field", f"{template.key} is for the parties (audience: "
                                  f"parties) and reads {reference.path}, a sensitive field (x-sensitive): the "
                                  f"other party must never see it; leave a blank line to fill in by hand",
                                  file=str(template.path), line=line))
    return findings


def _unknown(path: str, known: set[str]) -> str | None:
    """The first part of `path` that is not known ('' when all is)."""
    parts = path.replace("[]", ".[]").split(".")
    root = parts[0]
    if root in CONTEXT_FIELDS:
        fields_ = CONTEXT_FIELDS[root]
        if fields_ is None or len(parts) == 1 or parts[1] in fields_:
            return None
        return f"{root}.{parts[1]}"
    here = ""
    for part in parts:
        candidate = f"{here}{part}" if part == "[]" else (f"{here}.{part}" if here else part)
        if here and not _has_children(here, known):
            return None  # a text or number: what follows is Jinja's (a method, an index)
        if candidate not in known and not (part == "[]" and _has_children(here, known)):
            return candidate
        here = candidate
    return None


def _has_children(path: str, known: set[str]) -> bool:
    return any(k.startswith(f"{path}.") or k.startswith(f"{path}[]") for k in known)


def _under(path: str, sensitive: set[str]) -> bool:
    return any(path == s or path.startswith(f"{s}.") or path.startswith(f"{s}[]") for s in sensitive)


def _schemas(forms: dict[str, bytes | str] | None) -> dict[str, dict] | None:
    if forms is None:
        return None
    schemas = {}
    for name, content in forms.items():
        schema, problem = load_form_json(content)
        if problem is None and isinstance(schema, dict):  # else form lint reports it
            schemas[name] = schema
    return schemas


def _texts(diagrams: dict[str, bytes | str], suffix: str) -> Iterable[str]:
    for name, content in sorted(diagrams.items()):
        if name.lower().endswith(suffix):
            try:
                text = content if isinstance(content, str) else content.decode("utf-8")
                parse_xml(text.encode("utf-8"))
            except Exception:  # noqa: BLE001 - its own findings say why
                continue
            yield text


def _meta(root: Path | None, key: str) -> Path:
    from engine.documents.templates import template_dir

    return template_dir(root) / f"{key}.yaml"
