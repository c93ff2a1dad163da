"""Command line: a thin layer over the library (pdfplumber's cli.py idea).

Every input ends in the output or as one line on stderr; a bad file never stops
the run and never prints a traceback (unless --debug).
"""
from __future__ import annotations

import json
import sys
import traceback

import click

from .errors import GxnlpError
from .export import report_to_dict
from .pipeline import expand_paths, parse
from .settings import ParseSettings


def fail_line(path, error: BaseException, debug: bool) -> str:
    if isinstance(error, GxnlpError):
        return f"gxnlp: {error}"
    if debug:
        traceback.print_exception(error)
    return f"gxnlp: {path}: internal error ({error.__class__.__name__}: {error}); please report it"


def each_report(inputs, settings, debug):
    """Yield (path, report, error_line) for every input file."""
    for path in expand_paths(inputs):
        try:
            yield path, parse(path, settings), None
        except KeyboardInterrupt:
            raise
        except Exception as e:  # a bug must not stop the batch either
            yield path, None, fail_line(path, e, debug)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gxnlp")
def main():
    """gxnlp: government information-disclosure annual reports → research-grade data."""


@main.command("parse")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("--jsonl", is_flag=True, help="One JSON object per report (the spec's keys).")
@click.option("--no-provenance", is_flag=True, help="Leave out raw cell text and locations.")
@click.option("--explain", is_flag=True, help="Show which label anchored each table row.")
@click.option("--debug", is_flag=True, help="Print tracebacks of internal errors.")
def parse_command(inputs, jsonl, no_provenance, explain, debug):
    """Parse report files (txt, docx, html, pdf; folders are searched)."""
    settings = ParseSettings()
    failures = 0
    for path, report, error in each_report(inputs, settings, debug):
        if error:
            failures += 1
            click.echo(error, err=True)
            continue
        if jsonl:
            click.echo(json.dumps(report_to_dict(report, provenance=not no_provenance), ensure_ascii=False))
        else:
            click.echo(summary(report, explain))
    sys.exit(1 if failures else 0)


def summary(report, explain: bool = False) -> str:
    m = report.meta
    failing = [c for c in report.checks if c.status == "fail"]
    lines = [f"{report.source}  [{report.format}]",
             f"  agency: {m.agency or '?'}   year: {m.year or '?'}   level: {m.level or '?'}"]
    present = [k for k, s in report.sections.items() if s is not None]
    lines.append(f"  sections: {len(present)}/6" + (f" (missing {', '.join(k for k in report.sections if k not in present)})"
                                                     if len(present) < 6 else ""))
    lines.append("  tables: " + ", ".join(f"{k} {'ok' if t is not None else 'absent'}" for k, t in report.tables.items()))
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


@main.command("check")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("--jsonl", is_flag=True, help="One JSON object per finding.")
@click.option("--review", "review_path", type=click.Path(), help="Review file (.json or .yaml) with decisions.")
@click.option("--all", "show_all", is_flag=True, help="Also list the cross-year checks that passed.")
@click.option("--debug", is_flag=True, help="Print tracebacks of internal errors.")
def check_command(inputs, jsonl, review_path, show_all, debug):
    """Check reports together: carried-over requests and in-force documents across years of one
    agency, duplicates, year-over-year jumps and peer outliers, plus every report's own failures."""
    from .crosscheck import apply_review, cross_check, read_review

    reports, failures = [], 0
    for path, report, error in each_report(inputs, ParseSettings(), debug):
        if error:
            failures += 1
            click.echo(error, err=True)
        else:
            reports.append(report)
    findings = cross_check(reports)
    if review_path:
        apply_review(findings, read_review(review_path))
    shown = [f for f in findings if show_all or f.status != "pass"]
    if jsonl:
        for f in shown:
            click.echo(json.dumps(f.to_dict(), ensure_ascii=False))
    else:
        click.echo(findings_table(shown, len(reports)))
    sys.exit(1 if failures else 0)


def findings_table(findings, n_reports: int) -> str:
    order = {"fail": 0, "notice": 1, "pass": 2}
    lines = [f"{n_reports} reports, {sum(f.status == 'fail' for f in findings)} failures, "
             f"{sum(f.status == 'notice' for f in findings)} notices"]
    lines.append(f"{'status':<7} {'check':<18} {'fingerprint':<12}  {'decision':<9} detail")
    for f in sorted(findings, key=lambda f: (order.get(f.status, 3), f.id, f.reports)):
        detail = f.detail if len(f.detail) <= 160 else f.detail[:157] + "…"
        lines.append(f"{f.status:<7} {f.id:<18} {f.fingerprint:<12}  {f.decision or '-':<9} {detail}")
    return "\n".join(lines)


@main.command("review")
@click.argument("review_path", type=click.Path())
@click.argument("fingerprint")
@click.argument("decision", type=click.Choice(["confirmed", "dismissed"]))
@click.option("--note", default="", help="Why.")
def review_command(review_path, fingerprint, decision, note):
    """Record a reviewer's decision on a finding (by its fingerprint) in REVIEW_PATH."""
    from .crosscheck import read_review, write_review

    review = read_review(review_path)
    review[fingerprint] = {"decision": decision, "note": note}
    write_review(review_path, review)
    click.echo(f"{fingerprint}: {decision}")


def register_commands():
    """Commands whose modules import heavy libraries only when they run."""
    from .batch import batch_command, find_command
    from .boilerplate import boilerplate_command
    from .htmlreport import report_command
    from .tag_cli import tag_command

    for command in (batch_command, find_command, boilerplate_command, report_command, tag_command):
        main.add_command(command)


register_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
