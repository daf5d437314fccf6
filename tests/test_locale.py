"""Pages format times through app.web.locale's faster helpers: they must say exactly what Flask-Babel says."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import flask_babel
import pytest
import pytz
from flask import g

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
def test_format_datetime_says_what_flask_babel_says(plain_app, zone):
    with plain_app.test_request_context("/"):
        g._flask_babel = SimpleNamespace(babel_tzinfo=pytz.timezone(zone))
        for moment in MOMENTS:
            for format in FORMATS:
                assert locale.format_datetime(moment, format) == flask_babel.format_datetime(moment, format), \
                    (moment, format)
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
