"""One update in, one answer out: find who the chat is, run the command in their tenant's context
(committed before anything is sent), and turn domain errors into short replies."""
import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from telebot.types import Update

from app.errors import DomainError
from app.extensions import db
from app.services import telegram_links
from app.telegram import buttons, commands
from app.telegram.answers import Answer
from app.telegram.parsing import command_of
from app.tenancy import tenant_context

log = logging.getLogger("roost.telegram")


@dataclass
class Delivery:
    """An answer and where it goes: a chat, and for a button press the message and the press to answer."""

    chat_id: int
    answer: Answer
    message_id: int | None = None
    callback_id: str | None = None


def respond(update: Update) -> Delivery | None:
    """What to send back for an update (None for kinds the bot ignores, such as edited messages)."""
    if update.message is not None and update.message.text is not None:
        message = update.message
        username = message.from_user.username if message.from_user else None
        return Delivery(message.chat.id, _safely(update, _message, message.chat.id, message.text, username))
    if update.callback_query is not None and update.callback_query.message is not None:
        query = update.callback_query
        chat_id = query.message.chat.id
        return Delivery(chat_id, _safely(update, _press, chat_id, query.data), message_id=query.message.message_id,
                        callback_id=query.id)
    return None


def _safely(update: Update, handler, *args) -> Answer:
    """The handler's answer; a bug is logged and the user told that nothing changed (it was rolled back)."""
    try:
        return handler(*args)
    except Exception:  # noqa: BLE001 - one bad update must not stop the bot or leave the user waiting
        log.exception("update %d failed", update.update_id)
        return Answer(_("Sorry, that did not work and nothing was changed. Please try again later."))


def instructions() -> str:
    """What an unlinked chat is told (and nothing else)."""
    return _("Hello! To use Roost here, open your profile in Roost, choose Connect Telegram, "
             "and send me the code: /start CODE")


def _message(chat_id: int, text: str, username: str | None) -> Answer:
    command = command_of(text)
    if command is not None and command.name == "start" and command.args:
        return _link(chat_id, command.args, username)
    who = _who(chat_id)
    if who is None:  # an unlinked chat gets instructions, never data
        return Answer(instructions())
    if command is None:
        return _as_user(who, lambda ctx: commands.plain_text(ctx, chat_id, text))
    handler = commands.HANDLERS.get(command.name)
    if handler is None:
        return commands.unknown(command.name)
    return _as_user(who, lambda ctx: handler(ctx, chat_id, command.args))


def _press(chat_id: int, data: str) -> Answer:
    who = _who(chat_id)
    if who is None:
        return Answer(instructions(), notice=_("Link this chat to Roost first."))
    return _as_user(who, lambda ctx: buttons.press(ctx, chat_id, data))


def _who(chat_id: int):
    try:
        return telegram_links.chat_user(chat_id)
    finally:
        db.session.remove()


def _link(chat_id: int, code: str, username: str | None) -> Answer:
    try:
        user = telegram_links.link_chat(code=code, chat_id=chat_id, username=username)
        name = user.name
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return Answer(error.message)
    finally:
        db.session.remove()
    return Answer(_("Hello %(name)s, this chat is now linked to Roost. Send /help to see what I can do.", name=name))


def _as_user(who, work) -> Answer:
    """Run `work(ctx)` as the chat's user in one transaction; a domain error rolls it back and is the reply."""
    try:
        with tenant_context(who.tenant_id, channel="telegram", user_id=who.user_id) as ctx:
            return work(ctx)
    except DomainError as error:
        details = [message for field, message in error.fields.items() if message != error.message]
        text = "\n".join([error.message, *details]) if details else error.message
        return Answer(text, notice=error.message[:190])
