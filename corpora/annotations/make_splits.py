#!/usr/bin/env python3
"""Make the train/test split of the annotated sentence corpus (stdlib only).

The split is BY DOCUMENT: every sentence of a report goes to the same side, so
that a test report is never partly seen in training.

Rules
  * about 20% of all sentences in test (accepted window: 18%-22%);
  * at least one of the five real seed reports in test;
  * every taxonomy label has at least MIN_TEST_POS positive sentences in test.

Procedure (deterministic): rng = random.Random(SEED). For attempt 0, 1, 2, ...
draw one seed document, then add constructed documents in a freshly shuffled
order until the test side holds >= 20% of the sentences; keep the first
attempt that satisfies all rules. Re-running the script reproduces
splits.json exactly as long as the two .jsonl files are unchanged.

Usage:  python3 corpora/annotations/make_splits.py          # write splits.json
        python3 corpora/annotations/make_splits.py --check  # verify only
"""
import collections
import json
import os
import random
import sys

SEED = 20240615
TARGET = 0.20
WINDOW = (0.18, 0.22)
MIN_TEST_POS = 4
MAX_ATTEMPTS = 100000

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ("seeds.jsonl", "constructed.jsonl")
LABELS = (
    "channel:website channel:wechat channel:weibo channel:short_video channel:new_media "
    "channel:newspaper channel:gazette channel:service_hall channel:bulletin_board "
    "channel:reading_room channel:press_event channel:hotline "
    "problem:staff_capacity problem:awareness problem:timeliness problem:coverage "
    "problem:quality problem:interpretation problem:channels_form problem:publicity "
    "problem:participation problem:platform problem:mechanism problem:digital "
    "measure:training measure:mechanism measure:review measure:channels "
    "measure:interpretation measure:platform measure:supervision measure:catalog "
    "measure:requests measure:publicity measure:participation"
).split()


def load():
    rows = []
    for name in FILES:
        with open(os.path.join(HERE, name), encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return rows


def stats(rows, test_docs):
    n_test = sum(1 for r in rows if r["doc"] in test_docs)
    pos = collections.Counter(l for r in rows if r["doc"] in test_docs for l in r["labels"])
    return n_test, pos


def ok(rows, test_docs, seed_docs):
    n_test, pos = stats(rows, test_docs)
    frac = n_test / len(rows)
    return (WINDOW[0] <= frac <= WINDOW[1]
            and any(d in test_docs for d in seed_docs)
            and all(pos[l] >= MIN_TEST_POS for l in LABELS))


def make(rows):
    size = collections.Counter(r["doc"] for r in rows)
    seed_docs = sorted(d for d in size if any(r["doc"] == d and not r["constructed"] for r in rows))
    con_docs = sorted(d for d in size if d not in seed_docs)
    rng = random.Random(SEED)
    total = len(rows)
    for attempt in range(MAX_ATTEMPTS):
        test = {rng.choice(seed_docs)}
        order = con_docs[:]
        rng.shuffle(order)
        n = sum(size[d] for d in test)
        for d in order:
            if n >= TARGET * total:
                break
            test.add(d)
            n += size[d]
        if ok(rows, test, seed_docs):
            return attempt, test, seed_docs
    sys.exit("no split satisfies the rules; relax MIN_TEST_POS or WINDOW")


def report(rows, test_docs):
    n_test, pos = stats(rows, test_docs)
    allpos = collections.Counter(l for r in rows for l in r["labels"])
    print(f"sentences: {len(rows)} total, {n_test} test ({n_test / len(rows):.1%}), "
          f"docs: {len({r['doc'] for r in rows})} total, {len(test_docs)} test")
    for l in LABELS:
        print(f"  {l:26s} train {allpos[l] - pos[l]:4d}  test {pos[l]:3d}")


def main():
    rows = load()
    path = os.path.join(HERE, "splits.json")
    if "--check" in sys.argv:
        with open(path, encoding="utf-8") as fh:
            sp = json.load(fh)
        docs = {r["doc"] for r in rows}
        test, train = set(sp["test"]), set(sp["train"])
        assert not test & train, "a document is on both sides"
        assert test | train == docs, "split does not cover exactly the corpus documents"
        seed_docs = {r["doc"] for r in rows if not r["constructed"]}
        assert ok(rows, test, seed_docs), "split violates a rule"
        report(rows, test)
        print("splits.json OK")
        return
    attempt, test, _ = make(rows)
    train = sorted({r["doc"] for r in rows} - test)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"test": sorted(test), "train": train}, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    print(f"seed {SEED}, accepted attempt {attempt}")
    report(rows, test)


if __name__ == "__main__":
    main()
