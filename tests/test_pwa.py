"""The installable side: the manifest, the service worker and the offline page are served to anyone."""
from app.extensions import db
from app.models import User
from tests.conftest import login


def test_the_manifest_has_what_an_install_needs(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert {"name", "short_name", "start_url", "display", "theme_color", "icons"} <= set(manifest)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.data.startswith(b"\x89PNG")


def test_the_service_worker_comes_from_the_root_and_is_always_revalidated(client):
    response = client.get("/service-worker.js")
    assert response.status_code == 200 and "javascript" in response.mimetype
    assert response.headers["Cache-Control"] == "no-cache"
    assert 'request.method !== "GET"' in response.get_data(as_text=True)  # only GETs are ever cached


def test_the_offline_page_stands_alone(client):
    page = client.get("/offline").get_data(as_text=True)
    assert "You are offline" in page and "nothing was saved" in page and "Log out" not in page


def test_a_user_who_must_change_their_password_still_gets_the_service_worker(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    with app.app_context():
        db.session.get(User, acme.admin.id).must_change_password = True
        db.session.commit()
    assert client.get("/").status_code == 302  # the gate sends them to change it first
    for url in ("/service-worker.js", "/manifest.webmanifest", "/offline"):
        assert client.get(url).status_code == 200, url


def test_static_files_are_linked_by_content_and_kept_by_browsers(app, client, make_tenant):
    """A page links each static file with a hash of its content, under which browsers may keep it for a year;
    a static request reads no session and loads no user (it cost a query per file, eight files a page)."""
    import re

    from tests.conftest import statements_run

    acme = make_tenant("Acme")
    login(client, acme.admin)
    page = client.get("/people").get_data(as_text=True)
    links = set(re.findall(r'/static/[^"\'?]+\?v=[0-9a-f]{12}', page))
    assert "Log out" in page and any("app.css" in link for link in links) and len(links) >= 6, links
    assert not re.search(r'/static/[^"\'?]+["\']', page)  # every static link carries its version
    with app.app_context():
        for link in links:
            answers = []
            statements = statements_run(lambda link=link: answers.append(client.get(link)))
            kept = answers[0]
            assert kept.status_code == 200 and "Set-Cookie" not in kept.headers, link
            assert kept.cache_control.max_age == 365 * 24 * 3600 and kept.cache_control.public, link
            assert statements == [], statements  # no session read, no user loaded
    # Without the version, or with one the file no longer has (a page kept offline): the file, revalidated.
    for stale in ("/static/app.css", "/static/app.css?v=000000000000"):
        response = client.get(stale)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache", stale
    assert client.get("/static/../app/__init__.py?v=000000000000").status_code == 404
