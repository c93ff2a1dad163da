"""Validate corpora/claims/*.jsonl (stdlib only).

    python3 corpora/claims/validate.py [FILE ...]      # default: constructed.jsonl beside this file

Checks: every line is JSON with the expected keys; ids unique; section and metric in the
spec sets (report-model.md, "Claims"); request_outcome qualifiers in the allowed set;
each claim's text is a substring of the sentence, claims in order of appearance; the
annotated value/approx agree with the number printed in the claim text (re-parsed here,
Chinese numerals and 万/亿 included); numbers followed by a counting unit that lie outside
every claim are listed for review. Prints the count of sentences per `covers` tag.
Exit status 1 if any error.
"""
import json
import re
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

SECTIONS = {"overview", "active_disclosure", "requests", "review_litigation", "problems", "other"}
METRICS = {
    "active_disclosure_total", "active_disclosure_channel", "active_disclosure_category",
    "requests_received", "requests_completed", "requests_carried_in", "requests_carried_over",
    "request_outcome", "admin_review", "admin_litigation", "penalty", "licensing", "coercion",
    "fee", "cumulative", "other",
}
OUTCOMES = {"granted", "partially_granted", "denied", "unavailable", "unavailable_not_held",
            "rejected", "other"}
# metrics whose qualifier must be null
NULL_QUALIFIER = {"active_disclosure_total", "requests_received", "requests_completed",
                  "requests_carried_in", "requests_carried_over", "penalty", "licensing",
                  "coercion", "cumulative"}
REVIEW_QUALIFIERS = {None, "备案", "维持", "纠正", "其他结果", "尚未审结"}
LITIGATION_QUALIFIERS = REVIEW_QUALIFIERS | {"未经复议直接起诉", "复议后起诉"}
MONEY_UNITS = {"元", "万元", "亿元"}
COUNT_UNITS = ["人次", "条", "件", "宗", "次", "项", "个", "篇", "期", "场", "家", "部", "份",
               "名", "人", "处"]

# names that look like "number + unit" but are not claims (最多跑一次, 一次办结/办好)
NAME_NUMERALS = [r"跑一次", r"一次办"]

ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
CN = r"[零〇一二两三四五六七八九十百千万亿]+"
PRE_APPROX = r"(近|约有|约|超过|突破)\s*$"
POST_APPROX = r"^\s*(以上|左右)"

CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
            "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNIT = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(s):
    """Chinese numeral → int (一百二十三 → 123, 三千零五 → 3005, 十余 handled by caller)."""
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in CN_DIGIT:
            digit = CN_DIGIT[ch]
        elif ch in CN_UNIT:
            section += (1 if digit is None else digit) * CN_UNIT[ch]
            digit = None
        elif ch in ("万", "亿"):
            section += digit or 0
            total += (section or 1) * (10000 if ch == "万" else 100000000)
            section, digit = 0, None
        else:
            raise ValueError(s)
    return total + section + (digit or 0)


def unit_re(unit):
    u = re.escape(unit)
    return u + r"(?!次)" if unit == "人" else u


def parse_number(claim):
    """Find the number printed before the claim's unit; return (value, features) or None."""
    text, unit = claim["text"], claim["unit"]
    if unit == "%":
        pat = r"(?P<num>" + ARABIC + r")\s*%"
    elif unit in MONEY_UNITS:
        pat = r"(?P<num>" + ARABIC + r")\s*" + re.escape(unit)
    else:
        pat = (r"(?P<num>" + ARABIC + "|" + CN + r")(?P<sp>\s*)(?P<mult>万|亿)?\s*(?P<post>余|多)?\s*"
               + unit_re(unit))
    ms = [m for m in re.finditer(pat, text) if not text[:m.start()].endswith("第")]
    if len(ms) != 1:
        return None
    m = ms[0]
    num = m.group("num")
    feats = set()
    if re.fullmatch(ARABIC, num):
        if "," in num:
            feats.add("thousands_sep")
        if "." in num:
            feats.add("decimal")
        value = Decimal(num.replace(",", ""))
    else:
        feats.add("chinese_numeral")
        if "万" in num:
            feats.add("wan_multiplier")
        if "亿" in num:
            feats.add("yi_multiplier")
        value = Decimal(cn_to_int(num))
    mult = m.groupdict().get("mult")
    if mult:
        value *= 10000 if mult == "万" else 100000000
        feats.add("wan_multiplier" if mult == "万" else "yi_multiplier")
    if unit in ("万元", "亿元"):
        feats.add("money_unit")
    before = text[:m.start()]
    after = text[m.end():]
    spaced = before.endswith(" ") or text[m.end("num"):m.end()].startswith(" ")
    feats.add("spaced_number" if spaced else "unspaced_number")
    approx_words = []
    pm = re.search(PRE_APPROX, before)
    if pm:
        approx_words.append(pm.group(1).replace("约有", "约"))
    if m.groupdict().get("post"):
        approx_words.append(m.group("post"))
    am = re.search(POST_APPROX, after)
    if am:
        approx_words.append(am.group(1))
    value = int(value) if value == value.to_integral_value() else float(value)
    return value, feats, approx_words


def residual_numbers(sentence, claims):
    """Number + counting unit in the sentence outside every claim's span (for review)."""
    spans, pos = [], 0
    for c in claims:
        i = sentence.find(c["text"], pos if c["text"] in sentence[pos:] else 0)
        spans.append((i, i + len(c["text"])))
        pos = i
    units = "|".join(sorted(COUNT_UNITS + ["万元", "元", "%"], key=len, reverse=True))
    pat = r"(" + ARABIC + "|" + CN + r")\s*(万|亿)?\s*(余|多)?\s*(" + units + ")"
    out = []
    for m in re.finditer(pat, sentence):
        if sentence[:m.start()].endswith("第"):
            continue
        if any(re.search(n, sentence[max(0, m.start() - 2):m.end() + 2]) for n in NAME_NUMERALS):
            continue
        if not any(a <= m.start() and m.end() <= b for a, b in spans):
            out.append(m.group(0))
    return out


def validate(path):
    errors, warnings, rows = [], [], []
    ids = set()
    for ln, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = "%s:%d" % (path, ln)
        try:
            o = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append("%s: invalid JSON: %s" % (where, e))
            continue
        rows.append(o)
        for k in ("id", "section", "text", "claims", "covers"):
            if k not in o:
                errors.append("%s: missing key %s" % (where, k))
        if o.get("constructed") is not True:
            errors.append("%s: constructed is not true" % where)
        oid = o.get("id")
        if not isinstance(oid, str) or not re.fullmatch(r"cl-\d{3,}", oid or ""):
            errors.append("%s: bad id %r" % (where, oid))
        if oid in ids:
            errors.append("%s: duplicate id %s" % (where, oid))
        ids.add(oid)
        where = "%s (%s)" % (where, oid)
        if o.get("section") not in SECTIONS:
            errors.append("%s: bad section %r" % (where, o.get("section")))
        sent = o.get("text", "")
        pos = 0
        for c in o.get("claims", []):
            cw = "%s claim %r" % (where, c.get("text"))
            for k in ("text", "metric", "value", "unit", "approx", "qualifier"):
                if k not in c:
                    errors.append("%s: missing key %s" % (cw, k))
            m, q = c.get("metric"), c.get("qualifier")
            if m not in METRICS:
                errors.append("%s: metric %r not in spec" % (cw, m))
            if not isinstance(c.get("value"), (int, float)) or isinstance(c.get("value"), bool):
                errors.append("%s: value not a number" % cw)
            if not isinstance(c.get("approx"), bool):
                errors.append("%s: approx not bool" % cw)
            if not c.get("unit"):
                errors.append("%s: empty unit" % cw)
            i = sent.find(c.get("text", "\0"), pos)
            if i < 0:
                if c.get("text") in sent:
                    i = sent.find(c["text"])  # same text as the previous claim is allowed
                    if i < 0 or i > pos:
                        errors.append("%s: claims out of order" % cw)
                else:
                    errors.append("%s: claim text not in sentence" % cw)
                    continue
            pos = max(pos, i)
            # qualifier rules
            if m in NULL_QUALIFIER and q is not None:
                errors.append("%s: %s must have qualifier null" % (cw, m))
            if m == "request_outcome" and not (q and set(q.split("+")) <= OUTCOMES):
                errors.append("%s: bad outcome qualifier %r" % (cw, q))
            if m in ("active_disclosure_channel", "active_disclosure_category"):
                if not q or q not in c["text"]:
                    errors.append("%s: %s qualifier must be printed in the claim text" % (cw, m))
            if m == "admin_review" and q not in REVIEW_QUALIFIERS:
                errors.append("%s: bad review qualifier %r" % (cw, q))
            if m == "admin_litigation" and q not in LITIGATION_QUALIFIERS:
                errors.append("%s: bad litigation qualifier %r" % (cw, q))
            if m == "fee" and q not in (None, "信息处理费"):
                errors.append("%s: bad fee qualifier %r" % (cw, q))
            if m == "other" and q not in (None, "同比") and q not in c["text"]:
                errors.append("%s: other qualifier %r not printed" % (cw, q))
            # value / approx re-parsed from the claim text
            parsed = parse_number(c)
            if parsed is None:
                if "implicit_zero" in o.get("covers", []) and c.get("value") == 0 \
                        and not re.search(r"\d|" + CN, c["text"].replace("一", "")):
                    continue
                errors.append("%s: no unique number before unit %r" % (cw, c.get("unit")))
                continue
            value, feats, approx_words = parsed
            if value != c.get("value"):
                errors.append("%s: value %r but text says %r" % (cw, c.get("value"), value))
            if bool(approx_words) != c.get("approx"):
                errors.append("%s: approx %r but approx words %r" % (cw, c.get("approx"), approx_words))
        res = residual_numbers(sent, o.get("claims", []))
        if res:
            warnings.append("%s: numbers outside claims (check they are not claims): %s  | %s"
                            % (where, res, sent))
    return rows, errors, warnings


def auto_covers(o):
    """Tags derived from the annotation itself (used when building the file)."""
    tags = set()
    claims = o["claims"]
    tags.add("no_claim" if not claims else ("multi_claim" if len(claims) > 1 else "single_claim"))
    for c in claims:
        tags.add("metric:" + c["metric"])
        tags.add("unit:" + c["unit"])
        parsed = parse_number(c)
        if parsed:
            _, feats, approx_words = parsed
            tags |= feats
            tags |= {"approx:" + w for w in approx_words}
            if "chinese_numeral" not in feats:
                tags.add("arabic_numeral")
        if c["metric"] == "request_outcome":
            tags.add("outcome:" + c["qualifier"])
        if c["metric"] == "active_disclosure_channel":
            tags.add("channel_qualifier")
        if c["metric"] == "active_disclosure_category":
            tags.add("category_qualifier")
    return tags


def main(argv):
    paths = argv[1:] or [str(Path(__file__).with_name("constructed.jsonl"))]
    bad = False
    for path in paths:
        rows, errors, warnings = validate(path)
        nclaims = sum(len(o.get("claims", [])) for o in rows)
        print("%s: %d sentences, %d claims, %d without claims"
              % (path, len(rows), nclaims, sum(1 for o in rows if not o.get("claims"))))
        for w in warnings:
            print("WARN", w)
        for e in errors:
            print("ERROR", e)
        bad = bad or bool(errors)
        cov = Counter(t for o in rows for t in set(o.get("covers", [])))
        metrics = Counter(c["metric"] for o in rows for c in o.get("claims", []))
        print("claims per metric:")
        for k in sorted(METRICS):
            print("  %-28s %d" % (k, metrics.get(k, 0)))
        print("sentences per covers tag:")
        for k, v in sorted(cov.items()):
            print("  %-34s %d" % (k, v))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
