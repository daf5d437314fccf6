"""What makes Roost installable on a phone: the web app manifest, the service worker, the offline page."""
from flask import Blueprint, current_app, jsonify, render_template, send_from_directory, url_for
from flask_babel import gettext as _

from app.extensions import limiter

bp = Blueprint("pwa", __name__)

THEME_COLOUR = "#1d4ed8"  # the icon's blue; base.html's theme-color meta says the same
ICON_SIZES = (192, 512)


@bp.get("/manifest.webmanifest")
@limiter.exempt
def manifest():
    """The web app manifest: name, start page, standalone display, colours and icons."""
    response = jsonify(
        name="Roost", short_name="Roost", id="/", start_url="/", scope="/", display="standalone",
        description=_("Customers, deals and tasks of your business in one simple place."),
        theme_color=THEME_COLOUR, background_color="#ffffff",
        icons=[{"src": url_for("static", filename=f"icons/icon-{size}.png"), "sizes": f"{size}x{size}",
                "type": "image/png", "purpose": "any"} for size in ICON_SIZES],
    )
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/service-worker.js")
@limiter.exempt
def service_worker():
    """The service worker, from the site's root so that its scope is every page; never cached by the browser."""
    response = send_from_directory(current_app.static_folder, "service-worker.js", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
@limiter.exempt
def offline():
    """The page the service worker shows when Roost cannot be reached and the page asked for was not saved."""
    return render_template("pwa/offline.html")
