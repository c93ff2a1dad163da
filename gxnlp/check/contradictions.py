"""Contradictions: a statement of the narrative that the report's own tables (or its own
narrative) deny.

One function per check id; each returns a Check. The phrases are data (`data/audit.toml`).
A check whose statement is not in the report is `unverifiable` ("no such statement"); a
statement whose table cell is blank is `unverifiable` too. Published numbers are quoted as
published; `cells` names the table cells and the sentence (`sections.<key>:<start>-<end>`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Optional

from gxnlp import rules
from gxnlp.check.claims import TABLE3_OUTCOME_ROWS
from gxnlp.model.core import Check, Claim, Section, Table

SCAN_SECTIONS = ("overview", "requests", "review_litigation", "other")


@lru_cache(maxsize=None)
def audit_rules():
    return rules.load("audit")


@lru_cache(maxsize=None)
def compiled(kind: str) -> tuple[tuple[re.Pattern, ...], tuple[str, ...]]:
    spec = audit_rules()["contradictions"][kind]
    return tuple(re.compile(p) for p in spec["patterns"]), tuple(spec.get("exclude", ()))


@dataclass(frozen=True)
class Statement:
    section: str
    start: int
    end: int
    text: str  # the clause as printed

    @property
    def ref(self) -> str:
        return f"sections.{self.section}:{self.start}-{self.end}"


def clauses(section: Section) -> Iterator[tuple[int, int, str]]:
    splitter = re.compile(audit_rules()["clauses"]["split"])
    pos = 0
    for m in splitter.finditer(section.text + "\n"):
        if m.start() > pos:
            yield pos, m.start(), section.text[pos:m.start()]
        pos = m.end()


def statements(sections: dict, kind: str, *, keys=SCAN_SECTIONS, need: tuple[str, ...] = ()) -> list[Statement]:
    patterns, exclude = compiled(kind)
    out = []
    for key in keys:
        section = sections.get(key)
        if section is None:
            continue
        for start, end, clause in clauses(section):
            if need and not any(w in clause for w in need):
                continue
            if any(re.search(w, clause) for w in exclude):
                continue
            if any(p.search(clause) for p in patterns):
                out.append(Statement(key, start, end, clause.strip()))
    return out


def cell_of(table: Optional[Table], row: str, col: int) -> Optional[float]:
    if table is None or table.rows.get(row) is None:
        return None
    return table.rows[row][col].value


def total_of(table: Optional[Table], row: str) -> tuple[Optional[float], str]:
    """A table3 row's 总计 cell, or the sum of its applicant cells when that is blank."""
    name = f"table3.{row}.total"
    value = cell_of(table, row, 6)
    if value is None and table is not None and table.rows.get(row) is not None:
        parts = [c.value for c in table.rows[row][:6] if c.value is not None]
        value = sum(parts) if parts else None
    return value, name


def t4_total(table4: Optional[Table], group: str) -> Optional[float]:
    if table4 is None or table4.rows.get(group) is None:
        return None
    cells = table4.rows[group]
    if cells[4].value is not None:
        return cells[4].value
    parts = [c.value for c in cells[:4] if c.value is not None]
    return sum(parts) if parts else None


def judge(check_id: str, found: list[Statement], figure: Optional[float], cells: list[str], claim: str,
          table_says: str) -> Check:
    if not found:
        return Check(check_id, "unverifiable", "no such statement", [])
    s = found[0]
    if figure is None:
        return Check(check_id, "unverifiable", f"«{s.text}» ({s.section}) but {', '.join(cells)} is blank or "
                                               f"missing", [s.ref, *cells])
    if figure > 0:
        return Check(check_id, "fail", f"«{s.text}» ({s.section}) {claim}, but {table_says} "
                                       f"({', '.join(cells)} = {figure:g})", [s.ref, *cells], "source")
    return Check(check_id, "pass", f"«{s.text}» agrees with {', '.join(cells)} = 0", [s.ref, *cells])


def c_all_completed(sections: dict, tables: dict) -> Check:
    """"All requests were completed (on time)" / 办结率100% while table3 carries requests forward."""
    found = statements(sections, "all_completed", need=tuple(audit_rules()["clauses"]["requests_words"]))
    figure, name = total_of(tables.get("table3"), "carried_forward")
    return judge("c_all_completed", found, figure, [name], "says every request was completed",
                 "table3 carries requests into next year")


def c_no_requests(sections: dict, tables: dict) -> Check:
    """"No request was received" while table3 has new requests."""
    found = statements(sections, "no_requests")
    figure, name = total_of(tables.get("table3"), "new_received")
    return judge("c_no_requests", found, figure, [name], "says no request was received",
                 "table3 counts new requests")


def c_no_review(sections: dict, tables: dict) -> Check:
    """"No administrative review" while table4 has review cases."""
    found = statements(sections, "no_review")
    figure = t4_total(tables.get("table4"), "review")
    return judge("c_no_review", found, figure, ["table4.review.total"], "says there was no administrative review",
                 "table4 counts review cases")


def c_no_litigation(sections: dict, tables: dict) -> Check:
    """"No administrative litigation" while table4 has lawsuits."""
    found = statements(sections, "no_litigation")
    t4 = tables.get("table4")
    a, b = t4_total(t4, "litigation_direct"), t4_total(t4, "litigation_after_review")
    figure = None if a is None and b is None else (a or 0) + (b or 0)
    return judge("c_no_litigation", found, figure,
                 ["table4.litigation_direct.total", "table4.litigation_after_review.total"],
                 "says there was no lawsuit", "table4 counts lawsuits")


def c_no_fee(sections: dict, claims: list[Claim]) -> Check:
    """"No fee was charged" while the narrative states an information-processing fee above 0.

    Table 二's 行政事业性收费 is not an information fee and is never compared.
    """
    found = statements(sections, "no_fee", keys=tuple(sections))
    words = audit_rules()["contradictions"]["no_fee"]["fee_words"]
    charged = [c for c in claims if c.metric == "fee" and c.value and c.value > 0 and any(w in c.text for w in words)]
    if not found:
        return Check("c_no_fee", "unverifiable", "no such statement", [])
    s = found[0]
    if charged:
        c = charged[0]
        return Check("c_no_fee", "fail", f"«{s.text}» ({s.section}) says no fee was charged, but «{c.text}» "
                                         f"({c.section}) states {c.value:g}",
                     [s.ref, f"sections.{c.section}:{c.span[0]}-{c.span[1]}"], "source")
    return Check("c_no_fee", "pass", f"«{s.text}»: no fee stated elsewhere", [s.ref])


# the claims' outcome groups, plus the 2019 template's single 其他处理 row
OUTCOME_ROWS = {**TABLE3_OUTCOME_ROWS, "other": (*TABLE3_OUTCOME_ROWS["other"], "other_processing")}


def rounding_ok(stated: float, exact: float, decimals: int) -> bool:
    """The stated percentage is the exact share rounded (or cut) to the printed decimals."""
    unit = 10 ** -decimals
    return abs(stated - exact) <= unit / 2 + 1e-9 or 0 <= exact - stated < unit


def c_percent_outcome(sections: dict, tables: dict, claims: list[Claim]) -> Check:
    """"予以公开42件，占51.85%": the percentage is the outcome's share of table3's （七）总计."""
    spec = audit_rules()["contradictions"]["percent"]
    pattern, gap = re.compile(spec["pattern"]), int(spec["max_gap"])
    table3 = tables.get("table3")
    denominator, dname = total_of(table3, "total_processed")
    checked, wrong, cells = 0, [], []
    for c in claims:
        if c.metric != "request_outcome" or c.qualifier not in OUTCOME_ROWS:
            continue
        section = sections.get(c.section)
        if section is None:
            continue
        m = pattern.match(section.text, c.span[1], min(len(section.text), c.span[1] + gap + 12))
        if m is None:
            m = pattern.search(section.text, c.span[1], min(len(section.text), c.span[1] + gap + 12))
            if m is None or m.start() - c.span[1] > gap:
                continue
        stated = float(m.group("p"))
        decimals = len(m.group("p").split(".")[1]) if "." in m.group("p") else 0
        rows = [r for r in OUTCOME_ROWS[c.qualifier] if table3 is not None and table3.rows.get(r) is not None]
        values = [total_of(table3, r)[0] for r in rows]
        if not rows or denominator in (None, 0) or all(v is None for v in values):
            continue
        part = sum(v or 0 for v in values)
        exact = 100 * part / denominator
        checked += 1
        ref = f"sections.{c.section}:{c.span[0]}-{m.end()}"
        if not rounding_ok(stated, exact, decimals):
            quoted = section.text[c.span[0]:m.end()]
            wrong.append(f"«{quoted}» states {m.group('p')}% but table3 gives {part:g} of {denominator:g} = "
                         f"{exact:.2f}%")
            cells += [ref, *[f"table3.{r}.total" for r in rows], dname]
    if wrong:
        return Check("c_percent_outcome", "fail", "; ".join(wrong), list(dict.fromkeys(cells)), "source")
    if checked:
        return Check("c_percent_outcome", "pass", f"{checked} outcome percentages follow from table3", [])
    return Check("c_percent_outcome", "unverifiable", "no outcome percentage with a table counterpart", [])


def contradiction_checks(sections: dict, tables: dict, claims: list[Claim]) -> list[Check]:
    return [
        c_all_completed(sections, tables),
        c_no_requests(sections, tables),
        c_no_review(sections, tables),
        c_no_litigation(sections, tables),
        c_no_fee(sections, claims),
        c_percent_outcome(sections, tables, claims),
    ]
