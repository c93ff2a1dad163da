"""The small typed data model passed between the stages.

load → normalise → segment → tables → checks → claims → tagging → export.
Each stage is a function of these dataclasses; none writes JSON (that is
`export.py`'s job) and none prints (warnings are returned as data).
Field names follow `corpora/report-model.md`, so export is mostly `asdict`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional

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

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) is not None}


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


@dataclass(slots=True)
class Meta:
    title: Optional[str] = None
    agency: Optional[str] = None
    year: Optional[int] = None
    level: Optional[str] = None
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
    document: Optional[Document] = field(default=None, repr=False)

    # Convenience views; the shaping lives in export.py.
    def to_dict(self, *, provenance: bool = True) -> dict:
        from gxnlp.model.saved import report_to_dict

        return report_to_dict(self, provenance=provenance)

    def table3_frame(self):
        from gxnlp.model.saved import table3_frame

        return table3_frame(self)

    def table4_frame(self):
        from gxnlp.model.saved import table4_frame

        return table4_frame(self)

    def claims_frame(self):
        from gxnlp.model.saved import claims_frame

        return claims_frame(self)

    def sentences_frame(self):
        from gxnlp.model.saved import sentences_frame

        return sentences_frame(self)

    def check(self, check_id: str) -> Optional[Check]:
        return next((c for c in self.checks if c.id == check_id), None)
