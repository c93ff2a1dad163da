"""Segment: the six sections, and the metadata (title, agency, year, level).

Headings are matched by their titles (gxnlp/data/sections.toml), never by the
printed numeral alone: reports misnumber sections ("六、存在的主要问题"), and the
table rows "一、本年新收…" look like headings but name no section title.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Optional

from gxnlp import rules
from gxnlp.model.core import Document, Line, Meta, Section

TEXT = rules.load("text_patterns")
ENUMERATOR = re.compile(TEXT["heading_enumerator"])
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
PERIOD = re.compile(TEXT["statistics_period"])


@dataclass(frozen=True)
class Heading:
    index: int  # line index of the heading
    key: str
    number: Optional[str]
    text: str
    remainder: str  # text glued after the title on the same line
    absorbed: int  # following lines that completed a split title


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def match_heading(text: str) -> Optional[tuple[str, Optional[str], str, str]]:
    """(key, printed numeral, title as printed, remainder) when the line opens a section."""
    data = rules.load("sections")
    stripped = text.strip()
    m = ENUMERATOR.match(stripped)
    number = (m.group(1) or m.group(2)) if m else None
    rest = stripped[m.end():] if m else stripped
    flat = compact(rest)
    for section in data["section"]:
        for title in sorted(section["titles"], key=len, reverse=True):
            if not flat.startswith(title):
                continue
            consumed = consume(rest, title)
            remainder = rest[consumed:].lstrip(" ：:。.")
            if not remainder and len(stripped) > data["max_heading_chars"]:
                continue
            if number is None and remainder:
                continue  # an unnumbered title must stand alone on its line
            return section["key"], number, stripped[: m.end() + consumed if m else consumed].strip(), remainder
    return None


def consume(text: str, title: str) -> int:
    """Index in `text` just after the characters of `title`, skipping spaces."""
    i = j = 0
    while i < len(text) and j < len(title):
        if text[i].isspace():
            i += 1
            continue
        i += 1
        j += 1
    return i


def find_headings(lines: list[Line]) -> list[Heading]:
    found = []
    for i, line in enumerate(lines):
        if line.cells is not None and sum(bool(c) for c in line.cells) > 1:
            continue
        text = line.text if line.cells is None else " ".join(c for c in line.cells if c)
        hit = match_heading(text)
        if not hit:
            continue
        key, number, heading, remainder = hit
        absorbed = 0
        if not remainder:
            nxt = next_nonblank(lines, i)
            if nxt is not None and len(lines[nxt].text.strip()) <= 6:
                longer = match_heading(text + lines[nxt].text.strip())
                if longer and longer[0] == key and len(compact(longer[2])) > len(compact(heading)) and not longer[3]:
                    heading, absorbed = longer[2], nxt - i
        found.append(Heading(i, key, number, heading, remainder, absorbed))
    return choose_headings(found, lines)


def next_nonblank(lines: list[Line], i: int) -> Optional[int]:
    for j in range(i + 1, min(i + 4, len(lines))):
        if lines[j].text.strip():
            return j
    return None


def choose_headings(found: list[Heading], lines: list[Line]) -> list[Heading]:
    """One heading per key: the first one followed by content (a table of contents is skipped)."""
    chosen: dict[str, Heading] = {}
    for n, h in enumerate(found):
        end = found[n + 1].index if n + 1 < len(found) else len(lines)
        has_body = bool(h.remainder) or any(lines[j].text.strip() for j in range(h.index + 1 + h.absorbed, end))
        if h.key not in chosen or (has_body and not chosen[h.key][1]):
            chosen[h.key] = (h, has_body)
    return sorted((h for h, _ in chosen.values()), key=lambda h: h.index)


def segment(doc: Document) -> tuple[dict[str, Optional[Section]], list[str]]:
    lines = doc.lines
    headings = find_headings(lines)
    sections: dict[str, Optional[Section]] = {key: None for key in rules.SECTION_KEYS}
    warnings = []
    for n, h in enumerate(headings):
        end = headings[n + 1].index if n + 1 < len(headings) else len(lines)
        body = [h.remainder] if h.remainder else []
        body += [lines[j].text for j in range(h.index + 1 + h.absorbed, end)]
        text = "\n".join(body).strip("\n")
        sections[h.key] = Section(h.key, h.text, h.index, end, text, h.number)
    missing = [k for k, v in sections.items() if v is None]
    if missing:
        warnings.append(f"sections not found: {', '.join(missing)}")
    return sections, warnings


def preamble(lines: list[Line], sections: dict[str, Optional[Section]]) -> list[Line]:
    """The lines before the first section heading (all of them when no section was found)."""
    starts = [s.start for s in sections.values() if s is not None]
    return lines[: min(starts)] if starts else lines


def year_evidence(title: Optional[str], lines: list[Line], sections) -> dict[str, Optional[int]]:
    """The year as the title, the statistics period and the narrative each state it."""
    title_year = YEAR.search(compact(title)) if title else None
    period = PERIOD.search("\n".join(line.text for line in lines))
    overview = sections.get("overview")
    body = overview.text if overview else "\n".join(line.text for line in lines)
    years = Counter(int(y) for y in YEAR.findall(body))
    return {
        "title": int(title_year.group(1)) if title_year else None,
        "statistics period": int(period.group(1)) if period else None,
        "narrative": years.most_common(1)[0][0] if years else None,
    }


def read_meta(doc: Document, sections) -> Meta:
    """Title, agency, year, level and template (gxnlp/parse/meta.py); a guess is noted in doc.warnings."""
    from gxnlp.parse import meta

    found, warnings = meta.read_meta(doc, sections, year_evidence)
    doc.warnings.extend(w for w in warnings if w not in doc.warnings)
    return found
