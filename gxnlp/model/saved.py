"""Export: Report → the spec's JSON shape, JSON Lines, and pandas DataFrames.

The only module that knows the output shapes; stages never build JSON.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Optional

from gxnlp import rules
from gxnlp.model.core import Cell, Report, Table




def values(cells: Optional[list[Cell]]) -> Optional[list]:
    return None if cells is None else [c.value for c in cells]


def table_to_dict(table: Optional[Table]):
    if table is None:
        return None
    if table.key == "table2":
        spec = rules.load("table_rows")["table2"]["rows_2019" if table.template == "2019" else "rows_2021"]
        out: dict = {"format": table.template}
        for key, cells in table.rows.items():
            fields = list(spec[key]["fields"])
            if fields == [""]:
                out[key] = None if cells is None else cells[0].value
            else:
                out[key] = None if cells is None else {f: c.value for f, c in zip(fields, cells)}
        return out
    return {key: values(cells) for key, cells in table.rows.items()}


def table_provenance(table: Optional[Table]):
    if table is None:
        return None
    return {key: None if cells is None else [{"raw": c.raw, **({"loc": c.loc.to_dict()} if c.loc else {})}
                                             for c in cells]
            for key, cells in table.rows.items()}


def report_to_dict(report: Report, *, provenance: bool = True) -> dict:
    out = {
        "source": report.source,
        "format": report.format,
        "title": report.meta.title,
        "agency": report.meta.agency,
        "year": report.meta.year,
        "level": report.meta.level,
        "sections": {k: (s.text if s is not None else None) for k, s in report.sections.items()},
        "tables": {k: table_to_dict(t) for k, t in report.tables.items()},
        "checks": [asdict(c) for c in report.checks],
        "claims": [claim_dict(c) for c in report.claims],
        "sums": [{"total": b.total, "parts": b.parts, "status": b.status, "text": b.text} for b in report.sums],
        "sentences": [{"text": s.text, "section": s.section, "labels": [lab for lab, _ in s.labels],
                       "scores": {lab: round(p, 3) for lab, p in s.labels}} for s in report.sentences
                      if not s.heading],
        "warnings": list(report.warnings),
    }
    if provenance:
        out["provenance"] = {
            "tables": {k: table_provenance(t) for k, t in report.tables.items()},
            "anchors": {k: dict(t.anchors) for k, t in report.tables.items() if t is not None},
            "sections": {k: {"heading": s.heading, "number": s.number, "line": s.start + 1}
                         for k, s in report.sections.items() if s is not None},
        }
    return out


def claim_dict(c) -> dict:
    return {"text": c.text, "metric": c.metric, "value": c.value, "unit": c.unit, "approx": c.approx,
            "qualifier": c.qualifier, "section": c.section, "span": list(c.span), "table_value": c.table_value,
            "status": c.status, "cells": list(c.cells)}


def to_json(report: Report, **kwargs) -> str:
    return json.dumps(report_to_dict(report, **kwargs), ensure_ascii=False)


# --- pandas --------------------------------------------------------------------------------

def table3_frame(report: Report):
    import pandas as pd

    table = report.tables.get("table3")
    labels = rules.load("labels")
    rows = []
    for key in rules.TABLE3_ROWS:
        cells = table.rows.get(key) if table is not None else None
        rows.append([key, labels["table3_rows"][key]] + (values(cells) or [None] * 7))
    frame = pd.DataFrame(rows, columns=["row", "label_zh", *rules.TABLE3_COLUMNS])
    frame = frame.set_index("row")
    frame.attrs["columns_zh"] = dict(labels["table3_columns"])
    return frame


def table4_frame(report: Report):
    import pandas as pd

    table = report.tables.get("table4")
    labels = rules.load("labels")
    rows = []
    for key in rules.TABLE4_GROUPS:
        cells = table.rows.get(key) if table is not None else None
        rows.append([key, labels["table4_groups"][key]] + (values(cells) or [None] * 5))
    frame = pd.DataFrame(rows, columns=["group", "label_zh", *rules.TABLE4_COLUMNS]).set_index("group")
    frame.attrs["columns_zh"] = dict(labels["table4_columns"])
    return frame


def claims_frame(report: Report):
    import pandas as pd

    return pd.DataFrame([claim_dict(c) for c in report.claims],
                        columns=["text", "metric", "value", "unit", "approx", "qualifier", "section", "span",
                                 "table_value", "status", "cells"])


def sentences_frame(report: Report):
    import pandas as pd

    rows = [{"text": s.text, "section": s.section, "start": s.span[0], "end": s.span[1],
             "labels": [lab for lab, _ in s.labels]} for s in report.sentences if not s.heading]
    return pd.DataFrame(rows, columns=["text", "section", "start", "end", "labels"])
