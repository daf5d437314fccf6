"""HTML blueprints: thin doors that parse, call a service and render."""
from flask import Flask
from flask_babel import get_locale
from flask_login import current_user

from app.permissions import ROLE_LABELS, ROLES, can
from app.services.auth import mfa_requirement
from app.web import (
    activities,
    auth,
    custom_fields,
    deals,
    errors,
    files,
    health,
    home,
    imports,
    leads,
    onboarding,
    organizations,
    people,
    pipelines,
    profile,
    pwa,
    sample_data,
    search,
    session,
    settings,
    tasks,
    trash,
    webhooks,
)
from app.web.locale import day_formatter, format_currency, format_date, format_datetime
from app.web.rendering import custom_value
from app.web.urls import fixed_url, url_with_id


def register_web(app: Flask) -> None:
    session.init_app(app)
    errors.init_app(app)
    for blueprint in (auth.bp, home.bp, profile.bp, settings.bp, health.bp, custom_fields.bp, files.bp, search.bp,
                      activities.bp, deals.bp, leads.bp, pipelines.bp, tasks.bp, trash.bp, people.bp, organizations.bp,
                      webhooks.bp, pwa.bp, onboarding.bp, imports.bp, sample_data.bp):
        app.register_blueprint(blueprint)
    app.jinja_env.globals.update(
        can=can, ROLES=ROLES, ROLE_LABELS=ROLE_LABELS, get_locale=get_locale,
        format_date=format_date, day_formatter=day_formatter, format_datetime=format_datetime,
        format_currency=format_currency, custom_value=custom_value, url_with_id=url_with_id, fixed_url=fixed_url,
    )

    @app.context_processor
    def mfa_banner():
        """The admin MFA reminder, on every page of a signed-in admin who still needs it."""
        if current_user.is_authenticated:
            return {"mfa_banner": mfa_requirement(current_user._get_current_object())}
        return {}
