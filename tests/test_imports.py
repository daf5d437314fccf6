"""Spreadsheet import: reading files, guessing columns, the duplicate choices, and the pages (jobs inline)."""
import csv
import io

import pytest
from sqlalchemy import func, select

from app.errors import Invalid
from app.extensions import db
from app.models import AuditEvent, ImportRun, Lead, Organization, Person
from app.schemas.contacts import PersonInput
from app.schemas.custom_fields import FieldDefinition
from app.schemas.imports import ImportChoices, ImportUpload
from app.services import custom_fields, import_mapping, imports, people
from app.spreadsheets import read_table
from app.tenancy import tenant_context
from tests.conftest import login
from tests.import_files import people_rows, workbook_bytes


# --- reading files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_in_any_common_encoding_and_delimiter(app, encoding, delimiter):
    text = delimiter.join(["Name", "E-mail", "Notes"]) + "\r\n" + delimiter.join(
        ["José Müller", "jose@example.com", '"Eggs, large"' if delimiter == "," else "Eggs, large"]) + "\r\n"
    with app.test_request_context():
        headers, rows = read_table("people.csv", text.encode(encoding))
    assert headers == ["Name", "E-mail", "Notes"]
    assert rows == [["José Müller", "jose@example.com", "Eggs, large"]]


def test_xlsx_cells_read_as_people_write_them(app):
    content = workbook_bytes([["Ann Hen", 447700900123, 12.0, None]], headers=["Name", "Phone", "Trays", None])
    with app.test_request_context():
        headers, rows = read_table("farm.XLSX", content)
    assert headers == ["Name", "Phone", "Trays"]  # the blank last column is dropped
    assert rows == [["Ann Hen", "447700900123", "12"]]


@pytest.mark.parametrize("filename,content,message", [
    ("people.xls", b"\xd0\xcf\x11\xe0", "old Excel format"),
    ("people.pdf", b"%PDF-1.4", "Upload an Excel workbook"),
    ("people.xlsx", b"not a zip at all", "could not be read as an Excel workbook"),
    ("people.csv", b"Name,Email\n", "no rows under its header"),
    ("people.csv", b"", "no rows under its header"),
])
def test_unreadable_files_are_refused_with_a_reason(app, filename, content, message):
    with app.test_request_context(), pytest.raises(Invalid) as refused:
        read_table(filename, content)
    assert message in refused.value.fields["file"]


# --- guessing the mapping --------------------------------------------------------------------------

def test_columns_are_guessed_from_english_headers_and_custom_field_labels(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        custom_fields.create_field(ctx, data=FieldDefinition(entity="person", label="Flock size", type="number"))
        headers = ["Full Name", "E-mail", "Mobile", "Tel.", "Organisation", "Job title", "Tags", "Comments",
                   "Flock size", "Favourite colour"]
        assert import_mapping.guess(ctx, entity="person", headers=headers) == {
            "0": "name", "1": "email", "2": "phone", "3": "phone", "4": "organization", "5": "title",
            "6": "tags", "7": "notes", "8": "custom.flock_size"}
        assert import_mapping.guess(ctx, entity="person", headers=["First name", "Surname", "Email address"]) == {
            "0": "first_name", "1": "last_name", "2": "email"}
        assert import_mapping.guess(ctx, entity="organization", headers=["Company", "Website", "Phone"]) == {
            "0": "name", "1": "website", "2": "phone"}
        assert import_mapping.guess(ctx, entity="lead", headers=["Name", "Company", "Value", "Status"]) == {
            "0": "name", "1": "company", "2": "estimated_value", "3": "status"}


def test_row_values_combine_names_phones_and_notes():
    mapping = {"0": "name", "1": "phone", "2": "phone", "3": "notes", "4": "notes", "5": "custom.flock_size"}
    assert import_mapping.row_values("person", mapping, ["Ann Marie Hen", "", "+44 7700 900123", "a", "b", "40"]) == {
        "first_name": "Ann Marie", "last_name": "Hen", "phone": "+44 7700 900123", "notes": "a\nb",
        "custom": {"flock_size": "40"}}
    lead = import_mapping.row_values("lead", {"0": "first_name", "1": "last_name", "2": "status"},
                                     ["Ann", "Hen", "New"])
    assert lead == {"name": "Ann Hen", "status": "new"}


# --- importing through the services ----------------------------------------------------------------

def run_import(app, tenant_id, content: bytes, *, filename="people.csv", entity="person", duplicates="skip",
               mapping=None) -> dict:
    """Upload, start and run an import as the web door and the job would; its counts and bad rows."""
    with app.app_context(), tenant_context(tenant_id, channel="web") as ctx:
        run = imports.upload(ctx, data=ImportUpload(entity=entity), filename=filename, content=content)
        imports.start(ctx, run_id=run.id, data=ImportChoices(mapping=mapping or dict(run.mapping),
                                                              duplicates=duplicates))
        run_id = run.id
    with app.app_context(), tenant_context(tenant_id, channel="job") as ctx:
        for run in imports.import_batches(ctx, run_id=run_id, size=3):
            db.session.commit()
        return {"created": run.created, "updated": run.updated, "skipped": run.skipped, "status": run.status,
                "bad": [(bad["row"], bad["reason"]) for bad in run.bad_rows], "id": run.id}


CSV = ("Name,Email,Phone,Company,Notes\n"
       "Ann Hen,ann@farm.example,+44 7700 900001,Hen House,first\n"
       "Bob Egg,bob@farm.example,,Hen House,second\n"
       ",nobody@farm.example,,,no name\n"
       "Cat Coop,not-an-email,,,bad email\n"
       "Ann Again,ann@farm.example,,,same as row 2\n"
       "Dan Duck,,+44 7700 900004,Duck Pond Ltd,fourth\n").encode()


def names(app, tenant_id) -> list[str]:
    with app.app_context(), tenant_context(tenant_id, channel="cli"):
        return sorted(f"{p.first_name} {p.last_name}".strip() for p in db.session.scalars(select(Person)))


def test_good_rows_are_imported_bad_rows_kept_with_reasons(app, make_tenant):
    acme = make_tenant("Acme")
    result = run_import(app, acme.id, CSV)
    assert (result["created"], result["skipped"], result["status"]) == (3, 0, "done")
    assert result["bad"] == [
        (4, "Name: Give at least a first or a last name."),
        (5, "Email: Enter an email address like name@example.com."),
        (6, "Same email as row 2 of this file.")]
    assert names(app, acme.id) == ["Ann Hen", "Bob Egg", "Dan Duck"]
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        orgs = {o.name: o.id for o in db.session.scalars(select(Organization))}
        assert set(orgs) == {"Hen House", "Duck Pond Ltd"}  # one organisation per name, not per row
        ann = db.session.scalars(select(Person).where(Person.email == "ann@farm.example")).one()
        assert (ann.organization_id, ann.phone_e164, ann.notes) == (orgs["Hen House"], "+447700900001", "first")
        created = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.created")).all()
        assert len(created) == 3 and {event.channel for event in created} == {"job"}


def test_a_bad_row_leaves_no_organisation_behind(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        custom_fields.create_field(ctx, data=FieldDefinition(entity="person", label="Flock size", type="number"))
    content = b"Name,Company,Flock size\nAnn Hen,Lonely Farm,many\nBob Egg,Busy Farm,12\n"
    result = run_import(app, acme.id, content)
    assert result["bad"] == [(2, "Flock size: Enter a number.")]
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert list(db.session.scalars(select(Organization.name))) == ["Busy Farm"]
        assert db.session.scalars(select(Person)).one().custom == {"flock_size": 12}


def test_running_the_same_file_again_adds_nobody(app, make_tenant):
    acme = make_tenant("Acme")
    run_import(app, acme.id, CSV)
    again = run_import(app, acme.id, CSV)
    assert (again["created"], again["skipped"]) == (0, 3)
    assert [row for row, _reason in again["bad"]] == [4, 5, 6]
    assert names(app, acme.id) == ["Ann Hen", "Bob Egg", "Dan Duck"]


def test_update_fills_in_the_rows_cells_and_keeps_the_rest(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        people.create_person(ctx, data=PersonInput(first_name="Ann", last_name="Hen", email="ann@farm.example",
                                                   title="Owner", source="Market"))
    content = b"Name,Email,Job title,Source\nAnn Hen,ann@farm.example,Head buyer,\n"
    result = run_import(app, acme.id, content, duplicates="update")
    assert (result["created"], result["updated"]) == (0, 1)
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        ann = db.session.scalars(select(Person)).one()
        assert (ann.title, ann.source) == ("Head buyer", "Market")  # the blank Source cell wiped nothing


def test_create_adds_duplicates_anyway(app, make_tenant):
    acme = make_tenant("Acme")
    run_import(app, acme.id, CSV)
    result = run_import(app, acme.id, CSV, duplicates="create")
    assert (result["created"], result["skipped"]) == (4, 0)  # row 6 repeats row 2: also added, as asked
    assert names(app, acme.id).count("Ann Hen") == 2


def test_organisations_and_leads_import_with_their_own_duplicate_checks(app, make_tenant):
    acme = make_tenant("Acme")
    orgs = b"Company;Website;Industry\nHen House;henhouse.example;Retail\nhen house;;\nDuck Pond;;Food\n"
    result = run_import(app, acme.id, orgs, entity="organization")
    assert (result["created"], result["bad"]) == (2, [(3, "Same name as row 2 of this file.")])
    leads_file = (b"First name\tLast name\tEmail\tValue\n"
                  b"Ann\tHen\tann@farm.example\t1,200\nBob\tEgg\tann@farm.example\t\n")
    result = run_import(app, acme.id, leads_file, entity="lead")
    assert (result["created"], result["bad"]) == (1, [(3, "Same email as row 2 of this file.")])
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        lead = db.session.scalars(select(Lead)).one()
        assert (lead.name, str(lead.estimated_value)) == ("Ann Hen", "1200.00")
        assert db.session.scalar(select(func.count()).select_from(Organization)) == 2


def test_a_mapping_without_the_name_is_refused(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        run = imports.upload(ctx, data=ImportUpload(entity="person"), filename="p.csv", content=CSV)
        with pytest.raises(Invalid) as refused:
            imports.start(ctx, run_id=run.id, data=ImportChoices(mapping={"1": "email"}))
        assert "name" in refused.value.message
        with pytest.raises(Invalid) as refused:
            imports.start(ctx, run_id=run.id, data=ImportChoices(mapping={"0": "name", "1": "shoe_size"}))
        assert refused.value.fields == {"map.1": "Choose one of the fields in the list."}


# --- the pages -------------------------------------------------------------------------------------

def test_upload_preview_import_and_download_the_bad_rows(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    assert "Import a spreadsheet" in client.get("/import").get_data(as_text=True)
    response = client.post("/import", data={"entity": "person", "file": (io.BytesIO(CSV), "farm.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    preview = client.get(preview_url).get_data(as_text=True)
    assert "Ann Hen" in preview and "Check the columns" in preview
    assert '<option value="email" selected>' in preview  # the guessed mapping, editable
    # the Notes column is left out: not imported
    form = {"map.0": "name", "map.1": "email", "map.2": "phone", "map.3": "organization", "map.4": "",
            "duplicates": "skip"}
    started = client.post(f"{preview_url}/start", data=form)
    assert started.status_code == 302  # no REDIS_URL: the job ran inline
    result = client.get(preview_url).get_data(as_text=True)
    assert "Import finished" in result and "3 records added" in result and "3 bad rows not imported" in result
    progress = client.get(f"{preview_url}/progress", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "hx-trigger" not in progress  # finished: no more polling
    download = client.get(f"{preview_url}/bad-rows.csv")
    assert download.mimetype == "text/csv" and "farm-bad-rows.csv" in download.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Name", "Email", "Phone", "Company", "Notes", "Row", "Problem"]
    assert [row[5] for row in rows[1:]] == ["4", "5", "6"] and rows[2][0] == "Cat Coop"
    assert names(app, acme.id) == ["Ann Hen", "Bob Egg", "Dan Duck"]
    # starting it twice imports nothing twice
    assert client.post(f"{preview_url}/start", data=form).status_code == 302
    assert names(app, acme.id) == ["Ann Hen", "Bob Egg", "Dan Duck"]


def test_upload_and_mapping_errors_show_next_to_the_field(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    missing = client.post("/import", data={"entity": "person"}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Choose a file to upload." in missing.get_data(as_text=True)
    wrong = client.post("/import", data={"entity": "person", "file": (io.BytesIO(b"x"), "farm.pdf")},
                        content_type="multipart/form-data")
    assert wrong.status_code == 422 and "Upload an Excel workbook" in wrong.get_data(as_text=True)
    preview_url = client.post("/import", data={"entity": "person", "file": (io.BytesIO(CSV), "farm.csv")},
                              content_type="multipart/form-data").headers["Location"]
    refused = client.post(f"{preview_url}/start", data={"map.1": "email", "duplicates": "skip"})
    assert refused.status_code == 422 and "Choose the column that holds the name." in refused.get_data(as_text=True)
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.scalars(select(ImportRun.status)).one() == "preview"
        assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_roles_without_import_permission_are_refused(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    login(client, acme.users["rep"])
    assert client.get("/import").status_code == 403
    upload = client.post("/import", data={"entity": "person", "file": (io.BytesIO(CSV), "farm.csv")},
                         content_type="multipart/form-data")
    assert upload.status_code == 403
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.scalar(select(func.count()).select_from(ImportRun)) == 0


def test_the_generated_people_file_has_the_bad_rows_it_promises(app, make_tenant):
    acme = make_tenant("Acme")
    content = workbook_bytes(people_rows(60, bad_emails=2, empty_names=2, duplicates=2))
    result = run_import(app, acme.id, content, filename="farm.xlsx")
    assert result["created"] == 54 and len(result["bad"]) == 6


def test_a_role_that_may_add_but_not_change_cannot_choose_update(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("marketing",))
    login(client, acme.users["marketing"])
    preview_url = client.post("/import", data={"entity": "person", "file": (io.BytesIO(CSV), "farm.csv")},
                              content_type="multipart/form-data").headers["Location"]
    refused = client.post(f"{preview_url}/start", data={"map.0": "name", "map.1": "email", "duplicates": "update"})
    assert refused.status_code == 422 and "may add records but not change them" in refused.get_data(as_text=True)
    added = client.post(f"{preview_url}/start", data={"map.0": "name", "map.1": "email", "duplicates": "skip"})
    assert added.status_code == 302
    assert names(app, acme.id) == ["Ann Hen", "Bob Egg", "Dan Duck"]


def test_lists_link_to_the_import_of_their_kind_of_record(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    assert 'href="/import?entity=organization"' in client.get("/organizations").get_data(as_text=True)
    assert 'href="/import?entity=lead"' in client.get("/leads").get_data(as_text=True)
    page = client.get("/import?entity=lead").get_data(as_text=True)
    assert '<option value="lead" selected>' in page
