"""The read-only JSON API answers as its OpenAPI document says."""

import jsonschema
import pytest
from openapi_spec_validator import validate

from tracker.plan.openapi import openapi_document

from .conftest import login_as


@pytest.fixture(scope="module")
def schemas():
    doc = openapi_document()
    components = doc["components"]["schemas"]

    def schema(name):
        # Resolve local refs by embedding the component schemas.
        return {**components[name], "components": {"schemas": components}}

    return schema


def test_openapi_document_is_valid(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    validate(response.json)
    assert set(response.json["paths"]) == {
        "/themes",
        "/actions",
        "/actions/{code}",
        "/indicators",
        "/meetings",
        "/meetings/{id}",
    }


def test_the_openapi_documents_enums_are_the_codes(client):
    """The document is data (``openapi.yaml``); every value list in it is the code's own."""
    from tracker.plan.models import Signal, Status
    from tracker.plan.queries import NO_SIGNAL, SORT_KEYS
    from tracker.plan.schedule import SEASONS, ScheduleKind

    doc = openapi_document()
    params = {
        p["name"]: p.get("schema", {})
        for p in doc["paths"]["/actions"]["get"]["parameters"]
        if "name" in p
    }
    action = doc["components"]["schemas"]["Action"]["properties"]
    statuses = [s.value for s in Status]
    assert params["status"]["enum"] == action["status"]["enum"] == statuses
    assert params["signaal"]["enum"] == [*(s.value for s in Signal), NO_SIGNAL]
    assert action["signal"]["enum"] == [*(s.value for s in Signal), None]
    assert params["sorteer"]["enum"] == list(SORT_KEYS)
    schedule = action["schedule"]["properties"]
    assert schedule["kind"]["enum"] == [k.value for k in ScheduleKind]
    assert set(schedule["season"]["enum"]) == {*SEASONS.values(), None}


def test_themes(client):
    body = client.get("/api/v1/themes").json
    assert body["plan"]["period"] == "2024-2026"
    assert [(t["number"], t["action_count"]) for t in body["themes"]] == [
        (1, 5),
        (2, 12),
        (3, 15),
        (4, 8),
        (5, 7),
    ]


def test_all_actions_validate_against_the_schema(client, schemas):
    body = client.get("/api/v1/actions").json
    assert body["count"] == 47
    for action in body["actions"]:
        jsonschema.validate(action, schemas("Action"))


def test_one_action(client):
    body = client.get("/api/v1/actions/3.15").json
    assert body["code"] == "3.15"
    assert body["theme"] == 3 and body["number"] == 15
    assert body["text"] == "Organiseren van de “Week tegen Mensenhandel”."
    assert body["planning"] == "Jaarlijks, in het najaar"
    assert body["schedule"] == {
        "kind": "annual",
        "times_per_year": None,
        "season": "autumn",
        "starts": None,
        "due": None,
    }
    assert body["owners"] == [
        {"party": None, "name": "Regionale werkgroep", "role": None, "lead": True},
        {"party": "VAR", "name": "VAR", "role": "ondersteuning", "lead": False},
    ]
    assert body["status"] == "niet_gestart" and body["signal"] is None


def test_deadline_schedule(client):
    body = client.get("/api/v1/actions/2.10").json
    assert body["schedule"]["kind"] == "deadline"
    assert body["schedule"]["due"] == "2024-03-31"
    per_year = client.get("/api/v1/actions/2.3").json["schedule"]
    assert per_year["kind"] == "per_year" and per_year["times_per_year"] == 4


def test_filters_match_the_page(client):
    body = client.get("/api/v1/actions?partij=RIEC&jaar=2024&thema=4").json
    assert [a["code"] for a in body["actions"]] == ["4.1", "4.2", "4.3", "4.4", "4.7"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("thema=x", 400),
        ("thema=" + "9" * 33, 400),
        ("status=klaar", 400),
        ("jaar=1", 400),
        ("richting=omhoog", 400),
        ("q=" + "y" * 300, 400),
        # Well-formed, but no such party: not found, as an unknown plan is.
        ("partij=ONBEKEND", 404),
        ("partij=ONBEKEND&thema=x", 400),
    ],
)
def test_bad_filters_are_json_errors(client, query, status, schemas):
    response = client.get(f"/api/v1/actions?{query}")
    assert response.status_code == status
    assert response.is_json
    jsonschema.validate(response.json, schemas("Error"))
    assert response.json["error"]["details"]


@pytest.mark.parametrize("code", ["9.9", "1.99", "abc"])
def test_unknown_action_is_404_json(client, code, schemas):
    response = client.get(f"/api/v1/actions/{code}")
    assert response.status_code == 404
    jsonschema.validate(response.json, schemas("Error"))


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404


def test_api_before_seeding_is_503_json(app, make_user):
    client = login_as(app.test_client(), make_user("lezer"))
    response = client.get("/api/v1/actions")
    assert response.status_code == 503
    assert response.json["error"]["message"]


def test_actions_come_a_page_at_a_time_with_the_total_and_links(client):
    first = client.get("/api/v1/actions?per_page=10&thema=2").json
    assert first["per_page"] == 10 and first["page"] == 1
    assert len(first["actions"]) == 10 and first["count"] > 10
    assert first["pages"] == -(-first["count"] // 10)
    assert "prev" not in first["links"] and "thema=2" in first["links"]["next"]
    last = client.get(first["links"]["next"].replace("page=2", f"page={first['pages']}")).json
    assert len(last["actions"]) == first["count"] - 10 * (first["pages"] - 1)
    assert "next" not in last["links"] and "prev" in last["links"]
    everything = client.get("/api/v1/actions").json  # the real plan fits on the default page
    assert everything["count"] == len(everything["actions"]) == 47
    beyond = client.get("/api/v1/actions?per_page=501").json
    assert beyond["per_page"] == 100  # out of range: the default
    most = client.get("/api/v1/actions?per_page=500").json  # the documented maximum
    assert most["per_page"] == 500 and len(most["actions"]) == most["count"] == 47
    past = client.get("/api/v1/actions?per_page=10&page=9").json  # past the end: the last
    assert past["page"] == 5 and past["count"] == 47 and len(past["actions"]) == 7
