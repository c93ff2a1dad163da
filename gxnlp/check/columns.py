"""Misfiled columns of table 三: a diagnosis of the arithmetic, never a repair.

* `t3_misfiled_column` — two applicant columns off by +n and −n in the same equation while the
  总计 column balances: one application counted under one applicant type in some rows and under
  another in others (pingtan_zrz_2021: 2 requests under 社会公益组织 in the result rows, all 18
  under 自然人 in （七）总计).
* `t3_other_folded` — a 2021-template table that prints （六）其他处理 as one row without its three
  sub-items (hongze 2023/2024): a notice, the sums still hold.
"""
from __future__ import annotations

from typing import Optional

from gxnlp import rules
from gxnlp.check.report import RESULT_ROWS_2019, RESULT_ROWS_2021
from gxnlp.model.core import Check, Table

APPLICANTS = rules.TABLE3_COLUMNS[:6]


def cell(table: Table, row: str, col: int) -> Optional[float]:
    cells = table.rows.get(row)
    return None if cells is None else cells[col].value


def residuals(table3: Table) -> dict[str, list[Optional[float]]]:
    """Per equation, per column: left − right (None when a side is wholly blank)."""
    results = RESULT_ROWS_2019 if table3.rows.get("other_processing") is not None else RESULT_ROWS_2021

    def side(rows, c):
        vals = [cell(table3, r, c) for r in rows]
        return None if all(v is None for v in vals) else sum(v or 0 for v in vals)

    out = {"results": [], "balance": []}
    for c in range(7):
        a, b = side(("total_processed",), c), side(results, c)
        out["results"].append(None if a is None or b is None else a - b)
        a, b = side(("new_received", "carried_over"), c), side(("total_processed", "carried_forward"), c)
        out["balance"].append(None if a is None or b is None else a - b)
    return out


EQUATIONS = {"results": "total_processed − the result rows",
             "balance": "new_received + carried_over − total_processed − carried_forward"}


def t3_misfiled_column(table3: Optional[Table]) -> Check:
    if table3 is None:
        return Check("t3_misfiled_column", "unverifiable", "table3 is missing", [])
    found, cells, checked = [], [], False
    for eq, res in residuals(table3).items():
        if res[6] is None or any(r is None for r in res[:6]):
            continue
        checked = True
        off = [(i, r) for i, r in enumerate(res[:6]) if abs(r) > 1e-9]
        if abs(res[6]) < 1e-9 and len(off) == 2 and abs(off[0][1] + off[1][1]) < 1e-9:
            (i, x), (j, y) = off
            found.append(f"{EQUATIONS[eq]}: {APPLICANTS[i]} {x:+g}, {APPLICANTS[j]} {y:+g} while the total column "
                         f"balances — {abs(x):g} application(s) filed under {APPLICANTS[i] if x > 0 else APPLICANTS[j]}"
                         f" in one part of the table and under {APPLICANTS[j] if x > 0 else APPLICANTS[i]} in another")
            cells += [f"table3.total_processed.{APPLICANTS[i]}", f"table3.total_processed.{APPLICANTS[j]}"]
    if found:
        return Check("t3_misfiled_column", "fail", "; ".join(found), list(dict.fromkeys(cells)), "source")
    if checked:
        return Check("t3_misfiled_column", "pass", "no pair of applicant columns off by +n/−n", [])
    return Check("t3_misfiled_column", "unverifiable", "table3 has blank cells in the equations", [])


def t3_other_folded(table3: Optional[Table], template: Optional[str]) -> Check:
    if table3 is None:
        return Check("t3_other_folded", "unverifiable", "table3 is missing", [])
    folded = table3.rows.get("other_processing") is not None
    form = template or table3.template  # the report as a whole: table3 alone reads as 2019 when folded
    if folded and form == "2021":
        return Check("t3_other_folded", "notice",
                     "a 2021-template table prints item (6) other processing as one row (other_processing) without its "
                     "three sub-items; the sub-item counts are not published", ["table3.other_processing"], "source")
    return Check("t3_other_folded", "pass", "other processing printed as the template asks", [])


def column_checks(tables: dict, template: Optional[str] = None) -> list[Check]:
    return [t3_misfiled_column(tables.get("table3")), t3_other_folded(tables.get("table3"), template)]
