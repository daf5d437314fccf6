"""What the load runner reads from Roost's pages (ids, tokens, cursors), apart from Locust so tests check it."""
import re

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"|name="csrf_token" value="([^"]+)"')
PERSON_LINK = re.compile(r'href="/people/([0-9a-f-]{36})"')
DEAL_CARD = re.compile(r'<li class="deal-card" id="deal-([0-9a-f-]{36})"')  # not the board's move-URL template
STAGE_MENU = re.compile(r'name="stage_id">(.*?)</select>', re.S)  # a card's "move to stage" menu
OPTION = re.compile(r'<option value="([0-9a-f-]{36})"')
NEXT_PAGE = re.compile(r'href="/people\?[^"]*after=([^"&]+)')


def first(pattern: re.Pattern, text: str) -> str | None:
    """The first group that matched, of the first match; None when nothing matches."""
    found = pattern.search(text)
    return next((group for group in found.groups() if group), None) if found else None


def stage_ids(board: str) -> list[str]:
    """The stages a card on the board can move to."""
    menu = STAGE_MENU.search(board)
    return OPTION.findall(menu.group(1)) if menu else []
