"""Broken questionnaire files are refused with the file, the field and the problem."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from survey.errors import SurveyDefinitionError
from survey.loader import load_survey, load_template
from survey.schema import Survey

MINIMAL: dict[str, Any] = {
    "key": "mini",
    "title": {"zh-CN": "满意度调查", "en": "Satisfaction survey"},
    "languages": ["zh-CN", "en"],
    "factors": [
        {
            "key": "QU",
            "text": {"zh-CN": "质量", "en": "Quality"},
            "weight": 2,
            "items": [
                {"key": "product", "text": {"zh-CN": "产品质量", "en": "Product quality"}},
                {"key": "packaging", "text": {"zh-CN": "包装", "en": "Packaging"}},
            ],
        },
        {"key": "GI", "text": {"zh-CN": "总体满意度", "en": "Overall satisfaction"}},
    ],
}


def _data(**top: Any) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL)
    data.update(top)
    return data


def _write_yaml(tmp_path: Path, data: Any, name: str = "survey.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _write_json(tmp_path: Path, data: Any, name: str = "survey.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _refused(path: Path) -> SurveyDefinitionError:
    """Load a file that must be refused; the error must name that file."""
    with pytest.raises(SurveyDefinitionError) as caught:
        load_survey(path)
    err = caught.value
    assert err.source == str(path)
    assert err.field
    assert err.problem
    assert str(err) == f"{path}: {err.field}: {err.problem}"
    return err


def _path(field: str) -> str:
    """A field path with list indices written as [i], whichever form the loader uses."""
    return re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", field)


# --- files that load ---------------------------------------------------------------------


def test_minimal_yaml_file_loads(tmp_path: Path) -> None:
    survey = load_survey(_write_yaml(tmp_path, MINIMAL))
    assert isinstance(survey, Survey)
    assert [q.key for q in survey.questions()] == ["QU.product", "QU.packaging", "GI"]


def test_json_file_with_string_point_levels_loads(tmp_path: Path) -> None:
    points = {"1": 0, "2": 30, "3": 60, "4": 85, "5": 100}
    survey = load_survey(_write_json(tmp_path, _data(points=points)))
    assert survey.point_map() == {1: 0.0, 2: 30.0, 3: 60.0, 4: 85.0, 5: 100.0}


def test_a_shipped_template_saved_as_yaml_loads_back_equal(tmp_path: Path) -> None:
    template = load_template("weighted-4")
    path = _write_yaml(tmp_path, template.model_dump(mode="json"))
    assert load_survey(path) == template


# --- broken fields -----------------------------------------------------------------------


def test_missing_zh_cn_text_on_an_item_is_refused(tmp_path: Path) -> None:
    data = _data()
    del data["factors"][0]["items"][1]["text"]["zh-CN"]
    err = _refused(_write_yaml(tmp_path, data))
    assert "zh-CN" in err.problem
    assert "factors[0].items[1].text" in str(err)


def test_blank_english_text_on_a_factor_is_refused(tmp_path: Path) -> None:
    data = _data()
    data["factors"][1]["text"]["en"] = "   "
    err = _refused(_write_yaml(tmp_path, data))
    assert "missing text for en" in err.problem
    assert "factors[1].text" in str(err)


def test_duplicate_factor_key_is_refused(tmp_path: Path) -> None:
    data = _data()
    data["factors"][1]["key"] = "QU"
    err = _refused(_write_yaml(tmp_path, data))
    assert "duplicate" in err.problem
    assert "'QU'" in err.problem


def test_duplicate_item_key_inside_a_factor_is_refused(tmp_path: Path) -> None:
    data = _data()
    data["factors"][0]["items"][1]["key"] = "product"
    err = _refused(_write_yaml(tmp_path, data))
    assert "duplicate" in err.problem
    assert "'product'" in err.problem
    assert "factors[0].items[1].key" in str(err)


def test_overall_naming_no_question_is_refused(tmp_path: Path) -> None:
    err = _refused(_write_yaml(tmp_path, _data(overall="QU")))  # QU is asked through its items
    assert "overall" in str(err)
    assert "'QU'" in err.problem
    assert "names no question" in err.problem


# The loader reports a problem found across fields (Survey._consistent) with field "(survey)"
# and the real field only inside the problem text; these pin the contract that `.field` names
# it. strict: once the loader is fixed they pass, and the marker must be removed.
ACROSS_FIELDS = [
    pytest.param(
        lambda d: d["factors"][0]["items"][1]["text"].pop("zh-CN"),
        "factors[0].items[1].text",
        id="missing-text",
    ),
    pytest.param(lambda d: d["factors"][1].update(key="QU"), "factors[1].key", id="dup-factor"),
    pytest.param(lambda d: d.update(overall="XX"), "overall", id="overall"),
    pytest.param(
        lambda d: d.update(default_language="en", languages=["zh-CN"]),
        "default_language",
        id="default-language",
    ),
]


@pytest.mark.parametrize(("breaks", "field"), ACROSS_FIELDS)
def test_problem_across_fields_names_the_field(tmp_path: Path, breaks: Any, field: str) -> None:
    data = _data()
    breaks(data)
    err = _refused(_write_yaml(tmp_path, data))
    assert _path(err.field) == field


@pytest.mark.parametrize("weight", [-1, 0, -0.5])
def test_factor_weight_must_be_positive(tmp_path: Path, weight: float) -> None:
    data = _data()
    data["factors"][0]["weight"] = weight
    err = _refused(_write_yaml(tmp_path, data))
    assert _path(err.field) == "factors[0].weight"
    assert "greater than 0" in err.problem


def test_item_weight_must_be_positive(tmp_path: Path) -> None:
    data = _data()
    data["factors"][0]["items"][1]["weight"] = -0.2
    err = _refused(_write_yaml(tmp_path, data))
    assert _path(err.field) == "factors[0].items[1].weight"
    assert "greater than 0" in err.problem


def test_point_map_missing_a_level_is_refused(tmp_path: Path) -> None:
    err = _refused(_write_yaml(tmp_path, _data(points={1: 20, 2: 40, 3: 60, 4: 80})))
    assert err.field == "points"
    assert "1..5" in err.problem


def test_point_map_falling_with_the_level_is_refused(tmp_path: Path) -> None:
    points = {1: 100, 2: 80, 3: 60, 4: 40, 5: 20}
    err = _refused(_write_yaml(tmp_path, _data(points=points)))
    assert err.field == "points"
    assert "fall" in err.problem


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    err = _refused(_write_yaml(tmp_path, _data(languages=["zh-CN", "fr"])))
    assert err.field == "languages"
    assert "'fr'" in err.problem


def test_malformed_key_is_refused(tmp_path: Path) -> None:
    data = _data()
    data["factors"][0]["items"][0]["key"] = "product quality"
    err = _refused(_write_yaml(tmp_path, data))
    assert _path(err.field) == "factors[0].items[0].key"
    assert "pattern" in err.problem


def test_unknown_field_is_refused(tmp_path: Path) -> None:
    data = _data()
    data["factors"][1]["colour"] = "red"
    err = _refused(_write_yaml(tmp_path, data))
    assert _path(err.field) == "factors[1].colour"
    assert "not permitted" in err.problem


def test_survey_without_factors_is_refused(tmp_path: Path) -> None:
    err = _refused(_write_yaml(tmp_path, _data(factors=[])))
    assert err.field == "factors"


# --- broken files ------------------------------------------------------------------------


def test_invalid_yaml_syntax_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("key: mini\ntitle:\n  zh-CN: 调查\n  en: Survey: bad\n", encoding="utf-8")
    err = _refused(path)
    assert err.field == "line 4"
    assert "YAML" in err.problem


def test_tab_indentation_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "tabs.yml"
    path.write_text("key: mini\nfactors:\n\t- key: QU\n", encoding="utf-8")
    err = _refused(path)
    assert err.field == "line 3"


@pytest.mark.parametrize(
    "text",
    ["- key: mini\n- factors: []\n", "just a sentence\n", "42\n", ""],
    ids=["list", "string", "number", "empty"],
)
def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "survey.yaml"
    path.write_text(text, encoding="utf-8")
    err = _refused(path)
    assert err.field == "(top)"
    assert "mapping" in err.problem


def test_nonexistent_file_is_refused(tmp_path: Path) -> None:
    err = _refused(tmp_path / "nowhere.yaml")
    assert err.field == "(file)"
    assert "cannot be read" in err.problem


def test_a_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "survey.yaml"
    folder.mkdir()
    err = _refused(folder)
    assert err.field == "(file)"


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("key: mini\ntitle:\n  zh-CN: 满意度调查\n".encode("gbk"))
    err = _refused(path)
    assert err.field == "(file)"
    assert "cannot be read" in err.problem


def test_json_file_with_a_broken_field_is_refused(tmp_path: Path) -> None:
    data = _data()
    data["factors"][0]["weight"] = -3
    err = _refused(_write_json(tmp_path, data))
    assert _path(err.field) == "factors[0].weight"


def test_json_file_missing_a_text_is_refused(tmp_path: Path) -> None:
    data = _data()
    del data["factors"][0]["items"][0]["text"]["zh-CN"]
    err = _refused(_write_json(tmp_path, data))
    assert "factors[0].items[0].text" in str(err)
    assert "zh-CN" in err.problem


def test_invalid_json_syntax_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "key": "mini",\n  "title": {"en": "x",}\n}\n', encoding="utf-8")
    err = _refused(path)
    assert err.field == "line 3"


def test_json_file_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    err = _refused(_write_json(tmp_path, [MINIMAL]))
    assert err.field == "(top)"


def test_unknown_template_is_refused() -> None:
    with pytest.raises(SurveyDefinitionError) as caught:
        load_template("no-such-template")
    assert caught.value.source == "no-such-template"
    assert "ecss-5" in caught.value.problem
