"""`ust-registry receptors refresh`: measure every facility's distances to the receptors again."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from registry.extensions import db
from registry.maps import states as map_states
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
    click.echo(f"{count} facilities measured against the receptors")
    # Nearness is read by the compliance rules: the stored states are computed again.
    states = map_states.refresh_all(lambda done: click.echo(f"  {done} states computed", err=True))
    db.session.commit()
    click.echo(f"{states} facilities' compliance states computed")
