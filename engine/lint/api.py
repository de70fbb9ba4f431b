"""lint_bundle (bytes in memory, for uploads) and lint_paths (files on disk, for the CLI)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from engine.definitions.catalog import Catalog
from engine.definitions.ladder import LADDER_DIR, read_ladders
from engine.lint.context import LintContext, Rule
from engine.lint.document_templates import lint_document_templates
from engine.lint.documents import load_documents
from engine.lint.findings import Finding, error, finalize
from engine.lint.ladders import lint_ladders
from engine.lint.rules import RULES, run_rules

DIAGRAM_SUFFIXES = {".bpmn", ".dmn"}
CATALOG_PATH = Path("processes") / "catalog.yaml"


def lint_bundle(
    files: dict[str, bytes],
    *,
    catalog: Catalog | None = None,
    forms: dict[str, bytes] | None = None,
    rules: list[Rule] | None = None,
    catalog_file: str = "catalog.yaml",
) -> list[Finding]:
    """Check BPMN and DMN files (name -> content) together with their forms (name -> JSON).

    `catalog=None` skips the lane check; `forms=None` skips checking that form files exist.
    Never raises: whatever cannot be read or parsed is reported as a finding.
    """
    return _lint(files, catalog, forms, lambda name: name, rules, catalog_file=catalog_file)


def _lint(files, catalog, forms, form_label: Callable[[str], str], rules=None, found: Iterable[Finding] = (),
          catalog_file: str = "catalog.yaml"):
    findings = list(found)
    try:
        documents, problems = load_documents(dict(files or {}))
        findings += problems
        ctx = LintContext(documents=documents, catalog=catalog, forms=forms, form_label=form_label,
                          catalog_file=catalog_file)
        findings += run_rules(ctx, RULES if rules is None else rules)
    except Exception as exc:  # noqa: BLE001 - the last resort behind the per-rule guard
        findings.append(error("lint-internal", f"lint failed: {exc!r}; the files may still be fine"))
    return finalize(findings)


def lint_paths(
    paths: list[Path],
    *,
    catalog: Catalog | None = None,
    forms_dir: Path | None = None,
) -> list[Finding]:
    """Check *.bpmn and *.dmn files (directories are searched recursively).

    Forms come from `forms_dir`, by default <project>/forms; the catalog by default from
    <project>/processes/catalog.yaml when that file exists. <project> is the nearest directory
    above the paths that has processes/catalog.yaml, or both processes/ and forms/; else the
    current directory.
    """
    paths = [Path(p) for p in paths]
    files, findings = read_diagrams(paths)
    root = project_root(paths)
    forms_dir = Path(forms_dir) if forms_dir is not None else _display(root / "forms")
    forms, problems = read_forms(forms_dir)
    findings += problems
    catalog_file = str(_display(root / CATALOG_PATH))
    if catalog is None:
        catalog, problems = load_catalog(root / CATALOG_PATH)
        findings += problems
    ladders, broken = read_ladders(root / LADDER_DIR)
    findings += lint_ladders(root, catalog, ladders, broken, catalog_file=catalog_file)
    findings += lint_document_templates(root, files, forms)
    return _lint(files, catalog, forms, lambda name: str(forms_dir / name), found=findings, catalog_file=catalog_file)


def read_diagrams(paths: list[Path]) -> tuple[dict[str, bytes], list[Finding]]:
    files, findings, seen = {}, [], set()
    for path in paths:
        if not path.exists():
            findings.append(error("file-not-found", "no such file or directory", file=str(path)))
            continue
        for file in _diagram_files(path):
            key = file.resolve()
            if key in seen:
                continue
            seen.add(key)
            try:
                files[str(file)] = file.read_bytes()
            except OSError as exc:
                findings.append(error("file-unreadable", f"cannot read: {exc.strerror or exc}", file=str(file)))
    return files, findings


def _diagram_files(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]  # named explicitly: checked whatever its suffix
    return sorted(p for p in path.rglob("*") if p.suffix.lower() in DIAGRAM_SUFFIXES and p.is_file())


def read_forms(forms_dir: Path) -> tuple[dict[str, bytes], list[Finding]]:
    """Form files by their name relative to forms_dir, as user tasks name them."""
    forms, findings = {}, []
    if not forms_dir.is_dir():
        return forms, findings
    for file in sorted(forms_dir.rglob("*.json")):
        try:
            forms[file.relative_to(forms_dir).as_posix()] = file.read_bytes()
        except OSError as exc:
            findings.append(error("file-unreadable", f"cannot read: {exc.strerror or exc}", file=str(file)))
    return forms, findings


def load_catalog(path: Path) -> tuple[Catalog | None, list[Finding]]:
    if not path.is_file():
        return None, []
    try:
        return Catalog.load(path), []
    except Exception as exc:  # noqa: BLE001 - DefinitionError, or YAML of the wrong shape
        message = getattr(exc, "message", None) or repr(exc)
        return None, [error("catalog-invalid", f"the catalog cannot be used: {message}", file=str(_display(path)))]


def project_root(paths: list[Path]) -> Path:
    for path in paths:
        start = path.absolute()
        for candidate in [start, *start.parents]:
            if candidate.is_dir() and _is_project(candidate):
                return _display(candidate)
    return Path(".")


def _is_project(directory: Path) -> bool:
    if (directory / CATALOG_PATH).is_file():
        return True
    return (directory / "processes").is_dir() and (directory / "forms").is_dir()


def _display(path: Path) -> Path:
    # Findings name files the way the user would type them: relative to where lint runs.
    try:
        return path.absolute().relative_to(Path.cwd())
    except ValueError:
        return path
