"""The corpus page: failure rates, contradicted claims, categories, rhetoric by level, boilerplate,
and a table of every report linking to its own page (written beside the corpus page)."""
from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Optional

from gxnlp.model.core import Report
from gxnlp.report.html import badge, esc, fmt, page, page_id, pct, settings
from gxnlp.report.page import report_page, severity
from gxnlp.check.rates import rates_frame


# --- corpus -----------------------------------------------------------------------------------

def corpus_frames(reports: list[Report], ids: Optional[list[str]] = None) -> dict:
    """The tables the corpus page is drawn from (the store's tables map to the same shapes)."""
    import pandas as pd

    from gxnlp.report.rhetoric import features, improvement_offset, sentences_of

    ids = ids or [page_id(r.source) for r in reports]
    rep, checks, claims, labels, feats = [], [], [], [], []
    for rid, r in zip(ids, reports):
        m = r.meta
        rep.append({"id": rid, "source": r.source, "agency": m.agency, "year": m.year, "level": m.level,
                    "format": r.format, "title": m.title})
        checks += [{"id": rid, "check": c.id, "status": c.status, "detail": c.detail} for c in r.checks]
        claims += [{"id": rid, "n": n, "text": c.text, "metric": c.metric, "qualifier": c.qualifier,
                    "value": c.value, "table_value": c.table_value, "status": c.status, "cells": list(c.cells)}
                   for n, c in enumerate(r.claims)]
        sents = sentences_of(r)
        section = r.sections.get("problems")
        cut = improvement_offset(section.text) if section is not None else 0
        for s in sents:
            if s.heading:
                continue
            part = "" if s.section != "problems" else ("problem" if s.span[0] < cut else "improvement")
            labels += [{"id": rid, "section": s.section, "part": part, "label": lab,
                        "family": lab.split(":", 1)[0]} for lab, _ in s.labels]
        feats.append({"id": rid, **features(r, sentences=sents)})
    return {
        "reports": pd.DataFrame(rep, columns=["id", "source", "agency", "year", "level", "format", "title"]),
        "checks": pd.DataFrame(checks, columns=["id", "check", "status", "detail"]),
        "claims": pd.DataFrame(claims, columns=["id", "n", "text", "metric", "qualifier", "value", "table_value",
                                                "status", "cells"]),
        "labels": pd.DataFrame(labels, columns=["id", "section", "part", "label", "family"]),
        "features": pd.DataFrame(feats),
        "errors": pd.DataFrame(columns=["source", "error"]),
    }


def level_order(levels) -> list[str]:
    known = list(settings()["levels"])
    present = {lv if isinstance(lv, str) else "?" for lv in levels}
    return [lv for lv in known if lv in present] + sorted(present - set(known))


def bar_chart(items: list[tuple[str, float, str]], *, cls: str = "", unit: str = "", width: int = 560,
              label_width: int = 190, bar: int = 15, gap: int = 5, max_value: Optional[float] = None) -> str:
    """Horizontal bars as inline SVG: [(label, value, tooltip)]."""
    if not items:
        return "<p class=\"muted\">nothing to plot</p>"
    top = max_value or max((v for _, v, _ in items), default=0) or 1
    plot = width - label_width - 50
    height = len(items) * (bar + gap) + gap
    parts = [f"<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" "
             f"viewBox=\"0 0 {width} {height}\" role=\"img\">",
             f"<line class=\"axis\" x1=\"{label_width}\" y1=\"0\" x2=\"{label_width}\" y2=\"{height}\"/>"]
    for i, (label, value, tip) in enumerate(items):
        y = gap + i * (bar + gap)
        w = max(0.0, plot * value / top)
        shown = f"{value:.0%}" if unit == "%" else fmt(round(value, 2))
        parts.append(f"<g><title>{esc(tip)}</title>"
                     f"<text x=\"{label_width - 6}\" y=\"{y + bar - 3}\" text-anchor=\"end\">{esc(label)}</text>"
                     f"<rect class=\"bar {esc(cls)}\" x=\"{label_width}\" y=\"{y}\" width=\"{w:.1f}\" height=\"{bar}\"/>"
                     f"<text class=\"val\" x=\"{label_width + w + 4:.1f}\" y=\"{y + bar - 3}\">{esc(shown)}</text></g>")
    parts.append("</svg>")
    return "".join(parts)


def heat(share: float) -> str:
    if share != share:  # NaN
        return "na"
    return f"h{min(5, int(math.ceil(share * 5)))}" if share > 0 else "h0"


def failure_rates_html(frames) -> str:
    reps, checks = frames["reports"], frames["checks"]
    if checks.empty:
        return "<p class=\"muted\">No checks.</p>"
    merged = checks.merge(reps[["id", "level"]], on="id", how="left")
    merged["level"] = merged["level"].fillna("?")
    levels = level_order(merged["level"])
    titles = settings()["check_titles"]
    check_ids = sorted(merged["check"].unique(), key=lambda c: (severity(c) != "bad", c))
    head = "".join(f"<th class=\"num\">{esc(lv)}</th>" for lv in levels)
    rows, bars = [], []
    for cid in check_ids:
        sub = merged[merged["check"] == cid]
        tds = []
        for lv in [*levels, None]:
            part = sub if lv is None else sub[sub["level"] == lv]
            fail, passed = int((part["status"] == "fail").sum()), int((part["status"] == "pass").sum())
            unver = int((part["status"] == "unverifiable").sum())
            den = fail + passed
            share = fail / den if den else math.nan
            tds.append(f"<td class=\"num {heat(share)}\" data-sort=\"{share if den else -1}\" "
                       f"title=\"{esc(f'{fail} fail, {passed} pass, {unver} unverifiable')}\">"
                       f"{pct(fail, den)} <span class=\"muted\">({fail}/{den})</span></td>")
            if lv is None and den:
                bars.append((cid, share, f"{cid}: {fail} of {den} verifiable reports fail"))
        rows.append(f"<tr><td title=\"{esc(titles.get(cid, cid))}\"><code>{esc(cid)}</code></td>{''.join(tds)}</tr>")
    table = ("<div class=\"scroll\"><table class=\"data sortable\"><thead><tr><th>check</th>" + head +
             "<th class=\"num\">all</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")
    bars.sort(key=lambda b: -b[1])
    return (table + "<h3>Failure rate by check (all levels)</h3>" +
            bar_chart(bars, cls="bad", unit="%", max_value=max([b[1] for b in bars] + [0.01])))


def inconsistent_claims_html(frames, links: dict) -> str:
    claims = frames["claims"]
    bad = claims[claims["status"] == "inconsistent"].merge(frames["reports"], on="id", how="left")
    if bad.empty:
        return "<p class=\"muted\">No inconsistent claims.</p>"
    rows = []
    for r in bad.itertuples(index=False):
        href = links.get(r.id)
        name = esc(r.agency or Path(r.source).name)
        report = f"<a href=\"{esc(href)}#claim-{int(r.n)}\">{name}</a>" if href else name
        diff = (r.value - r.table_value) if r.table_value is not None and r.table_value == r.table_value else None
        rows.append(f"<tr><td>{report}</td><td class=\"num\">{esc(fmt(r.year))}</td><td>{esc(r.level or '?')}</td>"
                    f"<td>{esc(r.text)}</td><td>{esc(r.metric)}</td><td class=\"num\">{esc(fmt(r.value))}</td>"
                    f"<td class=\"num\">{esc(fmt(r.table_value))}</td><td class=\"num\">{esc(fmt(diff))}</td>"
                    f"<td><code>{esc(', '.join(r.cells))}</code></td></tr>")
    return ("<input class=\"filter\" type=\"search\" placeholder=\"filter…\" data-filter=\"claims-table\">"
            "<div class=\"scroll\"><table class=\"data sortable\" id=\"claims-table\"><thead><tr><th>report</th>"
            "<th class=\"num\">year</th><th>level</th><th>claim</th><th>metric</th><th class=\"num\">says</th>"
            "<th class=\"num\">table</th><th class=\"num\">diff</th><th>cells</th></tr></thead><tbody>" +
            "".join(rows) + "</tbody></table></div>")


def categories_html(frames) -> str:
    labels, reps = frames["labels"], frames["reports"]
    n = len(reps)
    if labels.empty or not n:
        return "<p class=\"muted\">No sentence labels.</p>"
    per_report = labels.drop_duplicates(["id", "label"])
    out = []
    for family in ("problem", "measure"):
        fam = per_report[per_report["family"] == family]
        counts = fam["label"].value_counts()
        items = [(lab.split(":", 1)[1], c / n, f"{lab}: {c} of {n} reports") for lab, c in counts.items()]
        out.append(f"<div><h3>{family}:* — share of reports</h3>"
                   f"{bar_chart(items, cls=family, unit='%', max_value=1.0, label_width=130, width=460)}</div>")
    grid = "<div class=\"grid2\">" + "".join(out) + "</div>"
    probs = per_report[per_report["family"] == "problem"].merge(reps[["id", "level"]], on="id")
    probs["level"] = probs["level"].fillna("?")
    reps_level = reps["level"].fillna("?")
    levels = level_order(reps_level)
    size = reps_level.value_counts()
    cats = probs["label"].value_counts().index.tolist()
    head = "".join(f"<th class=\"num\">{esc(lv)} <span class=\"muted\">n={int(size.get(lv, 0))}</span></th>"
                   for lv in levels)
    rows = []
    for cat in cats:
        tds = []
        for lv in levels:
            k = int(((probs["label"] == cat) & (probs["level"] == lv)).sum())
            den = int(size.get(lv, 0))
            share = k / den if den else math.nan
            tds.append(f"<td class=\"num {heat(share)}\" data-sort=\"{share if den else -1}\">{pct(k, den)}</td>")
        rows.append(f"<tr><td><code>{esc(cat)}</code></td>{''.join(tds)}</tr>")
    table = ("<h3>Problems admitted, by level (share of reports)</h3><div class=\"scroll\"><table class=\"data "
             "sortable\"><thead><tr><th>problem</th>" + head + "</tr></thead><tbody>" + "".join(rows) +
             "</tbody></table></div>")
    return grid + table


def rhetoric_by_level_html(frames) -> str:
    f = frames["features"]
    if f.empty:
        return ""
    cols = ["slogan_density", "specificity", "claim_density", "self_criticism_chars",
            "self_criticism_specificity", "self_criticism_generic_share", "problem_categories", "remedy_rate"]
    f = f.assign(level=f["level"].fillna("?"))
    rows = []
    for lv in level_order(f["level"]):
        sub = f[f["level"] == lv]
        tds = "".join(f"<td class=\"num\">{esc(fmt(round(float(sub[c].mean()), 2)) if sub[c].notna().any() else '–')}</td>"
                      for c in cols)
        rows.append(f"<tr><td>{esc(lv)}</td><td class=\"num\">{len(sub)}</td>{tds}</tr>")
    head = "".join(f"<th class=\"num\">{esc(c.replace('_', ' '))}</th>" for c in cols)
    return ("<p class=\"note\">Means per level; formulas in notebooks/README.md (gxnlp.rhetoric).</p>"
            "<div class=\"scroll\"><table class=\"data sortable\"><thead><tr><th>level</th><th class=\"num\">n</th>" +
            head + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")


def boilerplate_html(boilerplate) -> str:
    """The boilerplate section: gxnlp.report.boilerplate."""
    from gxnlp.report.boilerplate import boilerplate_html as render

    return render(boilerplate, bar_chart)


MAX_ROWS = 5000  # the reports table lists at most this many (most failures first)


def reports_table_html(frames, links: dict, originality: Optional[dict] = None) -> str:
    reps, checks, claims, f = frames["reports"], frames["checks"], frames["claims"], frames["features"]
    originality = originality or {}
    failing = checks[checks["status"] == "fail"].groupby("id")["check"].apply(list).to_dict()
    bad_claims = claims[claims["status"] == "inconsistent"].groupby("id").size().to_dict()
    fe = f.set_index("id") if not f.empty else None
    n_arith = {rid: sum(severity(c) == "bad" for c in fails) for rid, fails in failing.items()}
    order = sorted(range(len(reps)), key=lambda i: -n_arith.get(reps["id"].iloc[i], 0))
    note = (f"<p class=\"note\">{MAX_ROWS} of {len(reps)} reports listed (most arithmetic failures first).</p>"
            if len(reps) > MAX_ROWS else "")
    rows = []
    for r in reps.iloc[order[:MAX_ROWS]].itertuples(index=False):
        href = links.get(r.id)
        name = esc(r.agency or Path(r.source).name)
        cell = f"<a href=\"{esc(href)}\">{name}</a>" if href else name
        fails = failing.get(r.id, [])
        arith = [c for c in fails if severity(c) == "bad"]
        sd = fe.loc[r.id, "slogan_density"] if fe is not None and r.id in fe.index else math.nan
        sp = fe.loc[r.id, "specificity"] if fe is not None and r.id in fe.index else math.nan
        rows.append(f"<tr><td>{cell}<br><span class=\"muted\">{esc(Path(r.source).name)}</span></td>"
                    f"<td class=\"num\">{esc(fmt(r.year))}</td><td>{esc(r.level or '?')}</td><td>{esc(r.format)}</td>"
                    f"<td class=\"num\" data-sort=\"{len(arith)}\">{len(arith)}</td>"
                    f"<td>{esc(', '.join(fails))}</td><td class=\"num\">{bad_claims.get(r.id, 0)}</td>"
                    f"<td class=\"num\">{esc(fmt(round(sd, 2)) if sd == sd else '–')}</td>"
                    f"<td class=\"num\">{esc(fmt(round(sp, 2)) if sp == sp else '–')}</td>"
                    + (f"<td class=\"num\">{esc(fmt(originality.get(r.id)))}</td>" if originality else "") + "</tr>")
    return (note + "<input class=\"filter\" type=\"search\" placeholder=\"filter…\" data-filter=\"reports-table\">"
            "<div class=\"scroll\"><table class=\"data sortable\" id=\"reports-table\"><thead><tr><th>report</th>"
            "<th class=\"num\">year</th><th>level</th><th>format</th><th class=\"num\">arith. fails</th>"
            "<th>failing checks</th><th class=\"num\">bad claims</th><th class=\"num\">slogans/1k</th>"
            "<th class=\"num\">numbers/1k</th>" + ("<th class=\"num\">originality</th>" if originality else "") +
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")


def overview_html(frames) -> str:
    reps, checks, claims, errors = frames["reports"], frames["checks"], frames["claims"], frames["errors"]
    arith = checks[(checks["status"] == "fail") & checks["check"].map(lambda c: severity(c) == "bad")]
    years = reps["year"].dropna()
    tiles = [
        (len(reps), "reports parsed", ""),
        (len(errors), "files refused", "bad" if len(errors) else "ok"),
        (reps["agency"].nunique(), "agencies", ""),
        (f"{int(years.min())}–{int(years.max())}" if len(years) else "?", "years", ""),
        (arith["id"].nunique(), "reports with an arithmetic failure", "bad" if len(arith) else "ok"),
        (int((claims["status"] == "inconsistent").sum()), "inconsistent claims", ""),
    ]
    tiles_html = "".join(f"<div class=\"tile {c}\"><div class=\"n\">{esc(n)}</div><div class=\"k\">{esc(k)}</div></div>"
                         for n, k, c in tiles)
    lv = reps.assign(level=reps["level"].fillna("?"), year=reps["year"].map(lambda y: fmt(y) or "?"))
    levels = level_order(lv["level"])
    ys = sorted(lv["year"].unique())
    head = "".join(f"<th class=\"num\">{esc(y)}</th>" for y in ys)
    rows = "".join(
        f"<tr><td>{esc(level)}</td>" + "".join(
            f"<td class=\"num\">{int(((lv['level'] == level) & (lv['year'] == y)).sum()) or ''}</td>" for y in ys) +
        f"<td class=\"num\">{int((lv['level'] == level).sum())}</td></tr>" for level in levels)
    table = ("<h3>Reports by level and year</h3><table class=\"data\"><thead><tr><th>level</th>" + head +
             "<th class=\"num\">all</th></tr></thead><tbody>" + rows + "</tbody></table>")
    errs = ""
    if len(errors):
        errs = "<h3>Files refused</h3><ul class=\"note\">" + "".join(
            f"<li>{esc(e.error if str(e.error).startswith(str(e.source)) else f'{e.source}: {e.error}')}</li>"
            for e in errors.itertuples(index=False)) + "</ul>"
    return f"<div class=\"tiles\">{tiles_html}</div>{table}{errs}"


def rates_section(frames) -> str:
    from gxnlp.check.rates import peer_comparison
    from gxnlp.report.rates import rates_html

    rates = frames.get("rates")
    return rates_html(rates, None if rates is None else peer_comparison(rates))


def render_corpus(frames: dict, boilerplate=None, links: Optional[dict] = None, title: str = "gxnlp corpus") -> str:
    links = links or {}
    bp_reports = (boilerplate or {}).get("reports")
    originality = {} if bp_reports is None else {
        rid: (None if v != v else round(float(v), 2)) for rid, v in zip(bp_reports["report_id"], bp_reports["originality"])}
    body = f"""<header class="top"><h1>{esc(title)}</h1><div class="meta"><span>reports <b>{len(frames['reports'])}</b></span>
<span>generated by <b>gxnlp report</b></span></div></header>
<nav class="toc"><a href="#overview">Overview</a><a href="#failures">Check failures</a><a href="#claims">Inconsistent claims</a>
<a href="#boilerplate">Boilerplate</a><a href="#categories">Problem categories</a><a href="#rhetoric">Rhetoric</a><a href="#rates">Rates</a><a href="#reports">Reports</a></nav>
<main>
<section class="card" id="overview"><h2>Overview</h2>{overview_html(frames)}</section>
<section class="card" id="failures"><h2>Check failure rates by check and level</h2><p class="note">Share of the reports
where the check could be verified that fail it (unverifiable reports are left out; hover for counts).</p>
{failure_rates_html(frames)}</section>
<section class="card" id="claims"><h2>Inconsistent claims</h2><p class="note">Numbers in the narrative that disagree with the
report's own tables; each links to its report page.</p>{inconsistent_claims_html(frames, links)}</section>
<section class="card" id="boilerplate"><h2>Boilerplate across agencies</h2>{boilerplate_html(boilerplate)}</section>
<section class="card" id="categories"><h2>Problem categories</h2><p class="note">Sentence labels (corpora/taxonomy.md):
share of reports with at least one sentence of each category.</p>{categories_html(frames)}</section>
<section class="card" id="rhetoric"><h2>Rhetoric by level</h2>{rhetoric_by_level_html(frames)}</section>
<section class="card" id="rates"><h2>Rates</h2>{rates_section(frames)}</section>
<section class="card" id="reports"><h2>Reports</h2>{reports_table_html(frames, links, originality)}</section>
</main>"""
    return page(title, body, "page-corpus")


def corpus_page(reports: list[Report], boilerplate=None, *, links: Optional[dict] = None,
                errors: Optional[list[tuple[str, str]]] = None, ids: Optional[list[str]] = None,
                title: str = "gxnlp corpus") -> str:
    """The corpus page for parsed reports; `links` maps report id → href of its page."""
    import pandas as pd

    frames = corpus_frames(reports, ids)
    frames["rates"] = rates_frame(reports, ids)
    if errors:
        frames["errors"] = pd.DataFrame(errors, columns=["source", "error"])
    return render_corpus(frames, boilerplate, links, title)


def flagged(report: Report) -> bool:
    """Worth a page when pages are limited: a number is wrong somewhere."""
    return any(c.status == "fail" and severity(c.id) == "bad" for c in report.checks) or \
        any(c.status == "inconsistent" for c in report.claims)


def write_corpus(reports: list[Report], out_html, boilerplate=None, errors=None, *, ids: Optional[list[str]] = None,
                 pages: str = "all", title: str = "gxnlp corpus") -> list[Path]:
    """OUT.html plus reports/<id>.html beside it, linked both ways; returns the paths written.

    `pages`: "all", "flagged" (reports with a wrong number) or "none" (for very large corpora).
    """
    out = Path(out_html)
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = out.parent / "reports"
    ids = ids or unique_ids(reports)
    written, links = [], {}
    for rid, r in zip(ids, reports):
        if pages == "none" or (pages == "flagged" and not flagged(r)):
            continue
        folder.mkdir(exist_ok=True)
        p = folder / f"{rid}.html"
        p.write_text(report_page(r, back=f"../{out.name}"), encoding="utf-8")
        written.append(p)
        links[rid] = f"reports/{rid}.html"
    out.write_text(corpus_page(reports, boilerplate, links=links, errors=errors, ids=ids, title=title),
                   encoding="utf-8")
    return [out, *written]


def unique_ids(reports: list[Report]) -> list[str]:
    seen: Counter = Counter()
    ids = []
    for r in reports:
        rid = page_id(r.source)
        seen[rid] += 1
        ids.append(rid if seen[rid] == 1 else f"{rid}-{seen[rid]}")
    return ids
