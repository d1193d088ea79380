"""Register every blueprint, web and API."""

from __future__ import annotations

from flask import Flask

from inspection_api import init_api
from registry.assets.tags import display as tag_display
from registry.assets.views import bp as assets_bp
from registry.audit.labels import field_label
from registry.audit.labels import value_label
from registry.auth.reset_views import bp as auth_reset_bp
from registry.auth.views import bp as auth_bp
from registry.certificates.views import bp as certificates_bp
from registry.compliance import reminder_views  # noqa: F401  (its routes, on compliance's bp)
from registry.compliance import views as compliance_views  # noqa: F401  (the same)
from registry.compliance.blueprint import bp as compliance_bp
from registry.core.views import bp as core_bp
from registry.enforcement.views import bp as enforcement_bp
from registry.exports.views import bp as exports_bp
from registry.field.views import bp as field_bp
from registry.filings.views import bp as filings_bp
from registry.inspections.views import bp as inspections_bp
from registry.labels.views import bp as labels_bp
from registry.landing.views import bp as landing_bp
from registry.maps.views import bp as maps_bp
from registry.monitoring.views import bp as monitoring_bp
from registry.people.views import bp as people_bp
from registry.releases.views import bp as releases_bp
from registry.sites.views import bp as sites_bp
from registry.visits.views import bp as visits_bp


def register_blueprints(app: Flask) -> None:
    """Attach the domain blueprints and the JSON API."""

    blueprints = [
        core_bp,
        auth_bp,
        auth_reset_bp,
        sites_bp,
        assets_bp,
        inspections_bp,
        certificates_bp,
        compliance_bp,
        filings_bp,
        enforcement_bp,
        exports_bp,
        monitoring_bp,
        releases_bp,
        labels_bp,
        landing_bp,
        visits_bp,
        maps_bp,
        field_bp,
        people_bp,
    ]
    for bp in blueprints:
        app.register_blueprint(bp)
    _domain_template_helpers(app)
    init_api(app)


def _domain_template_helpers(app: Flask) -> None:
    """The domain's helpers every template may use (core's templating knows no domain)."""
    app.jinja_env.filters.update(tag=tag_display, field_label=field_label)
    # One label and one value helper for the change history and the filing snapshots alike.
    app.jinja_env.globals.update(
        field_label=field_label, show_value=value_label, change_value=value_label
    )
