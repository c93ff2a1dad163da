"""Reading one printed cell: its kind (empty, blank mark, number, text) and its value in the column's unit.

Shared by the grid reader (tables.py) and the text-stream reader (flat.py).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from gxnlp import rules

NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
NUMBER_WITH_UNIT = re.compile(r"^(?P<num>[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>[^\d\s]{1,3})$")

@lru_cache(maxsize=None)
def blank_tokens() -> frozenset[str]:
    return frozenset(rules.load("table_rows")["blank_tokens"])


@lru_cache(maxsize=None)
def unit_factors() -> dict[str, float]:
    return dict(rules.load("table_rows")["units"])


def cell_kind(text: str) -> str:
    """'empty', 'blank' (/, -, —, 无), 'number', or 'text'."""
    t = text.strip()
    if not t:
        return "empty"
    if t in blank_tokens():
        return "blank"
    if NUMBER.match(t):
        return "number"
    m = NUMBER_WITH_UNIT.match(t)
    if m and m.group("unit") in unit_factors():
        return "number"
    return "text"


def read_number(text: str, column_unit: Optional[str] = None) -> Optional[float]:
    """The cell's value in the column's unit; None for blank cells."""
    t = text.strip()
    if cell_kind(t) != "number":
        return None
    unit = None
    m = NUMBER_WITH_UNIT.match(t)
    if m:
        t, unit = m.group("num"), m.group("unit")
    digits = t.replace(",", "")
    if "." not in digits and not (unit and column_unit and unit != column_unit):
        return int(digits)  # through float, a 20-digit count would lose its last digits
    value = float(digits)
    if unit and column_unit:
        factors = unit_factors()
        value = value * factors[unit] / factors[column_unit]
        value = round(value, 10)
    return int(value) if value.is_integer() and "." not in t else value


