"""`ust-registry receptors refresh`: measure every facility's distances to the receptors again."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from registry.extensions import db
from registry.receptors.distances import refresh_all


@click.group("receptors", help="Receptors (drinking-water sources, schools, wells, …).")
def receptors_group() -> None:
    """Commands on receptors."""


@receptors_group.command("refresh")
@with_appcontext
def refresh_command() -> None:
    """Measure every facility's distance to the nearest receptor of each kind again."""

    def progress(done: int) -> None:
        click.echo(f"  {done} facilities measured", err=True)

    count = refresh_all(db.session, progress)
    db.session.commit()
    click.echo(f"{count} facilities measured against the receptors")
