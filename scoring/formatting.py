"""Text formatting of figures and plain-text tables; the only place where numbers are rounded.

A rate is never shown bare: "100.0 % (n=2, 95 % CI 34.2–100.0 %, Wilson)" — its n, its
interval and the interval's method.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from scoring.estimates import Mean, Nps, Rate
from scoring.methods import INTERVAL_LABEL, Interval

DASH = "–"
NONE = "n/a"


def as_float(value: object) -> float | None:
    """A float, or None for None, NaN and anything that is not a number."""
    if value is None or isinstance(value, str):
        return None
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def number(value: object, digits: int = 1) -> str:
    """A number with fixed decimals, "n/a" for None/NaN."""
    x = as_float(value)
    return NONE if x is None else f"{x:.{digits}f}"


def p_value(value: object) -> str:
    """A p-value to three decimals, "<0.001" below that."""
    x = as_float(value)
    if x is None:
        return NONE
    return "<0.001" if x < 0.001 else f"{x:.3f}"


def pct(value: object, digits: int = 1) -> str:
    """A fraction as a percentage, "n/a" when undefined."""
    x = as_float(value)
    return NONE if x is None else f"{100 * x:.{digits}f} %"


def signed(value: object, digits: int = 1, scale: float = 1.0) -> str:
    """A change with its sign (+1.5, −2.0)."""
    x = as_float(value)
    return NONE if x is None else f"{x * scale:+.{digits}f}".replace("-", "−")


def interval(low: object, high: object, *, percent: bool, digits: int = 1) -> str:
    """ "95 % CI a–b" (percent or points), empty when undefined."""
    a, b = as_float(low), as_float(high)
    if a is None or b is None:
        return ""
    scale, unit = (100.0, " %") if percent else (1.0, "")
    return f"95 % CI {a * scale:.{digits}f}{DASH}{b * scale:.{digits}f}{unit}"


def method_label(method: object) -> str:
    """The short name of an interval method, as printed after an interval ("Wilson")."""
    try:
        return INTERVAL_LABEL[Interval(str(method))]
    except ValueError:
        return str(method)


def rate_text(rate: Rate) -> str:
    """A rate with its n, its interval and the interval's method; a clustered rate also with its
    customers, design effect and effective n (and Kish's n when weighted); loyalty-like rates on
    0–100: "33.3 % (n=3, 95 % CI 6.1–79.2 %, Wilson)"."""
    if rate.n_customers is None:
        sizes = f"n={rate.n:,.0f}"
    else:
        sizes = f"n={rate.n:,.0f} answers of {rate.n_customers:,} customers"
        if rate.kish_n is not None:
            sizes += f", Kish n={rate.kish_n:.1f}"
        sizes += f", deff={number(rate.deff, 2)}, n_eff={number(rate.n_eff)}"
    if rate.value is None:
        return f"{NONE} ({sizes})"
    percent = rate.scale == 1.0
    value = pct(rate.value) if percent else number(rate.value)
    ci = interval(rate.ci_low, rate.ci_high, percent=percent)
    return f"{value} ({sizes}, {ci + ', ' if ci else ''}{method_label(rate.method)})"


def mean_text(mean: Mean) -> str:
    """A mean score with its n and t-interval, and the weighted mean with its interval, Kish's n
    and design effect, each interval naming its method."""
    if mean.value is None:
        return f"{NONE} (n=0)"
    ci = interval(mean.ci_low, mean.ci_high, percent=False)
    text = f"{mean.value:.1f} (n={mean.n:,}{', ' + ci if ci else ''}, {method_label(mean.method)})"
    if mean.weighted is not None:
        wci = interval(mean.weighted_ci_low, mean.weighted_ci_high, percent=False)
        text += (
            f"; weighted {mean.weighted:.1f} (Kish n={number(mean.kish_n)}, "
            f"deff={number(mean.deff, 2)}{', ' + wci if wci else ''}, "
            f"{method_label(mean.weighted_method)})"
        )
    return text


def nps_text(nps: Nps) -> str:
    """NPS with its n (and customers), its interval and the interval's method."""
    if nps.value is None:
        return f"{NONE} (n={nps.n})"
    ci = interval(nps.ci_low, nps.ci_high, percent=False)
    sizes = f"n={nps.n:,}"
    if nps.n_customers is not None:
        sizes += f" of {nps.n_customers:,} customers, deff={number(nps.deff, 2)}"
    return f"{nps.value:+.1f} ({sizes}{', ' + ci if ci else ''}, {method_label(nps.method)})"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table; columns whose cells look numeric are right-aligned."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    right = [all(_numeric(row[i]) for row in cells) and bool(cells) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right, strict=True)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(list(headers)), rule, *(line(row) for row in cells)])


def _numeric(text: str) -> bool:
    head = text.split(" ")[0].replace("−", "-").replace("+", "").replace("<", "")
    if head == NONE:
        return True
    try:
        float(head)
    except ValueError:
        return False
    return True
