"""The designer's files over the wire: an upload becomes a ProjectFiles, and a deployed
bundle gives back the BPMN file that defines its process. No HTTP here: the API hands in
(file name, bytes) pairs.

An upload is the complete set for the processes it deploys (BPMN, DMN, forms and
catalog.yaml), not a patch over the server's tree: what was linted is exactly what runs.
Whatever cannot be used becomes a finding, never an exception, so that lint can report it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from engine.definitions.bundle import ProjectFiles
from engine.definitions.catalog import Catalog
from engine.definitions.xml_files import UnreadableDiagram, diagram_text
from engine.errors import DefinitionError, NotFound
from engine.lint import lint_bundle
from engine.lint.document_templates import lint_document_templates
from engine.lint.documents import parse_xml, refusal
from engine.lint.findings import ERROR, Finding, error, finalize, warning
from engine.lint.ladders import lint_ladders

CATALOG_NAMES = ("catalog.yaml", "catalog.yml")
KINDS = {".bpmn": "bpmn", ".dmn": "dmn", ".json": "forms"}


@dataclass
class Upload:
    project: ProjectFiles = field(default_factory=lambda: ProjectFiles({}, {}, {}, Catalog()))
    findings: list[Finding] = field(default_factory=list)
    has_catalog: bool = False
    catalog: Catalog | None = None  # the uploaded catalog when it could be read


def read_upload(files: Iterable[tuple[str, bytes]], project_root: Path | None = None) -> Upload:
    """Sort uploaded files into a ProjectFiles by name. Names are reduced to their last
    part: a form is found by the name its user task gives, without folders. Region profiles
    are the deployment's (those of `project_root`), like its org chart: an upload brings none."""
    upload = Upload()
    if project_root is not None:
        upload.project.use_ladders_of(project_root)
    for raw_name, content in files:
        name = PurePosixPath((raw_name or "").replace("\\", "/")).name
        problem = _refusal(upload, name)
        text, unreadable = (None, problem) if problem else _text(name, content)
        if unreadable is not None:
            upload.findings.append(unreadable)
            continue
        _add(upload, name, text)
    return upload


def _refusal(upload: Upload, name: str) -> Finding | None:
    if not name:
        return warning("upload-unnamed", "a file without a name was ignored")
    if name not in CATALOG_NAMES and PurePosixPath(name).suffix.lower() not in KINDS:
        return warning("upload-ignored", "not a .bpmn, .dmn, .json form or catalog.yaml: ignored", file=name)
    if _taken(upload, name):
        return error("upload-duplicate", "two uploaded files have this name; the second was ignored", file=name)
    return None


def _text(name: str, content: bytes) -> tuple[str | None, Finding | None]:
    """BPMN and DMN as deploy from disk reads them (any encoding they declare, no DOCTYPE);
    forms and the catalog as UTF-8."""
    if KINDS.get(PurePosixPath(name).suffix.lower()) in ("bpmn", "dmn"):
        try:
            return diagram_text(content), None
        except UnreadableDiagram as exc:
            return None, refusal(name, exc)
    try:
        return content.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, error("file-encoding", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", file=name)


def _taken(upload: Upload, name: str) -> bool:
    project = upload.project
    if name in CATALOG_NAMES:
        return upload.has_catalog
    return name in project.bpmn or name in project.dmn or name in project.forms


def _add(upload: Upload, name: str, text: str) -> None:
    if name in CATALOG_NAMES:
        upload.has_catalog = True
        upload.catalog, problem = _catalog(name, text)
        upload.project.catalog = upload.catalog or Catalog()
        upload.project.running_profile(None)
        if problem is not None:
            upload.findings.append(problem)
        return
    kind = KINDS[PurePosixPath(name).suffix.lower()]
    getattr(upload.project, kind)[name] = text


def _catalog(name: str, text: str) -> tuple[Catalog | None, Finding | None]:
    try:
        raw = yaml.safe_load(text) or {}
        if not isinstance(raw, dict):
            raise DefinitionError("expected a mapping with 'roles' and 'processes'",
                                  zh="应为包含 roles 和 processes 的映射")
        return Catalog.from_dict(raw), None
    except Exception as exc:  # noqa: BLE001 - YAML errors, DefinitionError, or a wrong shape inside
        message = getattr(exc, "message", None) or str(exc)
        return None, error("catalog-invalid", f"the catalog cannot be used: {message}", file=name)


# -- checking ---------------------------------------------------------------------------------

def lint_upload(upload: Upload) -> list[Finding]:
    """Every finding for an upload. What was not uploaded is not checked: a lone BPMN file
    is linted without the lane and form checks, and a warning says so."""
    project = upload.project
    files = {name: text.encode("utf-8") for name, text in {**project.bpmn, **project.dmn}.items()}
    forms = {name: text.encode("utf-8") for name, text in project.forms.items()}
    findings = upload.findings + _missing(upload, severity=warning)
    if project.bpmn and not forms:
        findings.append(warning("forms-missing", "no forms (.json) were uploaded: form names were not checked"))
    # Without a usable catalog the lane check is skipped rather than failing every lane.
    findings += lint_bundle(files, catalog=upload.catalog, forms=forms or None)
    if project.root is not None:
        findings += lint_ladders(project.root, upload.catalog, project.ladders, project.broken_ladders)
        findings += lint_document_templates(project.root, files, forms or None)
    return finalize(findings)


def refuse_undeployable(upload: Upload) -> None:
    """Raise DefinitionError (with every finding that blocks) when the upload itself is
    unusable; the lint of its content is left to deploy_project."""
    blocking = [f for f in upload.findings + _missing(upload, severity=error) if f.severity == ERROR]
    if not blocking:
        return
    if upload.project.bpmn:
        blocking += [f for f in lint_upload(upload) if f.severity == ERROR]
    blocking = finalize(blocking)
    raise DefinitionError(f"{len(blocking)} error(s) in the upload; nothing was deployed", findings=blocking,
                          zh=f"上传的文件有 {len(blocking)} 处错误，未部署任何内容")


def _missing(upload: Upload, *, severity) -> list[Finding]:
    found = []
    if not upload.project.bpmn:
        found.append(severity("upload-no-bpmn", "no .bpmn file was uploaded"))
    if not upload.has_catalog:
        found.append(severity("catalog-missing", "no catalog.yaml was uploaded: lanes cannot be mapped to "
                                                 "roles, nor the commitments checked"))
    return found


# -- downloading ------------------------------------------------------------------------------

def defining_bpmn(bundle: dict, process_key: str) -> tuple[str, str]:
    """(file name, XML text) of the bundle's BPMN file that defines `process_key`; a bundle
    also carries the files of the processes it calls."""
    for name, text in sorted(bundle.get("bpmn", {}).items()):
        root = parse_xml(text.encode("utf-8"))
        if any(p.get("id") == process_key for p in root.iter("{*}process")):
            return name, text
    raise NotFound(f"no BPMN file of the bundle defines process {process_key}", process=process_key,
                   zh=f"部署包中没有定义流程 {process_key} 的 BPMN 文件")
