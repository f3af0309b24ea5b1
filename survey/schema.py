"""The questionnaire: survey → factors → items → detail attributes, as validated value objects.

A factor without items is asked itself; a factor with items is asked through its items and
scores as their weighted mean (SPEC §2, §4.1). Attributes only locate causes of a 1–2 and never
count in a score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from survey.keys import SurveyKey

LEVELS: tuple[int, ...] = (1, 2, 3, 4, 5)
LOW_LEVELS: frozenset[int] = frozenset({1, 2})
DEFAULT_POINTS: dict[int, float] = {1: 20.0, 2: 40.0, 3: 60.0, 4: 80.0, 5: 100.0}
POMP_POINTS: dict[int, float] = {level: (level - 1) * 25.0 for level in LEVELS}
SUPPORTED_LANGUAGES: tuple[str, ...] = ("zh-CN", "en")
KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,15}$"
RESERVED_KEYS = frozenset({"nps", "comment", "feedback"})  # answer keys of the other questions
MAX_LABEL = 30  # a label fits on a button with its number

Key = Annotated[str, Field(pattern=KEY_PATTERN)]
Texts = dict[str, str]
Scale = Literal["satisfaction", "agreement"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Attribute(_Model):
    """A detail cause offered when a factor or item scores 1–2."""

    key: Key
    text: Texts


class Item(_Model):
    """A sub-factor (次要因子), weighted inside its factor."""

    key: Key
    text: Texts
    label: Texts | None = None  # a few words for the summary and the change-an-answer menu
    weight: float = Field(default=1.0, gt=0)
    attributes: tuple[Attribute, ...] = ()


class Factor(_Model):
    """A main factor (主要因子) with its weight and responsible department."""

    key: Key
    text: Texts
    label: Texts | None = None  # a few words, used when the factor is asked itself
    weight: float = Field(default=1.0, gt=0)
    department: str | None = None
    scale: Scale = "satisfaction"
    items: tuple[Item, ...] = ()
    attributes: tuple[Attribute, ...] = ()


class Targets(_Model):
    """Campaign targets a report compares against (SPEC §2 Campaign)."""

    satisfaction_rate: float = 0.80
    loyalty: float = 60.0
    response_rate: float = 0.80


@dataclass(frozen=True, slots=True)
class Question:
    """One Likert question as asked: a factor without items, or an item."""

    key: str
    factor: str
    item: str | None
    text: Texts
    weight: float
    scale: Scale
    attributes: tuple[Attribute, ...]
    department: str | None
    label: Texts | None = None

    @property
    def is_statement(self) -> bool:
        """Agreement questions are statements ("We respond promptly."), not questions."""
        return self.scale == "agreement"


class Survey(_Model):
    """A questionnaire (调查表) in one version."""

    key: SurveyKey
    version: int = Field(default=1, ge=1)
    title: Texts
    languages: tuple[str, ...] = SUPPORTED_LANGUAGES
    default_language: str = "zh-CN"
    points: Literal["default", "pomp"] | dict[int, float] = "default"
    factors: tuple[Factor, ...] = Field(min_length=1)
    overall: str | None = None
    nps: bool = True
    comment: bool = True
    minutes: int | None = Field(default=None, ge=1)
    targets: Targets = Targets()

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [lang for lang in value if lang not in SUPPORTED_LANGUAGES]
        if unknown:
            raise ValueError(f"unsupported language(s) {unknown}; use {list(SUPPORTED_LANGUAGES)}")
        if not value:
            raise ValueError("at least one language is needed")
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice")
        return value

    @field_validator("points")
    @classmethod
    def _full_point_map(cls, value: object) -> object:
        if isinstance(value, dict):
            if sorted(value) != list(LEVELS):
                raise ValueError("a point map needs exactly the levels 1..5")
            if any(not 0 <= p <= 100 for p in value.values()):
                raise ValueError("points must lie in 0..100")
            if [value[lv] for lv in LEVELS] != sorted(value[lv] for lv in LEVELS):
                raise ValueError("points must not fall as the level rises")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Survey:
        if self.default_language not in self.languages:
            raise ValueError(f"default_language: {self.default_language!r} is not in languages")
        _check_texts("title", self.title, self.languages)
        seen: set[str] = set()
        for f_index, factor in enumerate(self.factors):
            where = f"factors[{f_index}]"
            _unique(seen, factor.key, where)
            if factor.key in RESERVED_KEYS:
                raise ValueError(f"{where}.key: {factor.key!r} is a reserved key")
            _check_texts(f"{where}.text", factor.text, self.languages)
            _check_label(f"{where}.label", factor.label, self.languages)
            _check_attributes(f"{where}.attributes", factor.attributes, self.languages)
            items_seen: set[str] = set()
            for i_index, item in enumerate(factor.items):
                _unique(items_seen, item.key, f"{where}.items[{i_index}]")
                _check_texts(f"{where}.items[{i_index}].text", item.text, self.languages)
                _check_label(f"{where}.items[{i_index}].label", item.label, self.languages)
                _check_attributes(
                    f"{where}.items[{i_index}].attributes", item.attributes, self.languages
                )
        if self.overall is not None and self.overall not in {q.key for q in self.questions()}:
            raise ValueError(f"overall: {self.overall!r} names no question")
        return self

    def point_map(self) -> dict[int, float]:
        """Points per level for this survey's scale."""
        if self.points == "default":
            return dict(DEFAULT_POINTS)
        if self.points == "pomp":
            return dict(POMP_POINTS)
        return {int(k): float(v) for k, v in self.points.items()}

    def questions(self) -> list[Question]:
        """The Likert questions in the order they are asked."""
        return list(self._by_key().values())

    def question(self, key: str) -> Question | None:
        """The question with this key, or None."""
        return self._by_key().get(key)

    @cached_property
    def _flattened(self) -> tuple[object, dict[str, Question]]:
        # Built once per survey: every answer asks for the questions several times. Kept
        # with the factors they come from, which a model_copy(update=...) may replace.
        # Question keys are unique: factor keys are, and item keys within a factor.
        return self.factors, {q.key: q for q in self._build_questions()}

    def _by_key(self) -> dict[str, Question]:
        """The questions by key, in the order they are asked."""
        factors, by_key = self._flattened
        if factors is not self.factors:
            del self.__dict__["_flattened"]
            factors, by_key = self._flattened
        return by_key

    def _build_questions(self) -> list[Question]:
        out: list[Question] = []
        for factor in self.factors:
            if not factor.items:
                out.append(
                    Question(
                        factor.key,
                        factor.key,
                        None,
                        factor.text,
                        1.0,
                        factor.scale,
                        factor.attributes,
                        factor.department,
                        factor.label,
                    )
                )
            for item in factor.items:
                out.append(
                    Question(
                        f"{factor.key}.{item.key}",
                        factor.key,
                        item.key,
                        item.text,
                        item.weight,
                        factor.scale,
                        item.attributes or factor.attributes,
                        factor.department,
                        item.label,
                    )
                )
        return out

    def factor(self, key: str) -> Factor | None:
        """The factor with this key, or None."""
        return next((f for f in self.factors if f.key == key), None)

    def language_for(self, wanted: str | None) -> str:
        """The survey language closest to what a respondent asked for."""
        if wanted:
            for lang in self.languages:
                if lang.lower() == wanted.lower() or lang.split("-")[0] == wanted.split("-")[0]:
                    return lang
        return self.default_language

    def estimated_minutes(self) -> int:
        """How long answering takes, for the greeting (about 15 s per question)."""
        if self.minutes:
            return self.minutes
        extra = int(self.nps) + int(self.comment)
        return max(1, round((len(self.questions()) + extra) * 15 / 60))


def _check_texts(field: str, texts: Texts, languages: tuple[str, ...]) -> None:
    missing = [lang for lang in languages if not texts.get(lang, "").strip()]
    if missing:
        raise ValueError(f"{field}: missing text for {', '.join(missing)}")


def _check_label(field: str, label: Texts | None, languages: tuple[str, ...]) -> None:
    if label is None:
        return
    _check_texts(field, label, languages)
    long = [lang for lang in languages if len(label[lang]) > MAX_LABEL]
    if long:
        raise ValueError(f"{field}: over {MAX_LABEL} characters in {', '.join(long)}")


def _check_attributes(
    where: str, attributes: tuple[Attribute, ...], languages: tuple[str, ...]
) -> None:
    seen: set[str] = set()
    for index, attribute in enumerate(attributes):
        _unique(seen, attribute.key, f"{where}[{index}]")
        _check_texts(f"{where}[{index}].text", attribute.text, languages)


def _unique(seen: set[str], key: str, where: str) -> None:
    if key in seen:
        raise ValueError(f"{where}.key: duplicate key {key!r}")
    seen.add(key)


def is_valid_key(value: str) -> bool:
    """True when a string can serve as a factor/item/attribute key."""
    return re.fullmatch(KEY_PATTERN, value) is not None
