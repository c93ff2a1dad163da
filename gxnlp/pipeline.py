"""The main job: one call from a file to a Report, running the stages in order.

load → normalise → segment → tables → checks → claims → tagging. Each stage is
a function of the data model; this module only wires them together.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from gxnlp.check.report import report_checks, table_checks
from gxnlp.check.claims import claim_checks, read_claims
from gxnlp.check.audit import audit_checks
from gxnlp.errors import GxnlpError, LoadError
from gxnlp.io.load import load, load_bytes
from gxnlp.model.core import Indicator, Report
from gxnlp.parse.normalise import normalise
from gxnlp.parse.segment import preamble, read_meta, segment
from gxnlp.settings import ParseSettings
from gxnlp.parse.tables import read_tables


FORMATS = ("txt", "docx", "html", "pdf", "image")


def parse(source, format: Optional[str] = None, *, settings: Union[ParseSettings, dict, None] = None) -> Report:
    """Parse one report: a path (str or os.PathLike), its bytes, or a binary file object (an open
    file, io.BytesIO, an HTTP response). The format is sniffed from the bytes unless `format`
    ("txt", "docx", "html", "pdf" or "image") says otherwise. Raises a GxnlpError subclass
    (LoadError, ScannedPDFError) for a file that is not a readable report.

    `parse(path, settings)` (settings as the second argument) is still accepted."""
    if isinstance(format, (ParseSettings, dict)) and settings is None:  # the older parse(path, settings)
        format, settings = None, format
    settings = ParseSettings.resolve(settings)
    if format is not None and format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    if isinstance(source, (bytes, bytearray, memoryview)):
        doc = load_bytes(bytes(source), f"<bytes>.{format}" if format else "<bytes>", settings, format)
    elif hasattr(source, "read"):
        data = source.read()
        if isinstance(data, str):
            raise TypeError("parse() needs a binary file object (open(path, 'rb')), not a text one")
        name = getattr(source, "name", None)
        name = name if isinstance(name, str) else (f"<stream>.{format}" if format else "<stream>")
        doc = load_bytes(data, name, settings, format)
    elif isinstance(source, (str, os.PathLike)):
        if format is None:
            doc = load(source, settings)
        else:  # the caller says what it is: read the bytes and skip the sniffing
            try:
                data = Path(source).read_bytes()
            except OSError as e:
                raise LoadError(source, f"cannot read ({e.strerror or e})") from e
            doc = load_bytes(data, str(source), settings, format)
    else:
        raise TypeError(f"parse() takes a path, bytes or a binary file object, not {type(source).__name__}")
    check_text_length(doc, settings)
    report = build_report(normalise(doc), settings)
    if doc.format in ("pdf", "image") and isinstance(source, (str, os.PathLike)):
        from gxnlp.check.cause import assign_causes  # failing check: printed so, or misread? (ocr extra only)

        assign_causes(report, str(source))
    return report


def check_text_length(doc, settings: ParseSettings) -> None:
    """The limit on loaded text, checked before any parsing work (settings.max_text_chars)."""
    n = sum(len(line.text) + 1 for line in doc.lines)
    if n > settings.max_text_chars:
        raise LoadError(doc.source, f"too much text for a report ({n:,} characters; the limit, max_text_chars, "
                                    f"is {settings.max_text_chars:,})")


def limit_fields(meta, warnings: list, settings: ParseSettings) -> None:
    """Title and agency are short by nature: a longer one is a misread line, dropped with a warning
    (settings.max_field_chars)."""
    for name in ("title", "agency"):
        value = getattr(meta, name)
        if value is not None and len(value) > settings.max_field_chars:
            setattr(meta, name, None)
            warnings.append(f"{name} dropped: {len(value):,} characters is not a {name} "
                            f"(the limit, max_field_chars, is {settings.max_field_chars})")


def build_report(doc, settings: ParseSettings) -> Report:
    sections, section_warnings = segment(doc)
    meta = read_meta(doc, sections)
    limit_fields(meta, doc.warnings, settings)
    tables = read_tables(doc, sections, settings)
    if any(line.cell_locs is not None for line in doc.lines):  # read by OCR: each cell's own box and confidence
        from gxnlp.io.ocr_tables import attach_cell_locs

        tables.warnings.extend(attach_cell_locs(doc, tables.tables))
    flag_negative_counts(tables.tables, tables.warnings)
    report = Report(
        source=doc.source, format=doc.format, meta=meta, sections=sections, tables=tables.tables,
        warnings=[*doc.warnings, *section_warnings, *tables.warnings], document=doc,
        preamble=preamble_text(doc, sections),
    )
    if meta.template == "pre2019":
        report.old_indicators = read_indicator_table(doc, report.warnings)
    report.claims, report.sums = read_claims(sections, tables.tables)
    if settings.tag_sentences:
        from gxnlp.tag.tagger import tag_sections

        # rebuilt through the dataclass so scores are normalised as the saved form keeps them
        report.sentences = [dataclasses.replace(s) for s in tag_sections(sections)]
    report.checks = (table_checks(sections, tables.tables) + claim_checks(report.claims, report.sums)
                     + report_checks(meta, sections, tables.tables, report.claims))
    report.checks += audit_checks(report)  # issue 17: contradictions, columns, outline, style
    return report


def read_indicator_table(doc, warnings: list) -> list[Indicator]:
    from gxnlp.parse.oldtable import read_old_indicators

    rows, found = read_old_indicators("\n".join(line.text for line in doc.lines))
    warnings.extend(found)
    return [Indicator(**row.to_dict()) for row in rows]


def preamble_text(doc, sections: dict) -> str:
    """The text before the first section heading (page chrome included, as the report prints it):
    where the 条例 preamble and the 统计期限 sentence live."""
    return "\n".join(line.text for line in preamble(doc.lines, sections) if line.cells is None)


def flag_negative_counts(tables: dict, warnings: list) -> None:
    """Every standard table holds counts (or amounts) that cannot be negative: a negative value is
    kept as printed, noted on its cell and warned about, with the cell's place."""
    for name, table in tables.items():
        if table is None:
            continue
        for key, cells in table.rows.items():
            for i, cell in enumerate(cells or []):
                if isinstance(cell.value, (int, float)) and cell.value < 0:
                    cells[i] = dataclasses.replace(cell, note="; ".join(filter(None, [cell.note, "negative count"])))
                    where = f" (line {cell.loc.line})" if cell.loc is not None and cell.loc.line else ""
                    warnings.append(f"negative count in {name}.{key}[{i}]: «{cell.raw}»{where}")


def parse_many(paths: Iterable, settings=None) -> Iterator[tuple[str, Union[Report, GxnlpError]]]:
    """Yield (path, Report or GxnlpError) for every input: a bad file never stops the run."""
    settings = ParseSettings.resolve(settings)
    for path in paths:
        try:
            yield str(path), parse(path, settings=settings)
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
