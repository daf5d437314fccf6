"""Reading what a user typed: commands, `name: text` pairs, quick-add details, plain-text notes."""
import re
from dataclasses import dataclass

NOTE_FOR = re.compile(r"^\s*note\s+for\s+(?P<target>[^:]+?)\s*:\s*(?P<text>.*)$", re.IGNORECASE | re.DOTALL)
PHONE = re.compile(r"^\+?[\d\s().\-/]{5,}$")


@dataclass(frozen=True)
class Command:
    """`/name args`: the name lower-cased and without a `@BotName` suffix."""

    name: str
    args: str


def command_of(text: str) -> Command | None:
    """The command a message starts with, or None for plain text."""
    text = (text or "").strip()
    if not text.startswith("/"):
        return None
    head, _space, args = text.partition(" ")
    name = head[1:].split("@", 1)[0].lower()
    return Command(name=name, args=args.strip())


def target_and_text(args: str) -> tuple[str, str]:
    """`Ann Smith: called back` -> ("Ann Smith", "called back"); blanks where a part is missing."""
    target, colon, text = args.partition(":")
    if not colon:
        return args.strip(), ""
    return target.strip(), text.strip()


def plain_note(text: str) -> tuple[str, str] | None:
    """`note for Ann: text` -> ("Ann", "text"), or None for other plain text."""
    found = NOTE_FOR.match(text or "")
    return (found["target"].strip(), found["text"].strip()) if found else None


@dataclass
class QuickPerson:
    """What `/add First Last, +phone, email` gave; `unknown` holds parts that are neither."""

    first_name: str = ""
    last_name: str = ""
    phone: str | None = None
    email: str | None = None
    unknown: tuple[str, ...] = ()
    name_missing: bool = False


def quick_person(args: str) -> QuickPerson:
    """The name comes first; the phone and email follow in any order."""
    parts = [part.strip() for part in (args or "").split(",") if part.strip()]
    person = QuickPerson()
    if not parts or _is_email(parts[0]) or PHONE.match(parts[0]):
        person.name_missing = True
    else:
        first, _space, last = parts.pop(0).partition(" ")
        person.first_name, person.last_name = first.strip(), " ".join(last.split())
    unknown = []
    for part in parts:
        if _is_email(part) and person.email is None:
            person.email = part
        elif PHONE.match(part) and person.phone is None:
            person.phone = part
        else:
            unknown.append(part)
    person.unknown = tuple(unknown)
    return person


def _is_email(text: str) -> bool:
    return "@" in text and " " not in text.strip()
