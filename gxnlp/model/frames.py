"""pandas views of a Report, with nullable dtypes; pandas is imported only here.

Takes any Report (duck-typed), so this module imports nothing of the model and no stage.
"""
from __future__ import annotations

from gxnlp import rules


def values(cells):
    return None if cells is None else [c.value for c in cells]


def table3_frame(report):
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


def table4_frame(report):
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


def claims_frame(report):
    import pandas as pd

    return pd.DataFrame(report.to_dict(provenance=False)["claims"],
                        columns=["text", "metric", "value", "unit", "approx", "qualifier", "section", "span",
                                 "table_value", "status", "cells", "note"])


def sentences_frame(report):
    import pandas as pd

    rows = [{"text": s.text, "section": s.section, "start": s.span[0], "end": s.span[1],
             "labels": [lab for lab, _ in s.labels]} for s in report.sentences if not s.heading]
    return pd.DataFrame(rows, columns=["text", "section", "start", "end", "labels"])
