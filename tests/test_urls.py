"""url_with_id writes what url_for writes, for any id, building each URL once per request."""
import uuid

import pytest
from flask import url_for

from app import create_app
from app.web.urls import url_with_id
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
