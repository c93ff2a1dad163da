"""The store: a batch's per-file results turned into Parquet tables and one DuckDB file.

Why tables and not the JSON: a corpus of 100k reports is queried by cell, check and agency
(`SELECT … WHERE t3_granted_total > …`), which JSON Lines cannot do fast. The tables are
always rebuilt from the per-file results (`results/<sha>.json`), so a crash while building
them loses nothing, and corrections are re-applied on every build. Schema: docs/STORE.md.
pyarrow and duckdb are imported inside functions so `gxnlp parse` starts fast.
"""
from __future__ import annotations

import fnmatch
import json
import os
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from gxnlp import rules
from gxnlp.parse.agencies import normalise_agency, parse_agency, parents_compatible

PARQUET_DIR = "parquet"
DUCKDB_FILE = "gxnlp.duckdb"
SPEC_CHECKS = ("t3_row_totals", "t3_results_total", "t3_balance", "t4_totals", "sections_complete",
               "tables_complete", "claims_vs_tables", "sums")
META_FIELDS = ("title", "agency", "year", "level")
ARITHMETIC = ("t3_row_totals", "t3_results_total", "t3_balance", "t4_totals")


# --- column layout -------------------------------------------------------------------------

def table2_fields() -> list[tuple[str, str]]:
    """(row, field) of both templates' table2; field "" for a single-number row."""
    spec = rules.load("table_rows")["table2"]
    out: list[tuple[str, str]] = []
    for template in ("rows_2021", "rows_2019"):
        for row, v in spec[template].items():
            for f in v["fields"]:
                if (row, f) not in out:
                    out.append((row, f))
    return out


def cell_columns() -> list[tuple[str, str, str, str]]:
    """(column name, table, row, column) of every wide cell column of `reports`."""
    cols = []
    for row, f in table2_fields():
        cols.append((f"t2_{row}" + (f"_{f}" if f else ""), "table2", row, f or "value"))
    for row in rules.TABLE3_ROWS:
        for col in rules.TABLE3_COLUMNS:
            cols.append((f"t3_{row}_{col}", "table3", row, col))
    for group in rules.TABLE4_GROUPS:
        for col in rules.TABLE4_COLUMNS:
            cols.append((f"t4_{group}_{col}", "table4", group, col))
    return cols


def cell_name(table: str, row: str, column: str) -> str:
    """The name checks and claims use: table3.granted.total, table2.penalty, table2.regulations.issued."""
    return f"{table}.{row}" if column == "value" else f"{table}.{row}.{column}"


def schemas() -> dict:
    import pyarrow as pa

    s, i, f, b = pa.string(), pa.int64(), pa.float64(), pa.bool_()
    ls = pa.list_(pa.string())
    reports = [("report_id", s), ("source", s), ("file_name", s), ("n_files", i), ("format", s), ("title", s),
               ("agency", s), ("agency_key", s), ("year", i), ("level", s), ("table2_template", s),
               ("n_sections", i), ("n_claims", i), ("n_inconsistent_claims", i), ("n_sums", i),
               ("n_sentences", i), ("n_warnings", i), ("failing_checks", ls), ("corrected", b)]
    reports += [(f"chk_{c}", s) for c in SPEC_CHECKS]
    reports += [(name, f) for name, *_ in cell_columns()]
    return {
        "files": pa.schema([("path", s), ("file_name", s), ("sha256", s), ("size", i), ("status", s),
                            ("duplicate_of", s), ("report_id", s)]),
        "reports": pa.schema(reports),
        "sections": pa.schema([("report_id", s), ("section", s), ("heading", s), ("line", i), ("text", s)]),
        "cells": pa.schema([("report_id", s), ("table", s), ("row", s), ("column", s), ("cell", s), ("value", f),
                            ("raw", s), ("page", i), ("line", i), ("corrected", b)]),
        "checks": pa.schema([("report_id", s), ("check_id", s), ("status", s), ("detail", s), ("cells", ls),
                             ("recomputed", b)]),
        "claims": pa.schema([("report_id", s), ("claim_no", i), ("text", s), ("metric", s), ("value", f),
                             ("unit", s), ("approx", b), ("qualifier", s), ("section", s), ("span_start", i),
                             ("span_end", i), ("table_value", f), ("status", s), ("cells", ls)]),
        "sums": pa.schema([("report_id", s), ("sum_no", i), ("total", f), ("parts", pa.list_(f)), ("status", s),
                           ("text", s)]),
        "sentences": pa.schema([("report_id", s), ("sentence_no", i), ("section", s), ("start", i), ("end", i),
                                ("text", s), ("labels", ls)]),
        "saved": pa.schema([("report_id", s), ("saved", s)]),  # each report's saved form (Report.to_dict), as JSON
        "errors": pa.schema([("path", s), ("sha256", s), ("kind", s), ("reason", s), ("duplicate_of", s)]),
        "corrections": pa.schema([("correction_no", i), ("selector", s), ("report_id", s), ("source", s),
                                  ("field", s), ("old_value", s), ("new_value", s), ("note", s), ("status", s)]),
        "agencies": pa.schema([("agency_id", s), ("agency_key", s), ("names", ls), ("n_reports", i),
                               ("years", pa.list_(i)), ("first_year", i), ("last_year", i),
                               ("missing_years", pa.list_(i)), ("pairable", b), ("problem", s)]),
        "coverage": pa.schema([("agency_id", s), ("agency", s), ("year", i), ("status", s), ("within_span", b),
                               ("report_id", s), ("source", s)]),
    }


@contextmanager
def all_or_nothing(writers: dict):
    """Every writer's file appears (renamed from its temp name) or none does: Ctrl-C leaves no half table."""
    try:
        yield writers
        for w in writers.values():
            w.close()
    except BaseException:
        for w in writers.values():
            w.abort()
        raise


class TableWriter:
    """Rows buffered by column and written as Parquet row groups to a temp file, renamed at the end."""

    def __init__(self, path: Path, schema, batch_rows: int = 200_000):
        self.path, self.schema, self.batch_rows = path, schema, batch_rows
        self.names = schema.names
        self.columns: dict[str, list] = {n: [] for n in self.names}
        self.rows = 0
        self.tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
        self.writer = None

    def add(self, row: dict) -> None:
        for n in self.names:
            self.columns[n].append(row.get(n))
        self.rows += 1
        if self.rows >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.writer is None:
            self.writer = pq.ParquetWriter(self.tmp, self.schema, compression="zstd")
        if self.rows:
            self.writer.write_table(pa.table(self.columns, schema=self.schema))
        self.columns = {n: [] for n in self.names}
        self.rows = 0

    def close(self) -> None:
        self.flush()
        self.writer.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.tmp.exists():
            self.tmp.unlink()


# --- corrections -------------------------------------------------------------------------

@dataclass
class Correction:
    no: int
    selector: str
    sha: Optional[str]
    file: Optional[str]
    values: dict
    note: str = ""
    matched: bool = False


def load_corrections(path) -> list[Correction]:
    """Read a corrections YAML: a list of {sha256|source_hash|sha|file, set: {field: value}, note}."""
    import yaml

    from gxnlp.errors import GxnlpError

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as e:
        raise GxnlpError(path, f"cannot read corrections: {e}") from e
    if not isinstance(data, list):
        raise GxnlpError(path, "corrections must be a YAML list of entries")
    out = []
    for n, entry in enumerate(data, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("set"), dict):
            raise GxnlpError(path, f"entry {n}: needs a `set:` mapping")
        sha = next((str(entry[k]).lower() for k in ("sha256", "source_hash", "sha") if entry.get(k)), None)
        file = entry.get("file")
        if not sha and not file:
            raise GxnlpError(path, f"entry {n}: needs `sha256:` (or source_hash/sha) or `file:`")
        if sha and len(sha) < 8:
            raise GxnlpError(path, f"entry {n}: a sha prefix needs at least 8 characters")
        selector = f"sha256={sha}" if sha else f"file={file}"
        out.append(Correction(n, selector, sha, str(file) if file else None, dict(entry["set"]),
                              str(entry.get("note") or "")))
    return out


def correction_matches(c: Correction, report_id: str, paths: list[str]) -> bool:
    if c.sha:
        return report_id.startswith(c.sha)
    for p in paths:
        if c.file in (p, os.path.basename(p)) or os.path.abspath(c.file) == p:
            return True
        if fnmatch.fnmatch(p, c.file) or fnmatch.fnmatch(os.path.basename(p), c.file):
            return True
    return False


def cell_ref(field_name: str) -> Optional[tuple[str, str, Optional[int], Optional[str]]]:
    """'table3.granted.total' → ('table3', 'granted', 6, None); table2 → (…, None, field)."""
    parts = field_name.split(".")
    if len(parts) < 2 or parts[0] not in ("table2", "table3", "table4"):
        return None
    table, row = parts[0], parts[1]
    col = parts[2] if len(parts) > 2 else None
    if table == "table3":
        if row not in rules.TABLE3_ROWS or col not in rules.TABLE3_COLUMNS:
            return None
        return table, row, rules.TABLE3_COLUMNS.index(col), None
    if table == "table4":
        if row not in rules.TABLE4_GROUPS or col not in rules.TABLE4_COLUMNS:
            return None
        return table, row, rules.TABLE4_COLUMNS.index(col), None
    if (row, col or "") not in table2_fields():
        return None
    return table, row, None, col


def apply_corrections(d: dict, report_id: str, paths: list[str], corrections: list[Correction],
                      log: list[dict]) -> set[str]:
    """Apply matching corrections to a report dict in place; returns the corrected cell names."""
    changed: set[str] = set()
    for c in corrections:
        if not correction_matches(c, report_id, paths):
            continue
        c.matched = True
        for key, new in c.values.items():
            entry = {"correction_no": c.no, "selector": c.selector, "report_id": report_id, "source": d["source"],
                     "field": key, "new_value": json.dumps(new, ensure_ascii=False), "note": c.note}
            if key in META_FIELDS:
                old = d.get(key)
                d[key] = int(new) if key == "year" and new is not None else new
                log.append({**entry, "old_value": json.dumps(old, ensure_ascii=False), "status": "applied"})
                continue
            ref = cell_ref(key)
            table = d["tables"].get(ref[0]) if ref else None
            if ref is None:
                log.append({**entry, "old_value": None, "status": "unknown field"})
                continue
            if table is None:
                log.append({**entry, "old_value": None, "status": "table absent"})
                continue
            name, row, idx, f = ref
            new_value = None if new is None else float(new)
            if name == "table2":
                if table.get(row) is None:
                    log.append({**entry, "old_value": None, "status": "row absent"})
                    continue
                if f:
                    old = table[row].get(f)
                    table[row][f] = new_value
                    idx = list(table[row]).index(f)
                else:
                    old, table[row] = table[row], new_value
                    idx = 0
            else:
                if table.get(row) is None:
                    log.append({**entry, "old_value": None, "status": "row absent"})
                    continue
                old = table[row][idx]
                table[row][idx] = new_value
            saved_cells = saved_rows(d, name).get(row)
            if saved_cells is not None and idx < len(saved_cells):
                saved_cells[idx]["value"] = new_value  # the saved form keeps the corrected value with its raw text
            changed.add(key)
            log.append({**entry, "old_value": json.dumps(old), "status": "applied"})
    if changed:
        recompute_checks(d, changed)
    return changed


def table_objects(d: dict) -> dict:
    """Model Tables rebuilt from the JSON shape (values only), to re-run the arithmetic checks."""
    from gxnlp.model.core import Cell, Table

    out = {}
    for name in ("table3", "table4"):
        t = d["tables"].get(name)
        out[name] = None if t is None else Table(name, "", {k: None if v is None else [Cell(x, "") for x in v]
                                                            for k, v in t.items()})
    return out


def recompute_checks(d: dict, changed: set[str]) -> None:
    """After a correction, re-run the arithmetic checks and re-compare claims that read a changed cell."""
    from gxnlp.check import report as checks_module
    from gxnlp.check.claims import agrees, claim_checks
    from gxnlp.model.core import Breakdown, Claim

    tables = table_objects(d)
    fresh = {}
    for cid in ARITHMETIC:
        fn = getattr(checks_module, cid, None)
        if fn is not None:
            fresh[cid] = fn(tables["table4" if cid.startswith("t4") else "table3"])
    claims = []
    for c in d["claims"]:
        if set(c.get("cells") or []) & changed and c.get("table_value") is not None:
            values = [cell_value(d, name) for name in c["cells"]]
            if all(v is None for v in values):
                c["table_value"], c["status"] = None, "unverifiable"
            else:
                c["table_value"] = sum(v or 0 for v in values)
                claim = Claim(c["text"], c["metric"], c["value"], c["unit"], c["approx"], c["qualifier"],
                              c["section"], tuple(c["span"]))
                c["status"] = "consistent" if agrees(claim, c["table_value"]) else "inconsistent"
        claims.append(Claim(c["text"], c["metric"], c["value"], c["unit"], c["approx"], c["qualifier"], c["section"],
                            tuple(c["span"]), c["table_value"], c["status"], list(c.get("cells") or [])))
    sums = [Breakdown(s["total"], list(s["parts"]), s["status"], s["text"]) for s in d["sums"]]
    for check in claim_checks(claims, sums):
        if check.id == "claims_vs_tables":
            fresh[check.id] = check
    for c in d["checks"]:
        if c["id"] in fresh:
            new = fresh[c["id"]]
            c.update(status=new.status, detail=new.detail, cells=list(new.cells), recomputed=True)


def saved_rows(d: dict, table: str) -> dict:
    """row key → saved cells ({value, raw, loc}) of one table in a report's saved form."""
    saved = ((d.get("provenance") or {}).get("tables") or {}).get(table) or {}
    return saved.get("rows") or {}


def cell_value(d: dict, name: str) -> Optional[float]:
    ref = cell_ref(name)
    if ref is None:
        return None
    table = d["tables"].get(ref[0])
    if table is None or table.get(ref[1]) is None:
        return None
    if ref[0] == "table2":
        v = table[ref[1]]
        return v.get(ref[3]) if ref[3] else v
    return table[ref[1]][ref[2]]


# --- one report → rows ---------------------------------------------------------------------

def sentences_of(d: dict) -> list[tuple[str, int, int, str, list]]:
    """(section, start, end, text, labels): the report's own sentences if it has them, else split here."""
    sections = d.get("sections") or {}
    out = []
    if d.get("sentences"):
        cursor: dict[str, int] = defaultdict(int)
        for s in d["sentences"]:
            text, sec = s["text"], s["section"]
            body = sections.get(sec) or ""
            start = body.find(text, cursor[sec])
            if start < 0:
                start = body.find(text)
            end = start + len(text) if start >= 0 else -1
            if start >= 0:
                cursor[sec] = end
            out.append((sec, start, end, text, list(s.get("labels") or [])))
        return out
    split = splitter()
    for key, body in sections.items():
        if body:
            out.extend((key, a, b, text, []) for a, b, text in split(key, body))
    return out


def splitter() -> Callable[[str, str], list[tuple[int, int, str]]]:
    """gxnlp.sentences.split_sentences if present (headings dropped), else a plain 。！？； split."""
    try:
        from gxnlp.tag.sentences import split_sentences
    except ImportError:  # pragma: no cover - the module exists in this tree
        return regex_split

    def split(key: str, text: str):
        return [(s.span[0], s.span[1], s.text) for s in split_sentences(key, text) if not s.heading]

    return split


def regex_split(key: str, text: str) -> list[tuple[int, int, str]]:
    import re

    out = []
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if "\t" in line or not line.strip():
            continue
        for m in re.finditer(r"[^。！？；]+[。！？；]?", line):
            piece = m.group().strip()
            if len(piece) >= 2:
                a = start + m.start() + (len(m.group()) - len(m.group().lstrip()))
                out.append((a, a + len(piece), piece))
    return out


def report_rows(report_id: str, source: str, n_files: int, d: dict, changed: set[str]) -> dict[str, list[dict]]:
    """All rows one report contributes, by table."""
    tables = d.get("tables") or {}
    rows: dict[str, list[dict]] = defaultdict(list)
    wide: dict = {}
    for col_name, table, row, column in cell_columns():
        wide[col_name] = None
    for table_name in ("table2", "table3", "table4"):
        t = tables.get(table_name)
        if t is None:
            continue
        p = saved_rows(d, table_name)
        for row, values in t.items():
            if row == "format" or values is None:
                continue
            if table_name == "table2":
                if isinstance(values, dict):
                    pairs = list(values.items())
                else:
                    pairs = [("value", values)]
            else:
                columns = rules.TABLE3_COLUMNS if table_name == "table3" else rules.TABLE4_COLUMNS
                pairs = list(zip(columns, values))
            cell_prov = p.get(row) or []
            for i, (column, value) in enumerate(pairs):
                name = cell_name(table_name, row, column)
                loc = (cell_prov[i] if i < len(cell_prov) else None) or {}  # the saved cell: value, raw, loc
                rows["cells"].append({
                    "report_id": report_id, "table": table_name, "row": row, "column": column, "cell": name,
                    "value": None if value is None else float(value), "raw": loc.get("raw"),
                    "page": (loc.get("loc") or {}).get("page"), "line": (loc.get("loc") or {}).get("line"),
                    "corrected": name in changed})
                short = {"table2": "t2", "table3": "t3", "table4": "t4"}[table_name]
                wide_name = f"{short}_{row}" + ("" if column == "value" else f"_{column}")
                if wide_name in wide:
                    wide[wide_name] = None if value is None else float(value)
    statuses = {c["id"]: c["status"] for c in d.get("checks") or []}
    for c in d.get("checks") or []:
        rows["checks"].append({"report_id": report_id, "check_id": c["id"], "status": c["status"],
                               "detail": c.get("detail") or "", "cells": list(c.get("cells") or []),
                               "recomputed": bool(c.get("recomputed"))})
    for n, c in enumerate(d.get("claims") or []):
        span = c.get("span") or [None, None]
        rows["claims"].append({"report_id": report_id, "claim_no": n, "text": c["text"], "metric": c["metric"],
                               "value": c["value"], "unit": c.get("unit"), "approx": c.get("approx"),
                               "qualifier": c.get("qualifier"), "section": c.get("section"), "span_start": span[0],
                               "span_end": span[1], "table_value": c.get("table_value"), "status": c.get("status"),
                               "cells": list(c.get("cells") or [])})
    for n, s in enumerate(d.get("sums") or []):
        rows["sums"].append({"report_id": report_id, "sum_no": n, "total": s["total"],
                             "parts": [float(x) for x in s["parts"]], "status": s["status"], "text": s["text"]})
    sentences = sentences_of(d)
    for n, (sec, a, b, text, labels) in enumerate(sentences):
        rows["sentences"].append({"report_id": report_id, "sentence_no": n, "section": sec, "start": a, "end": b,
                                  "text": text, "labels": labels})
    heads = ((d.get("provenance") or {}).get("sections")) or {}
    for key, text in (d.get("sections") or {}).items():
        if text is not None:
            h = heads.get(key) or {}
            rows["sections"].append({"report_id": report_id, "section": key, "heading": h.get("heading"),
                                     "line": h.get("line"), "text": text})
    t2 = tables.get("table2") or {}
    claims = d.get("claims") or []
    rows["reports"].append({
        "report_id": report_id, "source": source, "file_name": os.path.basename(source), "n_files": n_files,
        "format": d.get("format"), "title": d.get("title"), "agency": d.get("agency"),
        "agency_key": normalise_agency(d.get("agency")) or None, "year": d.get("year"), "level": d.get("level"),
        "table2_template": t2.get("format") if t2 else None,
        "n_sections": sum(1 for v in (d.get("sections") or {}).values() if v is not None),
        "n_claims": len(claims), "n_inconsistent_claims": sum(1 for c in claims if c.get("status") == "inconsistent"),
        "n_sums": len(d.get("sums") or []), "n_sentences": len(sentences), "n_warnings": len(d.get("warnings") or []),
        "failing_checks": [c["id"] for c in d.get("checks") or [] if c["status"] == "fail"],
        "corrected": bool(changed), **{f"chk_{c}": statuses.get(c) for c in SPEC_CHECKS}, **wide})
    return rows


# --- coverage --------------------------------------------------------------------------------

@dataclass
class AgencyGroup:
    agency_id: str
    key: str
    names: Counter = field(default_factory=Counter)
    parents: list = field(default_factory=list)
    reports: list = field(default_factory=list)  # (year, report_id, source)
    problem: Optional[str] = None


def group_agencies(reports: list[tuple[str, str, Optional[str], Optional[int]]]) -> list[AgencyGroup]:
    """Group (report_id, source, agency, year) into agencies: same key, parents that do not conflict.

    A name that fits several groups (钟楼街道 when both 汝州市钟楼街道 and 常州市钟楼街道 exist)
    cannot be paired: it gets a group of its own with a problem note.
    """
    by_key: dict[str, list] = defaultdict(list)
    nameless = []
    for report_id, source, agency, year in reports:
        key = normalise_agency(agency)
        if key:
            by_key[key].append((report_id, source, agency, year))
        else:
            nameless.append((report_id, source, year))
    groups: list[AgencyGroup] = []
    for key in sorted(by_key):
        items = by_key[key]
        names = sorted({a for _, _, a, _ in items}, key=lambda n: (-len(parse_agency(n).parents), n))
        clusters: list[AgencyGroup] = []
        assignment: dict[str, AgencyGroup] = {}
        ambiguous: dict[str, list[AgencyGroup]] = {}
        for name in names:
            parsed = parse_agency(name)
            fits = [c for c in clusters if all(parents_compatible(parsed, p) for p in c.parents)]
            if not fits:
                g = AgencyGroup("", key, parents=[parsed])
                clusters.append(g)
                assignment[name] = g
            elif len(fits) == 1:
                fits[0].parents.append(parsed)
                assignment[name] = fits[0]
            else:
                ambiguous[name] = fits
        for g in clusters:
            qualifiers = [n for p in g.parents for _, n in p.parents]
            g.agency_id = key if len(clusters) == 1 else f"{key}@{Counter(qualifiers).most_common(1)[0][0]}" \
                if qualifiers else f"{key}@?"
        for name, fits in ambiguous.items():
            g = AgencyGroup(f"{key}@?{name}", key, parents=[parse_agency(name)],
                            problem="name fits several agencies: " + ", ".join(f.agency_id for f in fits))
            clusters.append(g)
            assignment[name] = g
        for report_id, source, agency, year in items:
            g = assignment[agency]
            g.names[agency] += 1
            g.reports.append((year, report_id, source))
        groups.extend(clusters)
    for report_id, source, year in nameless:
        groups.append(AgencyGroup(f"?{Path(source).stem}", "", reports=[(year, report_id, source)],
                                  problem="no agency name found"))
    return groups


def coverage_rows(groups: list[AgencyGroup]) -> tuple[list[dict], list[dict]]:
    """Rows of `agencies` and `coverage`: agency × year over the corpus's span of years."""
    years_all = [y for g in groups for y, _, _ in g.reports if y is not None]
    span = range(min(years_all), max(years_all) + 1) if years_all else range(0)
    agencies, coverage = [], []
    for g in sorted(groups, key=lambda g: g.agency_id):
        years = sorted({y for y, _, _ in g.reports if y is not None})
        name = g.names.most_common(1)[0][0] if g.names else None
        missing = [y for y in span if y not in years]
        counts = Counter(y for y, _, _ in g.reports)
        problem = g.problem
        if problem is None and len(years) < 2:
            problem = "one year only" if years else "no year found"
        if problem is None and any(n > 1 for n in counts.values()):
            problem = "several reports for one year: " + ", ".join(str(y) for y, n in sorted(
                counts.items(), key=lambda x: (x[0] is None, x[0] or 0)) if n > 1)
        pairable = len(years) >= 2 and not (g.problem or "").startswith(("name fits", "no agency"))
        agencies.append({"agency_id": g.agency_id, "agency_key": g.key or None,
                         "names": sorted(g.names), "n_reports": len(g.reports), "years": years,
                         "first_year": years[0] if years else None, "last_year": years[-1] if years else None,
                         "missing_years": missing, "pairable": pairable, "problem": problem})
        seen = Counter()
        for year, report_id, source in sorted(g.reports, key=lambda r: (r[0] is None, r[0] or 0, r[2])):
            seen[year] += 1
            status = "no_year" if year is None else ("present" if seen[year] == 1 else "extra")
            coverage.append({"agency_id": g.agency_id, "agency": name, "year": year, "status": status,
                             "within_span": bool(years) and year is not None and years[0] <= year <= years[-1],
                             "report_id": report_id, "source": source})
        for y in missing:
            coverage.append({"agency_id": g.agency_id, "agency": name, "year": y, "status": "missing",
                             "within_span": bool(years) and years[0] <= y <= years[-1],
                             "report_id": None, "source": None})
    coverage.sort(key=lambda r: (r["agency_id"], r["year"] is None, r["year"] or 0, r["status"] != "present",
                                 r["source"] or ""))
    return agencies, coverage


# --- building the store ----------------------------------------------------------------------

@dataclass
class FileRecord:
    """One input path's latest outcome (from the batch journal)."""

    path: str
    sha256: Optional[str]
    size: Optional[int]
    status: str  # done | error
    kind: Optional[str] = None  # for errors: load | unreadable | internal | timeout
    reason: Optional[str] = None


def build_store(out_dir, files: list[FileRecord], load_result: Callable[[str], Optional[dict]],
                corrections: Optional[list[Correction]] = None) -> dict:
    """(Re)write every Parquet table and the DuckDB file from the file records and their results.

    `load_result(sha)` returns the stored result ({"report": …} or {"error": …}) or None.
    Returns counts for the summary line.
    """
    out = Path(out_dir)
    pq_dir = out / PARQUET_DIR
    pq_dir.mkdir(parents=True, exist_ok=True)
    sch = schemas()
    writers = {name: TableWriter(pq_dir / f"{name}.parquet", schema) for name, schema in sch.items()}
    corrections = corrections or []
    for c in corrections:
        c.matched = False
    correction_log: list[dict] = []
    with all_or_nothing(writers):
        counts = write_rows(files, load_result, corrections, correction_log, writers)
        for c in corrections:
            if not c.matched:
                correction_log.append({"correction_no": c.no, "selector": c.selector, "report_id": None,
                                       "source": None, "field": ", ".join(map(str, c.values)), "old_value": None,
                                       "new_value": None, "note": c.note, "status": "no match"})
        for row in sorted(correction_log, key=lambda r: (r["correction_no"], r["source"] or "", r["field"])):
            writers["corrections"].add(row)
    build_duckdb(out)
    counts["corrections"] = sum(1 for r in correction_log if r["status"] == "applied")
    counts["corrections_unmatched"] = sum(1 for r in correction_log if r["status"] != "applied")
    return counts


def write_rows(files, load_result, corrections, correction_log, writers) -> dict:
    by_sha: dict[tuple[str, str], list[FileRecord]] = defaultdict(list)  # (sha, status) → records
    for f in files:
        if f.sha256:
            by_sha[(f.sha256, f.status)].append(f)
    counts = Counter()
    meta = []  # (report_id, source, agency, year) for coverage
    errors = []
    for f in sorted(files, key=lambda f: f.path):
        # the first path (sorted) with the same bytes and the same outcome holds the report
        same = sorted(by_sha.get((f.sha256, f.status), []) if f.sha256 else [f], key=lambda x: x.path)
        first = same[0]
        duplicate_of = first.path if first.path != f.path else None
        result = load_result(f.sha256) if f.status == "done" and f.sha256 else None
        if f.status == "done" and result is None:
            f = FileRecord(f.path, f.sha256, f.size, "error", "internal", "result file missing; rerun the batch")
        if result is not None and "error" in result:
            f = FileRecord(f.path, f.sha256, f.size, "error", result["error"].get("kind", "load"),
                           result["error"]["reason"])
        if f.status == "error":
            errors.append({"path": f.path, "sha256": f.sha256, "kind": f.kind, "reason": f.reason,
                           "duplicate_of": duplicate_of})
            writers["files"].add({"path": f.path, "file_name": os.path.basename(f.path), "sha256": f.sha256,
                                  "size": f.size, "status": "error", "duplicate_of": duplicate_of,
                                  "report_id": None})
            counts["errors"] += 1
            continue
        writers["files"].add({"path": f.path, "file_name": os.path.basename(f.path), "sha256": f.sha256,
                              "size": f.size, "status": "duplicate" if duplicate_of else "ok",
                              "duplicate_of": duplicate_of, "report_id": f.sha256})
        if duplicate_of:
            counts["duplicates"] += 1
            continue
        d = result["report"]
        d["source"] = f.path
        paths = [x.path for x in same]
        changed = apply_corrections(d, f.sha256, paths, corrections, correction_log)
        writers["saved"].add({"report_id": f.sha256, "saved": json.dumps(d, ensure_ascii=False)})
        for table, rows in report_rows(f.sha256, f.path, len(same), d, changed).items():
            w = writers[table]
            for row in rows:
                w.add(row)
        meta.append((f.sha256, f.path, d.get("agency"), d.get("year")))
        counts["reports"] += 1
    for row in errors:
        writers["errors"].add(row)
    agencies, coverage = coverage_rows(group_agencies(meta))
    for row in agencies:
        writers["agencies"].add(row)
    for row in coverage:
        writers["coverage"].add(row)
    counts["agencies"] = len(agencies)
    counts["unpairable"] = sum(1 for a in agencies if not a["pairable"])
    counts["missing"] = sum(1 for c in coverage if c["status"] == "missing" and c["within_span"])
    return dict(counts)


VIEWS = {
    "failing_checks": """
        SELECT c.report_id, r.source, r.agency, r.year, c.check_id, c.detail, c.cells
        FROM checks c JOIN reports r USING (report_id) WHERE c.status = 'fail'""",
    "inconsistent_claims": """
        SELECT c.report_id, r.source, r.agency, r.year, c.text, c.metric, c.value, c.table_value, c.cells
        FROM claims c JOIN reports r USING (report_id) WHERE c.status = 'inconsistent'""",
    "missing_reports": """
        SELECT agency_id, agency, year FROM coverage WHERE status = 'missing' AND within_span""",
    "unpairable_agencies": """
        SELECT agency_id, names, years, problem FROM agencies WHERE NOT pairable""",
    "duplicates": """
        SELECT path, duplicate_of, sha256, status FROM files WHERE duplicate_of IS NOT NULL""",
    "report_agency": """
        SELECT report_id, agency_id FROM coverage WHERE report_id IS NOT NULL""",
    "check_summary": """
        SELECT check_id, count(*) FILTER (WHERE status = 'pass') AS pass,
               count(*) FILTER (WHERE status = 'fail') AS fail,
               count(*) FILTER (WHERE status = 'unverifiable') AS unverifiable
        FROM checks GROUP BY check_id ORDER BY check_id""",
}


def sql_string(value) -> str:
    """A SQL string literal (views cannot take prepared parameters)."""
    return "'" + str(value).replace("'", "''") + "'"


def build_duckdb(out_dir) -> Path:
    """OUT_DIR/gxnlp.duckdb: every Parquet table copied in, plus the views; replaced atomically."""
    import duckdb

    out = Path(out_dir)
    target = out / DUCKDB_FILE
    tmp = out / f"{DUCKDB_FILE}.tmp-{os.getpid()}"
    for p in (tmp, Path(f"{tmp}.wal")):
        if p.exists():
            p.unlink()
    con = duckdb.connect(str(tmp))
    try:
        for name in schemas():
            path = out / PARQUET_DIR / f"{name}.parquet"
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet(?)", [str(path)])
        bp = out / "boilerplate"
        if bp.is_dir():
            for p in sorted(bp.glob("*.parquet")):
                con.execute(f"CREATE VIEW {p.stem} AS SELECT * FROM read_parquet({sql_string(p.resolve())})")
        for name, sql in VIEWS.items():
            con.execute(f"CREATE VIEW {name} AS {sql}")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, target)
    return target


# --- reading a store -------------------------------------------------------------------------

def read_table(out_dir, name: str, columns: Optional[list[str]] = None):
    """A store table as a pandas DataFrame."""
    import pyarrow.parquet as pq

    return pq.read_table(Path(out_dir) / PARQUET_DIR / f"{name}.parquet", columns=columns).to_pandas()


def read_reports(out_dir, ids: Optional[Iterable[str]] = None) -> Iterator[tuple[str, object]]:
    """(report id, Report) for every report of a store (or those named), corrections applied.

    The one way back from a store to the data model: pages, boilerplate and look-ups read
    reports here, through `Report.from_dict`, never by reassembling rows.
    """
    import pyarrow.parquet as pq

    from gxnlp.model import Report

    wanted = None if ids is None else set(ids)
    pf = pq.ParquetFile(Path(out_dir) / PARQUET_DIR / "saved.parquet")
    for batch in pf.iter_batches(batch_size=512):
        for rid, text in zip(batch.column("report_id").to_pylist(), batch.column("saved").to_pylist()):
            if wanted is None or rid in wanted:
                yield rid, Report.from_dict(json.loads(text))


def has_reports(out_dir) -> bool:
    import pyarrow.parquet as pq

    return pq.ParquetFile(Path(out_dir) / PARQUET_DIR / "saved.parquet").metadata.num_rows > 0


def is_store(path) -> bool:
    """A `gxnlp batch` OUT_DIR, as opposed to a folder of report files."""
    return (Path(path) / PARQUET_DIR / "saved.parquet").is_file()


def read_errors(out_dir) -> list[tuple[str, str]]:
    """(path, "kind: reason") for every input of a store that did not become a report."""
    return [(e.path, f"{e.kind}: {e.reason}") for e in read_table(out_dir, "errors").itertuples(index=False)]


def read_boilerplate(out_dir):
    """The boilerplate tables of a store, or None when `gxnlp boilerplate` has not been run."""
    import pandas as pd

    folder = Path(out_dir) / "boilerplate"
    clusters, reps = folder / "boilerplate_clusters.parquet", folder / "boilerplate_reports.parquet"
    if not clusters.is_file():
        return None
    return {"clusters": pd.read_parquet(clusters), "reports": pd.read_parquet(reps) if reps.is_file() else None}


# --- command line ------------------------------------------------------------------------------


def find_reports(out_dir, agency: Optional[str] = None, year: Optional[int] = None,
                 sha: Optional[str] = None, file: Optional[str] = None):
    """Reports of a store matching an agency (substring of the name or its key, or the same body),
    a year, a sha prefix or a file-name pattern."""
    from gxnlp.parse.agencies import same_agency

    cols = ["report_id", "source", "agency", "agency_key", "year", "level", "format", "failing_checks",
            "n_inconsistent_claims", "corrected"]
    df = read_table(out_dir, "reports", cols)
    if year is not None:
        df = df[df["year"] == year]
    if sha:
        df = df[df["report_id"].str.startswith(sha.lower())]
    if file:
        df = df[df["source"].map(lambda s: fnmatch.fnmatch(s, file) or fnmatch.fnmatch(os.path.basename(s), file)
                                 or file in s)]
    if agency:
        key = normalise_agency(agency)

        def hit(row) -> bool:
            name = row["agency"] or ""
            return (agency in name or (key and key in (row["agency_key"] or ""))
                    or same_agency(agency, name))

        df = df[df.apply(hit, axis=1)] if len(df) else df
    return df.sort_values(["agency_key", "year", "source"], na_position="last").reset_index(drop=True)


def iter_jsonl(path) -> Iterable[dict]:
    """Lines of a JSON Lines file; a torn last line (kill -9 while appending) is skipped."""
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    continue
    except FileNotFoundError:
        return
