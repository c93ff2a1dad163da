"""A verdict for a report about to be filed: pass / needs-review / fail.

* **fail** — a blocking finding: the table arithmetic is broken, or the narrative contradicts
  the tables (`BLOCKING`).
* **needs-review** — any other failed check (a claim that disagrees with a table, a missing
  section, a blank cell…) or a notice about the outline or the table's form.
* **pass** — nothing of the above. Style notices (`style_*`) are listed but never change the verdict.

Findings come back ordered: blocking first, then those to review, then style notices.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gxnlp.model.core import Check

BLOCKING = frozenset({
    "t3_row_totals", "t3_results_total", "t3_balance", "t4_totals", "t3_misfiled_column",
    "c_all_completed", "c_no_requests", "c_no_review", "c_no_litigation", "c_no_fee", "c_percent_outcome",
})
STYLE_PREFIX = "style_"


def is_style(check_id: str) -> bool:
    return check_id.startswith(STYLE_PREFIX)


@dataclass
class Verdict:
    source: str
    agency: str
    year: object
    status: str  # pass | needs-review | fail
    blocking: list[Check] = field(default_factory=list)
    review: list[Check] = field(default_factory=list)
    style: list[Check] = field(default_factory=list)

    @property
    def findings(self) -> list[tuple[str, Check]]:
        return ([("blocking", c) for c in self.blocking] + [("review", c) for c in self.review]
                + [("style", c) for c in self.style])

    def to_dict(self) -> dict:
        return {"source": self.source, "agency": self.agency, "year": self.year, "verdict": self.status,
                "findings": [{"severity": sev, "id": c.id, "status": c.status, "detail": c.detail,
                              "cells": list(c.cells), "cause": c.cause} for sev, c in self.findings]}


def verdict(report) -> Verdict:
    blocking, review, style = [], [], []
    for c in report.checks:
        if c.status not in ("fail", "notice"):
            continue
        if is_style(c.id):
            style.append(c)
        elif c.id in BLOCKING and c.status == "fail":
            blocking.append(c)
        else:
            review.append(c)
    status = "fail" if blocking else ("needs-review" if review else "pass")
    return Verdict(report.source, report.meta.agency or Path(report.source).stem, report.meta.year, status,
                   blocking, review, style)
