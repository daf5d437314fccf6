"""Linking Telegram: the profile's Connect Telegram section, the CLI code, the bot's own state,
and what the bot reads from a message. Runs on SQLite and PostgreSQL."""
import os
import re
import signal
import subprocess
import sys

import pytest
from sqlalchemy import select

from app.errors import Invalid
from app.extensions import db
from app.models import AuditEvent, TelegramLink
from app.services import telegram_bots, telegram_links, users
from app.telegram.parsing import command_of, plain_note, quick_person, target_and_text
from app.tenancy import tenant_context
from tests.conftest import login
from tests.telegram_fake import BOT_ID, ROOT, TOKEN, USERNAME, FakeBotApi, start_bot, wait_started


def test_profile_gives_a_code_with_its_expiry_and_the_bots_link_then_unlinks(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    rep = acme.users["rep"]
    app.config["TELEGRAM_BOT_TOKEN"] = TOKEN
    with app.app_context():
        telegram_bots.register(bot_id=BOT_ID, username=USERNAME)
        db.session.commit()
    login(client, rep)
    page = client.get("/profile").get_data(as_text=True)
    assert "Connect Telegram" in page and "Not linked" in page
    assert page.split("<title>")[1].split("</title>")[0].count("Telegram") == 0
    page = client.post("/profile/telegram/code").get_data(as_text=True)
    code = re.search(r'id="telegram-code">([A-Z0-9]{8})<', page).group(1)
    assert f"https://t.me/{USERNAME}?start={code}" in page and "It works once, until" in page
    with app.app_context():
        user = telegram_links.link_chat(code=code.lower(), chat_id=4242, username="reponroad")
        assert user.id == rep.id
        db.session.commit()
    page = client.get("/profile").get_data(as_text=True)
    assert "@reponroad" in page and "Unlink Telegram" in page
    assert client.post("/profile/telegram/unlink").status_code == 302
    with app.app_context():
        assert telegram_links.chat_user(4242) is None
        with tenant_context(acme.id, channel="cli"):
            actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == rep.id)))
        assert {"user.telegram_code_issued", "user.telegram_linked", "user.telegram_unlinked"} <= actions


def test_a_new_code_replaces_the_old_and_a_deactivated_user_cannot_link(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    rep = acme.users["rep"]
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=rep.id) as ctx:
        first = telegram_links.issue_code(ctx).code
        second = telegram_links.issue_code(ctx).code
    with app.app_context():
        with pytest.raises(Invalid):
            telegram_links.link_chat(code=first, chat_id=1)
        db.session.rollback()
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        users.set_active(ctx, user_id=rep.id, active=False)
    with app.app_context():
        with pytest.raises(Invalid):
            telegram_links.link_chat(code=second, chat_id=1)
        db.session.rollback()
        assert db.session.scalar(select(TelegramLink.id)) is None


def test_a_chat_of_a_deactivated_user_is_unlinked_in_effect(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    rep = acme.users["rep"]
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=rep.id) as ctx:
        code = telegram_links.issue_code(ctx).code
    with app.app_context():
        telegram_links.link_chat(code=code, chat_id=77)
        db.session.commit()
        assert telegram_links.chat_user(77).user_id == rep.id
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        users.set_active(ctx, user_id=rep.id, active=False)
    with app.app_context():
        assert telegram_links.chat_user(77) is None


def test_cli_link_code_for_an_unknown_email_fails_clearly(app):
    result = app.test_cli_runner().invoke(args=["telegram", "link-code", "--email", "nobody@example.com"])
    assert result.exit_code != 0 and "No active user has this email" in result.output


def test_an_update_is_claimed_once_and_the_bot_resumes_after_it(app):
    bot_id = 555000999  # not the bot the process tests run: the bot state table is shared by every test
    with app.app_context():
        assert telegram_bots.register(bot_id=bot_id, username=USERNAME) == 0
        assert telegram_bots.claim_update(bot_id=bot_id, update_id=10)
        assert not telegram_bots.claim_update(bot_id=bot_id, update_id=10)
        assert not telegram_bots.claim_update(bot_id=bot_id, update_id=9)
        db.session.commit()
        assert telegram_bots.register(bot_id=bot_id, username="Renamed") == 10
        assert telegram_bots.username_for_token(f"{bot_id}:secret") == "Renamed"
        assert telegram_bots.username_for_token("not-a-token") is None
        db.session.rollback()


def test_reading_messages():
    assert command_of("/Find@RoostBot  acme ltd ").name == "find"
    assert command_of("/find@RoostBot acme ltd").args == "acme ltd"
    assert command_of("hello") is None
    assert target_and_text("Ann Smith: called: twice") == ("Ann Smith", "called: twice")
    assert plain_note("Note for Ann: sent it") == ("Ann", "sent it")
    assert plain_note("notes are great") is None
    quick = quick_person("Ann van Dyke, ann@example.com, +44 20 7946 0000")
    assert (quick.first_name, quick.last_name, quick.email, quick.phone) == (
        "Ann", "van Dyke", "ann@example.com", "+44 20 7946 0000")
    assert quick_person("Bo, 020 7946 0000").phone == "020 7946 0000"
    assert quick_person("ann@example.com").name_missing
    assert quick_person("Cy, sales manager").unknown == ("sales manager",)


def test_the_bot_process_works_on_sqlite_too(app, make_tenant, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return  # PostgreSQL: tests/test_telegram_bot.py runs the whole bot there
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        code = telegram_links.issue_code(ctx).code
    with FakeBotApi() as api:
        process = start_bot(app.config["SQLALCHEMY_DATABASE_URI"], api.url, tmp_path / "bot.log")
        try:
            wait_started(api, process)
            assert "now linked" in api.ask(1, f"/start {code}").text
            assert "Added Lia Lite" in api.ask(1, "/add Lia Lite, lia@example.com").text
            assert "Note added to Lia Lite" in api.ask(1, "note for lia lite: on SQLite").text
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=15) == 0


def test_bot_py_without_a_valid_token_explains_and_stops(tmp_path):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "not-a-token", "ROOST_INSTANCE_PATH": str(tmp_path)}
    done = subprocess.run([sys.executable, str(ROOT / "bot.py")], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and "TELEGRAM_BOT_TOKEN" in done.stderr
