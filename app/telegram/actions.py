"""What the bot does with the record a command named: at once for one match, after a choice for
several, and after Yes for anything sensitive (deleting, changing the owner)."""
from flask_babel import gettext as _

from app.errors import Invalid
from app.permissions import require
from app.schemas.activities import ActivityCreate
from app.schemas.base import validate
from app.schemas.deals import DealUpdate
from app.services import activities, deals, organizations, people, telegram_pending
from app.telegram.answers import Answer, button_data
from app.telegram.cards import card
from app.telegram.matching import KIND_LABELS, Match, as_payload, describe

LINK = {"person": "person_id", "organization": "organization_id", "deal": "deal_id"}
DELETE_PERMISSION = {"person": "contact:delete", "organization": "contact:delete", "deal": "deal:delete"}
OWNER_PERMISSION = {"person": "contact:update", "organization": "contact:update", "deal": "deal:write"}
SUBJECT_LENGTH = 120


def choose_or_act(ctx, chat_id: int, then: str, matches: list[Match], payload: dict, *, nothing: str) -> Answer:
    """Act on the one match, offer buttons for several, or say nothing matched (and nothing changed)."""
    if not matches:
        return Answer(nothing)
    if len(matches) == 1:
        return act(ctx, chat_id, then, matches[0], payload)
    pending = telegram_pending.remember(ctx, chat_id=chat_id, action="choose",
                                        payload={**payload, "then": then, "candidates": as_payload(matches)})
    return Answer(_("Several match. Which one?"), buttons=[
        [(describe(m), button_data("c", pending.id, index))]
        for index, m in enumerate(matches)])


def act(ctx, chat_id: int, then: str, match: Match, payload: dict) -> Answer:
    """Do `then` (note, call, open, delete, owner) with the chosen record."""
    if then == "note":
        _log(ctx, "note", match, subject=_short(payload["text"]), body=payload["text"])
        return Answer(_("Note added to %(name)s.", name=match.label))
    if then == "call":
        outcome = payload["text"]
        _log(ctx, "call", match, subject=_("Call with %(name)s", name=match.label)[:300],
             outcome=outcome[:200], body=outcome if len(outcome) > 200 else None)
        return Answer(_("Call with %(name)s logged: %(outcome)s", name=match.label, outcome=_short(outcome)))
    if then == "open":
        return card(ctx, match.kind, match.id)
    if then == "delete":
        require(ctx, DELETE_PERMISSION[match.kind])  # refuse before asking; the service checks again on Yes
        question = _("Delete %(kind)s %(name)s?", kind=str(KIND_LABELS[match.kind]).lower(), name=match.label)
        return _ask(ctx, chat_id, question, {"op": "delete", "kind": match.kind, "id": str(match.id),
                                             "label": match.label})
    if then == "owner":
        require(ctx, OWNER_PERMISSION[match.kind])
        question = _("Make %(owner)s the owner of %(name)s?", owner=payload["owner_name"], name=match.label)
        return _ask(ctx, chat_id, question, {"op": "owner", "kind": match.kind, "id": str(match.id),
                                             "label": match.label, "owner_id": payload["owner_id"],
                                             "owner_name": payload["owner_name"]})
    raise ValueError(f"unknown action {then!r}")


def _short(text: str) -> str:
    return text if len(text) <= SUBJECT_LENGTH else text[:SUBJECT_LENGTH - 1].rstrip() + "…"


def _log(ctx, kind: str, match: Match, **fields) -> None:
    data = validate(ActivityCreate, {"kind": kind, LINK[match.kind]: match.id, **fields})
    activities.log_activity(ctx, data=data)


def _ask(ctx, chat_id: int, question: str, payload: dict) -> Answer:
    pending = telegram_pending.remember(ctx, chat_id=chat_id, action="confirm", payload=payload)
    return Answer(question + "\n" + _("Nothing changes until you answer; the question expires in 5 minutes."),
                  buttons=[[(_("Yes"), button_data("y", pending.id)), (_("No"), button_data("n", pending.id))]])


def confirmed(ctx, payload: dict) -> Answer:
    """Carry out a change the user said Yes to."""
    kind, record_id, label = payload["kind"], payload["id"], payload["label"]
    if payload["op"] == "delete":
        if kind == "person":
            people.delete_person(ctx, person_id=record_id)
        elif kind == "organization":
            organizations.delete_organization(ctx, organization_id=record_id)
        else:
            deals.delete_deal(ctx, deal_id=record_id)
        return Answer(_("Deleted %(name)s. It stays in the trash for 30 days.", name=label), edit=True)
    owner_id = payload["owner_id"]
    if kind == "deal":
        deal = deals.get_deal(ctx, deal_id=record_id)
        deals.update_deal(ctx, deal_id=deal.id, data=DealUpdate(name=deal.name, owner_id=owner_id), version=None)
    else:
        # the single record first: a bulk action skips a record deleted meanwhile without a word
        if kind == "person":
            changed = people.bulk_assign(ctx, ids=[people.get_person(ctx, person_id=record_id).id], owner_id=owner_id)
        else:
            organization = organizations.get_organization(ctx, organization_id=record_id)
            changed = organizations.bulk_assign(ctx, ids=[organization.id], owner_id=owner_id)
        if not changed:
            raise Invalid(_("%(name)s already has this owner.", name=label))
    return Answer(_("%(owner)s now owns %(name)s.", owner=payload["owner_name"], name=label), edit=True)

