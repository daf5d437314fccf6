"""Short views of one record, as the bot shows them."""
from flask_babel import gettext as _

from app.services import deals, organizations, people, pipelines
from app.telegram.answers import Answer, button_data


def card(ctx, kind: str, record_id) -> Answer:
    """The record's name and the few facts a rep on the road needs."""
    if kind == "person":
        return person_card(ctx, record_id)
    if kind == "organization":
        return organization_card(ctx, record_id)
    return deal_card(ctx, record_id)


def _lines(*lines) -> str:
    return "\n".join(line for line in lines if line)


def person_card(ctx, person_id) -> Answer:
    """A person: name, title, organisation, phone and email."""
    person = people.get_person(ctx, person_id=person_id)
    company = None
    if person.organization_id:
        company = organizations.names_by_id(ctx, [person.organization_id]).get(person.organization_id)
    return Answer(_lines(
        _("Person: %(name)s", name=person.name), person.title, company,
        " · ".join(v for v in (person.phone, person.email) if v)))


def organization_card(ctx, organization_id) -> Answer:
    """An organisation: name, phone and website."""
    organization = organizations.get_organization(ctx, organization_id=organization_id)
    return Answer(_lines(
        _("Organisation: %(name)s", name=organization.name),
        " · ".join(v for v in (organization.phone, organization.website) if v)))


def deal_card(ctx, deal_id, *, headline: str | None = None) -> Answer:
    """The deal with its stage, and a button for each other stage of its pipeline."""
    deal = deals.get_deal(ctx, deal_id=deal_id)
    stages = pipelines.get_pipeline(ctx, pipeline_id=deal.pipeline_id).stages
    others = [(stage.name, button_data("s", deal.id, stage.id)) for stage in stages if stage.id != deal.stage_id]
    party = deal.organization.name if deal.organization else (deal.person.name if deal.person else None)
    text = _lines(
        headline,
        _("Deal: %(name)s", name=deal.name),
        _("Stage: %(stage)s · %(value)s %(currency)s", stage=deal.stage.name, value=f"{deal.value:,.2f}",
          currency=deal.currency),
        party)
    return Answer(text, buttons=[others[i:i + 2] for i in range(0, len(others), 2)])
