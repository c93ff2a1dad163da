"""Tables read from a text stream: the web-text serialisations that have lost their cell grid.

Crawler and mirror copies print the standard tables as pipe rows, one cell per line, lone `|`
lines, space-separated cells, or the whole table on one line with the separators gone
(`一、本年新收政府信息公开申请数量640020470`). This reader does not rely on lines at all:

find_rows (row labels in template order, inside the text) → value_run (the numbers after a
label) → chunks (numbers split at spaces, pipes, newlines and signs) → fit (exactly the
table's number of cells; a run of digits is split only when the table's own arithmetic
confirms one split) → resolve (rows still ambiguous are settled by the column equations
of table 三, or left null with a warning).

Every split is written into the cell's `note` and into the warnings: never a silent guess.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from gxnlp import rules
from gxnlp.model.core import Cell, Loc, Table
from gxnlp.parse.cells import read_number

TEXT = rules.load("text_patterns")
VALUE_CHARS = re.compile(TEXT["value_chars"])
ENUM_TAIL = re.compile(TEXT["enum_tail"])
NUMBER_TOKEN = re.compile(TEXT["number_token"])
MONEY_UNIT = re.compile(TEXT["money_unit"])
MONEY_UNIT_END = re.compile(TEXT["money_unit_end"])
BLANK_MARK = re.compile(TEXT["blank_mark"])
MAX_CANDIDATES = 50000
LABEL_WINDOW = 90  # a row label follows the previous row's values within this many characters
NOTE = re.compile(r"[（(][^（）()]{0,200}[)）]")
NOTE_MAX = 200  # a bracketed fill-in note after a label (no digits) is skipped up to this length


@lru_cache(maxsize=None)
def flat_spec() -> dict:
    return rules.load("table_rows")["flat"]


def compact_map(text: str) -> tuple[str, list[int]]:
    """Text without whitespace and pipes, with the index of each kept character in `text`."""
    keep = [(i, ch) for i, ch in enumerate(text) if not ch.isspace() and ch not in "|｜“”\"‘’'、，,"]
    return "".join(ch for _, ch in keep), [i for i, _ in keep]


# --- values ----------------------------------------------------------------------------------

def skip_note(text: str, pos: int) -> int:
    """Skip a bracketed note printed after a label (（区分处理的，只计这一情形…）)."""
    while pos < len(text) and text[pos] in "”\"’'：:":
        pos += 1  # the closing quote of 危及“三安全一稳定”
    j = pos
    while j < len(text) and text[j] in " \t\n|｜":
        j += 1
    if j < len(text) and text[j] in "（(":
        close = text.find("）" if text[j] == "（" else ")", j)
        if close != -1 and close - j < NOTE_MAX and not re.search(r"\d", text[j:close]):
            return close + 1
    return pos


def value_run(text: str, pos: int) -> str:
    """The numbers printed after a label: everything up to the next text, minus a next item's enumerator."""
    j = pos
    while j < len(text):
        ch = text[j]
        if VALUE_CHARS.match(ch):
            j += 1
            continue
        if ch == TEXT["blank_word"] and (j + 1 >= len(text) or not re.match(r"[\u4e00-\u9fff]", text[j + 1])):
            j += 1  # 无 standing for a blank cell, not the start of 无法提供
            continue
        break
    run = text[pos:j]
    if j < len(text):  # the run stops at a label: a trailing "2." or "（四" is that label's enumerator
        run = ENUM_TAIL.sub("", run)
    return run


def chunks(run: str) -> list[str]:
    """Numbers and blank marks of a run, split at spaces, pipes, newlines and signs."""
    out = []
    for part in re.split(r"[\s|｜,]+", run):
        if not part:
            continue
        pos = 0
        while pos < len(part):
            m = NUMBER_TOKEN.match(part, pos)
            if m and m.end() > pos:
                out.append(m.group(0))
                pos = m.end()
                continue
            blank = BLANK_MARK.match(part[pos:])
            if blank:
                out.append("/")
                pos += blank.end()
                continue
            pos += 1  # a stray character (a unit cut from its number): ignored
    return [c for c in out if c]


def piece_ok(piece: str) -> bool:
    digits = piece.lstrip("+-")
    if not digits or digits.startswith("."):
        return False
    core = MONEY_UNIT_END.sub("", digits)
    if not core or core.endswith("."):
        return False
    if MONEY_UNIT.search(core):
        return False
    return core == "0" or not core.startswith("0") or core.startswith("0.")


def splits_of(chunk: str, k: int) -> list[tuple[str, ...]]:
    """Every way to cut a digit chunk into k numbers (no leading zeros, decimals kept whole)."""
    if chunk == "/":
        return [("/",)] if k == 1 else []
    if k == 1:
        return [(chunk,)] if piece_ok(chunk) else []
    sign = chunk[0] if chunk[0] in "+-" else ""
    body = chunk[len(sign):]
    unit = MONEY_UNIT_END.search(body)
    digits = body[: unit.start()] if unit else body
    cuts = [i for i in range(1, len(digits)) if digits[i - 1] != "." and digits[i] != "."]
    out = []
    for chosen in itertools.combinations(cuts, k - 1):
        bounds = (0, *chosen, len(digits))
        pieces = [digits[a:b] for a, b in zip(bounds, bounds[1:])]
        pieces[0] = sign + pieces[0]
        if unit:
            pieces[-1] += unit.group(0)
        if all(piece_ok(p) for p in pieces):
            out.append(tuple(pieces))
    return out


def fits(parts: list[str], width: int) -> list[tuple[str, ...]]:
    """Every reading of the chunks as exactly `width` cells."""
    if len(parts) == width:
        return [tuple(parts)]
    if len(parts) > width or not parts:
        return []
    out: list[tuple[str, ...]] = []
    extra = width - len(parts)
    for alloc in allocations(len(parts), extra):
        options = [splits_of(p, a + 1) for p, a in zip(parts, alloc)]
        if any(not o for o in options):
            continue
        for combo in itertools.product(*options):
            out.append(tuple(x for piece in combo for x in piece))
            if len(out) > MAX_CANDIDATES:
                return out
    return out


def allocations(n: int, extra: int):
    """Ways to give `extra` additional pieces to n chunks."""
    if n == 1:
        yield (extra,)
        return
    for first in range(extra + 1):
        for rest in allocations(n - 1, extra - first):
            yield (first, *rest)


def values(cells: tuple[str, ...], unit: Optional[str] = None) -> list[Optional[float]]:
    return [None if c == "/" else read_number(c, unit) for c in cells]


# --- rows ------------------------------------------------------------------------------------

@dataclass
class FoundRow:
    key: str
    label: str
    run: str
    start: int  # index in the text where the values begin
    candidates: list = field(default_factory=list)
    note: Optional[str] = None


def find_label(text: str, compact: str, cmap: list[int], labels, start: int, limit: Optional[int]):
    """First printed label at or after `start` (by index in text), within `limit` characters."""
    cstart = next((n for n, i in enumerate(cmap) if i >= start), len(cmap))
    best = None
    for label in labels:
        n = compact.find(label, cstart)
        if n == -1:
            continue
        if best is None or n < best[0] or (n == best[0] and len(label) > len(best[1])):
            best = (n, label)
    if best is None:
        return None
    n, label = best
    at = cmap[n]
    if limit is not None and at - start > limit and len(NOTE.sub("", text[start:at])) > limit:
        return None  # bracketed fill-in notes between two rows do not count against the window
    end = cmap[n + len(label) - 1] + 1
    return at, end, label


def find_rows(text: str, start: int, end: int, order: list[tuple[str, tuple[str, ...]]]) -> list[FoundRow]:
    """Rows in template order: each label found after the previous row's values."""
    segment = text[:end]
    compact, cmap = compact_map(segment)
    pos, found, first = start, [], True
    for key, labels in order:
        hit = find_label(segment, compact, cmap, labels, pos, None if first else LABEL_WINDOW)
        if hit is None:
            continue
        at, label_end, label = hit
        vstart = skip_note(segment, label_end)
        run = value_run(segment, vstart)
        if not chunks(run):
            continue  # a label with no numbers after it is a heading or prose, not this row
        found.append(FoundRow(key, label, run, vstart))
        pos = vstart + len(run)
        first = False
    return found


# --- the reader ------------------------------------------------------------------------------

@dataclass
class FlatReader:
    warnings: list[str] = field(default_factory=list)
    splits: int = 0

    def note(self, table: str, row: FoundRow, cells: tuple[str, ...]) -> str:
        self.splits += 1
        text = f"digit run '{' '.join(row.run.split())}' read as {'|'.join(cells)}"
        self.warnings.append(f"{table} row {row.key}: {text} (the only split the table's arithmetic confirms)")
        return text

    def cells_of(self, row: FoundRow, chosen: Optional[tuple[str, ...]], width: int,
                 units: Optional[list[Optional[str]]] = None, note: Optional[str] = None) -> list[Cell]:
        if chosen is None:
            return [Cell(None, " ".join(row.run.split()), Loc(), "unread: no split of the digit run is confirmed")] * width
        units = units or [None] * width
        return [Cell(None if c == "/" else read_number(c, u), c, Loc(), note)
                for c, u in zip(chosen, units)]

    # table 2 ---------------------------------------------------------------------------------

    def table2(self, text: str, start: int, end: int, template: str) -> Optional[Table]:
        spec = rules.load("table_rows")["table2"]
        row_specs = spec["rows_2019" if template == "2019" else "rows_2021"]
        order = [(k, tuple(s["labels"])) for k, s in row_specs.items()]
        rows = find_rows(text, start, end, order)
        if not rows:
            return None
        out: dict[str, Optional[list[Cell]]] = {k: None for k in row_specs}
        anchors = {}
        for row in rows:
            fields_ = list(row_specs[row.key]["fields"])
            width = len(fields_)
            units = [dict(row_specs[row.key].get("units", {})).get(f, row_specs[row.key].get("unit"))
                     for f in fields_]
            parts = chunks(row.run)
            options = fits(parts, width)
            chosen, note = None, None
            if len(parts) == width:
                chosen = tuple(parts)
            elif len(options) == 1:
                chosen = options[0]
                note = self.note("table2", row, chosen)
            elif len(parts) < width and all(len(p) == 1 or p == "/" for p in parts) and len(parts) > 1:
                chosen = tuple(parts) + ("/",) * (width - len(parts))
                self.warnings.append(f"table2 row {row.key}: {len(parts)} values for {width} columns; "
                                     f"the missing trailing cells are left blank")
            else:
                self.warnings.append(f"table2 row {row.key}: digit run '{row.run.strip()}' has "
                                     f"{len(options) or 'no'} possible readings as {width} cells and nothing "
                                     f"in the table confirms one; cells left null")
            out[row.key] = self.cells_of(row, chosen, width, units, note)
            anchors[row.key] = row.label
        return Table("table2", template, out, anchors)

    # table 3 ---------------------------------------------------------------------------------

    def table3(self, text: str, start: int, end: int) -> Optional[Table]:
        spec = rules.load("table_rows")["table3"]
        keys = [k for k in flat_spec()["table3_order"]]
        order = [(k, tuple(self.flat_labels(k, spec["rows"][k]))) for k in keys]
        rows = find_rows(text, start, end, order)
        rows = self.drop_group_rows(rows)
        if len(rows) < 2:
            return None
        width = 7
        for row in rows:
            parts = chunks(row.run)
            options = fits(parts, width)
            balanced = [o for o in options if self.balanced(values(o))]
            if len(parts) == width:
                row.candidates = [tuple(parts)]
            elif balanced:
                row.candidates = balanced
            elif len(parts) == 1 and piece_ok(parts[0]) and len(options) != 1:
                row.candidates = [("/",) * 6 + (parts[0],)]
                self.warnings.append(f"table3 row {row.key}: one value printed; read as the total cell, "
                                     f"the applicant cells blank")
            else:
                row.candidates = []
        self.resolve(rows)
        out: dict[str, Optional[list[Cell]]] = {k: None for k in rules.TABLE3_ROWS}
        anchors = {}
        for row in rows:
            if out.get(row.key) is not None:
                continue
            chosen = row.candidates[0] if len(row.candidates) == 1 else None
            note = None
            if chosen is not None and len(chunks(row.run)) != width and chosen != ("/",) * 6 + (chunks(row.run)[0],):
                note = self.note("table3", row, chosen)
            elif chosen is None:
                self.warnings.append(f"table3 row {row.key}: digit run '{' '.join(row.run.split())}' has "
                                     f"{len(row.candidates) or 'no'} readings that the row and column totals "
                                     f"allow; cells left null")
            out[row.key] = self.cells_of(row, chosen, width, None, note)
            anchors[row.key] = row.label
        template = "2019" if out.get("other_processing") is not None else "2021"
        return Table("table3", template, out, anchors)

    @staticmethod
    def flat_labels(key: str, row_spec) -> list[str]:
        labels = list(row_spec["labels"])
        extra = flat_spec()["table3_labels"].get(key)
        return labels + list(extra or [])

    @staticmethod
    def drop_group_rows(rows: list[FoundRow]) -> list[FoundRow]:
        """（六）其他处理 with numbers is the 2019 one-row form; then its sub-items are not printed."""
        keys = {r.key for r in rows}
        if "other_processing" in keys:
            rows = [r for r in rows if r.key not in ("other_no_correction", "other_no_fee", "other_other")]
        return rows

    @staticmethod
    def balanced(vals: list[Optional[float]]) -> bool:
        if vals[-1] is None:
            return False
        return abs(sum(v or 0 for v in vals[:-1]) - vals[-1]) < 1e-9

    def resolve(self, rows: list[FoundRow]):
        """Settle rows with several balanced readings by the columns: results = 总计, 新收+结转 = 总计+结转下年."""
        ambiguous = [r for r in rows if len(r.candidates) > 1]
        if not ambiguous:
            return
        by_key = {r.key: r for r in rows}
        results = [k for k in flat_spec()["table3_results"] if k in by_key]
        total = by_key.get("total_processed")
        space = 1
        for r in ambiguous:
            space *= len(r.candidates)
        if space > MAX_CANDIDATES or total is None:
            return
        good = []
        for combo in itertools.product(*(r.candidates for r in ambiguous)):
            pick = {r.key: c for r, c in zip(ambiguous, combo)}
            if self.columns_hold(by_key, pick, results):
                good.append(combo)
                if len(good) > 1:
                    break
        if len(good) == 1:
            for r, c in zip(ambiguous, good[0]):
                r.candidates = [c]

    @staticmethod
    def columns_hold(by_key, pick, results) -> bool:
        def vals(key):
            row = by_key.get(key)
            if row is None:
                return None
            cand = pick.get(key) or (row.candidates[0] if len(row.candidates) == 1 else None)
            return None if cand is None else values(cand)
        tp = vals("total_processed")
        if tp is None:
            return False
        checked = False
        parts = [vals(k) for k in results]
        if all(p is not None for p in parts):
            for c in range(7):
                if tp[c] is not None and abs(sum((p[c] or 0) for p in parts) - tp[c]) > 1e-9:
                    return False
            checked = True
        nr, co, cf = vals("new_received"), vals("carried_over"), vals("carried_forward")
        if nr is not None and co is not None and cf is not None:
            for c in range(7):
                if None in (nr[c], co[c], cf[c], tp[c]):
                    continue
                if abs(nr[c] + co[c] - tp[c] - cf[c]) > 1e-9:
                    return False
            checked = True
        return checked

    # table 4 ---------------------------------------------------------------------------------

    def table4(self, text: str, start: int, end: int) -> Optional[Table]:
        spec = rules.load("table_rows")["table4"]
        segment = text[start:min(end, start + 400)]
        compact, cmap = compact_map(segment)
        last_header = None
        for word in flat_spec()["table4_header_end"]:
            n = compact.rfind(word)
            if n != -1 and (last_header is None or cmap[n + len(word) - 1] + 1 > last_header):
                last_header = cmap[n + len(word) - 1] + 1
        if last_header is None:
            return None
        run = value_run(text[:end], start + last_header)
        parts = chunks(run)
        if not parts:
            return None
        row = FoundRow("table4", "header", run, start + last_header)
        options = fits(parts, 15)
        good = [o for o in options if all(self.group_ok(values(o[g * 5:(g + 1) * 5])) for g in range(3))]
        chosen, note = None, None
        if len(parts) == 15:
            chosen = tuple(parts)
        elif len(good) == 1:
            chosen = good[0]
            note = self.note("table4", row, chosen)
        else:
            self.warnings.append(f"table4: digit run '{' '.join(run.split())}' has {len(good) or 'no'} readings "
                                 f"in which every group's total is the sum of its results; cells left null")
        cells = self.cells_of(row, chosen, 15, None, note)
        groups = list(spec["groups"])
        out = {g: cells[n * 5:(n + 1) * 5] for n, g in enumerate(groups)}
        return Table("table4", "2021", out, {g: "header run" for g in groups})

    @staticmethod
    def group_ok(vals: list[Optional[float]]) -> bool:
        if vals[4] is None:
            return False
        return abs(sum(v or 0 for v in vals[:4]) - vals[4]) < 1e-9


# --- the stage -------------------------------------------------------------------------------

def first_word(text: str, words, start: int, end: int) -> Optional[int]:
    compact, cmap = compact_map(text[start:end])
    hits = [compact.find(w) for w in words]
    hits = [h for h in hits if h != -1]
    return start + cmap[min(hits)] if hits else None


def table2_template(text: str) -> str:
    """The form of table 2: the headers of the blocks (五)-(八) when printed, else all its headers."""
    spec = rules.load("table_rows")["table2"]
    flat = re.sub(r"[\s|“”]", "", text)
    for a, b in (("shape_2019_words", "shape_2021_words"), ("template_2019_words", "template_2021_words")):
        n2019 = sum(1 for w in spec[a] if w in flat)
        n2021 = sum(1 for w in spec[b] if w in flat)
        if n2019 or n2021:
            return "2019" if n2019 > n2021 else "2021"
    return "2021"


def read_flat_tables(text: str, ranges: dict[str, tuple[int, int]]) -> tuple[dict[str, Optional[Table]], list[str]]:
    """The three tables from a text stream; `ranges` gives each table's character range in `text`."""
    spec = flat_spec()
    reader = FlatReader()
    tables: dict[str, Optional[Table]] = {}
    starts = {}
    for name, words in (("table2", spec["table2_start"]), ("table3", spec["table3_start"]),
                        ("table4", spec["table4_start"])):
        if name in ranges:
            starts[name] = first_word(text, words, *ranges[name])
    for name, (lo, hi) in ranges.items():
        start = starts.get(name)
        if start is None:
            tables[name] = None
            continue
        end = min([hi] + [s for n, s in starts.items() if s is not None and s > start])
        if name == "table2":
            tables[name] = reader.table2(text, start, end, table2_template(re.sub(r"[\s|“”]", "", text[start:end])))
        elif name == "table3":
            tables[name] = reader.table3(text, start, end)
        else:
            tables[name] = reader.table4(text, max(lo, start - 40), end)
    return tables, reader.warnings
