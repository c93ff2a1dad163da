"""Checks across reports: one agency over the years, and each report against its peers.

`x_carried` and `x_in_force` are the spec's cross-year equations; duplicates,
year-over-year jumps and peer outliers are notices, not failures. Every finding
has a fingerprint (check id + report key + cells) that does not change when the
files are re-parsed or moved, so a reviewer's decision survives.
"""
from __future__ import annotations

import hashlib
import json
import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Optional

from gxnlp import rules
from gxnlp.parse.agencies import normalise_agency
from gxnlp.model.core import Report

JUMP_FACTOR = 5  # a count ×5 or ÷5 from one year to the next is worth a look
JUMP_MIN = 10  # …when the larger of the two is at least this
PEER_MIN = 5  # peers of the same level and year needed to call a value an outlier
PEER_FACTOR = 10  # a value ≥10× the peers' median (and ≥ PEER_MIN_GAP above it)
PEER_MIN_GAP = 50

# (name, how to read it from a report) for the jump and peer notices
KEY_FIGURES = {
    "table3.new_received.total": lambda r: cell(r, "table3", "new_received", 6),
    "table3.total_processed.total": lambda r: cell(r, "table3", "total_processed", 6),
    "table4.review.total": lambda r: cell(r, "table4", "review", 4),
    "table2.penalty": lambda r: cell(r, "table2", "penalty", -1),
    "table2.licensing": lambda r: cell(r, "table2", "licensing", -1),
    "active_disclosure_total": lambda r: next((c.value for c in r.claims if c.metric == "active_disclosure_total"), None),
}


@dataclass
class Finding:
    id: str
    status: str  # fail | notice
    detail: str
    cells: list[str]
    reports: list[str]
    fingerprint: str = ""
    decision: Optional[str] = None  # confirmed | dismissed, from the review file
    note: Optional[str] = None

    def to_dict(self) -> dict:
        return asdict(self)


def cell(report: Report, table: str, row: str, col: int) -> Optional[float]:
    t = report.tables.get(table)
    cells = t.rows.get(row) if t is not None else None
    return cells[col].value if cells else None


def report_key(report: Report) -> str:
    """Agency and year: stable across re-parsing, renamed files and formats."""
    agency = normalise_agency(report.meta.agency) if report.meta.agency else Path(report.source).stem
    return f"{agency}|{report.meta.year or '?'}"


def fingerprint(check_id: str, cells: list[str], reports: list[Report]) -> str:
    """Check id + report keys + cells, with file paths replaced by the reports' keys."""
    keys = {r.source: report_key(r) for r in reports}
    stable = []
    for c in cells:
        source, sep, rest = c.rpartition(":")
        stable.append(f"{keys.get(source, source)}:{rest}" if sep else c)
    key = json.dumps([check_id, sorted(keys.values()), sorted(stable)], ensure_ascii=False)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def finding(check_id, status, detail, cells, reports: list[Report]) -> Finding:
    return Finding(check_id, status, detail, cells, [r.source for r in reports],
                   fingerprint(check_id, cells, reports))


def per_report_findings(reports: Iterable[Report]) -> list[Finding]:
    out = []
    for r in reports:
        for c in r.checks:
            if c.status in ("fail", "notice"):  # notices: the audit's outline/style/form findings
                out.append(finding(c.id, c.status, c.detail, list(c.cells), [r]))
    return out


def group_by_agency(reports: Iterable[Report]) -> dict[str, list[Report]]:
    groups = defaultdict(list)
    for r in reports:
        if r.meta.agency:
            groups[normalise_agency(r.meta.agency)].append(r)
    return {k: sorted(v, key=lambda r: (r.meta.year or 0, r.source)) for k, v in groups.items()}


def consecutive_pairs(reports: list[Report]):
    by_year = {}
    for r in reports:
        if r.meta.year is not None:
            by_year.setdefault(r.meta.year, r)
    for year, r in sorted(by_year.items()):
        if year - 1 in by_year:
            yield by_year[year - 1], r


def label(r: Report) -> str:
    return f"{r.meta.agency} {r.meta.year} ({Path(r.source).name})"


def x_carried(prev: Report, cur: Report) -> Optional[Finding]:
    """carried_over(Y) = carried_forward(Y−1), column by column."""
    wrong, cells = [], []
    checked = False
    for c, col in enumerate(rules.TABLE3_COLUMNS):
        a, b = cell(cur, "table3", "carried_over", c), cell(prev, "table3", "carried_forward", c)
        if a is None or b is None:
            continue
        checked = True
        if abs(a - b) > 1e-9:
            wrong.append(f"{col}: {label(cur)} carried_over = {a:g} but {label(prev)} carried_forward = {b:g}")
            cells += [f"{cur.source}:table3.carried_over.{col}", f"{prev.source}:table3.carried_forward.{col}"]
    if wrong:
        return finding("x_carried", "fail", "; ".join(wrong), cells, [prev, cur])
    if checked:
        return finding("x_carried", "pass", f"{label(cur)} carries over what {label(prev)} carried forward",
                       [], [prev, cur])
    return None


def x_in_force(prev: Report, cur: Report) -> Optional[Finding]:
    """in_force(Y) = in_force(Y−1) + issued(Y) − repealed(Y), for regulations and normative documents."""
    wrong, cells = [], []
    checked = False
    for row in ("regulations", "normative_documents"):
        tp, tc = prev.tables.get("table2"), cur.tables.get("table2")
        if tp is None or tc is None or tp.template != "2021" or tc.template != "2021":
            continue
        pr, cr = tp.rows.get(row), tc.rows.get(row)
        if pr is None or cr is None:
            continue
        issued, repealed, in_force = (x.value for x in cr)
        before = pr[2].value
        if in_force is None or before is None:
            continue
        checked = True
        expected = before + (issued or 0) - (repealed or 0)
        if abs(expected - in_force) > 1e-9:
            wrong.append(f"{row}: {label(cur)} in_force = {in_force:g} but {label(prev)} in_force {before:g} "
                         f"+ issued {issued or 0:g} − repealed {repealed or 0:g} = {expected:g}")
            cells += [f"{cur.source}:table2.{row}.in_force", f"{prev.source}:table2.{row}.in_force",
                      f"{cur.source}:table2.{row}.issued", f"{cur.source}:table2.{row}.repealed"]
    if wrong:
        return finding("x_in_force", "fail", "; ".join(wrong), cells, [prev, cur])
    if checked:
        return finding("x_in_force", "pass", f"{label(cur)} in-force counts follow from {label(prev)}", [], [prev, cur])
    return None


def fingerprint_of_content(r: Report) -> str:
    saved = r.to_dict(provenance=False)
    body = {"tables": saved["tables"], "sections": saved["sections"]}
    return hashlib.sha1(json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def duplicates(reports: list[Report]) -> list[Finding]:
    """The same report twice (same content), or two different reports for one agency and year."""
    out = []
    content = {id(r): fingerprint_of_content(r) for r in reports}
    by_content = defaultdict(list)
    for r in reports:
        by_content[content[id(r)]].append(r)
    for same in by_content.values():
        if len(same) > 1:
            out.append(finding("duplicate_report", "notice",
                               "same tables and text: " + ", ".join(Path(r.source).name for r in same), [], same))
    for agency, group in group_by_agency(reports).items():
        by_year = defaultdict(list)
        for r in group:
            by_year[r.meta.year].append(r)
        for year, same in by_year.items():
            distinct = {content[id(r)] for r in same}
            if year is not None and len(distinct) > 1:
                out.append(finding("duplicate_report", "fail",
                                   f"{len(same)} different reports for {agency} {year}: "
                                   + ", ".join(Path(r.source).name for r in same), [], same))
    return out


def jumps(prev: Report, cur: Report) -> list[Finding]:
    out = []
    for name, read in KEY_FIGURES.items():
        a, b = read(prev), read(cur)
        if a is None or b is None or max(a, b) < JUMP_MIN:
            continue
        lo, hi = min(a, b), max(a, b)
        if lo == 0 or hi / lo >= JUMP_FACTOR:
            out.append(finding("yoy_jump", "notice", f"{name}: {a:g} in {prev.meta.year} → {b:g} in {cur.meta.year}",
                               [f"{prev.source}:{name}", f"{cur.source}:{name}"], [prev, cur]))
    return out


def peer_outliers(reports: list[Report]) -> list[Finding]:
    out = []
    peers = defaultdict(list)
    for r in reports:
        if r.meta.level and r.meta.year:
            peers[(r.meta.level, r.meta.year)].append(r)
    for (level, year), group in peers.items():
        for name, read in KEY_FIGURES.items():
            values = [(r, read(r)) for r in group]
            values = [(r, v) for r, v in values if v is not None]
            if len(values) < PEER_MIN:
                continue
            for r, v in values:
                others = [x for q, x in values if q is not r]
                median = statistics.median(others)
                if v >= PEER_FACTOR * max(median, 1) and v - median >= PEER_MIN_GAP:
                    out.append(finding("peer_outlier", "notice",
                                       f"{name} = {v:g} while the median of {len(others)} other {level} reports of "
                                       f"{year} is {median:g}", [f"{r.source}:{name}"], [r]))
    return out


def cross_check(reports: list[Report]) -> list[Finding]:
    findings = per_report_findings(reports)
    for agency, group in group_by_agency(reports).items():
        for prev, cur in consecutive_pairs(group):
            for check in (x_carried, x_in_force):
                f = check(prev, cur)
                if f is not None:
                    findings.append(f)
            findings += jumps(prev, cur)
    findings += duplicates(reports)
    findings += peer_outliers(reports)
    return findings


# --- review decisions ----------------------------------------------------------------------

DECISIONS = ("confirmed", "dismissed")


def read_review(path) -> dict[str, dict]:
    path = Path(path)
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        import yaml

        data = yaml.safe_load(text) or {}
    else:
        data = json.loads(text or "{}")
    return {str(k): v for k, v in data.items()}


def write_review(path, review: dict[str, dict]) -> None:
    path = Path(path)
    if path.suffix in (".yaml", ".yml"):
        import yaml

        text = yaml.safe_dump(review, allow_unicode=True, sort_keys=True)
    else:
        text = json.dumps(review, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def apply_review(findings: list[Finding], review: dict[str, dict]) -> None:
    for f in findings:
        entry = review.get(f.fingerprint)
        if entry:
            f.decision, f.note = entry.get("decision"), entry.get("note")
