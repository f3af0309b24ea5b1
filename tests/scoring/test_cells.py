"""Cell sums against a plain pandas groupby, on both the dense and the sorted path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring import cells
from scoring.cells import cell_sums


def frame(n: int, sizes: tuple[int, int], seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "a": pd.Categorical.from_codes(rng.integers(0, sizes[0], n),
                                       categories=[f"a{i}" for i in range(sizes[0])]),
        "b": pd.Categorical.from_codes(rng.integers(0, sizes[1], n),
                                       categories=[f"b{i}" for i in range(sizes[1])]),
        "x": rng.random(n),
    })  # fmt: skip


@pytest.mark.parametrize("dense", [True, False])
def test_cell_sums_equal_a_groupby(monkeypatch: pytest.MonkeyPatch, dense: bool) -> None:
    data = frame(500, (7, 300))
    if not dense:
        monkeypatch.setattr(cells, "DENSE_FACTOR", 0)
        monkeypatch.setattr(cells, "DENSE_MINIMUM", 0)
    result = cell_sums(data, ("a", "b"), {"x": data["x"].to_numpy()})
    expected = data.groupby(["a", "b"], observed=True).agg(n=("x", "size"), x=("x", "sum"))
    expected = expected.reset_index()
    assert result["a"].astype(str).tolist() == expected["a"].astype(str).tolist()
    assert result["b"].astype(str).tolist() == expected["b"].astype(str).tolist()
    assert result["n"].tolist() == expected["n"].tolist()
    assert result["x"].to_numpy() == pytest.approx(expected["x"].to_numpy())


def test_cell_sums_of_an_empty_frame() -> None:
    result = cell_sums(frame(0, (2, 3)), ("a", "b"), {"x": np.zeros(0)}, count=None)
    assert result.empty and list(result.columns) == ["a", "b", "x"]
