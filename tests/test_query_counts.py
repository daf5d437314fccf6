"""No N+1: a page with a long timeline runs as many SQL statements as one with a short timeline."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event

from app.extensions import db
from tests.conftest import login
from tests.test_activities import log, seed_records


def statements_for(app, client, url, **request) -> list[str]:
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url, **request)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, url
    return seen


def detail_page(app, kind, plural, record_id) -> str:
    """A record's detail page on its timeline tab; this feature's timeline page when that page is not there."""
    if any(rule.rule == f"/{plural}/<uuid:{kind}_id>" for rule in app.url_map.iter_rules()):
        return f"/{plural}/{record_id}?tab=timeline"
    return f"/timeline/{kind}/{record_id}"


def fill(app, tenant, ids, count, users, deal):
    """`count` activities on the person and their deal, by several users and doors, with tasks for several users."""
    start = datetime(2026, 1, 1, 9, 0, tzinfo=timezone.utc)
    for n in range(count):
        user = users[n % len(users)]
        kind = ("call", "note", "meeting", "task")[n % 4]
        extra = {"due_at": start + timedelta(days=n), "assignee_id": users[(n + 1) % len(users)]} if kind == "task" else {}
        link = {"deal_id": deal} if n % 3 == 0 else {"person_id": ids.person}
        log(app, tenant, user, channel=("web", "telegram", "api")[n % 3], kind=kind, subject=f"item {n}",
            occurred_at=start + timedelta(hours=n), **link, **extra)


@pytest.mark.parametrize("scope", ["person", "organization"])
def test_timeline_query_count_does_not_grow_with_items(app, client, make_tenant, scope):
    small, large = make_tenant("Small", roles=("rep", "head")), make_tenant("Large", roles=("rep", "head"))
    ids_small, ids_large = seed_records(app, small), seed_records(app, large)
    deal = "deal" if scope == "person" else "org_deal"
    fill(app, small, ids_small, 5, [small.admin.id, small.users["rep"].id, small.users["head"].id],
         getattr(ids_small, deal))
    fill(app, large, ids_large, 50, [large.admin.id, large.users["rep"].id, large.users["head"].id],
         getattr(ids_large, deal))

    def url(made_ids):
        if scope == "person":
            return detail_page(app, "person", "people", made_ids.person)
        return detail_page(app, "organization", "organizations", made_ids.org)

    login(client, small.admin)
    client.get(url(ids_small))  # warm up: first-request work (e.g. caches) is not what is measured
    few = statements_for(app, client, url(ids_small))
    client.post("/logout")
    login(client, large.admin)
    client.get(url(ids_large))
    many = statements_for(app, client, url(ids_large))
    page = client.get(url(ids_large)).get_data(as_text=True)
    assert page.count('<li class="activity ') == 50  # all 50 really shown
    assert len(many) == len(few), "\n".join(many)
