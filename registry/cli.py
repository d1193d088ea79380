"""The `ust-registry` command group, bound to the app."""

from __future__ import annotations

import os
from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup
from flask.cli import run_command
from flask.cli import with_appcontext
from sqlalchemy import func
from sqlalchemy import select

from registry.app import create_app
from registry.audit.services import acting_as
from registry.auth.services import create_user
from registry.compliance.cli import reminders_command
from registry.core.errors import DomainError
from registry.demo import DEMO_PASSWORDS
from registry.demo import load_demo
from registry.extensions import db
from registry.maps.cli import map_group
from registry.ops.cli import backup_command
from registry.ops.cli import restore_command
from registry.ops.cli import storage_group
from registry.receptors.cli import receptors_group
from registry.sites.models import Organization
from registry.sites.services import find_organization_by_code


@click.group("users", help="Manage user accounts.")
def users_group() -> None:
    """Manage user accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option(
    "--role", required=True, type=click.Choice(["operator", "inspector", "regulator", "viewer"])
)
@click.option("--org", "org_code", default=None, help="credit code of the operator's organization")
@click.option("--name", default=None)
@with_appcontext
def create_user_command(
    email: str, password: str, role: str, org_code: str | None, name: str | None
) -> None:
    """Create a user account."""

    org = None
    if org_code:
        org = find_organization_by_code(org_code)
        if org is None:
            raise click.ClickException(f"no organization with credit code {org_code}")
    try:
        with acting_as("cli"):
            user = create_user(
                email=email, password=password, role=role, organization=org, name=name
            )
            db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        details = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in exc.errors.items())
        raise click.ClickException(details or exc.message) from exc
    click.echo(f"created {user.role} {user.email} (id {user.id})")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo data (idempotent) and print the logins."""

    with acting_as("demo"):
        created = load_demo()
        db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data already present.")
    click.echo("Demo logins (e-mail / password):")
    for email, (role, password) in DEMO_PASSWORDS.items():
        click.echo(f"  {role:<10} {email:<32} {password}")


@click.command("demo-if-empty")
@with_appcontext
def demo_if_empty_command() -> None:
    """Load the demo data only when the database holds no organization yet."""

    if (db.session.scalar(select(func.count()).select_from(Organization)) or 0) == 0:
        demo_command.callback()  # type: ignore[misc]
    else:
        click.echo("Database not empty; demo data not loaded. Demo logins, if it was loaded:")
        for email, (role, password) in DEMO_PASSWORDS.items():
            click.echo(f"  {role:<10} {email:<32} {password}")


def register_commands(app: Flask) -> None:
    """Attach the commands to the app's command group."""
    app.cli.add_command(users_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(demo_if_empty_command)
    # The commands the domain packages bring: digests, backups, the file store.
    app.cli.add_command(reminders_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(storage_group)
    app.cli.add_command(receptors_group)
    app.cli.add_command(map_group)


def base_url_for(host: str, port: int, *, https: bool = False) -> str:
    """The URL a server on this host and port answers at; a wildcard host becomes 127.0.0.1."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"{'https' if https else 'http'}://{host}:{port}"


@click.command("run", params=list(run_command.params), help=run_command.help)
@click.pass_context
def run(ctx: click.Context, **kwargs: Any) -> None:
    """Serve the app; printed codes and mailed links point at this host and port unless
    PUBLIC_BASE_URL is set."""
    # Set before the app is created (the development server creates it lazily), so that
    # `make run PORT=8000` prints labels that open port 8000, not the default 5000.
    if not os.environ.get("PUBLIC_BASE_URL"):
        url = base_url_for(kwargs["host"], kwargs["port"], https=kwargs.get("cert") is not None)
        os.environ["PUBLIC_BASE_URL"] = url
    ctx.invoke(run_command, **kwargs)


def main() -> None:
    """Entry point of the `ust-registry` console script."""

    group = FlaskGroup(create_app=create_app, add_version_option=False, help="UST registry")
    group.add_command(run)
    group.main(prog_name="ust-registry")
