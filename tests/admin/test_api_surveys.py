"""``/surveys``: questionnaires loaded as YAML or JSON, versions read back, broken ones refused
with file, field and problem."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from survey.loader import load_template, survey_to_dict
from tests.admin.conftest import Api, error_of

pytestmark = pytest.mark.both_backends

YAML = {"Content-Type": "application/yaml"}


def template_text(name: str) -> str:
    return (resources.files("survey.templates") / f"{name}.yaml").read_text(encoding="utf-8")


async def test_load_yaml_then_json_and_read_versions_back(api: Api) -> None:
    loaded = await api.post("/surveys", content=template_text("ecss-5"), headers=YAML)
    assert loaded.status_code == 201, loaded.text
    body = loaded.json()
    assert (body["key"], body["version"], body["created"]) == ("ecss-5", 1, True)
    assert body["factors"] == 5 and body["questions"] == 16

    again = await api.post("/surveys", content=template_text("ecss-5"), headers=YAML)
    assert again.status_code == 200 and again.json()["created"] is False

    second = survey_to_dict(load_template("ecss-5")) | {"version": 2}
    assert (await api.post("/surveys", json=second)).status_code == 201
    await api.post("/surveys", content=template_text("weighted-4"), headers=YAML)

    page = (await api.get("/surveys", params={"limit": 2}, role="viewer")).json()
    assert page["count"] == 3 and page["limit"] == 2 and page["offset"] == 0
    assert [(s["key"], s["version"]) for s in page["data"]] == [("ecss-5", 1), ("ecss-5", 2)]
    rest = (await api.get("/surveys", params={"offset": 2}, role="viewer")).json()
    assert [s["key"] for s in rest["data"]] == ["weighted-4"] and rest["count"] == 3

    newest = (await api.get("/surveys/ecss-5", role="viewer")).json()
    assert newest["version"] == 2 and newest["definition"]["key"] == "ecss-5"
    first = (await api.get("/surveys/ecss-5", params={"version": 1}, role="viewer")).json()
    assert first["version"] == 1 and first["definition"] == survey_to_dict(load_template("ecss-5"))
    error = error_of(await api.get("/surveys/ecss-5", params={"version": 9}), 404)
    assert "version 9" in error["message"]
    error_of(await api.get("/surveys/nope"), 404)


async def test_a_broken_questionnaire_says_where(api: Api) -> None:
    broken = survey_to_dict(load_template("weighted-4"))
    broken["factors"][0]["weight"] = -1
    error = error_of(await api.post("/surveys", json=broken), 422)
    assert error["code"] == "survey_definition_error"
    (detail,) = error["details"]
    assert detail["file"] == "request body" and detail["field"] == "factors[0].weight"
    assert "greater than 0" in detail["problem"]

    error = error_of(await api.post("/surveys", content="key: [unclosed", headers=YAML), 422)
    assert error["details"][0]["field"].startswith("line ")

    error = error_of(await api.post("/surveys", json=["not", "a", "mapping"]), 422)
    assert error["details"][0]["problem"] == "a questionnaire must be a mapping"


async def test_same_version_with_other_content_is_refused(api: Api) -> None:
    assert (await api.post("/surveys", content=template_text("ecss-5"), headers=YAML)).is_success
    changed = survey_to_dict(load_template("ecss-5"))
    changed["factors"][0]["weight"] = 3
    error = error_of(await api.post("/surveys", json=changed), 422)
    assert error["details"][0]["field"] == "version" and "raise the version" in error["message"]


async def test_bodies_the_route_cannot_read(api: Api) -> None:
    error = error_of(
        await api.post("/surveys", content="{", headers={"Content-Type": "application/json"}), 400
    )
    assert error["code"] == "invalid_json"
    error = error_of(
        await api.post("/surveys", content="a,b", headers={"Content-Type": "text/csv"}), 415
    )
    assert "application/json" in error["details"][0]["accepted"]
    latin1 = json.dumps({"key": "é"}).encode().replace(b"\\u00e9", "é".encode("latin-1"))
    error = error_of(
        await api.post("/surveys", content=latin1, headers={"Content-Type": "application/json"}),
        400,
    )
    assert "UTF-8" in error["message"]
    error_of(await api.post("/surveys", content=template_text("ecss-5"), role="staff"), 403)
