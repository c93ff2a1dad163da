"""Metadata from real pages: title, agency, year, level and template, read through the page chrome.

Real copies put breadcrumbs, 索引号/发布机构 blocks (pipe tables or lists), crawler headers
(`标题: …`) and widget text before the report, print the title twice or split it over
lines, and often name the body only as 我局/我镇. The rules (title pattern, agency
suffixes, fragments, self-naming sentences, level rules) are data in gxnlp/data/metadata.toml.

find_title → agency (title → field that agrees with the text → self-naming sentence →
signature) → year → level → template.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from gxnlp import rules
from gxnlp.model.core import Document, Line, Meta

YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
SENTENCE = re.compile(r"[，。；！？,;]")
CHROME_SPLIT = re.compile(r"\s*(?:[>＞»]|\|+|｜|•|·|\s{2,}|\t)\s*")
FIELD = re.compile(r"^\s*([\u4e00-\u9fffA-Za-z]{1,6})\s*[:：]\s*")
PREAMBLE_LINES = 40
YEAR_WORD = re.compile("(?:19|20)\\d{2}\u5e74?\u5ea6?")  # "2021年度"


def data():
    return rules.load("metadata")


@lru_cache(maxsize=None)
def title_re() -> re.Pattern:
    return re.compile(data()["title_pattern"])


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- title -----------------------------------------------------------------------------------

def title_parts(line: str) -> list[str]:
    """A line of page chrome cut into its parts: breadcrumb items, pipe cells, `field: value` values."""
    parts = []
    for part in CHROME_SPLIT.split(line):
        part = part.strip()
        while True:
            m = FIELD.match(part)
            if not m:
                break
            part = part[m.end():]
        if part:
            parts.append(part)
    return parts


def title_in(part: str) -> Optional[str]:
    """The title in one part of a line: from its start to the end of the last report word."""
    flat = compact(part)
    if SENTENCE.search(flat) or flat.startswith(tuple(data()["not_title_starts"])):
        return None
    ends = [m.end() for m in title_re().finditer(flat)]
    if not ends:
        return None
    title = flat[: ends[-1]]
    title = re.sub(r"^[《“\"]|[》”\"]$", "", title)
    if len(title) > 70 or len(re.sub(title_re(), "", title)) < 2:
        return None  # a bare column name such as 政府信息公开年报 is not a title
    return title


def find_title(lines: list[Line], first_section: Optional[int]) -> Optional[str]:
    end = min(first_section if first_section is not None else PREAMBLE_LINES, PREAMBLE_LINES)
    texts = [line.text for line in lines[: max(end, 1)] if line.text.strip()]
    for n, text in enumerate(texts):
        parts = title_parts(text)
        for k, part in enumerate(parts):
            title = title_in(part)
            if (title is None and k == len(parts) - 1 and n + 1 < len(texts) and len(compact(part)) <= 40
                    and re.search(r"(?:19|20)\d{2}|年度?$", part)):
                joined = part + texts[n + 1].strip()  # a title split over lines: "…年度" / "报告"
                if not SENTENCE.search(compact(texts[n + 1])):
                    title = title_in(joined)
            if title is None:
                continue
            if YEAR.match(title) and n > 0 and is_agency(compact(texts[n - 1])):
                title = compact(texts[n - 1]) + title  # agency line, then the year line
            return title
    if texts and re.fullmatch(r"(?:19|20)\d{2}年?度?", compact(texts[0])):
        return compact(texts[0])  # a report headed only by its year
    return None


# --- agency ----------------------------------------------------------------------------------

def is_agency(name: Optional[str]) -> bool:
    """A name that ends like a body and is not a fragment of a sentence."""
    if not name or len(name) < 2 or len(name) > 40:
        return False
    if SENTENCE.search(name) or re.search(r"[^\u4e00-\u9fff（）()]", name):
        return False
    if name.startswith(tuple(data()["fragment_starts"])):
        return False
    return name.endswith(tuple(data()["agency_suffixes"]))


def agency_from_title(title: Optional[str]) -> Optional[str]:
    if not title:
        return None
    name = compact(title)
    name = YEAR_WORD.sub("", name)
    m = title_re().search(name)
    if m:
        name = name[: m.start()]
    name = re.sub(r"^[《“\"]|[》”\"]$", "", name)
    for trailing in data()["agency_trailing"]:
        name = name.removeprefix(trailing).removesuffix(trailing)
    name = re.sub(r"(?:政府|政务)?(?:信息)?公开?(?:工作)?$", "", name) if name.endswith(("信息", "公开")) else name
    return name if is_agency(name) and not generic(name) else None


def generic(name: str) -> bool:
    """住建局, 区政府办公室: a functional name without its place is not a proper name."""
    return name in data()["generic_names"] or (bool(re.match(r"^[区市县]", name)) and len(name) <= 8)


def self_references(text: str) -> list[str]:
    return [r for r in data()["self_references"] if r in text]


def agency_from_fields(lines: list[Line], text: str) -> Optional[str]:
    """发布机构/发布单位 … when it names the kind of body the text calls itself (我局 → …局)."""
    refs = self_references(text)
    kinds = {r[1:] for r in refs}
    for line in lines[:PREAMBLE_LINES]:
        flat = compact(line.text)
        for field in data()["agency_fields"]:
            for m in re.finditer(rf"{field}[:：|]*([\u4e00-\u9fff（）()]{{2,30}})", flat):
                value = strip_chrome_words(m.group(1))
                if is_agency(value) and not generic(value) and any(value.endswith(k) for k in kinds if k):
                    return value
    return None


def strip_chrome_words(value: str) -> str:
    """A field value runs into the next field name when the block lost its separators."""
    words = data()["chrome_field_names"]
    cut = min([value.find(w) for w in words if w in value] or [len(value)])
    return value[:cut]


def agency_from_self_name(text: str) -> Optional[str]:
    for pattern in data()["self_name_patterns"]:
        for m in re.finditer(pattern, text):
            name = m.group("a")
            for office in data()["sub_offices"]:
                if name.endswith(office) and len(name) > len(office) + 1:
                    name = name[: -len(office)]
            name = YEAR_WORD.sub("", name)
            if is_agency(name) and not generic(name):
                return name
    return None


def agency_from_signature(lines: list[Line]) -> Optional[str]:
    tail = [compact(line.text) for line in lines if line.text.strip() and line.cells is None][-4:]
    for text in reversed(tail):
        text = re.sub(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$", "", text)
        if is_agency(text) and not generic(text):
            return text
    return None


# --- year, level, template -------------------------------------------------------------------

def find_level(agency: Optional[str], text: str) -> Optional[str]:
    d = data()
    if agency:
        name = agency
        if name in d["municipalities"]:
            return "province"
        for office in d["government_office_suffixes"]:
            if name.endswith(office) and len(name) > len(office):
                name = name[: -len(office)] + "人民政府"  # a government's general office has its level
                break
        best = None
        for order, rule in enumerate(d["level"]):
            for m in re.finditer(rule["pattern"], name):
                rank = (m.end(), -order)
                if best is None or rank > best[0]:
                    best = (rank, rule["level"])
        if best:
            return best[1]
    refs = {**d["level_from_self_reference"], **d["level_from_self_reference_extra"]}
    for ref, level in refs.items():
        if ref in text:
            return level
    return None


def find_template(text: str, year: Optional[int]) -> Optional[str]:
    """A visible table header decides; a hybrid or no header: the report year; no year: an old outline."""
    spec = rules.load("table_rows")["table2"]
    flat = re.sub(r"[\s|“”]", "", text)
    n2019 = any(w in flat for w in spec["template_2019_words"][:5])
    n2021 = any(w in flat for w in spec["template_2021_words"][:4])
    if n2019 and not n2021:
        return "2019"
    if n2021 and not n2019:
        return "2021"
    if year is not None:
        return "pre2019" if year <= 2018 else "2019" if year <= 2020 else "2021"
    if any(w in flat for w in data()["pre2019_words"]):
        return "pre2019"
    return None


def read_meta(doc: Document, sections, year_evidence) -> Meta:
    starts = [s.start for s in sections.values() if s is not None]
    title = find_title(doc.lines, min(starts) if starts else None)
    text = doc.text
    warnings = []
    agency = (agency_from_title(title) or agency_from_fields(doc.lines, text) or agency_from_self_name(text)
              or agency_from_signature(doc.lines))
    if agency is None and self_references(text):
        warnings.append(f"agency not printed: the report calls itself only {self_references(text)[0]}")
    evidence = year_evidence(title, doc.lines, sections)
    year = next((y for y in evidence.values() if y is not None), None)
    meta = Meta(title=title, agency=agency, year=year, level=find_level(agency, text),
                template=find_template(text, year), year_sources=evidence)
    return meta, warnings
