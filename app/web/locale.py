"""Locale and time zone for Flask-Babel: the tenant's settings, English until translations ship."""
from datetime import date
from functools import lru_cache

import flask_babel
from flask import g, has_request_context, request
from flask_babel import get_locale, get_translations

from app.extensions import db
from app.models import Tenant

SUPPORTED_LOCALES = ("en",)


def select_locale() -> str:
    """The browser's preferred supported language; English outside requests (jobs, CLI, bot)."""
    if not has_request_context():
        return "en"
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or "en"


def select_timezone() -> str:
    """The signed-in user's tenant's time zone."""
    ctx = g.get("ctx")
    return current_tenant().timezone if ctx else "UTC"


def current_tenant() -> Tenant:
    """The signed-in user's tenant (already in the session's identity map)."""
    return db.session.get(Tenant, g.ctx.tenant_id)


def _request_translations():
    """The request's catalog, looked up once: Flask-Babel resolves the domain, the locale and the
    catalog again on every call, which made translating a list's labels a quarter of its render time."""
    translations = g.get("_translations")
    if translations is None:
        translations = g._translations = get_translations()
    return translations


def install_template_gettext(app) -> None:
    """Templates translate through the request's catalog (see _request_translations). Nothing here
    switches locale within a request (no force_locale), so one lookup per request is exact."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: _request_translations().ugettext(string),
        ngettext=lambda singular, plural, n: _request_translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: _request_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: _request_translations().unpgettext(context, singular, plural, n),
        newstyle=True,
    )


# Money and days as templates show them, remembered per process: Babel takes 10-15 µs a call, and a board
# formats some 140 of each, mostly the same ones on every view. What Babel returns depends only on the
# arguments and the request's locale, which is part of the key (a day has no time zone), so a remembered
# string is exactly what Babel would return now: never stale, and only a formatted number or day.
# Datetimes go straight to Babel: they are shown in the user's time zone and seldom repeat.

@lru_cache(maxsize=8192)
def _money(amount, currency: str, locale) -> str:
    return flask_babel.format_currency(amount, currency)  # in a request whose locale is `locale`


@lru_cache(maxsize=4096)
def _day(day: date, locale) -> str:
    return flask_babel.format_date(day)  # in a request whose locale is `locale`


def format_currency(amount, currency: str) -> str:
    """flask_babel.format_currency(amount, currency), remembered per locale."""
    return _money(amount, currency, get_locale())


def format_date(value, format=None) -> str:
    """flask_babel.format_date(value, format); a day in the default format is remembered per locale."""
    if type(value) is date and format is None:
        return _day(value, get_locale())
    return flask_babel.format_date(value, format)
