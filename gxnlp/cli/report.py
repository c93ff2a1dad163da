"""`gxnlp report`: a self-contained HTML page for one report or a corpus."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from gxnlp.corpus.store import has_reports, is_store, read_boilerplate, read_errors, read_reports
from gxnlp.cli.common import fail_line
from gxnlp.report.corpus import write_corpus
from gxnlp.report.page import report_page


@click.command("report")
@click.argument("target", type=click.Path(exists=True))
@click.option("--html", "html_path", required=True, type=click.Path(dir_okay=False),
              help="Where to write the page.")
@click.option("--title", default=None, help="Title of a corpus page.")
@click.option("--pages", type=click.Choice(["all", "flagged", "none"]), default="all", show_default=True,
              help="Corpus: which reports get their own page (flagged = a number is wrong).")
@click.option("--debug", is_flag=True, help="Print tracebacks of internal errors.")
def report_command(target, html_path, title, pages, debug):
    """Write a self-contained HTML page for a report FILE, or for a corpus: a `gxnlp batch`
    OUT_DIR or a folder of report files (one page per report goes to reports/ beside OUT.html)."""
    from gxnlp.errors import GxnlpError
    from gxnlp.pipeline import expand_paths, parse

    path = Path(target)
    out = Path(html_path)
    if path.is_file():
        try:
            report = parse(path)
        except Exception as e:
            if debug and not isinstance(e, GxnlpError):
                raise
            click.echo(fail_line(path, e, debug), err=True)
            sys.exit(1)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report_page(report), encoding="utf-8")
        click.echo(f"{out}")
        return
    ids = None
    if is_store(path):
        ids, reports = map(list, zip(*read_reports(path))) if has_reports(path) else ([], [])
        errors, boilerplate = read_errors(path), read_boilerplate(path)
    else:
        reports, errors, boilerplate = [], [], None
        for p in expand_paths([path]):
            try:
                reports.append(parse(p))
            except Exception as e:
                if debug and not isinstance(e, GxnlpError):
                    raise
                errors.append((str(p), fail_line(p, e, debug).removeprefix("gxnlp: ")))
    written = write_corpus(reports, out, boilerplate, errors, ids=ids, pages=pages,
                           title=title or f"gxnlp corpus: {path.resolve().name}")
    click.echo(f"{out} (+ {len(written) - 1} report pages in {out.parent / 'reports'})")
