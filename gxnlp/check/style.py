"""Text quality: the genre's frequent slips, as data (data/audit.toml [style]). Always `notice`.

* `style_repeated_word` — a word printed twice in a row (政府政府), outside the ordinary repeats.
* `style_slip` — a known slip of the lexicon (审查管 for 审查管理).
* `style_title_year` — the title's year differs from the year the body reports on.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from gxnlp import rules
from gxnlp.model.core import Check, Section


@lru_cache(maxsize=None)
def style_rules():
    return rules.load("audit")["style"]


def where(sections: dict[str, Optional[Section]]):
    for key, s in sections.items():
        if s is not None:
            yield key, s.text


def context(text: str, start: int, end: int, pad: int = 8) -> str:
    return text[max(0, start - pad):end + pad].replace("\n", " ")


def segmented_twice(text: str, start: int, word: str) -> bool:
    """The word segmenter sees the same word twice in a row at `start` (a candidate of the regex)."""
    try:
        import jieba

        jieba.setLogLevel(60)
    except ImportError:  # without a segmenter, trust the regex
        return True
    lo = max(0, start - 6)
    pos, tokens = lo, []
    for tok in jieba.lcut(text[lo:start + 2 * len(word) + 6]):
        tokens.append((pos, tok))
        pos += len(tok)
    return any(a[1] == b[1] == word and a[0] == start for a, b in zip(tokens, tokens[1:]))


def style_repeated_word(sections: dict[str, Optional[Section]]) -> Check:
    ok = set(style_rules()["repeat_ok"])
    slips = [re.compile(x["pattern"]) for x in style_rules()["slips"]]
    pattern = re.compile(style_rules()["repeat"])
    hits, cells = [], []
    for key, text in where(sections):
        for m in pattern.finditer(text):
            if m.group(0) in ok or m.group("w") in ok or any(p.fullmatch(m.group(0)) for p in slips):
                continue  # the lexicon's slips are reported by style_slip
            if not segmented_twice(text, m.start(), m.group("w")):
                continue  # 同时适时适地: the repeat crosses word boundaries
            hits.append(f"«{context(text, m.start(), m.end())}» ({key}) repeats «{m.group('w')}»")
            cells.append(f"sections.{key}:{m.start()}-{m.end()}")
    if hits:
        return Check("style_repeated_word", "notice", "; ".join(hits[:10]), cells[:10], "source")
    return Check("style_repeated_word", "pass", "no repeated word", [])


def style_slip(sections: dict[str, Optional[Section]]) -> Check:
    slips = style_rules()["slips"]
    hits, cells = [], []
    for key, text in where(sections):
        for slip in slips:
            for m in re.finditer(slip["pattern"], text):
                hits.append(f"«{context(text, m.start(), m.end())}» ({key}): «{m.group(0)}» probably for "
                            f"«{slip['meant']}»")
                cells.append(f"sections.{key}:{m.start()}-{m.end()}")
    if hits:
        return Check("style_slip", "notice", "; ".join(hits[:10]), cells[:10], "source")
    return Check("style_slip", "pass", "no known slip", [])


def style_title_year(year_sources: dict) -> Check:
    stated = {k: v for k, v in (year_sources or {}).items() if v is not None}
    title = stated.pop("title", None)
    if title is None or not stated:
        return Check("style_title_year", "unverifiable", "the title or the body does not state the year", [])
    others = set(stated.values())
    if title not in others:
        body = ", ".join(f"{k} says {v}" for k, v in stated.items())
        return Check("style_title_year", "notice", f"title says {title} but {body}",
                     ["meta.year.title", *[f"meta.year.{k.replace(' ', '_')}" for k in stated]], "source")
    return Check("style_title_year", "pass", f"title and body agree on {title}", [])


def style_checks(sections: dict[str, Optional[Section]], year_sources: dict) -> list[Check]:
    return [style_repeated_word(sections), style_slip(sections), style_title_year(year_sources)]
