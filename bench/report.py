"""Figures as rows (introbot, its reference, the target, a verdict) and the table they print as."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Callable, Sequence

PASS, FAIL, INFO, NOT_RUN = "pass", "FAIL", "info", "not run"


@dataclass(frozen=True)
class Row:
    """One figure of the benchmark, measured side by side with its reference in the same run."""

    key: str                      # stable name, e.g. "latency.p50"
    figure: str                   # what is measured, for people
    introbot: float | None        # None: introbot has no figure for this row (a reference-only row)
    reference: float | None
    unit: str
    reference_is: str             # what the reference measures
    target: str                   # the target, in words
    verdict: str                  # PASS, FAIL, INFO (no target) or NOT_RUN (introbot was not measured)

    def as_dict(self) -> dict:
        return asdict(self)


def row(key: str, figure: str, introbot: float | None, reference: float | None, unit: str, reference_is: str,
        target: str = "", meets: Callable[[float, float | None], bool] | None = None) -> Row:
    """A Row whose verdict is `meets(introbot, reference)`; INFO when there is no target."""
    if introbot is None:
        verdict = NOT_RUN
    elif meets is None:
        verdict = INFO
    else:
        verdict = PASS if not math.isnan(introbot) and meets(introbot, reference) else FAIL
    return Row(key, figure, introbot, reference, unit, reference_is, target, verdict)


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (p99 of 200 values is the 198th smallest)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if math.isnan(value):
        return "n/a"
    if value.is_integer() and (abs(value) >= 1 or value == 0):
        return f"{value:,.0f} {unit}".rstrip()
    digits = 3 if abs(value) < 1 else 2 if abs(value) < 10 else 1 if abs(value) < 1000 else 0
    return f"{value:,.{digits}f} {unit}".rstrip()


def table(rows: Sequence[Row]) -> str:
    """A Markdown table (it reads well in a terminal and pastes into the README as it is)."""
    header = ("figure", "introbot", "reference", "target", "verdict")
    lines = [(r.figure, number(r.introbot, r.unit),
              f"{number(r.reference, r.unit)} ({r.reference_is})" if r.reference_is else number(r.reference, r.unit),
              r.target or "—", r.verdict) for r in rows]
    return markdown(header, lines)


def markdown(header: Sequence[str], lines: Sequence[Sequence[str]]) -> str:
    """Cells as a Markdown table, each column as wide as its widest cell."""
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(header)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |",
           "| " + " | ".join("-" * w for w in widths) + " |"]
    out += ["| " + " | ".join(cell.ljust(w) for cell, w in zip(line, widths)) + " |" for line in lines]
    return "\n".join(out)
