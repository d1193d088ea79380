"""`ust-registry backup FILE`, `restore FILE`, `storage gc` and `storage migrate --to URL`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask.cli import with_appcontext

from registry.ops import storage
from registry.ops.backup import BackupError
from registry.ops.backup import backup
from registry.ops.backup import backup_to_store
from registry.ops.backup import restore


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option(
    "--to-store",
    is_flag=True,
    help="keep the archive in the file store (STORAGE_URL) under backups/, not on this disk",
)
@with_appcontext
def backup_command(file: Path | None, to_store: bool) -> None:
    """Write the database and uploads to one archive FILE (or into the file store)."""
    if (file is None) == (not to_store):
        raise click.UsageError("give a FILE or --to-store (one of them)")
    try:
        if to_store:
            key, manifest = backup_to_store()
            where = f"the store as {key}"
        else:
            assert file is not None
            manifest, where = backup(file), str(file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    total = sum(manifest["rows"].values())
    click.echo(f"backup written to {where} ({manifest['dialect']}, {total} rows)")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="do not ask before replacing the data")
@with_appcontext
def restore_command(file: Path, yes: bool) -> None:
    """Replace the database and uploads with those of the archive FILE."""
    if not yes:
        click.confirm("This replaces every record and upload with the backup's. Go on?", abort=True)
    try:
        manifest = restore(file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored {file} (made {manifest['created_at']})")


@click.group("storage")
def storage_group() -> None:
    """Look after the file store (STORAGE_URL)."""


@storage_group.command("gc")
@click.option("--grace-minutes", default=60, show_default=True, type=click.IntRange(min=0))
@click.option("--dry-run", is_flag=True, help="list the orphans, delete nothing")
@with_appcontext
def storage_gc_command(grace_minutes: int, dry_run: bool) -> None:
    """Delete stored files that no record points at (left by a crash before a commit)."""
    report = storage.collect_garbage(grace=timedelta(minutes=grace_minutes), dry_run=dry_run)
    for key in report.orphans:
        click.echo(f"orphan {key}")
    verb = "would delete" if dry_run else "deleted"
    orphans = len(report.orphans)
    click.echo(f"{report.seen} objects, {orphans} orphans, {verb} {orphans}")


@storage_group.command("migrate")
@click.option("--to", "target", required=True, help="the new STORAGE_URL, e.g. s3://bucket?…")
@with_appcontext
def storage_migrate_command(target: str) -> None:
    """Copy every stored file to another store and check each one's SHA-256."""

    def progress(done: int, total: int) -> None:
        if done == total or done % 100 == 0:
            click.echo(f"{done}/{total} copied", err=True)

    try:
        report = storage.migrate(target, progress=progress)
    except (ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{report.copied} objects copied ({report.bytes} bytes), "
        f"{report.verified} verified by SHA-256, {len(report.mismatched)} mismatched"
    )
    if report.mismatched:
        raise click.ClickException("mismatched: " + ", ".join(report.mismatched))
    click.echo(f"now set STORAGE_URL={target} on every instance")
