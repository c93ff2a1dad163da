"""Active-disclosure counts: total, channel or category, read from the words around the number.

A count on one named channel is the channel's (在县政府网站发布工作动态38条); a count of a named kind of
information is a category (政策解读信息26条); a count of information in general, or over several channels,
is the total. The words live in gxnlp/data/metrics.toml ([disclosure], [channels], [breakdown]).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from gxnlp import rules
from gxnlp.check.numbers import find_numbers


def channels_in(text: str) -> list[tuple[int, int, str]]:
    """(start, end, channel) of the channel words in `text`, longest first and not overlapping
    (政府公报刊发 names 政府公报, not 报刊)."""
    hits = sorted(((m.start(), m.end(), name) for word, name in rules.load("metrics")["channels"].items()
                   for m in re.finditer(re.escape(word), text)), key=lambda h: h[0] - h[1])
    kept: list[tuple[int, int, str]] = []
    for a, b, name in hits:
        if all(b <= a2 or a >= b2 for a2, b2, _ in kept):
            kept.append((a, b, name))
    return sorted(kept)


def channel_of(text: str) -> Optional[str]:
    hits = channels_in(text)
    return hits[-1][2] if hits else None


def excluded_words(relabel: bool = False) -> list[str]:
    """Words that keep a count out of the disclosures (转载, 采用, 发稿, 清理出…): the disclosure rules' exclusions
    (for a part of a stated breakdown only the verbs: 其中人大代表建议2条 is still a category)."""
    out = []
    for r in rules.load("metrics")["rule"]:
        if r["metric"] == "active_disclosure":
            words = list(r.get("not_left", ())) + ([] if relabel else list(r.get("not_clause", ())))
            out += [w for w in words if w not in out]
    return out


def disclosure_object(label: str, head: bool = False) -> str:
    """What a disclosure count counts: the words between the last disclosure verb and the number
    (`head`: `label` already stops before the number)."""
    words = rules.load("metrics")["disclosure"]
    numbers = [] if head else find_numbers(label)
    label = label[:numbers[-1].start] if numbers else label  # drop the number and what follows
    hits = [(label.rfind(v), label.rfind(v) + len(v)) for v in words["verbs"] if v in label]
    start, cut = max(hits, key=lambda h: h[1], default=(0, 0))
    obj = strip_trail(strip_lead(label[cut:]))
    if not obj and start > 0:  # 解读信息发布7条, 预决算公开197条: the object stands before the verb
        clause = re.split(r"[，。；、,;:：]", label[:start])[-1]
        if any(v in clause for v in words["verbs"]):  # 主动公开信息共有40条: the object of the verb before
            return disclosure_object(clause, head=True)
        obj = strip_trail(strip_lead(connectors().sub("", clause)))
    return obj


def object_follows(label: str) -> bool:
    """共主动公开158份信息稿件: the number stands right after the verb, the object after the unit."""
    words = rules.load("metrics")["disclosure"]
    numbers = find_numbers(label)
    head = label[:numbers[-1].start] if numbers else label
    return not strip_trail(strip_lead(head[max((head.rfind(v) + len(v) for v in words["verbs"] if v in head), default=0):]))


def strip_trail(obj: str) -> str:
    trail = "(?:" + "|".join(map(re.escape, rules.load("metrics")["disclosure"]["trail"])) + ")$"
    for _ in range(2):
        obj = re.sub(trail, "", obj)
    return obj


def strip_lead(obj: str) -> str:
    lead = "^(?:" + "|".join(map(re.escape, rules.load("metrics")["disclosure"]["lead"])) + ")"
    for _ in range(3):
        obj = re.sub(lead, "", obj)
    return obj.strip("“”\"《》（）() ")


def disclosure_kind(label: str, right: str = "", before: Optional[str] = None, sentence: str = "") -> tuple[str, Optional[str]]:
    """total, channel or category of a disclosure count that is not part of a stated breakdown.

    A count on one named channel is the channel's (微信公众号发布政务动态85条); otherwise a count of a
    named kind of information (政策解读信息26条) is a category, and a count of information in general
    (信息, 政府信息, 各类…等信息) or over several channels is the total.
    """
    words = rules.load("metrics")["disclosure"]
    channels = {name for _, _, name in channels_in(label)}
    if len(channels) == 1:
        return "active_disclosure_channel", channel_of(label)
    listed = [w for w in words["list_words"] if w in label]
    if len(channels) > 1 and listed:  # 通过新华社、人民日报等主流媒体公开信息121篇: the word after 等 names the channel
        tail = label[label.rfind(listed[0]) + len(listed[0]):]
        if len({name for _, _, name in channels_in(tail)}) == 1:
            return "active_disclosure_channel", channel_of(tail)
    obj = disclosure_object(label)
    after = strip_lead(re.split(r"[，。；、,;:：]", right)[0]) if right else ""
    if after and (object_follows(label) or not obj or re.fullmatch(words["generic_re"], obj)):  # 共主动公开158份信息稿件
        if len({name for _, _, name in channels_in(after)}) == 1 and not channels:
            return "active_disclosure_channel", channel_of(after)
        obj = after
    if not channels and before:
        return "active_disclosure_channel", before
    if words["rest_word"] in obj or words["rest_word"] in label and not channels:
        return "active_disclosure_category", words["rest_word"]
    if listed and listed[0] in obj:  # 各类文件、财务、人事等信息: a list closed by a general word is the whole
        obj = obj[obj.rfind(listed[0]) + len(listed[0]):]
    generic = not obj or re.fullmatch(words["generic_re"], obj)
    if channels:
        return "active_disclosure_total", None
    if generic:
        field = re.search(words["field_re"], sentence)
        return ("active_disclosure_category", None) if field else ("active_disclosure_total", None)
    return "active_disclosure_category", category_suffix().sub("", obj) if len(obj) > 4 else obj


@lru_cache(maxsize=1)
def connectors() -> re.Pattern:
    words = rules.load("metrics")["breakdown"]["connectors"]
    return re.compile("^(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + ")+")


@lru_cache(maxsize=1)
def category_suffix() -> re.Pattern:
    return re.compile("(?:" + "|".join(map(re.escape, rules.load("metrics")["breakdown"]["category_suffixes"])) + ")$")
