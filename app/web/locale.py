"""Locale and time zone for Flask-Babel: the tenant's settings, English until translations ship."""
from collections.abc import Callable
from datetime import date, datetime, timezone
from functools import lru_cache, partial
from zoneinfo import ZoneInfo

import flask_babel
from babel import Locale, dates
from flask import g, has_request_context, request
from flask_babel import get_locale, get_timezone, get_translations
from jinja2 import pass_context
from markupsafe import Markup

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
        gettext=_translate,  # wrapped by Jinja, then replaced below by _template_gettext
        ngettext=lambda singular, plural, n: _request_translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: _request_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: _request_translations().unpgettext(context, singular, plural, n),
        newstyle=True,
    )
    # `_` is Jinja's alias that looks `gettext` up in the template's context on every call, for templates
    # that bring their own; none does, so `_` is `gettext` itself: one lookup and one call less per text.
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"] = _template_gettext


def _translate(string: str) -> str:
    return _request_translations().ugettext(string)


@pass_context
def _template_gettext(context, string: str, **variables):
    """What Jinja's newstyle gettext answers (the translation, as Markup where the template autoescapes, always
    %-formatted with the variables escaped), with a text without variables kept per catalog: a list page
    translates some 70 texts, and each cost two context calls, a Markup and a Markup `%` (1,700 of its 29,000
    Python calls)."""
    autoescape = context.eval_ctx.autoescape
    if variables:
        text = _translate(string)
        return (Markup(text) if autoescape else text) % variables
    return _plain_text(_request_translations(), string, autoescape)


@lru_cache(maxsize=4096)
def _plain_text(translations, string: str, autoescape: bool):
    """A text without variables as a template shows it, per catalog (one per locale, kept by Flask-Babel)."""
    text = translations.ugettext(string)
    return (Markup(text) if autoescape else text) % {}


def _request_zone_and_locale():
    """The request's time zone, locale and locale name. Flask-Babel keeps the first two on the request (and
    force_locale swaps them there), so asking is cheap and always current; Babel gets the Locale itself, as
    it parses a locale name anew each time."""
    locale = get_locale()
    return get_timezone(), locale, str(locale)


def request_locale_name() -> str:
    """The request's locale as a key for texts kept per locale."""
    return str(get_locale())


@lru_cache(maxsize=8192)
def _day_text(day: date, format: str | None, locale: str) -> str:
    return flask_babel.format_date(day, format)  # in `locale`, the request's: it is part of the key


def _day_in(value: date | datetime, zone, format: str | None, locale_name: str) -> str:
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(zone).date()
    return _day_text(value, format, locale_name)


@lru_cache(maxsize=64)
def _zoneinfo(name: str) -> ZoneInfo:
    """The zone of this name as the standard library has it: converting to it runs in C, where Flask-Babel's
    pytz zone took four Python calls per date, two dates a list row."""
    return ZoneInfo(name)


def format_date(value: date | datetime, format: str | None = None) -> str:
    """Flask-Babel's format_date for pages, a datetime shown as the user's calendar day. A list formats two
    dates per row, at 25 µs each; a day's text in a locale and format never changes, so it is kept."""
    zone, _locale, locale_name = _request_zone_and_locale()
    return _day_in(value, _zoneinfo(str(zone)), format, locale_name)


def day_formatter(format: str | None = None) -> Callable[[date | datetime], str]:
    """format_date for the many dates of one list (two per row): the request's zone and locale looked up
    once for all of them rather than once per date."""
    zone, _locale, locale_name = _request_zone_and_locale()
    return partial(_day_in, zone=_zoneinfo(str(zone)), format=format, locale_name=locale_name)


PREDEFINED_FORMATS = ("short", "medium", "long", "full")


@lru_cache(maxsize=64)
def _datetime_patterns(format: str, locale_name: str):
    """Babel's patterns for a predefined format: how it joins a date and a time, and the time's pattern."""
    locale = Locale.parse(locale_name)
    return (dates.get_datetime_format(format, locale).replace("'", ""),
            dates.parse_pattern(dates.get_time_format(format, locale)))


def format_datetime(value: datetime | None = None, format: str | None = None) -> str:
    """Flask-Babel's format_datetime for pages, in the user's time zone, at a third of its cost (a timeline
    formats one or two per item, at 45 µs each). Made as Babel's format_datetime makes it, a predefined
    format's time and date joined by the locale's pattern, but with the request's zone and locale looked up
    once, the patterns once per locale, and the date part kept per day (see format_date).
    Flask-Babel turns a missing format into its configured default; Roost configures none: "medium"."""
    return _datetime_in(value, format, *_request_zone_and_locale())


def datetime_formatter(format: str | None = None) -> Callable[[datetime | None], str]:
    """format_datetime for the many times of one list (a timeline's items): the request's zone and locale
    looked up once for all of them, which was half the cost of formatting each."""
    zone, locale, locale_name = _request_zone_and_locale()
    return partial(_datetime_in, format=format, zone=zone, locale=locale, locale_name=locale_name)


def _datetime_in(value: datetime | None, format: str | None, zone, locale, locale_name: str) -> str:
    format = "medium" if format is None else format
    if value is None or format not in PREDEFINED_FORMATS:
        return dates.format_datetime(value, format, tzinfo=zone, locale=locale)
    # Flask-Babel's zones are pytz's: normalize, as Babel does, or a time already in the zone's family keeps
    # whatever offset it came with.
    local = zone.normalize((value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(zone))
    joined, time_pattern = _datetime_patterns(format, locale_name)
    day = local.date()
    return (joined.replace("{0}", time_pattern.apply(local.timetz(), locale, reference_date=day))
            .replace("{1}", _day_text(day, format, locale_name)))


@lru_cache(maxsize=8192)
def _money_text(amount, currency: str, locale: str) -> str:
    return flask_babel.format_currency(amount, currency)  # in `locale`, the request's: it is part of the key


def format_currency(amount, currency: str) -> str:
    """Flask-Babel's format_currency for pages, each text kept per locale: a board shows some 140 amounts,
    mostly the same ones on every view. Equal amounts (100 and 100.00) share a key and also Babel's text,
    which shows the currency's own decimals."""
    return _money_text(amount, currency, request_locale_name())
