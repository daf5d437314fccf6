"""url_with_id and fixed_url write what url_for writes; url_with_id builds each URL once per request."""
import uuid

import pytest
from flask import url_for

from app import create_app
from app.web.urls import fixed_url, url_with_id
from tests.conftest import app_config


@pytest.fixture(scope="module")
def plain_app():
    return create_app(app_config("sqlite://"))


@pytest.mark.parametrize("endpoint, id_arg, values", [
    ("people.detail", "person_id", {}),
    ("people.detail", "person_id", {"tab": "timeline"}),
    ("organizations.detail", "organization_id", {}),
    ("activities.edit", "activity_id", {"subject_type": "person", "subject_id": uuid.UUID(int=7)}),
    ("activities.timeline_page", "subject_id", {"subject_type": "deal"}),
])
def test_url_with_id_writes_what_url_for_writes(plain_app, endpoint, id_arg, values):
    with plain_app.test_request_context("/", base_url="http://example.test/roost"):
        link = url_with_id(endpoint, id_arg, **values)
        for record_id in (uuid.uuid4(), uuid.uuid4()):
            assert link(record_id) == url_for(endpoint, **{id_arg: record_id}, **values)
        assert url_with_id(endpoint, id_arg, **values) is link  # built once per request


def test_url_with_id_is_made_anew_for_each_request(plain_app):
    with plain_app.test_request_context("/", base_url="http://example.test/one"):
        first = url_with_id("people.detail", "person_id")
    with plain_app.test_request_context("/", base_url="http://example.test/two"):
        second = url_with_id("people.detail", "person_id")
    record_id = uuid.uuid4()
    assert (first(record_id), second(record_id)) == (f"/one/people/{record_id}", f"/two/people/{record_id}")


@pytest.mark.parametrize("endpoint, values", [("people.index", {}), ("static", {"filename": "app.css"}),
                                              ("pwa.manifest", {})])
def test_fixed_url_writes_what_url_for_writes_under_each_script_root(plain_app, endpoint, values):
    for root in ("", "/roost", "/other/mount"):
        with plain_app.test_request_context("/", base_url=f"http://example.test{root}"):
            assert fixed_url(endpoint, **values) == url_for(endpoint, **values)
            assert fixed_url(endpoint, **values).startswith(root + "/")
