"""Claims: every numeric statement of the narrative, its metric, its breakdowns, and its table counterpart.

find_numbers → classify (gxnlp/data/metrics.toml) → find_breakdowns (which also
splits disclosure counts into total / channel / category; the words are read in
gxnlp/check/disclosure.py) → link_tables → checks.
A claim is a number with a counting unit; dates, document numbers, phone numbers,
list markers and names with numerals carry no unit and so are never claims.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from gxnlp import rules
from gxnlp.check.disclosure import (category_suffix, channel_of, channels_in, connectors, disclosure_kind,  # noqa: F401
                                    disclosure_object, excluded_words, object_follows, strip_lead)
from gxnlp.check.numbers import NumberMatch, chinese_value, find_numbers, number_pattern, simplify  # noqa: F401
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
    own = i  # the claim's own clause; the words of a 、-list before it are read with it
    while i - 1 > previous_end and text[i - 1] == "、":  # 发布各类文件、财务、人事等信息237件: one clause
        k = i - 1
        while k > previous_end and text[k - 1] not in BOUNDARY:
            k -= 1
        if any(ch.isdigit() for ch in text[k:i]) or k == i - 1 or k > 0 and text[k - 1] not in BOUNDARY:
            break
        i = k
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
    return Context(text[i:match.start], text[match.end:j], own, j, text[s:match.start], text[s:e])


def classify(ctx: Context, match: NumberMatch) -> tuple[str, Optional[str], Optional[str], bool]:
    """(metric, qualifier, forced status, decided by words right of the number)."""
    data = rules.load("metrics")
    clause = ctx.left + ctx.right
    for rule in data["rule"]:
        if "units" in rule and match.unit not in rule["units"]:
            continue
        if rule.get("qualifier_from") == "rate":
            rate = re.search(rules.load("metrics")["rate_re"], ctx.left)
            if not rate:
                continue
            return rule["metric"], rate.group(1), rule.get("status"), False
        if rule.get("qualifier_from") == "rate_or_none":
            rate = re.search(rules.load("metrics")["rate_re"], ctx.left)
            return rule["metric"], rate.group(1) if rate else None, None, False
        hit_left = any(w in ctx.left for w in rule.get("left", ()))
        hit_clause = any(w in clause for w in rule.get("clause", ()))
        hit_right = any(ctx.right.startswith(w) for w in rule.get("right", ()))
        hit_sentence = any(re.search(p, ctx.sentence_left) for p in rule.get("sentence_re", ()))
        if not (hit_left or hit_clause or hit_right or hit_sentence):
            continue
        if any(w in ctx.left for w in rule.get("not_left", ())) or any(w in clause for w in rule.get("not_clause", ())):
            continue
        if any(w in ctx.sentence for w in rule.get("not_sentence", ())):
            continue
        if any(re.search(p, ctx.left) for p in rule.get("not_left_re", ())) \
                or any(re.search(p, ctx.sentence) for p in rule.get("not_sentence_re", ())):
            continue
        if "also" in rule and not any(w in clause for w in rule["also"]):
            continue
        if "sentence_also" in rule and not any(w in ctx.sentence for w in rule["sentence_also"]):
            continue
        metric, qualifier = rule["metric"], rule.get("qualifier")
        if "metric_from_last_left" in rule:  # 认真办理…共受理申请21件: the word nearest the number decides
            named = [(ctx.left.rfind(w) + len(w), m) for w, m in rule["metric_from_last_left"].items() if w in ctx.left]
            metric = max(named)[1] if named else metric
        if "metric_from_last" in rule:  # 结果维持 3件 belongs to whichever of 复议/诉讼 was named last
            named = [(ctx.sentence_left.rfind(w), m) for w, m in rule["metric_from_last"].items() if w in ctx.sentence_left]
            if not named:
                continue
            metric = max(named)[1]
        if rule.get("qualifier_from") == "after_word":  # 申请事项涉及政策法规信息1件 → 政策法规信息
            word = next(w for w in rule["left"] if w in ctx.left)
            qualifier = ctx.left[ctx.left.rfind(word) + len(word):].strip() or None
        elif rule.get("qualifier_from") in ("subset", "left_word"):
            qualifier = next(w for w in rule["left"] if w in ctx.left)
        elif rule.get("qualifier_from") == "table3_row":
            qualifier = table3_row_named(clause)
        right_decided = hit_right or hit_clause and not any(w in ctx.left for w in rule.get("clause", ()))
        return metric, qualifier, rule.get("status"), right_decided
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
    around: dict[tuple[int, int], tuple] = {}  # span → (label read, object after the unit, channel named before, sentence)
    for lo, hi in narrative_spans(text):
        line = text[lo:hi]
        simple = simplify(line)  # classification reads simplified characters; claim text stays as printed
        previous_end = 0
        line_claims = []
        matches = find_numbers(line)
        for n, match in enumerate(matches):
            ctx = context(simple, match, previous_end, matches[n + 1].start if n + 1 < len(matches) else len(line))
            after_count = previous_end > 0 and ctx.clause_start == previous_end and simple[previous_end - 1] not in BOUNDARY
            previous_end = match.end
            metric, qualifier, status, right = classify(ctx, match)
            if metric == "none":
                continue  # a rule says this number counts nothing (每个科室…一名)
            if metric == "other" and qualifier is None and inherits_disclosure(ctx, match, line_claims):
                metric = "active_disclosure"
            start = ctx.clause_start
            while start < match.start and line[start] in " “”\"（()）":
                start += 1
            end = ctx.clause_end if right else match.end
            if metric == "other" and qualifier is None and ctx.right and noun_follows(ctx, after_count):
                start, end = (match.start if after_count else start), ctx.clause_end  # 建成3处…和3家车驾管社会服务站
            claim = Claim(line[start:end].strip(), metric, match.value, match.unit, match.approx, qualifier,
                          section, (lo + start, lo + end))
            if status:
                claim.status, claim.status_fixed = status, True
            mark_scope(claim, ctx)
            if metric == "active_disclosure":
                around[claim.span] = (simple[match.start - len(ctx.left):match.end], ctx.right, channel_before(ctx), ctx.sentence)
            line_claims.append((claim, match, ctx))
            for extra in split_rates(claim):
                line_claims.append((extra, match, ctx))
            shared = shared_claim(claim, ctx)
            if shared is not None:
                line_claims.append((shared, match, ctx))
        line_claims += zero_claims(section, line, simple, lo, {c.span for c, _, _ in line_claims})
        claims.extend(c for c, _, _ in sorted(line_claims, key=lambda t: t[0].span))
    simple_text = simplify(text)
    breakdowns = find_breakdowns(section, simple_text, claims)
    for claim in claims:
        if claim.metric == "active_disclosure":
            label, *more = around.get(claim.span, (simple_text[claim.span[0]:claim.span[1]], "", None, ""))
            claim.metric, claim.qualifier = disclosure_kind(label, *more)
    return claims, breakdowns


def inherits_disclosure(ctx: Context, match: NumberMatch, line_claims: list) -> bool:
    """行政处罚信息31件、查封信息1件 after 主动公开环境质量信息20篇：a count listed after a disclosure count
    in the same sentence, with no verb or object of its own, is one more disclosure."""
    words = rules.load("metrics")["disclosure"]
    if match.unit not in words["inherit_units"] or not line_claims:
        return False
    prev_claim, _, prev_ctx = line_claims[-1]
    if prev_claim.metric != "active_disclosure" or prev_ctx is None or prev_ctx.sentence != ctx.sentence:
        return False
    return not any(w in ctx.left + ctx.right for w in excluded_words())


def noun_follows(ctx: Context, after_count: bool) -> bool:
    """The thing counted is named after the number: the words before it belong to the count before
    (建成3处24小时自助服务区和3家车驾管社会服务站) or close a list (…“我要开办民宿”等10个涉企…清单)."""
    return after_count or any(ctx.left.rstrip().endswith(w) for w in rules.load("metrics")["noun_follows"])


def split_rates(claim: Claim) -> list[Claim]:
    """落实率和满意率都实现了100%: one claim more for each further rate named."""
    if claim.unit != "%" or not claim.qualifier:
        return []
    rates = rules.load("metrics")["rates"]
    names = re.split(rates["joiners"], claim.qualifier)
    if len(names) < 2 or not all(n.endswith(rates["suffix"]) for n in names):
        return []
    claim.qualifier = names[0]
    return [Claim(claim.text, claim.metric, claim.value, claim.unit, claim.approx, n, claim.section, claim.span)
            for n in names[1:]]


def channel_before(ctx: Context) -> Optional[str]:
    """The one channel named before the clause with no count in between (通过X网站，主动公开…1337条)."""
    words = rules.load("metrics")["disclosure"]
    region = re.split("[；;]", ctx.sentence_left[: len(ctx.sentence_left) - len(ctx.left)])[-1]
    via = list(re.finditer(words["via_re"], region))
    if not via or find_numbers(region):
        return None
    names = {name for _, _, name in channels_in(region[via[0].start():])}
    return channels_in(region[via[0].start():])[0][2] if len(names) == 1 else None


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


def zero_claims(section, line, simple, offset, taken) -> list:
    """Zeros stated without a number (未收到…申请 → requests_received 0), read on the simplified line."""
    out = []
    for rule in rules.load("metrics")["zero"]:
        for m in re.finditer(rule["pattern"], simple):
            if any(a <= offset + m.start() < b for a, b in taken):
                continue
            for metric in rule["metrics"]:
                claim = Claim(line[m.start():m.end()], metric, 0, rule.get("unit", rules.load("metrics")["zero_unit"]), False, rule.get("qualifier"),
                              section, (offset + m.start(), offset + m.end()))
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
        if not opener.match(text[total.span[1]: total.span[1] + 14]) and not listed_parts(total, claims[n + 1:], text):
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


def listed_parts(total: Claim, rest: list[Claim], text: str) -> bool:
    """信息506条,政策法规类13条,规范性文件22条,政府工作动态类471条: parts listed without an opener word,
    each without a verb of its own, that add up to the total exactly."""
    if total.metric != "active_disclosure" or total.approx:
        return False
    sentence_end = next((i for i in range(total.span[1], len(text)) if text[i] in SENTENCE_END), len(text))
    parts = [p for p in rest if p.span[0] < sentence_end]
    verbs = rules.load("metrics")["disclosure"]["verbs"]
    if len(parts) < 2 or any(p.unit != total.unit or p.approx for p in parts):
        return False
    if any(any(v in text[p.span[0]:p.span[1]] for v in verbs) for p in parts):
        return False
    return abs(sum(p.value for p in parts) - total.value) < 1e-6


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
    units = rules.load("metrics")["disclosure"]["units"]
    for part in parts:
        if part.metric not in ("active_disclosure", "other") or part.unit not in units:
            continue  # 占24.31%, 新闻发布会2次 are not disclosed items
        label = text[part.span[0]:part.span[1]]
        if any(w in label for w in excluded_words(relabel=True)):
            continue  # 其中主站采用15条: taken up by another site, not disclosed
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
    elif not head_channel and not object_follows(text[total.span[0]:total.span[1]]) \
            and disclosure_kind(text[total.span[0]:total.span[1]])[0] == "active_disclosure_category":
        total.metric, total.qualifier = disclosure_kind(text[total.span[0]:total.span[1]])  # 重点领域信息4316条，其中…
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


def scope_of(claim: Claim, ctx: Context) -> Optional[str]:
    """Why a claim with a table metric is about a part, not the table's quantity (None: it is the whole)."""
    scope = rules.load("metrics")["scope"]
    word = next((w for w in scope["words"] if w in simplify(claim.text)), None)
    if word is not None:
        return word
    if claim.unit in scope["item_units"] and claim.metric in TABLE3_METRIC_ROWS or claim.metric == "request_outcome":
        before = ctx.sentence_left[: max(0, len(ctx.sentence_left) - len(claim.text))]
        if claim.unit in scope["item_units"] and re.search(scope["item_list_re"], before):
            return claim.unit
    return None


def mark_scope(claim: Claim, ctx: Context) -> None:
    """A part (sub-unit, channel, applicant, 历年累计, items listed with the disclosures) is never judged
    against the whole table: `no_counterpart`, the part kept as qualifier and named in the note."""
    if not (claim.metric in TABLE3_METRIC_ROWS or claim.metric in ("request_outcome", "admin_review", "admin_litigation")):
        return
    part = scope_of(claim, ctx)
    if part is None:
        return
    if part in rules.load("metrics")["scope"]["item_units"]:
        claim.note = f"counted in {part} among the disclosed items: documents by disclosure attribute, not requests"
    else:
        claim.qualifier = claim.qualifier or part
        claim.note = f"about a part ({part}), not the whole quantity the table counts"
    claim.status, claim.status_fixed = "no_counterpart", True


def link_tables(claims: list[Claim], tables: dict[str, Optional[Table]]) -> None:
    """Compare each claim with its table counterpart; every status but `consistent` says why in `note`."""
    for claim in claims:
        if claim.status_fixed:
            claim.note = claim.note or f"{claim.metric} ({claim.qualifier}) is not the quantity the table counts"
            continue  # a rule said what this figure is not (备案的复议案件 is not table4's review count)
        value, cells, has = counterpart(claim, tables)
        if not has:
            claim.status = "no_counterpart"
            claim.note = f"no table counts {claim.metric}" + (f" ({claim.qualifier})" if claim.qualifier else "")
            continue
        claim.table_value, claim.cells = value, cells
        if value is None:
            claim.status = "unverifiable"
            claim.note = "the table cell is blank or was not read" + (f" ({' + '.join(cells)})" if cells else "")
        elif agrees(claim, value):
            claim.status = "consistent"
        else:
            claim.status = "inconsistent"
            claim.note = f"the narrative says {claim.value:g}, {' + '.join(cells)} = {value:g}"


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
