"""The bot process's own state: who it is (from getMe) and the last update it took.

Kept in the database so a restarted bot (or a second one started by mistake) never takes an
update twice: an update is claimed, atomically, before it is handled.
"""
from sqlalchemy import select, update

from app.extensions import db
from app.models import TelegramBot


def register(*, bot_id: int, username: str) -> int:
    """Record the bot's name at start; the last update id it took (0 for a new bot)."""
    bot = db.session.get(TelegramBot, bot_id)
    if bot is None:
        bot = TelegramBot(id=bot_id, username=username, last_update_id=0)
        db.session.add(bot)
    bot.username = username
    db.session.flush()
    return bot.last_update_id


def claim_update(*, bot_id: int, update_id: int) -> bool:
    """Mark an update as taken; False when it (or a later one) was taken already."""
    result = db.session.execute(
        update(TelegramBot).where(TelegramBot.id == bot_id, TelegramBot.last_update_id < update_id)
        .values(last_update_id=update_id).execution_options(synchronize_session=False))
    return result.rowcount == 1


def username_for_token(token: str | None) -> str | None:
    """The @name of the bot with this token, once that bot has started (the token begins with its id)."""
    bot_id = (token or "").partition(":")[0]
    if not bot_id.isdigit():
        return None
    return db.session.scalar(select(TelegramBot.username).where(TelegramBot.id == int(bot_id)))
