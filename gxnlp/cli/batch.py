"""`gxnlp batch` and `gxnlp find`: a resumable run into a store, and look-ups in it."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from gxnlp.corpus.batch import DEFAULT_TIMEOUT, Lock, finalize_store, load_corrections_file, run_batch
from gxnlp.errors import GxnlpError


@click.command("batch")
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Output folder (the store).")
@click.option("--workers", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True, help="Seconds allowed per file.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, help="dask.distributed scheduler address (with --engine dask).")
@click.option("--corrections", type=click.Path(dir_okay=False, exists=True), default=None,
              help="YAML file of corrections applied to the store on every run.")
@click.option("--finalize", "finalize_only", is_flag=True, help="Only rebuild the tables from the results so far.")
@click.option("--retry-errors", is_flag=True, help="Parse again files that failed to load last time.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("--max-memory", type=click.IntRange(min=256), default=None, metavar="MB",
              help="Cap each worker's memory (address space, MB; a warmed-up worker uses ~700): "
                   "a file that needs more is an error row, not a crash.")
def batch_command(inputs, out_dir, workers, timeout, engine, scheduler, corrections, finalize_only, retry_errors,
                  no_progress, max_memory):
    """Parse many reports into a store: Parquet tables + OUT/gxnlp.duckdb (resumable)."""
    if engine == "dask" and not scheduler and not finalize_only:
        raise click.UsageError("--engine dask needs --scheduler ADDRESS")
    if not inputs and not finalize_only:
        raise click.UsageError("give INPUT files or folders (or --finalize)")
    try:
        if finalize_only:
            out = Path(out_dir)
            with Lock(out):
                counts = finalize_store(out, load_corrections_file(corrections))
            click.echo(store_line(out, counts), err=True)
            return
        summary = run_batch(inputs, out_dir, workers=workers, timeout=timeout, engine=engine, scheduler=scheduler,
                            corrections=corrections, retry_errors=retry_errors, progress=not no_progress,
                            max_memory=max_memory)
    except GxnlpError as e:
        click.echo(f"gxnlp: {e}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("gxnlp: interrupted; run the same command again to resume (finished files are kept)", err=True)
        sys.exit(130)
    s = summary
    click.echo(f"gxnlp: {s.files} files: {s.parsed} parsed" + (f" ({s.stale} again: the parser changed)"
                                                             if s.stale else "")
               + f", {s.cached} already done, {s.duplicates_in_run} duplicate content, {s.errors} errors "
               f"({s.seconds:.1f} s)", err=True)
    click.echo(store_line(Path(out_dir), s.store or {}), err=True)


def store_line(out: Path, counts: dict) -> str:
    return (f"gxnlp: store {out}: {counts.get('reports', 0)} reports, {counts.get('duplicates', 0)} duplicate files, "
            f"{counts.get('errors', 0)} errors, {counts.get('agencies', 0)} agencies "
            f"({counts.get('unpairable', 0)} not pairable across years, {counts.get('missing', 0)} missing years), "
            f"{counts.get('corrections', 0)} corrections applied"
            + (f", {counts['corrections_unmatched']} not applied" if counts.get("corrections_unmatched") else "")
            + f" → {out / 'parquet'}, {out / 'gxnlp.duckdb'}")


@click.command("find")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False))
# the help text shows a real agency name as the example a user types (the one Chinese literal of the CLI)
@click.option("--agency", default=None, help="Part of the agency name (normalised: 钟村 finds 番禺区钟村街道办事处).")
@click.option("--year", type=int, default=None)
@click.option("--sha", default=None, help="Prefix of the report's sha256.")
@click.option("--file", "file_pattern", default=None, help="File name or glob.")
@click.option("--jsonl", "as_json", is_flag=True, help="One JSON object per report.")
@click.option("--json", "as_json", is_flag=True, hidden=True)  # the old spelling of --jsonl
@click.option("--csv", "as_csv", is_flag=True, help="CSV rows with a header.")
def find_command(out_dir, agency, year, sha, file_pattern, as_json, as_csv):
    """Look up reports in a store by agency, year, sha or file name (exit 1: nothing matched)."""
    import csv

    from gxnlp.corpus.store import find_reports

    if as_json and as_csv:
        raise click.UsageError("choose one of --csv and --jsonl")

    try:
        df = find_reports(out_dir, agency=agency, year=year, sha=sha, file=file_pattern)
    except FileNotFoundError:
        click.echo(f"gxnlp: {out_dir}: not a store (run gxnlp batch … --out {out_dir} first)", err=True)
        sys.exit(2)
    writer = csv.writer(sys.stdout, lineterminator="\n") if as_csv else None
    if writer:
        writer.writerow(["year", "agency", "report_id", "source", "failing_checks"])
    for row in df.to_dict("records"):
        row["failing_checks"] = list(row["failing_checks"]) if row["failing_checks"] is not None else []
        row["year"] = None if row["year"] != row["year"] else int(row["year"])
        if writer:
            writer.writerow([row["year"] or "", row["agency"] or "", row["report_id"], row["source"],
                             ";".join(row["failing_checks"])])
        elif as_json:
            click.echo(json.dumps(row, ensure_ascii=False, default=str))
        else:
            fails = ", ".join(row["failing_checks"]) or "no failing checks"
            click.echo(f"{row['year'] or '?'}  {row['agency'] or '?'}  {row['report_id'][:12]}  {row['source']}  "
                       f"[{fails}]")
    if not len(df):
        click.echo("gxnlp: no report matches", err=True)
        sys.exit(1)
