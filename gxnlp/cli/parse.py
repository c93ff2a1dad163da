"""`gxnlp parse`: a summary, or the spec's JSON per report."""
from __future__ import annotations

import json
import sys

import click

from gxnlp.cli.common import each_report
from gxnlp.settings import ParseSettings


@click.command("parse")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("--jsonl", is_flag=True, help="One JSON object per report (the spec's keys).")
@click.option("--no-provenance", is_flag=True, help="Leave out raw cell text and locations.")
@click.option("--explain", is_flag=True, help="Show which label anchored each table row.")
@click.option("--no-tags", is_flag=True, help="Skip sentence tagging (faster; the sentence model is never loaded).")
@click.option("--debug", is_flag=True, help="Print tracebacks of internal errors.")
def parse_command(inputs, jsonl, no_provenance, explain, no_tags, debug):
    """Parse report files (txt, docx, html, pdf; folders are searched)."""
    settings = ParseSettings(tag_sentences=not no_tags)
    failures = 0
    for path, report, error in each_report(inputs, settings, debug):
        if error:
            failures += 1
            click.echo(error, err=True)
            continue
        if jsonl:
            click.echo(json.dumps(report.to_dict(provenance=not no_provenance), ensure_ascii=False))
        else:
            click.echo(summary(report, explain))
    sys.exit(1 if failures else 0)


def table_state(name: str, table) -> str:
    """"table3 ok" only when every row was read; else how many rows were, e.g. "table3 23/26 rows"."""
    if table is None:
        return f"{name} absent"
    rows = [cells for key, cells in table.rows.items()
            if not (name == "table3" and key in expected_blank_rows(table))]
    read = sum(1 for cells in rows if cells is not None and any(c.value is not None for c in cells))
    empty = sum(1 for cells in rows if cells is not None and cells and all(c.value is None and not c.raw.strip()
                                                                           for c in cells))
    if read + empty == len(rows):
        return f"{name} ok"
    return f"{name} {read}/{len(rows)} rows"


def expected_blank_rows(table) -> set:
    """table3 prints either （六）其他处理 as one row (2019) or its three sub-rows (2021), never both."""
    if table.rows.get("other_processing") is not None:
        return {"other_no_correction", "other_no_fee", "other_other"}
    return {"other_processing"}


def summary(report, explain: bool = False) -> str:
    m = report.meta
    failing = [c for c in report.checks if c.status == "fail"]
    lines = [f"{report.source}  [{report.format}]",
             f"  agency: {m.agency or '?'}   year: {m.year or '?'}   level: {m.level or '?'}"]
    present = [k for k, s in report.sections.items() if s is not None]
    lines.append(f"  sections: {len(present)}/6" + (f" (missing {', '.join(k for k in report.sections if k not in present)})"
                                                     if len(present) < 6 else ""))
    lines.append("  tables: " + ", ".join(table_state(k, t) for k, t in report.tables.items()))
    if failing:
        for c in failing:
            lines.append(f"  FAIL {c.id}: {c.detail}")
    else:
        lines.append("  checks: no failures (" + ", ".join(f"{c.id} {c.status}" for c in report.checks) + ")")
    bad_claims = [c for c in report.claims if c.status == "inconsistent"]
    for c in bad_claims:
        lines.append(f"  CLAIM «{c.text}» {c.value:g} vs table {c.table_value:g} ({', '.join(c.cells)})")
    for w in report.warnings:
        lines.append(f"  warning: {w}")
    if explain:
        for name, table in report.tables.items():
            if table is None:
                continue
            for key, label in table.anchors.items():
                lines.append(f"  {name}.{key} ← «{label}»")
    return "\n".join(lines)
