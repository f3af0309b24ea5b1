"""Counts and sums per combination of categorical keys, with ``np.bincount`` on their codes.

Every index is a ratio of sums over some cells (customer × question, role × customer × question,
respondent × question, ...). Summing a million answers into those cells with ``bincount`` on
the categorical codes is many times faster than a pandas groupby, which factorises its keys
again on every call.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from scoring.frames import FAVOURABLE_LEVELS, TOP3_LEVELS

DENSE_FACTOR = 4  # a dense table of up to this many bins per row ...
DENSE_MINIMUM = 1 << 20  # ... or of this many bins is summed directly; else cells are sorted


def cell_sums(
    frame: pd.DataFrame,
    keys: tuple[str, ...],
    values: Mapping[str, npt.ArrayLike] | None = None,
    *,
    count: str | None = "n",
) -> pd.DataFrame:
    """One row per observed combination of the categorical ``keys`` (sorted by their codes).

    Columns: the keys (categoricals with the frame's categories), ``count`` (rows in the cell;
    left out when None) and the sum of each of ``values`` (arrays as long as the frame).
    """
    codes = [np.asarray(frame[k].cat.codes, dtype=np.int64) for k in keys]
    categories = [frame[k].cat.categories for k in keys]
    sizes = [max(len(c), 1) for c in categories]
    values = values or {}
    if not len(frame):
        flat = np.zeros(0, dtype=np.int64)
    elif len(keys) == 1:
        flat = codes[0]
    else:
        flat = np.ravel_multi_index(codes, sizes)
    bins = math.prod(sizes)
    if bins <= max(DENSE_FACTOR * len(frame), DENSE_MINIMUM):
        counts = np.bincount(flat, minlength=bins)
        present = np.flatnonzero(counts)
        index, n = present, counts[present]
        sums = {
            name: np.bincount(flat, weights=np.asarray(v, dtype=float), minlength=bins)[present]
            for name, v in values.items()
        }
    else:  # too many possible cells: number the observed ones by sorting
        index, inverse = np.unique(flat, return_inverse=True)
        n = np.bincount(inverse, minlength=len(index))
        sums = {
            name: np.bincount(inverse, weights=np.asarray(v, dtype=float), minlength=len(index))
            for name, v in values.items()
        }
    key_codes = np.unravel_index(index, sizes) if len(keys) > 1 else (index,)
    out = pd.DataFrame(
        {
            k: pd.Categorical.from_codes(c, categories=cat)
            for k, c, cat in zip(keys, key_codes, categories, strict=True)
        }
    )
    if count is not None:
        out[count] = n.astype(np.int64)
    for name, total in sums.items():
        out[name] = total
    return out


def answer_cells(points: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """Scored answers summed per unit (``keys``) and question: everything an index needs.

    Columns: ``*keys, question, n`` (answers), ``points`` (their sum), ``favourable`` (answers
    at 4–5) and ``top3`` (answers at 3–5).
    """
    level = points["level"].to_numpy()
    return cell_sums(points, (*keys, "question"), {
        "points": points["points"].to_numpy(),
        "favourable": np.isin(level, FAVOURABLE_LEVELS),
        "top3": np.isin(level, TOP3_LEVELS),
    })  # fmt: skip
