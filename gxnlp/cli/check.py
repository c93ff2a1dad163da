"""`gxnlp check` and `gxnlp review`: findings across reports, and a reviewer's decisions."""
from __future__ import annotations

import json
import sys

import click

from gxnlp.cli.common import each_report
from gxnlp.settings import ParseSettings


@click.command("check")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("--jsonl", is_flag=True, help="One JSON object per finding.")
@click.option("--review", "review_path", type=click.Path(), help="Review file (.json or .yaml) with decisions.")
@click.option("--all", "show_all", is_flag=True, help="Also list the cross-year checks that passed.")
@click.option("--debug", is_flag=True, help="Print tracebacks of internal errors.")
def check_command(inputs, jsonl, review_path, show_all, debug):
    """Check reports together: carried-over requests and in-force documents across years of one
    agency, duplicates, year-over-year jumps and peer outliers, plus every report's own failures."""
    from gxnlp.check.across import apply_review, cross_check, read_review

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


@click.command("review")
@click.argument("review_path", type=click.Path())
@click.argument("fingerprint")
@click.argument("decision", type=click.Choice(["confirmed", "dismissed"]))
@click.option("--note", default="", help="Why.")
def review_command(review_path, fingerprint, decision, note):
    """Record a reviewer's decision on a finding (by its fingerprint) in REVIEW_PATH."""
    from gxnlp.check.across import read_review, write_review

    review = read_review(review_path)
    review[fingerprint] = {"decision": decision, "note": note}
    write_review(review_path, review)
    click.echo(f"{fingerprint}: {decision}")
