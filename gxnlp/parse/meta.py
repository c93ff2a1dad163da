"""Metadata from real pages: title, agency, year, level and template, read through the page chrome.

Real copies put breadcrumbs, 索引号/发布机构 blocks (pipe tables or lists), crawler headers
(`标题: …`) and widget text before the report, print the title twice or split it over
lines, and often name the body only as 我局/我镇. The rules (title pattern, agency
suffixes, fragments, self-naming sentences, level rules) are data in gxnlp/data/metadata.toml.

find_title (the article's own heading after a crawler header; a title field; the first title
line, breadcrumb and publication date cut off) → agency (title → publisher field that agrees
with the text's 我局/我镇 → self-naming sentence → the subject of an opening paragraph →
signature → the body's own guide; a department named without its place is completed by the
signature) → year → level (of the agency, else of a generic name it printed, else of its
self-references) → template.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from gxnlp import rules
from gxnlp.model.core import Document, Line, Meta
from gxnlp.parse.agencies import parse_agency

YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
SENTENCE = re.compile(r"[，。；！？,;]")
CHROME_SPLIT = re.compile(r"\s*(?:[>＞»/／]|\|+|｜|•|·|\s{2,}|\t)\s*")
FIELD = re.compile(r"^\s*([\u4e00-\u9fffA-Za-z]{1,6})\s*[:：]\s*")
PREAMBLE_LINES = 40


def data():
    return rules.load("metadata")


@lru_cache(maxsize=None)
def title_re() -> re.Pattern:
    return re.compile(data()["title_pattern"])


@lru_cache(maxsize=None)
def pattern(key: str) -> re.Pattern:
    """A regex of metadata.toml, compiled once."""
    return re.compile(data()[key])


@lru_cache(maxsize=None)
def field_label() -> re.Pattern:
    """A title field label at the start of a line, its characters possibly spaced out (标      题)."""
    names = "|".join(r"\s*".join(map(re.escape, name)) for name in data()["title_fields"])
    return re.compile(rf"^\s*(?:{names})(?:\s*[:：|]\s*|\s*)(?=\S)")


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
    first = title_re().search(flat)
    if SENTENCE.search(flat) and first and flat[first.end():].startswith(tuple(data()["not_title_starts"])):
        return title_in(flat[: first.end()])  # the title runs into the opening sentence (…报告根据《条例》)
    if SENTENCE.search(flat):
        head = part.split()
        if len(head) > 1 and not SENTENCE.search(head[0]):
            return title_in(head[0])  # the title runs into the first paragraph after one space
        return None
    for prefix in data()["title_date_prefixes"]:
        flat = re.sub(prefix, "", flat)  # a publication date before the title is chrome
    if flat.startswith(tuple(data()["not_title_starts"])):
        return None
    ends = [m.end() for m in title_re().finditer(flat)]
    if not ends:
        return None
    title = flat[: ends[-1]]
    if len(ends) > 1 and len(re.sub(title_re(), "", flat[ends[-2]: ends[-1]])) >= 2:
        title = flat[ends[-2]: ends[-1]]  # a breadcrumb ending in its column name (…政府信息公开年报) before the title
    title = re.sub(r"^[《“\"]|[》”\"]$", "", title)
    if len(title) > 70 or len(re.sub(title_re(), "", title)) < 2:
        return None  # a bare column name such as 政府信息公开年报 is not a title
    return title


def field_title(texts: list[str]) -> Optional[str]:
    """A title printed in a title field of a metadata block (名称 | …, 标  题 …) wins."""
    fields = {compact(f) for f in data()["title_fields"]}
    for text in texts:
        m = field_label().match(text)
        if m:
            title = title_in(CHROME_SPLIT.split(text[m.end():].strip())[0])
            if title:
                return title
        cells = [compact(c) for c in re.split(r"\s*[|｜]\s*", text)]
        for k, cell in enumerate(cells[:-1]):
            if cell in fields:
                title = title_in(cells[k + 1])
                if title:
                    return title
    return None


def body_start(lines: list[Line]) -> int:
    """The first line after a crawler header's body marker (0 when there is none)."""
    for n, line in enumerate(lines[:PREAMBLE_LINES]):
        if any(marker in line.text for marker in data()["body_markers"]):
            return n + 1
    return 0


def find_title(lines: list[Line], first_section: Optional[int]) -> Optional[str]:
    end = min(first_section if first_section is not None else PREAMBLE_LINES, PREAMBLE_LINES)
    start = body_start(lines)
    if start and start < len(lines):
        found = title_from(lines[start: max(end, start + 3)])  # the article's own heading first
        if found:
            return found
    return field_title([line.text for line in lines[: max(end, 1)] if line.text.strip()]) \
        or title_from(lines[: max(end, 1)])


def title_from(lines: list[Line]) -> Optional[str]:
    texts = [line.text for line in lines if line.text.strip()]
    for n, text in enumerate(texts):
        parts = title_parts(text)
        for k, part in enumerate(parts):
            title = title_in(part)
            if (title is None and k == len(parts) - 1 and n + 1 < len(texts) and len(compact(part)) <= 40
                    and pattern("title_split_end").search(compact(part))):
                joined = part + texts[n + 1].strip()  # a title split over lines: "…年度" / "报告"
                if not SENTENCE.search(compact(texts[n + 1])):
                    title = title_in(joined)
            if title is None:
                continue
            if YEAR.match(title) and n > 0 and is_agency(compact(texts[n - 1])):
                title = compact(texts[n - 1]) + title  # agency line, then the year line
            return title
    if texts and re.fullmatch(data()["year_word"], compact(texts[0])):
        return compact(texts[0])  # a report headed only by its year
    return None


# --- agency ----------------------------------------------------------------------------------

def is_agency(name: Optional[str], *, in_title: bool = False) -> bool:
    """A name that ends like a body and is not a fragment of a sentence.

    A title names its body on purpose, so one-character fragment words (和/向/全 …) may start it
    there (和平街道办事处, 向阳镇, 全椒县); in body text they mark a sentence fragment.
    """
    if not name or len(name) < 2 or len(name) > 40:
        return False
    if SENTENCE.search(name) or re.search(r"[^\u4e00-\u9fff（）()]", name):
        return False
    starts = [f for f in data()["fragment_starts"] if not (in_title and len(f) == 1)]
    if name.startswith(tuple(starts)):
        return False
    suffix = max((s for s in data()["agency_suffixes"] if name.endswith(s)), key=len, default=None)
    return suffix is not None and len(name) > len(suffix)  # a bare 街道/政府 names no body


def agency_from_title(title: Optional[str]) -> Optional[str]:
    if not title:
        return None
    name = pattern("year_word").sub("", compact(title))
    m = title_re().search(name)
    word = ""
    if m:
        name, word = name[: m.start()], m.group(0)
    name = re.sub(r"^[《“\"]|[》”\"]$", "", name)
    for trailing in data()["agency_trailing"]:
        name = name.removeprefix(trailing).removesuffix(trailing)
    if name.endswith(tuple(data()["agency_title_tail_ends"])):
        name = pattern("agency_title_tail").sub("", name)
    gov = data()["government_word"]
    if name.endswith(data()["people_word"]) and word.startswith(gov):
        name += gov  # 泾县人民|政府信息公开年度报告
    return name if is_agency(name, in_title=True) and not generic(name) else None


def generic(name: str) -> bool:
    """住建局, 区政府办公室: a functional name without its place is not a proper name."""
    return name in data()["generic_names"] or (
        bool(pattern("generic_prefix").match(name)) and len(name) <= data()["generic_max_chars"])


def self_references(text: str) -> list[str]:
    return [r for r in data()["self_references"] if r in text]


def field_values(lines: list[Line]) -> list[str]:
    """Values of the publisher fields: `发布机构: X`, `发布机构 | X`, or a header row over a value row."""
    fields = data()["agency_fields"]
    values = []
    rows = [[compact(c) for c in re.split(r"\s*[|｜]\s*", line.text.strip().strip("|"))]
            for line in lines[:PREAMBLE_LINES]]
    for n, line in enumerate(lines[:PREAMBLE_LINES]):
        flat = compact(line.text)
        for field in fields:
            for m in re.finditer(rf"{field}[:：|]*([\u4e00-\u9fff（）()]{{2,30}})", flat):
                values.append(strip_chrome_words(m.group(1)))
        cells = rows[n]
        if n + 1 < len(rows) and len(cells) > 1 and len(rows[n + 1]) == len(cells):
            for k, cell in enumerate(cells):
                if cell.rstrip(":：") in fields:
                    values.append(rows[n + 1][k])
    return values


def agency_from_fields(lines: list[Line], text: str) -> Optional[str]:
    """发布机构/发布单位 … when it names the kind of body the text calls itself (我局 → …局)."""
    kinds = {r[1:] for r in self_references(text)}
    for value in field_values(lines):
        bare = value
        for ending in data()["government_endings"]:
            if bare.endswith(ending) and len(bare) > len(ending):
                bare = bare[: -len(ending)]
                break
        if (is_agency(value) and not generic(value)
                and any(value.endswith(k) or bare.endswith(k) for k in kinds if k)):
            return value
    return None


def strip_chrome_words(value: str) -> str:
    """A field value runs into the next field name when the block lost its separators."""
    words = data()["chrome_field_names"]
    cut = min([value.find(w) for w in words if w in value] or [len(value)])
    return value[:cut]


def clean_name(name: str) -> str:
    for office in data()["sub_offices"]:
        if name.endswith(office) and len(name) > len(office) + 1:
            name = name[: -len(office)]
    return pattern("year_word").sub("", name)


def agency_from_self_name(text: str, key: str = "self_name_patterns") -> Optional[str]:
    for source in data()[key]:
        for m in re.finditer(source, text):
            name = clean_name(m.group("a"))
            if is_agency(name) and not generic(name):
                return name
    return None


def agency_from_subject(lines: list[Line], first_section: Optional[int]) -> Optional[str]:
    """The body as the subject of an opening paragraph: "2022年，抚远市自然资源局不断强化…"."""
    start = first_section or 0
    paragraphs = [line.text for line in lines[start:] if line.text.strip() and line.cells is None]
    stops = sorted(data()["predicate_starts"], key=len, reverse=True)
    opening = pattern("year_opening")
    for n, text in enumerate(paragraphs):
        m = pattern("subject_opening").match(text)
        if not m or (n >= data()["subject_paragraphs"] and not opening.match(text)):
            continue
        subject = m.group("s")
        cuts = [subject.find(w) for w in stops if subject.find(w) > 0]
        if not cuts or subject.startswith(tuple(stops)):
            continue  # a subject is followed by its predicate
        name = repaired(subject[: min(cuts)], text_of(lines))
        if is_agency(name) and not generic(name):
            return name
    return None


def text_of(lines: list[Line]) -> str:
    return "\n".join(line.text for line in lines)


def repaired(name: str, text: str) -> str:
    """A name printed without its suffix (平利县农业农村|认真…) takes the suffix the text prints for
    the same unit elsewhere (县农业农村局)."""
    if is_agency(name):
        return name
    parsed = parse_agency(name)
    unit = parsed.unit
    if len(unit) < 2 or not parsed.parents or re.search(r"[^\u4e00-\u9fff]", name):
        return name
    m = re.search(re.escape(unit) + "(" + "|".join(map(re.escape, data()["agency_suffixes"])) + ")", text)
    return name + m.group(1) if m else name


def agency_from_signature(lines: list[Line]) -> Optional[str]:
    """The signature: a last line, or the last word of a last line that ran the signature in."""
    tail = [line.text for line in lines if line.text.strip() and line.cells is None][-4:]
    for text in reversed(tail):
        for candidate in (compact(text), re.sub(r"^[^\u4e00-\u9fff]+", "", text.split()[-1])):
            candidate = pattern("signature_date").sub("", candidate)
            if is_agency(candidate) and not generic(candidate):
                return candidate
    return None


def completed(name: Optional[str], signature: Optional[str]) -> Optional[str]:
    """A department named without its place (财金局) yields to a signature that prints the place."""
    if not name or not signature or signature == name or len(signature) <= len(name):
        return name
    parsed = parse_agency(name)
    if parsed.department and not parsed.parents and signature[-1] == name[-1] and parse_agency(signature).parents:
        return signature
    return name


# --- year, level, template -------------------------------------------------------------------

def find_level(agency: Optional[str], text: str, named: Optional[str] = None) -> Optional[str]:
    """The level of the agency; without one, of a generic name it printed (区政府办公室), else of
    how the text calls itself (我镇, 我局, 全市)."""
    d = data()
    agency = agency or named
    if agency:
        name = agency
        if name in d["municipalities"]:
            return "province"
        for office in d["government_office_suffixes"]:
            if name.endswith(office) and len(name) > len(office):
                name = name[: -len(office)] + d["government"]  # a government's office has its level
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
    counts: dict[str, int] = {}
    for word, level in d["level_from_area_words"].items():
        counts[level] = counts.get(level, 0) + text.count(word)
    best = max(counts.items(), key=lambda kv: kv[1], default=(None, 0))
    return best[0] if best[1] else None


def generic_name(lines: list[Line], title: Optional[str]) -> Optional[str]:
    """A generic name the report prints for itself (住建局, 区政府办公室): no agency, but a level."""
    name = pattern("year_word").sub("", compact(title or ""))
    m = title_re().search(name)
    candidates = [name[: m.start()]] if m else []
    candidates += [v for v in field_values(lines)]
    for text in [line.text for line in lines[:PREAMBLE_LINES] if line.text.strip()][:12]:
        m = pattern("subject_opening").match(text)
        if m:
            candidates.append(m.group("s")[:data()["generic_max_chars"]])
    for c in candidates:
        for n in range(len(c), 1, -1):
            if generic(c[:n]) and is_agency(c[:n], in_title=True):
                return c[:n]
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
    first = min(starts) if starts else None
    signature = agency_from_signature(doc.lines)
    agency = (agency_from_title(title) or agency_from_fields(doc.lines, text) or agency_from_self_name(text)
              or agency_from_subject(doc.lines, first) or signature
              or agency_from_self_name(text, "guide_name_patterns"))
    agency = completed(agency, signature)
    if agency is None and self_references(text):
        warnings.append(f"agency not printed: the report calls itself only {self_references(text)[0]}")
    evidence = year_evidence(title, doc.lines, sections)
    year = next((y for y in evidence.values() if y is not None), None)
    meta = Meta(title=title, agency=agency, year=year, level=find_level(agency, text, generic_name(doc.lines, title)),
                template=find_template(text, year), year_sources=evidence)
    return meta, warnings
