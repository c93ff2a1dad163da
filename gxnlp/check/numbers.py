"""Numbers as written in the narrative: Arabic (with stray spaces, full-width, thousands
separators), Chinese numerals, 万/亿, approximation words, and the spans that are never counts.

Traditional characters are mapped to simplified ones first (`simplify`, one character for one,
so offsets do not move); the tables live in gxnlp/data/numerals.toml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from gxnlp import rules


@dataclass(frozen=True)
class NumberMatch:
    start: int  # the number (with approximation words) starts here
    end: int  # …and its unit ends here
    value: float
    unit: str
    approx: bool


@lru_cache(maxsize=1)
def number_pattern() -> re.Pattern:
    n = rules.load("numerals")
    units = "|".join(re.escape(u) for u in sorted(n["units"], key=len, reverse=True))
    money = "|".join(re.escape(u) for u in n["money_units"] if u[0] in n["multipliers"])  # 万元, 亿元
    before = "|".join(re.escape(w) for w in sorted(n["approx_before"], key=len, reverse=True))
    after_n = "|".join(re.escape(w) for w in n["approx_after_number"])
    after_u = "|".join(re.escape(w) for w in n["approx_after_unit"])
    chinese = "".join(list(n["digits"]) + list(n["scales"]) + list(n["multipliers"]))
    return re.compile(
        rf"(?P<before>(?:{before})\s*)?"
        rf"(?:(?<![\d.])(?<!\d,)(?P<arabic>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d.]|,\d)|(?P<chinese>[{chinese}]+))"
        rf"\s*(?:(?P<money>{money})|(?P<mult>[{''.join(n['multipliers'])}])?\s*(?P<after_n>{after_n})?\s*(?P<unit>{units}))"
        rf"(?:\s*(?P<after_u>{after_u}))?"
    )


def chinese_value(text: str) -> Optional[int]:
    n = rules.load("numerals")
    digits, scales, mults = n["digits"], n["scales"], n["multipliers"]
    total = section = number = 0
    for ch in text:
        if ch in digits:
            number = digits[ch]
        elif ch in scales:
            section += (number or 1) * scales[ch]
            number = 0
        elif ch in mults:
            total = (total + section + number) * mults[ch]
            section = number = 0
        else:
            return None
    return total + section + number


@lru_cache(maxsize=1)
def _simplify_table() -> dict:
    n = rules.load("numerals")
    return str.maketrans(n["traditional"] + n["fullwidth"], n["simplified"] + n["halfwidth"])


def simplify(text: str) -> str:
    """Traditional and full-width characters to simplified/half-width, one for one (offsets kept)."""
    return text.translate(_simplify_table())


def find_numbers(text: str) -> list[NumberMatch]:
    """Numbers with a counting unit, on the simplified copy of `text` (same offsets)."""
    text = simplify(text)
    n = rules.load("numerals")
    blocked = blocked_spans(text)
    out = []
    for m in number_pattern().finditer(text):
        if any(text.startswith(t, m.end()) for t in n["duration_tails"]):
            continue  # 20个工作日, 3个月
        if m.group("unit") in n["structure_units"] and any(re.compile(t).match(text, m.end()) for t in n["structure_tails"]):
            continue  # 六个方面, 两个责任处室
        start = m.start("arabic") if m.group("arabic") else m.start("chinese")
        if any(a <= start < b for a, b in blocked):
            continue
        if start > 0 and text[start - 1] in n["ordinal_before"]:
            continue  # an ordinal: 第3期
        if m.group("arabic"):
            value = float(m.group("arabic").replace(",", ""))
        else:
            digits = m.group("chinese")
            if start > 0 and text[start - 1] in n["word_before"]:
                continue
            if text[start - 1:start] in n["quotes"] or text[m.end():m.end() + 1] in n["quotes"]:
                continue  # “三个”突出, 抓好“三件”事
            if len(digits) == 1 and digits in n["multipliers"] or digits[0] in n["bare_scales"] and not m.group("after_n") \
                    or (m.group("unit") or "") in n["arabic_only_units"]:
                continue  # 万, 民众办事百项
            v = chinese_value(digits)
            if v is None:
                continue
            value = float(v)
        unit = m.group("money") or m.group("unit")
        if m.group("mult"):
            value *= n["multipliers"][m.group("mult")]
        approx = bool(m.group("before") or m.group("after_n") or m.group("after_u"))
        value = int(value) if value.is_integer() else value
        out.append(NumberMatch(m.start() if m.group("before") else start, m.end(), value, unit, approx))
    out += reach_numbers(text, out)
    return sorted(out, key=lambda x: x.start)


@lru_cache(maxsize=1)
def reach_pattern() -> re.Pattern:
    n = rules.load("numerals")
    words = "|".join(map(re.escape, n["reach_units"]))
    before = "|".join(re.escape(w) for w in sorted(n["approx_before"], key=len, reverse=True))
    mult = "".join(n["multipliers"])
    after = "|".join(map(re.escape, n["approx_after_number"]))
    return re.compile(rf"(?P<word>{words}){n['reach_between']}(?P<before>(?:{before})\s*)?(?P<num>\d+(?:\.\d+)?)\s*(?P<mult>[{mult}])?"
                      rf"(?P<after>{after})?(?!\s*[\d.]|\s*[{mult}])")


def reach_numbers(text: str, found: list[NumberMatch]) -> list[NumberMatch]:
    """累计点击量450万, 关注人数逾50万: reach figures with the counting word left out (unit inferred)."""
    n = rules.load("numerals")
    out = []
    for m in reach_pattern().finditer(text):
        start = m.start("before") if m.group("before") else m.start("num")
        if any(f.start <= start < f.end or start <= f.start < m.end() for f in found):
            continue  # the count carries its own unit (点击量2万次)
        value = float(m.group("num")) * (n["multipliers"][m.group("mult")] if m.group("mult") else 1)
        value = int(value) if value.is_integer() else value
        out.append(NumberMatch(start, m.end(), value, n["reach_units"][m.group("word")],
                               bool(m.group("before") or m.group("after"))))
    return out


def blocked_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for phrase in rules.load("numerals")["not_claims"]:
        for m in re.finditer(re.escape(phrase), text):
            spans.append((m.start(), m.end()))
    open_, close = rules.load("numerals")["titles"]
    for m in re.finditer(re.escape(open_) + "[^" + re.escape(close) + "]{0,60}" + re.escape(close), text):
        spans.append((m.start(), m.end()))
    return spans


