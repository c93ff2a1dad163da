"""Export: Report → the spec's JSON shape, JSON Lines, and pandas DataFrames.

The only module that knows the output shapes; stages never build JSON.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Optional

from . import rules
from .model import Cell, Report, Table

TABLE3_LABELS_ZH = {
    "new_received": "一、本年新收政府信息公开申请数量", "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开", "partially_granted": "（二）部分公开",
    "denied_state_secret": "（三）1.属于国家秘密", "denied_prohibited_by_law": "（三）2.其他法律行政法规禁止公开",
    "denied_three_safeties": "（三）3.危及“三安全一稳定”", "denied_third_party": "（三）4.保护第三方合法权益",
    "denied_internal_affairs": "（三）5.属于三类内部事务信息", "denied_process_info": "（三）6.属于四类过程性信息",
    "denied_enforcement_file": "（三）7.属于行政执法案卷", "denied_admin_query": "（三）8.属于行政查询事项",
    "unavailable_not_held": "（四）1.本机关不掌握相关政府信息", "unavailable_needs_creation": "（四）2.没有现成信息需要另行制作",
    "unavailable_unclear": "（四）3.补正后申请内容仍不明确", "rejected_petition": "（五）1.信访举报投诉类申请",
    "rejected_duplicate": "（五）2.重复申请", "rejected_publication": "（五）3.要求提供公开出版物",
    "rejected_excessive": "（五）4.无正当理由大量反复申请", "rejected_confirmation": "（五）5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "（六）1.申请人无正当理由逾期不补正", "other_no_fee": "（六）2.申请人逾期未按收费通知要求缴纳费用",
    "other_other": "（六）3.其他", "total_processed": "（七）总计", "carried_forward": "四、结转下年度继续办理",
    "other_processing": "（六）其他处理",
}
TABLE3_COLUMNS_ZH = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
TABLE4_GROUPS_ZH = {"review": "行政复议", "litigation_direct": "未经复议直接起诉", "litigation_after_review": "复议后起诉"}
TABLE4_COLUMNS_ZH = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


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
    if table.key == "table3":
        return {key: values(cells) for key, cells in table.rows.items()}
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
    rows = []
    for key in rules.TABLE3_ROWS:
        cells = table.rows.get(key) if table is not None else None
        rows.append([key, TABLE3_LABELS_ZH[key]] + (values(cells) or [None] * 7))
    frame = pd.DataFrame(rows, columns=["row", "label_zh", *rules.TABLE3_COLUMNS])
    frame = frame.set_index("row")
    frame.attrs["columns_zh"] = dict(zip(rules.TABLE3_COLUMNS, TABLE3_COLUMNS_ZH))
    return frame


def table4_frame(report: Report):
    import pandas as pd

    table = report.tables.get("table4")
    rows = []
    for key in rules.TABLE4_GROUPS:
        cells = table.rows.get(key) if table is not None else None
        rows.append([key, TABLE4_GROUPS_ZH[key]] + (values(cells) or [None] * 5))
    frame = pd.DataFrame(rows, columns=["group", "label_zh", *rules.TABLE4_COLUMNS]).set_index("group")
    frame.attrs["columns_zh"] = dict(zip(rules.TABLE4_COLUMNS, TABLE4_COLUMNS_ZH))
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
