"""Operators' commands."""
from sqlalchemy import select

from app.extensions import db
from app.models import Tenant, User
from tests.conftest import PASSWORD


def test_tenants_create_prints_the_slug_last_and_users_create_adds_a_user(app):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["tenants", "create", "Feather & Co", "--admin-email", "Fe@Feather.example",
                                  "--admin-password", PASSWORD])
    assert created.exit_code == 0, created.output
    slug = created.output.strip().splitlines()[-1]
    assert slug == "feather-co"
    added = runner.invoke(args=["users", "create", "--tenant", slug, "--email", "rep@feather.example",
                                "--password", PASSWORD, "--role", "rep"])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(args=["tenants", "list"])
    assert slug in listed.output
    with app.app_context():
        tenant = db.session.scalars(select(Tenant).where(Tenant.slug == slug)).one()
        roles = dict(db.session.execute(select(User.email, User.role).where(User.tenant_id == tenant.id)).all())
        assert roles == {"fe@feather.example": "admin", "rep@feather.example": "rep"}


def test_bad_input_gets_a_message_and_changes_nothing(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["tenants", "create", "Weak", "--admin-email", "w@weak.example",
                               "--admin-password", "123"])
    assert weak.exit_code != 0 and "8 characters" in weak.output
    unknown = runner.invoke(args=["users", "create", "--tenant", "nope", "--email", "a@b.example",
                                  "--password", PASSWORD, "--role", "rep"])
    assert unknown.exit_code != 0 and "No organisation" in unknown.output
    with app.app_context():
        assert db.session.scalar(select(Tenant.id)) is None
