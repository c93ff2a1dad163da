"""Normalisation: pure str → str functions, and the Document pass that applies them.

Why targeted NFKC: PDF producers emit Kangxi radicals (「⼀⼆⾏⽂」) and full-width
digits that look right but match nothing. Folding them is safe; folding the
full-width punctuation （），：； that the genre prints everywhere would change
the text users quote, so those are kept.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import replace
from functools import lru_cache, reduce

from gxnlp import rules
from gxnlp.model.core import Document, Line

FOLD_RANGES = (
    (0x2E80, 0x2EFF),  # CJK radicals supplement
    (0x2F00, 0x2FDF),  # Kangxi radicals
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x2F800, 0x2FA1F),
    (0xFF10, 0xFF19),  # full-width digits
    (0xFF21, 0xFF3A),  # full-width Latin
    (0xFF41, 0xFF5A),
)
FOLD_CHARS = {"\u3000": " ", "\xa0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200b": "",
              "\ufeff": "", "％": "%", "．": "."}
ARTEFACT = re.compile(r"\[(bookmark|image|footnote ref|comment):[^\]]*\]", re.I)
CJK = r"\u4e00-\u9fff\u3400-\u4dbf"
CJK_PUNCT = r"，。、；：？！（）《》“”‘’【】"
SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}])[ \t\u3000]+(?=[{CJK}{CJK_PUNCT}])")
TEXT = rules.load("text_patterns")
PAGE_NUMBER = re.compile(TEXT["page_number"])
HEADING_START = re.compile(TEXT["heading_start"])
TITLE_LINE_END = re.compile(TEXT["title_line_end"])
SENTENCE_END = "。！？；：:;!?）)”」》"
MIN_WRAPPED_LINE = 20  # a line this long that stops mid-sentence was wrapped, not ended


@lru_cache(maxsize=1)
def fold_table() -> dict[int, str]:
    table = {ord(k): v for k, v in FOLD_CHARS.items()}
    for lo, hi in FOLD_RANGES:
        for code in range(lo, hi + 1):
            folded = unicodedata.normalize("NFKC", chr(code))
            if folded != chr(code):
                table[code] = folded
    return table


def fold_compat(text: str) -> str:
    return text.translate(fold_table())


def strip_artefacts(text: str) -> str:
    return ARTEFACT.sub("", text)


def remove_cjk_spaces(text: str) -> str:
    return SPACE_BETWEEN_CJK.sub("", text)


def compose(*funcs):
    """Chain str → str functions into one (textacy's make_pipeline)."""
    return lambda text: reduce(lambda acc, f: f(acc), funcs, text)


normalise_text = compose(fold_compat, strip_artefacts, remove_cjk_spaces)


PINYIN_NOTE = re.compile(rf"(?<=[{CJK}])\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{{1,7}}\)")
TRADITIONAL_SHARE = 0.03  # a page whose CJK characters change this much under t2s is in traditional script
TRADITIONAL_MIN = 5


def strip_pinyin(text: str) -> str:
    """Mirror copies annotate characters with pinyin: 根據(jù) → 根據."""
    return PINYIN_NOTE.sub("", text)


@lru_cache(maxsize=2)
def converter(config: str):
    import opencc  # OpenCC's conversion data (Apache-2.0), not a hand table

    return opencc.OpenCC(config)


def is_traditional(text: str) -> bool:
    cjk = re.findall(f"[{CJK}]", text)
    if len(cjk) < 10:
        return False
    sample = "".join(cjk[:20000])
    simplified = converter("t2s").convert(sample)
    changed = sum(1 for a, b in zip(sample, simplified) if a != b)
    return changed >= TRADITIONAL_MIN and changed / len(sample) >= TRADITIONAL_SHARE


def taiwan_wording(text: str) -> bool:
    return any(word in text for word in rules.load("normalise")["taiwan_words"])


def to_simplified(text: str, config: str = "t2s") -> str:
    """Traditional script to simplified: `tw2sp` also turns Taiwan wording (檔案 → 文件, 入口網站 →
    门户网站) into the mainland form; `t2s` only changes the script."""
    return converter(config).convert(text)


def is_page_number(text: str) -> bool:
    return bool(PAGE_NUMBER.match(text))


FLATTENED_LINE = 400  # a line this long holding two section headings is a whole article on one line


@lru_cache(maxsize=1)
def inline_heading() -> re.Pattern:
    titles = sorted({t for sec in rules.load("sections")["section"] for t in sec["titles"]}, key=len, reverse=True)
    return re.compile(TEXT["inline_heading_numeral"] + "(?:" + "|".join(re.escape(t) for t in titles) + ")")


def unflatten(lines: list[Line]) -> list[Line]:
    """Crawler dumps put a whole article on one line: break it before each inline section heading."""
    out = []
    for line in lines:
        if line.cells is not None or len(line.text) < FLATTENED_LINE:
            out.append(line)
            continue
        cuts = [m.start() for m in inline_heading().finditer(line.text) if m.start() > 0]
        if len(cuts) < 2:
            out.append(line)
            continue
        bounds = [0, *cuts, len(line.text)]
        out.extend(replace(line, text=line.text[a:b].strip()) for a, b in zip(bounds, bounds[1:]) if line.text[a:b].strip())
    return out


def normalise(doc: Document) -> Document:
    warnings = list(doc.warnings)
    lines = [replace(line, text=strip_pinyin(line.text),
                     cells=tuple(strip_pinyin(c) for c in line.cells) if line.cells is not None else None)
             for line in doc.lines]
    whole = "\n".join(line.text for line in lines)
    if is_traditional(whole):
        config = "tw2sp" if taiwan_wording(whole) else "t2s"
        lines = [replace(line, text=to_simplified(line.text, config),
                         cells=tuple(to_simplified(c, config) for c in line.cells) if line.cells is not None else None)
                 for line in lines]
        warnings.append(f"traditional script converted to simplified (OpenCC {config})")
    lines = [normalise_line(line) for line in lines]
    lines = [line for line in lines if not is_page_number(line.text)]
    if doc.format == "pdf" and (doc.pages or 0) >= 3:
        lines, removed = drop_running_lines(lines, doc.pages)
        if removed:
            warnings.append(f"removed running header/footer lines: {', '.join(sorted(removed))[:120]}")
    lines = join_wrapped_lines(unflatten(lines))
    return Document(doc.source, doc.format, lines, warnings, doc.pages)


def normalise_line(line: Line) -> Line:
    text = normalise_text(line.text)
    cells = tuple(normalise_text(c).strip() for c in line.cells) if line.cells is not None else None
    if cells is not None:
        text = "\t".join(cells)
    return replace(line, text=text, cells=cells)


def drop_running_lines(lines: list[Line], pages: int) -> tuple[list[Line], set[str]]:
    """A short line printed at the top or bottom of most pages is a running header or footer."""
    by_page: dict[int, list[Line]] = {}
    for line in lines:
        if line.text.strip():
            by_page.setdefault(line.loc.page or 0, []).append(line)
    edge = Counter()
    for page_lines in by_page.values():
        for line in {id(x): x for x in page_lines[:2] + page_lines[-2:]}.values():
            if line.cells is None and len(line.text.strip()) <= 40:
                edge[re.sub(r"\d+", "#", line.text.strip())] += 1
    running = {text for text, n in edge.items() if n >= max(3, pages * 0.6)}
    if not running:
        return lines, set()
    kept = [line for line in lines if line.cells is not None or re.sub(r"\d+", "#", line.text.strip()) not in running]
    return kept, running


def join_wrapped_lines(lines: list[Line]) -> list[Line]:
    """Rejoin a sentence that extraction broke over lines ("…三" / "" / "是强化业务培训…")."""
    out: list[Line] = []
    pending_blank: list[Line] = []
    for line in lines:
        text = line.text.strip()
        if not text:
            pending_blank.append(line)
            continue
        prev = out[-1] if out else None
        if prev is not None and continues(prev, line):
            out[-1] = replace(prev, text=prev.text.rstrip() + text)
            pending_blank = []
            continue
        out.extend(pending_blank)
        pending_blank = []
        out.append(line)
    out.extend(pending_blank)
    return out


def continues(prev: Line, line: Line) -> bool:
    if prev.cells is not None or line.cells is not None:
        return False
    before, after = prev.text.strip(), line.text.strip()
    if len(before) < MIN_WRAPPED_LINE or before[-1] in SENTENCE_END:
        return False
    if HEADING_START.match(before) and not re.search(r"[，。；]", before):
        return False  # a long heading is still a heading
    if HEADING_START.match(after) or is_page_number(after):
        return False
    if re.search(r"[>＞|｜]", before + after) or TITLE_LINE_END.search(before) or TITLE_LINE_END.search(after):
        return False  # page chrome (breadcrumbs, pipe blocks) and title lines are not wrapped sentences
    if re.match(rf"^[{CJK}]{{2,6}}\s*[:：]", after):
        return False  # a `field: value` line of a metadata block
    return bool(re.match(rf"[{CJK}\d“《（(]", after)) and bool(re.search(rf"[{CJK}\d，、“”]$", before))
