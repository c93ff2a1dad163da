"""Rates a reader compares, per report, and peer comparisons with small-sample guards.

Rates are derived from the published tables as published (never repaired): a rate whose cells
are blank, or whose denominator is 0, is None. Every rate carries its denominator `n`, and a
comparison with peers is made only when the report has at least `min_n` cases and at least
`min_peers` peers (same level and year) do too; otherwise the row says why it was not judged.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Optional

MIN_N = 20  # no rate is judged below this many cases
MIN_PEERS = 3  # peers with ≥ MIN_N cases needed for a comparison
FACTOR = 2.0  # a rate ≥ 2× or ≤ ½ the peers' median is worth a look

# rate → (numerator rows, denominator) for table 三; the 总计 column
RATES = ("granted", "granted_or_partial", "not_held", "carried_forward", "review_corrected",
         "litigation_corrected", "requests_per_1000")


def t3(report, row: str) -> Optional[float]:
    table = report.tables.get("table3")
    cells = table.rows.get(row) if table is not None else None
    if not cells:
        return None
    if cells[6].value is not None:
        return cells[6].value
    parts = [c.value for c in cells[:6] if c.value is not None]
    return sum(parts) if parts else None


def t4(report, group: str) -> Optional[list]:
    table = report.tables.get("table4")
    cells = table.rows.get(group) if table is not None else None
    return None if not cells else [c.value for c in cells]


def share(part: Optional[float], whole: Optional[float]) -> Optional[float]:
    if part is None or whole in (None, 0):
        return None
    return part / whole


def correction(groups: list[Optional[list]]) -> tuple[Optional[float], Optional[float]]:
    """Corrected ÷ decided (总计 − 尚未审结), over the groups given; (rate, n)."""
    corrected = decided = 0.0
    seen = False
    for g in groups:
        if g is None or g[4] is None:
            continue
        seen = True
        corrected += g[1] or 0
        decided += g[4] - (g[3] or 0)
    if not seen:
        return None, None
    return share(corrected, decided), decided


def report_rates(report, *, population: Optional[float] = None) -> dict:
    """One row: the rates of one report with their denominators (`n_*`)."""
    processed = t3(report, "total_processed")
    received = t3(report, "new_received")
    before = t3(report, "carried_over")
    granted, partial = t3(report, "granted"), t3(report, "partially_granted")
    in_hand = None if received is None and before is None else (received or 0) + (before or 0)
    review, review_n = correction([t4(report, "review")])
    lit, lit_n = correction([t4(report, "litigation_direct"), t4(report, "litigation_after_review")])
    both = None if granted is None and partial is None else (granted or 0) + (partial or 0)
    return {
        "source": report.source, "agency": report.meta.agency, "year": report.meta.year, "level": report.meta.level,
        "n_processed": processed, "n_in_hand": in_hand, "n_review": review_n, "n_litigation": lit_n,
        "granted": share(granted, processed), "granted_or_partial": share(both, processed),
        "not_held": share(t3(report, "unavailable_not_held"), processed),
        "carried_forward": share(t3(report, "carried_forward"), in_hand),
        "review_corrected": review, "litigation_corrected": lit,
        "population": population,
        "requests_per_1000": None if not population or received is None else 1000 * received / population,
    }


DENOMINATOR = {"granted": "n_processed", "granted_or_partial": "n_processed", "not_held": "n_processed",
               "carried_forward": "n_in_hand", "review_corrected": "n_review", "litigation_corrected": "n_litigation",
               "requests_per_1000": "population"}


def rates_frame(reports: Iterable, ids: Optional[list] = None, *, population: Optional[dict] = None):
    """DataFrame, one row per report. `population` maps a report's source or agency to its population."""
    import pandas as pd

    population = population or {}
    rows = []
    for i, r in enumerate(reports):
        pop = population.get(r.source, population.get(r.meta.agency))
        row = report_rates(r, population=pop)
        row["id"] = ids[i] if ids else Path(r.source).stem
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["id", "source", "agency", "year", "level", "n_processed", "n_in_hand",
                                        "n_review", "n_litigation", *RATES[:-1], "population", "requests_per_1000"])
    for col in ("n_processed", "n_in_hand", "n_review", "n_litigation", "year"):
        frame[col] = frame[col].astype("Int64")
    return frame


def store_rates_frame(out_dir, *, population: Optional[dict] = None):
    """The rates frame of a batch store (read back through `read_reports`)."""
    from gxnlp.corpus.store import read_reports

    pairs = list(read_reports(out_dir))
    return rates_frame([r for _, r in pairs], [rid for rid, _ in pairs], population=population)


def peer_comparison(frame, *, min_n: int = MIN_N, min_peers: int = MIN_PEERS, factor: float = FACTOR):
    """Long frame: each report × rate against the median of its peers (same level and year).

    `judged` is False with a `note` when the report has fewer than `min_n` cases or fewer than
    `min_peers` peers have enough; `flag` is "high"/"low" when the rate is ≥ factor× or ≤ 1/factor×
    the median (and differs from it by at least 10 points for shares).
    """
    import pandas as pd

    out = []
    groups = defaultdict(list)
    for row in frame.to_dict("records"):
        groups[(row["level"], row["year"])].append(row)
    for (level, year), rows in groups.items():
        for rate in RATES:
            if rate == "requests_per_1000":
                continue
            dcol = DENOMINATOR[rate]
            for row in rows:
                value, n = row[rate], row[dcol]
                if value is None or value != value:
                    continue
                n = None if n is None or n is pd.NA else float(n)
                peers = [q[rate] for q in rows if q is not row and q[rate] is not None and q[rate] == q[rate]
                         and q[dcol] is not None and q[dcol] is not pd.NA and float(q[dcol]) >= min_n]
                record = {"id": row["id"], "agency": row["agency"], "year": year, "level": level, "rate": rate,
                          "value": value, "n": n, "peers": len(peers), "peer_median": None, "judged": False,
                          "flag": None, "note": ""}
                if n is None or n < min_n:
                    record["note"] = f"n = {n:g} < {min_n}: not judged" if n is not None else "no denominator"
                elif len(peers) < min_peers:
                    record["note"] = f"{len(peers)} peers with n ≥ {min_n} (< {min_peers}): not judged"
                else:
                    median = statistics.median(peers)
                    record.update(peer_median=median, judged=True)
                    if abs(value - median) >= 0.10 and (
                            (median > 0 and value >= factor * median) or value <= median / factor):
                        record["flag"] = "high" if value > median else "low"
                    record["note"] = f"n = {n:g}, median of {len(peers)} peers = {median:.1%}"
                out.append(record)
    return pd.DataFrame(out, columns=["id", "agency", "year", "level", "rate", "value", "n", "peers",
                                      "peer_median", "judged", "flag", "note"])
