"""Coverage: reports grouped into agencies across years, and the years each agency is missing."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from gxnlp.parse.agencies import normalise_agency, parents_compatible, parse_agency

@dataclass
class AgencyGroup:
    agency_id: str
    key: str
    names: Counter = field(default_factory=Counter)
    parents: list = field(default_factory=list)
    reports: list = field(default_factory=list)  # (year, report_id, source)
    problem: Optional[str] = None


def group_agencies(reports: list[tuple[str, str, Optional[str], Optional[int]]]) -> list[AgencyGroup]:
    """Group (report_id, source, agency, year) into agencies: same key, parents that do not conflict.

    A name that fits several groups (钟楼街道 when both 汝州市钟楼街道 and 常州市钟楼街道 exist)
    cannot be paired: it gets a group of its own with a problem note.
    """
    by_key: dict[str, list] = defaultdict(list)
    nameless = []
    for report_id, source, agency, year in reports:
        key = normalise_agency(agency)
        if key:
            by_key[key].append((report_id, source, agency, year))
        else:
            nameless.append((report_id, source, year))
    groups: list[AgencyGroup] = []
    for key in sorted(by_key):
        items = by_key[key]
        names = sorted({a for _, _, a, _ in items}, key=lambda n: (-len(parse_agency(n).parents), n))
        clusters: list[AgencyGroup] = []
        assignment: dict[str, AgencyGroup] = {}
        ambiguous: dict[str, list[AgencyGroup]] = {}
        for name in names:
            parsed = parse_agency(name)
            fits = [c for c in clusters if all(parents_compatible(parsed, p) for p in c.parents)]
            if not fits:
                g = AgencyGroup("", key, parents=[parsed])
                clusters.append(g)
                assignment[name] = g
            elif len(fits) == 1:
                fits[0].parents.append(parsed)
                assignment[name] = fits[0]
            else:
                ambiguous[name] = fits
        for g in clusters:
            qualifiers = [n for p in g.parents for _, n in p.parents]
            g.agency_id = key if len(clusters) == 1 else f"{key}@{Counter(qualifiers).most_common(1)[0][0]}" \
                if qualifiers else f"{key}@?"
        for name, fits in ambiguous.items():
            g = AgencyGroup(f"{key}@?{name}", key, parents=[parse_agency(name)],
                            problem="name fits several agencies: " + ", ".join(f.agency_id for f in fits))
            clusters.append(g)
            assignment[name] = g
        for report_id, source, agency, year in items:
            g = assignment[agency]
            g.names[agency] += 1
            g.reports.append((year, report_id, source))
        groups.extend(clusters)
    for report_id, source, year in nameless:
        groups.append(AgencyGroup(f"?{Path(source).stem}", "", reports=[(year, report_id, source)],
                                  problem="no agency name found"))
    return groups


def coverage_rows(groups: list[AgencyGroup]) -> tuple[list[dict], list[dict]]:
    """Rows of `agencies` and `coverage`: agency × year over the corpus's span of years."""
    years_all = [y for g in groups for y, _, _ in g.reports if y is not None]
    span = range(min(years_all), max(years_all) + 1) if years_all else range(0)
    agencies, coverage = [], []
    for g in sorted(groups, key=lambda g: g.agency_id):
        years = sorted({y for y, _, _ in g.reports if y is not None})
        name = g.names.most_common(1)[0][0] if g.names else None
        missing = [y for y in span if y not in years]
        counts = Counter(y for y, _, _ in g.reports)
        problem = g.problem
        if problem is None and len(years) < 2:
            problem = "one year only" if years else "no year found"
        if problem is None and any(n > 1 for n in counts.values()):
            problem = "several reports for one year: " + ", ".join(str(y) for y, n in sorted(
                counts.items(), key=lambda x: (x[0] is None, x[0] or 0)) if n > 1)
        pairable = len(years) >= 2 and not (g.problem or "").startswith(("name fits", "no agency"))
        agencies.append({"agency_id": g.agency_id, "agency_key": g.key or None,
                         "names": sorted(g.names), "n_reports": len(g.reports), "years": years,
                         "first_year": years[0] if years else None, "last_year": years[-1] if years else None,
                         "missing_years": missing, "pairable": pairable, "problem": problem})
        seen = Counter()
        for year, report_id, source in sorted(g.reports, key=lambda r: (r[0] is None, r[0] or 0, r[2])):
            seen[year] += 1
            status = "no_year" if year is None else ("present" if seen[year] == 1 else "extra")
            coverage.append({"agency_id": g.agency_id, "agency": name, "year": year, "status": status,
                             "within_span": bool(years) and year is not None and years[0] <= year <= years[-1],
                             "report_id": report_id, "source": source})
        for y in missing:
            coverage.append({"agency_id": g.agency_id, "agency": name, "year": y, "status": "missing",
                             "within_span": bool(years) and years[0] <= y <= years[-1],
                             "report_id": None, "source": None})
    coverage.sort(key=lambda r: (r["agency_id"], r["year"] is None, r["year"] or 0, r["status"] != "present",
                                 r["source"] or ""))
    return agencies, coverage


