"""The money and day formats templates use: remembered per locale, always what Babel says for the request."""
from datetime import date, datetime, timezone
from decimal import Decimal

import flask_babel
from flask_babel import force_locale

from app.web.locale import format_currency, format_date


def test_remembered_formats_follow_the_request_locale(app):
    with app.test_request_context():
        assert format_currency(Decimal("1234.5"), "EUR") == "€1,234.50"
        assert format_currency(Decimal("1234.50"), "EUR") == "€1,234.50"  # an equal amount, the same text
        assert format_date(date(2026, 3, 1)) == "Mar 1, 2026"
        with force_locale("de"):  # another locale is its own entry, not the English text remembered above
            assert format_currency(Decimal("1234.5"), "EUR") == flask_babel.format_currency(Decimal("1234.5"), "EUR")
            assert format_currency(Decimal("1234.5"), "EUR") == "1.234,50\xa0€"
            assert format_date(date(2026, 3, 1)) == "01.03.2026"
        assert format_currency(Decimal("1234.5"), "EUR") == "€1,234.50"
        moment = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)  # a datetime goes to Babel (the user's zone)
        assert format_date(moment) == flask_babel.format_date(moment)
        assert format_date(date(2026, 3, 1), "y") == "2026"
