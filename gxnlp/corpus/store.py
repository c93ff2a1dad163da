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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from gxnlp import rules
from gxnlp.parse.agencies import normalise_agency

from gxnlp.corpus.corrections import Correction, apply_corrections, saved_rows  # noqa: E402
from gxnlp.corpus.coverage import coverage_rows, group_agencies  # noqa: E402
from gxnlp.corpus.layout import (DUCKDB_FILE, PARQUET_DIR, SPEC_CHECKS, cell_columns, cell_name,  # noqa: E402
                                 schemas)


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


# --- one report → rows ---------------------------------------------------------------------

def sentences_of(d: dict) -> list[tuple[str, int, int, str, list]]:
    """(section, start, end, text, labels): the report's own sentences if it has them, else split here.

    The saved form keeps each sentence's span; a saved form without spans (older results) is
    located by searching its section text in order."""
    sections = d.get("sections") or {}
    out = []
    if d.get("sentences"):
        cursor: dict[str, int] = defaultdict(int)
        for s in d["sentences"]:
            text, sec = s["text"], s["section"]
            if s.get("span"):
                start, end = s["span"]
            else:
                body = sections.get(sec) or ""
                start = body.find(text, cursor[sec])
                if start < 0:
                    start = body.find(text)
                end = start + len(text) if start >= 0 else -1
                if start >= 0:
                    cursor[sec] = end
            out.append((sec, start, end, text, list(s.get("labels") or [])))
        return out
    from gxnlp.tag.sentences import split_sentences

    for key, body in sections.items():
        if body:
            out.extend((key, x.span[0], x.span[1], x.text, []) for x in split_sentences(key, body) if not x.heading)
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
            # a path relative to the store, so a moved or copied store keeps working; DuckDB resolves
            # it against file_search_path (set by connect_store) or the working directory
            con.execute(f"SET file_search_path = {sql_string(out.resolve())}")
            for p in sorted(bp.glob("*.parquet")):
                rel = p.relative_to(out).as_posix()
                con.execute(f"CREATE VIEW {p.stem} AS SELECT * FROM read_parquet({sql_string(rel)})")
        for name, sql in VIEWS.items():
            con.execute(f"CREATE VIEW {name} AS {sql}")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, target)
    return target


# --- reading a store -------------------------------------------------------------------------

def connect_store(out_dir, read_only: bool = True):
    """A DuckDB connection to OUT_DIR/gxnlp.duckdb whose relative paths (the boilerplate views)
    resolve inside the store, wherever it has been moved and whatever the working directory."""
    import duckdb

    out = Path(out_dir)
    con = duckdb.connect(str(out / DUCKDB_FILE), read_only=read_only)
    con.execute(f"SET file_search_path = {sql_string(out.resolve())}")
    return con


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

        def hit(row) -> bool:  # a report with no agency holds null (NaN in pandas), not ""
            name = row["agency"] if isinstance(row["agency"], str) else ""
            agency_key = row["agency_key"] if isinstance(row["agency_key"], str) else ""
            return bool(name) and (agency in name or bool(key and key in agency_key) or same_agency(agency, name))

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
