"""The `jiahe` command line (see API.md)."""
from __future__ import annotations

import contextlib
import json
import logging
import sys
from pathlib import Path

import click

from api.cli_backup import add_backup_commands
from api.cli_evidence import evidence
from engine.errors import JiaheError


def _project_root() -> Path:
    return Path.cwd()


def _store():
    from engine.store import Store, database_url_from_env

    return Store(database_url_from_env())


def _runtime(store=None):
    from api.app import notify_config
    from api.config import from_env
    from engine.calendar import WorkingCalendar
    from engine.notifications import Notifier
    from engine.org import HierarchyRouter
    from engine.runtime.runtime import Runtime
    from engine.store.org_repository import ChartCache

    store = store or _store()
    calendar = WorkingCalendar.from_file(_project_root() / "processes" / "calendar.yaml")
    cfg = from_env()
    # Other processes may import the org chart too: re-read it now and then.
    charts = ChartCache(store, max_age=cfg["ORG_CHART_MAX_AGE"])
    notifier = Notifier.from_project(_project_root(), charts.get, channels_file=notify_config(cfg, _project_root()),
                                     public_url=cfg["PUBLIC_URL"])
    return Runtime(store, calendar=calendar, router=HierarchyRouter(charts.get), notifier=notifier)


class JiaheGroup(click.Group):
    """Turns the engine's errors into one readable line and exit code 2, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except JiaheError as exc:
            _print_error(exc)
            ctx.exit(2)


def _print_error(exc: JiaheError) -> None:
    click.echo(f"error: {exc.message}", err=True)
    for finding in getattr(exc, "findings", []):
        click.echo(f"  {finding.file}:{finding.line}: {finding.code} [{finding.element_id}]: "
                   f"{finding.message}", err=True)
    for field_error in getattr(exc, "field_errors", []):
        click.echo(f"  {field_error.field}: {field_error.message}", err=True)


@click.group(cls=JiaheGroup)
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
@click.option("--case", "case", default=None, help="Verify one case's chain only: its case number (JH-...) or id.")
@click.option("--checkpoint", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="Also check against a signed checkpoint: finds chains cut short, rewritten or erased since.")
@click.option("--public-key", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="The checkpoint's public key (default: the one in the key directory).")
def audit_verify(case: str | None, checkpoint: Path | None, public_key: Path | None) -> None:
    """Verify the hash chains under the audit key; exit 1 and name the first broken event."""
    from engine.runtime import checkpoints
    from engine.runtime.auditing import verify_audit

    signed = checkpoints.load(checkpoint, public_key) if checkpoint else None
    report = verify_audit(_store(), case, signed)
    for link in report.broken:
        click.echo(f"BROKEN {link}")
    against = f"; {report.checkpoint_heads} head(s) checked against {checkpoint}" if signed else ""
    click.echo(f"{report.streams} chain(s), {report.events} event(s) checked{against}: "
               f"{'all intact' if report.ok else f'{len(report.broken)} broken'}")
    sys.exit(0 if report.ok else 1)


@audit.command("checkpoint")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Where to write it (default: checkpoint-<time>.json in JIAHE_CHECKPOINT_DIR, else "
                   "var/audit-checkpoints). Keep copies "
                   "away from the database server.")
def audit_checkpoint(output: Path | None) -> None:
    """Sign every chain head now (Ed25519, key outside the database) into a checkpoint file."""
    from datetime import datetime, timezone

    from engine.runtime import checkpoints

    now = datetime.now(timezone.utc)
    document = checkpoints.take(_store(), now)
    path = output or checkpoints.checkpoint_dir() / f"checkpoint-{now.strftime('%Y%m%dT%H%M%SZ')}.json"
    checkpoints.write(document, path)
    click.echo(f"{len(document['heads'])} chain head(s) signed into {path}")


@audit.command("rekey")
def audit_rekey() -> None:
    """Move chains written before audit keys existed (plain SHA-256) to the audit key, once,
    after an upgrade; each is checked intact first, broken ones are reported and left alone."""
    from engine.runtime.auditing import rekey_legacy

    with _upgraded_store() as store:
        report = rekey_legacy(store)
    for link in report.broken:
        click.echo(f"BROKEN {link} (left as it is)")
    click.echo(f"{len(report.rekeyed)} chain(s) moved to the audit key")
    sys.exit(1 if report.broken else 0)


@cli.command()
@click.option("--interval", type=float, envvar="JIAHE_TIMER_WORKER_INTERVAL", default=5.0, show_default=True,
              show_envvar=True, help="Seconds between passes.")
@click.option("--once", is_flag=True, help="Run one pass and exit.")
def worker(interval: float, once: bool) -> None:
    """Fire due timers and deliver pending messages (any number may run on PostgreSQL).
    It survives database restarts, and stops after the pass it is in on SIGTERM or Ctrl+C."""
    import signal
    import threading

    from api.worker import one_pass, run_until_stopped

    runtime = _runtime()
    if once:
        done = one_pass(runtime)
        _echo_pass(done)
        sys.exit(1 if done.failed else 0)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    click.echo(f"worker started (every {interval:g} s); SIGTERM or Ctrl+C stops it")
    run_until_stopped(runtime, interval, stopping, report=_echo_pass)
    runtime.store.dispose()
    click.echo("worker stopped")


def _echo_pass(done) -> None:
    if done.fired or done.delivered:
        click.echo(f"fired {done.fired} timer(s), delivered {done.delivered} message(s)")
    if done.failed:
        click.echo("a pass failed (see the log); trying again after a pause", err=True)


@cli.group()
def retention() -> None:
    """保管期限: anonymise cases whose retention period has ended; what was anonymised when."""


@retention.command("run")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Act as if it were this day (China time), e.g. to see what a date will anonymise.")
def retention_run(today) -> None:
    """Anonymise every finished case past its 保管期限 that no legal hold keeps (the worker does
    this on each pass too)."""
    from engine.retention import Retention

    with _upgraded_store() as store:
        runtime = _runtime(store)
        if today is not None:
            runtime.clock = _clock_on(today)
        done = Retention(runtime).run(actor="cli", limit=100_000)
    for case in done.anonymised:
        click.echo(f"{case.case_no or case.instance_id}: {case.values} value(s), {case.events} event(s), "
                   f"{case.documents} document(s) anonymised")
    click.echo(f"{len(done.anonymised)} case(s) anonymised as of {done.today}")


@retention.command("report")
@click.option("--from", "start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option("--to", "end", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
def retention_report_command(start, end) -> None:
    """Cases anonymised in the period (default: the last year) and those coming due in 90 days."""
    from engine.retention import Retention, retention_report

    with _upgraded_store() as store:
        report = retention_report(Retention(_runtime(store)), None, start and start.date(), end and end.date())
    click.echo(f"anonymised {report.start} – {report.end}: {len(report.anonymised)}")
    for case in report.anonymised:
        click.echo(f"  {case.case_no or case.id}  {case.process_key}  保管期限 {case.retain_until}  "
                   f"anonymised {case.anonymised_at:%Y-%m-%d %H:%M}  values {case.values}  documents {case.documents}")
    click.echo(f"coming due within 90 days: {len(report.coming_due)}")
    for case in report.coming_due:
        click.echo(f"  {case.case_no or case.id}  {case.process_key}  保管期限 {case.retain_until}"
                   f"{'  (legal hold)' if case.held else ''}")


def _clock_on(day):
    from datetime import datetime, time

    from engine.calendar import CHINA_TZ
    from engine.clock import ManualClock

    return ManualClock(datetime.combine(day.date(), time(12), CHINA_TZ))


@contextlib.contextmanager
def _upgraded_store():
    """A store whose schema is current, so these commands work on a fresh database."""
    store = _store()
    try:
        store.upgrade()
        yield store
    finally:
        store.dispose()


@cli.group()
def org() -> None:
    """The organisation: org units, users and memberships."""


@org.command("import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--actor", default="admin", show_default=True)
def org_import(file: Path, actor: str) -> None:
    """Add or update the org units and users of FILE (never deletes any)."""
    from engine.store.org_repository import import_org

    with _upgraded_store() as store:
        summary = import_org(store, file, actor=actor)
    click.echo(f"{file}: {summary}{'' if summary.changed else ' (nothing changed)'}")


@cli.group()
def users() -> None:
    """Users and their (role, org unit) memberships."""


@users.command("list")
def users_list() -> None:
    """Every user with display name and memberships (role@org unit)."""
    from engine.store.org_repository import users as all_users

    with _upgraded_store() as store, store.read() as session:
        rows = all_users(session)
        lines = [(u.username, u.display_name, _membership_text(u), u.active) for u in rows]
    width = max((len(name) for name, *_ in lines), default=0)
    for name, display, memberships, active in lines:
        click.echo(f"{name.ljust(width)}  {display}  {memberships}{'' if active else '  (inactive)'}")
    if not lines:
        click.echo("no users")


def _membership_text(user) -> str:
    return ", ".join(f"{m.role}@{m.org_unit}" for m in user.memberships) or "-"


@users.command("add")
@click.argument("username")
@click.option("--role", required=True, help="Role key, e.g. grid_worker.")
@click.option("--org-unit", required=True, help="Org unit id, e.g. grid-a1.")
@click.option("--display-name", default=None, help="Name shown to others (default: the username).")
@click.option("--password", default=None,
              help="Required for a new user; asked for when omitted and stdin is a terminal.")
@click.option("--actor", default="admin", show_default=True)
def users_add(username: str, role: str, org_unit: str, display_name: str | None, password: str | None,
              actor: str) -> None:
    """Add USERNAME, or give an existing user another membership (and, if given, a new
    display name or password)."""
    from engine.store.org_models import AppUser
    from engine.store.org_repository import add_user

    with _upgraded_store() as store:
        if password is None:
            with store.read() as session:
                # A known user keeps her password; only a new one must have one.
                password = None if session.get(AppUser, username.strip()) else _ask_password()
        with store.write() as session:
            summary = add_user(session, username, role=role, org_unit=org_unit, display_name=display_name,
                               password=password, actor=actor)
    click.echo(f"{username}: {summary}{'' if summary.changed else ' (nothing changed)'}")


def _ask_password() -> str:
    if not sys.stdin.isatty():
        from engine.errors import FieldError, ValidationFailed

        raise ValidationFailed("give --password: stdin is not a terminal, so it cannot be asked for",
                               [FieldError("password", "required", zh="必填")],
                               zh="请用 --password 提供密码：标准输入不是终端，无法询问")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@cli.command("test-process")
@click.argument("scenarios", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--project", "project", type=click.Path(path_type=Path, exists=True, file_okay=False),
              default=None, help="Directory holding processes/ and forms/ (default: the current one).")
@click.option("--mode", "modes", type=click.Choice(["live", "restored"]), multiple=True,
              help="Run only this mode (repeatable; default: both).")
def test_process(scenarios: tuple[Path, ...], project: Path | None, modes: tuple[str, ...]) -> None:
    """Run process scenario files (default: all under tests/processes/); exit 1 on any failure.

    A SCENARIO may be a file or a directory searched for *.yaml. Each scenario runs live (one
    runtime throughout) and restored (a new runtime for every step)."""
    from engine.scenarios import MODES, iter_results
    from engine.scenarios.report import result_lines, summary_line

    root = project or _project_root()
    files = _scenario_files(scenarios, root)
    if not files:
        where = ", ".join(map(str, scenarios)) or str(root / "tests" / "processes")
        click.echo(f"no scenario files found in {where}")
        sys.exit(1)
    results = []
    for result in iter_results(files, root, modes or MODES):
        results.append(result)
        for line in result_lines(result):
            click.echo(line)
    click.echo(summary_line(results))
    sys.exit(0 if all(r.passed for r in results) else 1)


def _scenario_files(scenarios: tuple[Path, ...], root: Path) -> list[Path]:
    from engine.scenarios import discover

    if not scenarios:
        return discover(root)
    files: list[Path] = []
    for path in scenarios:
        files.extend(discover(path, ".") if path.is_dir() else [path])
    return files


@cli.command()
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the document to FILE instead of standard output.")
def openapi(output: Path | None) -> None:
    """The OpenAPI document the server serves at /api/openapi.json, keys sorted (the web app
    generates its API types from it)."""
    import tempfile

    from api.app import create_app

    # A throwaway database and secret: the document depends on neither, and building it must
    # not touch the real ones.
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app({"DATABASE_URL": f"sqlite:///{scratch}/openapi.sqlite3", "SECRET_KEY": "openapi",
                          "START_TIMER_WORKER": False})
        try:
            document = app.test_client().get("/api/openapi.json").get_json()
        finally:
            app.extensions["jiahe"].store.dispose()
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


# -- the server ------------------------------------------------------------------------------

@cli.command()
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 opens the demo to the whole network.")
@click.option("--no-seed", is_flag=True, help="Import the demo organisation and deploy, but create no demo cases.")
def demo(port: int, host: str, no_seed: bool) -> None:
    """The demo: the default SQLite database (unless DATABASE_URL is set), the demo
    organisation, the processes and a handful of cases, served with an in-process timer worker."""
    from api.worker import start_worker_thread
    from engine.demo import seed_demo
    from engine.runtime.auditing import rekey_legacy

    root = _server_project_root()
    app = _server_app(worker=False)
    svc = app.extensions["jiahe"]
    # A database from before audit keys: its chains move to the key (they are checked first).
    rekeyed = rekey_legacy(svc.store).rekeyed
    # Seeded before the worker starts, so that the two never queue for SQLite's write lock.
    summary = seed_demo(svc.runtime, svc.store, root, svc.clock, cases=not no_seed)
    start_worker_thread(app)
    _print_demo_banner(svc.store, summary, root, host, port, app.config)
    if rekeyed:
        click.echo(f"  audit      {len(rekeyed)} chain(s) written before audit keys moved to the key")
    _serve(app, host, port)


@cli.command()
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--with-worker", is_flag=True,
              help="Also fire timers and deliver messages in this process (like JIAHE_TIMER_WORKER=thread).")
def serve(port: int, host: str, with_worker: bool) -> None:
    """Run the API server (the development server; production runs gunicorn 'api:create_app()')."""
    app = _server_app(worker=True if with_worker else None)
    svc = app.extensions["jiahe"]
    click.echo(f"  database   {_safe_url(svc.store.url)}")
    _print_urls(host, port)
    _serve(app, host, port)


def _server_project_root() -> Path:
    from api.config import from_env

    root = Path(from_env()["JIAHE_PROJECT_ROOT"])
    if not (root / "processes").is_dir():
        raise click.UsageError(f"no processes/ in {root}: run this in the project directory "
                               "(or set JIAHE_PROJECT_ROOT)")
    return root


def _server_app(*, worker: bool | None):
    """The app as gunicorn would build it; worker=None leaves JIAHE_TIMER_WORKER in charge."""
    from api.app import create_app

    return create_app(None if worker is None else {"START_TIMER_WORKER": worker})


def _serve(app, host: str, port: int) -> None:
    from api.worker import stop_worker_thread

    _plain_request_log()
    try:
        # No reloader: it would run a second copy of this process, with a second worker.
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        stop_worker_thread(app, timeout=5)


def _plain_request_log() -> None:
    """Werkzeug's request lines on their own handler: through the root logger they would
    carry the "INFO " prefix of `cli`'s log format, and vanish unless -v was given."""
    log = logging.getLogger("werkzeug")
    log.setLevel(logging.INFO)
    log.addHandler(logging.StreamHandler())
    log.propagate = False


def _print_demo_banner(store, summary, root: Path, host: str, port: int, config) -> None:
    from api.worker import worker_interval
    from engine import keys
    from engine.demo import DEMO_PASSWORD, demo_logins

    click.echo("家和 Jiahe demo")
    click.echo(f"  database   {_safe_url(store.url)}")
    for d in summary.deployed:
        click.echo(f"  process    {d.process_key} version {d.version}{' (new)' if d.created else ''}")
    click.echo(f"  cases      {summary}")
    click.echo(f"  timers     fired by a worker thread every {worker_interval(config):g} s")
    click.echo(f"  keys       {keys.key_dir()} (audit HMAC, checkpoint signing, session secret: back them up, "
               "keep them off the database server)")
    _print_urls(host, port)
    click.echo(f"Demo logins (every password is {DEMO_PASSWORD}):")
    logins = demo_logins(root)
    width = max(len(login.username) for login in logins)
    role_width = max(len(login.role) for login in logins)
    for login in logins:
        # The Chinese names go last: their double-width characters would break the columns.
        click.echo(f"  {login.username.ljust(width)}  {login.role.ljust(role_width)}  "
                   f"{login.org_unit.ljust(9)}  {login.display_name} · {login.org_unit_name}")
    click.echo("Press Ctrl+C to stop.")


def _print_urls(host: str, port: int) -> None:
    base = f"http://{_url_host(host)}:{port}"
    click.echo(f"  server     {base}/")
    click.echo(f"  API docs   {base}/api/docs")


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"  # listening everywhere: this machine answers on loopback too
    return f"[{host}]" if ":" in host else host


def _safe_url(url: str) -> str:
    """The database URL without its credentials."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme}{sep}{rest.split('@')[-1]}"


cli.add_command(evidence)
add_backup_commands(cli)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
