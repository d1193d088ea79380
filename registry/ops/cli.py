"""`ust-registry backup FILE` and `ust-registry restore FILE`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from registry.ops.backup import BackupError
from registry.ops.backup import backup
from registry.ops.backup import restore


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write the database and uploads to one archive FILE."""
    try:
        manifest = backup(file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    total = sum(manifest["rows"].values())
    click.echo(f"backup written to {file} ({manifest['dialect']}, {total} rows)")


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
