"""`ust-registry map refresh`: compute every facility's stored compliance state again."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from registry.extensions import db
from registry.maps.states import refresh_all


@click.group("map", help="The map (facilities' stored compliance states).")
def map_group() -> None:
    """Commands on the map."""


@map_group.command("refresh")
@with_appcontext
def refresh_command() -> None:
    """Compute every facility's stored compliance state again (after a rule pack change or
    data written by bulk SQL)."""

    def progress(done: int) -> None:
        click.echo(f"  {done} facilities computed", err=True)

    count = refresh_all(progress)
    db.session.commit()
    click.echo(f"{count} facilities' compliance states computed")
