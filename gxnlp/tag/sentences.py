"""Sentences of Chinese official prose, with offsets into the section text.

Why not spaCy here: the parser splits every report, so this is plain regex (well under
2 ms per report). The genre lists its points inside one sentence ("一是…；二是…，三是…"),
so list items become sentences of their own; enumerated topic lines ("（一）主动公开情况")
are headings (Sentence.heading=True), kept apart so that they are never tagged or counted.
Lines with a tab are table rows and are skipped. A sentence wrapped over lines (raw text
given to the spaCy pipeline) is rejoined by the parser's own rule (normalise.continues): its
`text` drops the line break, its `span` covers it. The rules are data: the `[sentences]`
table of gxnlp/data/taxonomy.toml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from gxnlp import rules
from gxnlp.errors import RulesError
from gxnlp.model.core import Line, Loc, Sentence
from gxnlp.parse.normalise import continues

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
    """The `[sentences]` rules, compiled once; a malformed entry raises RulesError."""
    data = rules.load("taxonomy")["sentences"]
    try:
        return _compile(data)
    except (KeyError, TypeError, ValueError, re.error) as e:
        raise RulesError("gxnlp/data/taxonomy.toml", f"[sentences]: {e.__class__.__name__}: {e}") from e


def _compile(data) -> SplitRules:
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
    """Sentences and headings of one section, in order; `span` indexes `text`.

    `text` of a sentence is `text[span]`, except that the line break of a wrapped line is dropped.
    """
    r = split_rules()
    out: list[Sentence] = []
    for joined, positions in prose_blocks(text):
        for s in split_line(section_key, joined, r):
            a, b = s.span
            s.span = (positions[a], positions[b - 1] + 1)
            out.append(s)
    return out


def prose_blocks(text: str) -> list[tuple[str, list[int]]]:
    """Prose lines, wrapped ones joined: (text of the block, offset in `text` of each of its characters).

    Table rows (a tab) and blank lines are left out; a line that `continues` the previous
    one (the parser's rule: a long line stopped mid-sentence) is appended to its block.
    """
    blocks: list[tuple[list[str], list[int]]] = []
    pos = 0
    prev: Line | None = None
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        if "\t" in line:
            prev = None
            continue
        current = Line(line, Loc())
        if prev is not None and continues(prev, current):
            lead = len(line) - len(line.lstrip())
            chars, offsets = blocks[-1]
            while chars and chars[-1].isspace():
                chars.pop()
                offsets.pop()
            body = line.strip()
            chars.extend(body)
            offsets.extend(range(start + lead, start + lead + len(body)))
            prev = Line("".join(chars), Loc())
            continue
        blocks.append((list(line), list(range(start, start + len(line)))))
        prev = current
    return [("".join(chars), offsets) for chars, offsets in blocks]


def split_line(section_key: str, line: str, r: SplitRules) -> list[Sentence]:
    """Sentences of one line (or block of joined lines); spans index `line`."""
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
        out.append(Sentence(piece, section_key, (a, b), heading=heading))
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
