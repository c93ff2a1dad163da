#!/usr/bin/env python3
"""Reproduce the sentence list of seeds.jsonl from corpora/seeds/*.txt (stdlib only).

This is the segmentation used to build seeds.jsonl (texts and order; the labels
were added by hand). It is tuned to the five seed files, not a general parser:

  * table rows (any line containing a TAB), bare numbers, the title and
    everything before "一、总体情况" are skipped; "[bookmark: _GoBack]" is removed;
  * section = the last top-level heading seen (一、… → overview, 二、… →
    active_disclosure, 三、… → requests, 四、… → review_litigation, 五、… →
    problems, 六、… → other);
  * sub-headings on their own line ("（一）主动公开情况") are skipped; a glued
    heading ("（一）主动公开情况。2022年度，…") is cut off the sentence;
  * a line that does not end in 。！？；： is joined to the next line without a
    space ("三\\n\\n是强化…" → "三是强化…");
  * the signature block after 六、 (agency name, date line) is skipped;
  * split after 。！？； (not inside 《》; closing quotes stay attached) and
    before 一是/二是/…/十是 when it follows ： or ，; a trailing separator
    comma is dropped. Spaces inside lines are kept as printed ("2022 年").

Usage: python3 corpora/annotations/seed_sentences.py   # prints JSON lines
"""
import glob
import json
import os
import re

SEEDS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "seeds")
SEC = {"一": "overview", "二": "active_disclosure", "三": "requests",
       "四": "review_litigation", "五": "problems", "六": "other"}
HEAD = re.compile(r"^([一二三四五六])、\S{2,20}$")
SUB = re.compile(r"^（[一二三四五六七八九十]+）[^，。；：]{1,20}$")
GLUED = re.compile(r"^（[一二三四五六七八九十]+）[^，。；：]{1,14}。")
SIGNATURE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|[^，。；：]{2,30}(办事处|人民政府|街道|镇|乡|局|委员会)")
TERM = "。！？；："


def paragraphs(path):
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    sec, buf, out = None, "", []
    for raw in lines:
        if "\t" in raw:
            continue
        line = raw.replace("[bookmark: _GoBack]", "").strip().replace("\u3000", "")
        if not line or re.fullmatch(r"[\d.\s]+", line):
            continue
        m = HEAD.match(line)
        if m:
            if buf:
                out.append((sec, buf))
            sec, buf = SEC[m.group(1)], ""
            continue
        if sec is None:
            continue
        if (sec == "other" and SIGNATURE.fullmatch(line)) or SUB.match(line):
            if buf:
                out.append((sec, buf))
            buf = ""
            continue
        if buf and buf[-1] not in TERM:
            buf += line
        else:
            if buf:
                out.append((sec, buf))
            buf = line
    if buf:
        out.append((sec, buf))
    return out


def split(p):
    p = GLUED.sub("", p)
    parts, cur, depth, i = [], "", 0, 0
    while i < len(p):
        ch = p[i]
        cur += ch
        if ch == "《":
            depth += 1
        elif ch == "》":
            depth = max(0, depth - 1)
        if ch in "。！？；" and depth == 0:
            while i + 1 < len(p) and p[i + 1] in "”’）」":
                i += 1
                cur += p[i]
            parts.append(cur)
            cur = ""
        elif ch in "：，" and re.match(r"[一二三四五六七八九十]是", p[i + 1:i + 3]):
            parts.append(cur)
            cur = ""
        i += 1
    if cur.strip():
        parts.append(cur)
    res = []
    for s in parts:
        s = s.strip()
        if s.endswith("，"):
            s = s[:-1]
        if s:
            res.append(s)
    return res


def sentences():
    """Yield (doc, section, text) for every narrative sentence, in file order."""
    for path in sorted(glob.glob(os.path.join(SEEDS, "*.txt"))):
        doc = os.path.basename(path)[:-4]
        for sec, para in paragraphs(path):
            for s in split(para):
                yield doc, sec, s


if __name__ == "__main__":
    for doc, sec, text in sentences():
        print(json.dumps({"doc": doc, "section": sec, "text": text}, ensure_ascii=False))
