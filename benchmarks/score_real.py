"""Score the parser on the real development truth, per layout.

    python benchmarks/score_real.py [--quiet] [--out benchmarks/real_scores.json] [--show FILE]

Inputs: corpora/openings/*.txt with corpora/openings/truth/NNN.json (partial: only the keys and
table rows present are scored) and corpora/real/files/* with corpora/real/truth/<stem>.json
(whole tables). Truth is hand-labelled; this script never writes it.

Cells are counted four ways, so a silent shift is never hidden inside an accuracy:
  correct      the parser's value equals the truth (null = null included)
  wrong        the parser printed a different non-null value (the failure that matters)
  null_warned  truth has a value, the parser left the cell null and said so in a warning
  null_silent  truth has a value, the parser left it null without a table warning
Metadata fields (title, agency, year, level, template) are right or wrong.
Titles are compared without whitespace.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gxnlp.model.core import table2_fields  # noqa: E402
from gxnlp.pipeline import parse  # noqa: E402

META = ("title", "agency", "year", "level", "template")
OPENINGS = ROOT / "corpora" / "openings"
REAL = ROOT / "corpora" / "real"


def layouts_of(truth: dict, source: str, index: dict) -> list[str]:
    """Every layout row of the README table this file counts in."""
    out = {truth.get("layout") or "other"}
    stem = Path(source).stem
    if truth.get("template") == "2019":
        out.add("2019_template")
    if truth.get("template") == "pre2019":
        out.add("pre2019")
    if index.get(stem, {}).get("traditional"):
        out.add("traditional")
    if source.endswith((".html", ".htm")):
        out.add("html")
    if source.endswith(".pdf"):
        out.add("pdf_split")
    return sorted(out)


def table_lists(parsed: dict | None, name: str) -> dict:
    """Parser table as row key → list of values (table2 fields in spec order)."""
    if not parsed:
        return {}
    if name != "table2":
        return {k: v for k, v in parsed.items()}
    fields = table2_fields(parsed.get("format") or "2021")
    out = {}
    for key, names in fields.items():
        v = parsed.get(key)
        if v is None:
            out[key] = None
        elif names == [""]:
            out[key] = [v]
        else:
            out[key] = [v.get(f) for f in names]
    return out


def truth_lists(truth_table: dict | None, name: str) -> dict:
    if not truth_table:
        return {}
    if name != "table2":
        return dict(truth_table)
    fields = table2_fields(truth_table.get("format") or "2021")
    out = {}
    for key, names in fields.items():
        if key not in truth_table:
            continue
        v = truth_table[key]
        if v is None:
            out[key] = None
        elif isinstance(v, list):
            out[key] = v
        elif names == [""]:
            out[key] = [v]
        else:
            out[key] = [v.get(f) for f in names]
    return out


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


def row_warned(warnings: list, table: str, key: str) -> bool:
    """A warning names this row ("table2 row licensing …"), or the whole table ("table4: …", "table3
    not read …") without naming another row."""
    for w in warnings:
        if f"{table} row {key}" in w or f"{table}.{key}" in w:
            return True
        if table in w and f"{table} row " not in w:
            return True
    return False


def score_cells(truth_rows: dict, got_rows: dict, warned, counts: dict, misses: list, where: str):
    for key, tvals in truth_rows.items():
        if tvals is None:
            continue
        gvals = got_rows.get(key) or [None] * len(tvals)
        for i, t in enumerate(tvals):
            g = gvals[i] if i < len(gvals) else None
            if same(t, g):
                counts["correct"] += 1
            elif g is not None:
                counts["wrong"] += 1
                misses.append(f"{where}.{key}[{i}] truth {t} got {g}")
            elif warned(key):
                counts["null_warned"] += 1
            else:
                counts["null_silent"] += 1
                misses.append(f"{where}.{key}[{i}] truth {t} got null (no warning)")


def score_old_indicators(truth_rows: list, report, r: dict, misses: list):
    """The pre-2019 indicator table (its own row of the README table; not one of the three standard
    tables). Rows are matched by label without enumerator punctuation; a truth `cumulative: null` in a
    one-value-column table is not a cell (the GUIDE's rule)."""
    def key(label):
        return re.sub(r"[\s.．、]", "", label)

    rows, warnings = report.old_indicators, [w for w in report.warnings if w.startswith("old_indicators")]
    got = {key(row.indicator): row for row in rows}
    r["files"] += 1
    for t in truth_rows:
        row = got.get(key(t["indicator"]))
        for field in ("year_value", "cumulative"):
            if t[field] is None:
                continue
            g = getattr(row, field) if row else None
            if g == t[field]:
                r["correct"] += 1
            elif g is not None:
                r["wrong"] += 1
                misses.append(f"old_indicators.{t['indicator']}.{field} truth {t[field]} got {g}")
            elif warnings:
                r["null_warned"] += 1
            else:
                r["null_silent"] += 1
                misses.append(f"old_indicators.{t['indicator']}.{field} truth {t[field]} got null (no warning)")


def flat(s):
    return re.sub(r"\s+", "", s) if isinstance(s, str) else s


def load_disputed(path: Path) -> dict:
    """(file name, field) → reason, from benchmarks/disputed_truth.json."""
    if not path.exists():
        return {}
    items = json.loads(path.read_text(encoding="utf-8"))["items"]
    return {(i["file"], i["field"]): i["reason"] for i in items}


def score_file(path: Path, truth: dict, index: dict, results: dict, misses: dict, verbose: bool,
               disputed: dict | None = None):
    report = parse(path, {"tag_sentences": False})
    d = report.to_dict(provenance=False)
    layouts = layouts_of(truth, str(path), index)
    file_misses = []
    meta_counts = {"right": 0, "wrong": 0, "disputed": 0}
    for key in META:
        if key not in truth:
            continue
        ok = flat(truth[key]) == flat(d.get(key))
        meta_counts["right" if ok else "wrong"] += 1
        if not ok:
            mark = " [disputed]" if (path.name, key) in (disputed or {}) else ""
            meta_counts["disputed"] = meta_counts.get("disputed", 0) + bool(mark)
            file_misses.append(f"{key}: truth {truth[key]!r} got {d.get(key)!r}{mark}")
    cell_counts = defaultdict(int)
    for name in ("table2", "table3", "table4"):
        if "table_rows" in truth:
            trows = truth["table_rows"].get(name)
            if not trows:
                continue
            if name == "table2":
                trows = {k: v for k, v in trows.items()}
        else:
            trows = truth_lists(truth.get(name), name)
            if name == "table2" and truth.get(name):
                pass
        if not trows:
            continue
        def warned(key, name=name):
            return row_warned(d["warnings"], name, key)
        score_cells(trows, table_lists(d["tables"].get(name), name), warned, cell_counts, file_misses,
                    name)
    old = truth.get("old_indicator_table")
    if old:
        score_old_indicators(old, report, results["old_indicators"], file_misses)
    for layout in layouts + ["all"]:
        r = results[layout]
        r["files"] += 1
        for k, v in meta_counts.items():
            r["meta_" + k] += v
        for k, v in cell_counts.items():
            r[k] += v
    if file_misses:
        misses[str(path.relative_to(ROOT))] = file_misses
    if verbose and file_misses:
        print(f"{path.name}: " + "; ".join(file_misses[:8]) + (" …" if len(file_misses) > 8 else ""))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "real_scores.json"))
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--only", help="score only files whose name contains this")
    ap.add_argument("--disputed", default=str(ROOT / "benchmarks" / "disputed_truth.json"),
                    help="truth items disputed (counted separately; the headline stays on the truth as labelled)")
    args = ap.parse_args(argv)
    index = {}
    for line in (OPENINGS / "index.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            o = json.loads(line)
            index[f"{int(o['id']):03d}" if str(o["id"]).isdigit() else str(o["id"])] = o
    disputed = load_disputed(Path(args.disputed))
    results = defaultdict(lambda: defaultdict(int))
    misses: dict = {}
    jobs = []
    for t in sorted((OPENINGS / "truth").glob("*.json")):
        jobs.append((OPENINGS / json.loads(t.read_text(encoding="utf-8"))["file"], t, "openings"))
    for t in sorted((REAL / "truth").glob("*.json")):
        jobs.append((REAL / "files" / json.loads(t.read_text(encoding="utf-8"))["file"], t, "real"))
    for src, t, corpus in jobs:
        if args.only and args.only not in src.name:
            continue
        truth = json.loads(t.read_text(encoding="utf-8"))
        score_file(src, truth, index, results, misses, not args.quiet, disputed)
        results[f"corpus:{corpus}"]["files"] += 0  # make the row exist
    table = {}
    for layout, r in sorted(results.items()):
        cells = r["correct"] + r["wrong"] + r["null_warned"] + r["null_silent"]
        meta = r["meta_right"] + r["meta_wrong"]
        table[layout] = {
            "files": r["files"], "cells": cells, "correct": r["correct"], "wrong": r["wrong"],
            "null_warned": r["null_warned"], "null_silent": r["null_silent"],
            "cell_accuracy": round(r["correct"] / cells, 4) if cells else None,
            "metadata": meta, "metadata_accuracy": round(r["meta_right"] / meta, 4) if meta else None,
            "metadata_misses_disputed": r["meta_disputed"],
        }
    print(f"\n{'layout':<16}{'files':>6}{'cells':>7}{'right':>7}{'wrong':>7}{'null+w':>7}{'null':>6}{'acc':>8}"
          f"{'meta':>6}{'acc':>8}{'disp':>6}")
    for layout, r in table.items():
        if not r["files"]:
            continue
        ca = f"{r['cell_accuracy']:.3f}" if r["cell_accuracy"] is not None else "-"
        ma = f"{r['metadata_accuracy']:.3f}" if r["metadata_accuracy"] is not None else "-"
        print(f"{layout:<16}{r['files']:>6}{r['cells']:>7}{r['correct']:>7}{r['wrong']:>7}{r['null_warned']:>7}"
              f"{r['null_silent']:>6}{ca:>8}{r['metadata']:>6}{ma:>8}{r['metadata_misses_disputed']:>6}")
    if not args.only:
        Path(args.out).write_text(json.dumps({"layouts": {k: v for k, v in table.items() if v["files"]},
                                              "misses": misses}, ensure_ascii=False, indent=1) + "\n",
                                  encoding="utf-8")
    return table


if __name__ == "__main__":
    main()
