"""The query guard: tenant criteria on every statement, refusal with no tenant in context."""
import gc

import pytest
from sqlalchemy import bindparam, delete, func, insert, select, union_all, update

from app.errors import NoTenantContext
from app.extensions import db
from app.models import AuditEvent, Tenant, User
from app.models.base import _DERIVED, with_option
from app.models.records import _LIVE_ONLY
from app.services import audit
from app.tenancy import TenantContext, bind_session, tenant_context


@pytest.fixture
def two_tenants(app, make_tenant):
    """Tenants A and B, each with one marker audit event of its own."""
    a, b = make_tenant("Alpha"), make_tenant("Bravo")
    for made, marker in ((a, "marker.alpha"), (b, "marker.bravo")):
        with app.app_context(), tenant_context(made.id, channel="cli") as ctx:
            audit.record(ctx, marker, db.session.get(Tenant, made.id))
    return a, b


def actions(stmt):
    return sorted(db.session.scalars(stmt))


def test_query_without_tenant_raises(app, two_tenants):
    with app.app_context():
        with pytest.raises(NoTenantContext):
            db.session.scalars(select(AuditEvent)).all()
        with pytest.raises(NoTenantContext):
            db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_insert_without_tenant_raises(app, two_tenants):
    with app.app_context():
        db.session.add(AuditEvent(channel="web", action="x", entity_type="y"))
        with pytest.raises(NoTenantContext):
            db.session.flush()


def test_every_statement_shape_sees_only_the_current_tenant(app, two_tenants):
    a, b = two_tenants
    with app.app_context(), tenant_context(a.id, channel="cli"):
        mine = actions(select(AuditEvent.action))
        assert "marker.alpha" in mine and "marker.bravo" not in mine
        assert all(e.tenant_id == a.id for e in db.session.scalars(select(AuditEvent)))
        count = db.session.scalar(select(func.count()).select_from(AuditEvent))
        assert count == len(mine)
        subquery = select(AuditEvent.id).where(AuditEvent.action.like("marker.%")).subquery()
        assert db.session.scalar(select(func.count()).select_from(subquery)) == 1
        in_subquery = select(AuditEvent.action).where(
            AuditEvent.id.in_(select(AuditEvent.id).where(AuditEvent.action == "marker.bravo")))
        assert actions(in_subquery) == []
        both = union_all(select(AuditEvent.action).where(AuditEvent.action == "marker.alpha"),
                         select(AuditEvent.action).where(AuditEvent.action == "marker.bravo"))
        assert sorted(db.session.scalars(select(both.subquery().c.action))) == ["marker.alpha"]


def test_bulk_update_and_delete_touch_only_the_current_tenant(app, two_tenants):
    a, b = two_tenants
    with app.app_context(), tenant_context(a.id, channel="cli"):
        db.session.execute(update(AuditEvent).where(AuditEvent.action.like("marker.%")).values(channel="job"))
        db.session.execute(delete(AuditEvent).where(AuditEvent.action == "marker.bravo"))
    with app.app_context(), tenant_context(b.id, channel="cli"):
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "marker.bravo")).one()
        assert event.channel == "cli"


def test_core_statement_on_a_tenant_table_is_refused(app, two_tenants):
    a, _ = two_tenants
    with app.app_context(), tenant_context(a.id, channel="cli"):
        with pytest.raises(NoTenantContext):
            db.session.execute(select(AuditEvent.__table__))
        with pytest.raises(NoTenantContext):
            db.session.execute(insert(AuditEvent.__table__).values(channel="x", action="x", entity_type="x"))


def test_writing_another_tenants_row_is_refused(app, two_tenants):
    a, b = two_tenants
    with app.app_context(), tenant_context(a.id, channel="cli"):
        db.session.add(AuditEvent(tenant_id=b.id, channel="web", action="forged", entity_type="x"))
        with pytest.raises(NoTenantContext):
            db.session.flush()
        db.session.rollback()


def test_a_session_serves_one_tenant(app, two_tenants):
    a, b = two_tenants
    with app.app_context():
        bind_session(db.session, db.session.get(Tenant, a.id))
        with pytest.raises(NoTenantContext):
            bind_session(db.session, db.session.get(Tenant, b.id))


def test_new_rows_get_the_current_tenant(app, two_tenants):
    a, _ = two_tenants
    with app.app_context(), tenant_context(a.id, channel="cli") as ctx:
        event = audit.record(ctx, "stamped", db.session.get(Tenant, a.id))
        db.session.flush()
        assert event.tenant_id == a.id
        assert isinstance(ctx, TenantContext) and ctx.channel == "cli"


def test_statements_on_shared_tables_are_not_narrowed_to_the_tenant(app, two_tenants):
    """The criteria go on every ORM statement in a tenant context; on shared tables they change nothing."""
    a, b = two_tenants
    with app.app_context(), tenant_context(a.id, channel="cli"):
        assert {a.id, b.id} <= set(db.session.scalars(select(User.tenant_id)))
        with pytest.raises(NoTenantContext):
            db.session.execute(select(AuditEvent.__table__.c.action).where(AuditEvent.__table__.c.tenant_id == b.id))


def test_refusals_hold_when_the_guard_answers_from_what_it_remembers(app, two_tenants):
    """The guard remembers, per statement shape, whether it names tenant tables: asking again, with other
    values or a statement built once, refuses the same, and a shared table's answer covers no tenant table."""
    a, _ = two_tenants
    by_action = select(AuditEvent.action).where(AuditEvent.action == bindparam("action"))
    with app.app_context():
        for _ in range(2):
            assert db.session.scalars(select(User.email).where(User.email == "nobody@example.com")).all() == []
            for action in ("marker.alpha", "marker.bravo"):
                with pytest.raises(NoTenantContext):
                    db.session.execute(by_action, {"action": action})
                with pytest.raises(NoTenantContext):
                    db.session.execute(select(AuditEvent.action).where(AuditEvent.action == action))
            with pytest.raises(NoTenantContext):
                db.session.execute(select(User.email).where(User.id.in_(select(AuditEvent.actor_id))))
        with tenant_context(a.id, channel="cli"):
            for _ in range(2):
                assert db.session.scalars(by_action, {"action": "marker.bravo"}).all() == []
                with pytest.raises(NoTenantContext):
                    db.session.execute(select(AuditEvent.__table__.c.action))


# Built once, as the services' constant statements are: the guard reuses what it made of it.
_MARKERS = select(AuditEvent.action).where(AuditEvent.action.like(bindparam("pattern")))


def test_a_statement_built_once_sees_each_tenant_its_own(app, two_tenants):
    """The guarded statement is made once per statement, the tenant a value of each run: run again, and under
    another tenant between, each tenant sees only its own rows (on SQLite the criteria are the only wall)."""
    for _ in range(2):
        for tenant, marker in zip(two_tenants, ("marker.alpha", "marker.bravo")):
            with app.app_context(), tenant_context(tenant.id, channel="cli"):
                assert db.session.scalars(_MARKERS, {"pattern": "marker.%"}).all() == [marker]
    a, b = two_tenants
    with app.app_context(), tenant_context(a.id, channel="cli"):  # a caller's value of the guard's name loses
        assert db.session.scalars(_MARKERS, {"pattern": "marker.%", "guard_tenant_id": b.id}).all() == ["marker.alpha"]


def test_bulk_writes_of_a_list_of_rows_are_refused(app, two_tenants):
    """SQLAlchemy's bulk UPDATE by primary key and bulk INSERT skip the criteria and the flush hook: on SQLite
    such an update wrote another tenant's row."""
    a, b = two_tenants
    with app.app_context(), tenant_context(b.id, channel="cli"):
        theirs = db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "marker.bravo"))
        before = actions(select(AuditEvent.action))
    with app.app_context(), tenant_context(a.id, channel="cli"):
        with pytest.raises(NoTenantContext):
            db.session.execute(update(AuditEvent), [{"id": theirs, "action": "changed"}])
        with pytest.raises(NoTenantContext):
            db.session.execute(insert(AuditEvent), [{"tenant_id": b.id, "channel": "cli", "action": "x",
                                                     "entity_type": "y"}])
        db.session.rollback()
    with app.app_context(), tenant_context(b.id, channel="cli"):
        assert actions(select(AuditEvent.action)) == before


def test_an_optioned_statement_is_made_once_and_not_kept_past_its_statement():
    statement = select(AuditEvent.action)
    made = with_option(statement, _LIVE_ONLY)
    assert made is not statement and with_option(statement, _LIVE_ONLY) is made
    del statement
    gc.collect()
    assert not any(made is kept for by_key in _DERIVED.values() for kept in by_key.values())
