#!/usr/bin/env python3
"""Draw the sample for the second annotation of the real-text corpora (stdlib only).

Usage: python3 corpora/annotations/make_second_sample.py [OUT]   (default /tmp/second_sample.jsonl)

Sample (seed 7, random.Random(7)), 300 sentences:
  * 200 from real_reports.jsonl: 120 from section "problems", and 80 from the other
    sections, allocated to each section in proportion to its size (largest remainder);
  * 100 from real_openings.jsonl, allocated to sections in proportion to their size
    (largest remainder), with at least one sentence from every section.
Within a section, sentences are drawn with rng.sample from the records in file order.
Output records carry id, doc, section and text only (no labels), ordered by source file
and then by position in the file, so that sentences of a document stay together.
"""
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPORTS = os.path.join(HERE, "real_reports.jsonl")
OPENINGS = os.path.join(HERE, "real_openings.jsonl")
SEED = 7
KEEP = ("id", "doc", "section", "text")


def load(path):
    with open(path, encoding="utf-8") as fh:
        recs = [json.loads(line) for line in fh if line.strip()]
    # strip everything but the fields we keep: labels are never held in memory past here
    return [{k: r[k] for k in KEEP} for r in recs]


def by_section(recs):
    out = {}
    for i, r in enumerate(recs):
        out.setdefault(r["section"], []).append(i)
    return out


def allocate(sizes, total, minimum=0):
    """Proportional allocation (largest remainder), each section >= minimum (if it has that many)."""
    n = sum(sizes.values())
    alloc = {s: min(minimum, c) for s, c in sizes.items()}
    rest = total - sum(alloc.values())
    quotas = {s: rest * c / n for s, c in sizes.items()}
    for s in sizes:
        alloc[s] += min(int(quotas[s]), sizes[s] - alloc[s])
    order = sorted(sizes, key=lambda s: (-(quotas[s] - int(quotas[s])), s))
    while sum(alloc.values()) < total:
        for s in order:
            if sum(alloc.values()) >= total:
                break
            if alloc[s] < sizes[s]:
                alloc[s] += 1
    return alloc


def draw(rng, recs, alloc):
    secs = by_section(recs)
    chosen = []
    for s in sorted(alloc):
        chosen.extend(rng.sample(secs[s], alloc[s]))
    return [recs[i] for i in sorted(chosen)]


def main(argv):
    out = argv[0] if argv else "/tmp/second_sample.jsonl"
    rng = random.Random(SEED)
    reports = load(REPORTS)
    openings = load(OPENINGS)

    rsecs = by_section(reports)
    rest = {s: len(v) for s, v in rsecs.items() if s != "problems"}
    ralloc = allocate(rest, 80)
    ralloc["problems"] = 120
    osecs = by_section(openings)
    oalloc = allocate({s: len(v) for s, v in osecs.items()}, 100, minimum=1)

    sample = draw(rng, reports, ralloc) + draw(rng, openings, oalloc)
    assert len(sample) == 300 and len({r["id"] for r in sample}) == 300
    with open(out, "w", encoding="utf-8") as fh:
        for r in sample:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print("reports:", dict(sorted(ralloc.items())))
    print("openings:", dict(sorted(oalloc.items())))
    print("wrote %d records to %s" % (len(sample), out))


if __name__ == "__main__":
    main(sys.argv[1:])
