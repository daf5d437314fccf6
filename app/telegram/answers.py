"""What the bot sends back, and the compact button data it reads again.

Telegram allows 64 bytes of callback data: ids travel as 22-character base64 of the UUID's bytes.
"""
import base64
import uuid
from dataclasses import dataclass, field

from telebot.types import InlineKeyboardButton, InlineKeyboardMarkup

Buttons = list[list[tuple[str, str]]]  # rows of (label, callback data)


@dataclass
class Answer:
    """One reply: a new message, or (for a button press) an edit of the message that had the button."""

    text: str
    buttons: Buttons = field(default_factory=list)
    edit: bool = False  # replace the message whose button was pressed
    notice: str | None = None  # the short pop-up text answering a button press


def short_id(value: uuid.UUID) -> str:
    """A UUID in 22 characters, for button data."""
    return base64.urlsafe_b64encode(value.bytes).decode().rstrip("=")


def long_id(text: str) -> uuid.UUID:
    """The UUID of a short id; ValueError for a garbled one."""
    try:
        return uuid.UUID(bytes=base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, TypeError) as error:
        raise ValueError("not a short id") from error


def button_data(verb: str, *parts) -> str:
    """`verb:part:part`, UUIDs shortened."""
    return ":".join([verb, *(short_id(p) if isinstance(p, uuid.UUID) else str(p) for p in parts)])


def keyboard(buttons: Buttons) -> InlineKeyboardMarkup | None:
    """The inline keyboard of an answer (None when it has no buttons)."""
    if not buttons:
        return None
    markup = InlineKeyboardMarkup()
    for row in buttons:
        markup.row(*(InlineKeyboardButton(label[:60], callback_data=data) for label, data in row))
    return markup
