"""Leads, deals and pipelines through the API: CRUD, filters, conversion, stage moves, winning and losing."""
from tests.api.conftest import pipeline_ids


def test_leads_crud_filters_and_partial_updates(api):
    made = api.post("/leads", json={"name": "Ann Hen", "company": "Hen Farms", "estimated_value": "1500.50",
                                    "tags": ["poultry"]})
    assert made.status_code == 201, made.get_json()
    lead = made.get_json()
    assert (lead["status"], lead["estimated_value"], lead["tags"]) == ("new", "1500.50", ["poultry"])
    api.post("/leads", json={"name": "Bob Cow", "status": "contacted"})

    changed = api.patch(f"/leads/{lead['id']}", json={"status": "qualified"})
    assert changed.status_code == 200 and changed.get_json()["name"] == "Ann Hen"
    assert api.patch(f"/leads/{lead['id']}", json={}).get_json()["version"] == changed.get_json()["version"]
    assert api.patch(f"/leads/{lead['id']}", json={"name": ""}).get_json()["error"]["fields"] == {
        "name": "Please fill this in."}
    assert api.patch(f"/leads/{lead['id']}", json={"status": "converted"}).status_code == 422

    assert [item["name"] for item in api.get("/leads?status=qualified").get_json()["items"]] == ["Ann Hen"]
    assert [item["name"] for item in api.get("/leads?q=farms").get_json()["items"]] == ["Ann Hen"]
    assert [item["name"] for item in api.get("/leads?tag=poultry").get_json()["items"]] == ["Ann Hen"]
    page = api.get("/leads?limit=1").get_json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    assert len(api.get(f"/leads?limit=1&cursor={page['next_cursor']}").get_json()["items"]) == 1

    assert api.delete(f"/leads/{lead['id']}").status_code == 204
    assert [item["name"] for item in api.get("/leads").get_json()["items"]] == ["Bob Cow"]


def test_converting_a_lead_makes_a_contact_an_organization_and_a_deal(api):
    lead = api.post("/leads", json={"name": "Ann Hen", "company": "Hen Farms", "email": "ann@hen.example"}).get_json()
    converted = api.post(f"/leads/{lead['id']}/convert", json={"deal_name": "Hen order", "create_organization": True,
                                                                "deal_value": "900"})
    assert converted.status_code == 200, converted.get_json()
    result = converted.get_json()
    assert (result["contact"]["first_name"], result["contact"]["last_name"]) == ("Ann", "Hen")
    assert result["organization"]["name"] == "Hen Farms" and result["deal"]["value"] == "900.00"
    assert result["lead"]["status"] == "converted" and result["lead"]["converted_deal_id"] == result["deal"]["id"]
    assert api.get(f"/contacts/{result['contact']['id']}").status_code == 200
    again = api.post(f"/leads/{lead['id']}/convert", json={"deal_name": "Twice"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    assert api.post(f"/leads/{lead['id']}/convert", json={}).get_json()["error"]["fields"] == {
        "deal_name": "Please fill this in."}


def test_deals_move_through_stages_and_close(app, api, acme):
    pipeline = api.get("/pipelines").get_json()["items"][0]
    stages = {stage["name"]: stage["id"] for stage in pipeline["stages"]}
    made = api.post("/deals", json={"name": "Big order", "value": 1200, "expected_close": "2030-01-31",
                                    "tags": ["rush"]})
    assert made.status_code == 201, made.get_json()
    deal = made.get_json()
    assert (deal["stage_id"], deal["status"], deal["value"]) == (stages["Lead"], "open", "1200.00")

    moved = api.post(f"/deals/{deal['id']}/move", json={"stage_id": stages["Proposal"]})
    assert moved.status_code == 200 and moved.get_json()["stage_id"] == stages["Proposal"]
    assert moved.headers["ETag"] == f'"{moved.get_json()["version"]}"'
    to_the_end = api.post(f"/deals/{deal['id']}/move", json={"stage_id": stages["Proposal"], "position": 1_000_000})
    assert to_the_end.status_code == 200  # a position past the end means the end, as on the board
    too_far = api.post(f"/deals/{deal['id']}/move", json={"stage_id": stages["Proposal"], "position": 10**20})
    assert too_far.status_code == 422
    assert [d["name"] for d in api.get(f"/deals?stage_id={stages['Proposal']}").get_json()["items"]] == ["Big order"]
    assert api.get(f"/deals?stage_id={stages['Lead']}").get_json()["items"] == []
    assert [d["name"] for d in api.get("/deals?tag=rush&q=big").get_json()["items"]] == ["Big order"]
    assert api.get("/deals?tag=slow").get_json()["items"] == []

    assert api.patch(f"/deals/{deal['id']}", json={"probability": 60}).get_json()["probability"] == 60
    assert api.post(f"/deals/{deal['id']}/move", json={"stage_id": "nope"}).status_code == 422

    lost = api.post(f"/deals/{deal['id']}/lost", json={"reason": "Too expensive"}).get_json()
    assert (lost["status"], lost["lost_reason"], lost["stage_id"]) == ("lost", "Too expensive", stages["Closed Lost"])
    assert api.post(f"/deals/{deal['id']}/lost", json={"reason": " "}).status_code == 422
    won = api.post(f"/deals/{deal['id']}/won").get_json()
    assert (won["status"], won["lost_reason"], won["stage_id"]) == ("won", None, stages["Closed Won"])
    assert [d["name"] for d in api.get("/deals?status=won").get_json()["items"]] == ["Big order"]
    assert api.delete(f"/deals/{deal['id']}").status_code == 204
    assert api.get(f"/deals/{deal['id']}").status_code == 404


def test_pipelines_and_their_stages(app, api, acme):
    pipeline_id, first_stage_id = pipeline_ids(app, acme)
    pipeline = api.get(f"/pipelines/{pipeline_id}").get_json()
    assert [stage["kind"] for stage in pipeline["stages"]][-2:] == ["won", "lost"]
    added = api.post(f"/pipelines/{pipeline_id}/stages", json={"name": "Demo", "probability": 40})
    assert added.status_code == 201 and added.get_json()["position"] == 4  # before the closing stages
    renamed = api.patch(f"/stages/{added.get_json()['id']}", json={"name": "Demo done"}).get_json()
    assert (renamed["name"], renamed["probability"]) == ("Demo done", 40)
    assert api.patch(f"/stages/{first_stage_id}", json={"color": "red"}).status_code == 422
    api.post("/deals", json={"name": "Keeps the first stage"})
    assert api.delete(f"/stages/{first_stage_id}").status_code == 409
    assert api.delete(f"/stages/{added.get_json()['id']}").status_code == 204
    assert len(api.get(f"/pipelines/{pipeline_id}").get_json()["stages"]) == 6


def test_pipelines_are_created_renamed_and_deleted_when_empty(app, api, acme):
    made = api.post("/pipelines", json={"name": "Renewals"})
    assert made.status_code == 201 and made.get_json()["position"] == 1
    pipeline = made.get_json()
    assert [stage["kind"] for stage in pipeline["stages"]] == ["open"] * 4 + ["won", "lost"]
    renamed = api.patch(f"/pipelines/{pipeline['id']}", json={"name": "Renewals 2027"})
    assert renamed.get_json()["name"] == "Renewals 2027"
    assert api.patch(f"/pipelines/{pipeline['id']}", json={"name": ""}).status_code == 422
    deal = api.post("/deals", json={"name": "Renewal", "pipeline_id": pipeline["id"]}).get_json()
    assert deal["stage_id"] == pipeline["stages"][0]["id"]
    assert api.delete(f"/pipelines/{pipeline['id']}").status_code == 409
    api.delete(f"/deals/{deal['id']}")
    assert api.delete(f"/pipelines/{pipeline['id']}").status_code == 409  # the trashed deal still needs it
    first_id, _ = pipeline_ids(app, acme)
    assert api.delete(f"/pipelines/{first_id}").status_code == 204
    only = api.get("/pipelines").get_json()["items"]
    assert [p["name"] for p in only] == ["Renewals 2027"]
    assert api.delete(f"/pipelines/{pipeline['id']}").status_code == 409  # the last one stays


def test_actions_refuse_a_stale_version_too(app, api, acme):
    _, first_stage_id = pipeline_ids(app, acme)
    deal = api.post("/deals", json={"name": "Order"}).get_json()
    api.patch(f"/deals/{deal['id']}", json={"notes": "changed"})
    stale = api.post(f"/deals/{deal['id']}/lost", json={"reason": "Price", "version": deal["version"]})
    assert stale.status_code == 409
    assert api.post(f"/deals/{deal['id']}/move", json={"stage_id": str(first_stage_id)},
                    headers={"If-Match": f'"{deal["version"]}"'}).status_code == 412
    assert api.get(f"/deals/{deal['id']}").get_json()["status"] == "open"
