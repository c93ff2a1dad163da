"""The boilerplate section of the corpus page (tables written by gxnlp.corpus.reuse)."""
from __future__ import annotations

from collections import Counter

from gxnlp.report.html import badge, esc


def boilerplate_html(boilerplate, bar_chart) -> str:
    """`boilerplate` = {"clusters": boilerplate_clusters.parquet, "reports": boilerplate_reports.parquet}
    as DataFrames (gxnlp.corpus.store.read_boilerplate); `bar_chart` draws the corpus page's charts."""
    if not boilerplate or boilerplate.get("clusters") is None:
        return ("<p class=\"muted\">No boilerplate analysis: run <code>gxnlp batch … --out OUT_DIR</code>, "
                "<code>gxnlp boilerplate OUT_DIR</code>, then <code>gxnlp report OUT_DIR --html …</code>.</p>")
    clusters, reps = boilerplate["clusters"], boilerplate.get("reports")
    kinds = clusters["kind"].value_counts()
    tiles = "".join(f"<div class=\"tile\"><div class=\"n\">{int(kinds.get(k, 0))}</div><div class=\"k\">{esc(k)} "
                    f"passages</div></div>" for k in ("template", "shared", "own"))
    out = [f"<p class=\"note\">Narrative text (preamble and sections, no tables) compared after masking names, dates "
           f"and numbers: <b>template</b> = wording of many agencies, <b>shared</b> = a passage two agencies' reports "
           f"share, <b>own</b> = an agency reusing its earlier report (gxnlp.corpus.reuse).</p>"
           f"<div class=\"tiles\">{tiles}</div>"]
    if reps is not None and len(reps) and "originality" in reps:
        values = reps["originality"].dropna().astype(float)
        buckets = Counter(min(9, int(v * 10)) for v in values)
        items = [(f"{b * 10}–{b * 10 + 10}%", buckets.get(b, 0), f"{buckets.get(b, 0)} reports") for b in range(10)]
        out.append(f"<h3>Originality: share of a report's narrative neither template nor shared with another report "
                   f"(n={len(values)}, mean {values.mean():.2f})</h3>" + bar_chart(items, label_width=90, width=460))
        if "top_sources" in reps:
            out.append(top_sources_html(reps))
    template = clusters[clusters["kind"] == "template"].head(15)
    links = clusters[clusters["kind"] != "template"]
    if "similarity" in links:
        links = links.sort_values("similarity", ascending=False)
    rows = []
    for r in [*template.itertuples(), *links.head(40).itertuples()]:
        ag = [str(a) for a in (r.agencies if r.agencies is not None else [])]
        years = "–".join(str(y) for y in (r.years if r.years is not None else []))
        who = "、".join(ag[:4]) if ag else f"{r.n_agencies} agencies"
        rows.append(f"<tr><td>{badge('none', r.kind)}</td><td class=\"num\">{int(r.n_agencies)}</td>"
                    f"<td class=\"num\">{int(r.n_reports)}</td><td>{esc(years)}</td><td>{esc(r.example)}</td>"
                    f"<td>{esc(who)}</td></tr>")
    if rows:
        out.append("<h3>Template wording and passages shared between reports</h3><div class=\"scroll\">"
                   "<table class=\"data sortable\"><thead><tr><th>kind</th><th class=\"num\">agencies</th>"
                   "<th class=\"num\">reports</th><th>years</th><th>text</th><th>who (as printed)</th></tr></thead>"
                   "<tbody>" + "".join(rows) + "</tbody></table></div>")
    return "".join(out)


def top_sources_html(reps, limit: int = 25) -> str:
    """Reports that share most text with others: their top sources and last year's reuse."""
    reps = reps.assign(shared=reps["top_source_shares"].map(lambda xs: float(sum(xs)) if xs is not None else 0.0))
    reps = reps[reps["shared"] > 0].sort_values("shared", ascending=False).head(limit)
    if not len(reps):
        return ""
    rows = []
    for r in reps.itertuples():
        src = "; ".join(f"{a or s[:8]} ({v:.0%})" for s, a, v in zip(r.top_sources, r.top_source_agencies,
                                                                     r.top_source_shares))
        prev = "–" if r.previous_year_share is None or r.previous_year_share != r.previous_year_share \
            else f"{r.previous_year_share:.0%}"
        rows.append(f"<tr><td>{esc(r.agency or r.report_id[:8])}</td><td class=\"num\">{esc(r.year or '')}</td>"
                    f"<td class=\"num\">{r.originality:.0%}</td><td class=\"num\">{esc(prev)}</td>"
                    f"<td>{esc(src)}</td></tr>")
    return ("<h3>Top sources: reports sharing most text with other reports</h3><div class=\"scroll\">"
            "<table class=\"data sortable\"><thead><tr><th>report</th><th class=\"num\">year</th>"
            "<th class=\"num\">originality</th><th class=\"num\">from own previous year</th><th>top sources</th>"
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")
