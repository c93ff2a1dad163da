"""Tables: read the three standard tables cell by cell, whatever the layout.

find_region → split_rows → (per row) match_label → place_values → read_number.

Rows are identified by their labels (gxnlp/data/table_rows.toml), never by
position alone. Values are placed only when the row's shape is understood:
 1. exactly the expected number of values, contiguous after the label;
 2. else by the column positions of the table's own header rows, provided no
    label cell sits in a value column (that would be a shifted row);
 3. else by position, when the values start right after the label and the row
    has exactly the expected number of cells (trailing blanks are blank cells);
 4. else a number split over two cells is rejoined if that alone restores the
    row's arithmetic.
Otherwise the row is left null with a warning: a silent shift is the worst
failure for an auditor.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Optional

from gxnlp import rules
from gxnlp.model.core import Cell, Document, Line, Loc, Section, Table
from gxnlp.parse.flat import read_flat_tables, table2_template
from gxnlp.parse.cells import NUMBER, NUMBER_WITH_UNIT, blank_tokens, cell_kind, read_number, unit_factors  # noqa: F401
from gxnlp.settings import ParseSettings

ENUM_PREFIX = re.compile(rules.load("text_patterns")["label_enumerator"])
BRACKETED = re.compile(r"[（(][^（）()]{2,}[)）]")
LABEL_NOISE = re.compile(r"[\s“”\"‘’'、，,：:；;。·•]")


# --- cells ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class RawCell:
    text: str
    loc: Loc


@dataclass
class Row:
    cells: list[RawCell]

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    @property
    def line(self) -> Optional[int]:
        return self.cells[0].loc.line if self.cells else None


def to_cell(raw: Optional[RawCell], column_unit: Optional[str] = None) -> Cell:
    if raw is None:
        return Cell(None, "", None)
    return Cell(read_number(raw.text, column_unit), raw.text, raw.loc)


# --- labels --------------------------------------------------------------------------------

@lru_cache(maxsize=65536)
def normalise_label(text: str) -> str:
    t = re.sub(r"\s+", "", text)
    t = BRACKETED.sub("", t) if len(BRACKETED.sub("", t)) >= 2 else t
    for _ in range(3):
        t2 = ENUM_PREFIX.sub("", t)
        if t2 == t:
            break
        t = t2
    return LABEL_NOISE.sub("", t)


@lru_cache(maxsize=65536)
def similarity(label: str, variant: str, exact: bool) -> float:
    """1 for the same label; containment scaled by length; else difflib's ratio (cached: labels repeat)."""
    if not label:
        return 0.0
    if label == variant:
        return 1.0
    if exact:
        return 0.0
    if len(variant) >= 4 and (variant in label or label in variant) and min(len(label), len(variant)) >= 3:
        return 0.9 * min(len(label), len(variant)) / max(len(label), len(variant)) + 0.1
    matcher = SequenceMatcher(None, label, variant)
    return matcher.ratio() if matcher.real_quick_ratio() >= 0.5 and matcher.quick_ratio() >= 0.5 else 0.0


def best_key(label_cells: list[str], candidates: dict, threshold: float,
             allowed=lambda key, spec: True) -> tuple[Optional[str], float, str]:
    """The row key whose label variants best match the row's label cells (last cell first)."""
    best: tuple[Optional[str], float, str] = (None, 0.0, "")
    options = [normalise_label(c) for c in reversed(label_cells) if c.strip()]
    if len(label_cells) > 1:
        options.append(normalise_label("".join(label_cells)))
    for option in options:  # fast path: a label printed exactly as the template has it
        for key, spec in candidates.items():
            if option in spec["labels"] and allowed(key, spec):
                return key, 1.0, option
    for key, spec in candidates.items():
        if not allowed(key, spec):
            continue
        for option in options:
            for variant in spec["labels"]:
                score = similarity(option, variant, spec.get("exact", False))
                if score > best[1]:
                    best = (key, score, option)
    return best if best[1] >= threshold else (None, best[1], best[2])


def matches_any(text: str, words) -> Optional[str]:
    flat = normalise_label(text)
    for word in words:
        if word and word in flat:
            return word
    return None


# --- regions and rows ----------------------------------------------------------------------

def find_region(doc: Document, sections: dict[str, Optional[Section]], section_key: str,
                header_words) -> Optional[tuple[int, int]]:
    """The table's lines: its section, or, when the heading is lost, from its header to the next section."""
    section = sections.get(section_key)
    if section is not None:
        return section.start + 1, section.end
    starts = sorted(s.start for s in sections.values() if s is not None)
    best = None  # the line naming most header words (a narrative line may name two of them)
    for i, line in enumerate(doc.lines):
        flat = re.sub(r"\s", "", line.text)
        n = sum(1 for w in header_words if w in flat)
        if n >= 2 and (best is None or n > best[0]):
            best = (n, i)
    if best is None:
        return None
    i = best[1]
    return i, next((s for s in starts if s > i), len(doc.lines))


def space_cells(text: str) -> Optional[tuple[str, ...]]:
    """'行政处罚 749' (text extracted without cell boundaries) → ('行政处罚', '749')."""
    tokens = text.split()
    values = []
    while tokens and cell_kind(tokens[-1]) in ("number", "blank"):
        values.insert(0, tokens.pop())
    if not values:
        return None
    return (" ".join(tokens), *values) if tokens else tuple(values)


def split_rows(lines: list[Line]) -> list[Row]:
    nonblank = [ln for ln in lines if ln.text.strip()]
    if not nonblank:
        return []
    wide = sum(1 for ln in nonblank if ln.cells is not None and sum(bool(c) for c in ln.cells) >= 2)
    blocks = sum(1 for a, b in zip(lines, lines[1:]) if not a.text.strip() and b.text.strip())
    if wide < 0.2 * len(nonblank) and blocks >= 3:
        return block_rows(lines)
    rows = []
    for ln in lines:
        if not ln.text.strip():
            continue
        cells = ln.cells if ln.cells is not None else (space_cells(ln.text) or (ln.text.strip(),))
        rows.append(Row([RawCell(c, cell_loc(ln.loc, i)) for i, c in enumerate(cells)]))
    return rows


def block_rows(lines: list[Line]) -> list[Row]:
    """Word export with one cell per line and a blank line after each row."""
    rows, current = [], []
    for ln in lines:
        if not ln.text.strip() and not (ln.cells and len(ln.cells) > 1 and current):
            if current:
                rows.append(Row(current))
                current = []
            continue
        current.append(RawCell(ln.text.strip(), cell_loc(ln.loc, len(current))))
    if current:
        rows.append(Row(current))
    return rows


def cell_loc(loc: Loc, col: int) -> Loc:
    return Loc(line=loc.line, page=loc.page, table=loc.table, row=loc.row, col=col, bbox=loc.bbox)


# --- placing values ------------------------------------------------------------------------

@dataclass
class Placement:
    cells: Optional[list[Optional[RawCell]]]
    how: str


def place_values(row: Row, width: int, label_end: int, header: Optional[list[int]] = None) -> Placement:
    """Put the row's value cells into `width` columns, or refuse (cells None) when the shape is unclear."""
    vals = row.cells[label_end:]
    kinds = [cell_kind(c.text) for c in vals]
    if any(k == "text" for k in kinds):
        return Placement(None, "text among the values")
    lo = next((i for i, k in enumerate(kinds) if k != "empty"), None)
    if lo is None:
        return Placement([None] * width, "all blank") if len(vals) >= width else Placement(None, "no values")
    hi = max(i for i, k in enumerate(kinds) if k != "empty")
    trimmed = vals[lo: hi + 1]
    if len(trimmed) == width:
        return Placement(list(trimmed), "contiguous")
    if len(trimmed) < width:
        if header and len(header) == width and min(header) >= label_end and max(header) < len(row.cells):
            nonempty = {label_end + i for i, k in enumerate(kinds) if k != "empty"}
            if nonempty <= set(header):
                return Placement([row.cells[p] if p < len(row.cells) else None for p in header], "header")
        if lo == 0 and len(vals) == width:
            return Placement(list(vals), "positional")
    return Placement(None, f"{len(trimmed)} values where {width} expected")


def rejoin_split_number(trimmed: list[RawCell], width: int, balanced) -> Optional[tuple[list[RawCell], int]]:
    """A number split over two cells ("1", "2" for 12): rejoin only if exactly one join balances the row."""
    if len(trimmed) != width + 1:
        return None
    fits = []
    for i in range(len(trimmed) - 1):
        a, b = trimmed[i].text.strip(), trimmed[i + 1].text.strip()
        if not (a.isdigit() and b.isdigit()) or a.startswith("0"):
            continue  # a leading 0 is never the first half of a split number
        joined = RawCell(a + b, trimmed[i].loc)
        candidate = trimmed[:i] + [joined] + trimmed[i + 2:]
        if balanced([read_number(c.text) for c in candidate]):
            fits.append((candidate, i))
    return fits[0] if len(fits) == 1 else None


# --- header maps ---------------------------------------------------------------------------

def header_positions(header_rows: list[Row], column_labels: dict, columns: list[str]) -> Optional[list[int]]:
    """Column index of each value column, read from the table's own header rows."""
    found: dict[str, int] = {}
    for row in header_rows:
        for i, text in enumerate(row.texts):
            flat = normalise_label(text)
            for key, words in column_labels.items():
                if key not in found and flat in words:
                    found[key] = i
    if not all(c in found for c in columns):
        return None
    positions = [found[c] for c in columns]
    return positions if positions == sorted(positions) and len(set(positions)) == len(positions) else None


def is_header_row(row: Row, words) -> bool:
    """No numbers, and a cell that is a header word (short words must match whole: "其他" is not
    "其他法律行政法规禁止公开", a row label whose cells may all be blank)."""
    kinds = [cell_kind(t) for t in row.texts]
    if "number" in kinds:
        return False
    for text in row.texts:
        flat = normalise_label(text)
        if flat and any(flat == w or (len(w) >= 4 and w in flat) for w in words):
            return True
    return False


# --- table 3 -------------------------------------------------------------------------------

@dataclass
class Table3Reader:
    settings: ParseSettings
    warnings: list[str] = field(default_factory=list)

    def read(self, rows: list[Row]) -> Optional[Table]:
        spec = rules.load("table_rows")["table3"]
        columns = list(spec["columns"])
        header_words = list(spec["header_words"]) + [w for ws in spec["column_labels"].values() for w in ws]
        subtotal_words = spec["column_labels"]["subtotal"]
        has_subtotal = any(is_header_row(r, header_words) and any(normalise_label(t) in subtotal_words for t in r.texts)
                           for r in rows)
        value_columns = columns[:-1] + ["subtotal", "total"] if has_subtotal else columns
        width = len(value_columns)
        out: dict[str, Optional[list[Cell]]] = {k: None for k in rules.TABLE3_ROWS}
        anchors: dict[str, str] = {}
        header_rows: list[Row] = []
        header: Optional[list[int]] = None
        in_header = False
        group: Optional[str] = None
        previous: Optional[str] = None
        pending: list[str] = []
        subtotals: dict[str, RawCell] = {}
        for row in rows:
            if is_header_row(row, header_words):
                if not in_header:
                    header_rows = []
                header_rows.append(row)
                header = header_positions(header_rows, spec["column_labels"], value_columns)
                in_header = True
                continue
            in_header = False
            kinds = [cell_kind(t) for t in row.texts]
            text_idx = [i for i, k in enumerate(kinds) if k == "text"]
            labels = [row.texts[i] for i in text_idx]
            for text in labels:
                g = matches_any(text, [w for ws in spec["groups"].values() for w in ws])
                if g:
                    group = next(k for k, ws in spec["groups"].items() if g in ws)
            label_end = text_idx[-1] + 1 if text_idx else 0
            has_values = any(k in ("number", "blank") for k in kinds[label_end:])
            if not labels and pending and has_values:
                labels = pending
            key, score, used = best_key(labels, spec["rows"], self.settings.label_threshold,
                                        lambda k, s: self.allowed(k, s, group, previous, out))
            if key is None and pending and labels is not pending:
                key, score, used = best_key(pending + labels, spec["rows"], self.settings.label_threshold,
                                            lambda k, s: self.allowed(k, s, group, previous, out))
            if key is None:
                if labels and not has_values:
                    pending = (pending + labels)[-3:]
                elif has_values:
                    self.warnings.append(f"table3: a row of values with no recognisable label "
                                         f"(line {row.line}: {' | '.join(row.texts)[:60]}); ignored")
                continue
            if key == "other_processing" and not has_values:
                continue  # the 2021 group label （六）其他处理 on a row of its own
            pending = []
            placement = place_values(row, width, label_end, header)
            cells = placement.cells
            if cells is None and self.settings.repair_split_numbers:
                vals = [c for c in row.cells[label_end:] if c.text.strip()]
                fixed = rejoin_split_number(vals, width, lambda v: self.balanced(v, value_columns))
                if fixed:
                    cells, at = fixed
                    self.warnings.append(
                        f"table3 row {key}: joined cells '{vals[at].text}' and '{vals[at + 1].text}' into "
                        f"{cells[at].text} (line {row.line}): the row's total equals the sum of its columns "
                        f"only with the join")
            if cells is None:
                self.warnings.append(f"table3 row {key} (line {row.line}): {placement.how}; cells left null")
                out[key] = [Cell(None, "", None)] * 7
                anchors[key] = used
                previous = key
                continue
            if out[key] is not None:
                self.warnings.append(f"table3 row {key} printed twice (line {row.line}); the first is kept")
                continue
            by_column = dict(zip(value_columns, cells))
            if "subtotal" in by_column and by_column["subtotal"] is not None:
                subtotals[key] = by_column["subtotal"]
            out[key] = [to_cell(by_column[c]) for c in columns]
            anchors[key] = used
            previous = key
        if all(v is None for v in out.values()):
            return None
        template = "2019" if out["other_processing"] is not None else "2021"
        if has_subtotal:
            self.check_subtotals(out, subtotals)
        return Table("table3", template, out, anchors)

    @staticmethod
    def allowed(key, spec, group, previous, out) -> bool:
        """Item labels are distinctive; only a short exact one ("3.其他") needs its group to be known.

        The group may be lost (a merged label cell cut by a page break, "（五）不" / "予处理"),
        so the row before it also counts as evidence.
        """
        if "group" not in spec or not spec.get("exact"):
            return True
        siblings = [k for k, s in rules.load("table_rows")["table3"]["rows"].items() if s.get("group") == spec["group"]]
        return group == spec["group"] or previous in siblings

    @staticmethod
    def balanced(values: list[Optional[float]], value_columns: list[str]) -> bool:
        by = dict(zip(value_columns, values))
        if by.get("total") is None:
            return False
        parts = [by[c] or 0 for c in value_columns if c not in ("total", "subtotal")]
        return abs(sum(parts) - by["total"]) < 1e-9

    def check_subtotals(self, out, subtotals: dict[str, RawCell]):
        for key, raw in subtotals.items():
            cells = out[key]
            sub = read_number(raw.text)
            orgs = [c.value for c in cells[1:6]]
            if sub is not None and any(v is not None for v in orgs) and abs(sum(v or 0 for v in orgs) - sub) > 1e-9:
                self.warnings.append(f"table3 row {key}: organisations subtotal {raw.text} ≠ sum of the five "
                                     f"organisation columns {sum(v or 0 for v in orgs):g}")


# --- table 4 -------------------------------------------------------------------------------

@dataclass
class Table4Reader:
    settings: ParseSettings
    warnings: list[str] = field(default_factory=list)

    def read(self, rows: list[Row]) -> Optional[Table]:
        spec = rules.load("table_rows")["table4"]
        groups, columns = list(spec["groups"]), list(spec["columns"])
        header_words = list(spec["header_words"])
        out: dict[str, Optional[list[Cell]]] = {g: None for g in groups}
        header_rows: list[Row] = []
        anchors: dict[str, str] = {}
        for row in rows:
            if is_header_row(row, header_words):
                header_rows.append(row)
                continue
            kinds = [cell_kind(t) for t in row.texts]
            if not any(k in ("number", "blank") for k in kinds):
                continue
            text_idx = [i for i, k in enumerate(kinds) if k == "text"]
            label_end = text_idx[-1] + 1 if text_idx else 0
            if text_idx:  # a transposed layout: one labelled row per group
                labels = [row.texts[i] for i in text_idx]
                key, _, used = best_key(labels, {g: {"labels": spec["group_labels"][g]} for g in groups},
                                        self.settings.label_threshold)
                if key is None:
                    continue
                placement = place_values(row, len(columns), label_end)
                if placement.cells is None:
                    self.warnings.append(f"table4 row {key} (line {row.line}): {placement.how}; cells left null")
                    continue
                out[key] = [to_cell(c) for c in placement.cells]
                anchors[key] = used
                continue
            placement = place_values(row, len(groups) * len(columns), 0, self.header_map(header_rows))
            if placement.cells is None:
                self.warnings.append(f"table4 (line {row.line}): {placement.how}; cells left null")
                continue
            for n, g in enumerate(groups):
                if out[g] is None:
                    out[g] = [to_cell(c) for c in placement.cells[n * 5:(n + 1) * 5]]
                    anchors[g] = f"value row {placement.how}"
        if all(v is None for v in out.values()):
            return None
        return Table("table4", "2021", out, anchors)

    @staticmethod
    def header_map(header_rows: list[Row]) -> Optional[list[int]]:
        """Positions of the 15 value columns: each 结果维持…总计 run, in order of appearance."""
        spec = rules.load("table_rows")["table4"]
        first_words = spec["column_labels"]["upheld"]
        positions: list[int] = []
        for row in header_rows:
            texts = [normalise_label(t) for t in row.texts]
            for i, t in enumerate(texts):
                if t in first_words and i + 4 < len(texts):
                    positions.extend(range(i, i + 5))
        return positions if len(positions) == 15 and positions == sorted(set(positions)) else None


# --- table 2 -------------------------------------------------------------------------------

@dataclass
class Table2Reader:
    settings: ParseSettings
    warnings: list[str] = field(default_factory=list)

    def read(self, rows: list[Row]) -> Optional[Table]:
        spec = rules.load("table_rows")["table2"]
        template = table2_template("".join(normalise_label(t) for r in rows for t in r.texts))
        row_specs = spec["rows_2019" if template == "2019" else "rows_2021"]
        out: dict[str, Optional[list[Cell]]] = {k: None for k in row_specs}
        anchors = {}
        for row in rows:
            kinds = [cell_kind(t) for t in row.texts]
            text_idx = [i for i, k in enumerate(kinds) if k == "text"]
            if not text_idx:
                continue
            label_end = text_idx[-1] + 1
            key, _, used = best_key([row.texts[i] for i in text_idx], row_specs, self.settings.label_threshold,
                                    lambda k, s: out[k] is None)
            if key is None:
                continue
            fields_ = list(row_specs[key]["fields"])
            placement = place_values(row, len(fields_), label_end)
            if placement.cells is None:
                if any(k in ("number", "blank") for k in kinds[label_end:]):
                    self.warnings.append(f"table2 row {key} (line {row.line}): {placement.how}; cells left null")
                continue
            units = dict(row_specs[key].get("units", {}))
            default_unit = row_specs[key].get("unit")
            out[key] = [to_cell(c, units.get(f, default_unit)) for f, c in zip(fields_, placement.cells)]
            anchors[key] = used
        if all(v is None for v in out.values()):
            return None
        return Table("table2", template, out, anchors)


# --- the stage -----------------------------------------------------------------------------

TABLE_SECTIONS = {"table2": "active_disclosure", "table3": "requests", "table4": "review_litigation"}
READERS = {"table2": Table2Reader, "table3": Table3Reader, "table4": Table4Reader}


@dataclass
class TablesResult:
    tables: dict[str, Optional[Table]]
    warnings: list[str]
    regions: dict[str, tuple[int, int]]  # table → line range it was read from


def read_tables(doc: Document, sections: dict[str, Optional[Section]],
                settings: Optional[ParseSettings] = None) -> TablesResult:
    settings = ParseSettings.resolve(settings)
    spec = rules.load("table_rows")
    tables: dict[str, Optional[Table]] = {}
    warnings: list[str] = []
    regions: dict[str, tuple[int, int]] = {}
    found: dict[str, tuple[int, int]] = {}
    line_warnings: dict[str, list[str]] = {}
    for name, section_key in TABLE_SECTIONS.items():
        region = find_region(doc, sections, section_key, spec[name]["header_words"])
        if region is None:
            tables[name] = None
            continue
        found[name] = region
        rows = split_rows(doc.lines[region[0]:region[1]])
        reader = READERS[name](settings)
        tables[name] = reader.read(rows)
        line_warnings[name] = reader.warnings
        if tables[name] is not None:
            regions[name] = region
    stream_tables, stream_warnings = read_stream_tables(doc, found)
    for name in TABLE_SECTIONS:
        other = stream_tables.get(name)
        if other is not None and cells_read(other) > cells_read(tables.get(name)):
            tables[name] = other
            regions[name] = found.get(name, (0, len(doc.lines)))
            warnings.extend(w for w in stream_warnings if w.startswith(name))
        else:
            warnings.extend(line_warnings.get(name, []))
    warnings.extend(unread_rows(doc, found, tables))
    return TablesResult(tables, warnings, regions)


def printed_labels(name: str) -> dict[str, list[str]]:
    """Row key → the label variants a table prints for it (table2: both templates)."""
    spec = rules.load("table_rows")[name]
    if name == "table2":
        return {k: list(v["labels"]) for rows in ("rows_2021", "rows_2019") for k, v in spec[rows].items()}
    if name == "table4":
        return {k: list(v) for k, v in spec["group_labels"].items()}
    return {k: list(v["labels"]) for k, v in spec["rows"].items() if not v.get("exact")}


def unread_rows(doc: Document, found: dict[str, tuple[int, int]], tables: dict[str, Optional[Table]]) -> list[str]:
    """A row whose label is printed in the table's region but whose cells were not read is said so:
    a null cell is never silent."""
    out = []
    for name, (lo, hi) in found.items():
        flat = normalise_label("".join(line.text for line in doc.lines[max(lo - 1, 0):hi]))
        table = tables.get(name)
        for key, labels in printed_labels(name).items():
            cells = table.rows.get(key) if table is not None else None
            if cells and any(c.value is not None for c in cells):
                continue
            if table is not None and key not in table.rows:
                continue  # a row of the other template
            if any(normalise_label(label) in flat for label in labels):
                out.append(f"{name} row {key}: label printed but no cells read; left null")
    return out


def cells_read(table: Optional[Table]) -> int:
    if table is None:
        return 0
    return sum(1 for cells in table.rows.values() if cells for c in cells if c.value is not None)


def read_stream_tables(doc: Document, found: dict[str, tuple[int, int]]):
    """The web-text reader (gxnlp/parse/flat.py) over the same regions, as one text stream."""
    offsets = [0]
    for line in doc.lines:
        offsets.append(offsets[-1] + len(line.text) + 1)
    text = "\n".join(line.text for line in doc.lines)
    ranges = {name: (offsets[max(found[name][0] - 1, 0)], offsets[found[name][1]]) if name in found else (0, len(text))
              for name in TABLE_SECTIONS}
    return read_flat_tables(text, ranges)
