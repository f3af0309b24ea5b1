"""Input frames: the answers export (SPEC §7) and invitations, validated and turned into points.

``scored_answers`` is the one place where answers become points: only Likert answers to the
survey's factor and item questions, never "unable to comment", never NPS or comments. Its key
columns are categoricals (questions and factors in survey order) so that later aggregations run
on integer codes. Customer attributes (name, class, weight, business unit) and the role are
taken from each customer's or respondent's first row, so they are consistent by construction.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from survey.schema import LEVELS, Survey
from survey.vocabulary import AnswerKind, InvitationState

ANSWER_COLUMNS: tuple[str, ...] = (
    "campaign", "survey", "customer_id", "customer_name", "customer_class", "customer_weight",
    "business_unit", "respondent_id", "role", "language", "question", "factor", "item", "kind",
    "level", "na", "text", "answered_at", "channel",
)  # fmt: skip
INVITATION_COLUMNS: tuple[str, ...] = (
    "campaign", "respondent_id", "customer_id", "state", "started_at", "completed_at",
)  # fmt: skip
KINDS: frozenset[str] = frozenset(
    {AnswerKind.LIKERT, AnswerKind.FOLLOW_UP, AnswerKind.COMMENT, AnswerKind.NPS}
)
CUSTOMER_CLASSES: tuple[str, ...] = ("KA", "A", "B", "C")
INVITATION_STATES: frozenset[str] = frozenset(
    InvitationState
)  # undelivered: Telegram refused the chat message (storage/reminders.py)
NPS_LEVELS: tuple[int, ...] = tuple(range(11))
FAVOURABLE_LEVELS: tuple[int, ...] = (4, 5)  # ECSS §6.7
TOP3_LEVELS: tuple[int, ...] = (3, 4, 5)  # seed 003: very satisfied + satisfied + basically
UNKNOWN = "unknown"  # stands in for a missing business unit, role or name

#: Columns of ``scored_answers`` (one row per scored answer).
POINT_COLUMNS: tuple[str, ...] = (
    "customer_id", "customer_name", "customer_class", "customer_weight", "business_unit",
    "respondent_id", "role", "question", "factor", "item_weight", "level", "points",
)  # fmt: skip
#: Columns of ``nps_answers``.
NPS_COLUMNS: tuple[str, ...] = (
    "customer_id", "customer_class", "business_unit", "respondent_id", "role", "level",
)  # fmt: skip


def require_columns(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    """Raise ValueError naming every column the frame lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} frame lacks column(s) {missing}; expected {list(columns)}")


def answer_levels(answers: pd.DataFrame) -> npt.NDArray[np.float64]:
    """The ``level`` column as floats (NaN where null), whatever nullable dtype it came in."""
    return pd.to_numeric(answers["level"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def unable_mask(answers: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """True where the answer is "unable to comment" (a null ``na`` counts as False)."""
    return answers["na"].eq(True).to_numpy(dtype=bool, na_value=False)


def kind_mask(answers: pd.DataFrame, kind: str) -> npt.NDArray[np.bool_]:
    """True on the rows of one kind of answer."""
    mask: npt.NDArray[np.bool_] = np.asarray(
        answers["kind"].to_numpy(dtype=object) == kind, dtype=bool
    )
    return mask


def validate_answers(survey: Survey, answers: pd.DataFrame) -> None:
    """Raise ValueError with a clear message when the answers frame cannot be scored."""
    require_columns(answers, ANSWER_COLUMNS, "answers")
    _only(answers["kind"], KINDS, "kind")
    _only(answers["survey"], {survey.key}, "survey")
    _only(answers["customer_class"], set(CUSTOMER_CLASSES), "customer_class")
    levels, unable = answer_levels(answers), unable_mask(answers)
    for kind, allowed in ((AnswerKind.LIKERT, LEVELS), (AnswerKind.NPS, NPS_LEVELS)):
        bad = kind_mask(answers, kind) & ~unable & ~np.isin(levels, allowed)
        if bad.any():
            example = answers.loc[bad, ["respondent_id", "question", "level"]].iloc[0].to_dict()
            raise ValueError(
                f"answers: {int(bad.sum())} {kind} answer(s) with a level outside "
                f"{allowed[0]}..{allowed[-1]} and not 'unable to comment', "
                f"e.g. {example}"
            )
    weights = pd.to_numeric(answers["customer_weight"], errors="coerce").to_numpy(dtype=float)
    if not np.all(np.isfinite(weights) & (weights > 0)):
        raise ValueError("answers: customer_weight must be a positive number on every row")


def validate_invitations(invitations: pd.DataFrame) -> None:
    """Raise ValueError when the invitations frame lacks columns or has an unknown state."""
    require_columns(invitations, INVITATION_COLUMNS, "invitations")
    _only(invitations["state"], INVITATION_STATES, "state", what="invitations")


def _only(
    column: pd.Series, allowed: set[str] | frozenset[str], name: str, what: str = "answers"
) -> None:
    found = pd.unique(column)
    unknown = sorted(
        str(v) if isinstance(v, str) else "(null)"
        for v in found
        if not isinstance(v, str) or v not in allowed
    )
    if unknown:
        raise ValueError(f"{what}: unknown {name} value(s) {unknown[:10]}; use {sorted(allowed)}")


def scored_answers(survey: Survey, answers: pd.DataFrame) -> pd.DataFrame:
    """The answers that count, with points (columns ``POINT_COLUMNS``); validates first.

    The factor and the item weight come from the survey, not from the frame, so a wrong factor
    column cannot change a score. A respondent answering one question twice is an error (the
    export holds the latest answer only).
    """
    validate_answers(survey, answers)
    mask = kind_mask(answers, AnswerKind.LIKERT) & ~unable_mask(answers)
    questions = survey.questions()
    asked = answers["question"].to_numpy()[mask]
    raw_codes, uniques = pd.factorize(asked)
    position = {q.key: i for i, q in enumerate(questions)}
    known = np.array([position.get(str(u), -1) for u in uniques], dtype=np.int64)
    codes = known[raw_codes] if len(raw_codes) else np.zeros(0, dtype=np.int64)
    if (codes < 0).any():
        unknown = sorted(str(u) for u, k in zip(uniques, known, strict=True) if k < 0)
        raise ValueError(
            f"answers: question(s) {unknown[:10]} are not factor/item questions "
            f"of survey {survey.key!r}"
        )
    factor_keys = [f.key for f in survey.factors]
    factor_of = np.array([factor_keys.index(q.factor) for q in questions], dtype=np.int64)
    point_map = survey.point_map()
    lookup = np.array([np.nan] + [point_map[level] for level in LEVELS], dtype=float)
    level = answer_levels(answers)[mask].astype(np.int8)
    frame = pd.DataFrame(
        {
            **_people(answers, mask),
            "question": pd.Categorical.from_codes(codes, pd.Index([q.key for q in questions])),
            "factor": pd.Categorical.from_codes(factor_of[codes], pd.Index(factor_keys)),
            "item_weight": np.array([q.weight for q in questions], dtype=float)[codes],
            "level": level,
            "points": lookup[level],
        }
    )
    pair = frame["respondent_id"].cat.codes.to_numpy(np.int64) * len(questions) + codes
    if pd.Series(pair).duplicated().any():
        raise ValueError(
            "answers: a respondent answered the same question more than once; "
            "export the latest answer only"
        )
    return frame[list(POINT_COLUMNS)]


def nps_answers(answers: pd.DataFrame) -> pd.DataFrame:
    """The NPS answers (0–10, not "unable to comment"), columns ``NPS_COLUMNS``."""
    mask = kind_mask(answers, AnswerKind.NPS) & ~unable_mask(answers)
    frame = pd.DataFrame(_people(answers, mask))
    frame["level"] = answer_levels(answers)[mask].astype(np.int8)
    return frame[list(NPS_COLUMNS)]


def _people(answers: pd.DataFrame, mask: npt.NDArray[np.bool_]) -> dict[str, object]:
    """Customer and respondent columns of the masked rows, ids factorised once each."""
    customer, customer_first = _factorise(answers["customer_id"].to_numpy()[mask])
    respondent, respondent_first = _factorise(answers["respondent_id"].to_numpy()[mask])
    columns: dict[str, object] = {"customer_id": customer}
    for name in ("customer_name", "customer_class", "customer_weight", "business_unit"):
        columns[name] = _attribute(
            answers[name].to_numpy()[mask],
            customer,
            customer_first,
            numeric=name == "customer_weight",
        )
    columns["respondent_id"] = respondent
    columns["role"] = _attribute(answers["role"].to_numpy()[mask], respondent, respondent_first)
    return columns


def _factorise(values: np.ndarray) -> tuple[pd.Categorical[str], npt.NDArray[np.int64]]:
    """Ids as a categorical (sorted as strings), and the row where each id first appears."""
    codes, uniques = pd.factorize(values, sort=True)
    if (codes < 0).any():
        raise ValueError("answers: customer_id or respondent_id is missing on some rows")
    first = np.zeros(len(uniques), dtype=np.int64)
    rows = pd.Series(codes).drop_duplicates()
    first[rows.to_numpy()] = rows.index.to_numpy()
    return pd.Categorical.from_codes(codes, categories=pd.Index([str(u) for u in uniques])), first


def _attribute(
    values: np.ndarray,
    owner: pd.Categorical[str],
    first: npt.NDArray[np.int64],
    *,
    numeric: bool = False,
) -> pd.Categorical[str] | npt.NDArray[np.float64]:
    """A per-owner attribute (the owner's first row wins), spread back over the rows."""
    per_owner = values[first] if len(values) else values[:0]
    if numeric:
        result: npt.NDArray[np.float64] = np.asarray(per_owner, dtype=float)[owner.codes]
        return result
    labels = pd.Series(per_owner, dtype=object).fillna(UNKNOWN).astype(str).to_numpy()
    codes, uniques = pd.factorize(labels, sort=True)
    return pd.Categorical.from_codes(codes[owner.codes], categories=pd.Index(uniques))


def customer_attributes(points: pd.DataFrame) -> pd.DataFrame:
    """One row per customer in ``points``: customer_id, customer_name, customer_class,
    customer_weight, business_unit."""
    columns = ["customer_id", "customer_name", "customer_class", "customer_weight", "business_unit"]
    first = pd.Series(points["customer_id"].cat.codes.to_numpy()).drop_duplicates()
    return points.iloc[first.index.to_numpy()][columns].reset_index(drop=True)
