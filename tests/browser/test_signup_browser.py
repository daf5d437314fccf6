"""A new user in a real browser: sign up, land in the tenant, manage the team with HTMX."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Tenant, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def open_menu(page):
    """On a phone the main menu is folded behind its button: open it (a desktop shows it always)."""
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def sign_up(page, base, *, skip_wizard=True):
    """Sign up Sunny Side Eggs; the first-run wizard opens, and is skipped to the home page unless asked not to."""
    page.goto(f"{base}/signup")
    page.get_by_label("Your business name").fill("Sunny Side Eggs")
    page.get_by_label("Your name").fill("Sam Sunny")
    page.get_by_label("Email").fill("sam@sunnyside.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(f"{base}/welcome")
    if skip_wizard:
        page.get_by_role("button", name="Skip for now").click()
        page.wait_for_url(f"{base}/")


def test_sign_up_lands_inside_the_new_tenant(live_app, page):
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    expect(page.get_by_role("heading", name="Welcome, Sam Sunny")).to_be_visible()  # waits for the page or the HTMX swap
    assert "Sunny Side Eggs" in page.content()
    assert no_horizontal_scroll(page)
    with live_app.app_context():
        tenant = db.session.scalars(select(Tenant)).one()
        # Guessed from the browser: its time zone, and the currency of its locale (en-GB).
        assert (tenant.timezone, tenant.currency) == ("America/New_York", "GBP")
    assert page.console_errors == []  # CSP violations would show here


def test_a_wrong_password_is_explained_on_the_login_page(live_app, page):
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    open_menu(page)
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Email").fill("sam@sunnyside.example")
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text().startswith("The email or password is not right")
    assert no_horizontal_scroll(page)


def test_admin_adds_a_rep_and_changes_roles_in_place(live_app, page):
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    page.goto(f"{base}/settings/users")
    page.get_by_label("Name", exact=True).fill("Rosa Rep")
    page.get_by_label("Email").fill("rosa@sunnyside.example")
    page.get_by_label("With a temporary password").check()
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_text("can sign in with this temporary password")).to_be_visible()  # waits for the page or the HTMX swap
    # The answer is a new page, shown before its deferred htmx runs: until then a role change sends nothing.
    page.wait_for_load_state()
    assert no_horizontal_scroll(page)

    with live_app.app_context():
        rosa = db.session.scalars(select(User).where(User.email == "rosa@sunnyside.example")).one()
        sam = db.session.scalars(select(User).where(User.email == "sam@sunnyside.example")).one()
    # HTMX posts the change with the CSRF token from the page's meta tag; the row swaps in place.
    with page.expect_response(lambda r: r.url.endswith(f"/settings/users/{rosa.id}/role")) as answer:
        page.get_by_label("Role of Rosa Rep").select_option("head")
    assert answer.value.status == 200
    with live_app.app_context():
        assert db.session.get(User, rosa.id).role == "head"

    # The last admin cannot step down: the message appears next to the role, nothing changes.
    with page.expect_response(lambda r: r.url.endswith(f"/settings/users/{sam.id}/role")) as answer:
        page.get_by_label("Role of Sam Sunny").select_option("rep")
    assert answer.value.status == 409
    expect(page.get_by_text("is the last active admin")).to_be_visible()  # waits for the page or the HTMX swap
    with live_app.app_context():
        assert db.session.get(User, sam.id).role == "admin"
    assert page.console_errors == [] or all("409" in error for error in page.console_errors)
