"""The outline: how the report numbers its parts. Every finding is a `notice` (needs review).

* `outline_numbering` — the top-level numerals (一、二、…) restart, skip or repeat, or the
  statutory headings mix numbering systems (一、 beside 1、).
* `outline_parts` — the opening says the report has N parts (六部分) but N top-level parts follow.
* `outline_heading_only` — a narrative section (一, 五, 六) present but holding only its heading.

Table row labels numbered like headings (一、本年新收…) are not headings (data/audit.toml).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from gxnlp import rules
from gxnlp.model.core import Check, Section

PROSE_SECTIONS = ("overview", "problems", "other")


@lru_cache(maxsize=None)
def outline_rules():
    return rules.load("audit")["outline"]


def numeral(text: str) -> Optional[int]:
    digits = outline_rules()["numerals"]
    if len(text) == 1:
        return digits.index(text) + 1 if text in digits else None
    if len(text) == 2 and text[0] == digits[9]:
        return 10 + digits.index(text[1]) + 1 if text[1] in digits else None
    return None


def top_headings(text: str) -> list[tuple[int, int, str]]:
    """(offset, number, heading text) of each 一、-style heading that is not a table row label."""
    labels = outline_rules()["table_labels"]
    out = []
    for m in re.finditer(outline_rules()["top"], text, flags=re.M):
        n = numeral(m.group("n"))
        if n is None or any(m.group("h").startswith(w) for w in labels):
            continue
        out.append((m.start("n"), n, m.group("h")))
    return out


def runs(headings: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """Split the heading sequence where it restarts at 一."""
    out: list[list] = []
    for h in headings:
        if not out or (h[1] == 1 and out[-1]):
            out.append([h])
        else:
            out[-1].append(h)
    return out


def outline_numbering(text: str, sections: dict[str, Optional[Section]]) -> Check:
    headings = top_headings(text)
    if len(headings) < 2:
        return Check("outline_numbering", "unverifiable", "fewer than two numbered top-level headings", [])
    problems, cells = [], []
    parts = runs(headings)
    if len(parts) > 1 and all(len(p) > 1 for p in parts[:2]):
        second = parts[1][0]
        problems.append(f"numbering restarts at offset {second[0]} («{second[2][:16]}» numbered 1 after "
                        f"{parts[0][-1][1]})")
        cells.append(f"text:{second[0]}")
    first = parts[0]
    for (o1, n1, h1), (o2, n2, h2) in zip(first, first[1:]):
        if n2 == n1:
            problems.append(f"number {n2} twice («{h1[:12]}», «{h2[:12]}»)")
            cells.append(f"text:{o2}")
        elif n2 > n1 + 1:
            problems.append(f"number jumps from {n1} to {n2} before «{h2[:16]}»")
            cells.append(f"text:{o2}")
    numbers = {s.number for s in sections.values() if s is not None and s.number}
    if any(n.isdigit() for n in numbers) and any(not n.isdigit() for n in numbers):
        problems.append("statutory headings mix numbering systems: " + ", ".join(sorted(numbers)))
        cells += [f"sections.{k}" for k, s in sections.items() if s is not None and s.number]
    if problems:
        return Check("outline_numbering", "notice", "; ".join(problems), cells, "source")
    return Check("outline_numbering", "pass", f"{len(first)} top-level headings numbered in order", [])


def outline_parts(text: str) -> Check:
    m = re.search(outline_rules()["parts"], text[:3000])
    if m is None:
        return Check("outline_parts", "unverifiable", "the report does not say how many parts it has", [])
    stated = numeral(m.group("n"))
    after = [h for h in top_headings(text) if h[0] > m.end()]
    if not after:
        return Check("outline_parts", "unverifiable", f"«{m.group(0)}» but no numbered heading follows", [])
    first = runs(after)[0]
    found = len(first)
    listed = text[max(0, m.start() - 200):m.start()]
    if any(w in listed for w in outline_rules()["table_parts"]) and not any(
            w in h for _, _, h in first for w in outline_rules()["table_parts"]):
        found += 1  # the table is one of the parts, printed without a numeral
    if found != stated:
        return Check("outline_parts", "notice",
                     f"«{m.group(0)}» says {stated} parts but {found} numbered parts follow "
                     f"({', '.join(h[:10] for _, _, h in first)})", [f"text:{m.start()}-{m.end()}"], "source")
    return Check("outline_parts", "pass", f"{stated} parts stated and numbered", [])


def prose_length(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff]", text))


def outline_heading_only(sections: dict[str, Optional[Section]]) -> Check:
    least = int(outline_rules()["min_prose"])
    present = [(k, sections.get(k)) for k in PROSE_SECTIONS if sections.get(k) is not None]
    if not present:
        return Check("outline_heading_only", "unverifiable", "no narrative section found", [])
    sub = re.compile(outline_rules()["sub_heading"])
    thin = [k for k, s in present if sub.search(s.text) and prose_length(sub.sub("", s.text)) < least]
    if thin:
        return Check("outline_heading_only", "notice",
                     "section present but holding only (sub-)headings: " + ", ".join(
                         f"{k} «{sections[k].text.strip()[:20]}»" for k in thin),
                     [f"sections.{k}" for k in thin], "source")
    return Check("outline_heading_only", "pass", "narrative sections have text", [])


def outline_checks(text: str, sections: dict[str, Optional[Section]]) -> list[Check]:
    return [outline_numbering(text, sections), outline_parts(text), outline_heading_only(sections)]
