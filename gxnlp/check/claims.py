"""Claims: every numeric statement of the narrative, its metric, its breakdowns, and its table counterpart.

find_numbers → classify (gxnlp/data/metrics.toml) → find_breakdowns (which also
splits disclosure counts into total / channel / category) → link_tables → checks.
A claim is a number with a counting unit; dates, document numbers, phone numbers,
list markers and names with numerals carry no unit and so are never claims.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from gxnlp import rules
from gxnlp.model.core import Breakdown, Check, Claim, Section, Table

BOUNDARY = "，。；！？：、,;!?\n"
SENTENCE_END = "。！？!?\n"
TABLE3_OUTCOME_ROWS = {
    "granted": ("granted",),
    "partially_granted": ("partially_granted",),
    "granted+partially_granted": ("granted", "partially_granted"),
    "denied": tuple(r for r in rules.TABLE3_ROWS if r.startswith("denied_")),
    "unavailable": ("unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear"),
    "unavailable_not_held": ("unavailable_not_held",),
    "rejected": tuple(r for r in rules.TABLE3_ROWS if r.startswith("rejected_")),
    "other": ("other_no_correction", "other_no_fee", "other_other"),
}
TABLE3_METRIC_ROWS = {
    "requests_received": "new_received",
    "requests_completed": "total_processed",
    "requests_carried_in": "carried_over",
    "requests_carried_over": "carried_forward",
}


@dataclass(frozen=True)
class NumberMatch:
    start: int  # the number (with approximation words) starts here
    end: int  # …and its unit ends here
    value: float
    unit: str
    approx: bool


# --- numbers -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def number_pattern() -> re.Pattern:
    n = rules.load("numerals")
    units = "|".join(re.escape(u) for u in sorted(n["units"], key=len, reverse=True))
    money = "|".join(re.escape(u) for u in n["money_units"] if u != "元")
    before = "|".join(re.escape(w) for w in sorted(n["approx_before"], key=len, reverse=True))
    after_n = "|".join(re.escape(w) for w in n["approx_after_number"])
    after_u = "|".join(re.escape(w) for w in n["approx_after_unit"])
    chinese = "".join(list(n["digits"]) + list(n["scales"]) + list(n["multipliers"]))
    return re.compile(
        rf"(?P<before>(?:{before})\s*)?"
        rf"(?:(?<![\d.,])(?P<arabic>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d.]|,\d)|(?P<chinese>[{chinese}]+))"
        rf"\s*(?:(?P<money>{money})|(?P<mult>[万亿])?(?P<after_n>{after_n})?\s*(?P<unit>{units}))"
        rf"(?:\s*(?P<after_u>{after_u}))?"
    )


def chinese_value(text: str) -> Optional[int]:
    n = rules.load("numerals")
    digits, scales, mults = n["digits"], n["scales"], n["multipliers"]
    total = section = number = 0
    for ch in text:
        if ch in digits:
            number = digits[ch]
        elif ch in scales:
            section += (number or 1) * scales[ch]
            number = 0
        elif ch in mults:
            total = (total + section + number) * mults[ch]
            section = number = 0
        else:
            return None
    return total + section + number


def find_numbers(text: str) -> list[NumberMatch]:
    n = rules.load("numerals")
    blocked = blocked_spans(text)
    out = []
    for m in number_pattern().finditer(text):
        start = m.start("arabic") if m.group("arabic") else m.start("chinese")
        if any(a <= start < b for a, b in blocked):
            continue
        if start > 0 and text[start - 1] == "第":
            continue  # an ordinal: 第3期
        if m.group("arabic"):
            value = float(m.group("arabic").replace(",", ""))
        else:
            digits = m.group("chinese")
            if start > 0 and text[start - 1] in n["word_before"]:
                continue
            if len(digits) == 1 and digits in n["multipliers"]:
                continue
            v = chinese_value(digits)
            if v is None:
                continue
            value = float(v)
        unit = m.group("money") or m.group("unit")
        if m.group("mult"):
            value *= n["multipliers"][m.group("mult")]
        approx = bool(m.group("before") or m.group("after_n") or m.group("after_u"))
        value = int(value) if value.is_integer() else value
        end = m.end() if m.group("after_u") != "多" else m.end("after_u")
        out.append(NumberMatch(m.start() if m.group("before") else start, end, value, unit, approx))
    return out


def blocked_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for phrase in rules.load("numerals")["not_claims"]:
        for m in re.finditer(re.escape(phrase), text):
            spans.append((m.start(), m.end()))
    return spans


# --- classification ------------------------------------------------------------------------

@dataclass(frozen=True)
class Context:
    left: str  # clause text before the number
    right: str  # clause text after the unit
    clause_start: int
    clause_end: int
    sentence_left: str  # the sentence up to the number ("截至2022年底，网站累计发布…")
    sentence: str


def context(text: str, match: NumberMatch, previous_end: int, next_start: int) -> Context:
    i = match.start
    while i > previous_end and text[i - 1] not in BOUNDARY:
        i -= 1
    j = match.end
    while j < len(text) and text[j] not in BOUNDARY:
        j += 1
    if next_start < j:
        j = match.end  # another number follows in the clause: the words between describe it
    s = match.start
    while s > 0 and text[s - 1] not in SENTENCE_END:
        s -= 1
    e = match.end
    while e < len(text) and text[e] not in SENTENCE_END:
        e += 1
    return Context(text[i:match.start], text[match.end:j], i, j, text[s:match.start], text[s:e])


def classify(ctx: Context, match: NumberMatch) -> tuple[str, Optional[str], Optional[str], bool]:
    """(metric, qualifier, forced status, decided by words right of the number)."""
    data = rules.load("metrics")
    clause = ctx.left + ctx.right
    for rule in data["rule"]:
        if "units" in rule and match.unit not in rule["units"]:
            continue
        if rule.get("qualifier_from") == "rate":
            rate = re.search(r"([\u4e00-\u9fff]{1,6}率)[为是达到]*\s*$", ctx.left)
            if not rate:
                continue
            return rule["metric"], rate.group(1), rule.get("status"), False
        hit_left = any(w in ctx.left for w in rule.get("left", ()))
        hit_clause = any(w in clause for w in rule.get("clause", ()))
        hit_sentence = any(re.search(p, ctx.sentence_left) for p in rule.get("sentence_re", ()))
        if not (hit_left or hit_clause or hit_sentence):
            continue
        if any(w in ctx.left for w in rule.get("not_left", ())) or any(w in clause for w in rule.get("not_clause", ())):
            continue
        if any(w in ctx.sentence for w in rule.get("not_sentence", ())):
            continue
        if "also" in rule and not any(w in clause for w in rule["also"]):
            continue
        if "sentence_also" in rule and not any(w in ctx.sentence for w in rule["sentence_also"]):
            continue
        qualifier = rule.get("qualifier")
        if rule.get("qualifier_from") in ("subset", "left_word"):
            qualifier = next(w for w in rule["left"] if w in ctx.left)
        elif rule.get("qualifier_from") == "table3_row":
            qualifier = table3_row_named(clause)
        right_decided = hit_clause and not any(w in ctx.left for w in rule.get("clause", ()))
        return rule["metric"], qualifier, rule.get("status"), right_decided
    return "other", None, None, False


def table3_row_named(clause: str) -> Optional[str]:
    """The table3 row key whose label the clause quotes (labels from gxnlp/data/table_rows.toml)."""
    from gxnlp.parse.tables import normalise_label

    flat = normalise_label(clause)
    best = None
    for key, spec in rules.load("table_rows")["table3"]["rows"].items():
        for label in spec["labels"]:
            core = label[:6] if len(label) > 6 else label
            if not spec.get("exact") and core in flat and (best is None or len(core) > best[1]):
                best = (key, len(core))
    return best[0] if best else None


def channel_of(text: str) -> Optional[str]:
    channels = rules.load("metrics")["channels"]
    hits = [(text.rfind(word), len(word), name) for word, name in channels.items() if word in text]
    if not hits:
        return None
    return max(hits)[2]


# --- extraction ----------------------------------------------------------------------------

def narrative_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the lines that are prose, not table rows (rows carry tab-separated cells)."""
    spans, pos = [], 0
    for line in text.split("\n"):
        if "\t" not in line and line.strip():
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def extract_claims(section: str, text: str) -> tuple[list[Claim], list[Breakdown]]:
    claims: list[Claim] = []
    for lo, hi in narrative_spans(text):
        line = text[lo:hi]
        previous_end = 0
        line_claims = []
        matches = find_numbers(line)
        for n, match in enumerate(matches):
            ctx = context(line, match, previous_end, matches[n + 1].start if n + 1 < len(matches) else len(line))
            previous_end = match.end
            metric, qualifier, status, right = classify(ctx, match)
            start = ctx.clause_start
            while start < match.start and line[start] in " “”\"（(":
                start += 1
            end = ctx.clause_end if right else match.end
            claim = Claim(line[start:end].strip(), metric, match.value, match.unit, match.approx, qualifier,
                          section, (lo + start, lo + end))
            if status:
                claim.status, claim.status_fixed = status, True
            line_claims.append((claim, match, ctx))
            shared = shared_claim(claim, ctx)
            if shared is not None:
                line_claims.append((shared, match, ctx))
        line_claims += zero_claims(section, line, lo, {c.span for c, _, _ in line_claims})
        claims.extend(c for c, _, _ in sorted(line_claims, key=lambda t: t[0].span))
    breakdowns = find_breakdowns(section, text, claims)
    for claim in claims:
        if claim.metric == "active_disclosure":
            channel = channel_of(text[claim.span[0]:claim.span[1]])
            claim.metric = "active_disclosure_channel" if channel else "active_disclosure_total"
            claim.qualifier = channel
    return claims, breakdowns


def shared_claim(claim: Claim, ctx: Context) -> Optional[Claim]:
    """"行政复议、行政诉讼均为0件": the same number for the other quantity named before 均."""
    shared = rules.load("metrics")["shared"]
    words = shared["metrics"]
    span = re.split(r"[，。；,;]", ctx.sentence_left)[-1]  # 、 joins the quantities that share the number
    if claim.metric not in words or shared["word"] not in ctx.left:
        return None
    for metric, word in words.items():
        if metric != claim.metric and word in span and words[claim.metric] in span:
            return Claim(claim.text, metric, claim.value, claim.unit, claim.approx, None, claim.section, claim.span)
    return None


def zero_claims(section, line, offset, taken) -> list:
    out = []
    for rule in rules.load("metrics")["zero"]:
        for m in re.finditer(rule["pattern"], line):
            if any(a <= offset + m.start() < b for a, b in taken):
                continue
            for metric in rule["metrics"]:
                claim = Claim(m.group(0), metric, 0, "件", False, None, section, (offset + m.start(), offset + m.end()))
                out.append((claim, None, None))
            taken = taken | {(offset + m.start(), offset + m.end())}
    return out


def find_breakdowns(section: str, text: str, claims: list[Claim]) -> list[Breakdown]:
    """"共N条，其中A条、B条…": the claims after an opener word, up to the end of the sentence.

    The parts of a disclosure count are relabelled (channels or categories) even when
    there is only one ("其中政策文件21条"); a sum is reported for two parts or more in the
    total's own unit.
    """
    opens = rules.load("metrics")["breakdown"]["opens"]
    opener = re.compile(r"^[，。,；; \n]*[^，。；\n]{0,6}?(?:" + "|".join(map(re.escape, opens)) + ")")
    out = []
    for n, total in enumerate(claims):
        if total.metric == "other" and total.qualifier:
            continue
        if not opener.match(text[total.span[1]: total.span[1] + 14]):
            continue
        start = total.span[1] + 1 if text[total.span[1]: total.span[1] + 1] == "。" else total.span[1]
        sentence_end = next((i for i in range(start, len(text)) if text[i] in SENTENCE_END), len(text))
        parts = [p for p in claims[n + 1:] if p.span[0] < sentence_end]
        parts = parts[: next((i for i, p in enumerate(parts) if p.metric not in
                              ("other", "active_disclosure", "active_disclosure_total", total.metric)), len(parts))]
        if not parts:
            continue
        relabel_parts(total, parts, text)
        for group in split_at_semicolons(parts, text):  # channels；categories — lists of the same total
            breakdown = make_breakdown(section, text, total, group)
            if breakdown is not None:
                out.append(breakdown)
    return out


@lru_cache(maxsize=1)
def connectors() -> re.Pattern:
    words = rules.load("metrics")["breakdown"]["connectors"]
    return re.compile("^(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + ")+")


@lru_cache(maxsize=1)
def category_suffix() -> re.Pattern:
    return re.compile("(?:" + "|".join(map(re.escape, rules.load("metrics")["breakdown"]["category_suffixes"])) + ")$")


def split_at_semicolons(parts: list[Claim], text: str) -> list[list[Claim]]:
    groups = [[parts[0]]]
    for prev, part in zip(parts, parts[1:]):
        if "；" in text[prev.span[1]:part.span[0]] or ";" in text[prev.span[1]:part.span[0]]:
            groups.append([])
        groups[-1].append(part)
    return groups


def make_breakdown(section: str, text: str, total: Claim, parts: list[Claim]) -> Optional[Breakdown]:
    """A sum for two parts or more, all in the total's unit."""
    if len(parts) < 2 or any(p.unit != total.unit for p in parts):
        return None
    parts_sum = sum(p.value for p in parts)
    if total.approx or any(p.approx for p in parts):
        status = "consistent" if parts_sum <= total.value * 1.1 else "inconsistent"
    else:
        status = "consistent" if abs(parts_sum - total.value) < 1e-6 else "inconsistent"
    return Breakdown(total.value, [p.value for p in parts], status, text[total.span[0]: parts[-1].span[1]],
                     section, (total.span[0], parts[-1].span[1]))


def relabel_parts(total: Claim, parts: list[Claim], text: str):
    """A breakdown of a disclosure count: parts are channels or categories; the head is the total,
    unless it names a channel and its parts are channels too (政务新媒体 2360 条，其中微信…)."""
    if total.metric not in ("active_disclosure", "active_disclosure_total", "active_disclosure_channel"):
        return
    labelled = []
    for part in parts:
        if part.metric not in ("active_disclosure", "other"):
            continue
        label = text[part.span[0]:part.span[1]]
        channel = channel_of(label)
        if channel:
            part.metric, part.qualifier = "active_disclosure_channel", channel
        else:
            head = re.sub(r"[\s\d.,，、]+.*$", "", connectors().sub("", label.strip()))
            head = category_suffix().sub("", head) if len(head) > 4 else head
            part.metric, part.qualifier = "active_disclosure_category", head or None
        labelled.append(part)
    head_channel = channel_of(text[total.span[0]:total.span[1]])
    if head_channel and labelled and all(p.metric == "active_disclosure_channel" for p in labelled) \
            and not any(w in text[total.span[0]:total.span[1]] for w in rules.load("metrics")["breakdown"]["total_words"][1:]):
        total.metric, total.qualifier = "active_disclosure_channel", head_channel
    else:
        total.metric, total.qualifier = "active_disclosure_total", None


# --- claims against the tables -------------------------------------------------------------

def cell_value(table: Optional[Table], row: str, col: int = 6) -> tuple[Optional[float], list[str]]:
    """A row's 总计, or the sum of its applicant cells when 总计 is blank."""
    if table is None or table.rows.get(row) is None:
        return None, []
    cells = table.rows[row]
    if cells[col].value is not None:
        return cells[col].value, [f"{table.key}.{row}.{rules.TABLE3_COLUMNS[col]}"]
    parts = [c.value for c in cells[:6]]
    if all(v is None for v in parts):
        return None, []
    return sum(v or 0 for v in parts), [f"{table.key}.{row}.{c}" for c in rules.TABLE3_COLUMNS[:6]]


def counterpart(claim: Claim, tables: dict[str, Optional[Table]]) -> tuple[Optional[float], list[str], bool]:
    """(table value, cells, has a counterpart at all)."""
    t3, t4, t2 = tables.get("table3"), tables.get("table4"), tables.get("table2")
    if claim.metric in TABLE3_METRIC_ROWS:
        value, cells = cell_value(t3, TABLE3_METRIC_ROWS[claim.metric])
        return value, cells, True
    if claim.metric == "request_outcome" and (claim.qualifier in TABLE3_OUTCOME_ROWS
                                              or claim.qualifier in rules.TABLE3_ROWS):
        rows = TABLE3_OUTCOME_ROWS.get(claim.qualifier, (claim.qualifier,))
        if claim.qualifier == "other" and t3 is not None and t3.rows.get("other_processing") is not None:
            rows = ("other_processing",)
        values, cells = [], []
        for row in rows:
            v, c = cell_value(t3, row)
            values.append(v)
            cells += c
        if all(v is None for v in values):
            return None, [], True
        return sum(v or 0 for v in values), cells, True
    if claim.metric in ("admin_review", "admin_litigation"):
        qualifiers = rules.load("metrics")["table4_qualifiers"]
        groups = ("review",) if claim.metric == "admin_review" else \
            tuple(qualifiers["groups"].get(claim.qualifier, ("litigation_direct", "litigation_after_review")))
        col = rules.TABLE4_COLUMNS.index(qualifiers["columns"].get(claim.qualifier, "total"))
        values, cells = [], []
        for g in groups:
            row = t4.rows.get(g) if t4 is not None else None
            values.append(row[col].value if row is not None else None)
            cells.append(f"table4.{g}.{rules.TABLE4_COLUMNS[col]}")
        if any(v is None for v in values):
            return None, [], True
        return sum(values), cells, True
    if claim.metric in ("penalty", "licensing", "coercion"):
        row = t2.rows.get(claim.metric) if t2 is not None else None
        if row is None:
            return None, [], True
        cell = row[-1]  # 2021: the only column; 2019: 处理决定数量, the last
        return cell.value, [f"table2.{claim.metric}"], True
    return None, [], False


def agrees(claim: Claim, table_value: float) -> bool:
    if not claim.approx:
        return abs(claim.value - table_value) < 1e-6
    return claim.value * 0.9 <= table_value <= claim.value * 1.5


def link_tables(claims: list[Claim], tables: dict[str, Optional[Table]]) -> None:
    for claim in claims:
        if claim.status_fixed:
            continue  # a rule said what this figure is not (备案的复议案件 is not table4's review count)
        value, cells, has = counterpart(claim, tables)
        if not has:
            claim.status = "no_counterpart"
            continue
        claim.table_value, claim.cells = value, cells
        if value is None:
            claim.status = "unverifiable"
        else:
            claim.status = "consistent" if agrees(claim, value) else "inconsistent"


def claim_checks(claims: list[Claim], sums: list[Breakdown]) -> list[Check]:
    compared = [c for c in claims if c.status in ("consistent", "inconsistent")]
    bad = [c for c in compared if c.status == "inconsistent"]
    if bad:
        detail = "; ".join(f"«{c.text}» says {c.value:g} but the table has {c.table_value:g} ({' + '.join(c.cells)})"
                           for c in bad)
        check = Check("claims_vs_tables", "fail", detail, [cell for c in bad for cell in c.cells])
    elif compared:
        check = Check("claims_vs_tables", "pass", f"{len(compared)} claims agree with the tables", [])
    else:
        check = Check("claims_vs_tables", "unverifiable", "no claim with a table value to compare", [])
    wrong = [s for s in sums if s.status == "inconsistent"]
    if wrong:
        detail = "; ".join(f"«{s.text[:40]}…» total {s.total:g} but parts add up to {sum(s.parts):g}" for s in wrong)
        sums_check = Check("sums", "fail", detail, [f"sections.{s.section}[{s.span[0]}:{s.span[1]}]" for s in wrong])
    elif sums:
        sums_check = Check("sums", "pass", f"{len(sums)} breakdowns add up", [])
    else:
        sums_check = Check("sums", "unverifiable", "no breakdown stated", [])
    return [check, sums_check]


def read_claims(sections: dict[str, Optional[Section]], tables) -> tuple[list[Claim], list[Breakdown]]:
    claims, sums = [], []
    for key, section in sections.items():
        if section is None:
            continue
        c, s = extract_claims(key, section.text)
        claims += c
        sums += s
    link_tables(claims, tables)
    return claims, sums
