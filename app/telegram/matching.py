"""Finding the record a chat names: people, organisations and deals, ignoring case.

Through the search service, so the tenant guard and the user's role apply as everywhere else.
"""
import uuid
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.services import search

KINDS = ("person", "organization", "deal")
KIND_LABELS = {"person": _l("Person"), "organization": _l("Organisation"), "deal": _l("Deal")}
LIMIT = 8


@dataclass(frozen=True)
class Match:
    """One record a name matched."""

    kind: str
    id: uuid.UUID
    label: str


def find(ctx, text: str, *, kinds: tuple[str, ...] = KINDS, limit: int = LIMIT) -> list[Match]:
    """Records matching `text`; when some match it exactly (name or email), only those."""
    found = search.search(ctx, q=text, per_kind=limit)
    matches, exact = [], []
    wanted = " ".join(text.split()).lower()
    for kind, records in (("person", found.people), ("organization", found.organizations), ("deal", found.deals)):
        if kind not in kinds:
            continue
        for record in records:
            match = Match(kind, record.id, record.name)
            matches.append(match)
            if wanted in {record.name.lower(), (getattr(record, "email", None) or "").lower()}:
                exact.append(match)
    return (exact or matches)[:limit]


def describe(match: Match) -> str:
    """`Person: Ann Smith`, as a button shows a match."""
    return _("%(kind)s: %(name)s", kind=KIND_LABELS[match.kind], name=match.label)


def as_payload(matches: list[Match]) -> list[list[str]]:
    """Matches as JSON for a pending choice."""
    return [[m.kind, str(m.id), m.label] for m in matches]


def from_payload(rows: list) -> list[Match]:
    """Matches back from a pending choice."""
    return [Match(kind, uuid.UUID(record_id), label) for kind, record_id, label in rows]
