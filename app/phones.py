"""Phone numbers: kept as typed for display, normalised to E.164 for matching and dialling."""
import phonenumbers
from flask_babel import gettext as _

from app.errors import Invalid


def normalise(raw: str | None, country: str | None, *, field: str = "phone") -> str | None:
    """The E.164 form of `raw` (None for a blank); numbers without +country use the tenant's country."""
    if not raw or not raw.strip():
        return None
    try:
        number = phonenumbers.parse(raw, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise Invalid(_("Please correct the marked fields."),
                      fields={field: _("Enter a phone number like +44 20 7946 0000.")})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
