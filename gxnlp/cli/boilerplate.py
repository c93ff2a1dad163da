"""`gxnlp boilerplate`: template wording, copying between agencies, own reuse, over a store."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from gxnlp.corpus.boilerplate import OUT_SUBDIR, run


@click.command("boilerplate")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--top", type=int, default=5, show_default=True, help="Examples to print per kind.")
def boilerplate_command(out_dir, top):
    """Template wording, passages copied between agencies and own reuse across a store's reports."""
    import pandas as pd

    if not (Path(out_dir) / "parquet" / "saved.parquet").exists():
        click.echo(f"gxnlp: {out_dir}: not a store (run gxnlp batch … --out {out_dir} first)", err=True)
        sys.exit(2)
    s = run(out_dir, log=lambda m: click.echo(f"gxnlp: {m}", err=True))
    orig = s["mean_originality"]
    click.echo(f"{s['reports']} reports: {s['template_wordings']} template wordings (k-grams of ≥ "
               f"{s['template_agencies']} agencies), {s['shared_passages']} passages shared between agencies, "
               f"{s['own_passages']} own reuse; mean originality {orig if orig is None else round(orig, 2)} "
               f"({s['seconds']} s)")
    bp = Path(out_dir) / OUT_SUBDIR
    clusters = pd.read_parquet(bp / "boilerplate_clusters.parquet")
    sub = clusters[clusters["kind"] == "template"].head(top)
    if len(sub):
        click.echo("\ntemplate:")
        for row in sub.itertuples():
            click.echo(f"  [{row.n_agencies} agencies, {row.n_reports} reports] {str(row.example)[:70]}")
    m = pd.read_parquet(bp / "boilerplate_matches.parquet")
    for kind in ("shared", "own"):
        rows = m[(m["kind"] == kind) & (m["report_id"] < m["other_report_id"])].sort_values(
            "original_chars", ascending=False).head(top)
        if len(rows):
            click.echo(f"\n{kind}:")
            for r in rows.itertuples():
                click.echo(f"  {r.agency or r.report_id[:8]} {r.year or ''} ↔ {r.other_agency or r.other_report_id[:8]} "
                           f"{r.other_year or ''} (similarity {r.similarity:.2f}): {str(r.text)[:60]}")
    click.echo(f"\n→ {bp}/boilerplate_{{matches,template,clusters,reports}}.parquet")
