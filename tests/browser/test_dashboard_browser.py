"""The dashboard in a real browser: charts drawn from their data blocks, the member filter swaps the
numbers in place, redraws the charts and says whose numbers they are."""
import pytest
from playwright.sync_api import expect

from app.schemas.accounts import UserCreate
from app.schemas.contacts import PersonInput
from app.services import people, users
from app.tenancy import tenant_context
from tests.browser.seeding import seed_business
from tests.browser.test_signup_browser import sign_up
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

CHARTS_DRAWN = "() => [...document.querySelectorAll('canvas[data-chart]')].every(c => Chart.getChart(c))"


def add_rep_with_a_customer(live_app, tenant_id) -> str:
    with live_app.app_context(), tenant_context(tenant_id, channel="cli") as ctx:
        rep = users.add_user(ctx, data=UserCreate(name="Rosa Rep", email="rosa@sunnyside.example", role="rep"),
                             password=PASSWORD).user
        rep_id = rep.id
    with live_app.app_context(), tenant_context(tenant_id, channel="web", user_id=rep_id) as ctx:
        people.create_person(ctx, data=PersonInput(first_name="Rosa's", last_name="Customer"))
    return str(rep_id)


def test_charts_draw_and_the_member_filter_swaps_the_numbers(live_app, page):
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    ids = seed_business(live_app)
    rep_id = add_rep_with_a_customer(live_app, ids["tenant"])
    page.goto(base + "/")
    page.wait_for_function(CHARTS_DRAWN)
    people_count = page.locator(".stat", has_text="People").locator("dd a")
    expect(people_count).to_have_text("5")  # the whole team's
    with page.expect_response(lambda r: f"user_id={rep_id}" in r.url):
        page.get_by_label("Numbers of").select_option(label="Rosa Rep")
    expect(people_count).to_have_text("1")
    expect(page.get_by_role("status").filter(has_text="Showing the numbers of Rosa Rep.")).to_have_count(1)
    assert f"user_id={rep_id}" in page.url  # the address keeps the choice
    page.wait_for_function(CHARTS_DRAWN)  # the swapped-in charts are drawn too (no empty canvases)
    page.go_back()
    expect(people_count).to_have_text("5")
    assert page.console_errors == []
