"""The pre-2019 indicator table (指标名称 | 计量单位 | 本年度 | 历年累计), read from a text stream.

Crawler copies print the table as one run of text: label, unit, then the row's one or two values,
often with every separator gone ("主动公开信息数条4251516其中：1.网站公开条41815092.政府公报公开条77").
Steps, each a function: find_table → find_rows → candidate readings per row (no leading zeros;
the cumulative value is never below the year's) → resolve by the table's own arithmetic (a heading
row is the sum of its numbered sub-items, in both columns). A row with more than one reading left
is null with a warning, never a guess. Rules are data: [old_indicators] in gxnlp/data/table_rows.toml.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from gxnlp import rules

MAX_COMBINATIONS = 20000


@dataclass
class IndicatorRow:
    indicator: str
    unit: str
    run: str
    readings: list[tuple[Optional[int], ...]] = field(default_factory=list)
    year_value: Optional[int] = None
    cumulative: Optional[int] = None
    note: Optional[str] = None

    @property
    def sub_item(self) -> bool:
        return bool(pattern("enumerator").match(self.indicator))

    def to_dict(self) -> dict:
        return {"indicator": self.indicator, "unit": self.unit, "year_value": self.year_value,
                "cumulative": self.cumulative}


def spec() -> dict:
    return rules.load("table_rows")["old_indicators"]


@lru_cache(maxsize=None)
def pattern(key: str) -> re.Pattern:
    if key == "row_pattern":
        units = "|".join(map(re.escape, spec()["units"]))
        return re.compile(spec()["row_pattern"].replace("UNITS", units))
    return re.compile(spec()[key])


def find_table(text: str) -> Optional[tuple[int, int]]:
    """(start of the first row, number of value columns), or None when no indicator table is printed."""
    at = text.find(spec()["header"])
    if at == -1:
        return None
    head = re.sub(r"\s+", "", text[at: at + spec()["header_window"] * 2])[: spec()["header_window"]]
    width = 2 if any(w in head for w in spec()["cumulative_words"]) else 1
    end = at
    for word in spec()["header_end_words"]:
        n = text.find(word, at, at + spec()["header_window"] * 2)
        if n != -1:
            end = max(end, n + len(word))
            break
    return end, width


def readings(run: str, width: int) -> list[tuple[Optional[int], ...]]:
    """Every reading of a value run: spaces are cell boundaries; a glued run is cut without leading
    zeros and with the cumulative value not below the year's. One printed value: cumulative null."""
    tokens = run.split()
    if width == 1 or len(tokens) >= width:
        values = [int(t) for t in tokens[:width]]
        return [tuple(values + [None] * (width - len(values)))] if tokens else []
    token = tokens[0]
    out = []
    for cut in range(1, len(token)):
        a, b = token[:cut], token[cut:]
        if (a.startswith("0") and a != "0") or (b.startswith("0") and b != "0"):
            continue
        if int(b) >= int(a):
            out.append((int(a), int(b)))
    return out or ([(int(token), None)] if len(token) == 1 else [])


def find_rows(text: str, start: int, width: int) -> list[IndicatorRow]:
    rows = []
    body = text[start: start + spec()["table_window"]]
    pos = 0
    for m in pattern("row_pattern").finditer(body):
        if rows and body[pos: m.start()].strip():
            break  # text between rows: the table has ended
        label = re.sub(r"\s+", "", re.sub("^" + spec()["sub_item_prefix"], "", m.group("label").strip()))
        row = IndicatorRow(label, m.group("unit"), m.group("run").strip())
        row.readings = readings(row.run, width)
        rows.append(row)
        pos = m.end()
    return rows


def groups(rows: list[IndicatorRow]) -> list[tuple[int, list[int]]]:
    """(heading row, its numbered sub-item rows)."""
    out, current = [], None
    for i, row in enumerate(rows):
        if row.sub_item and current is not None:
            current[1].append(i)
        else:
            current = (i, [])
            out.append(current)
    return [g for g in out if g[1]]


def consistent(head: tuple, subs: list[tuple]) -> bool:
    for col in range(len(head)):
        if head[col] is None or any(s[col] is None for s in subs):
            continue
        if head[col] != sum(s[col] for s in subs):
            return False
    return True


def resolve(rows: list[IndicatorRow], warnings: list[str]) -> None:
    """Choose each row's reading: the only one, or the only one the group arithmetic allows."""
    allowed = [set(r.readings) for r in rows]
    for head, subs in groups(rows):
        members = [head, *subs]
        options = [rows[i].readings for i in members]
        if any(not o for o in options) or all(len(o) == 1 for o in options):
            continue
        total = 1
        for o in options:
            total *= len(o)
        if total > MAX_COMBINATIONS:
            continue
        good = [c for c in itertools.product(*options) if consistent(c[0], list(c[1:]))]
        for n, i in enumerate(members):
            allowed[i] = {c[n] for c in good} if good else set(rows[i].readings)
    for row, choice in zip(rows, allowed):
        if len(choice) == 1:
            row.year_value, row.cumulative = (list(next(iter(choice))) + [None])[:2]
            if len(row.readings) > 1:
                row.note = f"digit run '{row.run}' read as {row.year_value}|{row.cumulative} (confirmed by sub-item sums)"
                warnings.append(f"old_indicators row {row.indicator}: {row.note}")
        else:
            warnings.append(f"old_indicators row {row.indicator}: digit run '{row.run}' has "
                            f"{len(choice) or 'no'} readings the table's sums allow; cells left null")


def read_old_indicators(text: str) -> tuple[list[IndicatorRow], list[str]]:
    """The indicator rows of a pre-2019 report ([] when it prints none) and the warnings."""
    found = find_table(text)
    if found is None:
        return [], []
    rows = find_rows(text, *found)
    warnings: list[str] = []
    resolve(rows, warnings)
    return rows, warnings
