"""Roost: a multi-tenant CRM. `create_app` is the application factory."""
import os
from pathlib import Path

from flask import Flask
from htmx_flask import Htmx

from app import config, connections, rate_limits, request_log, security, static_files
from app.api import register_api
from app.cli import register_cli
from app.extensions import babel, csrf, db, limiter, login_manager, migrate
from app.mcp.transport import McpMount
from app.web import register_web
from app.web.locale import install_template_gettext, select_locale, select_timezone

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application; `test_config` overrides settings read from the environment."""
    app = static_files.VersionedStatic(
        __name__,
        instance_path=os.environ.get("ROOST_INSTANCE_PATH", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(config.from_environment(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                          connections.engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("RATELIMIT_STORAGE_URI") or rate_limits.storage_uri(
        app.config["REDIS_URL"])

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_template_gettext(app)
    limiter.init_app(app)
    Htmx(app)

    request_log.init_app(app)
    security.init_app(app)
    static_files.init_app(app)
    register_web(app)
    register_api(app)
    register_cli(app)
    app.wsgi_app = McpMount(app, app.wsgi_app)  # /mcp: the MCP server, on the same port
    with app.app_context():
        connections.prepare(db.engine)
    return app

