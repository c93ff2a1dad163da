"""The small typed data model passed between the stages, and its one saved form.

load → normalise → segment → tables → checks → claims → tagging.
Each stage is a function of these dataclasses and none prints (warnings are
returned as data). `Report.to_dict()` is the spec's JSON (`corpora/report-model.md`)
plus a `provenance` block where every cell keeps `{value, raw, loc}` together;
`Report.from_dict()` reads that same form back. The batch store, the HTML pages and
the corpus tools read reports only through these two methods.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional

from gxnlp import rules

Format = Literal["txt", "docx", "html", "pdf"]
CheckStatus = Literal["pass", "fail", "unverifiable"]
ClaimStatus = Literal["consistent", "inconsistent", "unverifiable", "no_counterpart"]
SumStatus = Literal["consistent", "inconsistent"]


@dataclass(frozen=True, slots=True)
class Loc:
    """Where something was read, so an auditor can find the source of any value.

    `line` is 1-based in the loaded document; `table`/`row`/`col` index a real
    (docx/html/pdf) table; `page` and `bbox` (x0, top, x1, bottom) a PDF page.
    """

    line: Optional[int] = None
    page: Optional[int] = None
    table: Optional[int] = None
    row: Optional[int] = None
    col: Optional[int] = None
    bbox: Optional[tuple[float, float, float, float]] = None
    conf: Optional[float] = None  # OCR confidence of what was read here (only for text read from pixels)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) is not None}

    @classmethod
    def from_dict(cls, d: dict) -> "Loc":
        bbox = d.get("bbox")
        return cls(**{**d, "bbox": tuple(bbox) if bbox is not None else None})


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the document.

    `cells` is set when the line is a row of cells: a tab- or pipe-separated
    text line, or a row of a real Word/HTML/PDF table (then `text` is the
    cells joined by tabs, so text stages see one representation).
    """

    text: str
    loc: Loc
    cells: Optional[tuple[str, ...]] = None
    cell_locs: Optional[tuple[Loc, ...]] = None  # per cell page + bbox + conf, when the row was read by OCR


@dataclass(slots=True)
class Document:
    source: str
    format: Format
    lines: list[Line]
    warnings: list[str] = field(default_factory=list)
    pages: Optional[int] = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True, slots=True)
class Section:
    """A view onto the document: the lines [start, end) under one heading."""

    key: str
    heading: str
    start: int
    end: int
    text: str
    number: Optional[str] = None  # the printed numeral, e.g. "四"


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell: `value` is null for blank, "/", "-", "—", "无"; `raw` keeps what was printed."""

    value: Optional[float]
    raw: str
    loc: Optional[Loc] = None
    note: Optional[str] = None  # how the value was read when that needed a choice (e.g. a digit-run split)

    def to_dict(self) -> dict:
        out = {"value": self.value, "raw": self.raw}
        if self.loc is not None:
            out["loc"] = self.loc.to_dict()
        if self.note:
            out["note"] = self.note
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "Cell":
        loc = d.get("loc")
        return cls(d.get("value"), d.get("raw") or "", Loc.from_dict(loc) if loc is not None else None, d.get("note"))


@dataclass(slots=True)
class Table:
    """One standard table. `rows` maps a spec row key to its cells (None = row not printed).

    table2 is not a grid: its rows are spec paths like "regulations.issued".
    """

    key: str
    template: str
    rows: dict[str, Optional[list[Cell]]]
    anchors: dict[str, str] = field(default_factory=dict)  # row key → label that anchored it


@dataclass(slots=True)
class Check:
    id: str
    status: CheckStatus
    detail: str = ""
    cells: list[str] = field(default_factory=list)
    cause: Optional[str] = None  # "source" (printed so) or "parse" (misread), when known


@dataclass(slots=True)
class Claim:
    text: str
    metric: str
    value: float
    unit: Optional[str]
    approx: bool
    qualifier: Optional[str]
    section: str
    span: tuple[int, int]
    table_value: Optional[float] = None
    status: ClaimStatus = "no_counterpart"
    cells: list[str] = field(default_factory=list)
    status_fixed: bool = False  # set by a metric rule (e.g. a filed-only figure): not compared with tables
    note: Optional[str] = None  # why the status is not `consistent` (e.g. the claim is about a part)


@dataclass(slots=True)
class Breakdown:
    """A "共N条，其中A条、B条…" statement (the spec's `sums`)."""

    total: float
    parts: list[float]
    status: SumStatus
    text: str
    section: str = ""
    span: tuple[int, int] = (0, 0)


@dataclass(slots=True)
class Sentence:
    text: str
    section: str
    span: tuple[int, int]
    labels: list[tuple[str, float]] = field(default_factory=list)
    heading: bool = False

    def __post_init__(self):
        # scores to 6 places: the last bits of a float differ between BLAS builds and threads,
        # and a saved report must read back equal and be identical across runs
        self.labels = [(lab, round(float(p), 6)) for lab, p in self.labels]


@dataclass(slots=True)
class Indicator:
    """A row of the old (pre-2019) indicator table: 指标名称 / 计量单位 / 本年度 / 历年累计."""

    indicator: str
    unit: str
    year_value: Optional[int] = None
    cumulative: Optional[int] = None

    def to_dict(self) -> dict:
        return {"indicator": self.indicator, "unit": self.unit, "year_value": self.year_value,
                "cumulative": self.cumulative}


@dataclass(slots=True)
class Meta:
    title: Optional[str] = None
    agency: Optional[str] = None
    year: Optional[int] = None
    level: Optional[str] = None
    template: Optional[str] = None  # "2021", "2019" or "pre2019": the form of the report as a whole
    year_sources: dict = field(default_factory=dict)  # title / statistics period / narrative → year


@dataclass(slots=True)
class Report:
    source: str
    format: Format
    meta: Meta
    sections: dict[str, Optional[Section]]
    tables: dict[str, Optional[Table]]
    checks: list[Check] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    sums: list[Breakdown] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    preamble: Optional[str] = None  # the text before the first section (where template sentences live)
    old_indicators: list[Indicator] = field(default_factory=list)  # pre-2019 reports only
    document: Optional[Document] = field(default=None, repr=False)

    def check(self, check_id: str) -> Optional[Check]:
        return next((c for c in self.checks if c.id == check_id), None)

    # --- the one saved form --------------------------------------------------------------------

    def to_dict(self, *, provenance: bool = True) -> dict:
        """The spec's JSON; with `provenance`, also everything `from_dict` needs to rebuild the Report."""
        out = {
            "source": self.source,
            "format": self.format,
            "title": self.meta.title,
            "agency": self.meta.agency,
            "year": self.meta.year,
            "level": self.meta.level,
            "template": self.meta.template,
            "sections": {k: (s.text if s is not None else None) for k, s in self.sections.items()},
            "tables": {k: _table_values(t) for k, t in self.tables.items()},
            "checks": [_drop_none({"id": c.id, "status": c.status, "detail": c.detail, "cells": list(c.cells),
                                   "cause": c.cause}, "cause") for c in self.checks],
            "claims": [_claim_dict(c) for c in self.claims],
            "sums": [{"total": b.total, "parts": list(b.parts), "status": b.status, "text": b.text,
                      "section": b.section, "span": list(b.span)} for b in self.sums],
            "sentences": [_sentence_dict(s) for s in self.sentences if not s.heading],
            "warnings": list(self.warnings),
            "preamble": self.preamble,
            "old_indicators": [row.to_dict() for row in self.old_indicators],
        }
        if provenance:
            out["provenance"] = {
                "tables": {k: None if t is None else {
                    "template": t.template,
                    "rows": {r: None if cells is None else [c.to_dict() for c in cells] for r, cells in t.rows.items()},
                } for k, t in self.tables.items()},
                "anchors": {k: dict(t.anchors) for k, t in self.tables.items() if t is not None},
                "sections": {k: {"heading": s.heading, "number": s.number, "line": s.start + 1, "start": s.start,
                                 "end": s.end} for k, s in self.sections.items() if s is not None},
                "headings": [_sentence_dict(s) for s in self.sentences if s.heading],
                "sentence_order": [i for i, s in enumerate(self.sentences) if s.heading],
                "year_sources": dict(self.meta.year_sources),
            }
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "Report":
        """The Report that `to_dict()` saved (the loaded document itself is not saved)."""
        prov = d.get("provenance") or {}
        table_prov = prov.get("tables") or {}
        anchors = prov.get("anchors") or {}
        heads = prov.get("sections") or {}
        sections = {}
        for key, text in (d.get("sections") or {}).items():
            h = heads.get(key) or {}
            start = h.get("start", (h.get("line") or 1) - 1)
            sections[key] = None if text is None else Section(key, h.get("heading") or "", start,
                                                              h.get("end", start), text, h.get("number"))
        tables = {}
        for key, values in (d.get("tables") or {}).items():
            saved = table_prov.get(key)
            if values is None:
                tables[key] = None
            elif isinstance(saved, dict) and "rows" in saved:
                tables[key] = Table(key, saved["template"], {r: None if cells is None else [Cell.from_dict(c) for c in cells]
                                                             for r, cells in saved["rows"].items()},
                                    dict(anchors.get(key) or {}))
            else:
                tables[key] = _table_from_values(key, values, dict(anchors.get(key) or {}))
        body = [Sentence(s["text"], s["section"], tuple(s.get("span") or (0, 0)),
                         [(lab, (s.get("scores") or {}).get(lab, 1.0)) for lab in s.get("labels") or []])
                for s in d.get("sentences") or []]
        headings = [Sentence(s["text"], s["section"], tuple(s.get("span") or (0, 0)), [], heading=True)
                    for s in prov.get("headings") or []]
        sentences = []
        for i in range(len(body) + len(headings)):
            sentences.append(headings.pop(0) if i in set(prov.get("sentence_order") or []) and headings else body.pop(0))
        meta = Meta(d.get("title"), d.get("agency"), d.get("year"), d.get("level"), d.get("template"),
                    dict(prov.get("year_sources") or {}))
        return cls(
            source=d["source"], format=d["format"], meta=meta, sections=sections, tables=tables,
            checks=[Check(c["id"], c["status"], c.get("detail") or "", list(c.get("cells") or []), c.get("cause"))
                    for c in d.get("checks") or []],
            claims=[Claim(c["text"], c["metric"], c["value"], c.get("unit"), bool(c.get("approx")), c.get("qualifier"),
                          c.get("section") or "", tuple(c.get("span") or (0, 0)), c.get("table_value"),
                          c.get("status") or "no_counterpart", list(c.get("cells") or []),
                          bool(c.get("status_fixed")), c.get("note"))
                    for c in d.get("claims") or []],
            sums=[Breakdown(b["total"], list(b["parts"]), b["status"], b["text"], b.get("section") or "",
                            tuple(b.get("span") or (0, 0))) for b in d.get("sums") or []],
            sentences=sentences,
            warnings=list(d.get("warnings") or []),
            preamble=d.get("preamble"),
            old_indicators=[Indicator(**row) for row in d.get("old_indicators") or []],
        )

    # --- frames (pandas is imported only when one is asked for) --------------------------------

    def table3_frame(self):
        from gxnlp.model import frames

        return frames.table3_frame(self)

    def table4_frame(self):
        from gxnlp.model import frames

        return frames.table4_frame(self)

    def claims_frame(self):
        from gxnlp.model import frames

        return frames.claims_frame(self)

    def sentences_frame(self):
        from gxnlp.model import frames

        return frames.sentences_frame(self)

    def table2_frame(self):
        from gxnlp.model import frames

        return frames.table2_frame(self)

    def checks_frame(self):
        from gxnlp.model import frames

        return frames.checks_frame(self)


def _drop_none(d: dict, *keys: str) -> dict:
    for k in keys:
        if d.get(k) is None:
            d.pop(k, None)
    return d


def _claim_dict(c: Claim) -> dict:
    out = {"text": c.text, "metric": c.metric, "value": c.value, "unit": c.unit, "approx": c.approx,
           "qualifier": c.qualifier, "section": c.section, "span": list(c.span), "table_value": c.table_value,
           "status": c.status, "cells": list(c.cells), "note": c.note}
    if c.status_fixed:
        out["status_fixed"] = True
    return _drop_none(out, "note")


def _sentence_dict(s: Sentence) -> dict:
    return {"text": s.text, "section": s.section, "span": list(s.span), "labels": [lab for lab, _ in s.labels],
            "scores": {lab: round(float(p), 6) for lab, p in s.labels}}  # see Sentence.__post_init__


def table2_fields(template: str) -> dict:
    """table2 row key → its spec fields ([""] for a one-number row), per template."""
    spec = rules.load("table_rows")["table2"]["rows_2019" if template == "2019" else "rows_2021"]
    return {key: list(row["fields"]) for key, row in spec.items()}


def _table_values(table: Optional[Table]):
    """A table in the spec's shape: numbers only (table2 as objects, table3/4 as lists)."""
    if table is None:
        return None
    if table.key != "table2":
        return {key: None if cells is None else [c.value for c in cells] for key, cells in table.rows.items()}
    fields = table2_fields(table.template)
    out: dict = {"format": table.template}
    for key, cells in table.rows.items():
        names = fields.get(key, [""])
        if cells is None:
            out[key] = None
        elif names == [""]:
            out[key] = cells[0].value
        else:
            out[key] = {f: c.value for f, c in zip(names, cells)}
    return out


def _table_from_values(key: str, values: dict, anchors: dict) -> Table:
    """A Table from the spec's shape alone (raw text = the value as printed)."""
    def cell(v):
        return Cell(v, "" if v is None else format(v, "g") if isinstance(v, float) else str(v))

    if key != "table2":
        return Table(key, "2019" if values.get("other_processing") is not None else "2021",
                     {r: None if v is None else [cell(x) for x in v] for r, v in values.items()}, anchors)
    template = values.get("format") or "2021"
    rows = {}
    for r, names in table2_fields(template).items():
        v = values.get(r)
        rows[r] = None if v is None else [cell(v)] if names == [""] else [cell(v.get(f)) for f in names]
    return Table(key, template, rows, anchors)
