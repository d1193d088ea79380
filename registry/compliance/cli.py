"""The `ust-registry reminders` command: list due items, or mail the day's digests."""

from __future__ import annotations

import json
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from registry.audit.services import acting_as
from registry.compliance.mail import send_digests
from registry.compliance.schemas import ReminderOutSchema
from registry.compliance.services import due_items
from registry.core.dates import today
from registry.sites.services import find_organization_by_code


@click.command("reminders")
@click.option("--as-of", "as_of", default=None, help="the day to compute for (YYYY-MM-DD)")
@click.option("--org", "org_code", default=None, help="credit code of one organization")
@click.option("--send", is_flag=True, help="mail the digests (once per organization a day)")
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
@with_appcontext
def reminders_command(as_of: str | None, org_code: str | None, send: bool, as_json: bool) -> None:
    """List overdue and due-soon obligations; with --send, mail the digests."""

    try:
        day = date.fromisoformat(as_of) if as_of else today()
    except ValueError as exc:
        raise click.BadParameter("expected YYYY-MM-DD", param_hint="--as-of") from exc
    org_id = None
    if org_code:
        org = find_organization_by_code(org_code)
        if org is None:
            raise click.ClickException(f"no organization with credit code {org_code}")
        org_id = org.id
    items = due_items(None, as_of=day, organization_id=org_id)

    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        rows = ReminderOutSchema(many=True).dump(items)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not send:
        _table(rows)
    if send:
        with acting_as("cli:reminders"):
            report = send_digests(as_of=day, organization_id=org_id)
        for key, to, count in report.sent:
            click.echo(f"sent {key}: {count} items to {', '.join(to)}", err=as_json)
        for key in report.skipped:
            click.echo(f"skipped {key}: already sent for {day.isoformat()}", err=as_json)
        for key, why in report.failed:
            click.echo(f"FAILED {key}: {why}", err=True)
        if report.failed:
            # Non-zero for cron and its mail to the administrator; nothing was recorded for
            # these digests, so the next run sends them.
            raise click.ClickException(
                f"{len(report.failed)} digest(s) not sent for {day.isoformat()};"
                " run the command again once the cause is fixed"
            )


def _table(rows: list[dict[str, object]]) -> None:
    click.echo(
        f"{'state':<9} {'due_on':<10} {'late':>5}  {'org':>4} {'facility':>8} "
        f"{'asset':<16} obligation"
    )
    for r in rows:
        click.echo(
            f"{r['state']!s:<9} {r['due_on']!s:<10} {r['days_overdue']!s:>5}  "
            f"{r['organization_id']!s:>4} {r['facility_id']!s:>8} {r['asset_tag'] or '-'!s:<16} "
            f"{r['obligation']}"
        )
    click.echo(f"{len(rows)} items")
