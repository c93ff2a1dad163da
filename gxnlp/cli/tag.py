"""`gxnlp tag`: labelled sentences of reports, or labels for a file of bare sentences.

"""
from __future__ import annotations

import csv
import json
import sys

import click

from gxnlp.rules import SECTION_KEYS


@click.command("tag")
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option("--sentences", "sentences_file", type=click.Path(allow_dash=True),
              help="Tag a file of bare sentences, one per line ('-' = stdin); prints {text, labels} per line.")
@click.option("--section", type=click.Choice(SECTION_KEYS),
              help="With --sentences: the section the sentences come from (improves problem vs measure).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV rows: source, section, text, labels (joined by ';').")
@click.option("--jsonl", is_flag=True, help="One JSON object per sentence: source, section, text, labels, scores.")
@click.option("--model", type=click.Path(), help="A .skops model (default: the shipped one, else the rule layer).")
@click.option("--debug", is_flag=True, help="Print tracebacks of internal errors.")
def tag_command(inputs, sentences_file, section, as_csv, jsonl, model, debug):
    """Tag the sentences of reports (txt, docx, html, pdf; folders are searched)."""
    from gxnlp.tag.tagger import default_model, load_model, tag_sections, tag_texts

    if as_csv and jsonl:
        raise click.UsageError("choose one of --csv and --jsonl")
    if bool(sentences_file) == bool(inputs):
        raise click.UsageError("give report files, or --sentences FILE (not both)")
    tagger = load_model(model) if model else default_model()
    if sentences_file:
        with click.open_file(sentences_file, encoding="utf-8") as fh:
            lines = [line.rstrip("\r\n") for line in fh]
        for row in tag_texts([line.strip() for line in lines], tagger, section):
            click.echo(json.dumps({"text": row["text"], "labels": row["labels"]}, ensure_ascii=False))
        return

    from gxnlp.cli.common import each_report
    from gxnlp.settings import ParseSettings

    writer = csv.writer(sys.stdout, lineterminator="\n") if as_csv else None
    if writer:
        writer.writerow(["source", "section", "text", "labels"])
    failures = 0
    for path, report, error in each_report(inputs, ParseSettings(), debug):
        if error:
            failures += 1
            click.echo(error, err=True)
            continue
        sentences = report.sentences if report.sentences and not model else tag_sections(report.sections, tagger)
        rows = [s for s in sentences if not s.heading]
        if writer:
            for s in rows:
                writer.writerow([report.source, s.section, s.text, ";".join(lab for lab, _ in s.labels)])
        elif jsonl:
            for s in rows:
                click.echo(json.dumps({"source": report.source, "section": s.section, "text": s.text,
                                       "labels": [lab for lab, _ in s.labels],
                                       "scores": {lab: round(p, 3) for lab, p in s.labels}}, ensure_ascii=False))
        else:
            click.echo(report.source)
            for s in rows:
                click.echo(f"  [{s.section}] {', '.join(lab for lab, _ in s.labels) or '-'} | {s.text}")
    sys.exit(1 if failures else 0)
