"""Agency names: one key per reporting body, whatever way a report prints it.

Reports name their author loosely: 钟村街道, 钟村街道办事处 and 番禺区钟村街道办事处 are
one body, and pairing its reports across years (checks, coverage) needs one key for it.
A name is read as [parents…] unit: the parents are the areas printed before the body
(广州市番禺区), the unit is the body with its suffix made canonical (街道办事处 → 街道).
The rules are data: gxnlp/data/agencies.toml.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from gxnlp import rules


@dataclass(frozen=True)
class AgencyName:
    """A parsed name: `parents` are (level, name) pairs from the left; `unit` is canonical."""

    parents: tuple[tuple[str, str], ...]
    unit: str
    department: bool

    @property
    def key(self) -> str:
        """The grouping key: the unit, plus the nearest parent when the unit is generic."""
        if self.department and self.parents:
            return self.parents[-1][1] + self.unit
        return self.unit


@dataclass(frozen=True)
class Rules:
    strip: re.Pattern
    prefixes: tuple[re.Pattern, ...]
    suffix_patterns: tuple[re.Pattern, ...]
    suffixes: tuple[tuple[str, str], ...]  # longest first
    bare_jie_max: int
    parents: tuple[tuple[str, str, int], ...]  # (suffix, level, min_chars)
    not_parents: frozenset[str]
    not_parent_endings: tuple[str, ...]
    department_endings: tuple[str, ...]
    infix_government: tuple[str, ...]  # 德清县人民政府办公室: the 人民政府 between area and unit
    bare_jie: str  # 钟村街 → 钟村街道
    bare_jie_completion: str
    area_units: tuple[str, ...]  # units that are areas, never departments (街道, 镇, 乡)


@lru_cache(maxsize=1)
def agency_rules() -> Rules:
    data = rules.load("agencies")
    return Rules(
        strip=re.compile("[" + re.escape(data["strip_chars"]) + "]"),
        prefixes=tuple(re.compile(p) for p in data["prefix_patterns"]),
        suffix_patterns=tuple(re.compile(p) for p in data["suffix_patterns"]),
        suffixes=tuple(sorted(((s["from"], s["to"]) for s in data["suffix"]), key=lambda s: -len(s[0]))),
        bare_jie_max=int(data["bare_jie_max_chars"]),
        parents=tuple((p["suffix"], p["level"], int(p["min_chars"])) for p in data["parent"]),
        not_parents=frozenset(data["not_parents"]),
        not_parent_endings=tuple(data["not_parent_endings"]),
        department_endings=tuple(sorted(data["department_endings"], key=len, reverse=True)),
        infix_government=tuple(data["infix_government"]),
        bare_jie=data["bare_jie"],
        bare_jie_completion=data["bare_jie_completion"],
        area_units=tuple(data["area_units"]),
    )


def clean(name: str, r: Rules) -> str:
    text = unicodedata.normalize("NFKC", name)
    text = r.strip.sub("", text)
    for p in r.prefixes:
        text = p.sub("", text)
    for p in r.suffix_patterns:
        stripped = p.sub("", text)
        if stripped:
            text = stripped
    return text


def canonical_suffix(unit: str, r: Rules) -> str:
    for old, new in r.suffixes:
        if unit.endswith(old) and len(unit) > len(old):
            return unit[: -len(old)] + new
    if unit.endswith(r.bare_jie) and 2 <= len(unit) <= r.bare_jie_max:
        return unit + r.bare_jie_completion
    return unit


def next_parent(text: str, r: Rules) -> Optional[tuple[str, str]]:
    """The shortest area name at the start of `text` that leaves a unit after it."""
    best = None
    for suffix, level, min_chars in r.parents:
        start = 0
        while True:
            i = text.find(suffix, start)
            if i < 0:
                break
            end = i + len(suffix)
            candidate = text[:end]
            if (len(candidate) >= min_chars and candidate not in r.not_parents
                    and not candidate.endswith(r.not_parent_endings) and end < len(text)):
                if best is None or end < len(best[1]):
                    best = (level, candidate)
                break
            start = i + 1
    return best


@lru_cache(maxsize=65536)
def parse_agency(name: str) -> AgencyName:
    """Split a printed agency name into parents and a canonical unit."""
    r = agency_rules()
    text = canonical_suffix(clean(name or "", r), r)
    parents: list[tuple[str, str]] = []
    while True:
        found = next_parent(text, r)
        if found is None:
            break
        parents.append(found)
        text = text[len(found[1]):]
        for word in r.infix_government:
            rest = text[len(word):]
            if text.startswith(word) and rest and rest not in r.department_endings:
                text = rest
                break
    unit = text
    if not unit and parents:  # "德清县人民政府" → the county itself
        unit = parents.pop()[1]
    department = unit.endswith(r.department_endings) and not unit.endswith(r.area_units)
    return AgencyName(tuple(parents), unit, department)


def normalise_agency(name: Optional[str]) -> str:
    """The grouping key of an agency name ("" for none).

    钟村街道, 钟村街道办事处, 番禺区钟村街道办事处 → 钟村街道; 德清县人民政府 → 德清县;
    浙江省德清县自然资源和规划局 → 德清县自然资源和规划局 (a department keeps its nearest parent).
    """
    if not name or not name.strip():
        return ""
    return parse_agency(name.strip()).key


def parents_compatible(a: AgencyName, b: AgencyName) -> bool:
    """No level at which both names give a parent and the parents differ."""
    levels_a: dict[str, set[str]] = {}
    levels_b: dict[str, set[str]] = {}
    for level, n in a.parents:
        levels_a.setdefault(level, set()).add(n)
    for level, n in b.parents:
        levels_b.setdefault(level, set()).add(n)
    # a county-level city (汝州市) is printed with 市 like a prefecture: compare all "city" names too
    for level in set(levels_a) & set(levels_b):
        if not levels_a[level] & levels_b[level]:
            return False
    return True


def same_agency(a: Optional[str], b: Optional[str]) -> bool:
    """True when two printed names can be the same body.

    The units must be equal and the parents must not contradict each other:
    番禺区钟村街道办事处 = 钟村街道, but 汝州市钟楼街道 ≠ 常州市钟楼街道.
    """
    if not a or not b:
        return False
    pa, pb = parse_agency(a.strip()), parse_agency(b.strip())
    return bool(pa.unit) and pa.unit == pb.unit and parents_compatible(pa, pb)
