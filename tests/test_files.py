"""Files on records: checked by content, stored outside the web root, only for the tenant's users."""
import io
from pathlib import Path

import pytest

from app.errors import Invalid, NotFound
from app.extensions import db
from app.models import Person
from app.services import files, trash
from app.tenancy import tenant_context
from tests.conftest import login

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 200


def a_person(app, tenant) -> str:
    with app.app_context(), tenant_context(tenant.id, channel="cli") as ctx:
        person = Person(first_name="Pat", last_name="Filer", owner_id=ctx.user_id)
        db.session.add(person)
        db.session.flush()
        return person.id


def test_pdf_is_stored_outside_the_web_root_and_listed(app, make_tenant):
    acme = make_tenant("Acme")
    person_id = a_person(app, acme)
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        attachment = files.attach_file(ctx, subject_type="person", subject_id=person_id, filename="../../contract.pdf",
                                       stream=io.BytesIO(PDF))
        assert (attachment.filename, attachment.content_type, attachment.size) == ("contract.pdf", "application/pdf", len(PDF))
        stored = files.storage_root() / attachment.storage_key
        assert stored.read_bytes() == PDF
        assert Path(app.static_folder) not in stored.parents
        assert [f.id for f in files.list_files(ctx, subject_type="person", subject_id=person_id)] == [attachment.id]


@pytest.mark.parametrize("data,filename,message", [
    (EXE, "invoice.pdf", "Only PDFs, images"),  # the name lies; the content decides
    (b"", "empty.pdf", "Choose a file"),
])
def test_wrong_files_are_refused(app, make_tenant, data, filename, message):
    acme = make_tenant("Acme")
    person_id = a_person(app, acme)
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        with pytest.raises(Invalid) as refused:
            files.attach_file(ctx, subject_type="person", subject_id=person_id, filename=filename,
                              stream=io.BytesIO(data))
        assert message in refused.value.fields["file"]
        assert files.list_files(ctx, subject_type="person", subject_id=person_id) == []


def test_too_large_is_refused(app, make_tenant, monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 100)
    acme = make_tenant("Acme")
    person_id = a_person(app, acme)
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        with pytest.raises(Invalid) as refused:
            files.attach_file(ctx, subject_type="person", subject_id=person_id, filename="big.pdf",
                              stream=io.BytesIO(PDF + b"x" * 200))
        assert "20 MB" in refused.value.fields["file"]


def test_a_rolled_back_upload_leaves_no_file(app, make_tenant):
    acme = make_tenant("Acme")
    person_id = a_person(app, acme)
    with pytest.raises(RuntimeError), app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        attachment = files.attach_file(ctx, subject_type="person", subject_id=person_id, filename="a.pdf",
                                        stream=io.BytesIO(PDF))
        path = files.storage_root() / attachment.storage_key
        raise RuntimeError("the request failed after the upload")
    assert not path.exists()


def test_download_only_within_the_tenant_and_delete_goes_to_trash(app, client, make_tenant):
    acme, other = make_tenant("Acme"), make_tenant("Other")
    person_id = a_person(app, acme)
    login(client, acme.admin)
    response = client.post("/files", data={"subject_type": "person", "subject_id": str(person_id),
                                           "next": "/", "file": (io.BytesIO(PDF), "deal.pdf")},
                           headers={"HX-Request": "true"}, content_type="multipart/form-data")
    assert response.status_code == 200 and "deal.pdf" in response.get_data(as_text=True)
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        attachment_id = files.list_files(ctx, subject_type="person", subject_id=person_id)[0].id
    download = client.get(f"/files/{attachment_id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    refused = client.post("/files", data={"subject_type": "person", "subject_id": str(person_id),
                                          "file": (io.BytesIO(EXE), "x.pdf")}, headers={"HX-Request": "true"},
                          content_type="multipart/form-data")
    assert refused.status_code == 422 and "Only PDFs" in refused.get_data(as_text=True)

    client.post("/logout")
    login(client, other.admin)
    assert client.get(f"/files/{attachment_id}").status_code == 404
    with app.app_context(), tenant_context(other.id, channel="cli") as ctx:
        with pytest.raises(NotFound):
            files.attach_file(ctx, subject_type="person", subject_id=person_id, filename="x.pdf", stream=io.BytesIO(PDF))

    client.post("/logout")
    login(client, acme.admin)
    assert client.post(f"/files/{attachment_id}/delete", data={"next": "/"}).status_code == 302
    assert client.get(f"/files/{attachment_id}").status_code == 404
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        entry = trash.list_entries(ctx)[0]
        trash.restore(ctx, entry_id=entry.id)
    assert client.get(f"/files/{attachment_id}").status_code == 200


def test_purging_the_trash_removes_the_bytes(app, make_tenant):
    from datetime import timedelta

    from app.models import TrashEntry
    from app.models.base import utcnow

    acme = make_tenant("Acme")
    person_id = a_person(app, acme)
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        attachment = files.attach_file(ctx, subject_type="person", subject_id=person_id, filename="old.pdf",
                                       stream=io.BytesIO(PDF))
        path = files.storage_root() / attachment.storage_key
        files.delete_file(ctx, attachment_id=attachment.id)
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        assert trash.purge_expired(ctx) == 0 and path.exists()  # not 30 days old yet
        db.session.scalars(db.select(TrashEntry)).one().deleted_at = utcnow() - timedelta(days=31)
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        assert trash.purge_expired(ctx) == 1
    assert not path.exists()


def test_files_tab_on_person_and_organisation_pages(app, client, make_tenant):
    acme = make_tenant("Acme")
    person_id = a_person(app, acme)
    login(client, acme.admin)
    client.post("/files", data={"subject_type": "person", "subject_id": str(person_id), "next": "/",
                                "file": (io.BytesIO(PDF), "quote.pdf")}, content_type="multipart/form-data")
    tab = client.get(f"/people/{person_id}?tab=files").get_data(as_text=True)
    assert "quote.pdf" in tab and 'aria-current="page">Files' in tab
