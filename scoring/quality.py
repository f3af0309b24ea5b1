"""Data-quality flags: straight-lining and speeding (SPEC §4.10).

Flagged respondents are reported beside the figures, never dropped from them: whether a
straight line of 5s is a delighted customer or a careless one is for a person to judge.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.cells import cell_sums
from scoring.frames import require_columns
from survey.vocabulary import InvitationState

MIN_STRAIGHT_LINE = 5  # fewer answers than this cannot show a pattern
SPEEDING_RATIO = 0.5  # completion under half the median time

#: Columns of ``straight_lining``.
STRAIGHT_COLUMNS: tuple[str, ...] = ("respondent_id", "customer_id", "n_answers", "level")
#: Columns of ``speeding``.
SPEEDING_COLUMNS: tuple[str, ...] = ("respondent_id", "customer_id", "seconds", "median_seconds")


def straight_lining(points: pd.DataFrame, min_answers: int = MIN_STRAIGHT_LINE) -> pd.DataFrame:
    """Respondents who gave the same level to every one of at least ``min_answers`` questions.

    ``points`` is ``frames.scored_answers`` ("unable to comment" is not an answer here).
    """
    level = points["level"].to_numpy().astype(float)
    cells = cell_sums(points, ("respondent_id",), {"level": level, "square": level**2})
    # every level equal ⇔ zero variance ⇔ n·Σl² = (Σl)², exact for small integer sums
    same = cells["n"] * cells["square"] == cells["level"] ** 2
    flagged = cells[(cells["n"] >= min_answers) & same]
    first = pd.Series(points["respondent_id"].cat.codes.to_numpy()).drop_duplicates()
    customer_of = pd.Series(
        points["customer_id"].to_numpy()[first.index.to_numpy()], index=first.to_numpy()
    )
    out = pd.DataFrame({
        "respondent_id": flagged["respondent_id"].astype(str).to_numpy(),
        "customer_id": customer_of.reindex(flagged["respondent_id"].cat.codes.to_numpy())
        .astype(str).to_numpy(),
        "n_answers": flagged["n"].to_numpy(dtype=np.int64),
        "level": (flagged["level"] / flagged["n"]).to_numpy().astype(np.int64),
    })  # fmt: skip
    return out[list(STRAIGHT_COLUMNS)]


def completion_seconds(invitations: pd.DataFrame) -> pd.DataFrame:
    """Completed invitations with both timestamps: respondent_id, customer_id, seconds."""
    require_columns(
        invitations,
        ("respondent_id", "customer_id", "state", "started_at", "completed_at"),
        "invitations",
    )
    done = invitations[invitations["state"] == InvitationState.COMPLETED]
    started = pd.to_datetime(done["started_at"], utc=True)
    completed = pd.to_datetime(done["completed_at"], utc=True)
    seconds = (completed - started).dt.total_seconds()
    out = pd.DataFrame(
        {
            "respondent_id": done["respondent_id"].astype(str),
            "customer_id": done["customer_id"].astype(str),
            "seconds": seconds,
        }
    )
    return out[out["seconds"].notna()].reset_index(drop=True)


def speeding(invitations: pd.DataFrame | None, ratio: float = SPEEDING_RATIO) -> pd.DataFrame:
    """Completed respondents faster than ``ratio`` × the median completion time."""
    if invitations is None or invitations.empty:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in SPEEDING_COLUMNS})
    times = completion_seconds(invitations)
    median = float(times["seconds"].median()) if len(times) else float("nan")
    flagged = times[times["seconds"] < ratio * median].assign(median_seconds=median)
    return flagged[list(SPEEDING_COLUMNS)].reset_index(drop=True)
