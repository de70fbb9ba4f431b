"""Shared fixtures paths and helpers for the lint tests."""
from __future__ import annotations

from pathlib import Path

from engine.definitions.catalog import Catalog
from engine.lint import lint_bundle

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "lint"
BROKEN = FIXTURES / "broken"
PROJECT = FIXTURES / "project"
DIAGRAMS = PROJECT / "processes" / "bpmn"
PROJECT_FORMS = PROJECT / "forms"
BROKEN_FORMS = FIXTURES / "forms_broken"

_NOT_GIVEN = object()


def project_catalog() -> Catalog:
    return Catalog.load(PROJECT / "processes" / "catalog.yaml")


def forms_in(*directories: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for d in directories for p in sorted(d.glob("*.json"))}


def good_bundle() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(DIAGRAMS.iterdir())}


def lint_broken(name: str, *, catalog=_NOT_GIVEN, forms=_NOT_GIVEN):
    """Lint one broken fixture alone, with the good project's catalog and forms."""
    return lint_bundle(
        {name: (BROKEN / name).read_bytes()},
        catalog=project_catalog() if catalog is _NOT_GIVEN else catalog,
        forms=forms_in(PROJECT_FORMS) if forms is _NOT_GIVEN else forms,
    )


def summary(findings) -> list[tuple]:
    return [(f.severity, f.code, f.file, f.line, f.element_id) for f in findings]


def with_code(findings, code: str) -> list[tuple]:
    return [s for s, f in zip(summary(findings), findings, strict=True) if f.code == code]
