#!/usr/bin/env python3
"""Validate the real-corpus truth files (stdlib only).

Checks, for every truth/*.json:
  * required keys and allowed values (level, template, layout);
  * the source file exists in files/ and is listed in manifest.jsonl;
  * table shapes: table2 in the 2021 or 2019 shape (format key must match),
    table3 with 25 rows (+ other_processing) of 7 cells, table4 groups of 5 cells,
    old_indicator_table rows {indicator, unit, year_value, cumulative};
  * every cell is a number or null;
  * checks_expected has the four check ids and agrees with the arithmetic of the
    labelled values under the spec's blank-cell rules (report-model.md, "Checks").

Usage:  python3 validate.py [-v]      exit status 0 when clean.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TRUTH = os.path.join(HERE, "truth")
FILES = os.path.join(HERE, "files")
MANIFEST = os.path.join(HERE, "manifest.jsonl")

REQUIRED = ["file", "agency", "year", "level", "template", "title",
            "table2", "table3", "table4", "checks_expected", "layout", "notes"]
LEVELS = {"province", "city", "county", "township", "department"}
TEMPLATES = {"2021", "2019", "pre2019"}
LAYOUTS = {"pipe", "one_per_line", "space_separated", "run_together",
           "pdf_split", "html_table", "pre2019"}
CHECK_IDS = ["t3_row_totals", "t3_results_total", "t3_balance", "t4_totals"]
STATUSES = {"pass", "fail", "unverifiable"}

T3_ROWS = ["new_received", "carried_over", "granted", "partially_granted",
           "denied_state_secret", "denied_prohibited_by_law", "denied_three_safeties",
           "denied_third_party", "denied_internal_affairs", "denied_process_info",
           "denied_enforcement_file", "denied_admin_query",
           "unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear",
           "rejected_petition", "rejected_duplicate", "rejected_publication",
           "rejected_excessive", "rejected_confirmation",
           "other_no_correction", "other_no_fee", "other_other",
           "total_processed", "carried_forward"]
OTHER3 = ["other_no_correction", "other_no_fee", "other_other"]
RESULT_ROWS = T3_ROWS[2:20] + OTHER3 + ["other_processing"]
T4_GROUPS = ["review", "litigation_direct", "litigation_after_review"]

T2_2021 = {"format", "regulations", "normative_documents", "licensing", "penalty",
           "coercion", "fees_10k_yuan"}
T2_2019 = {"format", "regulations", "normative_documents", "licensing", "other_services",
           "penalty", "coercion", "fees", "procurement"}
DOC21 = {"issued", "repealed", "in_force"}
DOC19 = {"made", "published", "total_public"}
ITEMS19 = {"items_last_year", "change", "decisions"}


def is_cell(v):
    return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))


class Report:
    def __init__(self, name):
        self.name = name
        self.errors = []

    def err(self, msg):
        self.errors.append(f"{self.name}: {msg}")


# ---------------------------------------------------------------- arithmetic
def equation(total, addends):
    """-> 'pass' | 'fail' | None (unverifiable) under the blank-cell rules."""
    if total is None or all(a is None for a in addends):
        return None
    s = sum(a for a in addends if a is not None)
    return "pass" if abs(s - total) < 1e-9 else "fail"


def combine(results):
    if "fail" in results:
        return "fail"
    if "pass" in results:
        return "pass"
    return "unverifiable"


def compute_checks(d):
    t3, t4 = d.get("table3"), d.get("table4")
    out = {}
    if not t3:
        out["t3_row_totals"] = out["t3_results_total"] = out["t3_balance"] = "unverifiable"
    else:
        rows = [v for v in t3.values() if isinstance(v, list)]
        out["t3_row_totals"] = combine([equation(r[6], r[:6]) for r in rows])
        res = []
        tp = t3.get("total_processed")
        for c in range(7):
            adds = [t3[k][c] for k in RESULT_ROWS if isinstance(t3.get(k), list)]
            res.append(equation(tp[c] if tp else None, adds))
        out["t3_results_total"] = combine(res)
        bal = []
        nr, co, fw = t3.get("new_received"), t3.get("carried_over"), t3.get("carried_forward")
        for c in range(7):
            lhs = [x[c] for x in (nr, co) if x]
            rhs = [x[c] for x in (tp, fw) if x]
            if all(v is None for v in lhs) or all(v is None for v in rhs):
                bal.append(None)
                continue
            diff = sum(v for v in lhs if v is not None) - sum(v for v in rhs if v is not None)
            bal.append("pass" if abs(diff) < 1e-9 else "fail")
        out["t3_balance"] = combine(bal)
    if not t4:
        out["t4_totals"] = "unverifiable"
    else:
        out["t4_totals"] = combine([equation(g[4], g[:4]) for g in t4.values() if isinstance(g, list)])
    return out


# ---------------------------------------------------------------- shapes
def check_table2(rep, t2, template):
    if t2 is None:
        return
    if not isinstance(t2, dict):
        return rep.err("table2 is not an object")
    fmt = t2.get("format")
    if fmt == "2021":
        if set(t2) != T2_2021:
            rep.err(f"table2 2021 keys {sorted(set(t2) ^ T2_2021)}")
        for k in ("regulations", "normative_documents"):
            if not isinstance(t2.get(k), dict) or set(t2[k]) != DOC21:
                rep.err(f"table2.{k} must have {sorted(DOC21)}")
            elif not all(is_cell(v) for v in t2[k].values()):
                rep.err(f"table2.{k} has a non-numeric cell")
        for k in ("licensing", "penalty", "coercion", "fees_10k_yuan"):
            if not is_cell(t2.get(k)):
                rep.err(f"table2.{k} not a number/null")
    elif fmt == "2019":
        if set(t2) != T2_2019:
            rep.err(f"table2 2019 keys {sorted(set(t2) ^ T2_2019)}")
        shapes = {"regulations": DOC19, "normative_documents": DOC19, "licensing": ITEMS19,
                  "other_services": ITEMS19, "penalty": ITEMS19, "coercion": ITEMS19,
                  "fees": {"items_last_year", "change"},
                  "procurement": {"items", "amount_10k_yuan"}}
        for k, keys in shapes.items():
            v = t2.get(k)
            if not isinstance(v, dict) or set(v) != keys:
                rep.err(f"table2.{k} must have {sorted(keys)}")
            elif not all(is_cell(x) for x in v.values()):
                rep.err(f"table2.{k} has a non-numeric cell")
    else:
        rep.err(f"table2.format {fmt!r}")
    if template in ("2021", "2019") and fmt != template:
        rep.err(f"table2.format {fmt} != template {template}")


def check_table3(rep, t3, template, partial):
    if t3 is None:
        return
    if not isinstance(t3, dict):
        return rep.err("table3 is not an object")
    extra = set(t3) - set(T3_ROWS) - {"other_processing"}
    if extra:
        rep.err(f"table3 unknown rows {sorted(extra)}")
    for k in T3_ROWS:
        if k not in t3:
            rep.err(f"table3 missing row {k}")
    for k, v in t3.items():
        if v is None:
            continue
        if not isinstance(v, list) or len(v) != 7 or not all(is_cell(x) for x in v):
            rep.err(f"table3.{k} must be a list of 7 numbers/nulls")
    single = isinstance(t3.get("other_processing"), list)
    split = any(isinstance(t3.get(k), list) for k in OTHER3)
    if single and split:
        rep.err("table3 has both other_processing and other_* rows")
    if template == "2019" and not single:
        rep.err("2019-template table3 needs other_processing (7 values)")
    if template == "2019" and split:
        rep.err("2019-template table3: other_* rows must be null")
    if not partial:
        for k in T3_ROWS:
            if k in OTHER3:
                continue
            if t3.get(k) is None:
                rep.err(f"table3.{k} is null in a non-partial report")
        if not single and not all(isinstance(t3.get(k), list) for k in OTHER3):
            rep.err("table3 lacks both other_processing and the other_* rows")


def check_table4(rep, t4):
    if t4 is None:
        return
    if not isinstance(t4, dict) or set(t4) != set(T4_GROUPS):
        return rep.err(f"table4 keys must be {T4_GROUPS}")
    for k, v in t4.items():
        if v is None:
            continue
        if not isinstance(v, list) or len(v) != 5 or not all(is_cell(x) for x in v):
            rep.err(f"table4.{k} must be a list of 5 numbers/nulls")


def check_old(rep, rows):
    if not isinstance(rows, list) or not rows:
        return rep.err("old_indicator_table must be a non-empty list")
    for i, r in enumerate(rows):
        if not isinstance(r, dict) or set(r) != {"indicator", "unit", "year_value", "cumulative"}:
            rep.err(f"old_indicator_table[{i}] keys")
            continue
        if not isinstance(r["indicator"], str) or not isinstance(r["unit"], str):
            rep.err(f"old_indicator_table[{i}] indicator/unit must be strings")
        if not is_cell(r["year_value"]) or not is_cell(r["cumulative"]):
            rep.err(f"old_indicator_table[{i}] values must be numbers/nulls")


def count_cells(d):
    num = null = 0

    def walk(x):
        nonlocal num, null
        if isinstance(x, dict):
            for k, v in x.items():
                if k != "format":
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif x is None:
            null += 1
        elif isinstance(x, (int, float)):
            num += 1

    for k in ("table2", "table3", "table4"):
        t = d.get(k)
        if t is None:
            continue
        if k == "table3":
            # rows that are null by template design (other_* / other_processing) are not cells
            t = {kk: vv for kk, vv in t.items() if vv is not None}
        walk(t)
    rows = d.get("old_indicator_table") or []
    # one-value-column tables (年末统计) have no cumulative column: those are not null cells
    cols = ["year_value"] + (["cumulative"] if any(r["cumulative"] is not None for r in rows) else [])
    for r in rows:
        for k in cols:
            if r[k] is None:
                null += 1
            else:
                num += 1
    return num, null


def validate(path, manifest_files):
    name = os.path.basename(path)
    rep = Report(name)
    try:
        d = json.load(open(path, encoding="utf-8"))
    except Exception as e:  # noqa: BLE001
        rep.err(f"unreadable JSON: {e}")
        return rep, None
    for k in REQUIRED:
        if k not in d:
            rep.err(f"missing key {k}")
    if rep.errors:
        return rep, d
    stem = os.path.splitext(d["file"])[0]
    if stem + ".json" != name:
        rep.err(f"file {d['file']} does not match truth name")
    if not os.path.exists(os.path.join(FILES, d["file"])):
        rep.err(f"files/{d['file']} missing")
    if d["file"] not in manifest_files:
        rep.err(f"{d['file']} not in manifest.jsonl")
    if d["level"] not in LEVELS:
        rep.err(f"level {d['level']!r}")
    if d["template"] not in TEMPLATES:
        rep.err(f"template {d['template']!r}")
    if d["layout"] not in LAYOUTS:
        rep.err(f"layout {d['layout']!r}")
    if not isinstance(d["year"], int):
        rep.err("year must be an int")
    if d["agency"] is not None and not isinstance(d["agency"], str):
        rep.err("agency must be str or null")
    if not isinstance(d["notes"], str) or not d["notes"].strip():
        rep.err("notes must be a non-empty string")
    partial = d.get("partial", False)
    if partial not in (True, False):
        rep.err("partial must be true/false")
    if d["template"] == "pre2019":
        for k in ("table2", "table3", "table4"):
            if d[k] is not None:
                rep.err(f"pre2019 report with {k}")
        if d["layout"] != "pre2019":
            rep.err("pre2019 report must have layout pre2019")
    else:
        if "old_indicator_table" in d:
            rep.err("old_indicator_table only for pre2019 reports")
        for k in ("table2", "table3", "table4"):
            if d[k] is None and not partial:
                rep.err(f"{k} null in a {d['template']} report")
    if "old_indicator_table" in d:
        check_old(rep, d["old_indicator_table"])
    check_table2(rep, d["table2"], d["template"])
    check_table3(rep, d["table3"], d["template"], partial)
    check_table4(rep, d["table4"])
    ce = d["checks_expected"]
    if not isinstance(ce, dict) or set(ce) != set(CHECK_IDS):
        rep.err(f"checks_expected must have exactly {CHECK_IDS}")
    elif not rep.errors:
        got = compute_checks(d)
        for k in CHECK_IDS:
            if ce[k] not in STATUSES:
                rep.err(f"checks_expected.{k} = {ce[k]!r}")
            elif ce[k] != got[k]:
                rep.err(f"checks_expected.{k} = {ce[k]} but the labelled values give {got[k]}")
    return rep, d


def main():
    verbose = "-v" in sys.argv
    manifest_files = set()
    for line in open(MANIFEST, encoding="utf-8"):
        if line.strip():
            manifest_files.add(os.path.basename(json.loads(line)["file"]))
    paths = sorted(os.path.join(TRUTH, f) for f in os.listdir(TRUTH) if f.endswith(".json"))
    errors = []
    tot_num = tot_null = 0
    seen = set()
    for p in paths:
        rep, d = validate(p, manifest_files)
        errors += rep.errors
        if d:
            seen.add(d.get("file"))
            n, z = count_cells(d)
            tot_num += n
            tot_null += z
            if verbose:
                print(f"{os.path.basename(p):38s} {d.get('template'):8s} {d.get('layout'):16s} "
                      f"cells={n:4d} null={z:4d} {d.get('checks_expected')}")
    for f in sorted(manifest_files - seen):
        errors.append(f"no truth file for manifest entry {f}")
    for e in errors:
        print("ERROR", e)
    print(f"{len(paths)} truth files, {tot_num} labelled cells, {tot_null} null cells, "
          f"{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
