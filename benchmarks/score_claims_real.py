"""Score claim extraction on the real claim truth (corpora/claims/real/claims.jsonl).

    python benchmarks/score_claims_real.py [--quiet] [--split dev|test|all] [--misses] [--out FILE]

Each labelled sentence is run through the parser's normalisation and `extract_claims` with its
section; a predicted claim matches a truth claim when metric and value agree and the two claim
texts overlap (greedy, one-to-one). Recall/precision are printed overall, per metric (with
support) and per source type (openings vs whole reports), for the dev split, the held-back test
split and both (split by document with a fixed seed, 70/30). Status accuracy parses each whole
real report (repo copy in corpora/real/files/) and compares the status of the matching claim
with `expected_status`; every `inconsistent` claim of those parses that the truth does not call
inconsistent is a false alarm. Truth is hand-labelled; this script never writes it.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gxnlp.check.claims import extract_claims  # noqa: E402
from gxnlp.parse.normalise import normalise_text  # noqa: E402

TRUTH = ROOT / "corpora" / "claims" / "real" / "claims.jsonl"
REAL_FILES = ROOT / "corpora" / "real" / "files"
SEED = 12
DEV_SHARE = 0.7


def load_truth(path: Path = TRUTH) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def split_docs(rows: list[dict], seed: int = SEED) -> tuple[set, set]:
    """Documents shuffled with a fixed seed: the first 70% are dev, the rest held back."""
    docs = sorted({r["source"] for r in rows})
    random.Random(seed).shuffle(docs)
    cut = round(len(docs) * DEV_SHARE)
    return set(docs[:cut]), set(docs[cut:])


def squash(s: str) -> str:
    return "".join(s.split())


def overlaps(a: str, b: str) -> bool:
    a, b = squash(a), squash(b)
    return a in b or b in a or len(set(a) & set(b)) >= 0.5 * min(len(set(a)), len(set(b)))


def same_value(a, b) -> bool:
    return abs(float(a) - float(b)) < 1e-6


def match(pred: list[dict], truth: list[dict]) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (pred index, truth index): same metric and value, overlapping text."""
    pairs, used = [], set()
    for ti, t in enumerate(truth):
        for pi, p in enumerate(pred):
            if pi in used or p["metric"] != t["metric"] or not same_value(p["value"], t["value"]):
                continue
            if overlaps(p["text"], t["text"]):
                pairs.append((pi, ti))
                used.add(pi)
                break
    return pairs


def predict(row: dict) -> list[dict]:
    claims, _ = extract_claims(row["section"], normalise_text(row["text"]))
    return [{"text": c.text, "metric": c.metric, "value": c.value, "unit": c.unit, "approx": c.approx,
             "qualifier": c.qualifier} for c in claims]


class Tally:
    def __init__(self):
        self.n = defaultdict(lambda: [0, 0, 0])  # key → [matched, truth, predicted]

    def add(self, key, matched, truth, pred):
        t = self.n[key]
        t[0] += matched
        t[1] += truth
        t[2] += pred

    def scores(self, key) -> dict:
        m, t, p = self.n[key]
        return {"recall": round(m / t, 4) if t else None, "precision": round(m / p, 4) if p else None,
                "support": t, "predicted": p}


def score_rows(rows: list[dict], misses: list | None = None) -> dict:
    tally = Tally()
    for row in rows:
        pred, truth = predict(row), row["claims"]
        pairs = match(pred, truth)
        kind = "openings" if row["source"].startswith("openings/") else "whole_reports"
        for key in ("overall", "source:" + kind):
            tally.add(key, len(pairs), len(truth), len(pred))
        for metric in {c["metric"] for c in truth} | {c["metric"] for c in pred}:
            mp = sum(1 for pi, ti in pairs if truth[ti]["metric"] == metric)
            tally.add("metric:" + metric, mp, sum(1 for c in truth if c["metric"] == metric),
                      sum(1 for c in pred if c["metric"] == metric))
        if misses is not None:
            got_p, got_t = {p for p, _ in pairs}, {t for _, t in pairs}
            for ti, t in enumerate(truth):
                if ti not in got_t:
                    misses.append(f"MISS {row['id']} {t['metric']} {t['value']} «{t['text']}»  | {row['text'][:160]}")
            for pi, p in enumerate(pred):
                if pi not in got_p:
                    misses.append(f"FALSE {row['id']} {p['metric']} {p['value']} «{p['text']}»  | {row['text'][:160]}")
    return {key: tally.scores(key) for key in sorted(tally.n)}


def status_scores(rows: list[dict], misses: list | None = None) -> dict:
    """Parse each whole real report and compare statuses; count false `inconsistent` claims."""
    from gxnlp.pipeline import parse

    by_file = defaultdict(list)
    for row in rows:
        if row["source"].startswith("real/"):
            by_file[Path(row["source"]).name].append(row)
    right = total = false_inconsistent = parsed = 0
    per_file = {}
    for path in sorted(REAL_FILES.glob("*")):
        if path.suffix.lower() not in (".pdf", ".txt", ".html", ".htm"):
            continue
        try:
            report = parse(path)
        except Exception as e:  # a file still being copied
            per_file[path.name] = f"parse failed: {e}"
            continue
        parsed += 1
        claims = report.claims
        expected = [c for row in by_file.get(path.name, []) for c in row["claims"]]
        flagged = []
        for c in claims:
            if c.status != "inconsistent":
                continue
            truth_bad = any(t["expected_status"] == "inconsistent" and t["metric"] == c.metric
                            and same_value(t["value"], c.value) and overlaps(t["text"], c.text) for t in expected)
            if not truth_bad:
                false_inconsistent += 1
                flagged.append(c.text)
                if misses is not None:
                    misses.append(f"FALSE-INCONSISTENT {path.name} {c.metric} {c.value:g} «{c.text}» {c.note}")
        for t in expected:
            if t["expected_status"] is None:
                continue
            total += 1
            got = next((c for c in claims if c.metric == t["metric"] and same_value(c.value, t["value"])
                        and overlaps(c.text, t["text"])), None)
            ok = got is not None and got.status == t["expected_status"]
            right += ok
            if not ok and misses is not None:
                misses.append(f"STATUS {path.name} {t['metric']} {t['value']} «{t['text']}» expected "
                              f"{t['expected_status']} got {got.status if got else 'no claim'}")
        per_file[path.name] = {"claims": len(claims), "false_inconsistent": flagged}
    return {"status_right": right, "status_total": total,
            "status_accuracy": round(right / total, 4) if total else None,
            "false_inconsistent": false_inconsistent, "reports_parsed": parsed, "per_file": per_file}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("dev", "test", "all"), default=None, help="print misses for this split")
    ap.add_argument("--no-status", action="store_true", help="skip parsing the whole reports")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "claims_real_scores.json"))
    args = ap.parse_args(argv)
    rows = load_truth()
    dev, test = split_docs(rows)
    splits = {"dev": [r for r in rows if r["source"] in dev], "test": [r for r in rows if r["source"] in test],
              "all": rows}
    misses: list[str] = []
    result = {"seed": SEED, "dev_documents": len(dev), "test_documents": len(test)}
    for name, part in splits.items():
        result[name] = score_rows(part, misses if args.split == name else None)
    if not args.no_status:
        result["status"] = status_scores(rows, misses if args.split else None)
    if not args.quiet:
        for name in splits:
            print(f"== {name}")
            for key, s in result[name].items():
                print(f"  {key:40s} R {s['recall']!s:7} P {s['precision']!s:7} support {s['support']:4d} "
                      f"predicted {s['predicted']:4d}")
        if "status" in result:
            s = result["status"]
            print(f"== status {s['status_right']}/{s['status_total']} ({s['status_accuracy']}), "
                  f"false inconsistent {s['false_inconsistent']} over {s['reports_parsed']} reports")
        for m in misses:
            print(m)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
