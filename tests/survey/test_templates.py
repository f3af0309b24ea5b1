"""The shipped questionnaire templates load, are complete in every language and follow the seeds."""

from __future__ import annotations

import math

import pytest

from survey.errors import SurveyDefinitionError
from survey.loader import load_template, parse_survey, survey_to_dict, template_names
from survey.schema import SUPPORTED_LANGUAGES, Survey, is_valid_key

SHIPPED = ("ecss-5", "service-14", "weighted-4")
DEPARTMENTS = {"sales", "service", "quality", "engineering", "logistics"}


def _texts(survey: Survey) -> list[tuple[str, dict[str, str]]]:
    """Every text of a survey with where it sits, for the completeness checks."""
    out = [("title", survey.title)]
    for factor in survey.factors:
        out.append((factor.key, factor.text))
        out += [(f"{factor.key}/{a.key}", a.text) for a in factor.attributes]
        for item in factor.items:
            out.append((f"{factor.key}.{item.key}", item.text))
            out += [(f"{factor.key}.{item.key}/{a.key}", a.text) for a in item.attributes]
    return out


def test_the_three_templates_are_shipped() -> None:
    assert set(SHIPPED) <= set(template_names())


@pytest.mark.parametrize("name", template_names())
def test_template_loads_under_its_own_key(name: str) -> None:
    survey = load_template(name)
    assert survey.key == name
    assert survey.questions()


@pytest.mark.parametrize("name", template_names())
def test_template_settings(name: str) -> None:
    survey = load_template(name)
    assert survey.languages == ("zh-CN", "en")
    assert survey.default_language == "zh-CN"
    assert survey.points == "default"
    assert survey.nps is True
    assert survey.comment is True


@pytest.mark.parametrize("name", template_names())
def test_every_text_is_present_in_both_languages(name: str) -> None:
    for where, text in _texts(load_template(name)):
        assert set(text) == set(SUPPORTED_LANGUAGES), where
        for lang, value in text.items():
            assert value, f"{where} [{lang}]"
            assert value.strip() == value, f"{where} [{lang}]"


@pytest.mark.parametrize("name", template_names())
def test_texts_are_written_in_their_language(name: str) -> None:
    for where, text in _texts(load_template(name)):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text["zh-CN"]), where
        assert text["en"].isascii(), where
        assert text["en"] != text["zh-CN"], where


@pytest.mark.parametrize("name", template_names())
def test_questions_fit_in_one_chat_message(name: str) -> None:
    for question in load_template(name).questions():
        for lang, text in question.text.items():
            assert len(text) <= 200, (question.key, lang)
            assert "\n" not in text, (question.key, lang)


@pytest.mark.parametrize("name", template_names())
def test_keys_are_short_and_well_formed(name: str) -> None:
    survey = load_template(name)
    for factor in survey.factors:
        assert is_valid_key(factor.key), factor.key
        assert factor.key.isupper(), factor.key
        for item in factor.items:
            assert is_valid_key(item.key), item.key
            assert item.key.islower(), item.key
    for question in survey.questions():
        for attr in question.attributes:
            assert is_valid_key(attr.key), (question.key, attr.key)
            assert attr.key.islower(), (question.key, attr.key)


@pytest.mark.parametrize("name", template_names())
def test_every_question_offers_three_to_six_unique_causes(name: str) -> None:
    for question in load_template(name).questions():
        keys = [attr.key for attr in question.attributes]
        assert 3 <= len(keys) <= 6, question.key
        assert len(set(keys)) == len(keys), question.key
        texts = [attr.text["en"] for attr in question.attributes]
        assert len(set(texts)) == len(texts), question.key


@pytest.mark.parametrize("name", template_names())
def test_every_factor_has_a_department(name: str) -> None:
    for factor in load_template(name).factors:
        assert factor.department in DEPARTMENTS, factor.key


@pytest.mark.parametrize("name", template_names())
def test_survey_stays_short_enough_for_a_chat(name: str) -> None:
    survey = load_template(name)
    assert len(survey.questions()) <= 16
    assert survey.estimated_minutes() <= 5


@pytest.mark.parametrize("name", template_names())
def test_round_trip_through_a_plain_dict(name: str) -> None:
    survey = load_template(name)
    data = survey_to_dict(survey)
    assert parse_survey(data, "x") == survey
    assert survey_to_dict(parse_survey(data, "x")) == data


def test_ecss_has_the_five_factors_with_general_impression_as_overall() -> None:
    survey = load_template("ecss-5")
    assert [f.key for f in survey.factors] == ["GI", "TS", "QU", "SP", "VA"]
    assert [f.text["en"] for f in survey.factors][1:] == [
        "Team and customer service",
        "Quality (including RoHS)",
        "Speed",
        "Value",
    ]
    assert all(f.weight == 1 for f in survey.factors)
    assert survey.overall == "GI"
    gi = survey.factor("GI")
    assert gi is not None
    assert gi.items == ()
    assert survey.questions()[0].key == "GI"
    overall = survey.question("GI")
    assert overall is not None
    assert overall.text["en"].startswith("Overall, how satisfied are you with")
    assert all(f.items for f in survey.factors[1:])


def test_ecss_asks_team_and_service_on_the_agreement_scale() -> None:
    survey = load_template("ecss-5")
    scales = {q.key: q.scale for q in survey.questions()}
    assert {k for k, s in scales.items() if s == "agreement"} == {
        k for k in scales if k.startswith("TS.")
    }


def test_ecss_quality_covers_rohs_and_speed_covers_delivery() -> None:
    survey = load_template("ecss-5")
    rohs = survey.question("QU.rohs")
    assert rohs is not None
    assert "RoHS" in rohs.text["zh-CN"]
    delivery = survey.question("SP.delivery")
    assert delivery is not None
    assert {"late", "incomplete", "no_notice"} <= {a.key for a in delivery.attributes}


def test_service_14_asks_the_seed_items_in_the_seed_order() -> None:
    survey = load_template("service-14")
    assert [f.key for f in survey.factors] == ["PE", "SV", "PR", "TE"]
    assert [q.key for q in survey.questions()] == [
        "PE.sales_staff",
        "PE.eng_staff",
        "SV.response",
        "SV.delivery",
        "SV.install",
        "SV.training",
        "SV.maintenance",
        "PR.stability",
        "PR.performance",
        "PR.functions",
        "PR.price",
        "TE.solutions",
        "TE.exchange",
        "TE.design",
    ]
    assert all(f.weight == 1 for f in survey.factors)
    assert all(q.weight == 1 for q in survey.questions())
    assert survey.overall is None


WEIGHTED_4 = {
    "QU": (40, {"appearance": 0.1, "packaging": 0.1, "performance": 0.8}),
    "SV": (30, {"timeliness": 0.3, "effectiveness": 0.3, "attitude": 0.2, "opinions": 0.2}),
    "PR": (20, {"price": 0.8, "freight": 0.2}),
    "DL": (10, {"timeliness": 0.5, "reliability": 0.5}),
}


def test_weighted_4_carries_the_seed_weights_exactly() -> None:
    survey = load_template("weighted-4")
    found = {f.key: (f.weight, {i.key: i.weight for i in f.items}) for f in survey.factors}
    assert found == WEIGHTED_4
    assert [f.key for f in survey.factors] == list(WEIGHTED_4)
    assert [f.text["zh-CN"] for f in survey.factors] == ["产品实物质量", "服务", "价格", "交付"]


def test_weighted_4_item_weights_sum_to_one_within_each_factor() -> None:
    for factor in load_template("weighted-4").factors:
        assert math.isclose(sum(i.weight for i in factor.items), 1.0), factor.key
    assert sum(f.weight for f in load_template("weighted-4").factors) == 100


@pytest.mark.parametrize("name", SHIPPED)
def test_every_question_has_a_short_label_in_each_language(name: str) -> None:
    survey = load_template(name)
    for question in survey.questions():
        assert question.label is not None, question.key
        assert set(question.label) == set(survey.languages), question.key


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"key": "nps"}, "reserved"),
        (
            {"label": {"zh-CN": "短", "en": "A label far too long to sit on a button at all"}},
            "over",
        ),
    ],
)
def test_labels_are_short_and_keys_leave_room_for_nps_and_comment(
    change: dict[str, object], error: str
) -> None:
    definition = survey_to_dict(load_template("ecss-5"))
    definition["factors"][0] |= change
    with pytest.raises(SurveyDefinitionError, match=error):
        parse_survey(definition, "test")


def test_the_questions_kept_follow_a_copy_with_other_factors() -> None:
    """``Survey.questions`` is built once per survey; a copy whose factors differ (a
    ``model_copy(update=...)`` copies what the original kept) gets its own questions."""
    survey = load_template("service-14")
    keys = [q.key for q in survey.questions()]
    assert survey.question(keys[3]) is survey.questions()[3]  # the same objects, kept
    fewer = survey.model_copy(update={"factors": survey.factors[:1]})
    expected = [f"{survey.factors[0].key}.{item.key}" for item in survey.factors[0].items]
    assert [q.key for q in fewer.questions()] == (expected or [survey.factors[0].key])
    assert fewer.question(keys[-1]) is None
    assert [q.key for q in survey.questions()] == keys and survey.question(keys[-1]) is not None
    survey.questions().clear()  # a caller's list is its own
    assert len(survey.questions()) == len(keys)
