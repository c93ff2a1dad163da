"""Labelled sentences for training and evaluation: reading, document families, the split by report.

Why families: real reports copy each other (an agency's reports of successive years, a
county and its bureaus share whole paragraphs). Sentences of one report, or of reports that
share text, must sit on one side of the split, or the test measures memory. Two documents
are one family when they share at least `min_shared` sentences of ≥ `min_chars` characters (digits ignored), and
at least `min_ratio` of the smaller one's sentences; families are the connected components.
Test sentences whose text also occurs in training are left out of the scores (`dedupe`).
"""
from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Optional

REAL_FILES = ("real_reports.jsonl", "real_openings.jsonl")
SUPPLEMENT_FILES = ("constructed.jsonl",)
_DIGITS = re.compile(r"\d+")
_PUNCT = re.compile(r"[\s\W_]+")


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            missing = {"text", "labels"} - set(row)
            if missing:
                raise ValueError(f"{path}:{n}: missing {sorted(missing)}")
            row.setdefault("section", "none")
            row.setdefault("doc", path.stem)
            rows.append(row)
    return rows


def read_rows(paths: Iterable[Path]) -> list[dict]:
    """Rows of the annotation files that exist (others skipped), each with `file` set to the file's name."""
    out = []
    for path in paths:
        if path.is_file():
            out += [{**r, "file": path.name} for r in read_jsonl(path)]
    return out


def _key(text: str) -> str:
    return _PUNCT.sub("", _DIGITS.sub("0", text))


def doc_families(rows: list[dict], min_chars: int = 15, min_shared: int = 3, min_ratio: float = 0.2) -> dict[str, str]:
    """doc → family id (the smallest doc name of its component)."""
    docs_of = defaultdict(set)
    size = Counter(r["doc"] for r in rows)
    for r in rows:
        k = _key(r["text"])
        if len(k) >= min_chars:
            docs_of[k].add(r["doc"])
    shared = Counter()
    for docs in docs_of.values():
        if 1 < len(docs) <= 50:
            docs = sorted(docs)
            for i, a in enumerate(docs):
                for b in docs[i + 1:]:
                    shared[a, b] += 1
    parent = {r["doc"]: r["doc"] for r in rows}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (a, b), n in shared.items():
        if n >= min_shared and n >= min_ratio * min(size[a], size[b]):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {d: find(d) for d in parent}


def split_by_family(rows: list[dict], test_share: float = 0.25, seed: int = 0, tries: int = 300,
                    families: Optional[dict] = None) -> tuple[set, set]:
    """(train families, test families): a random split of whole families, about `test_share` of the sentences.

    Among `tries` seeded draws within ±3 points of the share, the one whose test split gives
    the most labels ≥ 5 positives (then the most positives of the rarest label) is kept:
    a split chosen by label coverage only, never by a model's score.
    """
    families = families or doc_families(rows)
    by_family = defaultdict(list)
    for r in rows:
        by_family[families[r["doc"]]].append(r)
    names = sorted(by_family)
    labels = sorted({lab for r in rows for lab in r["labels"]})
    total = len(rows)
    rng = random.Random(seed)
    best = None
    for _ in range(tries):
        order = names[:]
        rng.shuffle(order)
        test, n = set(), 0
        for f in order:
            if n >= test_share * total:
                break
            if n + len(by_family[f]) > (test_share + 0.03) * total:
                continue
            test.add(f)
            n += len(by_family[f])
        if abs(n / total - test_share) > 0.03:
            continue
        counts = Counter(lab for f in test for r in by_family[f] for lab in r["labels"])
        train_counts = Counter(lab for f in names if f not in test for r in by_family[f] for lab in r["labels"])
        ok = [lab for lab in labels if counts[lab] >= 5 and train_counts[lab] >= 5]
        key = (len(ok), min(counts[lab] for lab in labels) if labels else 0)
        if best is None or key > best[0]:
            best = (key, test)
    test = best[1] if best else set()
    return set(names) - test, test


def label_counts(rows: list[dict]) -> Counter:
    return Counter(lab for r in rows for lab in r["labels"])


def dedupe(test: list[dict], train: list[dict]) -> list[dict]:
    """Test rows whose text (digits and punctuation ignored) does not occur in the training rows."""
    seen = {_key(r["text"]) for r in train}
    return [r for r in test if _key(r["text"]) not in seen]
