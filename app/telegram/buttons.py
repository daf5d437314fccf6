"""What happens when a linked user presses one of the bot's buttons."""
from dataclasses import replace

from flask_babel import gettext as _

from app.errors import Invalid
from app.services import activities, deals, telegram_pending
from app.telegram.actions import act, confirmed
from app.telegram.answers import Answer, long_id
from app.telegram.cards import card, deal_card
from app.telegram.commands import task_list
from app.telegram.matching import from_payload

KINDS = {"p": "person", "o": "organization", "d": "deal"}


def stale() -> str:
    """The answer to a button that was garbled or belongs to a question already gone."""
    return _("This button no longer works. Send the command again.")


def press(ctx, chat_id: int, data: str) -> Answer:
    """The answer to a button's callback data (`verb:part:part`)."""
    verb, *parts = (data or "").split(":")
    try:
        if verb == "o" and len(parts) == 2 and parts[0] in KINDS:
            return card(ctx, KINDS[parts[0]], long_id(parts[1]))
        if verb == "c" and len(parts) == 2:
            return _chosen(ctx, chat_id, long_id(parts[0]), int(parts[1]))
        if verb in ("y", "n") and len(parts) == 1:
            return _answered(ctx, chat_id, long_id(parts[0]), yes=verb == "y")
        if verb == "s" and len(parts) == 2:
            deal = deals.move_deal(ctx, deal_id=long_id(parts[0]), stage_id=long_id(parts[1]))
            moved = deal_card(ctx, deal.id)
            return replace(moved, text=_("Moved.") + "\n" + moved.text, edit=True, notice=_("Moved."))
        if verb == "t" and len(parts) == 1:
            task = activities.complete_task(ctx, activity_id=long_id(parts[0]))
            done = _("Done: %(subject)s", subject=task.subject)
            return replace(task_list(ctx, headline=done), edit=True, notice=done)
    except ValueError:
        pass
    return Answer(stale())


def _chosen(ctx, chat_id, pending_id, index: int) -> Answer:
    pending = telegram_pending.take(ctx, pending_id=pending_id, chat_id=chat_id)
    candidates = from_payload(pending.payload.get("candidates", []))
    if pending.action != "choose" or not 0 <= index < len(candidates):
        raise Invalid(stale())
    return replace(act(ctx, chat_id, pending.payload["then"], candidates[index], pending.payload), edit=True)


def _answered(ctx, chat_id, pending_id, *, yes: bool) -> Answer:
    pending = telegram_pending.take(ctx, pending_id=pending_id, chat_id=chat_id)
    if pending.action != "confirm":
        raise Invalid(stale())
    if not yes:
        return Answer(_("Cancelled. Nothing was changed."), edit=True)
    return confirmed(ctx, pending.payload)
