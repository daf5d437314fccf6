"""Personal access tokens: made on the profile page or by the CLI, shown once, stored hashed, revocable."""
import re
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.sql.util import find_tables

from app.errors import NotFound
from app.extensions import db
from app.models import ApiToken, AuditEvent, Tenant, User
from app.models.base import TENANT_SCHEMA
from app.schemas.accounts import TokenCreate
from app.services import tokens, users
from app.tenancy import tenant_context
from tests.conftest import login

SECRET = re.compile(r"roost_[A-Za-z0-9_-]{40,}")


def test_a_token_is_shown_once_kept_hashed_and_acts_as_its_user(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    rep = acme.users["rep"]
    with app.app_context():
        with tenant_context(acme.id, channel="web", user_id=rep.id) as ctx:
            token, secret = tokens.create_token(ctx, data=TokenCreate(name="Zapier"))
            token_id = token.id
        stored = db.session.get(ApiToken, token_id)
        assert stored.token_hash != secret and secret not in (stored.prefix, stored.token_hash)
        assert secret.startswith(stored.prefix) and stored.last_used_at is None

        found = tokens.authenticate(secret)
        assert (found.token_id, found.user_id, found.tenant_id, found.role) == (token_id, rep.id, acme.id, "rep")
        assert found.schema_name == db.session.get(Tenant, acme.id).schema_name
        assert db.session.get(ApiToken, token_id).last_used_at is not None
        assert tokens.authenticate(secret + "x") is None and tokens.authenticate("not-a-token") is None
        db.session.commit()
        with tenant_context(acme.id, channel="cli") as ctx:
            assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == token_id)).all() == [
                "token.created"]


def test_revoked_tokens_and_deactivated_users_are_refused(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep", "head"))
    with app.app_context():
        with tenant_context(acme.id, channel="web", user_id=acme.users["rep"].id) as ctx:
            _, first = tokens.create_token(ctx, data=TokenCreate(name="one"))
            second_token, second = tokens.create_token(ctx, data=TokenCreate(name="two"))
            tokens.revoke_token(ctx, token_id=second_token.id)
            assert [t.name for t in tokens.list_tokens(ctx)] == ["one"]
        assert tokens.authenticate(second) is None and tokens.authenticate(first) is not None
        db.session.commit()
        with tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
            users.set_active(ctx, user_id=acme.users["rep"].id, active=False)
        assert tokens.authenticate(first) is None


def test_nobody_revokes_or_sees_another_users_token(app, make_tenant):
    acme, other = make_tenant("Acme", roles=("rep",)), make_tenant("Other")
    with app.app_context():
        with tenant_context(acme.id, channel="web", user_id=acme.users["rep"].id) as ctx:
            token_id = tokens.create_token(ctx, data=TokenCreate(name="mine"))[0].id
        for tenant, user in ((acme, acme.admin), (other, other.admin)):
            with tenant_context(tenant.id, channel="web", user_id=user.id) as ctx:
                assert tokens.list_tokens(ctx) == []
                try:
                    tokens.revoke_token(ctx, token_id=token_id)
                except NotFound:
                    pass
                else:
                    raise AssertionError("revoked another user's token")
        assert db.session.get(ApiToken, token_id).revoked_at is None


def test_profile_page_makes_lists_and_revokes_tokens(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    blank = client.post("/profile/tokens", data={"name": "  "})
    assert blank.status_code == 422 and 'id="token-name-error"' in blank.get_data(as_text=True)

    made = client.post("/profile/tokens", data={"name": "Zapier"}).get_data(as_text=True)
    secret = SECRET.search(made).group(0)
    assert "shown only once" in made
    page = client.get("/profile").get_data(as_text=True)
    assert "<td>Zapier</td>" in page and secret not in page and secret[:12] in page
    with app.app_context():
        token_id = tokens.authenticate(secret).token_id
        db.session.commit()
    assert client.post(f"/profile/tokens/{token_id}/revoke").status_code == 302
    after = client.get("/profile").get_data(as_text=True)
    assert "The token “Zapier” was revoked." in after and "<td>Zapier</td>" not in after
    with app.app_context():
        assert tokens.authenticate(secret) is None


def test_cli_prints_a_working_token_last(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tokens", "create", "--email", acme.users["rep"].email.upper(), "--name", "script"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    with app.app_context():
        assert tokens.authenticate(secret).user_id == acme.users["rep"].id
    unknown = runner.invoke(args=["tokens", "create", "--email", "nobody@nowhere.example"])
    assert unknown.exit_code != 0 and "No active user" in unknown.output


def test_a_token_notes_its_last_use_at_most_once_a_minute(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    with app.app_context():
        with tenant_context(acme.id, channel="web", user_id=acme.users["rep"].id) as ctx:
            token, secret = tokens.create_token(ctx, data=TokenCreate(name="script"))
            token_id = token.id
        tokens.authenticate(secret)
        db.session.commit()
        first_use = db.session.get(ApiToken, token_id).last_used_at
        tokens.authenticate(secret)
        db.session.commit()
        assert db.session.get(ApiToken, token_id).last_used_at == first_use  # within the minute: no write
        db.session.get(ApiToken, token_id).last_used_at = first_use - timedelta(minutes=2)
        db.session.commit()
        tokens.authenticate(secret)
        db.session.commit()
        assert db.session.get(ApiToken, token_id).last_used_at > first_use


def test_a_token_whose_user_belongs_to_another_tenant_is_refused(app, make_tenant):
    acme, other = make_tenant("Acme", roles=("rep",)), make_tenant("Other")
    with app.app_context():
        with tenant_context(acme.id, channel="web", user_id=acme.users["rep"].id) as ctx:
            _, secret = tokens.create_token(ctx, data=TokenCreate(name="script"))
        db.session.get(User, acme.users["rep"].id).tenant_id = other.id
        db.session.commit()
        assert tokens.authenticate(secret) is None


def test_the_token_statement_built_once_binds_each_calls_secret(app, make_tenant):
    acme, other = make_tenant("Acme", roles=("rep",)), make_tenant("Other")
    with app.app_context():
        secrets = {}
        for tenant, user in ((acme, acme.users["rep"]), (other, other.admin)):
            with tenant_context(tenant.id, channel="web", user_id=user.id) as ctx:
                secrets[user.id] = tokens.create_token(ctx, data=TokenCreate(name="script"))[1]
        for _ in range(2):  # the second round runs the cached compiled statement
            for user_id, secret in secrets.items():
                assert tokens.authenticate(secret).user_id == user_id
        assert {tokens.authenticate(s).tenant_id for s in secrets.values()} == {acme.id, other.id}
        assert tokens.authenticate(next(iter(secrets.values())) + "x") is None


def test_the_token_statement_names_shared_tables_only():
    """authenticate runs it on the session's connection, past the tenant guard: it must never read tenant data."""
    tables = find_tables(tokens._HOLDER, include_crud=True)
    assert {table.name for table in tables} == {"api_tokens", "users", "tenants"}
    assert not any(table.schema == TENANT_SCHEMA for table in tables)
