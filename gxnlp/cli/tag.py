"""`gxnlp tag`: labelled sentences of reports, labels for a file of bare sentences, or the
sentences the model is least sure about (`--uncertain N`, in the annotation file format, to
label and retrain on with `python -m gxnlp.train --annotations FILE`).
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
@click.option("--uncertain", type=click.IntRange(min=1), metavar="N",
              help="Print the N sentences of the inputs the model is least sure about, as annotation rows "
                   "(id, doc, section, text, labels = the model's guess) to correct and train on.")
@click.option("--model", type=click.Path(),
              help="A model folder (sentence_tagger.json + .npz; default: the shipped one, else the rule layer).")
@click.option("--debug", is_flag=True, help="Print tracebacks of internal errors.")
def tag_command(inputs, sentences_file, section, as_csv, jsonl, uncertain, model, debug):
    """Tag the sentences of reports (txt, docx, html, pdf; folders are searched)."""
    from gxnlp.tag.tagger import default_model, load_model, tag_sections, tag_texts

    if as_csv and jsonl:
        raise click.UsageError("choose one of --csv and --jsonl")
    if bool(sentences_file) == bool(inputs):
        raise click.UsageError("give report files, or --sentences FILE (not both)")
    tagger = load_model(model) if model else default_model()
    if uncertain:
        if not hasattr(tagger, "uncertainty"):
            raise click.UsageError("--uncertain needs a trained model (none found; only the rule layer)")
        sys.exit(print_uncertain(inputs, sentences_file, section, tagger, uncertain, debug))
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


def print_uncertain(inputs, sentences_file, section, tagger, n: int, debug: bool) -> int:
    """The n sentences with the smallest margin to a label threshold, as annotation rows; the exit code."""
    from pathlib import Path

    rows, failures = [], 0
    if sentences_file:
        with click.open_file(sentences_file, encoding="utf-8") as fh:
            texts = [line.strip() for line in fh if line.strip()]
        doc = Path(sentences_file).stem if sentences_file != "-" else "stdin"
        rows = [{"doc": doc, "section": section or "none", "text": t} for t in texts]
    else:
        from gxnlp.cli.common import each_report
        from gxnlp.settings import ParseSettings

        for path, report, error in each_report(inputs, ParseSettings(tag_sentences=False), debug):
            if error:
                failures += 1
                click.echo(error, err=True)
                continue
            from gxnlp.tag.tagger import tag_sections

            doc = Path(report.source).stem
            rows += [{"doc": doc, "section": s.section, "text": s.text}
                     for s in tag_sections(report.sections, _NoModel()) if not s.heading]
    for k, row in enumerate(rows):
        row["id"] = f"{row['doc']}-{k:04d}"
    items = [(r["text"], r["section"]) for r in rows]
    doubt = tagger.uncertainty(items) if items else []
    order = sorted(range(len(rows)), key=lambda i: (-float(doubt[i]), i))[:n]
    tagged = tagger.tag([items[i] for i in order]) if order else []
    for i, labels in zip(order, tagged):
        r = rows[i]
        click.echo(json.dumps({"id": r["id"], "doc": r["doc"], "section": r["section"], "text": r["text"],
                               "labels": sorted(lab for lab, _ in labels), "uncertainty": round(float(doubt[i]), 3)},
                              ensure_ascii=False))
    return 1 if failures else 0


class _NoModel:
    """Splits without tagging (the sentences are scored once, by the caller)."""

    def tag(self, sentences):
        return [[] for _ in sentences]
