"""People in a real browser: add a person from the list page, then find them by searching as you type."""
import pytest
from playwright.sync_api import expect

from tests.browser.test_signup_browser import no_horizontal_scroll, sign_up

pytestmark = pytest.mark.browser


def add_person(page, first, last, email):
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Add person").click()
    page.wait_for_url("**/people/*")


def test_add_a_person_then_search_as_you_type(live_app, page):
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    page.goto(f"{base}/people")
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="Add your first person").click()
    add_person(page, "Ada", "Lovelace", "ada@analytical.example")
    expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()  # waits for the page or the HTMX swap
    assert no_horizontal_scroll(page)

    page.goto(f"{base}/people")
    page.get_by_role("button", name="Add person").click()
    add_person(page, "Grace", "Hopper", "grace@navy.example")

    page.goto(f"{base}/people")
    rows = page.locator("#people-rows tr")
    assert rows.count() == 2
    with page.expect_response(lambda r: "/people?" in r.url and "q=lovel" in r.url) as answer:
        page.get_by_label("Search people", exact=True).press_sequentially("lovel", delay=30)
    assert answer.value.status == 200
    expect(rows).to_have_count(1)
    assert "Ada Lovelace" in rows.first.inner_text()
    assert "q=lovel" in page.url  # the search is in the address, so reload and back keep it

    # Sorting swaps the rows and the headers; the search stays. Phones sort from the filters (no headers).
    if page.viewport_size["width"] > 600:
        page.get_by_role("link", name="Email").click()
        expect(page.locator("#people-head th[aria-sort]")).to_contain_text("Email")
    else:
        page.get_by_text("Filters and order").click()
        with page.expect_response(lambda r: "sort=email" in r.url):
            page.get_by_label("Sort by").select_option("email")
    expect(page.get_by_label("Sort by")).to_have_value("email")
    page.wait_for_url("**sort=email**")  # htmx pushes the address after the swap
    assert "q=lovel" in page.url and rows.count() == 1
    assert no_horizontal_scroll(page)
    assert page.console_errors == []


def test_bulk_tag_and_inline_edit(live_app, page):
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    for first, last, email in (("Ada", "Lovelace", "ada@a.example"), ("Grace", "Hopper", "grace@n.example")):
        page.goto(f"{base}/people/new")
        add_person(page, first, last, email)

    # Inline editing: the Contact section swaps to its form and back, saved with the page's CSRF token.
    page.get_by_role("button", name="Edit Contact").click()
    page.get_by_label("Phone").fill("+1 415 555 0100")
    with page.expect_response(lambda r: r.url.endswith("/sections/contact")) as answer:
        page.get_by_role("button", name="Save").click()
    assert answer.value.status == 200
    expect(page.locator("#person-section-contact")).to_contain_text("+1 415 555 0100")
    expect(page.locator("#person-section-contact form")).to_have_count(0)

    page.goto(f"{base}/people")
    page.get_by_label("Select everyone shown").check()
    expect(page.locator("[data-bulk-count]")).to_contain_text("2 selected")
    page.get_by_label("Tag to add").fill("fair")
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_text("The tag was added to 2 people.")).to_be_visible()
    expect(page.locator("#people-rows .tag")).to_have_count(2)
    assert no_horizontal_scroll(page)
    assert page.console_errors == []
