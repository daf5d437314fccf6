"""The words of a list's search box (people, organisations, leads): each word must occur somewhere in the record's
search text (models.base.SearchText, held by one trigram index), ignoring case.

A word shorter than SHORT_WORD matches where a word of the text starts ("sm" finds Smith, not Kosmos): no trigram
has fewer than three letters, so `%sm%` read every record of the tenant (104 ms in one of 100,000 people), while a
word's start is a trigram the index holds ("  s", " sm"). A word of three digits or more is also looked for in the
phone number as stored (E.164): "020 7946" finds +442079460000.

A statement is built per shape of the words (their kinds) and the words go in as parameters (`q0`, `q0_later`,
`q0_phone`, ...): a statement built anew for each keystroke cost 6% of a search request, SQLAlchemy walking it for
its cache key.
"""
import re

from sqlalchemy import bindparam, func, or_

from app.services.contact_lists import LIKE_ESCAPE, contains_pattern, like_literal

SHORT_WORD = 3


def read(q: str | None) -> tuple[tuple[str, ...], dict]:
    """The kind of each word of `q` ("start", "contains", "contains or phone") and the values of the parameters
    `conditions` gives them."""
    kinds, values = [], {}
    for n, word in enumerate((q or "").split()):
        term, digits = word.lower(), re.sub(r"\D", "", word)
        if len(term) < SHORT_WORD:
            kinds.append("start")
            literal = like_literal(term)
            values[f"q{n}"], values[f"q{n}_later"] = f"{literal}%", f"% {literal}%"
            continue
        in_phone = len(digits) >= 3
        kinds.append("contains or phone" if in_phone else "contains")
        values[f"q{n}"] = contains_pattern(term)
        if in_phone:
            values[f"q{n}_phone"] = contains_pattern(digits.lstrip("0"))
    return tuple(kinds), values


def conditions(model, kinds: tuple[str, ...]) -> list:
    """A condition per word of `kinds` on `model`'s search text and phone. The phone is compared lower-cased, as its
    trigram index holds it: compared as it is, the index could not serve it and a phone search read the tenant."""
    text, phone = model.search_text(), func.lower(model.phone_e164)
    found = []
    for n, kind in enumerate(kinds):
        condition = text.like(bindparam(f"q{n}"), escape=LIKE_ESCAPE)
        if kind == "start":
            condition = or_(condition, text.like(bindparam(f"q{n}_later"), escape=LIKE_ESCAPE))
        elif kind == "contains or phone":
            condition = or_(condition, phone.like(bindparam(f"q{n}_phone"), escape=LIKE_ESCAPE))
        found.append(condition)
    return found
