"""Sentences of Chinese official prose, with offsets into the section text.

Why not spaCy here: the parser splits every report, so this is plain regex (well under
2 ms per report). The genre lists its points inside one sentence ("一是…；二是…，三是…"),
so list items become sentences of their own; enumerated topic lines ("（一）主动公开情况")
are headings (Sentence.heading=True), kept apart so that they are never tagged or counted.
Lines with a tab are table rows and are skipped. The rules are data: the `[sentences]` table
of gxnlp/data/taxonomy.toml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import rules
from .model import Sentence

TRIM = " \t\r\u3000，,、"


@dataclass(frozen=True)
class SplitRules:
    cut: re.Pattern  # end of a sentence: terminal punctuation and closers
    protect: re.Pattern  # spans not to cut inside
    marker: re.Pattern  # a list item starting
    marker_after: str
    heading_marker: re.Pattern
    heading_endings: tuple[str, ...]
    heading_max: int
    bare_max: int
    sentence_punct: re.Pattern


@lru_cache(maxsize=1)
def split_rules() -> SplitRules:
    data = rules.load("taxonomy")["sentences"]
    terminal, closers = re.escape(data["terminal"]), re.escape(data["closers"])
    return SplitRules(
        cut=re.compile(f"[{terminal}]+[{closers}]*"),
        protect=re.compile("|".join(f"(?:{p})" for p in data["protect"])),
        marker=re.compile("|".join(f"(?:{p})" for p in data["markers"])),
        marker_after=data["marker_after"],
        heading_marker=re.compile(r"\s*(?:" + "|".join(f"(?:{p})" for p in data["heading_markers"]) + r")\s*"),
        heading_endings=tuple(data["heading_endings"]),
        heading_max=int(data["heading_max_chars"]),
        bare_max=int(data["bare_line_max_chars"]),
        sentence_punct=re.compile(f"[{re.escape(data['sentence_punct'])}]"),
    )


def split_sentences(section_key: str, text: str) -> list[Sentence]:
    """Sentences and headings of one section, in order; `span` indexes `text` exactly."""
    r = split_rules()
    out: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if "\t" in line or not line.strip():
            continue  # table row or blank
        out.extend(split_line(section_key, line, start, r))
    return out


def split_line(section_key: str, line: str, offset: int, r: SplitRules) -> list[Sentence]:
    protected = [m.span() for m in r.protect.finditer(line)]

    def inside(i: int) -> bool:
        return any(a < i < b for a, b in protected)

    cuts = {0, len(line)}
    for m in r.cut.finditer(line):
        if not inside(m.start()):
            cuts.add(m.end())
    for m in r.marker.finditer(line):
        i = m.start()
        if inside(i) or i == 0:
            continue
        before = line[:i].rstrip()
        if not before or before[-1] in r.marker_after:
            cuts.add(i)
    bounds = sorted(cuts)
    pieces = []
    for a, b in zip(bounds, bounds[1:]):
        while a < b and line[a] in TRIM:
            a += 1
        while b > a and line[b - 1] in TRIM:
            b -= 1
        if a < b:
            pieces.append((a, b))
    out = []
    for n, (a, b) in enumerate(pieces):
        piece = line[a:b]
        heading = is_heading(piece, whole_line=len(pieces) == 1, first=n == 0, r=r)
        out.append(Sentence(piece, section_key, (offset + a, offset + b), heading=heading))
    return out


def is_heading(piece: str, *, whole_line: bool, first: bool, r: SplitRules) -> bool:
    """A title, signature or date line, or an enumerated topic glued before its text."""
    if whole_line and len(piece) <= r.bare_max and not r.sentence_punct.search(piece):
        return True
    if not first:
        return False
    m = r.heading_marker.match(piece)
    if not m:
        return False
    topic = piece[m.end():].rstrip("。：:.；;")
    if not topic or len(topic) > r.heading_max or r.sentence_punct.search(topic):
        return False
    return topic.endswith(r.heading_endings) or (whole_line and not r.sentence_punct.search(piece[m.end():]))
