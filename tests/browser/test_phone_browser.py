"""Every page at a phone's size (390×844, touch): no sideways scrolling, the menu folds, targets are 44 px;
and screenshots of the main pages at desktop and phone sizes for a reviewer."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import save_screenshot
from tests.browser.test_dashboard_browser import CHARTS_DRAWN
from tests.browser.seeding import seed_business
from tests.browser.test_signup_browser import no_horizontal_scroll, open_menu, sign_up

pytestmark = pytest.mark.browser

# Every page a signed-in user reaches from the menu or a record; {person}, {deal}... are seeded ids.
PHONE_PAGES = {
    "dashboard": "/",
    "people": "/people",
    "person": "/people/{person}",
    "person timeline": "/people/{person}?tab=timeline",
    "organisations": "/organizations",
    "organisation": "/organizations/{organization}",
    "leads": "/leads",
    "lead": "/leads/{lead}",
    "deals board": "/deals/board",
    "deals list": "/deals",
    "deal": "/deals/{deal}",
    "new deal": "/deals/new",
    "tasks": "/tasks",
    "settings": "/settings",
    "settings: users": "/settings/users",
    "settings: organisation": "/settings/organization",
    "settings: custom fields": "/settings/fields",
    "settings: pipelines": "/settings/pipelines",
    "settings: audit log": "/settings/audit",
    "profile": "/profile",
    "trash": "/trash",
    "search": "/search?q=ann",
}
MIN_TARGET = 44  # px: WCAG 2.5.5's size, which the issue asks for

SMALL_TARGETS = """min => [...document.querySelectorAll(
    'button, select, summary, [role=button], input:not([type=hidden]), header nav a, .main-menu a')]
  .map(el => (el.type === 'checkbox' || el.type === 'radio') && el.closest('label') ? el.closest('label') : el)
  .filter(el => { const box = el.getBoundingClientRect();
                  return box.width > 0 && box.height > 0 && box.height < min - 0.5; })
  .map(el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
             + ` "${(el.textContent || el.name || '').trim().slice(0, 30)}"`
             + ` ${Math.round(el.getBoundingClientRect().height)}px`)"""


def test_every_page_fits_a_phone(live_app, phone_page):
    page = phone_page
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    ids = seed_business(live_app)
    problems = {}
    for name, path in PHONE_PAGES.items():
        page.goto(base + path.format(**ids))  # returns at the load event: styles applied, deferred scripts run
        menu = page.locator("#main-menu")
        assert not menu.is_visible(), f"{name}: the menu is not folded"
        open_menu(page)
        menu.get_by_role("link", name="People").wait_for()
        found = []
        if not no_horizontal_scroll(page):
            found.append("scrolls sideways: " + str(page.evaluate("document.documentElement.scrollWidth")) + "px wide")
        found += page.evaluate(SMALL_TARGETS, MIN_TARGET)
        if found:
            problems[name] = found
    assert not problems, "\n".join(f"{name}: {items}" for name, items in problems.items())
    assert page.console_errors == []


def test_the_folded_menu_works_with_the_keyboard(live_app, phone_page):
    page = phone_page
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    toggle, menu = page.get_by_role("button", name="Menu"), page.locator("#main-menu")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(menu).to_be_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    for _press in range(2):  # the search box, then the menu's first link
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#main-menu') !== null")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('nav-toggle')")


def test_screenshots_of_the_main_pages(live_app, page):
    form_factor = "phone" if page.viewport_size["width"] < 600 else "desktop"
    page.emulate_media(reduced_motion="reduce")  # charts drawn at once, not mid-animation
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    seed_business(live_app)
    for name, path in (("dashboard", "/"), ("people", "/people"), ("pipeline-board", "/deals/board")):
        page.goto(base + path)
        if name == "dashboard":  # every chart drawn before the picture is taken
            page.wait_for_function(CHARTS_DRAWN)
        assert save_screenshot(page, f"{name}-{form_factor}").stat().st_size > 10_000
    assert page.console_errors == []
