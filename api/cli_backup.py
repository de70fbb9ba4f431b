"""`jiahe backup` and `jiahe restore`: the database (DATABASE_URL, else JIAHE_DB_PATH) and the
file store (JIAHE_FILES_DIR) in one archive with a manifest; the keys (JIAHE_KEY_DIR) only
ever in a file of their own (engine/backup.py)."""
from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import click


@click.command()
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="The archive to write (a name ending in .tar.gz), or the directory to write "
                   "jiahe-backup-<time>.tar.gz in (default: the current directory).")
@click.option("--with-keys", "keys_output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Also copy the key directory into this separate file: keep it apart from the backup.")
def backup(output: Path | None, keys_output: Path | None) -> None:
    """Back up the database and the file store into one archive with a manifest of SHA-256s.
    Safe while the server and workers run. The keys are never in it (see --with-keys)."""
    from engine import backup as backups
    from engine import keys
    from engine.store import database_url_from_env
    from engine.store.files import FileStore

    now = datetime.now(timezone.utc)
    path = _archive_path(output, now)
    report = backups.backup(database_url_from_env(), FileStore(), path, now)
    database, members = report.manifest["database"], report.manifest["members"]
    click.echo(f"{database['dialect']} database ({len(database['tables'])} tables, {sum(database['tables'].values())} "
               f"rows, revision {database['revision']}) and {report.manifest['files']} file(s) backed up into {path} "
               f"({_size(sum(m['size'] for m in members.values()))} before compression, SHA-256 {report.sha256})")
    for digest in report.skipped:
        click.echo(f"left out {digest}: its bytes no longer match its name in the file store", err=True)
    if keys_output:
        names = backups.write_keys(keys.key_dir(), keys_output, now)
        click.echo(f"keys ({', '.join(names)}) copied into {keys_output}: keep it away from the backup")
    else:
        click.echo(f"the keys are not in it: back up {keys.key_dir()} apart (or give --with-keys FILE)")
    for variable in (keys.AUDIT_KEY_ENV, keys.SECRET_KEY_ENV):
        if os.environ.get(variable):
            click.echo(f"{variable} is set: that key is in your environment file, not in any backup")


@click.command()
@click.argument("archive", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that already holds data (and differing keys).")
@click.option("--keys", "keys_archive", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="Also put the keys of this file (from `jiahe backup --with-keys`) into JIAHE_KEY_DIR.")
def restore(archive: Path, force: bool, keys_archive: Path | None) -> None:
    """Restore ARCHIVE (from `jiahe backup`) into an empty database and the file store.

    Every member is checked against the manifest before anything is written; a database that
    holds data is refused unless --force. Stop the API processes and workers first."""
    from engine import backup as backups
    from engine import keys
    from engine.store import database_url_from_env
    from engine.store.files import FileStore

    files = FileStore()
    report = backups.restore(database_url_from_env(), archive, files, force=force, keys_archive=keys_archive,
                             key_dir=keys.key_dir())
    manifest, revision = report.manifest, report.manifest["database"]["revision"]
    click.echo(f"{archive}: {len(manifest['members'])} member(s) match its manifest (taken {manifest['created_at']} "
               f"by Jiahe {manifest['jiahe_version']})")
    click.echo(f"database restored: {len(report.rows)} tables, {sum(report.rows.values())} rows, as the manifest "
               f"counts them")
    click.echo(f"files restored into {files.root}: {report.files_added} added, {report.files_present} already there")
    if report.keys:
        click.echo(f"keys restored into {keys.key_dir()}: {', '.join(report.keys)}")
    click.echo(_next_step(revision, report.head, backups.known_revision(revision)))


def add_backup_commands(group: click.Group) -> None:
    group.add_command(backup)
    group.add_command(restore)


def _next_step(revision: str | None, head: str | None, known: bool) -> str:
    if revision is not None and not known:
        return (f"warning: the archive's schema is at revision {revision}, which this Jiahe does not know (it "
                f"knows up to {head}): run the release that made it, or a newer one, before serving it")
    if revision != head:
        return (f"next: the archive's schema is at revision {revision or '(none)'}, this Jiahe's at {head}: run "
                "`jiahe db upgrade`, then `jiahe audit verify`")
    return "next: `jiahe audit verify` (with --checkpoint against your latest checkpoint), then start the services"


def _archive_path(output: Path | None, now: datetime) -> Path:
    """--output names the archive when it ends in .tar.gz, else the directory for it."""
    if output is not None and output.name.endswith(".tar.gz"):
        return output
    return (output or Path.cwd()) / f"jiahe-backup-{now.strftime('%Y%m%dT%H%M%SZ')}.tar.gz"


def _size(size: float) -> str:
    for unit in ("bytes", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"
