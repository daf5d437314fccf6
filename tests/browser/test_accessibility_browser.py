"""WCAG 2.1 AA in a real browser: axe-core finds no serious or critical violation on Roost's main pages,
and the pipeline board works with the keyboard alone."""
import pytest

from tests.browser.accessibility import blocking_violations, describe, enable_axe
from tests.browser.seeding import seed_business
from tests.browser.test_board_browser import column, stage_of
from tests.browser.test_signup_browser import sign_up

pytestmark = pytest.mark.browser

# Pages checked before signing up.
PUBLIC_PAGES = {
    "sign-up": "/signup",
    "login": "/login",
    "API docs": "/api/docs",
}
# Pages checked as the signed-up admin of a seeded business; {person}, {deal}... are its records' ids.
# Add a page here and it is checked at desktop and phone sizes.
SIGNED_IN_PAGES = {
    "dashboard": "/",
    "people list": "/people",
    "person detail": "/people/{person}",
    "pipeline board": "/deals/board",
    "settings: users": "/settings/users",
    "settings: organisation": "/settings/organization",
    "settings: custom fields": "/settings/fields",
    "settings: pipelines": "/settings/pipelines",
    "profile": "/profile",
    "tasks": "/tasks",
    "import": "/import",
    "welcome: first customer": "/welcome",
    "welcome: spreadsheet": "/welcome/spreadsheet",
    "welcome: team": "/welcome/team",
    "settings: webhooks": "/settings/webhooks",
    "settings: sample data": "/settings/sample-data",
}


def check(page, url: str, found: dict) -> None:
    page.goto(url)  # returns at the load event: the deferred scripts have run, and no page fetches more to show
    violations = blocking_violations(page)
    if violations:
        found[url] = describe(violations)


def test_no_serious_accessibility_violation_on_the_main_pages(live_app, page):
    base = live_app.config["LIVE_URL"]
    enable_axe(page)
    found = {}
    for path in PUBLIC_PAGES.values():
        check(page, base + path, found)
    sign_up(page, base)
    ids = seed_business(live_app)
    for path in SIGNED_IN_PAGES.values():
        check(page, base + path.format(**ids), found)
    assert not found, "\n\n".join(f"{url}\n{problems}" for url, problems in found.items())
    assert page.console_errors == []


def test_the_check_sees_a_violation_when_there_is_one(live_app, desktop_page):
    """Not vacuous: an unlabelled field and an image without a text alternative are reported."""
    page = desktop_page
    enable_axe(page)
    page.goto(live_app.config["LIVE_URL"] + "/login")
    page.evaluate("""() => document.querySelector('main').insertAdjacentHTML(
        'beforeend', '<img src="/static/icons/icon-192.png"><input type="text" name="x">')""")
    assert {v["id"] for v in blocking_violations(page)} >= {"image-alt", "label"}


def tab_to(page, element_id: str, limit: int = 80) -> None:
    """Press Tab until the element with `element_id` has the focus."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with Tab")


def test_the_pipeline_board_with_the_keyboard_alone(live_app, desktop_page):
    page = desktop_page
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    ids = seed_business(live_app)
    page.goto(f"{base}/deals/board")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"  # the first stop skips the header
    menu_id = f"move-{ids['deal']}"
    tab_to(page, menu_id)
    # The focused control is visibly marked.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    stages = {o["label"]: o["value"] for o in page.evaluate(
        "id => [...document.getElementById(id).options].map(o => ({label: o.text, value: o.value}))", menu_id)}
    with page.expect_response(lambda r: "/move" in r.url and r.status == 200):
        page.keyboard.press("ArrowDown")  # a closed native <select>: the next stage, at once
    column(page, stages["Qualified"]).get_by_role("link", name="200 point-of-lay hens").wait_for()
    page.wait_for_function(f"() => document.activeElement && document.activeElement.id === '{menu_id}'")
    page.get_by_role("status").filter(has_text="moved to Qualified").wait_for()
    assert stage_of(live_app, ids["tenant"], "200 point-of-lay hens") == stages["Qualified"]
    # Enter on the focused card's link opens the deal.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/deals/{ids['deal']}")
    assert page.console_errors == []
