"""`jiahe evidence`: export a case's evidence package (证据包) and verify one, with the same
verifier every package carries as verify.py (engine/evidence_verify.py)."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click


@click.group()
def evidence() -> None:
    """Evidence packages (证据包) for courts: export one case's, verify one."""


@evidence.command("export")
@click.argument("case")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Where to write it (default: jiahe-evidence-<case number>.zip in the current directory).")
@click.option("--actor", default=None, help="Who exports it, for the case's audit trail (default: cli:<OS user>).")
def evidence_export(case: str, output: Path | None, actor: str | None) -> None:
    """Export CASE (its case number JH-... or id) as an evidence package; the export is an
    `evidence_exported` event of the case."""
    from api.cli import _runtime, _upgraded_store
    from engine.evidence import EvidenceDesk
    from engine.store.files import FileStore
    from engine.store.org_repository import ChartCache

    with _upgraded_store() as store:
        desk = EvidenceDesk(_runtime(store), ChartCache(store).get, FileStore())
        package = desk.export_by_operator(case, actor or f"cli:{getpass.getuser()}")
    path = output or Path.cwd() / package.filename
    path.write_bytes(package.content)
    click.echo(f"{package.case_no or package.case_id}: {package.events} event(s) exported into {path} "
               f"(SHA-256 {package.sha256})")


@evidence.command("verify")
@click.argument("package", type=click.Path(path_type=Path, exists=True))
@click.option("--public-key", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="The public key the federation publishes (PEM): the package must be signed with it.")
def evidence_verify(package: Path, public_key: Path | None) -> None:
    """Verify PACKAGE (a .zip or its unzipped folder) as its own verify.py does; exit 1 and
    name the first altered event or file when anything was changed."""
    from engine.evidence_verify import verify

    report = verify(str(package), str(public_key) if public_key else None)
    for line in report.lines():
        click.echo(line)
    sys.exit(0 if report.intact else 1)
