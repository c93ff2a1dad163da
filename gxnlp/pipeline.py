"""The main job: one call from a file to a Report, running the stages in order.

load → normalise → segment → tables → checks → claims → tagging. Each stage is
a function of the data model; this module only wires them together.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterable, Iterator, Union

from gxnlp.check.report import report_checks, table_checks
from gxnlp.check.claims import claim_checks, read_claims
from gxnlp.errors import GxnlpError
from gxnlp.io.load import load
from gxnlp.model.core import Report
from gxnlp.parse.normalise import normalise
from gxnlp.parse.segment import read_meta, segment
from gxnlp.settings import ParseSettings
from gxnlp.parse.tables import read_tables


def parse(path, settings: Union[ParseSettings, dict, None] = None) -> Report:
    """Parse one report file (txt, docx, html or pdf). Raises a GxnlpError subclass for a bad file."""
    settings = ParseSettings.resolve(settings)
    doc = normalise(load(path, settings))
    return build_report(doc, settings)


def build_report(doc, settings: ParseSettings) -> Report:
    sections, section_warnings = segment(doc)
    meta = read_meta(doc, sections)
    tables = read_tables(doc, sections, settings)
    report = Report(
        source=doc.source, format=doc.format, meta=meta, sections=sections, tables=tables.tables,
        warnings=[*doc.warnings, *section_warnings, *tables.warnings], document=doc,
    )
    report.claims, report.sums = read_claims(sections, tables.tables)
    if settings.tag_sentences:
        from gxnlp.tag.tagger import tag_sections

        # rebuilt through the dataclass so scores are normalised as the saved form keeps them
        report.sentences = [dataclasses.replace(s) for s in tag_sections(sections)]
    report.checks = (table_checks(sections, tables.tables) + claim_checks(report.claims, report.sums)
                     + report_checks(meta, sections, tables.tables, report.claims))
    return report


def parse_many(paths: Iterable, settings=None) -> Iterator[tuple[str, Union[Report, GxnlpError]]]:
    """Yield (path, Report or GxnlpError) for every input: a bad file never stops the run."""
    settings = ParseSettings.resolve(settings)
    for path in paths:
        try:
            yield str(path), parse(path, settings)
        except GxnlpError as e:
            yield str(path), e


def expand_paths(inputs: Iterable, suffixes=(".txt", ".docx", ".html", ".htm", ".pdf")) -> list[Path]:
    """Files as given; folders searched recursively for report files, in a stable order."""
    out = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes))
        else:
            out.append(p)
    return out
