"""Rhetoric features of one report: how much slogan, how many numbers, how deep the self-criticism.

Why: the narrative of a 年度报告 ranges from concrete accounts ("全年主动公开信息220条") to
stock phrases that fit any agency; these per-report numbers let a researcher compare that by
level and year (notebooks/01_transparency_rhetoric.ipynb). Every lexicon is data
(gxnlp/data/rhetoric.toml); the formulas are in `features` and in notebooks/README.md.

The text measured is the *narrative*: the non-heading sentences of the six sections (table
rows, headings, signature and date lines are not narrative; `gxnlp.sentences` decides).
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional, Union

from gxnlp import rules
from gxnlp.errors import RulesError
from gxnlp.model.core import Report, Sentence

PER = 1000  # rates are per 1,000 characters
CLAUSE_END = re.compile("[。；！？;!?]")


@dataclass(frozen=True)
class Slogan:
    id: str
    family: str
    pattern: re.Pattern


@dataclass(frozen=True)
class Lexicon:
    slogans: tuple[Slogan, ...]
    token: re.Pattern
    exclude: re.Pattern
    min_offset: int
    improvement: re.Pattern
    concrete: re.Pattern
    generic: re.Pattern
    remedies: dict

    @property
    def families(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.family for s in self.slogans))


def _any(where: str, patterns) -> re.Pattern:
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)")
    except re.error as e:
        raise RulesError(where, f"bad pattern: {e}") from e


def _build(data: dict, where: str) -> Lexicon:
    slogans = []
    for entry in data.get("slogan", []):
        if not entry.get("id") or not entry.get("patterns"):
            raise RulesError(where, f"slogan entry needs an id and patterns: {entry!r}")
        slogans.append(Slogan(entry["id"], entry.get("family", "other"), _any(where, entry["patterns"])))
    sc = data["self_criticism"]
    return Lexicon(
        slogans=tuple(slogans),
        token=_any(where, [data["numbers"]["token"]]),
        exclude=_any(where, data["numbers"]["exclude"]),
        min_offset=int(sc.get("min_offset", 0)),
        improvement=_any(where, sc["improvement_markers"]),
        concrete=_any(where, sc["concrete"]),
        generic=_any(where, sc["generic"]),
        remedies={k: tuple(v) for k, v in data.get("remedies", {}).items()},
    )


def _thaw(obj):
    if isinstance(obj, dict) or hasattr(obj, "items"):
        return {k: _thaw(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_thaw(v) for v in obj]
    return obj


def load_lexicon(extra_path: Union[str, Path, None] = None) -> Lexicon:
    """The shipped lexicon, optionally extended by a user TOML of the same shape.

    Slogans with a new id are added and a known id is replaced; `numbers`, `self_criticism`
    and `remedies` keys given in the extra file replace the shipped ones.
    """
    if extra_path is None:
        return shipped_lexicon()
    data = _thaw(rules.load("rhetoric"))
    try:
        extra = tomllib.loads(Path(extra_path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RulesError(str(extra_path), str(e)) from e
    by_id = {s["id"]: s for s in data["slogan"]}
    for s in extra.get("slogan", []):
        by_id[s.get("id")] = s
    data["slogan"] = list(by_id.values())
    for table in ("numbers", "self_criticism", "remedies"):
        data[table] = {**data.get(table, {}), **extra.get(table, {})}
    return _build(data, str(extra_path))


@lru_cache(maxsize=1)
def shipped_lexicon() -> Lexicon:
    return _build(_thaw(rules.load("rhetoric")), "gxnlp/data/rhetoric.toml")


# --- counting ------------------------------------------------------------------------------

def slogan_spans(text: str, lexicon: Optional[Lexicon] = None) -> list[tuple[int, int, str]]:
    """(start, end, slogan id) of every slogan in `text`; of overlapping hits the longer wins."""
    lex = lexicon or shipped_lexicon()
    hits = [(m.start(), m.end(), s.id) for s in lex.slogans for m in s.pattern.finditer(text) if m.end() > m.start()]
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out, end = [], -1
    for h in hits:
        if h[0] >= end:
            out.append(h)
            end = h[1]
    return out


def numeric_tokens(text: str, lexicon: Optional[Lexicon] = None) -> list[str]:
    """Arabic-digit quantities in `text`, leaving out years, dates, document numbers, list markers, phones."""
    lex = lexicon or shipped_lexicon()
    excluded = [m.span() for m in lex.exclude.finditer(text)]
    return [m.group() for m in lex.token.finditer(text)
            if not any(a <= m.start() < b for a, b in excluded)]


def chars(text: str) -> int:
    """Characters that count: everything but whitespace."""
    return sum(not c.isspace() for c in text)


def rate(count: float, n_chars: int) -> float:
    """count per 1,000 characters; NaN when there is no text (0 would claim a measurement)."""
    return count * PER / n_chars if n_chars else math.nan


# --- sentences and section 五 ----------------------------------------------------------------

def sentences_of(report: Report) -> list[Sentence]:
    """The report's labelled sentences: `report.sentences` when the pipeline filled them,
    else split and tagged here (the shipped model, or the rule layer when there is none)."""
    if report.sentences:
        return report.sentences
    from gxnlp.tag.tagger import tag_sections

    return tag_sections(report.sections)


def narrative(sentences: Iterable[Sentence]) -> list[Sentence]:
    return [s for s in sentences if not s.heading]


def improvement_offset(text: str, lexicon: Optional[Lexicon] = None) -> int:
    """Where section 五's improvement part starts (len(text) when no marker is found)."""
    lex = lexicon or shipped_lexicon()
    for m in lex.improvement.finditer(text):
        if m.start() < lex.min_offset:
            continue
        # a marker in the first clause of its line ("（二）2022年存在问题的改进情况",
        # "2023年，我街道将…") takes the whole line with it
        line_start = text.rfind("\n", 0, m.start()) + 1
        if not CLAUSE_END.search(text, line_start, m.start()):
            return line_start if line_start >= lex.min_offset else m.start()
        return m.start()
    return len(text)


def problem_part(report: Report, lexicon: Optional[Lexicon] = None) -> str:
    """Section 五's text up to its first improvement marker ('' when the section is absent)."""
    section = report.sections.get("problems")
    if section is None:
        return ""
    return section.text[:improvement_offset(section.text, lexicon)]


def in_problem_part(sentence: Sentence, cut: int) -> bool:
    return sentence.section == "problems" and sentence.span[0] < cut


def label_names(sentence: Sentence) -> list[str]:
    return [lab for lab, _ in sentence.labels]


# --- features ------------------------------------------------------------------------------

FEATURES = dict(rules.load("rhetoric")["features"])  # name → formula, as data (gxnlp/data/rhetoric.toml)


def features(report: Report, lexicon: Optional[Lexicon] = None,
             sentences: Optional[list[Sentence]] = None) -> dict:
    """Per-report rhetoric features (identity columns first); formulas in FEATURES.

    Rates are NaN, not 0, when their denominator is 0 (no narrative, no section 五).
    """
    lex = lexicon or shipped_lexicon()
    sents = narrative(sentences if sentences is not None else sentences_of(report))
    n_chars = sum(chars(s.text) for s in sents)

    slogans = [h for s in sents for h in slogan_spans(s.text, lex)]
    family_of = {s.id: s.family for s in lex.slogans}
    tokens = sum(len(numeric_tokens(s.text, lex)) for s in sents)

    section = report.sections.get("problems")
    cut = improvement_offset(section.text, lex) if section is not None else 0
    part = [s for s in sents if in_problem_part(s, cut)]
    part_chars = sum(chars(s.text) for s in part)
    concrete = [len(numeric_tokens(s.text, lex)) + len(lex.concrete.findall(s.text)) for s in part]
    generic = [bool(lex.generic.search(s.text)) and not c for s, c in zip(part, concrete)]

    problems = {lab for s in sents for lab in label_names(s) if lab.startswith("problem:")}
    measures = {lab for s in sents for lab in label_names(s) if lab.startswith("measure:")}
    measures_in_five = {lab for s in sents if s.section == "problems" for lab in label_names(s)
                        if lab.startswith("measure:")}
    remedied = [p for p in problems if set(lex.remedies.get(p, ())) & measures_in_five]

    m = report.meta
    out = {
        "source": report.source, "agency": m.agency, "year": m.year, "level": m.level, "format": report.format,
        "narrative_chars": n_chars,
        "slogan_hits": len(slogans),
        "slogan_density": rate(len(slogans), n_chars),
        "slogan_kinds": len({h[2] for h in slogans}),
    }
    for family in lex.families:
        out[f"slogan_{family}"] = sum(family_of[h[2]] == family for h in slogans)
    out.update({
        "numeric_tokens": tokens,
        "specificity": rate(tokens, n_chars),
        "claims": len(report.claims),
        "claim_density": rate(len(report.claims), n_chars),
        "self_criticism_chars": part_chars,
        "self_criticism_share": part_chars / n_chars if n_chars else math.nan,
        "self_criticism_sentences": len(part),
        "self_criticism_specificity": rate(sum(concrete), part_chars),
        "self_criticism_generic_share": sum(generic) / len(part) if part else math.nan,
        "problem_count": sum(any(lab.startswith("problem:") for lab in label_names(s)) for s in sents),
        "measure_count": sum(any(lab.startswith("measure:") for lab in label_names(s)) for s in sents),
        "problem_categories": len(problems),
        "measure_categories": len(measures),
        "remedy_rate": len(remedied) / len(problems) if problems else math.nan,
    })
    return out


def features_frame(reports: Iterable[Report], lexicon: Optional[Lexicon] = None):
    """One row per report (pandas DataFrame), columns as `features`."""
    import pandas as pd

    return pd.DataFrame([features(r, lexicon) for r in reports])


def labels_frame(reports: Iterable[Report], lexicon: Optional[Lexicon] = None):
    """One row per (report, sentence, label), for category counts and co-occurrence.

    `part` is 'problem' or 'improvement' inside section 五 (split as in `features`), else ''.
    """
    import pandas as pd

    lex = lexicon or shipped_lexicon()
    rows = []
    for r in reports:
        section = r.sections.get("problems")
        cut = improvement_offset(section.text, lex) if section is not None else 0
        for i, s in enumerate(narrative(sentences_of(r))):
            part = "" if s.section != "problems" else ("problem" if s.span[0] < cut else "improvement")
            for lab in label_names(s):
                rows.append({"source": r.source, "agency": r.meta.agency, "year": r.meta.year,
                             "level": r.meta.level, "section": s.section, "part": part, "sentence": i,
                             "label": lab, "family": lab.split(":", 1)[0], "text": s.text})
    return pd.DataFrame(rows, columns=["source", "agency", "year", "level", "section", "part", "sentence",
                                       "label", "family", "text"])
