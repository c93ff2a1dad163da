#!/usr/bin/env python3
"""Planted-copy evaluation set for the boilerplate / text-reuse linker.

Stdlib only, seeded, reproducible:  python3 make_planted.py [--src DIR] [--out DIR]

For 40 target openings, copy a passage (2-4 consecutive narrative sentences,
80-300 chars, no template wording) from a different source opening (another
agency), edit it the way copiers do (source agency / place names -> target's,
year -> target year, change some counts, optionally insert or delete a few
characters in one sentence) and insert it as a new paragraph after the
target's first narrative paragraph.

Writes OUT/NNN.txt for all openings (non-targets unchanged, byte for byte)
and OUT/truth.jsonl, one line per plant:
  {"target", "source", "source_span": [s, e], "target_span": [s, e], "edits", ...}
source_span indexes the source file (= OUT/MMM.txt, sources are never targets),
target_span indexes OUT/NNN.txt; both are Python str (code point) offsets.
"""
import argparse
import json
import os
import random
import re

SEED = 20250601
N_TARGETS = 40
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SRC = '/work/shared/corpus/openings'
TEMPLATES = os.path.join(HERE, '..', 'template_sentences.jsonl')

# wording that is prescribed or copied nationally: never used as a source passage
TEMPLATE_RE = re.compile(
    r'统计期限|统计时限|所列数据|条例》|条例\)|编制|全文包括|部分组成|电子版|下载|疑问|联系|报告如下|汇报如下|向社会公布|'
    r'以公开为常态|不公开为例外|三审三校|第二十条|本年度报告|本报告|年报')
HEAD_RE = re.compile(r'^\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+[、.．])')
CJK = re.compile(r'[\u4e00-\u9fff]')
PLACE_ONLY = re.compile(r'^.{1,8}?(省|自治区|市|自治州|州|地区|盟|区|县|旗)$')
PLACE = re.compile(r'(省|自治区|市|自治州|州|地区|盟|区|县|旗)')
ADMIN = re.compile(r'^(.{2,}?(?:省|自治区|市|自治州|州|地区|盟|区|县|旗))(.{2,})$')


def sentences(text, start, end):
    """(s, e) spans of sentences ending in 。！？ inside text[start:end]."""
    out = []
    for m in re.finditer(r'[^。！？]+[。！？]', text[start:end]):
        s = start + m.start()
        while s < start + m.end() and text[s].isspace():
            s += 1
        out.append((s, start + m.end()))
    return out


def paragraphs(text):
    pos = 0
    for line in text.split('\n'):
        yield pos, pos + len(line)
        pos += len(line) + 1


def narrative_sentence(t):
    if '|' in t or HEAD_RE.match(t) or TEMPLATE_RE.search(t):
        return False
    if not 15 <= len(t) <= 160:
        return False
    return len(CJK.findall(t)) >= 0.6 * len(t)


def name_variants(agency):
    """Full name, then forms with leading place units stripped, with and without 人民政府."""
    out = []
    a = agency
    while True:
        for v in (a, re.sub(r'(人民政府|办事处)$', '', a)):
            if len(v) >= 2 and v not in out:
                out.append(v)
        m = ADMIN.match(a)
        if not m:
            break
        a = m.group(2)
    return out


def place_units(agency):
    units, a = [], agency
    while True:
        m = ADMIN.match(a)
        if not m:
            return units
        units.append(m.group(1))
        a = m.group(2)


def unit_kind(agency):
    for suf, k in (('街道办事处', '街道'), ('街道', '街道'), ('镇人民政府', '镇'), ('乡人民政府', '乡'), ('镇', '镇'),
                   ('乡', '乡'), ('局', '局'), ('委员会', '委'), ('委', '委'), ('办公室', '办'), ('办公厅', '厅'), ('厅', '厅')):
        if agency.endswith(suf):
            return k
    return None


def ngrams(t, n=13):
    return {t[i:i + n] for i in range(len(t) - n + 1)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--src', default=DEFAULT_SRC)
    ap.add_argument('--out', default=HERE)
    args = ap.parse_args()
    rng = random.Random(SEED)
    index = [json.loads(l) for l in open(os.path.join(args.src, 'index.jsonl'), encoding='utf-8')]
    meta = {r['id']: r for r in index}
    texts = {r['id']: open(os.path.join(args.src, r['id'] + '.txt'), encoding='utf-8').read() for r in index}
    tmpl = {}
    if os.path.exists(TEMPLATES):
        for l in open(TEMPLATES, encoding='utf-8'):
            o = json.loads(l)
            tmpl.setdefault(o['doc'], []).append((o['start'], o['end']))
    # 13-grams that occur in more than one opening: source passages must avoid them
    owners = {}
    for d, t in texts.items():
        for g in ngrams(t):
            owners.setdefault(g, set()).add(d)
    shared = {g for g, s in owners.items() if len(s) > 1}

    def in_template(d, s, e):
        return any(s < te and ts < e for ts, te in tmpl.get(d, []))

    def first_narrative_par(d):
        t = texts[d]
        for ps, pe in paragraphs(t):
            sents = [(s, e) for s, e in sentences(t, ps, pe) if not in_template(d, s, e)]
            body = ''.join(t[s:e] for s, e in sents)
            if len(CJK.findall(body)) >= 40 and '|' not in t[ps:pe] and not TEMPLATE_RE.search(t[ps:pe][:12]):
                return pe
        return None

    def passages(d):
        t = texts[d]
        out = []
        for ps, pe in paragraphs(t):
            sents = sentences(t, ps, pe)
            for i in range(len(sents)):
                for k in (2, 3, 4):
                    if i + k > len(sents):
                        break
                    span = sents[i:i + k]
                    s, e = span[0][0], span[-1][1]
                    seg = t[s:e]
                    if not 80 <= len(seg) <= 300:
                        continue
                    if in_template(d, s, e) or not all(narrative_sentence(t[a:b]) for a, b in span):
                        continue
                    if ngrams(seg) & shared:
                        continue
                    out.append((s, e, span))
        return out

    usable = [r['id'] for r in index if r['agency'] and not r['traditional'] and r['year']]
    targets_ok = [d for d in usable if first_narrative_par(d) is not None]
    rng.shuffle(targets_ok)
    targets = sorted(targets_ok[:N_TARGETS])
    source_pool = [d for d in usable if d not in targets and passages(d)]
    used_sources = set()
    truth = []
    planted = dict(texts)
    for tgt in targets:
        tm = meta[tgt]
        cands = [d for d in source_pool if d not in used_sources and meta[d]['agency'] != tm['agency']]
        src = rng.choice(cands)
        used_sources.add(src)
        sm = meta[src]
        s, e, span = rng.choice(passages(src))
        seg = texts[src][s:e]
        edits = []
        # 1. agency names, longest first: the full name -> target full name; a bare place
        #    (e.g. 东宝区) -> the target's own place; other short forms -> the target's short form
        sv, tv = name_variants(sm['agency']), name_variants(tm['agency'])
        tu = place_units(tm['agency']) or ([tm['agency']] if PLACE_ONLY.match(tm['agency']) else [])
        tplace = [v for v in tv if PLACE.search(v)]
        for i, v in sorted(enumerate(sv), key=lambda x: -len(x[1])):
            if v not in seg:
                continue
            if i == 0:
                rep = tv[0]
            elif PLACE_ONLY.match(v):
                rep = tu[-1] if tu else tv[0]
            elif PLACE.search(v) and tplace:
                rep = tplace[-1]
            else:
                rep = tv[-1]
            seg = seg.replace(v, rep)
            edits.append(f'name {v}->{rep}')
        # 2. place units of the source agency (市/区/县...) still in the passage -> target's place
        for u in place_units(sm['agency']):
            if u in seg and u not in tm['agency']:
                same = [x for x in tu if x[-1] == u[-1]]
                rep = same[0] if same else (tu[-1] if tu else None)
                if rep:
                    seg = seg.replace(u, rep)
                    edits.append(f'place {u}->{rep}')
                else:
                    edits.append(f'place {u} kept')
        # 3. self-reference (我局 / 本镇 ...) to the target's kind of body
        sk, tk = unit_kind(sm['agency']), unit_kind(tm['agency'])
        if sk and tk and sk != tk:
            for p in ('我', '本', '全'):
                if p + sk in seg:
                    seg = seg.replace(p + sk, p + tk)
                    edits.append(f'self {p}{sk}->{p}{tk}')
        # 4. year -> target year
        if sm['year'] and tm['year'] and sm['year'] != tm['year'] and str(sm['year']) in seg:
            seg = seg.replace(str(sm['year']), str(tm['year']))
            edits.append(f"year {sm['year']}->{tm['year']}")
        # 5. change one or two counts (numbers that are not years, not parts of dates)
        nums = [m for m in re.finditer(r'(?<![\d.])\d{1,4}(?![\d.])', seg)
                if not re.match(r'(19|20)\d\d$', m.group()) and not re.match(r'[月日号]', seg[m.end():m.end() + 1])]
        if nums:
            picked = sorted(rng.sample(nums, min(len(nums), rng.choice((1, 2)))), key=lambda m: -m.start())
            for m in picked:
                old = int(m.group())
                new = old + rng.choice((-3, -2, -1, 1, 2, 3, 5, 8)) if old > 3 else old + rng.choice((1, 2, 3))
                seg = seg[:m.start()] + str(new) + seg[m.end():]
                edits.append(f'number {old}->{new}')
        # 6. optionally edit one sentence: insert or delete a few characters
        if rng.random() < 0.6:
            bounds = [m.end() for m in re.finditer(r'[。！？]', seg)]
            k = rng.randrange(len(bounds))
            a = bounds[k - 1] if k else 0
            b = bounds[k]
            if rng.random() < 0.5:
                word = rng.choice(('切实', '进一步', '认真', '不断', '积极', '全面'))
                verbs = [m.start() for m in re.finditer(r'加强|推进|落实|开展|完善|提升|做好|更新|规范|加大', seg[a:b])
                         if seg[a + m.start() - 2:a + m.start()] not in ('切实', '认真', '不断', '积极', '全面', '一步')]
                if not verbs:
                    verbs = [0]
                at = a + rng.choice(verbs)
                seg = seg[:at] + word + seg[at:]
                edits.append(f'insert {word} in sentence {k + 1}')
            else:
                m = [x for x in re.finditer(r'进一步|切实|积极|认真|不断|全面|有效|及时', seg[a:b])]
                if m:
                    x = rng.choice(m)
                    seg = seg[:a + x.start()] + seg[a + x.end():]
                    edits.append(f'delete {x.group()} in sentence {k + 1}')
        # insert as its own paragraph after the target's first narrative paragraph
        t = texts[tgt]
        at = first_narrative_par(tgt)
        planted[tgt] = t[:at] + '\n' + seg + t[at:]
        ts = at + 1
        assert planted[tgt][ts:ts + len(seg)] == seg
        truth.append({'target': tgt, 'source': src, 'source_span': [s, e], 'target_span': [ts, ts + len(seg)],
                      'edits': '; '.join(edits) or 'verbatim', 'n_sentences': len(span),
                      'target_agency': tm['agency'], 'source_agency': sm['agency']})
    for d, t in planted.items():
        with open(os.path.join(args.out, d + '.txt'), 'w', encoding='utf-8') as f:
            f.write(t)
    with open(os.path.join(args.out, 'truth.jsonl'), 'w', encoding='utf-8') as f:
        for r in truth:
            f.write(json.dumps(r, ensure_ascii=False) + '\n')
    print(f'{len(planted)} files, {len(truth)} plants -> {args.out}')


if __name__ == '__main__':
    main()
