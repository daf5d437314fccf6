"""Pages format times, days and money through app.web.locale's faster helpers: they must say exactly what
Flask-Babel says, remembered per locale."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

import flask_babel
import pytest
import pytz
from flask import g
from flask_babel import force_locale

from app import create_app
from app.web import locale
from tests.conftest import app_config

ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Chatham")
FORMATS = (None, "short", "medium", "long", "full", "yyyy-MM-dd HH:mm", "EEEE d MMMM y 'at' h:mm a zzzz",
           "H:mm:ss z", "hh' o''clock' a, zzzz")
# Across a year (both sides of daylight saving time), at odd minutes, naive ones meaning UTC.
MOMENTS = [datetime(2025, 1, 1, 0, 7, 9, tzinfo=timezone.utc) + timedelta(days=day, hours=day % 24, minutes=day)
           for day in range(0, 365, 11)]
MOMENTS += [datetime(2025, 3, 30, 0, 59), datetime(2025, 3, 30, 1, 0), datetime(2025, 10, 26, 0, 59, 59),
            datetime(2025, 11, 2, 6, 30, tzinfo=pytz.timezone("America/New_York"))]


@pytest.fixture(scope="module")
def plain_app():
    return create_app(app_config("sqlite://"))


@pytest.mark.parametrize("zone", ZONES)
def test_format_datetime_and_its_list_formatter_say_what_flask_babel_says(plain_app, zone):
    with plain_app.test_request_context("/"):
        g._flask_babel = SimpleNamespace(babel_tzinfo=pytz.timezone(zone))
        for format in FORMATS:
            formatter = locale.datetime_formatter(format)  # a list's: the same texts
            for moment in MOMENTS:
                expected = flask_babel.format_datetime(moment, format)
                assert locale.format_datetime(moment, format) == expected, (moment, format)
                assert formatter(moment) == expected, (moment, format)
        # No time given: now, in the user's zone.
        assert locale.format_datetime(None, "yyyy-MM-dd HH") == flask_babel.format_datetime(None, "yyyy-MM-dd HH")


@pytest.mark.parametrize("zone", ZONES)
def test_format_date_says_what_flask_babel_says(plain_app, zone):
    with plain_app.test_request_context("/"):
        g._flask_babel = SimpleNamespace(babel_tzinfo=pytz.timezone(zone))
        for moment in MOMENTS:
            for format in (None, "short", "medium", "long", "full", "d MMM y"):
                expected = flask_babel.format_date(flask_babel.to_user_timezone(moment).date(), format)
                assert locale.format_date(moment, format) == expected, (moment, format)
                assert locale.day_formatter(format)(moment) == expected, (moment, format)


def test_remembered_formats_follow_the_request_locale(app):
    with app.test_request_context():
        assert locale.format_currency(Decimal("1234.5"), "EUR") == "€1,234.50"
        assert locale.format_currency(Decimal("1234.50"), "EUR") == "€1,234.50"  # an equal amount, the same text
        assert locale.format_date(date(2026, 3, 1)) == "Mar 1, 2026"
        with force_locale("de"):  # another locale is its own entry, not the English text remembered above
            assert locale.format_currency(Decimal("1234.5"), "EUR") == flask_babel.format_currency(Decimal("1234.5"), "EUR")
            assert locale.format_currency(Decimal("1234.5"), "EUR") == "1.234,50\xa0€"
            assert locale.format_date(date(2026, 3, 1)) == "01.03.2026"
        assert locale.format_currency(Decimal("1234.5"), "EUR") == "€1,234.50"
        moment = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)  # a datetime goes to Babel (the user's zone)
        assert locale.format_date(moment) == flask_babel.format_date(moment)
        assert locale.format_date(date(2026, 3, 1), "y") == "2026"


TEMPLATES = ["{{ _('Home') }} {{ _('100%% sure') }} {{ gettext('Hi %(name)s', name=who) }}",
             "{% trans %}Plain{% endtrans %} {% trans n=3 %}{{ n }}% of <b>{{ who }}</b>{% endtrans %}",
             "{% set label = _('Name') %}{{ label }}|{{ label ~ who }}|"
             "{{ _('Select %(name)s', name='%(name)s') % {'name': who} }}"]


@pytest.mark.parametrize("autoescape", [True, False])
def test_templates_translate_as_jinja_newstyle_gettext_does(plain_app, autoescape):
    """Texts without variables are kept per catalog (locale._template_gettext): the same answer, Markup or not."""
    import jinja2
    with plain_app.test_request_context("/"):
        translations = flask_babel.get_translations()
        reference = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)
        reference.install_gettext_callables(translations.ugettext, translations.ungettext, newstyle=True)
        ours = plain_app.jinja_env.overlay(autoescape=autoescape)
        for source in TEMPLATES:
            expected = reference.from_string(source).render(who="<Ann & Co>")
            for _ in range(2):  # the second time from memory
                assert ours.from_string(source).render(who="<Ann & Co>") == expected, source
