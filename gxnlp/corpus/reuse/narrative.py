"""What is compared: a report's narrative (preamble + sections, no tables, no page chrome), masked.

`narrative(report)` gives the display text; `mask(text, own_names)` gives the masked text that is
hashed and aligned, with `pos[i]` = the display offset of masked character i, so every span found in
masked text maps back to the text a reader sees. Words and patterns: gxnlp/data/boilerplate.toml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from gxnlp import rules


def data() -> dict:
    return rules.load("boilerplate")


@dataclass(slots=True)
class Narrative:
    """One report's narrative: display text, masked text, the map between them, sentence bounds."""

    report_id: str
    text: str
    masked: str
    pos: "np.ndarray"        # masked index → display offset (int32)
    sentences: list[tuple[int, int]]  # [start, end) in masked coordinates
    agency: Optional[str]
    agency_key: Optional[str]
    year: Optional[int]
    site: Optional[str] = None   # the body most named in the narrative: identity evidence

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Display [start, end) of masked [a, b)."""
        if b <= a:
            return (int(self.pos[a]) if a < len(self.pos) else len(self.text),) * 2
        return int(self.pos[a]), int(self.pos[b - 1]) + 1


# --- display text ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def table_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(row labels, note words) of the standard tables (gxnlp/data/table_rows.toml + boilerplate.toml)."""
    t = rules.load("table_rows")
    labels: set[str] = set()

    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                if k in ("labels", "column_labels", "header_words", "page_markers") or isinstance(v, (dict, list)):
                    walk(v)
        elif isinstance(x, list):
            labels.update(v for v in x if isinstance(v, str) and len(v) >= 2)
    walk(t)
    notes = tuple(data()["narrative"]["table_notes"])
    return tuple(sorted(labels, key=len, reverse=True)), notes


def is_table_line(s: str) -> bool:
    """A row label of a standard table (with its bracketed note) or a table note, as a line."""
    labels, notes = table_words()
    if any(w in s for w in notes):
        return True
    core = re.sub(data()["narrative"]["enumerator"], "", s)
    core = re.sub(r"[（(][^）)]*[）)]", "", core)
    core = re.sub(r"[\s“”\"'：:]", "", core)
    return any(core.startswith(lab) and len(core) <= len(lab) + 6 for lab in labels)


def unglue(line: str) -> str:
    """A page-chrome line with the report's first sentence glued on → that sentence onwards, else ''."""
    d = data()["narrative"]
    last = max((line.rfind(c) + len(c) for c in d["chrome"] if c in line), default=-1)
    if last < 0:
        return line
    starts = [i for i in (line.find(g, last) for g in d["glued_starts"]) if i >= 0]
    return line[min(starts):] if starts else ""


def is_narrative_line(line: str) -> bool:
    d = data()["narrative"]
    s = line.strip()
    if not s or "\t" in s or "|" in s:
        return False
    if any(c in s for c in d["chrome"]) or is_table_line(s):
        return False
    return len(s) >= d["long_line"] or any(m in s for m in d["clause_marks"])


def narrative_text(report) -> str:
    """Preamble (Report.preamble) + every section's narrative lines, in document order, by newlines."""
    pre = (getattr(report, "preamble", None) or "").splitlines()
    pre = [unglue(ln) for ln in pre]
    parts = [ln.strip() for ln in pre if is_narrative_line(ln)]
    for s in sorted((s for s in report.sections.values() if s is not None), key=lambda s: s.start):
        parts.extend(ln.strip() for ln in s.text.splitlines() if is_narrative_line(ln))
    return "\n".join(parts)


# --- masking -----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def mask_pattern() -> re.Pattern:
    m = data()["mask"]
    lo, hi = m["name_prefix_chars"]
    suffixes = "|".join(map(re.escape, sorted(m["name_suffixes"], key=len, reverse=True)))
    selfref = "|".join(map(re.escape, sorted(m["self_references"], key=len, reverse=True)))
    return re.compile(
        f"(?P<drop>{m['enumerator']})|(?P<url>{m['url']})|(?P<address>{m['address']})"
        f"|(?P<doc_number>{m['doc_number']})|(?P<date>{m['date']})|(?P<phone>{m['phone']})|(?P<selfref>{selfref})"
        f"|(?P<name>[\\u4e00-\\u9fff]{{{lo},{hi}}}?(?:{suffixes}))|(?P<number>{m['number']})|(?P<drop2>[\\W_]+)")


def own_name_pattern(names) -> Optional[re.Pattern]:
    names = sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names))) if names else None


def own_names(agency: Optional[str]) -> list[str]:
    """The report's own name as printed, and without its level suffix (钟村街道办事处 → 钟村街道, 钟村)."""
    if not agency:
        return []
    out = [agency]
    for suf in sorted(data()["mask"]["name_suffixes"], key=len, reverse=True):
        if agency.endswith(suf) and len(agency) - len(suf) >= 2:
            out.append(agency[: -len(suf)])
    return out


def mask(text: str, own: Optional[re.Pattern] = None) -> tuple[str, list[int]]:
    """(masked text, display offset of each masked character)."""
    ph = data()["mask"]["placeholders"]
    if own is not None:  # the report's own name first: it may carry no suffix the name pattern knows
        spans = [(m.start(), m.end()) for m in own.finditer(text)]
    else:
        spans = []
    out: list[str] = []
    pos: list[int] = []
    pat = mask_pattern()

    def plain(a: int, b: int) -> None:
        at = a
        for m in pat.finditer(text, a, b):
            if m.start() > at:
                out.append(text[at:m.start()])
                pos.extend(range(at, m.start()))
            kind = m.lastgroup
            if kind not in ("drop", "drop2"):
                out.append(ph.get(kind, ph["name"]) if kind != "selfref" else ph["name"])
                pos.append(m.start())
            at = m.end()
        if b > at:
            out.append(text[at:b])
            pos.extend(range(at, b))

    at = 0
    for a, b in spans:
        plain(at, a)
        out.append(ph["name"])
        pos.append(a)
        at = b
    plain(at, len(text))
    return "".join(out), pos


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Display [start, end) of each sentence (ends included)."""
    ends = set(data()["narrative"]["sentence_ends"])
    out, start = [], 0
    for i, c in enumerate(text):
        if c in ends:
            if i + 1 > start:
                out.append((start, i + 1))
            start = i + 1
    if start < len(text):
        out.append((start, len(text)))
    return out


def build(report_id: str, report) -> Narrative:
    """The Narrative of one Report (display text, masked text, sentence bounds in masked coordinates)."""
    from gxnlp.parse.agencies import normalise_agency

    text = narrative_text(report)
    agency = report.meta.agency
    own = own_name_pattern(own_names(agency))
    masked_parts, pos, bounds = [], [], []
    n = 0
    for a, b in sentence_bounds(text):
        m, p = mask(text[a:b], own)
        if not m:
            continue
        masked_parts.append(m)
        pos.extend(a + x for x in p)
        bounds.append((n, n + len(m)))
        n += len(m)
    import numpy as np

    return Narrative(report_id, text, "".join(masked_parts), np.asarray(pos, dtype=np.int32), bounds, agency,
                     normalise_agency(agency) or None, report.meta.year, narrative_agency(text))


def narrative_agency(text: str) -> Optional[str]:
    """The body most named at the start of the narrative (identity evidence when metadata has none)."""
    from collections import Counter

    k = data()["kinds"]
    found = Counter(m.group(0) for m in re.finditer(k["narrative_agency"], text[: k["narrative_agency_chars"]]))
    return found.most_common(1)[0][0] if found else None
