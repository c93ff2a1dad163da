#!/usr/bin/env python3
"""Validate the annotated sentence corpus (stdlib only).

Checks: JSON shape and field types; ids unique and well-formed; section keys;
labels all defined in corpora/taxonomy.md (read from that file); seed sentences
identical (text, order, doc, section) to what seed_sentences.py derives from
corpora/seeds/*.txt; constructed documents hold 5-15 sentences; every label has
>= 25 positive sentences overall; splits.json covers every document exactly
once. Prints per-label counts (train/test/total) and exits 1 on any error.

Usage: python3 corpora/annotations/validate.py
"""
import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import seed_sentences  # noqa: E402

SECTIONS = {"overview", "active_disclosure", "requests", "review_litigation", "problems", "other"}
MIN_POS = 25
errors = []


def err(msg):
    errors.append(msg)


def taxonomy_labels():
    with open(os.path.join(HERE, "..", "taxonomy.md"), encoding="utf-8") as fh:
        text = fh.read()
    labels = re.findall(r"^\|\s*((?:channel|problem|measure):[a-z_]+)\s*\|", text, flags=re.M)
    return list(dict.fromkeys(labels))


def load(name):
    rows = []
    with open(os.path.join(HERE, name), encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                err(f"{name}:{n}: blank line")
                continue
            try:
                rows.append((name, n, json.loads(line)))
            except json.JSONDecodeError as e:
                err(f"{name}:{n}: bad JSON ({e})")
    return rows


def main():
    labels = taxonomy_labels()
    if len(labels) != 35:
        err(f"expected 35 labels in taxonomy.md, found {len(labels)}")
    rows = load("seeds.jsonl") + load("constructed.jsonl")
    keys = {"id", "doc", "section", "text", "labels", "constructed"}
    ids = collections.Counter()
    for name, n, r in rows:
        where = f"{name}:{n}"
        if set(r) != keys:
            err(f"{where}: keys {sorted(r)} != {sorted(keys)}")
            continue
        ids[r["id"]] += 1
        if r["section"] not in SECTIONS:
            err(f"{where}: bad section {r['section']!r}")
        if not isinstance(r["text"], str) or not r["text"].strip() or r["text"] != r["text"].strip():
            err(f"{where}: empty or unstripped text")
        if not isinstance(r["labels"], list) or len(set(r["labels"])) != len(r["labels"]):
            err(f"{where}: labels must be a list without duplicates")
        for lab in r["labels"]:
            if lab not in labels:
                err(f"{where}: label {lab!r} not in taxonomy.md")
        seed = name == "seeds.jsonl"
        if r["constructed"] is not (not seed):
            err(f"{where}: constructed must be {not seed}")
        pat = r"seed-\d{3}-\d{4}" if seed else r"c-\d{3}-\d{4}"
        if not re.fullmatch(pat, r["id"]) or not r["id"].startswith(("seed-" + r["doc"][:3]) if seed else r["doc"]):
            err(f"{where}: id {r['id']!r} does not match doc {r['doc']!r}")
    for i, c in ids.items():
        if c > 1:
            err(f"duplicate id {i}")

    seed_rows = [r for name, _, r in rows if name == "seeds.jsonl"]
    derived = list(seed_sentences.sentences())
    got = [(r["doc"], r["section"], r["text"]) for r in seed_rows]
    if got != derived:
        for k, (a, b) in enumerate(zip(got, derived)):
            if a != b:
                err(f"seeds.jsonl line {k + 1} differs from seed_sentences.py: {a} vs {b}")
                break
        else:
            err(f"seeds.jsonl has {len(got)} sentences, seed_sentences.py derives {len(derived)}")

    all_rows = [r for _, _, r in rows]
    size = collections.Counter(r["doc"] for r in all_rows if r["constructed"])
    for d, n in size.items():
        if not 5 <= n <= 15:
            err(f"constructed doc {d} has {n} sentences (want 5-15)")

    with open(os.path.join(HERE, "splits.json"), encoding="utf-8") as fh:
        sp = json.load(fh)
    test, train = set(sp["test"]), set(sp["train"])
    docs = {r["doc"] for r in all_rows}
    if test & train or (test | train) != docs:
        err("splits.json must list every document exactly once")

    pos = {s: collections.Counter() for s in ("train", "test")}
    nsent = collections.Counter()
    for r in all_rows:
        side = "test" if r["doc"] in test else "train"
        nsent[side] += 1
        pos[side].update(r["labels"])
    print(f"{'label':26s} {'train':>5s} {'test':>5s} {'total':>5s}")
    for lab in labels:
        tot = pos["train"][lab] + pos["test"][lab]
        print(f"{lab:26s} {pos['train'][lab]:5d} {pos['test'][lab]:5d} {tot:5d}")
        if tot < MIN_POS:
            err(f"{lab}: only {tot} positives (want >= {MIN_POS})")
    neg = sum(1 for r in all_rows if not r["labels"])
    multi = sum(1 for r in all_rows if len(r["labels"]) > 1)
    n_seed = len(seed_rows)
    print(f"\nsentences: {len(all_rows)} ({n_seed} seed, {len(all_rows) - n_seed} constructed); "
          f"train {nsent['train']}, test {nsent['test']} ({nsent['test'] / len(all_rows):.1%})")
    print(f"documents: {len(docs)} ({len({r['doc'] for r in seed_rows})} seed); test {len(test)}, train {len(train)}")
    print(f"no label: {neg} ({neg / len(all_rows):.1%}); multi-label: {multi} ({multi / len(all_rows):.1%})")
    dup = collections.defaultdict(set)
    for r in all_rows:
        dup[r["text"]].add("test" if r["doc"] in test else "train")
    cross = sorted(t for t, s in dup.items() if len(s) > 1)
    if cross:
        print(f"note: {len(cross)} identical text(s) on both sides of the split: {cross}")
    if errors:
        print("\nERRORS:")
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
