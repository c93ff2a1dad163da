"""`gxnlp check` and `gxnlp review`: findings across reports, and a reviewer's decisions."""
from __future__ import annotations

import json
import re
import sys

import click

from gxnlp.cli.common import each_report
from gxnlp.settings import ParseSettings


@click.command("check")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("--jsonl", is_flag=True, help="One JSON object per finding.")
@click.option("--review", "review_path", type=click.Path(), help="Review file (.json or .yaml) with decisions.")
@click.option("--all", "show_all", is_flag=True, help="Also list the cross-year checks that passed.")
@click.option("--gate", is_flag=True,
              help="A verdict per report (pass / needs-review / fail), blocking findings first.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when checks fail (like a linter's --exit-zero).")
@click.option("--debug", is_flag=True, help="Print tracebacks of internal errors.")
def check_command(inputs, jsonl, review_path, show_all, gate, exit_zero, debug):
    """Check reports together: carried-over requests and in-force documents across years of one
    agency, duplicates, year-over-year jumps and peer outliers, plus every report's own failures
    and notices. Each finding names its report (agency, year, file).

    Exit status: 0 nothing failed; 1 a check failed (with --gate: a report's verdict is fail) or
    a file could not be read; --exit-zero gives 0 unless a file could not be read."""
    from gxnlp.check.across import apply_review, cross_check, read_review

    reports, failures = [], 0
    for path, report, error in each_report(inputs, ParseSettings(), debug):
        if error:
            failures += 1
            click.echo(error, err=True)
        else:
            reports.append(report)
    if gate:
        failed = gate_output(reports, jsonl)
        sys.exit(1 if failures or (failed and not exit_zero) else 0)
    findings = cross_check(reports)
    if review_path:
        apply_review(findings, read_review(review_path))
    shown = [f for f in findings if show_all or f.status != "pass"]
    names = {r.source: report_name(r) for r in reports}
    if jsonl:
        for f in shown:
            click.echo(json.dumps({**f.to_dict(), "report": [names.get(s, {"file": s}) for s in f.reports]},
                                  ensure_ascii=False))
    else:
        click.echo(findings_table(shown, len(reports), names))
    failed = any(f.status == "fail" and f.decision != "dismissed" for f in findings)
    sys.exit(1 if failures or (failed and not exit_zero) else 0)


def report_name(report) -> dict:
    from pathlib import Path

    return {"agency": report.meta.agency, "year": report.meta.year, "file": Path(report.source).name}


def name_text(name: dict) -> str:
    return f"{name.get('agency') or '?'} {name.get('year') or '?'} {name.get('file')}"


def findings_table(findings, n_reports: int, names: dict | None = None) -> str:
    names = names or {}
    order = {"fail": 0, "notice": 1, "pass": 2}
    lines = [f"{n_reports} reports, {sum(f.status == 'fail' for f in findings)} failures, "
             f"{sum(f.status == 'notice' for f in findings)} notices"]
    lines.append(f"{'status':<7} {'check':<20} {'fingerprint':<12}  {'decision':<9} {'report':<40} detail")
    for f in sorted(findings, key=lambda f: (order.get(f.status, 3), f.id, f.reports)):
        detail = f.detail if len(f.detail) <= 160 else f.detail[:157] + "…"
        who = "; ".join(name_text(names.get(s, {"file": s})) for s in f.reports)
        lines.append(f"{f.status:<7} {f.id:<20} {f.fingerprint:<12}  {f.decision or '-':<9} {who:<40} {detail}")
    return "\n".join(lines)


def gate_output(reports, jsonl: bool) -> bool:
    """Print each report's verdict with its findings, blocking first; True when one is fail."""
    from gxnlp.check.gate import verdict

    rank = {"fail": 0, "needs-review": 1, "pass": 2}
    pairs = sorted(((verdict(r), r) for r in reports), key=lambda p: rank[p[0].status])  # stable: input order
    verdicts = [v for v, _ in pairs]
    for v, r in pairs:
        name = report_name(r)
        if jsonl:
            click.echo(json.dumps({**v.to_dict(), "report": name}, ensure_ascii=False))
            continue
        click.echo(f"{v.status.upper():<13} {name_text(name)}")
        for severity, c in v.findings:
            detail = c.detail if len(c.detail) <= 160 else c.detail[:157] + "…"
            cause = f" [cause: {c.cause}]" if c.cause else ""
            click.echo(f"  {severity:<9} {c.status:<7} {c.id:<20} {detail}{cause}")
    if not jsonl:
        counts = {s: sum(v.status == s for v in verdicts) for s in ("fail", "needs-review", "pass")}
        click.echo(f"{len(verdicts)} reports: {counts['fail']} fail, {counts['needs-review']} needs-review, "
                   f"{counts['pass']} pass")
    return any(v.status == "fail" for v in verdicts)


@click.command("review")
@click.argument("review_path", type=click.Path(dir_okay=False))
@click.argument("fingerprint")
@click.argument("decision", type=click.Choice(["confirmed", "dismissed"]))
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option("--findings", "findings_path", type=click.Path(exists=True, dir_okay=False),
              help="The findings (`gxnlp check … --jsonl > findings.jsonl`) the fingerprint must be among.")
@click.option("--note", default="", help="Why.")
def review_command(review_path, fingerprint, decision, inputs, findings_path, note):
    """Record a reviewer's decision on a finding (by its fingerprint) in REVIEW_PATH.

    The fingerprint must be one of the findings of the reports INPUTS (or of --findings FILE);
    without either, only a fingerprint already in REVIEW_PATH can be decided again."""
    from gxnlp.check.across import read_review, write_review

    if not re.fullmatch(r"[0-9a-f]{12}", fingerprint):
        raise click.BadParameter(f"{fingerprint!r} is not a fingerprint (12 hex digits, as `gxnlp check` prints)",
                                 param_hint="FINGERPRINT")
    try:
        review = read_review(review_path)
    except (ValueError, OSError) as e:
        click.echo(f"gxnlp: {review_path}: cannot read the review file ({e})", err=True)
        sys.exit(2)
    known = set(review)
    if findings_path:
        known |= findings_in_file(findings_path)
    if inputs:
        known |= findings_of_reports(inputs)
    if fingerprint not in known:
        where = ("the findings of " + (findings_path or " ".join(inputs))) if (findings_path or inputs) \
            else f"{review_path} (give the reports, or --findings FILE, to review a new finding)"
        click.echo(f"gxnlp: review: unknown fingerprint {fingerprint}: not in {where}", err=True)
        sys.exit(2)
    review[fingerprint] = {"decision": decision, "note": note}
    write_review(review_path, review)
    click.echo(f"{fingerprint}: {decision}")


def findings_in_file(path) -> set:
    out = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                out.add(json.loads(line)["fingerprint"])
            except (ValueError, KeyError, TypeError):
                continue
    return out


def findings_of_reports(inputs) -> set:
    from gxnlp.check.across import cross_check

    reports = [r for _, r, error in each_report(inputs, ParseSettings(tag_sentences=False), False) if not error]
    return {f.fingerprint for f in cross_check(reports)}
