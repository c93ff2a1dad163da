"""Self-contained HTML pages: one report (tables, checks, claims, labels) or a whole corpus.

Why HTML: an auditor needs to see *where* a report goes wrong — the failing table cell, the
sentence whose number disagrees with it — and to send that page to someone offline. So every
page is one file: CSS and JS are inlined (gxnlp/data/report.css, report.js), charts are inline
SVG, and a Content-Security-Policy allows only the page's own script and style (by hash) and
data: images, so nothing is fetched and nothing injected can run.

All text taken from a report goes through `esc` (reports contain `<script>` in the wild).

    gxnlp report FILE --html OUT.html        # one report
    gxnlp report DIR --html OUT.html         # a corpus: a folder of reports, or a batch OUT_DIR;
                                             # per-report pages go to reports/<id>.html beside OUT.html
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from gxnlp import rules
from gxnlp.model.core import Cell, Check, Report, Sentence
from gxnlp.report.html import badge, esc, fmt, page, settings

SPAN_CELL = re.compile(r"^sections\.(\w+)\[(\d+):(\d+)\]$")
FAMILIES = ("problem", "measure", "channel")


def page_labels():
    return rules.load("labels")["page"]


# --- flags: which cells a failing check names, and why ---------------------------------------

@dataclass(frozen=True)
class Flag:
    check: str
    severity: str  # "bad" (a number is wrong) or "warn" (form, completeness)
    why: str


def severity(check_id: str) -> str:
    return "bad" if check_id in settings()["error_checks"] else "warn"


def explain(check: Check, name: str) -> str:
    """The part of a check's detail about `name` (details list several equations, "; "-separated)."""
    parts = [p for p in check.detail.split("; ") if p]
    row = name.split(".")[1] if name.count(".") >= 1 else ""
    col = name.split(".")[2] if name.count(".") >= 2 else ""
    mine = [p for p in parts if name in p] or [p for p in parts if row and f"row {row}:" in p] or \
        [p for p in parts if col and p.startswith(f"column {col}")]
    text = "; ".join(mine or parts)
    return f"{check.id}: {text if len(text) <= 300 else text[:297] + '…'}"


def flags_of(report: Report) -> dict[str, list[Flag]]:
    out: dict[str, list[Flag]] = defaultdict(list)
    for check in report.checks:
        if check.status != "fail":
            continue
        for name in dict.fromkeys(check.cells):
            out[name].append(Flag(check.id, severity(check.id), explain(check, name)))
    return out


def worst(flags: Iterable[Flag]) -> str:
    sev = {f.severity for f in flags}
    return "bad" if "bad" in sev else ("warn" if sev else "")


def flag_attrs(names: list[str], flags: dict[str, list[Flag]], extra_title: str = "") -> tuple[str, str]:
    """(css class, title) for an element known by `names`."""
    found = [f for n in names for f in flags.get(n, ())]
    title = "\n".join(dict.fromkeys(f.why for f in found))
    if extra_title:
        title = f"{title}\n{extra_title}" if title else extra_title
    return worst(found), title


# --- tables -----------------------------------------------------------------------------------

def cell_td(cell: Cell, name: str, aliases: list[str], flags) -> str:
    shown = fmt(cell.value) if cell.value is not None else cell.raw.strip()
    info = []
    if cell.loc is not None and cell.loc.line is not None:
        info.append(f"line {cell.loc.line}")
    if cell.loc is not None and cell.loc.page is not None:
        info.append(f"page {cell.loc.page}")
    if cell.raw.strip() != shown:
        info.append(f"printed “{cell.raw.strip()}”")
    cls, title = flag_attrs([name, *aliases], flags, f"{name} · " + " · ".join(info) if info else name)
    classes = ["num"] + ([cls] if cls else []) + (["blank"] if cell.value is None else [])
    alias = f" data-alias=\"{esc(' '.join(aliases))}\"" if aliases else ""
    return (f"<td id=\"{esc(name)}\" data-cell=\"{esc(name)}\"{alias} class=\"{' '.join(classes)}\" "
            f"title=\"{esc(title)}\">{esc(shown) if shown else '·'}</td>")


def row_tr(name: str, label: str, key: str, cells_html: str, flags, absent_cols: int = 0) -> str:
    cls, title = flag_attrs([name], flags)
    if absent_cols:
        cells_html = f"<td colspan=\"{absent_cols}\" class=\"muted\">row not printed</td>"
        cls = f"absent {cls}".strip()
    return (f"<tr data-cell=\"{esc(name)}\" class=\"{cls}\" title=\"{esc(title)}\"><td class=\"label\">"
            f"{esc(label)}<span class=\"key\">{esc(key)}</span></td>{cells_html}</tr>")


def absent_table(name: str, caption: str, flags) -> str:
    cls, title = flag_attrs([name], flags)
    return (f"<h3>{esc(caption)}</h3><div class=\"absent-table {cls}\" data-cell=\"{esc(name)}\" "
            f"title=\"{esc(title)}\">{esc(name)}: not found in this report</div>")


def table2_html(report: Report, flags) -> str:
    table = report.tables.get("table2")
    caption = page_labels()["table2_caption"]
    if table is None:
        return absent_table("table2", caption, flags)
    spec = rules.load("table_rows")["table2"]["rows_2019" if table.template == "2019" else "rows_2021"]
    names = settings()["table2_fields"]
    rows = []
    for key, cells in table.rows.items():
        label = spec[key]["labels"][0] if key in spec else key
        fields = list(spec[key]["fields"]) if key in spec else [""]
        row_name = f"table2.{key}"
        if cells is None:
            rows.append(row_tr(row_name, label, key, "", flags, absent_cols=2))
            continue
        for i, (field, cell) in enumerate(zip(fields, cells)):
            name = f"{row_name}.{field}" if field else row_name
            aliases = [f"{row_name}.{i}"] + ([row_name] if field else [])
            field_label = names.get(field, field) if field else (
                page_labels()["table2_fee_field"] if "fees" in key else names[""])
            td = cell_td(cell, name, aliases, flags)
            head = (f"<td class=\"label\" rowspan=\"{len(cells)}\">{esc(label)}<span class=\"key\">{esc(key)}"
                    f"</span></td>") if i == 0 else ""
            cls, title = flag_attrs([row_name], flags) if i == 0 else ("", "")
            rows.append(f"<tr data-row=\"{esc(row_name)}\" class=\"{cls}\" title=\"{esc(title)}\">{head}"
                        f"<td>{esc(field_label)}</td>{td}</tr>")
    heads = page_labels()["table2_heads"]
    return (f"<h3>{esc(caption)} <span class=\"muted\">· {esc(table.template)} template</span></h3>"
            f"<div class=\"scroll\"><table class=\"data t2\" data-cell=\"table2\"><thead><tr><th>{heads[0]}</th>"
            f"<th>{heads[1]}</th><th class=\"num\">{heads[2]}</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def table3_html(report: Report, flags) -> str:
    table = report.tables.get("table3")
    caption = page_labels()["table3_caption"]
    if table is None:
        return absent_table("table3", caption, flags)
    old_other = table.rows.get("other_processing") is not None
    keys = [k for k in rules.TABLE3_ROWS
            if not (k == "other_processing" and not old_other) and not (old_other and k.startswith("other_"))]
    zh = rules.load("labels")
    head = "".join(f"<th class=\"num\">{esc(zh['table3_columns'].get(en, en))}<br><span class=\"muted\">{esc(en)}"
                   f"</span></th>" for en in rules.TABLE3_COLUMNS)
    rows = []
    for key in keys:
        cells = table.rows.get(key)
        name = f"table3.{key}"
        label = zh["table3_rows"].get(key, key)
        if cells is None:
            rows.append(row_tr(name, label, key, "", flags, absent_cols=7))
            continue
        tds = "".join(cell_td(c, f"{name}.{col}", [], flags) for c, col in zip(cells, rules.TABLE3_COLUMNS))
        rows.append(row_tr(name, label, key, tds, flags))
    return (f"<h3>{esc(caption)}</h3><div class=\"scroll\"><table class=\"data t3\" data-cell=\"table3\">"
            f"<thead><tr><th>{page_labels()['table3_row_head']}</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def table4_html(report: Report, flags) -> str:
    table = report.tables.get("table4")
    caption = page_labels()["table4_caption"]
    if table is None:
        return absent_table("table4", caption, flags)
    zh = rules.load("labels")
    head = "".join(f"<th class=\"num\">{esc(zh['table4_columns'].get(en, en))}<br><span class=\"muted\">{esc(en)}"
                   f"</span></th>" for en in rules.TABLE4_COLUMNS)
    rows = []
    for group in rules.TABLE4_GROUPS:
        cells = table.rows.get(group)
        name = f"table4.{group}"
        if cells is None:
            rows.append(row_tr(name, zh['table4_groups'].get(group, group), group, "", flags, absent_cols=5))
            continue
        tds = "".join(cell_td(c, f"{name}.{col}", [], flags) for c, col in zip(cells, rules.TABLE4_COLUMNS))
        rows.append(row_tr(name, zh['table4_groups'].get(group, group), group, tds, flags))
    return (f"<h3>{esc(caption)}</h3><div class=\"scroll\"><table class=\"data t4\" data-cell=\"table4\">"
            f"<thead><tr><th>{page_labels()['table4_group_head']}</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


# --- narrative --------------------------------------------------------------------------------

@dataclass
class Mark:
    """An element to wrap around text[start:end]; `tail` is written after it where it really ends."""

    start: int
    end: int
    open: str
    close: str = "</span>"
    tail: str = ""
    reopen: str = ""  # used when the element had to be split (no id, so ids stay unique)


def render_span(text: str, lo: int, hi: int, layers: list[list[Mark]]) -> str:
    """text[lo:hi] escaped, with the marks of each layer (outer first) properly nested.

    A mark that crosses a mark of an outer layer is closed and reopened around it.
    """
    layers = [[m for m in layer if m.end > lo and m.start < hi and m.end > m.start] for layer in layers]
    points = {lo, hi}
    for layer in layers:
        for m in layer:
            points.update((max(m.start, lo), min(m.end, hi)))
    points = sorted(points)
    active: list[Optional[Mark]] = [None] * len(layers)
    opened: set[int] = set()
    out: list[str] = []

    def close_from(k: int, at: int):
        for j in reversed(range(k, len(layers))):
            m = active[j]
            if m is not None:
                out.append(m.close + (m.tail if m.end <= at else ""))
                active[j] = None

    for a, b in zip(points, points[1:]):
        want = [next((m for m in layer if m.start <= a and b <= m.end), None) for layer in layers]
        k = next((i for i in range(len(layers)) if want[i] is not active[i]), None)
        if k is not None:
            close_from(k, a)
            for j in range(k, len(layers)):
                m = want[j]
                if m is not None:
                    out.append(m.reopen or m.open if id(m) in opened else m.open)
                    opened.add(id(m))
                    active[j] = m
        out.append(esc(text[a:b]))
    close_from(0, hi)
    return "".join(out)


def chips(labels: list[tuple[str, float]]) -> str:
    if not labels:
        return ""
    inner = "".join(
        f"<span class=\"chip {esc(lab.split(':', 1)[0] if lab.split(':', 1)[0] in FAMILIES else 'other')}\" "
        f"title=\"{esc(f'{lab} (score {p:.2f})')}\">{esc(lab)}</span>" for lab, p in labels)
    return f"<span class=\"chips\">{inner}</span>"


def section_marks(report: Report, key: str, sentences: list[Sentence], flags, cut: Optional[int],
                  claim_index: dict[int, int]) -> list[list[Mark]]:
    from gxnlp.report.rhetoric import slogan_spans

    section = report.sections[key]
    sents = []
    for s in sentences:
        if s.section != key or s.heading:
            continue
        problem = cut is not None and s.span[0] < cut
        if not s.labels and not problem:
            continue
        cls = "sent part-problem" if problem else "sent"
        labs = " ".join(lab for lab, _ in s.labels)
        sents.append(Mark(s.span[0], s.span[1], f"<span class=\"{cls}\" data-labels=\"{esc(labs)}\">",
                          tail=chips(s.labels)))
    sums = []
    for name, fl in flags.items():
        m = SPAN_CELL.match(name)
        if m and m.group(1) == key:
            sums.append(Mark(int(m.group(2)), int(m.group(3)),
                             f"<span class=\"sumfail\" data-cell=\"{esc(name)}\" title=\"{esc(chr(10).join(f.why for f in fl))}\">"))
    inline = []
    for i, c in enumerate(report.claims):
        if c.section != key:
            continue
        n = claim_index[id(c)]
        tv = "no table counterpart" if c.status == "no_counterpart" else (
            f"table: {fmt(c.table_value)}" if c.table_value is not None else "table cell missing")
        title = f"{c.metric}{' · ' + c.qualifier if c.qualifier else ''} = {fmt(c.value)}{c.unit or ''}" \
                f"{' (approx.)' if c.approx else ''}\n{tv}" + (f" ({', '.join(c.cells)})" if c.cells else "") + \
                f"\nstatus: {c.status}"
        attrs = (f"class=\"claim st-{esc(c.status)}\" data-cells=\"{esc(' '.join(c.cells))}\" "
                 f"title=\"{esc(title)}\"")
        inline.append(Mark(c.span[0], c.span[1], f"<span id=\"claim-{n}\" {attrs}>", reopen=f"<span {attrs}>"))
    taken = [(m.start, m.end) for m in inline]
    for a, b, sid in slogan_spans(section.text):
        if not any(a < y and x < b for x, y in taken):
            inline.append(Mark(a, b, f"<span class=\"slogan\" title=\"{esc('slogan: ' + sid)}\">"))
    return [sents, sums, inline]


def section_html(report: Report, key: str, sentences, flags, claim_index, cut) -> str:
    titles = settings()["section_titles"]
    section = report.sections.get(key)
    cls, title = flag_attrs([f"sections.{key}"], flags)
    if section is None:
        return (f"<h3 class=\"sec {cls}\" id=\"sec-{esc(key)}\" data-cell=\"sections.{esc(key)}\" "
                f"title=\"{esc(title)}\">{esc(titles.get(key, key))}{badge('warn', 'absent')}</h3>")
    head = (f"<h3 class=\"sec {cls}\" id=\"sec-{esc(key)}\" data-cell=\"sections.{esc(key)}\" title=\"{esc(title)}\">"
            f"{esc(section.heading)} <span class=\"muted\">· {esc(key)}</span></h3>")
    layers = section_marks(report, key, sentences, flags, cut, claim_index)
    narrative_lines = set()
    text = section.text
    for s in sentences:
        if s.section == key and not s.heading:
            narrative_lines.add(text.count("\n", 0, s.span[0]))
    out, aside = [], []
    fold = int(settings()["fold_lines"])

    def flush():
        if not aside:
            return
        if len(aside) > fold:
            body = esc("\n".join(t.replace("\t", " │ ").strip(" │") for t in aside))
            out.append(f"<details class=\"tablelines\"><summary>{len(aside)} lines of table or heading text "
                       f"(the tables are shown above)</summary><pre>{body}</pre></details>")
        else:
            out.extend(f"<p class=\"sub\">{esc(t.replace(chr(9), ' │ ').strip(' │'))}</p>" for t in aside)
        aside.clear()

    pos = 0
    for n, line in enumerate(text.split("\n")):
        lo, hi = pos, pos + len(line)
        pos = hi + 1
        if not line.strip():
            continue
        if "\t" in line or n not in narrative_lines:
            aside.append(line)
            continue
        flush()
        if cut is not None and lo == cut and lo > 0:
            out.append("<span class=\"cut\">↓ improvement part (the self-criticism measures stop here)</span>")
        out.append(f"<p>{render_span(text, lo, hi, layers)}</p>")
    flush()
    return head + f"<div class=\"section-text\">{''.join(out)}</div>"


# --- report page ------------------------------------------------------------------------------

def checks_html(report: Report) -> str:
    from gxnlp.report.cells import cause_html  # cropped page cells for a check whose cause is known
    titles = settings()["check_titles"]
    order = {"fail": 0, "unverifiable": 1}
    items = []
    shown = [c for c in report.checks if c.status != "pass"]
    passed = [c for c in report.checks if c.status == "pass"]
    for c in sorted(shown, key=lambda c: (order.get(c.status, 2), severity(c.id) != "bad", c.id)):
        status = c.status if c.status != "fail" else ("fail" if severity(c.id) == "bad" else "warn")
        cells = "".join(f"<button type=\"button\" class=\"cell\" data-cells=\"{esc(n)}\">{esc(n)}</button>"
                        for n in dict.fromkeys(c.cells))
        items.append(f"<li><div>{badge(status, c.status)}<div class=\"id\">{esc(c.id)}</div></div>"
                     f"<div><div>{esc(titles.get(c.id, c.id))}</div><div class=\"detail muted\">{esc(c.detail)}</div>"
                     f"{'<div>' + cells + '</div>' if cells else ''}{cause_html(report, c)}</div></li>")
    ok = "".join(f"<span class=\"badge pass\" title=\"{esc(titles.get(c.id, c.id) + ': ' + c.detail)}\">"
                 f"{esc(c.id)}</span>" for c in sorted(passed, key=lambda c: c.id))
    return ("<ul class=\"checks\">" + "".join(items) + "</ul>" +
            (f"<div class=\"passed\">passed ({len(passed)}): {ok}</div>" if passed else ""))


def claims_table(report: Report) -> str:
    if not report.claims:
        return "<p class=\"muted\">No numeric claims found in the narrative.</p>"
    rows = []
    for n, c in enumerate(report.claims):
        cells = "".join(f"<button type=\"button\" class=\"cell\" data-cells=\"{esc(x)}\">{esc(x)}</button>"
                        for x in c.cells)
        rows.append(
            f"<tr><td class=\"num\">{n}</td><td><a href=\"#claim-{n}\">{esc(c.text)}</a></td>"
            f"<td>{esc(c.section)}</td><td>{esc(c.metric)}{('<br><span class=muted>' + esc(c.qualifier) + '</span>') if c.qualifier else ''}</td>"
            f"<td class=\"num\">{esc(fmt(c.value))}{esc(c.unit or '')}{'≈' if c.approx else ''}</td>"
            f"<td class=\"num\">{esc(fmt(c.table_value))}</td><td>{cells}</td>"
            f"<td data-sort=\"{esc(c.status)}\">{badge(c.status)}</td></tr>")
    return ("<div class=\"scroll\"><table class=\"data sortable\"><thead><tr><th class=\"num\">#</th><th>claim</th>"
            "<th>section</th><th>metric</th><th class=\"num\">value</th><th class=\"num\">table</th><th>cells</th>"
            "<th>status</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")


def features_html(feats: dict) -> str:
    from gxnlp.report.rhetoric import FEATURES

    rows = []
    items = []
    for key, formula in FEATURES.items():
        if key == "slogan_<family>":
            items += [(k, formula) for k in feats if k.startswith("slogan_") and k not in FEATURES]
        else:
            items.append((key, formula))
    for key, formula in items:
        v = feats.get(key)
        shown = f"{v:.2f}" if isinstance(v, float) and not math.isnan(v) else ("–" if isinstance(v, float) else v)
        rows.append(f"<tr title=\"{esc(formula)}\"><td>{esc(key)}</td><td class=\"num\">{esc(shown)}</td>"
                    f"<td class=\"muted\">{esc(formula)}</td></tr>")
    return ("<table class=\"data\"><thead><tr><th>feature</th><th class=\"num\">value</th><th>formula</th></tr>"
            "</thead><tbody>" + "".join(rows) + "</tbody></table>")


def labels_html(sentences: list[Sentence], filled: bool) -> str:
    counts = Counter(lab for s in sentences if not s.heading for lab, _ in s.labels)
    origin = ("from report.sentences" if filled else
              "tagged for this page by gxnlp.tagging (report.sentences was empty)")
    if not counts:
        return f"<p class=\"muted\">No sentence labels ({esc(origin)}).</p>"
    chips_html = "".join(
        f"<span class=\"chip {esc(lab.split(':')[0] if lab.split(':')[0] in FAMILIES else 'other')}\">"
        f"{esc(lab)} × {n}</span>" for lab, n in sorted(counts.items(), key=lambda kv: (kv[0].split(':')[0], -kv[1])))
    labelled = sum(1 for s in sentences if not s.heading and s.labels)
    total = sum(1 for s in sentences if not s.heading)
    return (f"<p class=\"note\">{labelled} of {total} sentences carry a label ({esc(origin)}). "
            f"Labels follow corpora/taxonomy.md.</p><div>{chips_html}</div>")


def meta_item(key: str, value, flags) -> str:
    """A header field; checks name it as meta.<key>.<source> (e.g. meta.year.title)."""
    name = f"meta.{key}"
    aliases = [n for n in flags if n.startswith(name + ".")]
    cls, title = flag_attrs([name, *aliases], flags)
    alias = f" data-alias=\"{esc(' '.join(aliases))}\"" if aliases else ""
    mark = " ⚠" if cls else ""
    return (f"<span data-cell=\"{esc(name)}\"{alias} class=\"{cls}\" title=\"{esc(title)}\">{esc(key)} "
            f"<b>{esc(value if value is not None else '?')}{mark}</b></span>")


def report_page(report: Report, *, back: Optional[str] = None) -> str:
    """The page for one report; `back` is a relative link to a corpus page."""
    from gxnlp.report.rhetoric import features, improvement_offset, sentences_of

    filled = bool(report.sentences)
    sentences = sentences_of(report)
    flags = flags_of(report)
    claim_index = {id(c): n for n, c in enumerate(report.claims)}
    problems = report.sections.get("problems")
    cut = improvement_offset(problems.text) if problems is not None else None
    feats = features(report, sentences=sentences)
    m = report.meta
    title = m.title or Path(report.source).name
    failing = [c for c in report.checks if c.status == "fail"]
    bad = [c for c in failing if severity(c.id) == "bad"]
    claims_bad = [c for c in report.claims if c.status == "inconsistent"]
    present = [k for k in rules.SECTION_KEYS if report.sections.get(k) is not None]
    tables = [k for k in ("table2", "table3", "table4") if report.tables.get(k) is not None]

    meta = "".join(meta_item(k, v, flags) for k, v in (
        ("agency", m.agency), ("year", m.year), ("level", m.level), ("format", report.format),
        ("file", Path(report.source).name)))
    back_html = f"<span><a href=\"{esc(back)}\">← corpus</a></span>" if back else ""
    tiles = "".join(
        f"<div class=\"tile {cls}\"><div class=\"n\">{esc(n)}</div><div class=\"k\">{esc(k)}</div></div>" for n, k, cls in (
            (f"{len(bad)}", "failing arithmetic checks", "bad" if bad else "ok"),
            (f"{len(failing) - len(bad)}", "failing form checks", ""),
            (f"{len(claims_bad)} / {len(report.claims)}", "inconsistent claims", "bad" if claims_bad else "ok"),
            (f"{len(present)}/6", "sections present", "" if len(present) == 6 else "bad"),
            (f"{len(tables)}/3", "tables present", "" if len(tables) == 3 else "bad"),
            (f"{feats['slogan_hits']}", "slogans", ""),
            (f"{feats['numeric_tokens']}", "numbers in the narrative", ""),
        ))
    warnings = "".join(f"<li>{esc(w)}</li>" for w in report.warnings)
    legend = ("<div class=\"legend\"><span class=\"claim st-consistent\">claim agrees with table</span>"
              "<span class=\"claim st-inconsistent\">claim disagrees</span>"
              "<span class=\"claim st-unverifiable\">table cell missing</span>"
              "<span class=\"claim st-no_counterpart\">no table counterpart</span>"
              "<span class=\"slogan\">slogan</span><span class=\"sumfail\">breakdown does not add up</span>"
              "<span class=\"sent part-problem\">problem part of section 5</span>"
              "<span>hover for values · click a claim to show its table cells</span></div>")
    body = f"""<header class="top"><h1>{esc(title)}</h1><div class="meta">{back_html}{meta}</div></header>
<nav class="toc"><a href="#summary">Summary</a><a href="#checks">Checks</a><a href="#tables">Tables</a>
<a href="#narrative">Narrative</a><a href="#claims">Claims</a><a href="#labels">Labels</a><a href="#rhetoric">Rhetoric</a>
<span class="toggles"><label><input type="checkbox" data-toggle="claims" checked> claims</label>
<label><input type="checkbox" data-toggle="slogans" checked> slogans</label>
<label><input type="checkbox" data-toggle="labels" checked> labels</label></span></nav>
<main>
<section class="card" id="summary"><h2>Summary</h2><div class="tiles">{tiles}</div>
{('<h3>Parser warnings</h3><ul class="note">' + warnings + '</ul>') if warnings else ''}</section>
<section class="card" id="checks"><h2>Checks</h2><p class="note">Red: a number is wrong; amber: form or
completeness. Click a cell name to find it in the tables.</p>{checks_html(report)}</section>
<section class="card" id="tables"><h2>Tables</h2><p class="note">Cells named by a failing check are
highlighted; hover a cell for the explanation, its source line and what was printed.</p>
{table2_html(report, flags)}{table3_html(report, flags)}{table4_html(report, flags)}</section>
<section class="card" id="narrative"><h2>Narrative</h2>{legend}
{''.join(section_html(report, k, sentences, flags, claim_index, cut if k == 'problems' else None) for k in rules.SECTION_KEYS)}
</section>
<section class="card" id="claims"><h2>Claims</h2>{claims_table(report)}</section>
<section class="card" id="labels"><h2>Sentence labels</h2>{labels_html(sentences, filled)}</section>
<section class="card" id="rhetoric"><h2>Rhetoric features</h2><p class="note">gxnlp.rhetoric.features;
lexicons in gxnlp/data/rhetoric.toml.</p>{features_html(feats)}</section>
</main>"""
    return page(title, body, "page-report")
