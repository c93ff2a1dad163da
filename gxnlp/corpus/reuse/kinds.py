"""Passages → kinds a reader understands, and the per-report figures.

- `template`: wording used by a large share of agencies (spans of each report, from seed.TemplateCounter);
- `shared`: a passage two reports of different agencies share (`first_report_id`: the earlier by year);
- `own`: a passage an agency repeats from its own earlier report.
Reports are linked by report id; agency names are evidence only. `own` is decided by report identity:
equal normalised agency keys, gxnlp.parse.agencies.same_agency on the printed names, or the same
body named in both narratives when the metadata has no agency (`identity_evidence` says which).
Per report: originality = share of masked narrative characters neither template nor in a passage
shared with another report; previous_year_share = share found in the same agency's report of the
year before; top sources = the reports it shares most characters with.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from gxnlp.corpus.reuse.narrative import data


def identity(na, nb) -> str | None:
    """Why two reports are the same agency's (None when nothing says so)."""
    from gxnlp.parse.agencies import normalise_agency, same_agency

    if na.agency_key and na.agency_key == nb.agency_key:
        return "agency key"
    if na.agency and nb.agency and same_agency(na.agency, nb.agency) and same_place(na.agency, nb.agency):
        return "same agency"
    a, b = na.agency or na.site, nb.agency or nb.site
    if not (na.agency and nb.agency) and a and b and normalise_agency(a) == normalise_agency(b):
        return "agency named in the narrative"
    return None


def same_place(a: str, b: str) -> bool:
    """Both names start with the same place (two same-named bureaus of different places do not)."""
    import re

    pa, pb = (re.match(data()["kinds"]["place"], x) for x in (a, b))
    return bool(pa and pb and pa.group(0) == pb.group(0))


def kind_of(na, nb) -> str:
    return "own" if identity(na, nb) else "shared"


def first_of(na, nb):
    if na.year is None or nb.year is None or na.year == nb.year:
        return None
    return na.report_id if na.year < nb.year else nb.report_id


def link_rows(passages, narratives) -> list[dict]:
    """Both orientations of every passage: one row per (report, other report) with both texts."""
    rows = []
    for link_id, p in enumerate(passages):
        na, nb = narratives[p.a], narratives[p.b]
        kind = kind_of(na, nb)
        first = first_of(na, nb)
        sa, sb = na.span(p.a0, p.a1), nb.span(p.b0, p.b1)
        for x, y, s, t, m in ((na, nb, sa, sb, (p.a0, p.a1)), (nb, na, sb, sa, (p.b0, p.b1))):
            rows.append({
                "link_id": link_id, "unit": "passage", "kind": kind,
                "report_id": x.report_id, "other_report_id": y.report_id,
                "start": s[0], "end": s[1], "text": x.text[s[0]:s[1]],
                "other_start": t[0], "other_end": t[1], "other_text": y.text[t[0]:t[1]],
                "masked_start": m[0], "masked_end": m[1],
                "similarity": float(p.similarity), "matched_chars": int(p.matched), "original_chars": int(p.original),
                "year": x.year, "other_year": y.year, "first_report_id": first,
                "previous_year": bool(kind == "own" and x.year is not None and y.year == x.year - 1),
                "agency": x.agency, "other_agency": y.agency,
                "agency_id": x.agency_key or x.report_id, "other_agency_id": y.agency_key or y.report_id,
                "identity_evidence": identity(na, nb), "narrative_agency": x.site, "other_narrative_agency": y.site,
            })
    return rows


def template_rows(narratives, template) -> list[dict]:
    """One row per template span of each report (display offsets and text)."""
    rows = []
    for n, t in zip(narratives, template):
        edges = np.flatnonzero(np.diff(np.concatenate(([0], t.astype(np.int8), [0]))))
        for a, b in zip(edges[::2], edges[1::2]):
            s, e = n.span(int(a), int(b))
            rows.append({"report_id": n.report_id, "start": s, "end": e, "text": n.text[s:e],
                         "masked": n.masked[a:b], "masked_start": int(a), "masked_end": int(b)})
    return rows


def template_clusters(narratives, template) -> list[dict]:
    """Template wording grouped by masked sentence: how many reports and agencies carry it."""
    groups: dict[str, dict] = {}
    for n, t in zip(narratives, template):
        for a, b in n.sentences:
            if b > a and t[a:b].mean() >= 0.5:
                key = n.masked[a:b]
                g = groups.setdefault(key, {"reports": set(), "agencies": set(), "years": set(), "example": None})
                g["reports"].add(n.report_id)
                g["agencies"].add(n.agency_key or n.report_id)
                if n.year:
                    g["years"].add(n.year)
                if g["example"] is None:
                    s, e = n.span(a, b)
                    g["example"] = n.text[s:e]
    n_groups = len({n.agency_key or n.report_id for n in narratives}) or 1
    rows = []
    for key, g in sorted(groups.items(), key=lambda kv: -len(kv[1]["reports"])):
        rows.append({"unit": "sentence", "kind": "template", "n_reports": len(g["reports"]),
                     "n_agencies": len(g["agencies"]), "n_occurrences": len(g["reports"]),
                     "agency_share": len(g["agencies"]) / n_groups, "agencies": None,
                     "years": sorted(g["years"]), "example": g["example"], "masked": key})
    return rows


def link_clusters(rows: list[dict]) -> list[dict]:
    """One cluster row per shared/own passage (its two reports), for the corpus page and notebooks."""
    out = []
    for r in rows:
        if r["report_id"] > r["other_report_id"]:
            continue
        years = sorted({y for y in (r["year"], r["other_year"]) if y})
        out.append({"unit": "passage", "kind": r["kind"], "n_reports": 2,
                    "n_agencies": 1 if r["kind"] == "own" else 2, "n_occurrences": 2,
                    "agency_share": None, "agencies": [a for a in (r["agency"], r["other_agency"]) if a],
                    "years": years, "example": r["text"], "masked": None,
                    "link_id": r["link_id"], "similarity": r["similarity"]})
    return out


def report_rows(narratives, template, passages) -> list[dict]:
    """Originality, previous-year reuse and top sources of every report."""
    top_n = data()["kinds"]["top_sources"]
    reused = [np.zeros(len(n.masked), dtype=bool) for n in narratives]
    by_other: list[dict] = [defaultdict(int) for _ in narratives]
    own_prev: list[dict] = [defaultdict(lambda: None) for _ in narratives]
    for p in passages:
        na, nb = narratives[p.a], narratives[p.b]
        kind = kind_of(na, nb)
        for x, y, lo, hi in ((p.a, p.b, p.a0, p.a1), (p.b, p.a, p.b0, p.b1)):
            mask = ~template[x][lo:hi]
            reused[x][lo:hi] |= mask
            by_other[x][y] += int(mask.sum())
            nx, ny = narratives[x], narratives[y]
            if kind == "own" and nx.year is not None and ny.year == nx.year - 1:
                prev = own_prev[x].get(y)
                cover = own_prev[x][y] = prev if prev is not None else np.zeros(len(nx.masked), dtype=bool)
                cover[lo:hi] |= mask
    by_key_year = defaultdict(list)
    for i, n in enumerate(narratives):
        if n.agency_key and n.year is not None:
            by_key_year[(n.agency_key, n.year)].append(i)
    rows = []
    for i, n in enumerate(narratives):
        total = len(n.masked)
        t = int(template[i].sum())
        r = int((reused[i] & ~template[i]).sum())
        prev_ids = by_key_year.get((n.agency_key, n.year - 1), []) if n.agency_key and n.year else []
        prev_share, prev_id = (None, None)
        if prev_ids:
            covers = {j: c for j, c in own_prev[i].items() if c is not None}
            best = max(prev_ids, key=lambda j: int(covers[j].sum()) if j in covers else 0)
            prev_id = narratives[best].report_id
            prev_share = (int(covers[best].sum()) / total) if best in covers and total else 0.0
        top = sorted(by_other[i].items(), key=lambda kv: -kv[1])[:top_n]
        rows.append({
            "report_id": n.report_id, "agency": n.agency, "year": n.year, "narrative_chars": len(n.text),
            "masked_chars": total, "template_share": t / total if total else None,
            "reused_share": r / total if total else None,
            "originality": (1 - (t + r) / total) if total else None,
            "previous_year_report_id": prev_id, "previous_year_share": prev_share,
            "top_sources": [narratives[j].report_id for j, _ in top],
            "top_source_agencies": [narratives[j].agency or "" for j, _ in top],
            "top_source_shares": [c / total if total else 0.0 for _, c in top],
            "identity": n.site,
        })
    return rows
