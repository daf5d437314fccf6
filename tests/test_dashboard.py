"""The dashboard: whose numbers each role sees, the charts' series, the page and its member filter."""
import html
import json
import re
from datetime import date, timedelta

import pytest

from app.errors import Forbidden, Invalid
from app.extensions import db
from app.models import Deal
from app.models.base import utcnow
from app.schemas.activities import ActivityCreate
from app.schemas.contacts import PersonInput
from app.schemas.deals import DealCreate, PipelineInput
from app.services import activities, dashboard, deals, people, pipelines
from app.tenancy import tenant_context
from tests.conftest import login
from tests.test_query_counts import statements_for


def as_user(app, tenant, user_id):
    """A tenant context acting for `user_id` (use in a `with`)."""
    return tenant_context(tenant.id, channel="web", user_id=user_id)


def fill(app, tenant, user_id, *, people_count=1, open_value="100", won_value="40", tasks_late=1, calls=1, tag=""):
    """A member's own records: people, an open and a won deal, tasks due (one late), a call logged."""
    with app.app_context(), as_user(app, tenant, user_id) as ctx:
        for n in range(people_count):
            person = people.create_person(ctx, data=PersonInput(first_name=f"P{n}{tag}", last_name="Lee"))
        deals.create_deal(ctx, data=DealCreate(name=f"Open {tag}", value=open_value,
                                               expected_close=date.today() - timedelta(days=1)))
        won = deals.create_deal(ctx, data=DealCreate(name=f"Won {tag}", value=won_value))
        deals.mark_won(ctx, deal_id=won.id)
        for n in range(tasks_late):
            activities.log_activity(ctx, data=ActivityCreate(
                kind="task", subject=f"Late {n}{tag}", due_at=utcnow() - timedelta(hours=2), person_id=person.id))
        activities.log_activity(ctx, data=ActivityCreate(
            kind="task", subject=f"Next week{tag}", due_at=utcnow() + timedelta(days=8), person_id=person.id))
        for n in range(calls):
            activities.log_activity(ctx, data=ActivityCreate(
                kind="call", subject=f"Call {n}{tag}", person_id=person.id))


def chart(board, key):
    return next(c for c in board.charts if c.key == key)


def test_a_rep_sees_their_own_numbers_and_a_head_the_teams(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep", "head"))
    rep, head = acme.users["rep"].id, acme.users["head"].id
    fill(app, acme, rep, people_count=2, open_value="100", won_value="40", tasks_late=1, calls=2, tag="r")
    fill(app, acme, acme.admin.id, people_count=3, open_value="1000", won_value="400", tasks_late=2, calls=1, tag="a")
    with app.app_context(), as_user(app, acme, rep) as ctx:
        mine = dashboard.build_dashboard(ctx)
        assert (mine.user_id, mine.team) == (rep, [])
        assert (mine.people, mine.open_deals, mine.open_tasks, mine.overdue_tasks) == (2, 1, 2, 1)
        assert mine.open_value.amount == 100 and mine.won_value.amount == 40 and mine.won_this_month == 1
        assert [t.subject for t in mine.tasks_due] == ["Late 0r"]
        assert [d.name for d in mine.deals_closing] == ["Open r"]
        assert chart(mine, "deals-by-stage").points[0] == ("Lead", 1)
        assert chart(mine, "won-by-month").values[-1] == 40
        assert chart(mine, "people-by-week").values[-1] == 2
        assert dict(chart(mine, "activities-by-kind").points)["Calls"] == 2
    with app.app_context(), as_user(app, acme, head) as ctx:
        team = dashboard.build_dashboard(ctx)
        assert team.user_id is None and {name for _id, name in team.team} >= {"Acme Rep", "Acme Admin"}
        assert (team.people, team.open_deals, team.open_tasks, team.overdue_tasks) == (5, 2, 5, 3)
        assert team.open_value.amount == 1100 and team.won_value.amount == 440 and team.won_this_month == 2
        assert team.names[rep] == "Acme Rep"  # the team's tasks say whose they are
        one = dashboard.build_dashboard(ctx, user_id=rep)
        assert (one.people, one.open_value.amount, one.scope_name) == (2, 100, "Acme Rep")


def test_a_rep_cannot_see_someone_elses_numbers_nor_a_head_a_stranger(app, make_tenant):
    acme, other = make_tenant("Acme", roles=("rep", "head")), make_tenant("Other")
    with app.app_context(), as_user(app, acme, acme.users["rep"].id) as ctx:
        with pytest.raises(Forbidden):
            dashboard.build_dashboard(ctx, user_id=acme.admin.id)
        assert dashboard.build_dashboard(ctx, user_id=acme.users["rep"].id).user_id == acme.users["rep"].id
    with app.app_context(), as_user(app, acme, acme.users["head"].id) as ctx:
        with pytest.raises(Invalid) as error:
            dashboard.build_dashboard(ctx, user_id=other.admin.id)
        assert "user_id" in error.value.fields


def test_roles_without_deals_see_no_deal_numbers(app, make_tenant):
    acme = make_tenant("Acme", roles=("support",))
    fill(app, acme, acme.admin.id)
    with app.app_context(), as_user(app, acme, acme.users["support"].id) as ctx:
        board = dashboard.build_dashboard(ctx)
        assert not board.deals_visible and board.open_value is None and board.deals_closing == []
        assert [c.key for c in board.charts] == ["people-by-week", "activities-by-kind"]


def test_won_value_is_counted_in_the_month_it_was_won_and_other_currencies_apart(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), as_user(app, acme, acme.admin.id) as ctx:
        earlier = deals.create_deal(ctx, data=DealCreate(name="Last month", value="70"))
        euros = deals.create_deal(ctx, data=DealCreate(name="In euros", value="5", currency="EUR"))
        for deal in (earlier, euros):
            deals.mark_won(ctx, deal_id=deal.id)
        earlier_id = earlier.id
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        deal = db.session.get(Deal, earlier_id)
        first_of_month = utcnow().replace(day=1, hour=12)
        deal.closed_at = first_of_month - timedelta(days=3)  # some day last month
    with app.app_context(), as_user(app, acme, acme.admin.id) as ctx:
        board = dashboard.build_dashboard(ctx)
        won = chart(board, "won-by-month")
        assert won.values[-2:] == [70, 0] and len(won.values) == dashboard.MONTHS
        assert won.note  # the euros are not added to the dollars
        assert board.won_value.others == {"EUR": 5} and board.won_this_month == 1


def test_open_stages_are_labelled_with_their_pipeline_once_there_are_several(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), as_user(app, acme, acme.admin.id) as ctx:
        one = chart(dashboard.build_dashboard(ctx), "deals-by-stage").labels
        pipelines.create_pipeline(ctx, data=PipelineInput(name="Renewals"))
        two = chart(dashboard.build_dashboard(ctx), "deals-by-stage").labels
    assert one and not any(":" in label for label in one)
    # the board's order: the first pipeline's open stages, then the second's (made with the same stages)
    assert two == [f"{name}: {label}" for name in ("Sales", "Renewals") for label in one], two


def test_the_page_shows_counts_charts_and_their_text_alternatives(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    fill(app, acme, acme.admin.id)
    login(client, acme.admin)
    page = client.get("/").get_data(as_text=True)
    assert "Overdue tasks" in page and "Deals closing this week" in page and "Late 0" in page
    canvases = re.findall(r"<canvas data-chart='([^']+)' role=\"img\"\s+aria-label=\"([^\"]+)\"", page)
    charts = [json.loads(html.unescape(data)) for data, _label in canvases]
    assert [c["type"] for c in charts] == ["bar", "bar", "line", "doughnut"]
    assert charts[0]["labels"][0] == "Lead" and charts[0]["values"][0] == 1
    assert "Open deals by stage: Lead 1" in canvases[0][1]  # the summary a screen reader hears
    assert page.count("<table>") == 4  # the same numbers, as tables
    assert "vendor/chartjs/chart.umd.min.js" in page and "dashboard.js" in page


def test_the_member_filter_swaps_the_numbers_and_announces_whose(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    rep = acme.users["rep"].id
    fill(app, acme, rep, people_count=2, tag="r")
    login(client, acme.admin)
    response = client.get(f"/?user_id={rep}", headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h1>" not in fragment
    assert 'hx-swap-oob="innerHTML"' in fragment and "Showing the numbers of Acme Rep." in fragment
    bad = client.get("/?user_id=nobody")
    assert bad.status_code == 422 and "This is not a valid reference." in bad.get_data(as_text=True)


def test_a_rep_asking_for_the_team_gets_a_clear_refusal(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    login(client, acme.users["rep"])
    assert "Showing your own numbers." in client.get("/").get_data(as_text=True)
    garbled = client.get("/?user_id=nobody")
    assert garbled.status_code == 422 and "This is not a valid reference." in garbled.get_data(as_text=True)
    refused = client.get(f"/?user_id={acme.admin.id}")
    assert refused.status_code == 403 and "You can see your own numbers only." in refused.get_data(as_text=True)


def test_the_dashboard_runs_a_fixed_number_of_queries(app, client, make_tenant):
    """Ten times the data, in the team view and one member's, costs not one statement more."""
    small, large = make_tenant("Small", roles=("rep",)), make_tenant("Large", roles=("rep",))
    for made, times in ((small, 1), (large, 10)):
        for user in (made.admin.id, made.users["rep"].id):
            fill(app, made, user, people_count=times, tasks_late=times, calls=times, tag=f"{user.hex[:4]}")
    counts = {}
    for made in (small, large):
        login(client, made.admin)
        for url in ("/", f"/?user_id={made.users['rep'].id}"):
            client.get(url)  # warm up: first-request work is not what is measured
            counts[(made.name, url.partition("=")[2] != "")] = len(statements_for(app, client, url))
        client.post("/logout")
    assert counts[("Small", False)] == counts[("Large", False)]
    assert counts[("Small", True)] == counts[("Large", True)]
    assert counts[("Large", False)] <= 25, counts


def test_an_empty_dashboard_offers_one_clear_first_step(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    page = client.get("/").get_data(as_text=True)
    assert "Add your first customer" in page and "/people/new" in page
    assert page.count("Nothing to show for this period yet.") == 4  # no empty charts drawn
    assert "<canvas" not in page


def test_going_back_to_the_dashboard_gets_the_whole_page(app, client, make_tenant):
    """htmx keeps no copy of the dashboard: going back asks for the whole page, not the fragment."""
    acme = make_tenant("Acme")
    login(client, acme.admin)
    page = client.get("/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}).get_data(as_text=True)
    assert "<h1>" in page and 'hx-history="false"' in page


def test_trashed_records_and_other_tenants_are_not_counted(app, make_tenant):
    acme, other = make_tenant("Acme"), make_tenant("Other")
    fill(app, acme, acme.admin.id, people_count=2, tag="a")
    fill(app, other, other.admin.id, people_count=7, tag="o")
    with app.app_context(), as_user(app, acme, acme.admin.id) as ctx:
        gone = people.list_people(ctx)[0][0]
        people.delete_person(ctx, person_id=gone.id)  # its tasks and activities go to the trash with it
    with app.app_context(), as_user(app, acme, acme.admin.id) as ctx:
        board = dashboard.build_dashboard(ctx)
        assert board.people == 1 and chart(board, "people-by-week").values[-1] == 1
        assert board.open_deals == 1 and board.open_value.amount == 100


def test_a_role_without_deals_gets_a_dashboard_without_them(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("marketing",))
    fill(app, acme, acme.admin.id)
    login(client, acme.users["marketing"])
    page = client.get("/").get_data(as_text=True)
    assert "Open tasks" in page and "Open deals" not in page and "Deals closing this week" not in page
    assert "Numbers of" not in page  # no member filter: their own numbers only


def test_another_tenants_member_cannot_be_chosen(app, client, make_tenant):
    acme, other = make_tenant("Acme"), make_tenant("Other Farm")
    fill(app, other, other.admin.id, tag="SECRET")
    login(client, acme.admin)
    response = client.get(f"/?user_id={other.admin.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose someone from your team." in page
    assert "SECRET" not in page and "Other Farm Admin" not in page
