"""Commands for operators and scripts: `flask --app wsgi tenants|users|permissions ...`."""
import os

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.errors import DomainError
from app.extensions import db
from app.mcp import transport
from app.permissions import ROLES, markdown_table
from app.schemas.accounts import PasswordSet, SignUp, TokenCreate, UserCreate
from app.schemas.base import validate
from app.services import telegram_links, tenants, tokens, users
from app.tenancy import tenant_context

tenants_cli = AppGroup("tenants", help="Create and list tenants.")
users_cli = AppGroup("users", help="Manage users of a tenant.")
tokens_cli = AppGroup("tokens", help="Personal access tokens for the API and MCP.")
telegram_cli = AppGroup("telegram", help="Link Telegram chats to users.")


def _fail(error: DomainError):
    raise click.ClickException(error.summary())


@tenants_cli.command("create")
@click.argument("name")
@click.option("--admin-email", required=True)
@click.option("--admin-password", required=True)
@click.option("--admin-name", default=None, help="Defaults to the part of the email before @.")
@click.option("--timezone", default="UTC")
@click.option("--currency", default="USD")
def create_tenant(name, admin_email, admin_password, admin_name, timezone, currency):
    """Create a tenant with its first admin; prints the tenant's slug on the last line."""
    try:
        data = validate(SignUp, {"organization": name, "name": admin_name or admin_email.split("@")[0],
                                 "email": admin_email, "password": admin_password})
        tenant, _admin, _ctx = tenants.create_tenant(
            name=data.organization, admin_name=data.name, admin_email=data.email,
            admin_password=data.password, timezone=timezone, currency=currency.upper(), channel="cli",
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        _fail(error)
    click.echo(f"Created tenant {tenant.name!r} with admin {data.email}")
    click.echo(tenant.slug)


@tenants_cli.command("list")
def list_tenants():
    """Every tenant: slug, name, users, schema."""
    for tenant in tenants.list_tenants():
        click.echo(f"{tenant.slug}\t{tenant.name}\t{tenant.schema_name}\t{tenant.created_at:%Y-%m-%d}")


@users_cli.command("create")
@click.option("--tenant", "slug", required=True, help="The tenant's slug.")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default=None, help="Defaults to the part of the email before @.")
def create_user(slug, email, password, role, name):
    """Add a user with a password to a tenant."""
    try:
        tenant = tenants.get_by_slug(slug)
        data = validate(UserCreate, {"name": name or email.split("@")[0], "email": email, "role": role})
        chosen = validate(PasswordSet, {"password": password}).password
        with tenant_context(tenant.id, channel="cli") as ctx:
            users.add_user(ctx, data=data, password=chosen)
    except DomainError as error:
        _fail(error)
    click.echo(f"Added {data.email} to {slug} as {role}")


@tokens_cli.command("create")
@click.option("--email", required=True, help="The user the token acts as.")
@click.option("--name", default="CLI", help="A name to recognise the token by.")
def create_token(email, name):
    """Make a personal access token for a user; prints the token on the last line."""
    try:
        user = users.find_by_email(email)
        data = validate(TokenCreate, {"name": name})
        with tenant_context(user.tenant_id, channel="cli", user_id=user.id) as ctx:
            _token, secret = tokens.create_token(ctx, data=data)
    except DomainError as error:
        _fail(error)
    click.echo(f"Token {name!r} for {email}; it is shown only once:")
    click.echo(secret)
@telegram_cli.command("link-code")
@click.option("--email", required=True, help="The user whose chat will be linked.")
def telegram_link_code(email):
    """A one-time code (valid 10 minutes) the user sends the bot as /start CODE; the code is the last line."""
    try:
        user = users.find_by_email(email)
        with tenant_context(user.tenant_id, channel="cli") as ctx:
            issued = telegram_links.issue_code(ctx, user_id=user.id)
    except DomainError as error:
        _fail(error)
    click.echo(f"Send /start CODE to the bot from {email}'s Telegram before {issued.expires_at:%H:%M} UTC:")
    click.echo(issued.code)


@click.command("permissions")
def print_permissions():
    """The permission table as Markdown."""
    click.echo(markdown_table())


@click.command("mcp")
def serve_mcp():
    """Serve the MCP tools over stdio as the user of the token in ROOST_API_TOKEN (for Claude Desktop and the like)."""
    secret = os.environ.get("ROOST_API_TOKEN", "").strip()
    if not secret:
        raise click.ClickException("Set ROOST_API_TOKEN to a personal access token (make one on your profile page "
                                   "or with 'flask --app wsgi tokens create').")
    caller = transport.caller_for(current_app._get_current_object(), secret)
    if caller is None:
        raise click.ClickException("ROOST_API_TOKEN is not a working token: it is unknown, revoked, "
                                   "or its user was deactivated.")
    transport.serve_stdio(current_app._get_current_object(), caller)


def register_cli(app: Flask) -> None:
    app.cli.add_command(tenants_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(print_permissions)
    app.cli.add_command(telegram_cli)
    app.cli.add_command(serve_mcp)
