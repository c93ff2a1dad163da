#!/usr/bin/env python3
"""Candidate sentence list of real_reports.jsonl from /work/shared/corpus/real (stdlib only,
plus pypdfium2 for PDF text if the cache is absent).

Reproduces the texts, order and sections of real_reports.jsonl (labels were added by hand).
Rules (GUIDE.md §1, adapted to the three source formats):

  * Text: pingtan_archive/*.txt -> everything after the 9-line crawler header (one long
    line); PDFs -> pypdfium2 text, page chrome ("- 2 -") dropped, wrapped lines rejoined
    without a space (a line that is a heading is kept as its own block); HTML -> the <p>
    elements of <ucapcontent> outside tables, one block each. Spaces inside lines are kept
    as printed ("2023 年").
  * Sections: top-level headings ("一、总体情况", "五、存在的主要问题及改进情况", old outline
    parts "一、概述", "四、政府信息公开的收费及减免情况", …) are found in order (TOP below)
    and mapped by their words: 概述/总体情况 -> overview, 主动公开/重点领域 -> active_disclosure,
    依申请/收到和处理/收费及减免/审批事项 -> requests, 复议/诉讼 -> review_litigation,
    问题/改进/整改/下一步 -> problems, 其他/工作人员及…支出 -> other; statistical tables
    (统计表, 附表) and the template-2019+ table sections 二/三/四 (nothing but flattened
    tables in these sources) are skipped. Everything before 一、 (title, breadcrumbs,
    preamble "根据《条例》…编制本报告…") and the signature/date block are skipped.
  * Headings inside a section are cut: a glued "（一）xxx。" / "（1）xxx。" of <= 20 chars, and
    per-document heading strings listed in CUT (crawler flattening glues headings such as
    "（二）主要做法1.加强组织领导，健全工作机制将政府信息…" to the text without punctuation).
  * Split after 。！？； (not inside 《》 or （）; closing quotes stay attached) and before
    一是/二是/…/十是 when it follows ： or ， or ；; a trailing separator comma is dropped.

Usage: python3 corpora/annotations/real_sentences.py [--root DIR]   # prints JSON lines
"""
import argparse
import glob
import json
import os
import re

ROOT = "/work/shared/corpus/real"
NUM = "一二三四五六七八九十"

# top-level headings: (regex, section or None = skip); tried in this order of words
TOP_WORDS = [
    (r"统计表|附表", None),
    (r"概述|总体情况", "overview"),
    (r"复议|诉讼", "review_litigation"),
    (r"存在|问题|改进|整改|下一步|工作计划", "problems"),
    (r"重点领域|主动公开", "active_disclosure"),
    (r"依申请|收到和处理|收费及减免|审批事项", "requests"),
    (r"其他|工作人员及信息公开事务支出", "other"),
]
TOP = re.compile(r"([一二三四五六七八九])(?:、\s*|(?=总体情况))("
                 r"年度政府信息公开工作概述|概述|总体情况|重点领域政府信息公开情况|"
                 r"主动公开政府信息(?:的)?情况|政府信息主动公开情况|"
                 r"政府信息依申请公开工作情况|依申请公开政府信息情况|依申请公开、不予公开及咨询政府信息情况|"
                 r"收到和处理政府信息公开申请情况|政府信息公开的收费及减免情况|收费及减免情况|"
                 r"审批事项及处理情况|"
                 r"因政府信息公开申请(?:提起)?行政复议、提起行政诉讼的情况|"
                 r"政府信息公开行政法?复议、行政诉讼情况|行政复议和诉讼情况|"
                 r"申请行政复议、提起行政诉讼和申诉的情况|"
                 r"政府信息公开工作存在的主要问题及改进情况|存在的主要问题(?:及|和)(?:改进|整改)(?:情况|措施)|"
                 r"存在的主要问题及明年工作计划|主要问题和改进措施|"
                 r"工作人员及信息公开事务支出情况|其他需要报告的事项|"
                 r"(?:平潭综合实验区)?政府信息公开情况统计表|附表)")

# per-document overrides
# SKIP_TABLE_SECTIONS: template 2019+ reports whose 二/三/四 hold only tables
# CUT: heading strings glued to text (removed; a sentence boundary is put in their place)
# END: the signature / trailing chrome starts at this string (skipped from there on)
CUT = {
    "pingtan_2012_page": ["（一）深化公开内容，拓展公开形式。"],
    "pingtan_2013_page": ["（一）深化公开内容，拓展公开形式。"],
    "pingtan_2015_page": ["1.门户网站", "（一）加强组织领导，健全工作机制", "（二）把握工作重点，扎实推进信息公开",
                          "（三）全面加强主动公开工作", "（一）主动公开政府信息的数量",
                          "（二）主动公开政府信息的主要类别", "（三）主动公开政府信息的主要形式",
                          "2.公众查阅点", "(一)存在问题", "（二）改进措施"],
    "pingtan_2016_page": ["1.门户网站", "（一）组织机构方面", "（二）工作制度方面", "（三）队伍建设方面",
                          "（四）重点领域信息公开情况", "1、行政权力清单公开情况", "2、财政资金信息公开情况",
                          "3、公共资源配置信息公开情况", "4、重大建设项目信息公开情况",
                          "5、公共服务信息公开情况", "6、国有企业信息公开情况",
                          "<!--[if !supportLists]-->7、<!--[endif]-->公共监管信息公开情况",
                          "（一）主动公开政府信息的数量", "（二）主动公开政府信息的主要类别",
                          "（三）主动公开政府信息的主要形式", "2.公众查阅点"],
    "pingtan_2017_page": ["1.门户网站", "（一）加强组织领导,精心部署安排", "（二）把握工作重点，扎实推进信息公开",
                          "1.推进经济发展信息公开", "2.推进民生改善信息公开",
                          "（一）主动公开政府信息的数量", "（二）主动公开政府信息的主要类别",
                          "（三）主动公开政府信息的主要形式", "2.公众查阅点",
                          "（四）开展政策解读工作情况", "（五）回应社会关切情况"],
    "pingtan_2018_page": ["1.门户网站", "（一）着力加强公开解读回应工作", "1.围绕建设法治政府全面推进政务公开",
                          "2.围绕重点领域加大主动公开力度", "3.围绕稳定市场预期加强政策解读",
                          "4.围绕社会重大关切加强舆情回应", "（二）着力提升政务服务工作实效",
                          "1.推进网上办事服务公开", "2.提升实体政务大厅服务能力", "3.优化审批办事服务",
                          "（三）着力推进政务公开平台建设", "1.强化政府网站建设管理",
                          "2.用好“两微一端”新平台", "3.整合各类政务热线电话",
                          "（四）着力推进政务公开制度化规范化", "1.贯彻落实政府信息公开条例",
                          "2.加强政府信息公开审查工作", "（一）主动公开政府信息的数量",
                          "（二）主动公开政府信息的主要类别", "（三）主动公开政府信息的主要形式",
                          "2.公众查阅点", "（四）开展政策解读工作情况", "（五）回应社会关切情况"],
    "pingtan_2019_page": ["（一）基本情况", "（二）主要做法", "1.加强组织领导，健全工作机制",
                          "2.把握工作重点，扎实推进信息公开", "3.创新公开形式，拓展公开范围"],
    "pingtan_2020_page": ["（一）强化组织协调，着力规范公开工作", "（二）围绕工作重点，扎实推进主动公开",
                          "1.加强用权信息公开", "2.加强政策解读发布", "3.加强政务信息公开",
                          "4.认真办理依申请公开", "5.加强平台建设", "（一）存在的主要问题:",
                          "（1）全面优化办事流程，多渠道提高政务服务透明度。"],
    "pingtan_2021_page": ["（一）存在的主要问题:"],
    "pingtan_gwh_2020_page": ["（一）领导重视，及时跟进，确保工作任务部署到位。", "（二）把握重点，明确要求，确保工作任务扎实推进。",
                              "（三）完善制度，长效管理，确保工作效能得到提升。"],
    "pingtan_shs_2019_page": ["（一）健全组织机构，加强平台建设。", "（二）建立相关规定，规范网络工作机制。",
                              "（三）强化基层服务能力，精准施策为民服务。"],
    "pingtan_jjp_2020_page": ["（一）健全工作机制", "（二）编制标准目录", "（三）规范建设平台"],
    "pingtan_2023_page": ["（一）主动公开方面", "（二）依申请公开方面", "（三）政府信息管理方面",
                          "（四）信息公开平台建设方面", "（五）监督保障方面"],
    "pingtan_county_2011_page": ["（三）主动公开政府信息的主要形式1.门户网站", "（一）主动公开政府信息的数量", "（二）主动公开政府信息的主要类别",
                                 "2.公众查阅点", "3.开设政务公开栏", "（三）进一步规范政府信息公开行为"],
    "pingtan_county_2012_page": ["（三）主动公开政府信息的主要形式1.门户网站", "（一）主动公开政府信息的数量", "（二）主动公开政府信息的主要类别",
                                 "2.公众查阅点", "3.开设政务公开栏", "（三）进一步规范政府信息公开行为"],
    "pingtan_county_2013_page": ["（三）主动公开政府信息的主要形式1.门户网站", "（一）主动公开政府信息的数量", "（二）主动公开政府信息的主要类别",
                                 "2.公众查阅点", "3.开设政务公开栏", "（三）进一步规范政府信息公开行为"],
    "pingtan_czj_2016_page": ["1.门户网站", "（一）主动公开政府信息的数量", "（二）主动公开政府信息的主要类别",
                              "（三）主动公开政府信息的主要形式", "2.开设政务公开栏",
                              "（三）进一步规范政府信息公开行为"],
    "pingtan_dishui_2013_page": ["建立了政务信息公开工作组织运行机制", "1、加强组织领导，层层狠抓落实", "2、突出重点，全面推进政务信息公开载体建设",
                                 "3、突出重点，提高政务公开工作的针对性", "4、强化监管，自觉接受群众的监督和检查"],
    "pingtan_gaj_2019_page": ["（一）政府信息主动公开情况", "（二）依申请公开政府信息情况",
                              "（三）政府信息管理情况", "（四）政府信息公开平台建设情况", "（五）监督保障情况"],
    "pingtan_htp_2019_page": ["（一）拓宽公开渠道，加强政策解读", "（二）健全规章制度，夯实工作实效",
                              "（三）立足政务平台，提升服务质量"],
    "pingtan_hzs_2021_page": ["（一）强化组织领导，压实政府信息公开责任", "（二）完善规章制度，规范政府信息公开工作",
                              "（三）加强平台建设，提升政府信息公开水平", "（四）推进审批改革，推动政务服务提速增效"],
    "pingtan_jjf_2020_page": ["（一）健全制度规范，夯实公开基础", "（二）突出重点工作，深化公开内容",
                              "（三）严格监督审查，落实公开保障"],
    "pingtan_jsp_2023_page": ["（一）存在的主要问题", "（二）改进措施"],
    "pingtan_xfj_2011_page": ["（一）公开形式："],
}
END = {}
EXTRA_TOP = {}


def load(path):
    ext = os.path.splitext(path)[1]
    if ext == ".txt":
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        return "\n".join(lines[9:])
    if ext == ".pdf":
        import pypdfium2
        pdf = pypdfium2.PdfDocument(path)
        raw = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        out = []
        for line in raw.replace("\r", "").split("\n"):
            s = line.strip()
            if not s or re.fullmatch(r"-\s*\d+\s*-", s):
                continue
            if TOP.fullmatch(s) or re.fullmatch(r"（[一二三四五六七八九十]）[^，。；：]{1,20}。?", s):
                out.append("\n" + s + "\n")
            else:
                out.append(s)
        return "".join(out)
    if ext == ".html":
        from lxml import html as lh
        tree = lh.parse(path)
        blocks = []
        for el in tree.xpath("//ucapcontent"):
            for p in el.xpath(".//p"):
                if p.xpath("ancestor::table"):
                    continue
                s = "".join(p.itertext()).strip()
                if s:
                    blocks.append(s)
        return "\n".join(blocks)
    raise ValueError(path)


def sectioned(stem, text):
    """Return [(section, block_text)] for the narrative of one report."""
    heads = []
    pos = 0
    for m in TOP.finditer(text):
        if m.start() < pos:
            continue
        heads.append(m)
        pos = m.end()
    template2019 = any("总体情况" in m.group(2) for m in heads)
    out = []
    end_at = text.find(END[stem]) if stem in END else -1
    for i, m in enumerate(heads):
        stop = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        if end_at >= 0:
            stop = min(stop, end_at) if end_at > m.start() else stop
        name = m.group(2)
        sec = None
        for pat, s in TOP_WORDS:
            if re.search(pat, name):
                sec = s
                break
        if template2019 and m.group(1) in "二三四" and sec in ("active_disclosure", "requests", "review_litigation"):
            sec = None
        if sec is None:
            continue
        out.append((sec, tail_cut(text[m.end():stop])))
    return out


DATE = re.compile(r"(?:[二○〇零一三四五六七八九十]{4}|\d{4})年[\d一二三四五六七八九十○〇]{1,3}月[\d一二三四五六七八九十○〇]{1,3}日")
SIGN = re.compile(r"(?:^|(?<=[\s。]))(?:平潭|沭阳)[\u4e00-\u9fff]{2,25}\s*$")
ATTACH = re.compile(r"附件下载|附件1：|附表：|平潭综合实验区政府信息公开情况统计表")


def tail_cut(block):
    """Drop the signature, date line, appended statistics table and '附件下载' chrome."""
    cuts = [m.start() for m in ATTACH.finditer(block)]
    cuts += [m.start() for m in DATE.finditer(block) if "。" not in block[m.end():]]
    if cuts:
        block = block[:min(cuts)]
    while True:
        b = SIGN.sub("", block.rstrip())
        if b == block.rstrip():
            return block
        block = b


GLUED = re.compile(r"^\s*(?:（[一二三四五六七八九十]）|（\d{1,2}）|\d{1,2}[.．、]|[①②③④⑤⑥⑦⑧⑨⑩])\s*(?:[^，。；：,\s]{1,32}。|[^，。；：,\s]{1,22}\s+)")


def split(p):
    parts, cur, depth, i = [], "", 0, 0
    while i < len(p):
        ch = p[i]
        if ch == "\n":
            parts.append(cur)
            cur = ""
            i += 1
            continue
        cur += ch
        if ch in "《（(":
            depth += 1
        elif ch in "》）)":
            depth = max(0, depth - 1)
        if ch in "。！？；" and depth == 0:
            while i + 1 < len(p) and p[i + 1] in "”’」":
                i += 1
                cur += p[i]
            parts.append(cur)
            cur = ""
        elif ch in "：，；" and re.match(r"[一二三四五六七八九十]是", p[i + 1:i + 3]):
            parts.append(cur)
            cur = ""
        elif ch in "：: " and re.match(r"\s*(?:（[一二三四五六七八九十]）|\d{1,2}、)", p[i + 1:i + 5]):
            parts.append(cur)
            cur = ""
        i += 1
    if cur.strip():
        parts.append(cur)
    res = []
    for s in parts:
        s = s.strip()
        while True:
            t = GLUED.sub("", s).strip()
            if t == s:
                break
            s = t
        if s.endswith("，") or s.endswith(","):
            s = s[:-1]
        if re.fullmatch(r"（[一二三四五六七八九十]）[^。；！？]{1,30}", s):
            continue  # a sub-heading on its own (HTML block)
        if s and re.search(r"[\u4e00-\u9fff]", s):
            res.append(s)
    return res


def docs(root=ROOT):
    paths = sorted(glob.glob(os.path.join(root, "*", "*.*")))
    return [p for p in paths if p.endswith((".txt", ".pdf", ".html"))]


def sentences(root=ROOT):
    """Yield (doc, source, section, text) for every narrative sentence, in file order."""
    for path in docs(root):
        fname = os.path.basename(path)
        stem = os.path.splitext(fname)[0]
        text = load(path)
        for h in CUT.get(stem, []):
            if h not in text:
                raise SystemExit(f"{stem}: CUT string not found: {h}")
            text = text.replace(h, "\n", 1)
        for sec, block in sectioned(stem, text):
            for s in split(block):
                yield stem, "real/" + fname, sec, s


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=ROOT)
    a = ap.parse_args()
    for doc, src, sec, text in sentences(a.root):
        print(json.dumps({"doc": doc, "section": sec, "text": text, "source": src}, ensure_ascii=False))
