"""Commands that other domain packages add (reminders, backup, ...)."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Attach the commands of the domain packages."""
    from registry.ops.cli import backup_command
    from registry.ops.cli import restore_command
    from registry.ops.cli import storage_group

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(storage_group)
    from registry.compliance.cli import reminders_command

    app.cli.add_command(reminders_command)
