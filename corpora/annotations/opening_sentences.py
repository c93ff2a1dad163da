#!/usr/bin/env python3
"""Candidate sentence list of real_openings.jsonl from /work/shared/corpus/openings (stdlib only).

Reproduces the texts, order, ids and sections of real_openings.jsonl (labels were added
by hand). The openings are the first ~1000 characters of report web pages, so the rules
(GUIDE.md §1, adapted to page excerpts) are:

  * Lines: each line is stripped (ASCII, ideographic and no-break spaces). A line is
    narrative when it contains a sentence end (。！？；; or ASCII ;!? after a CJK
    character), or when it is >= 40 characters long and contains a comma (，,), i.e. a
    paragraph printed without its final stop. All other lines are page chrome, titles,
    metadata blocks (索引号/发布机构…), table cells or headings and are skipped; pipe-table
    rows (a line with >= 2 "|" and no sentence end) are skipped too.
  * Headings: a top-level heading ("一、总体情况", "一 、概 述", "二、主动公开政府信息情况",
    old 7–9-part outlines) on its own line or inline in a flattened page (preceded and
    followed by whitespace) sets the section and is cut: 概述/总体/综述/基本情况/组织领导/
    制度建设/工作情况 -> overview; 主动公开/公开内容/平台/重点领域 -> active_disclosure;
    依申请/申请/收费/咨询 -> requests; 复议/诉讼/申诉 -> review_litigation;
    问题/改进/整改/计划/下一步 -> problems; anything else -> other. Text before the first
    heading (the preamble "根据《条例》…编制本报告…") is overview.
    Sub-headings ("（一）主动公开情况", "(二)依申请公开", "1、主动公开信息总数") are cut when they
    stand alone, are followed by whitespace in a flattened page, or are glued to a
    sentence and end in 。/：/:/. within 16 characters without a comma.
  * Split after 。！？；; (not inside 《》 or brackets; closing quotes stay attached) and
    before 一是/二是/…/十是 when it follows ：，,;: ; a trailing separator comma is dropped.
  * The final sentence of an excerpt is dropped when it does not end in a sentence end
    (cut off by the excerpt end).
  * Text is kept as printed (ASCII punctuation, traditional script, pinyin glosses
    like 根據(jù), spaces inside sentences).

Usage: python3 corpora/annotations/opening_sentences.py [--root DIR]   # prints JSON lines
"""
import argparse
import glob
import json
import os
import re

ROOT = "/work/shared/corpus/openings"
NUM = "一二三四五六七八九十"
ENDS = "。！？；;"
CJK = re.compile(r"[\u3400-\u9fff]")

SECTION_WORDS = [
    (r"问题|問題|改进|改進|整改|计划|計劃|下一步|打算|努力方向", "problems"),
    (r"复议|復議|复核|诉讼|訴訟|申诉|申訴", "review_litigation"),
    (r"依申请|申请|申請|收费|收費|咨询|咨詢|諮詢|答复|答復", "requests"),
    (r"主动公开|主動公開|公开内容|公開內容|平台|平臺|重点领域|重點領域|公开的内容|公开形式|公开方式",
     "active_disclosure"),
    (r"概述|概况|概況|总体|總體|综述|綜述|基本情况|基本情況|组织领导|組織領導|制度建设|"
     r"工作情况|工作情況|机构建设|机制建设", "overview"),
]
# a top-level heading: numeral + 、/./．, then a short title without sentence punctuation
TOP_TITLE = r"[^\s，。,;；：:！？]{2,28}(?:[ \u3000]{1,2}[^\s，。,;；：:！？]{1,4})*"
TOP_LINE = re.compile(r"^([一二三四五六七八九十]{1,2})\s*[、.．,，]\s*(" + TOP_TITLE + r")\s*[、。]?$")
TOP_INLINE = re.compile(r"(?:(?<=\s)|^)([一二三四五六七八九十]{1,2})\s*[、.．]\s*(" +
                        r"[^\s，。,;；：:！？]{2,28})(?=\s)")
SUB_ALONE = re.compile(r"^(?:[（(]\s*[一二三四五六七八九十\d]{1,2}\s*[）)]|\d{1,2}\s*[、.．]|"
                       r"[一二三四五六七八九十]{1,2}\s*[、.．])\s*[^，。,;；！？]{0,30}$")
SUB_INLINE = re.compile(r"^(?:[（(]\s*[一二三四五六七八九十\d]{1,2}\s*[）)]|\d{1,2}\s*[、．])\s*"
                        r"[^\s，。,;；：:！？]{1,20}(?:\s+|$)")
SUB_GLUED = re.compile(r"^(?:[（(]\s*[一二三四五六七八九十\d]{1,2}\s*[）)]|\d{1,2}\s*[、．])\s*"
                       r"[^，。,;；：:！？\s]{1,16}[。：:．.]")
ITEM = re.compile(r"[一二三四五六七八九十]是")
OPEN, CLOSE = "《（(〈【[", "》）)〉】]"
QUOTES = "”’」』\"'）)"
# page chrome glued to the first sentence of a line (per file): removed before splitting
CUT = {
    "170": ["发表时间:2022-01-29 13:51来源:国家文化和旅游部 ", "图1:文化和旅游部政府信息公开平台 "],
    "204": ["?。ㄒ唬┲鲃?dòng)公開情況。"],
}
# site chrome that contains sentence ends (a mailbox widget): skip lines until this string
START = {"272": "本年报是根据"}
# a line listing the outline ("一、概述,(一)…,二、主动公开…,三、…") is a table of contents
TOC = re.compile(r"[,，][一二三四五六七八九]、")
# a title standing alone with a full stop ("广东省人民政府2018年政府信息公开工作年度报告。")
TITLE_ONLY = re.compile(r"^(?!现|現|特|本|根据|根據|依据|依據)[^，,、《（(]{4,60}(?:年度报告|年度報告)。?$")
# a title glued to the first sentence ("…2021年政府信息公开工作年度报告 本年度报告根据…")
TITLE_GLUED = re.compile(r"^\S{0,60}?(?:年度报告|年度報告)\s+(?=\S)")


def section_of(title):
    for pat, sec in SECTION_WORDS:
        if re.search(pat, title):
            return sec
    return "other"


def is_end(text, i):
    ch = text[i]
    if ch in "。！？；":
        return True
    if ch in ";!?":
        return i > 0 and bool(CJK.match(text[i - 1]) or text[i - 1] in "）)”")
    return False


def is_narrative(line):
    if any(is_end(line, i) for i in range(len(line)) if line[i] in ENDS + "!?"):
        return True
    if line.count("|") >= 2:
        return False
    return len(line) >= 40 and ("，" in line or "," in line)


def split(p):
    """Split a paragraph at sentence ends and before 一是/二是… items."""
    out, buf, depth, i = [], "", 0, 0
    while i < len(p):
        ch = p[i]
        buf += ch
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE and depth:
            depth -= 1
        if depth == 0 and ch in ENDS + "!?" and is_end(p, i):
            while i + 1 < len(p) and p[i + 1] in QUOTES:
                i += 1
                buf += p[i]
            out.append(buf)
            buf = ""
        elif depth == 0 and ch in "：，,;:" and ITEM.match(p[i + 1:i + 3] if i + 1 < len(p) else ""):
            out.append(buf[:-1] if ch in "，," else buf)
            buf = ""
        i += 1
    if buf.strip():
        out.append(buf)
    return [s.strip() for s in out if s.strip()]


def strip_heads(s):
    """Cut sub-headings at the start of a chunk (stand-alone, inline or glued)."""
    while True:
        m = SUB_GLUED.match(s) or SUB_INLINE.match(s)
        if not m or m.end() >= len(s):
            if m and m.end() >= len(s):
                return ""
            return s
        s = s[m.end():].strip()


def paragraphs(text):
    """Yield (section, paragraph, is_last_line) for narrative text of one excerpt."""
    lines = [l.strip(" \t\u3000\u00a0\r") for l in text.split("\n")]
    lines = [l for l in lines if l]
    joined = []
    for l in lines:  # a line ending inside 《…》 is continued on the next line
        if joined and joined[-1].count("《") > joined[-1].count("》"):
            joined[-1] += l
        else:
            joined.append(l)
    lines = joined
    sec = "overview"
    out = []
    for n, line in enumerate(lines):
        m = TOP_LINE.match(line)
        if m and not is_narrative(line):
            sec = section_of(m.group(2))
            continue
        if not is_narrative(line) or len(TOC.findall(line)) >= 2:
            continue
        # flattened pages: inline top-level headings change the section mid-line
        pos = 0
        for hm in TOP_INLINE.finditer(line):
            title = hm.group(2)
            if section_of(title) == "other" and not re.search(r"其他|其它|说明|附", title):
                continue
            out.append((sec, line[pos:hm.start()], False))
            sec = section_of(title)
            pos = hm.end()
        out.append((sec, line[pos:], n == len(lines) - 1))
    return out


def sentences_of(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    start = START.get(os.path.basename(path)[:3])
    if start:
        text = text[text.index(start):]
    recs = []
    paras = paragraphs(text)
    for pi, (sec, para, last_line) in enumerate(paras):
        # inline sub-headings in flattened pages: "…。 (二)依申请公开情况 2023年度，…"
        for cut in CUT.get(os.path.basename(path)[:3], []):
            para = para.replace(cut, " ")
        para = TITLE_GLUED.sub("", para.strip())
        para = re.sub(r"(?<=\s)[（(][一二三四五六七八九十]{1,2}[）)][^\s，。,;；：:！？]{1,20}(?:\s+|。)", " ",
                      para)
        chunks = split(para.strip())
        for ci, s in enumerate(chunks):
            s = strip_heads(s).lstrip("，,、:：")
            if not s or not CJK.search(s) or s.endswith(("|", ">")) or TITLE_ONLY.match(s):
                continue
            if SUB_ALONE.match(s) and not any(c in s for c in ENDS):
                continue
            is_last = pi == len(paras) - 1 and ci == len(chunks) - 1
            if is_last and last_line and not s.rstrip(QUOTES)[-1:] in ENDS + "!?":
                continue  # cut off by the excerpt end
            if is_last and last_line and len(s) and s[-1] not in ENDS + "!?" + QUOTES:
                continue
            recs.append((sec, s))
    return recs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=ROOT)
    args = ap.parse_args()
    for path in sorted(glob.glob(os.path.join(args.root, "[0-9][0-9][0-9].txt"))):
        nnn = os.path.basename(path)[:3]
        for k, (sec, s) in enumerate(sentences_of(path)):
            print(json.dumps({"id": "open-%s-%d" % (nnn, k), "doc": "open-" + nnn,
                              "section": sec, "text": s, "labels": [],
                              "constructed": False, "source": "openings/%s.txt" % nnn},
                             ensure_ascii=False))


if __name__ == "__main__":
    main()
