"""The `jiahe` command line (see API.md)."""
from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

import click

from engine.errors import JiaheError


def _project_root() -> Path:
    return Path.cwd()


def _store():
    from engine.store import Store, database_url_from_env

    return Store(database_url_from_env())


def _runtime(store=None):
    from engine.calendar import WorkingCalendar
    from engine.runtime.runtime import Runtime

    calendar = WorkingCalendar.from_file(_project_root() / "processes" / "calendar.yaml")
    return Runtime(store or _store(), calendar=calendar)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log what the engine does.")
def cli(verbose: bool) -> None:
    """家和 Jiahe: marriage and family dispute handling on BPMN."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print findings as a JSON list.")
def lint(paths: tuple[Path, ...], as_json: bool) -> None:
    """Check BPMN/DMN/forms (default: processes/ and forms/); exit 1 on any error."""
    from engine.lint import has_errors, lint_paths

    targets = list(paths) or [_project_root() / "processes"]
    findings = lint_paths(targets)
    if as_json:
        click.echo(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        _print_findings(findings)
    sys.exit(1 if has_errors(findings) else 0)


def _print_findings(findings) -> None:
    for f in findings:
        where = f"{f.file or '-'}:{f.line or '-'}"
        element = f" [{f.element_id}]" if f.element_id else ""
        click.echo(f"{where}: {f.severity}: {f.code}{element}: {f.message}")
    errors = sum(1 for f in findings if f.severity == "error")
    click.echo(f"{errors} error(s), {len(findings) - errors} warning(s)")


@cli.group()
def db() -> None:
    """Database administration."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations."""
    store = _store()
    store.upgrade()
    click.echo(f"database at {store.url.split('@')[-1]} is up to date")


@cli.command()
@click.option("--actor", default="designer", show_default=True)
def deploy(actor: str) -> None:
    """Deploy processes/ and forms/ as new versions where their content changed."""
    from engine.runtime.deployment import deploy_project

    store = _store()
    store.upgrade()
    for d in deploy_project(_runtime(store), _project_root(), actor=actor):
        state = "new version" if d.created else "unchanged"
        click.echo(f"{d.process_key}: version {d.version} ({state}, {d.content_hash[:12]})")


@cli.group()
def audit() -> None:
    """The tamper-evident audit trail."""


@audit.command("verify")
@click.option("--case", "case_id", default=None, help="Verify one instance's chain only.")
def audit_verify(case_id: str | None) -> None:
    """Verify the hash chains; exit 1 and name the first broken event."""
    from engine.runtime.auditing import verify_audit

    report = verify_audit(_store(), case_id)
    for link in report.broken:
        click.echo(f"BROKEN {link}")
    click.echo(f"{report.streams} chain(s), {report.events} event(s) checked: "
               f"{'all intact' if report.ok else f'{len(report.broken)} broken'}")
    sys.exit(0 if report.ok else 1)


@cli.command()
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
@click.option("--once", is_flag=True, help="Run one pass and exit.")
def worker(interval: float, once: bool) -> None:
    """Fire due timers and deliver pending messages (any number may run on PostgreSQL)."""
    runtime = _runtime()
    while True:
        fired = runtime.fire_due_timers(actor="worker")
        delivered = runtime.deliver_messages()
        if fired or delivered:
            click.echo(f"fired {fired} timer(s), delivered {delivered} message(s)")
        if once:
            return
        time.sleep(interval)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except JiaheError as exc:
        click.echo(f"error: {exc.message}", err=True)
        for finding in getattr(exc, "findings", []):
            click.echo(f"  {finding.file}:{finding.line}: {finding.code} [{finding.element_id}]: "
                       f"{finding.message}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
