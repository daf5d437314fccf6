"""The Telegram door: parsing chat messages, calling services as the linked user, short replies.

`bot.py` runs the polling loop (app/telegram/polling.py); handlers here never talk to Telegram
themselves: they return an `Answer` that the loop sends once the update's transaction committed.
"""
