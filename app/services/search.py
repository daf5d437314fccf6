"""One search box over people, organisations, leads and deals: each kind through its own service,
so permissions and the tenant guard apply as everywhere else."""
from dataclasses import dataclass, field

from app.permissions import can
from app.services import deals, leads, organizations, people

MIN_LENGTH = 2


@dataclass
class Results:
    """What a search found, per kind, in the order a person scans them."""

    q: str
    people: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    leads: list = field(default_factory=list)
    deals: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.people or self.organizations or self.leads or self.deals)


def search(ctx, *, q: str, per_kind: int = 5) -> Results:
    """Up to `per_kind` matches of each kind the user may read; nothing for fewer than 2 characters."""
    q = " ".join((q or "").split())[:100]
    results = Results(q=q)
    if len(q) < MIN_LENGTH:
        return results
    if can(ctx, "contact:read"):
        results.people, _ = people.list_people(ctx, q=q, limit=per_kind)
        results.organizations, _ = organizations.list_organizations(ctx, q=q, limit=per_kind)
    if can(ctx, "lead:read"):
        results.leads, _ = leads.list_leads(ctx, filters=leads.LeadFilter(q=q), limit=per_kind)
    if can(ctx, "deal:read"):
        results.deals, _ = deals.list_deals(ctx, filters=deals.DealFilter(q=q), limit=per_kind)
    return results
