#!/usr/bin/env python3
"""Agreement between two labellings of the same sentences (stdlib only).

Usage: python3 corpora/annotations/agreement.py FIRST.jsonl SECOND.jsonl [--all]

Both files hold records with "id" and "labels" (the format of real_openings.jsonl);
only ids present in both files are compared (the second file is normally a sample
of the first). For each family (channel / problem / measure) it prints
  * exact-set agreement: share of sentences whose label set restricted to the family
    is identical in both files;
  * per-label Cohen's kappa (2x2: label present / absent), with the counts
    n11 (both), n10 (first only), n01 (second only); kappa is "n/a" when both
    annotators never (or always) use the label, as it is undefined;
  * the mean kappa over labels where it is defined.
Labels are taken from corpora/taxonomy.md; --all also prints labels never used.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TAXONOMY = os.path.join(HERE, "..", "taxonomy.md")


def labels():
    out = []
    with open(TAXONOMY, encoding="utf-8") as fh:
        for line in fh:
            m = re.match(r"\| ((?:channel|problem|measure):\w+) \|", line)
            if m:
                out.append(m.group(1))
    return out


def load(path):
    with open(path, encoding="utf-8") as fh:
        recs = [json.loads(line) for line in fh if line.strip()]
    return {r["id"]: set(r["labels"]) for r in recs}


def kappa(n11, n10, n01, n00):
    n = n11 + n10 + n01 + n00
    po = (n11 + n00) / n
    pa1, pb1 = (n11 + n10) / n, (n11 + n01) / n
    pe = pa1 * pb1 + (1 - pa1) * (1 - pb1)
    if pe == 1:
        return None
    return (po - pe) / (1 - pe)


def main(argv):
    show_all = "--all" in argv
    argv = [a for a in argv if a != "--all"]
    a, b = load(argv[0]), load(argv[1])
    ids = sorted(set(a) & set(b))
    print("sentences compared: %d" % len(ids))
    labs = labels()
    for fam in ("channel", "problem", "measure"):
        fl = [l for l in labs if l.startswith(fam + ":")]
        same = sum(1 for i in ids if {x for x in a[i] if x in fl} == {x for x in b[i] if x in fl})
        print("\n%s: exact-set agreement %d/%d = %.3f" % (fam, same, len(ids), same / len(ids)))
        ks = []
        for l in fl:
            n11 = sum(1 for i in ids if l in a[i] and l in b[i])
            n10 = sum(1 for i in ids if l in a[i] and l not in b[i])
            n01 = sum(1 for i in ids if l not in a[i] and l in b[i])
            n00 = len(ids) - n11 - n10 - n01
            k = kappa(n11, n10, n01, n00)
            if k is not None:
                ks.append(k)
            if show_all or n11 + n10 + n01:
                print("  %-24s kappa %5s  both %3d  first-only %3d  second-only %3d"
                      % (l, "n/a" if k is None else "%.3f" % k, n11, n10, n01))
        if ks:
            print("  mean kappa over %d labels with defined kappa: %.3f" % (len(ks), sum(ks) / len(ks)))


if __name__ == "__main__":
    main(sys.argv[1:])
