"""The bot's commands for a linked chat: each takes the user's context and the text after the command."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import Invalid
from app.schemas.base import validate
from app.schemas.contacts import PersonInput
from app.services import activities, people, telegram_links, users
from app.telegram import matching
from app.telegram.actions import choose_or_act
from app.telegram.answers import Answer, button_data
from app.telegram.cards import deal_card
from app.telegram.parsing import plain_note, quick_person, target_and_text

# (command, what it does, an example): /help shows them, setMyCommands registers them.
COMMANDS = (
    ("find", _l("Find people, organisations and deals"), "/find acme"),
    ("add", _l("Quick-add a person"), "/add Ann Smith, +44 20 7946 0000, ann@example.com"),
    ("note", _l("Add a note to a timeline"), "/note Ann Smith: wants a quote by Friday"),
    ("call", _l("Log a call"), "/call Ann Smith: interested, call back in May"),
    ("deal", _l("Show a deal and move it to another stage"), "/deal Website redesign"),
    ("tasks", _l("My tasks due today or overdue"), "/tasks"),
    ("delete", _l("Delete a record (asks first)"), "/delete Ann Smith"),
    ("owner", _l("Give a record another owner (asks first)"), "/owner Ann Smith: bob@example.com"),
    ("unlink", _l("Disconnect this chat from Roost"), "/unlink"),
    ("help", _l("What I can do"), "/help"),
)


def help_text() -> str:
    """The commands with an example each."""
    lines = [_("What I can do:")]
    for name, description, example in COMMANDS:
        lines.append(f"/{name}: {description}\n    {example}")
    lines.append(_("You can also write: note for Ann Smith: sent the brochure"))
    return "\n".join(lines)


def _usage(name: str) -> str:
    example = next(example for command, _description, example in COMMANDS if command == name)
    return _("Try it like this: %(example)s", example=example)


def find(ctx, chat_id, args: str) -> Answer:
    """/find <text>: matching people, organisations and deals, a button to open each."""
    if len(args) < 2:
        return Answer(_("What should I look for? %(usage)s", usage=_usage("find")))
    matches = matching.find(ctx, args)
    if not matches:
        return Answer(_("Nothing matches “%(text)s”.", text=args))
    return Answer(_("Found:"), buttons=[
        [(matching.describe(m), button_data("o", m.kind[0], m.id))] for m in matches])


def add(ctx, chat_id, args: str) -> Answer:
    """/add First Last, phone, email: quick-add a person and say what was stored."""
    quick = quick_person(args)
    if quick.name_missing:
        return Answer(_("Start with the person's name. %(usage)s", usage=_usage("add")))
    if quick.unknown:
        return Answer(_("I could not tell what “%(part)s” is: give a phone number or an email. Nothing was saved.",
                        part=quick.unknown[0]))
    data = validate(PersonInput, {"first_name": quick.first_name, "last_name": quick.last_name,
                                  "phone": quick.phone, "email": quick.email})
    person = people.create_person(ctx, data=data)
    details = " · ".join(v for v in (person.phone, person.email) if v)
    return Answer(_("Added %(name)s.", name=person.name) + (f"\n{details}" if details else ""),
                  buttons=[[(_("Open"), button_data("o", "p", person.id))]])


def note(ctx, chat_id, args: str) -> Answer:
    """/note <name or email>: <text>."""
    return log_on(ctx, chat_id, "note", *target_and_text(args))


def call(ctx, chat_id, args: str) -> Answer:
    """/call <name>: <outcome>."""
    return log_on(ctx, chat_id, "call", *target_and_text(args))


def log_on(ctx, chat_id, then: str, target: str, text: str) -> Answer:
    """A note or a call on the record `target` names; nothing is saved when it names nobody."""
    if len(target) < 2 or not text:
        return Answer(_usage(then))
    return choose_or_act(ctx, chat_id, then, matching.find(ctx, target), {"text": text},
                         nothing=_("I found no one called “%(name)s”. Nothing was saved.", name=target))


def deal(ctx, chat_id, args: str) -> Answer:
    """/deal <name>: the deal with its stage, and buttons to move it."""
    if len(args) < 2:
        return Answer(_usage("deal"))
    matches = matching.find(ctx, args, kinds=("deal",))
    if len(matches) == 1:
        return deal_card(ctx, matches[0].id)
    return choose_or_act(ctx, chat_id, "open", matches, {},
                         nothing=_("No deal matches “%(text)s”.", text=args))


def tasks(ctx, chat_id, args: str) -> Answer:
    """/tasks: my open tasks due today or overdue."""
    return task_list(ctx)


def task_list(ctx, *, headline: str | None = None) -> Answer:
    """My open tasks due today or overdue, each with a Done button."""
    mine = activities.my_tasks(ctx, done_limit=0)
    due = mine.overdue + mine.today
    lines = [headline] if headline else []
    if not due:
        lines.append(_("Nothing due today or overdue."))
        return Answer("\n".join(lines))
    lines.append(_("Your tasks due today or overdue:"))
    for task in due:
        link = mine.link_of(task)
        line = _("%(subject)s (overdue)", subject=task.subject) if task in mine.overdue else task.subject
        lines.append(f"• {line}" + (f" · {link[2]}" if link else ""))
    unseen = mine.totals["overdue"] + mine.totals["today"] - len(due)
    if unseen:  # each group lists its first page only
        lines.append(_("…and %(num)d more in My tasks on the web.", num=unseen))
    return Answer("\n".join(lines), buttons=[
        [(_("Done: %(subject)s", subject=task.subject[:40]), button_data("t", task.id))] for task in due])


def delete(ctx, chat_id, args: str) -> Answer:
    """/delete <name>: asks Yes/No before anything is deleted."""
    if len(args) < 2:
        return Answer(_usage("delete"))
    return choose_or_act(ctx, chat_id, "delete", matching.find(ctx, args), {},
                         nothing=_("Nothing matches “%(text)s”. Nothing was deleted.", text=args))


def owner(ctx, chat_id, args: str) -> Answer:
    """/owner <name>: <user name or email>: asks Yes/No before the owner changes."""
    target, who = target_and_text(args)
    if len(target) < 2 or not who:
        return Answer(_usage("owner"))
    wanted = who.lower()
    team = [u for u in users.list_users(ctx) if u.active]
    chosen = [u for u in team if wanted in (u.email, u.name.lower())] or [u for u in team if wanted in u.name.lower()]
    if len(chosen) != 1:
        message = (_("No one on your team is called “%(who)s”.", who=who) if not chosen
                   else _("Several people on your team match “%(who)s”; use their email.", who=who))
        raise Invalid(message)
    return choose_or_act(ctx, chat_id, "owner", matching.find(ctx, target),
                         {"owner_id": str(chosen[0].id), "owner_name": chosen[0].name},
                         nothing=_("Nothing matches “%(text)s”. Nothing was changed.", text=target))


def unlink(ctx, chat_id, args: str) -> Answer:
    """/unlink: disconnect this chat."""
    telegram_links.unlink(ctx)
    return Answer(_("This chat is no longer linked to Roost. Link it again from your profile page."))


def start(ctx, chat_id, args: str) -> Answer:
    """/start without a code, in a chat already linked."""
    return Answer(_("This chat is linked to Roost. Send /help to see what I can do."))


def show_help(ctx, chat_id, args: str) -> Answer:
    """/help."""
    return Answer(help_text())


HANDLERS = {
    "start": start, "help": show_help, "find": find, "add": add, "note": note, "call": call, "deal": deal,
    "tasks": tasks, "delete": delete, "owner": owner,
    "unlink": unlink,
}


def plain_text(ctx, chat_id, text: str) -> Answer:
    """A message that is not a command: `note for <name>: <text>`, or a pointer to /help."""
    note = plain_note(text)
    if note is None:
        return Answer(_("I did not understand that. Send /help to see what I can do."))
    return log_on(ctx, chat_id, "note", *note)


def unknown(name: str) -> Answer:
    """A command the bot does not have."""
    return Answer(_("I do not know /%(name)s. Send /help to see what I can do.", name=name))
