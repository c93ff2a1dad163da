"""pandas views of a Report, with nullable dtypes; pandas is imported only here.

Counts are `Int64` (a column that holds a fraction is `Float64`), text is `string`, flags are
`boolean`; a missing value is `<NA>` in every column, never None or NaN in an object column.
Takes any Report (duck-typed), so this module imports nothing of the model and no stage.
"""
from __future__ import annotations

from gxnlp import rules


def values(cells):
    return None if cells is None else [c.value for c in cells]


def number_dtype(column) -> str:
    """Int64 when every value is a whole number, else Float64."""
    whole = all(v is None or v != v or float(v).is_integer() for v in column)
    return "Int64" if whole else "Float64"


def numbers(frame, columns):
    import pandas as pd

    for col in columns:
        raw = [None if v is None or v != v else v for v in frame[col].tolist()]
        dtype = number_dtype(raw)
        frame[col] = pd.array([None if v is None else (int(v) if dtype == "Int64" else float(v)) for v in raw],
                              dtype=dtype)
    return frame


def strings(frame, columns):
    for col in columns:
        frame[col] = frame[col].astype("string")
    return frame


def grid_frame(report, table_key: str, keys, columns, index: str, row_labels: str, column_labels: str):
    """A grid table (table3, table4) as a frame: one row per spec row key, its Chinese label, the values."""
    import pandas as pd

    table = report.tables.get(table_key)
    labels = rules.load("labels")
    rows = []
    for key in keys:
        cells = table.rows.get(key) if table is not None else None
        rows.append([key, labels[row_labels][key]] + (values(cells) or [None] * len(columns)))
    frame = pd.DataFrame(rows, columns=[index, "label_zh", *columns])
    frame = numbers(strings(frame, [index, "label_zh"]), columns).set_index(index)
    frame.attrs["columns_zh"] = dict(labels[column_labels])
    return frame


def table3_frame(report):
    return grid_frame(report, "table3", rules.TABLE3_ROWS, rules.TABLE3_COLUMNS, "row", "table3_rows",
                      "table3_columns")


def table4_frame(report):
    return grid_frame(report, "table4", rules.TABLE4_GROUPS, rules.TABLE4_COLUMNS, "group", "table4_groups",
                      "table4_columns")


def table2_frame(report):
    """Table 2 (active disclosure) long: one row per (row, field), e.g. ("regulations", "issued", 3);
    a one-number row has field "". The table's template ("2021", "2019") is in attrs["template"]."""
    import pandas as pd

    table = report.tables.get("table2")
    template = table.template if table is not None else "2021"
    spec = rules.load("table_rows")["table2"]["rows_2019" if template == "2019" else "rows_2021"]
    rows = []
    for key, names in ((k, list(row["fields"])) for k, row in spec.items()):
        cells = table.rows.get(key) if table is not None else None
        for i, name in enumerate(names):
            cell = cells[i] if cells is not None and i < len(cells) else None
            rows.append([key, name, None if cell is None else cell.value, None if cell is None else cell.raw])
    frame = pd.DataFrame(rows, columns=["row", "field", "value", "raw"])
    frame = numbers(strings(frame, ["row", "field", "raw"]), ["value"])
    frame.attrs["template"] = template
    return frame


def checks_frame(report):
    """One row per check: id, status (pass/fail/…), detail, cells (';'-joined cell names), cause."""
    import pandas as pd

    rows = [[c.id, c.status, c.detail, ";".join(c.cells), c.cause] for c in report.checks]
    frame = pd.DataFrame(rows, columns=["id", "status", "detail", "cells", "cause"])
    return strings(frame, list(frame.columns))


def claims_frame(report):
    import pandas as pd

    frame = pd.DataFrame(report.to_dict(provenance=False)["claims"],
                         columns=["text", "metric", "value", "unit", "approx", "qualifier", "section", "span",
                                  "table_value", "status", "cells", "note"])
    for col in ("value", "table_value"):
        frame[col] = pd.array([None if v is None else float(v) for v in frame[col]], dtype="Float64")
    frame["approx"] = frame["approx"].astype("boolean")
    return strings(frame, ["text", "metric", "unit", "qualifier", "section", "status", "note"])


def sentences_frame(report):
    """Narrative sentences (headings left out): text, section, start, end, labels (a list)."""
    import pandas as pd

    rows = [{"text": s.text, "section": s.section, "start": s.span[0], "end": s.span[1],
             "labels": [lab for lab, _ in s.labels]} for s in report.sentences if not s.heading]
    frame = pd.DataFrame(rows, columns=["text", "section", "start", "end", "labels"])
    frame = numbers(frame, ["start", "end"])
    return strings(frame, ["text", "section"])
