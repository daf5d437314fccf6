"""The Telegram bot process: `python bot.py`.

Configured by TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL (default Telegram's public Bot API), the
application's DATABASE_URL and friends, and TELEGRAM_POLL_TIMEOUT (long-poll seconds, default 25).
"""
import logging
import os
import signal
import sys

import telebot
from telebot import apihelper

from app import create_app
from app.telegram.polling import Poller


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = create_app()
    token = app.config["TELEGRAM_BOT_TOKEN"]
    if not token or not token.partition(":")[0].isdigit():
        print("Set TELEGRAM_BOT_TOKEN to the token @BotFather gave you (it looks like 123456:ABC...).", file=sys.stderr)
        return 2
    apihelper.API_URL = app.config["TELEGRAM_API_URL"].rstrip("/") + "/bot{0}/{1}"
    bot = telebot.TeleBot(token, threaded=False)
    poller = Poller(app, bot, poll_timeout=int(os.environ.get("TELEGRAM_POLL_TIMEOUT", "25")))
    signal.signal(signal.SIGTERM, poller.stop)
    signal.signal(signal.SIGINT, poller.stop)
    poller.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
