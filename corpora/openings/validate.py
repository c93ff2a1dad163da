#!/usr/bin/env python3
"""Validate the hand-labelled truth for the openings corpus (stdlib only).

Usage:  python3 corpora/openings/validate.py [--quiet]

Checks every truth/NNN.json against the conventions in GUIDE.md and the row
names in the report model (report-model.md): keys, types, enumerations, spec
row keys per table and template, row widths, cell types. It also checks that
the required selection (all has_table_rows openings, all traditional
openings, >= 90 files) is labelled, and prints counts per layout.
Exit status 1 when an error is found; warnings do not fail.
"""
import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
TRUTH = os.path.join(HERE, "truth")
INDEX = os.path.join(HERE, "index.jsonl")

REQUIRED = ["file", "partial", "title", "agency", "year", "level", "template", "layout", "notes"]
OPTIONAL = ["table_rows"]
LEVELS = {"province", "city", "county", "township", "department"}
TEMPLATES = {"2021", "2019", "pre2019"}
LAYOUTS = ["pipe", "one_per_line", "lone_pipe", "space_separated", "glued", "run_together",
           "metadata_only", "traditional", "pre2019"]
TABLE_LAYOUTS = {"pipe", "one_per_line", "lone_pipe", "space_separated", "glued", "run_together"}

# table2 row key -> width, per template
T2 = {
    "2021": {"regulations": 3, "normative_documents": 3, "licensing": 1, "penalty": 1,
             "coercion": 1, "fees_10k_yuan": 1},
    "2019": {"regulations": 3, "normative_documents": 3, "licensing": 3, "other_services": 3,
             "penalty": 3, "coercion": 3, "fees": 2, "procurement": 2},
}
T3_KEYS = [
    "new_received", "carried_over", "granted", "partially_granted",
    "denied_state_secret", "denied_prohibited_by_law", "denied_three_safeties", "denied_third_party",
    "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_admin_query",
    "unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear",
    "rejected_petition", "rejected_duplicate", "rejected_publication", "rejected_excessive",
    "rejected_confirmation", "other_no_correction", "other_no_fee", "other_other",
    "other_processing", "total_processed", "carried_forward",
]
T4_KEYS = ["review", "litigation_direct", "litigation_after_review"]

# Characters that only occur in traditional script (a small, safe sample):
TRAD = set("們來個將這國與為發開關書經過進對區縣鄉鎮廳輔務辦處門網報據條總體況動應環規範資審議複訴"
           "點參數際劃費實現時間讓認說請證議讀貝負責財貨質車軍農運還邊醫陽陰隊雙雲電頁項順類風")


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def load_index():
    idx = {}
    with open(INDEX, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                d = json.loads(line)
                idx[d["id"]] = d
    return idx


def check_rows(fid, template, rows, errors, warnings):
    cells = 0
    if not isinstance(rows, dict) or not rows:
        errors.append(f"{fid}: table_rows must be a non-empty object")
        return 0
    for table, trows in rows.items():
        if table not in ("table2", "table3", "table4"):
            errors.append(f"{fid}: unknown table {table!r}")
            continue
        if not isinstance(trows, dict) or not trows:
            errors.append(f"{fid}: {table} must be a non-empty object")
            continue
        if table == "table2":
            if template not in T2:
                errors.append(f"{fid}: table2 rows need template 2021 or 2019, not {template!r}")
                continue
            widths = T2[template]
        elif table == "table3":
            widths = {k: 7 for k in T3_KEYS}
        else:
            widths = {k: 5 for k in T4_KEYS}
        for key, vals in trows.items():
            if key not in widths:
                errors.append(f"{fid}: {table}.{key} is not a spec row key for template {template}")
                continue
            if not isinstance(vals, list):
                errors.append(f"{fid}: {table}.{key} must be a list")
                continue
            if len(vals) != widths[key]:
                errors.append(f"{fid}: {table}.{key} has {len(vals)} values, expected {widths[key]}")
            for v in vals:
                if v is not None and not is_number(v):
                    errors.append(f"{fid}: {table}.{key} has non-numeric cell {v!r}")
            cells += len(vals)
        if table == "table3":
            if "other_processing" in trows and any(k in trows for k in ("other_no_correction", "other_no_fee", "other_other")):
                errors.append(f"{fid}: table3 mixes other_processing with other_* rows")
            if template == "2021" and "other_processing" in trows:
                warnings.append(f"{fid}: other_processing in a 2021-template table")
            for key, vals in trows.items():
                if isinstance(vals, list) and len(vals) == 7 and all(is_number(v) for v in vals):
                    if abs(sum(vals[:6]) - vals[6]) > 1e-9:
                        warnings.append(f"{fid}: table3.{key} total {vals[6]} != sum {sum(vals[:6])} (kept as printed?)")
        if table == "table4":
            for key, vals in trows.items():
                if isinstance(vals, list) and len(vals) == 5 and all(is_number(v) for v in vals):
                    if abs(sum(vals[:4]) - vals[4]) > 1e-9:
                        warnings.append(f"{fid}: table4.{key} total mismatch")
    return cells


def main():
    quiet = "--quiet" in sys.argv
    errors, warnings = [], []
    idx = load_index()
    files = sorted(f for f in os.listdir(TRUTH) if f.endswith(".json"))
    by_layout, by_level, by_template = Counter(), Counter(), Counter()
    cells_total, rows_total = 0, 0
    labelled = set()
    for name in files:
        fid = name[:-5]
        path = os.path.join(TRUTH, name)
        try:
            with open(path, encoding="utf-8") as f:
                d = json.load(f)
        except ValueError as e:
            errors.append(f"{fid}: invalid JSON: {e}")
            continue
        labelled.add(fid)
        for k in REQUIRED:
            if k not in d:
                errors.append(f"{fid}: missing key {k!r}")
        for k in d:
            if k not in REQUIRED and k not in OPTIONAL:
                errors.append(f"{fid}: unknown key {k!r}")
        if d.get("file") != f"{fid}.txt":
            errors.append(f"{fid}: file should be {fid}.txt, got {d.get('file')!r}")
        if not os.path.exists(os.path.join(HERE, f"{fid}.txt")):
            errors.append(f"{fid}: opening {fid}.txt not found next to truth/")
        if fid not in idx:
            errors.append(f"{fid}: id not in index.jsonl")
        if d.get("partial") is not True:
            errors.append(f"{fid}: partial must be true (openings are excerpts)")
        for k in ("title", "agency"):
            v = d.get(k)
            if v is not None:
                if not isinstance(v, str) or not v:
                    errors.append(f"{fid}: {k} must be a non-empty string or null")
                elif re.search(r"\s", v):
                    errors.append(f"{fid}: {k} contains whitespace (normalise it): {v!r}")
                elif set(v) & TRAD:
                    errors.append(f"{fid}: {k} contains traditional characters {sorted(set(v) & TRAD)}: {v!r}")
        y = d.get("year")
        if y is not None and not (isinstance(y, int) and not isinstance(y, bool) and 2000 <= y <= 2030):
            errors.append(f"{fid}: year must be an int 2000-2030 or null, got {y!r}")
        if d.get("level") not in LEVELS:
            errors.append(f"{fid}: level {d.get('level')!r} not in {sorted(LEVELS)}")
        tpl = d.get("template")
        if tpl not in TEMPLATES:
            errors.append(f"{fid}: template {tpl!r} not in {sorted(TEMPLATES)}")
        if isinstance(y, int) and tpl in TEMPLATES:
            expect = "pre2019" if y <= 2018 else ("2019" if y <= 2020 else "2021")
            if expect != tpl:
                warnings.append(f"{fid}: template {tpl} differs from the year rule ({y} -> {expect}); notes should say why")
        lay = d.get("layout")
        if lay not in LAYOUTS:
            errors.append(f"{fid}: layout {lay!r} not in {LAYOUTS}")
        if not isinstance(d.get("notes"), str) or not d.get("notes").strip():
            errors.append(f"{fid}: notes must be a non-empty string")
        rows = d.get("table_rows")
        if rows is not None:
            cells_total += check_rows(fid, tpl, rows, errors, warnings)
            rows_total += sum(len(t) for t in rows.values() if isinstance(t, dict))
            if lay not in TABLE_LAYOUTS:
                errors.append(f"{fid}: has table_rows but layout {lay!r} is not a table serialisation")
        elif lay in ("pipe", "one_per_line", "lone_pipe", "space_separated", "glued"):
            errors.append(f"{fid}: layout {lay!r} needs table_rows")
        meta = idx.get(fid, {})
        if meta.get("has_table_rows") and rows is None:
            errors.append(f"{fid}: index says has_table_rows but no table_rows labelled")
        if meta and not meta.get("has_table_rows") and rows is not None:
            warnings.append(f"{fid}: table_rows labelled although index has_table_rows is false")
        by_layout[lay] += 1
        by_level[d.get("level")] += 1
        by_template[tpl] += 1

    need_tables = {i for i, m in idx.items() if m.get("has_table_rows")}
    need_trad = {i for i, m in idx.items() if m.get("traditional")}
    for i in sorted(need_tables - labelled):
        errors.append(f"{i}: has_table_rows opening not labelled")
    for i in sorted(need_trad - labelled):
        errors.append(f"{i}: traditional opening not labelled")
    if len(labelled) < 90:
        errors.append(f"only {len(labelled)} openings labelled (need >= 90)")
    missing_txt = [i for i in idx if not os.path.exists(os.path.join(HERE, f"{i}.txt"))]
    if missing_txt:
        errors.append(f"openings missing from this directory: {missing_txt[:10]}")

    print(f"labelled: {len(labelled)} of {len(idx)} openings")
    print("per layout:")
    for lay in LAYOUTS:
        print(f"  {lay:16s} {by_layout.get(lay, 0)}")
    print("per level:    " + ", ".join(f"{k}: {v}" for k, v in sorted(by_level.items())))
    print("per template: " + ", ".join(f"{k}: {v}" for k, v in sorted(by_template.items())))
    print(f"table rows labelled: {rows_total}; table cells labelled: {cells_total}")
    if warnings and not quiet:
        print(f"warnings ({len(warnings)}):")
        for w in warnings:
            print("  " + w)
    if errors:
        print(f"ERRORS ({len(errors)}):")
        for e in errors:
            print("  " + e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
