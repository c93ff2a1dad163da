"""Checks: one function per spec check id, each returning a Check.

The blank-cell rule of the spec: an equation is checked when its total is a number
and at least one addend is; blank addends then count as 0 (and `detail` says so).
A blank total, or all addends blank, leaves the equation unverifiable.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from gxnlp import rules
from gxnlp.model.core import Check, Section, Table

RESULT_ROWS_2021 = rules.TABLE3_ROWS[2:23]
RESULT_ROWS_2019 = RESULT_ROWS_2021[:-3] + ("other_processing",)


@dataclass(frozen=True)
class Term:
    name: str  # e.g. "table3.granted.total"
    value: Optional[float]


@dataclass(frozen=True)
class Equation:
    """left terms = right terms; `label` says which equation in plain words."""

    label: str
    left: tuple[Term, ...]
    right: tuple[Term, ...]

    def status(self) -> str:
        if any(t.value is not None for t in self.left) and any(t.value is not None for t in self.right):
            return "pass" if abs(total(self.left) - total(self.right)) < 1e-6 else "fail"
        return "unverifiable"

    def describe(self) -> str:
        lhs, rhs = total(self.left), total(self.right)
        blanks = [t.name for t in self.left + self.right if t.value is None]
        text = f"{self.label}: {side(self.left)} but {side(self.right)} (difference {fmt(lhs - rhs)})"
        if blanks:
            text += f"; blank cells counted as 0: {', '.join(blanks)}"
        return text

    @property
    def cells(self) -> list[str]:
        return [t.name for t in self.left + self.right]


def total(terms) -> float:
    return sum(t.value or 0 for t in terms)


def fmt(x: float) -> str:
    return f"{x:g}"


def side(terms) -> str:
    if len(terms) == 1:
        return f"{terms[0].name} = {fmt(terms[0].value) if terms[0].value is not None else 'blank'}"
    return " + ".join(fmt(t.value) if t.value is not None else "blank" for t in terms) + f" = {fmt(total(terms))}"


def summarise(check_id: str, equations: list[Equation], nothing: str) -> Check:
    statuses = [e.status() for e in equations]
    failed = [e for e, s in zip(equations, statuses) if s == "fail"]
    if failed:
        cells = [c for e in failed for c in e.cells]
        return Check(check_id, "fail", "; ".join(e.describe() for e in failed), list(dict.fromkeys(cells)))
    checked = statuses.count("pass")
    if checked:
        skipped = statuses.count("unverifiable")
        detail = f"{checked} equations hold" + (f"; {skipped} unverifiable (blank cells)" if skipped else "")
        return Check(check_id, "pass", detail, [])
    return Check(check_id, "unverifiable", nothing, [])


def value(table: Optional[Table], row: str, col: int) -> Optional[float]:
    if table is None or table.rows.get(row) is None:
        return None
    return table.rows[row][col].value


def term3(table: Optional[Table], row: str, col: int) -> Term:
    return Term(f"table3.{row}.{rules.TABLE3_COLUMNS[col]}", value(table, row, col))


def t3_row_totals(table3: Optional[Table]) -> Check:
    equations = []
    if table3 is not None:
        for row, cells in table3.rows.items():
            if cells is None:
                continue
            equations.append(Equation(f"row {row}", (term3(table3, row, 6),),
                                      tuple(term3(table3, row, c) for c in range(6))))
    return summarise("t3_row_totals", equations, "table3 is missing or has no rows")


def result_rows(table3: Table) -> tuple[str, ...]:
    return RESULT_ROWS_2019 if table3.rows.get("other_processing") is not None else RESULT_ROWS_2021


def t3_results_total(table3: Optional[Table]) -> Check:
    equations = []
    if table3 is not None:
        rows = result_rows(table3)
        for c, col in enumerate(rules.TABLE3_COLUMNS):
            equations.append(Equation(f"column {col}", (term3(table3, "total_processed", c),),
                                      tuple(term3(table3, r, c) for r in rows)))
    return summarise("t3_results_total", equations, "table3's total row or its result rows are missing")


def t3_balance(table3: Optional[Table]) -> Check:
    equations = []
    if table3 is not None:
        for c, col in enumerate(rules.TABLE3_COLUMNS):
            equations.append(Equation(
                f"column {col} (new + carried over = processed + carried forward)",
                (term3(table3, "new_received", c), term3(table3, "carried_over", c)),
                (term3(table3, "total_processed", c), term3(table3, "carried_forward", c))))
    return summarise("t3_balance", equations, "table3's received or processed rows are missing")


def t4_totals(table4: Optional[Table]) -> Check:
    equations = []
    if table4 is not None:
        for group, cells in table4.rows.items():
            if cells is None:
                continue
            names = [f"table4.{group}.{c}" for c in rules.TABLE4_COLUMNS]
            terms = [Term(n, cell.value) for n, cell in zip(names, cells)]
            equations.append(Equation(f"{group}", (terms[4],), tuple(terms[:4])))
    return summarise("t4_totals", equations, "table4 is missing")


def sections_complete(sections: dict[str, Optional[Section]]) -> Check:
    present = [s for s in sections.values() if s is not None]
    missing = [k for k, s in sections.items() if s is None]
    order = [s.key for s in sorted(present, key=lambda s: s.start)]
    expected = [k for k in rules.SECTION_KEYS if k in order]
    problems = []
    if missing:
        problems.append(f"missing: {', '.join(missing)}")
    if order != expected:
        problems.append(f"out of order: {' → '.join(order)}")
    if problems:
        return Check("sections_complete", "fail", "; ".join(problems), [f"sections.{k}" for k in missing])
    return Check("sections_complete", "pass", "all six sections present and in order", [])


def tables_complete(tables: dict[str, Optional[Table]]) -> Check:
    missing = [name for name in ("table2", "table3", "table4") if tables.get(name) is None]
    cells = list(missing)
    table3 = tables.get("table3")
    if table3 is not None:
        expected = result_rows(table3) + ("new_received", "carried_over", "total_processed", "carried_forward")
        cells += [f"table3.{r}" for r in rules.TABLE3_ROWS if r in expected and table3.rows.get(r) is None]
    for name in ("table2", "table4"):
        table = tables.get(name)
        if table is not None:
            cells += [f"{name}.{r}" for r, v in table.rows.items() if v is None]
    if cells:
        return Check("tables_complete", "fail", f"missing: {', '.join(cells)}", cells)
    return Check("tables_complete", "pass", "all three tables present with every row", [])


def table_checks(sections, tables) -> list[Check]:
    return [
        t3_row_totals(tables.get("table3")),
        t3_results_total(tables.get("table3")),
        t3_balance(tables.get("table3")),
        t4_totals(tables.get("table4")),
        sections_complete(sections),
        tables_complete(tables),
    ]


# --- report-level checks beyond arithmetic ---------------------------------------------------

SECTION_NUMERALS = dict(zip(rules.SECTION_KEYS, rules.load("sections")["numerals"]))


def year_consistent(year_sources: dict) -> Check:
    """The year of the title, of the statistics period and of the narrative should be one year."""
    stated = {k: v for k, v in year_sources.items() if v is not None}
    if len(stated) < 2:
        return Check("year_consistent", "unverifiable", f"only {', '.join(stated) or 'no source'} states the year", [])
    if len(set(stated.values())) == 1:
        return Check("year_consistent", "pass", f"{', '.join(stated)} agree on {next(iter(stated.values()))}", [])
    detail = "; ".join(f"{k} says {v}" for k, v in stated.items())
    return Check("year_consistent", "fail", detail, [f"meta.year.{k.replace(' ', '_')}" for k in stated])


def section_numbering(sections: dict[str, Optional[Section]]) -> Check:
    """Headings carry the template's numerals: a "六、存在的主要问题" or a missing 四 is reported."""
    problems, cells = [], []
    for key, section in sections.items():
        if section is None:
            problems.append(f"{SECTION_NUMERALS[key]}、 ({key}) is missing")
            cells.append(f"sections.{key}")
        elif section.number and section.number != SECTION_NUMERALS[key] and not section.number.isdigit():
            problems.append(f"«{section.heading}» is numbered {section.number} where the template has "
                            f"{SECTION_NUMERALS[key]}")
            cells.append(f"sections.{key}")
        elif section.number and section.number.isdigit() and int(section.number) != rules.SECTION_KEYS.index(key) + 1:
            problems.append(f"«{section.heading}» is numbered {section.number} where the template has "
                            f"{rules.SECTION_KEYS.index(key) + 1}")
            cells.append(f"sections.{key}")
    if problems:
        return Check("section_numbering", "fail", "; ".join(problems), cells)
    return Check("section_numbering", "pass", "sections numbered as in the template", [])


def sections_empty(sections: dict[str, Optional[Section]]) -> Check:
    empty = [k for k, s in sections.items() if s is not None and not s.text.strip()]
    if empty:
        return Check("sections_empty", "fail", f"heading with no text: {', '.join(empty)}",
                     [f"sections.{k}" for k in empty])
    if all(s is None for s in sections.values()):
        return Check("sections_empty", "unverifiable", "no section found", [])
    return Check("sections_empty", "pass", "every section present has text", [])


def blank_cells(tables: dict[str, Optional[Table]]) -> Check:
    """Blank cells where the template asks for a number (0 when there is nothing to report)."""
    blank, slash, cells = 0, 0, []
    for name, table in tables.items():
        if table is None:
            continue
        for key, row in table.rows.items():
            for i, cell in enumerate(row or []):
                if cell.note and cell.note.startswith("unread"):
                    continue  # not read (an unconfirmed digit run), which is not a printed blank
                if cell.value is None and cell.loc is not None:
                    printed = cell.raw.strip()
                    slash += printed != ""
                    blank += printed == ""
                    column = rules.TABLE3_COLUMNS[i] if name == "table3" else (
                        rules.TABLE4_COLUMNS[i] if name == "table4" else str(i))
                    cells.append(f"{name}.{key}.{column}")
    if not cells:
        if all(t is None for t in tables.values()):
            return Check("blank_cells", "unverifiable", "no table", [])
        return Check("blank_cells", "pass", "every printed cell holds a number", [])
    return Check("blank_cells", "fail", f"{blank} empty cells and {slash} cells marked as blank (/, -, — and the like)", cells)


def fees_consistent(sections: dict[str, Optional[Section]], claims, fee_rules) -> Check:
    """Information-processing fees stated anywhere agree with section 六 (its required statement)."""
    none_words = fee_rules["none_words"]
    fee_claims = [c for c in claims if c.metric == "fee" and any(w in c.text for w in fee_rules["words"])]
    other = sections.get("other")
    other_text = other.text if other is not None else ""
    says_none = any(w in other_text for w in none_words)
    collected = [c for c in fee_claims if c.value > 0]
    in_six = [c for c in collected if c.section == "other"]
    elsewhere = [c for c in collected if c.section != "other"]
    if elsewhere and says_none and not in_six:
        c = elsewhere[0]
        return Check("fees_consistent", "fail",
                     f"section {c.section} says «{c.text}» but section {SECTION_NUMERALS['other']} says no "
                     "information-processing fee was "
                     f"collected", [f"sections.{c.section}", "sections.other"])
    if elsewhere and in_six and {round(c.value, 4) for c in elsewhere} != {round(c.value, 4) for c in in_six}:
        return Check("fees_consistent", "fail",
                     f"«{elsewhere[0].text}» ≠ «{in_six[0].text}» in section {SECTION_NUMERALS['other']}",
                     [f"sections.{elsewhere[0].section}", "sections.other"])
    if fee_claims or says_none:
        return Check("fees_consistent", "pass", "fee statements agree", [])
    return Check("fees_consistent", "unverifiable", "no statement on information-processing fees", [])


def report_checks(meta, sections, tables, claims) -> list[Check]:
    return [
        year_consistent(meta.year_sources),
        section_numbering(sections),
        sections_empty(sections),
        blank_cells(tables),
        fees_consistent(sections, claims, rules.load("metrics")["fees"]),
    ]
