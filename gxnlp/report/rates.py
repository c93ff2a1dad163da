"""The corpus page's "Rates" section: each report's derived rates, with their n, against its peers."""
from __future__ import annotations

from gxnlp.report.html import esc

LABELS = {"granted": "granted", "granted_or_partial": "granted or partly", "not_held": "not held",
          "carried_forward": "carried forward", "review_corrected": "review corrected",
          "litigation_corrected": "litigation corrected"}


def cell(value, n) -> str:
    if value is None or value != value:
        return "<td class=\"num\">–</td>"
    count = "" if n is None or n != n else f" <small>n={int(n)}</small>"
    return f"<td class=\"num\">{value:.1%}{count}</td>"


def rates_html(rates, peers=None, *, min_n: int | None = None) -> str:
    """A table of rates per report (n beside each) and the peer flags that passed the guards."""
    from gxnlp.check.rates import DENOMINATOR, MIN_N

    min_n = min_n or MIN_N
    if rates is None or not len(rates):
        return "<p class=\"note\">No report with table 3 or table 4.</p>"
    head = "".join(f"<th class=\"num\">{esc(LABELS[k])}</th>" for k in LABELS)
    rows = []
    for r in rates.to_dict("records"):
        cells = "".join(cell(r[k], r[DENOMINATOR[k]]) for k in LABELS)
        rows.append(f"<tr><td>{esc(r['agency'] or r['id'])}</td><td>{esc(r['year'])}</td><td>{esc(r['level'])}</td>"
                    f"{cells}</tr>")
    table = (f"<table class=\"grid\"><thead><tr><th>report</th><th>year</th><th>level</th>{head}</tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")
    notes = ""
    if peers is not None and len(peers):
        flagged = peers[peers["flag"].notna()]
        judged = int(peers["judged"].sum())
        items = "".join(
            f"<li>{esc(p['agency'] or p['id'])} {esc(p['year'])}: {esc(LABELS.get(p['rate'], p['rate']))} "
            f"{p['value']:.1%} is {esc(p['flag'])} ({esc(p['note'])})</li>" for p in flagged.to_dict("records"))
        notes = (f"<p class=\"note\">Peers are reports of the same level and year. No rate is judged below "
                 f"n = {min_n} cases or with fewer than 3 peers of that size: {judged} of {len(peers)} rates "
                 f"judged.</p>" + (f"<ul>{items}</ul>" if items else "<p class=\"note\">No rate stands out.</p>"))
    return table + notes
