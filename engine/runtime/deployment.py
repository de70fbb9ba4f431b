"""Deploying the designer's tree: lint it, then store each changed bundle as a new version.

A bundle whose content equals the latest version's is not deployed again. One equal to an
earlier version's (deploy A, then B, then A) becomes a new latest version: that is how a
designer rolls back, and the audit event names the version it repeats."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.definitions.bundle import Bundle, ProjectFiles, collect_bundles
from engine.errors import DefinitionError
from engine.store import repository as repo
from engine.store.models import ProcessVersion


@dataclass(frozen=True)
class Deployed:
    process_key: str
    version: int
    content_hash: str
    created: bool


def lint_project(project: ProjectFiles) -> list:
    """Lint exactly what deploy would store, and the files it could not read as text (so that
    lint says why, with the code `jiahe lint` gives for the same file)."""
    from engine.lint import lint_bundle
    from engine.lint.document_templates import lint_document_templates
    from engine.lint.ladders import lint_ladders

    files = {name: text.encode("utf-8") for name, text in {**project.bpmn, **project.dmn}.items()}
    forms = {name: text.encode("utf-8") for name, text in project.forms.items()}
    for name, content in project.unreadable.items():
        (forms if name.lower().endswith(".json") else files)[name] = content
    return lint_bundle(files, catalog=project.catalog, forms=forms) + lint_ladders(
        project.root, project.catalog, project.ladders, project.broken_ladders) + lint_document_templates(
        project.root, files, forms)


def deploy_project(runtime, project: ProjectFiles | Path, *, actor: str) -> list[Deployed]:
    if not isinstance(project, ProjectFiles):
        project = ProjectFiles.read(Path(project))
    errors = [f for f in lint_project(project) if f.severity == "error"]
    if errors:
        raise DefinitionError(f"{len(errors)} lint error(s); nothing was deployed", findings=errors,
                              zh=f"检查发现 {len(errors)} 处错误，未部署任何内容")
    bundles = collect_bundles(project)
    with runtime.store.write() as session:
        return [_deploy_bundle(runtime, session, bundle, actor) for bundle in bundles]


def _deploy_bundle(runtime, session, bundle: Bundle, actor: str) -> Deployed:
    latest = repo.latest_version(session, bundle.process_key)
    digest = bundle.content_hash
    if latest is not None and latest.content_hash == digest:
        return Deployed(bundle.process_key, latest.version, digest, created=False)
    number = (latest.version if latest else 0) + 1
    now = runtime.clock.now()
    event = {"process": bundle.process_key, "version": number, "hash": digest}
    earlier = repo.version_with_content(session, bundle.process_key, digest)
    if earlier is not None:  # a roll back: say to which content
        event["same_as_version"] = earlier.version
    session.add(ProcessVersion(process_key=bundle.process_key, version=number, name=bundle.name,
                               content_hash=digest, bundle=bundle.to_dict(), deployed_at=now, deployed_by=actor))
    repo.append_audit(session, "system", at=now, type_="process_deployed", actor=actor, data=event,
                      postgres=runtime.store.is_postgres)
    return Deployed(bundle.process_key, number, digest, created=True)
