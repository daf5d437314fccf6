"""The real `bot.py` process against a local Bot API server and a real PostgreSQL database.

One bot process serves the whole module; each test has its own tenant and chat ids, so tests
stay independent. What a user sees is read from what the bot sent to the fake server.
"""
import itertools
import signal
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import Activity, AuditEvent, Person, TelegramLink, TelegramLinkCode, TelegramPendingAction
from app.models.base import utcnow
from app.schemas.activities import ActivityCreate
from app.schemas.contacts import OrganizationInput, PersonInput
from app.schemas.deals import DealCreate
from app.services import activities, deals, organizations, people, telegram_bots, telegram_links, users
from app.tenancy import tenant_context
from tests.conftest import build_app, login
from tests.telegram_fake import TOKEN, USERNAME, FakeBotApi, start_bot, wait_started

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]
chat_ids = itertools.count(5_000_001)


@pytest.fixture(scope="module")
def bot_app(request, tmp_path_factory):
    return build_app(request, "postgresql", tmp_path_factory.mktemp("telegram"))


@pytest.fixture
def app(bot_app):
    """make_tenant and friends use the module's app: the one the bot process shares a database with."""
    return bot_app


@pytest.fixture(scope="module")
def api():
    with FakeBotApi() as fake:
        yield fake


class BotProcess:
    """The running `python bot.py`, restartable."""

    def __init__(self, app, api, log_path):
        self.app, self.api, self.log_path = app, api, log_path
        self.process = None

    def start(self):
        calls = len(self.api.state.calls)
        self.process = start_bot(self.app.config["SQLALCHEMY_DATABASE_URI"], self.api.url, self.log_path)
        wait_started(self.api, self.process, calls_before=calls)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=15)

    @property
    def log(self) -> str:
        return self.log_path.read_text()


@pytest.fixture(scope="module")
def bot(bot_app, api, tmp_path_factory):
    process = BotProcess(bot_app, api, tmp_path_factory.mktemp("bot") / "bot.log")
    process.start()
    yield process
    if process.process.poll() is None:
        process.stop()


def linked_chat(app, api, user) -> int:
    """A new chat linked to `user` through a profile code and /start."""
    chat = next(chat_ids)
    with app.app_context(), tenant_context(user_tenant(app, user), channel="web", user_id=user.id) as ctx:
        code = telegram_links.issue_code(ctx).code
    reply = api.ask(chat, f"/start {code}")
    assert "now linked" in reply.text, reply.text
    return chat


def user_tenant(app, user):
    with app.app_context():
        return users.find_by_email(user.email).tenant_id


def count(app, tenant, model, *where):
    with app.app_context(), tenant_context(tenant.id, channel="cli"):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def add_person(app, tenant, **fields):
    with app.app_context(), tenant_context(tenant.id, channel="web", user_id=tenant.admin.id) as ctx:
        return people.create_person(ctx, data=PersonInput(**fields)).id


# --- linking -----------------------------------------------------------------------------------------

def test_start_registers_commands_and_an_unlinked_chat_gets_only_instructions(app, api, bot, make_tenant):
    acme = make_tenant("Acme")
    add_person(app, acme, first_name="Secret", last_name="Person")
    assert {c["command"] for c in api.state.commands} >= {"find", "add", "note", "call", "deal", "tasks", "delete",
                                                          "help"}
    with app.app_context():
        assert telegram_bots.username_for_token(TOKEN) == USERNAME  # from getMe: the profile's t.me link
    chat = next(chat_ids)
    for text in ("/find secret", "note for Secret Person: hi", "/help"):
        reply = api.ask(chat, text)
        assert "/start CODE" in reply.text and "Secret" not in reply.text
    assert "not valid" in api.ask(chat, "/start WRONG123").text
    assert count(app, acme, Activity) == 0


def test_cli_code_links_a_chat_once_and_unlink_ends_it(app, api, bot, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    result = app.test_cli_runner().invoke(args=["telegram", "link-code", "--email", acme.users["rep"].email])
    assert result.exit_code == 0, result.output
    code = result.output.strip().splitlines()[-1]
    chat, other = next(chat_ids), next(chat_ids)
    assert "Hello Acme Rep" in api.ask(chat, f"/start {code}").text
    assert "not valid" in api.ask(other, f"/start {code}").text  # one-time
    with app.app_context():
        link = db.session.scalar(select(TelegramLink).where(TelegramLink.chat_id == chat))
        assert link.user_id == acme.users["rep"].id and link.username == "rep"
    assert "no longer linked" in api.ask(chat, "/unlink").text
    assert "/start CODE" in api.ask(chat, "/find acme").text


def test_an_expired_code_does_not_link(app, api, bot, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        code = telegram_links.issue_code(ctx).code
        db.session.execute(update(TelegramLinkCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert "not valid" in api.ask(next(chat_ids), f"/start {code}").text


# --- commands ----------------------------------------------------------------------------------------

def test_add_find_and_open_a_person(app, api, bot, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    chat = linked_chat(app, api, acme.users["rep"])
    reply = api.ask(chat, "/add Ann Smith, ann@example.com, +44 20 7946 0000")
    assert "Added Ann Smith" in reply.text and "ann@example.com" in reply.text and "+44 20 7946 0000" in reply.text
    found = api.ask(chat, "/find ANN")
    assert found.buttons == [(found.buttons[0][0], found.button("Ann Smith"))]
    opened = api.click(found, "Ann Smith")
    assert "Person: Ann Smith" in opened.text and "ann@example.com" in opened.text
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        person = db.session.scalars(select(Person)).one()
        assert person.owner_id == acme.users["rep"].id
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.created")).one()
        assert (event.channel, event.actor_id) == ("telegram", acme.users["rep"].id)


def test_notes_and_calls_land_on_the_timeline_as_telegram_actions(app, api, bot, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    rep = acme.users["rep"]
    person_id = add_person(app, acme, first_name="Bea", last_name="Lopez", email="bea@example.com")
    chat = linked_chat(app, api, rep)
    assert "Note added to Bea Lopez" in api.ask(chat, "/note bea@example.com: wants a quote").text
    assert "Note added to Bea Lopez" in api.ask(chat, "Note for bea lopez: sent the brochure").text
    assert "Call with Bea Lopez logged" in api.ask(chat, "/call Bea Lopez: interested, call back in May").text
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=rep.id) as ctx:
        items = activities.timeline(ctx, person_id=person_id).items
        assert sorted((i.kind, i.channel, i.user_id) for i in items) == [
            ("call", "telegram", rep.id), ("note", "telegram", rep.id), ("note", "telegram", rep.id)]
        assert {i.subject for i in items} >= {"wants a quote", "sent the brochure"}
        assert next(i for i in items if i.kind == "call").outcome == "interested, call back in May"
    with app.test_client() as client:
        login(client, rep)
        page = client.get(f"/people/{person_id}?tab=timeline").get_data(as_text=True)
        assert page.count("via Telegram") == 3


def test_several_matches_are_offered_as_buttons(app, api, bot, make_tenant):
    acme = make_tenant("Acme")
    smith = add_person(app, acme, first_name="Ann", last_name="Smith")
    jones = add_person(app, acme, first_name="Ann", last_name="Jones")
    chat = linked_chat(app, api, acme.admin)
    question = api.ask(chat, "/note ann: met at the fair")
    assert "Which one" in question.text
    assert {label for label, _data in question.buttons} == {"Person: Ann Smith", "Person: Ann Jones"}
    answer = api.click(question, "Ann Jones")
    assert answer.method == "editMessageText" and "Note added to Ann Jones" in answer.text
    assert count(app, acme, Activity, Activity.person_id == jones) == 1
    assert count(app, acme, Activity, Activity.person_id == smith) == 0
    again = api.click(question, "Ann Smith")  # the question was used up
    assert "already answered" in again.text
    assert count(app, acme, Activity) == 1


def test_deal_shows_its_stage_and_buttons_move_it(app, api, bot, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        deal_id = deals.create_deal(ctx, data=DealCreate(name="Website redesign", value="1200")).id
    chat = linked_chat(app, api, acme.users["rep"])
    card = api.ask(chat, "/deal website REDESIGN")
    assert "Deal: Website redesign" in card.text and "Stage: Lead" in card.text
    moved = api.click(card, "Proposal")
    assert "Stage: Proposal" in moved.text and moved.method == "editMessageText"
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        assert deals.get_deal(ctx, deal_id=deal_id).stage.name == "Proposal"
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "deal.stage_changed")).one()
        assert event.channel == "telegram"


def test_several_deals_offer_a_choice_and_find_opens_organisations(app, api, bot, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        roofing = organizations.create_organization(
            ctx, data=OrganizationInput(name="Roofing Ltd", phone="+44 20 7946 0001"))
        deals.create_deal(ctx, data=DealCreate(name="Roof north", organization_id=roofing.id))
        deals.create_deal(ctx, data=DealCreate(name="Roof south"))
    chat = linked_chat(app, api, acme.users["rep"])
    question = api.ask(chat, "/deal ROOF")
    assert "Which one" in question.text and {label for label, _d in question.buttons} == {
        "Deal: Roof north", "Deal: Roof south"}
    card = api.click(question, "Roof north")
    assert card.method == "editMessageText" and "Deal: Roof north" in card.text and "Roofing Ltd" in card.text
    assert card.button("Qualified")  # its stage buttons come with it
    found = api.ask(chat, "/find roofing")
    opened = api.click(found, "Organisation: Roofing Ltd")
    assert "Organisation: Roofing Ltd" in opened.text and "+44 20 7946 0001" in opened.text


def test_tasks_due_today_or_overdue_with_done_buttons(app, api, bot, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    rep = acme.users["rep"]
    person_id = add_person(app, acme, first_name="Cy", last_name="Doe")
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=rep.id) as ctx:
        late = activities.log_activity(ctx, data=ActivityCreate(
            kind="task", subject="Send the contract", person_id=person_id,
            due_at=utcnow() - timedelta(days=1))).id
        activities.log_activity(ctx, data=ActivityCreate(kind="task", subject="Next month", person_id=person_id,
                                                         due_at=utcnow() + timedelta(days=30)))
    chat = linked_chat(app, api, rep)
    listed = api.ask(chat, "/tasks")
    assert "Send the contract (overdue)" in listed.text and "Next month" not in listed.text
    done = api.click(listed, "Done: Send the contract")
    assert "Nothing due today or overdue" in done.text
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.get(Activity, late).done_at is not None


def test_delete_asks_first_no_cancels_yes_deletes(app, api, bot, make_tenant):
    acme = make_tenant("Acme", roles=("head",))
    person_id = add_person(app, acme, first_name="Dan", last_name="Gone")
    chat = linked_chat(app, api, acme.users["head"])
    question = api.ask(chat, "/delete dan gone")
    assert "Delete person Dan Gone?" in question.text
    assert "Nothing was changed" in api.click(question, "No").text
    assert count(app, acme, Person, Person.id == person_id) == 1
    question = api.ask(chat, "/delete Dan Gone")
    assert "Deleted Dan Gone" in api.click(question, "Yes").text
    assert count(app, acme, Person, Person.id == person_id) == 0
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.deleted")).one()
        assert (event.channel, event.actor_id) == ("telegram", acme.users["head"].id)


def test_a_confirmation_expires_after_five_minutes(app, api, bot, make_tenant):
    acme = make_tenant("Acme")
    person_id = add_person(app, acme, first_name="Eve", last_name="Stays")
    chat = linked_chat(app, api, acme.admin)
    question = api.ask(chat, "/delete Eve Stays")
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        db.session.execute(update(TelegramPendingAction).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert "expired" in api.click(question, "Yes").text
    assert count(app, acme, Person, Person.id == person_id) == 1


def test_owner_change_asks_first(app, api, bot, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    person_id = add_person(app, acme, first_name="Fay", last_name="Moved")
    chat = linked_chat(app, api, acme.admin)
    question = api.ask(chat, f"/owner Fay Moved: {acme.users['rep'].email.upper()}")
    assert "Make Acme Rep the owner of Fay Moved?" in question.text
    assert "Acme Rep now owns Fay Moved" in api.click(question, "Yes").text
    assert count(app, acme, Person, Person.id == person_id, Person.owner_id == acme.users["rep"].id) == 1


# --- bad input, isolation, roles -----------------------------------------------------------------------

def test_bad_input_gets_a_helpful_reply_and_changes_nothing(app, api, bot, make_tenant):
    acme = make_tenant("Acme")
    chat = linked_chat(app, api, acme.admin)
    assert "I do not know /frobnicate" in api.ask(chat, "/frobnicate now").text
    assert "Start with the person's name" in api.ask(chat, "/add").text
    assert "Start with the person's name" in api.ask(chat, "/add +44 20 7946 0000, x@example.com").text
    assert "email address like" in api.ask(chat, "/add Gil Bad, not-an-email@").text
    assert "found no one called “Nobody Here”. Nothing was saved" in api.ask(chat, "/note Nobody Here: hello").text
    assert "Try it like this" in api.ask(chat, "/note just text without a colon").text
    assert "did not understand" in api.ask(chat, "hello bot").text
    assert count(app, acme, Person) == 0 and count(app, acme, Activity) == 0


def test_a_chat_of_tenant_a_never_sees_tenant_b(app, api, bot, make_tenant):
    a, b = make_tenant("Alpha"), make_tenant("Bravo")
    add_person(app, b, first_name="Bravo", last_name="Marker-9c1e", email="marker@bravo.example")
    with app.app_context(), tenant_context(b.id, channel="web", user_id=b.admin.id) as ctx:
        deals.create_deal(ctx, data=DealCreate(name="Bravo Marker-9c1e deal"))
    chat = linked_chat(app, api, a.admin)
    for text in ("/find Marker-9c1e", "/deal Marker-9c1e", "/note marker@bravo.example: hi",
                 "/delete Bravo Marker-9c1e", "/owner Bravo Marker-9c1e: admin"):
        reply = api.ask(chat, text)
        assert "9c1e" not in " ".join([*(label for label, _d in reply.buttons)]) and reply.buttons == []
        assert "Bravo Marker-9c1e" not in reply.text.replace("“Bravo Marker-9c1e”", "")
    assert count(app, b, Activity) == 0 and count(app, b, Person) == 1


def test_a_marketing_user_cannot_delete(app, api, bot, make_tenant):
    acme = make_tenant("Acme", roles=("marketing",))
    person_id = add_person(app, acme, first_name="Hal", last_name="Kept")
    chat = linked_chat(app, api, acme.users["marketing"])
    reply = api.ask(chat, "/delete Hal Kept")
    assert "role does not allow" in reply.text and reply.buttons == []
    assert count(app, acme, Person, Person.id == person_id) == 1
    assert count(app, acme, TelegramPendingAction) == 0


# --- a flaky Bot API, restarts, SIGTERM ----------------------------------------------------------------

def test_the_bot_survives_drops_502_and_429_and_handles_each_update_once(app, api, bot, make_tenant):
    acme = make_tenant("Acme")
    chat = linked_chat(app, api, acme.admin)
    before = len(api.replies(chat))
    api.fail("drop", "502", "429:1", method="getUpdates")
    api.fail("drop", "502", "429:1", "drop", method="sendMessage")
    api.replay_next(2)  # and deliver old updates again, as if the offset were lost
    for name in ("Ivy One", "Ivy Two", "Ivy Three"):
        api.say(chat, f"/add {name}")
    api.wait_reply(chat, before + 2, timeout=30)
    api.replay_next(1)
    assert "What I can do" in api.ask(chat, "/help").text  # updates go in order: all earlier ones are done
    names = sorted(r.text.splitlines()[0] for r in api.replies(chat)[before:-1])
    assert names == ["Added Ivy One.", "Added Ivy Three.", "Added Ivy Two."]
    assert count(app, acme, Person) == 3
    assert not api.state.faults  # every fault was met
    assert "getUpdates failed" in bot.log and "send_message failed" in bot.log and "retrying in" in bot.log


def test_sigterm_stops_cleanly_and_a_restart_never_takes_an_update_twice(app, api, bot, make_tenant):
    acme = make_tenant("Acme")
    chat = linked_chat(app, api, acme.admin)
    api.ask(chat, "/add Jo Once")
    assert bot.stop() == 0
    assert "bot stopped" in bot.log
    before = len(api.replies(chat))
    api.replay_next(3)  # the new process is sent every update ever queued
    bot.start()
    reply = api.ask(chat, "/add Kim After")
    assert "Added Kim After" in reply.text
    assert len(api.replies(chat)) == before + 1  # nothing old answered again
    assert count(app, acme, Person) == 2
