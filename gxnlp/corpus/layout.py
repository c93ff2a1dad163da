"""The store's row layout: file names, the cell columns and the Parquet schemas, in one place."""
from __future__ import annotations

from gxnlp import rules

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
