"""The long-polling loop of `bot.py`: take each update once, answer it, survive a flaky Bot API.

Network errors and 5xx answers back off exponentially (capped); a 429 waits the `retry_after`
Telegram asks for. Each update is claimed in the database before it is handled, so neither a
retry nor a restart handles it twice. SIGTERM stops the loop between updates (or at once while it
only waits), so an update is never left half done.
"""
import logging
import random
import time

import requests
from flask import Flask
from telebot import TeleBot
from telebot.apihelper import ApiException, ApiTelegramException
from telebot.types import BotCommand

from app.extensions import db
from app.services import telegram_bots
from app.telegram.answers import keyboard
from app.telegram.commands import COMMANDS
from app.telegram.dispatch import Delivery, respond

log = logging.getLogger("roost.telegram")
ALLOWED_UPDATES = ["message", "callback_query"]
SEND_ATTEMPTS = 8


class Shutdown(BaseException):
    """Raised by the SIGTERM handler while the loop only waits: nothing is lost by leaving then."""


class Backoff:
    """Exponential waits with jitter: 0.5 s, 1 s, 2 s … up to `cap`, back to the start after a success."""

    def __init__(self, *, first: float = 0.5, cap: float = 30.0):
        self.first, self.cap, self.failures = first, cap, 0

    def next(self) -> float:
        """The next wait, in seconds."""
        wait = min(self.cap, self.first * 2 ** self.failures)
        self.failures += 1
        return wait * random.uniform(0.8, 1.2)

    def reset(self) -> None:
        """Start again from the first wait."""
        self.failures = 0


def retry_after(error: Exception) -> float | None:
    """The wait a 429 asks for, or None when the error is not a 429."""
    if isinstance(error, ApiTelegramException) and error.error_code == 429:
        return float((error.result_json.get("parameters") or {}).get("retry_after") or 1)
    return None


def is_transient(error: Exception) -> bool:
    """Worth trying again: the network, a 5xx, a 429, or an answer that is not the API's JSON."""
    if isinstance(error, requests.RequestException):
        return True
    if isinstance(error, ApiTelegramException):
        return error.error_code == 429 or error.error_code >= 500
    return isinstance(error, ApiException)  # an HTTP error page or garbled JSON from a proxy


class Poller:
    """Polls getUpdates and answers each update through app/telegram/dispatch.py."""

    def __init__(self, app: Flask, bot: TeleBot, *, poll_timeout: int = 25):
        self.app, self.bot, self.poll_timeout = app, bot, poll_timeout
        self.bot_id = int(bot.token.partition(":")[0])
        self.last_update_id = 0
        self.stopping = False
        self._interruptible = False
        self.backoff = Backoff()

    # --- lifecycle ---

    def start(self) -> None:
        """Say who the bot is, register its commands, and resume after the last update taken."""
        self._call(self.bot.remove_webhook, forever=True)  # getUpdates refuses to work while a webhook is set
        me = self._call(self.bot.get_me, forever=True)
        with self.app.app_context():
            try:
                self.last_update_id = telegram_bots.register(bot_id=self.bot_id, username=me.username)
                db.session.commit()
            finally:
                db.session.remove()
            commands = [BotCommand(name, str(description)) for name, description, _example in COMMANDS]
        self._call(self.bot.set_my_commands, commands, forever=True)
        log.info("bot @%s polling from update %d", me.username, self.last_update_id + 1)

    def run(self) -> None:
        """Poll until stopped."""
        try:
            self.start()
            while not self.stopping:
                self.poll_once()
        except Shutdown:
            pass
        log.info("bot stopped")

    def stop(self, *_signal_args) -> None:
        """The SIGTERM/SIGINT handler: stop now if only waiting, else after the current update."""
        self.stopping = True
        if self._interruptible:
            raise Shutdown()

    # --- polling ---

    def poll_once(self) -> None:
        """One getUpdates call and the updates it brought."""
        try:
            updates = self._waiting(lambda: self.bot.get_updates(
                offset=self.last_update_id + 1, timeout=self.poll_timeout + 10,
                long_polling_timeout=self.poll_timeout, allowed_updates=ALLOWED_UPDATES))
        except Exception as error:  # noqa: BLE001 - any failure of the API is waited out, never fatal
            self._wait_after(error, "getUpdates")
            return
        self.backoff.reset()
        for update in updates:
            if self.stopping:
                return  # not claimed: Telegram delivers it again to the next run
            self.handle(update)

    def handle(self, update) -> None:
        """Claim, answer, deliver one update."""
        started = time.monotonic()
        self.last_update_id = max(self.last_update_id, update.update_id)
        with self.app.app_context():
            try:
                claimed = telegram_bots.claim_update(bot_id=self.bot_id, update_id=update.update_id)
                db.session.commit()
            finally:
                db.session.remove()
            if not claimed:
                log.info("update %d was handled before; skipped", update.update_id)
                return
            delivery = respond(update)
            if delivery is not None:
                self.deliver(delivery)
        log.info("update %d answered in %.0f ms", update.update_id, (time.monotonic() - started) * 1000)

    def deliver(self, delivery: Delivery) -> None:
        """Send the answer (after its transaction committed), retrying what is worth retrying."""
        answer = delivery.answer
        markup = keyboard(answer.buttons)
        if delivery.callback_id is not None:
            self._call(self.bot.answer_callback_query, delivery.callback_id, text=answer.notice)
        if answer.edit and delivery.message_id is not None:
            self._call(self.bot.edit_message_text, answer.text, chat_id=delivery.chat_id,
                       message_id=delivery.message_id, reply_markup=markup)
        else:
            self._call(self.bot.send_message, delivery.chat_id, answer.text, reply_markup=markup)

    # --- retries ---

    def _call(self, method, *args, forever: bool = False, **kwargs):
        """Call the Bot API; transient failures are retried (SEND_ATTEMPTS times, or forever at start).

        Other refusals (a message that cannot be edited any more, say) are logged and skipped, except at
        start, where they end the process."""
        backoff = Backoff()
        attempt = 0
        while True:
            attempt += 1
            try:
                return method(*args, **kwargs)
            except Exception as error:  # noqa: BLE001 - sorted below
                if not is_transient(error):
                    if forever:
                        raise  # a wrong token or URL: waiting will not fix it
                    log.warning("%s refused: %s", method.__name__, error)
                    return None
                if attempt >= SEND_ATTEMPTS and not forever:
                    log.error("%s failed %d times, giving up: %s", method.__name__, attempt, error)
                    return None
                self._sleep(retry_after(error) or backoff.next(), method.__name__, error)

    def _wait_after(self, error: Exception, what: str) -> None:
        self._sleep(retry_after(error) or self.backoff.next(), what, error)

    def _sleep(self, seconds: float, what: str, error: Exception) -> None:
        log.warning("%s failed (%s); retrying in %.1f s", what, str(error).splitlines()[0][:200], seconds)
        self._waiting(lambda: time.sleep(seconds))

    def _waiting(self, work):
        """Run `work` where SIGTERM may interrupt it (nothing is half done while only waiting)."""
        if self.stopping:
            raise Shutdown()
        self._interruptible = True
        try:
            return work()
        finally:
            self._interruptible = False
