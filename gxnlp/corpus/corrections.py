"""Corrections: a reviewer's fixes to published values, applied to a report's saved form on
every store build, logged, and followed by a re-run of the checks they touch."""
from __future__ import annotations

import fnmatch
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from gxnlp import rules
from gxnlp.corpus.layout import ARITHMETIC, META_FIELDS, table2_fields

@dataclass
class Correction:
    no: int
    selector: str
    sha: Optional[str]
    file: Optional[str]
    values: dict
    note: str = ""
    matched: bool = False


def load_corrections(path) -> list[Correction]:
    """Read a corrections YAML: a list of {sha256|source_hash|sha|file, set: {field: value}, note}."""
    import yaml

    from gxnlp.errors import GxnlpError

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as e:
        raise GxnlpError(path, f"cannot read corrections: {e}") from e
    if not isinstance(data, list):
        raise GxnlpError(path, "corrections must be a YAML list of entries")
    out = []
    for n, entry in enumerate(data, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("set"), dict):
            raise GxnlpError(path, f"entry {n}: needs a `set:` mapping")
        sha = next((str(entry[k]).lower() for k in ("sha256", "source_hash", "sha") if entry.get(k)), None)
        file = entry.get("file")
        if not sha and not file:
            raise GxnlpError(path, f"entry {n}: needs `sha256:` (or source_hash/sha) or `file:`")
        if sha and len(sha) < 8:
            raise GxnlpError(path, f"entry {n}: a sha prefix needs at least 8 characters")
        selector = f"sha256={sha}" if sha else f"file={file}"
        out.append(Correction(n, selector, sha, str(file) if file else None, dict(entry["set"]),
                              str(entry.get("note") or "")))
    return out


def correction_matches(c: Correction, report_id: str, paths: list[str]) -> bool:
    if c.sha:
        return report_id.startswith(c.sha)
    for p in paths:
        if c.file in (p, os.path.basename(p)) or os.path.abspath(c.file) == p:
            return True
        if fnmatch.fnmatch(p, c.file) or fnmatch.fnmatch(os.path.basename(p), c.file):
            return True
    return False


def cell_ref(field_name: str) -> Optional[tuple[str, str, Optional[int], Optional[str]]]:
    """'table3.granted.total' → ('table3', 'granted', 6, None); table2 → (…, None, field)."""
    parts = field_name.split(".")
    if len(parts) < 2 or parts[0] not in ("table2", "table3", "table4"):
        return None
    table, row = parts[0], parts[1]
    col = parts[2] if len(parts) > 2 else None
    if table == "table3":
        if row not in rules.TABLE3_ROWS or col not in rules.TABLE3_COLUMNS:
            return None
        return table, row, rules.TABLE3_COLUMNS.index(col), None
    if table == "table4":
        if row not in rules.TABLE4_GROUPS or col not in rules.TABLE4_COLUMNS:
            return None
        return table, row, rules.TABLE4_COLUMNS.index(col), None
    if (row, col or "") not in table2_fields():
        return None
    return table, row, None, col


def apply_corrections(d: dict, report_id: str, paths: list[str], corrections: list[Correction],
                      log: list[dict]) -> set[str]:
    """Apply matching corrections to a report dict in place; returns the corrected cell names."""
    changed: set[str] = set()
    for c in corrections:
        if not correction_matches(c, report_id, paths):
            continue
        c.matched = True
        for key, new in c.values.items():
            entry = {"correction_no": c.no, "selector": c.selector, "report_id": report_id, "source": d["source"],
                     "field": key, "new_value": json.dumps(new, ensure_ascii=False), "note": c.note}
            if key in META_FIELDS:
                old = d.get(key)
                d[key] = int(new) if key == "year" and new is not None else new
                log.append({**entry, "old_value": json.dumps(old, ensure_ascii=False), "status": "applied"})
                continue
            ref = cell_ref(key)
            table = d["tables"].get(ref[0]) if ref else None
            if ref is None:
                log.append({**entry, "old_value": None, "status": "unknown field"})
                continue
            if table is None:
                log.append({**entry, "old_value": None, "status": "table absent"})
                continue
            name, row, idx, f = ref
            new_value = None if new is None else float(new)
            if name == "table2":
                if table.get(row) is None:
                    log.append({**entry, "old_value": None, "status": "row absent"})
                    continue
                if f:
                    old = table[row].get(f)
                    table[row][f] = new_value
                    idx = list(table[row]).index(f)
                else:
                    old, table[row] = table[row], new_value
                    idx = 0
            else:
                if table.get(row) is None:
                    log.append({**entry, "old_value": None, "status": "row absent"})
                    continue
                old = table[row][idx]
                table[row][idx] = new_value
            saved_cells = saved_rows(d, name).get(row)
            if saved_cells is not None and idx < len(saved_cells):
                saved_cells[idx]["value"] = new_value  # the saved form keeps the corrected value with its raw text
            changed.add(key)
            log.append({**entry, "old_value": json.dumps(old), "status": "applied"})
    if changed:
        recompute_checks(d, changed)
    return changed


def table_objects(d: dict) -> dict:
    """Model Tables rebuilt from the JSON shape (values only), to re-run the arithmetic checks."""
    from gxnlp.model.core import Cell, Table

    out = {}
    for name in ("table3", "table4"):
        t = d["tables"].get(name)
        out[name] = None if t is None else Table(name, "", {k: None if v is None else [Cell(x, "") for x in v]
                                                            for k, v in t.items()})
    return out


def recompute_checks(d: dict, changed: set[str]) -> None:
    """After a correction, re-run the arithmetic checks and re-compare claims that read a changed cell."""
    from gxnlp.check import report as checks_module
    from gxnlp.check.claims import agrees, claim_checks
    from gxnlp.model.core import Breakdown, Claim

    tables = table_objects(d)
    fresh = {}
    for cid in ARITHMETIC:
        fn = getattr(checks_module, cid, None)
        if fn is not None:
            fresh[cid] = fn(tables["table4" if cid.startswith("t4") else "table3"])
    claims = []
    for c in d["claims"]:
        if set(c.get("cells") or []) & changed and c.get("table_value") is not None:
            values = [cell_value(d, name) for name in c["cells"]]
            if all(v is None for v in values):
                c["table_value"], c["status"] = None, "unverifiable"
            else:
                c["table_value"] = sum(v or 0 for v in values)
                claim = Claim(c["text"], c["metric"], c["value"], c["unit"], c["approx"], c["qualifier"],
                              c["section"], tuple(c["span"]))
                c["status"] = "consistent" if agrees(claim, c["table_value"]) else "inconsistent"
        claims.append(Claim(c["text"], c["metric"], c["value"], c["unit"], c["approx"], c["qualifier"], c["section"],
                            tuple(c["span"]), c["table_value"], c["status"], list(c.get("cells") or [])))
    sums = [Breakdown(s["total"], list(s["parts"]), s["status"], s["text"]) for s in d["sums"]]
    for check in claim_checks(claims, sums):
        if check.id == "claims_vs_tables":
            fresh[check.id] = check
    for c in d["checks"]:
        if c["id"] in fresh:
            new = fresh[c["id"]]
            c.update(status=new.status, detail=new.detail, cells=list(new.cells), recomputed=True)


def saved_rows(d: dict, table: str) -> dict:
    """row key → saved cells ({value, raw, loc}) of one table in a report's saved form."""
    saved = ((d.get("provenance") or {}).get("tables") or {}).get(table) or {}
    return saved.get("rows") or {}


def cell_value(d: dict, name: str) -> Optional[float]:
    ref = cell_ref(name)
    if ref is None:
        return None
    table = d["tables"].get(ref[0])
    if table is None or table.get(ref[1]) is None:
        return None
    if ref[0] == "table2":
        v = table[ref[1]]
        return v.get(ref[3]) if ref[3] else v
    return table[ref[1]][ref[2]]


