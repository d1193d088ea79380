"""Commands that other domain packages add (reminders, backup, ...)."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Attach the commands of the domain packages."""
    from registry.compliance.cli import reminders_command

    app.cli.add_command(reminders_command)
