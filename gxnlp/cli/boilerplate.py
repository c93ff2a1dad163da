"""`gxnlp boilerplate`: template wording, copying between agencies, own reuse, over a store."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from gxnlp.corpus.boilerplate import OUT_SUBDIR, run


@click.command("boilerplate")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--threshold", type=float, default=None, help="Sentence similarity threshold (default in "
                                                            "gxnlp/data/boilerplate.toml: 0.7).")
@click.option("--paragraph-threshold", type=float, default=None, help="Paragraph similarity threshold (0.6).")
@click.option("--no-paragraphs", is_flag=True, help="Sentences only.")
@click.option("--top", type=int, default=5, show_default=True, help="Examples to print per kind.")
def boilerplate_command(out_dir, threshold, paragraph_threshold, no_paragraphs, top):
    """Near-duplicate sentences and paragraphs across a store's reports (template, shared, own)."""
    import pyarrow.parquet as pq

    if not (Path(out_dir) / "parquet" / "sentences.parquet").exists():
        click.echo(f"gxnlp: {out_dir}: not a store (run gxnlp batch … --out {out_dir} first)", err=True)
        sys.exit(2)
    s = run(out_dir, sentence_threshold=threshold, paragraph_threshold=paragraph_threshold,
            paragraphs=not no_paragraphs, log=lambda m: click.echo(f"gxnlp: {m}", err=True))
    click.echo(f"{s['reports']} reports, {s['sentences']} sentences compared; reused sentence passages: "
               f"{s['sentence_template_passages']} template, {s['sentence_common_passages']} common, "
               f"{s['sentence_shared_passages']} shared between agencies, {s['sentence_own_passages']} own reuse; "
               f"mean originality {s['mean_originality'] or 0:.2f} ({s['seconds']} s)")
    clusters = pq.read_table(Path(out_dir) / OUT_SUBDIR / "boilerplate_clusters.parquet").to_pandas()
    for kind in ("template", "common", "shared"):
        sub = clusters[(clusters["kind"] == kind) & (clusters["unit"] == "sentence")] \
            .sort_values("n_agencies", ascending=False).head(top)
        if len(sub):
            click.echo(f"\n{kind}:")
            for row in sub.itertuples():
                who = f"{row.n_agencies} agencies" if row.agencies is None else "、".join(row.agencies[:4])
                click.echo(f"  [{who}, {row.n_reports} reports] {row.example[:70]}")
    click.echo(f"\n→ {Path(out_dir) / OUT_SUBDIR}/boilerplate_{{clusters,matches,reports}}.parquet")
