"""The document templates of a project: processes/documents/<key>.yaml beside its template.

    title: 人民调解协议书
    format: docx                 # docx: <key>.docx (docxtpl); pdf: <key>.html (WeasyPrint)
    audience: parties            # parties | agency | court | internal
    legal_basis: 《中华人民共和国人民调解法》第二十八条至第三十条
    description: 调解成功后打印，当事人、调解员签名并加盖调委会印章
    requires: [parties, agreement_terms]   # case fields without which it is not generated

`audience: parties` means the other party may read it: every x-sensitive value (a victim's
address, phone, shelter) is taken out of what such a template sees, and lint refuses one
that names such a field (engine.lint.document_templates).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

TEMPLATE_DIR = Path("processes") / "documents"
DOCUMENTS_PROPERTY = "documents"  # the BPMN step property naming its documents
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# format -> (template file suffix, output file suffix, output media type)
FORMATS = {"docx": (".docx", ".docx", DOCX_MEDIA_TYPE), "pdf": (".html", ".pdf", "application/pdf")}
AUDIENCES = ("parties", "agency", "court", "internal")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,99}$")


class TemplateProblem(Exception):
    """A template's metadata or file cannot be used; `message` says why."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


@dataclass(frozen=True)
class DocumentTemplate:
    key: str
    title: str
    format: str
    audience: str
    legal_basis: str
    description: str
    requires: tuple[str, ...]
    path: Path       # the template file (.docx or .html)
    meta_path: Path  # the .yaml beside it

    @property
    def media_type(self) -> str:
        return FORMATS[self.format][2]

    @property
    def extension(self) -> str:
        return FORMATS[self.format][1]

    @property
    def for_parties(self) -> bool:
        """The other party may see it: no sensitive value may reach it."""
        return self.audience == "parties"


def template_dir(root: Path | None) -> Path:
    return (Path(root) if root is not None else Path(".")) / TEMPLATE_DIR


def read_templates(root: Path | None) -> tuple[dict[str, DocumentTemplate], dict[str, TemplateProblem]]:
    """The templates of the project at `root` by key, and those that cannot be used, with why."""
    folder = template_dir(root)
    templates, broken = {}, {}
    if not folder.is_dir():
        return templates, broken
    for meta in sorted(folder.glob("*.yaml")):
        try:
            templates[meta.stem] = read_template(meta)
        except TemplateProblem as problem:
            broken[meta.stem] = problem
    return templates, broken


def read_template(meta: Path) -> DocumentTemplate:
    key = meta.stem
    if not KEY.match(key):
        raise TemplateProblem(f"the file name {meta.name} is not a template key: use lower-case snake_case")
    raw = _yaml(meta)
    fmt = _choice(raw, "format", FORMATS)
    template = DocumentTemplate(
        key=key, title=_text(raw, "title"), format=fmt, audience=_choice(raw, "audience", AUDIENCES),
        legal_basis=_text(raw, "legal_basis"), description=_text(raw, "description", required=False),
        requires=_paths(raw), path=meta.with_suffix(FORMATS[fmt][0]), meta_path=meta)
    if not template.path.is_file():
        raise TemplateProblem(f"format {fmt} needs the template file {template.path.name} beside {meta.name}")
    return template


def documents_named(value: str | None) -> list[str]:
    """The keys a step's `documents` property names, in order, each once."""
    keys = [part.strip() for part in (value or "").split(",")]
    return list(dict.fromkeys(key for key in keys if key))


def _yaml(meta: Path) -> dict:
    try:
        raw = yaml.safe_load(meta.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TemplateProblem(f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise TemplateProblem("not UTF-8 text: save the file as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TemplateProblem(f"not valid YAML: {getattr(exc, 'problem', exc)}",
                              line=mark.line + 1 if mark else None) from None
    if not isinstance(raw, dict):
        raise TemplateProblem("expected a mapping with title, format, audience and legal_basis")
    return raw


def _text(raw: dict, name: str, required: bool = True) -> str:
    value = raw.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise TemplateProblem(f"{name} must be a non-empty text")
    return value.strip()


def _choice(raw: dict, name: str, allowed) -> str:
    value = raw.get(name)
    if value not in allowed:
        raise TemplateProblem(f"{name} must be one of {', '.join(allowed)} (found {value!r})")
    return value


def _paths(raw: dict) -> tuple[str, ...]:
    value = raw.get("requires") or []
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise TemplateProblem("requires must be a list of field names")
    return tuple(item.strip() for item in value)
