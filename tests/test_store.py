"""Store tables, agency names and coverage: real values from a synthetic corpus with known answers."""
from collections import defaultdict
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from gxnlp import rules
from gxnlp.corpus import synth
from gxnlp.parse.agencies import normalise_agency, parse_agency, same_agency
from gxnlp.corpus.batch import run_batch
from gxnlp.errors import GxnlpError
from gxnlp.corpus.corrections import cell_ref, load_corrections
from gxnlp.corpus.coverage import coverage_rows, group_agencies


# --- agency names ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["钟村街道", "钟村街道办事处", "番禺区钟村街道办事处", "广州市番禺区钟村街道办事处",
                                  "钟村街", "2022年钟村街道办事处", "钟村街道 办事处"])
def test_zhongcun_names_are_one_agency(name):
    assert normalise_agency(name) == "钟村街道"
    assert same_agency(name, "钟村街道办事处")


@pytest.mark.parametrize("name,key", [
    ("汝州市钟楼街道办事处", "钟楼街道"),
    ("广州市番禺区石碁镇人民政府", "石碁镇"),
    ("海珠区人民政府昌岗街道办事处", "昌岗街道"),
    ("苍南县灵溪镇人民政府", "灵溪镇"),
    ("德清县人民政府", "德清县"),
    ("湖州市德清县人民政府", "德清县"),
    ("德清县自然资源和规划局", "德清县自然资源和规划局"),  # a department keeps its county
    ("浙江省德清县自然资源和规划局", "德清县自然资源和规划局"),
    ("德清县人民政府办公室", "德清县政府办公室"),
    ("城市管理局", "城市管理局"),  # 城市 is not a city
    ("番禺区市场监督管理局", "番禺区市场监督管理局"),
    ("沛县民政局", "沛县民政局"),
    ("温州市鹿城区五马街道", "五马街道"),
])
def test_normalise_agency(name, key):
    assert normalise_agency(name) == key


def test_parents_and_conflicts():
    assert parse_agency("广州市番禺区钟村街道办事处").parents == (("city", "广州市"), ("county", "番禺区"))
    assert not same_agency("汝州市钟楼街道", "常州市钟楼街道办事处")  # same unit, different cities
    assert same_agency("广州市钟村街道", "番禺区钟村街道")  # different levels do not conflict
    assert not same_agency("德清县自然资源和规划局", "安吉县自然资源和规划局")
    assert same_agency("自然资源和规划局", "德清县自然资源和规划局")
    assert not same_agency(None, "钟村街道") and normalise_agency(None) == "" and normalise_agency("  ") == ""


def test_agency_rules_are_data():
    data = rules.load("agencies")
    assert {"街道办事处", "镇人民政府"} <= {s["from"] for s in data["suffix"]}


# --- coverage -------------------------------------------------------------------------------

def test_group_agencies_pairs_name_variants_and_splits_conflicts():
    records = [
        ("r1", "a/1.txt", "番禺区钟村街道办事处", 2021),
        ("r2", "a/2.txt", "钟村街道", 2022),
        ("r3", "a/3.txt", "汝州市钟楼街道办事处", 2022),
        ("r4", "a/4.txt", "常州市钟楼街道", 2022),
        ("r5", "a/5.txt", "钟楼街道", 2023),  # fits both 钟楼街道: cannot be paired
        ("r6", "a/6.txt", None, 2022),
        ("r7", "a/7.txt", "锦屏街道", 2021),
        ("r8", "a/8.txt", "锦屏街道", 2023),
    ]
    groups = group_agencies(records)
    by_report = {rid: g for g in groups for _, rid, _ in g.reports}
    assert by_report["r1"] is by_report["r2"] and by_report["r1"].agency_id == "钟村街道"
    assert by_report["r3"] is not by_report["r4"]
    assert {by_report["r3"].agency_id, by_report["r4"].agency_id} == {"钟楼街道@汝州市", "钟楼街道@常州市"}
    assert by_report["r5"].problem.startswith("name fits several agencies")
    agencies, coverage = coverage_rows(groups)
    a = {row["agency_id"]: row for row in agencies}
    assert a["钟村街道"]["pairable"] and a["钟村街道"]["years"] == [2021, 2022]
    assert a["钟村街道"]["missing_years"] == [2023]
    assert a["锦屏街道"]["pairable"] and a["锦屏街道"]["missing_years"] == [2022]
    assert not a["钟楼街道@汝州市"]["pairable"] and a["钟楼街道@汝州市"]["problem"] == "one year only"
    assert not a["?6"]["pairable"] and a["?6"]["problem"] == "no agency name found"
    jin = [(c["year"], c["status"], c["within_span"]) for c in coverage if c["agency_id"] == "锦屏街道"]
    assert jin == [(2021, "present", True), (2022, "missing", True), (2023, "present", True)]


# --- corrections file -------------------------------------------------------------------------

def test_corrections_file_validation(tmp_path):
    good = tmp_path / "c.yaml"
    good.write_text('- sha256: 7d8359c2a2\n  set: {year: 2021, "table3.granted.total": 4}\n  note: typo\n'
                    '- file: "*/seed.txt"\n  set: {agency: 钟村街道}\n', encoding="utf-8")
    c = load_corrections(good)
    assert [x.selector for x in c] == ["sha256=7d8359c2a2", "file=*/seed.txt"]
    assert c[0].values == {"year": 2021, "table3.granted.total": 4} and c[0].note == "typo"
    for text, reason in [("- set: {year: 1}\n", "needs `sha256:`"), ("- sha: abc\n  set: {year: 1}\n", "8 characters"),
                         ("{a: 1}\n", "YAML list"), ("- file: x\n", "`set:`"), ("- [unclosed\n", "cannot read")]:
        bad = tmp_path / "bad.yaml"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(GxnlpError, match=reason):
            load_corrections(bad)


def test_cell_references():
    assert cell_ref("table3.granted.total") == ("table3", "granted", 6, None)
    assert cell_ref("table4.review.pending") == ("table4", "review", 3, None)
    assert cell_ref("table2.penalty") == ("table2", "penalty", None, None)
    assert cell_ref("table2.regulations.issued") == ("table2", "regulations", None, "issued")
    assert cell_ref("table3.granted.nonsense") is None and cell_ref("year") is None


# --- a store built from a synthetic corpus ------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("store")
    corpus = synth.generate(70, seed=21, error_rate=0.5)
    synth.write_corpus(corpus, root / "in", nested=True)
    run_batch([root / "in"], root / "out", workers=2, progress=False)
    return corpus, root / "out"


def table(out: Path, name: str):
    return pq.read_table(out / "parquet" / f"{name}.parquet").to_pandas()


def test_report_rows_carry_the_tables(synthetic_store):
    corpus, out = synthetic_store
    reports = table(out, "reports").set_index("file_name")
    assert len(reports) == 70
    for r in corpus.reports:
        row = reports.loc[r.file_name]
        assert row["year"] == r.year
        t3 = r.tables["table3"]
        for key in ("new_received", "granted", "total_processed", "carried_forward"):
            for col, value in zip(rules.TABLE3_COLUMNS, t3[key]):
                assert row[f"t3_{key}_{col}"] == value
        assert row["t4_review_total"] == r.tables["table4"]["review"][4]
        assert row["t2_penalty"] == r.tables["table2"]["penalty"]
        assert row["t2_normative_documents_in_force"] == r.tables["table2"]["normative_documents"]["in_force"]
        assert row["chk_t3_balance"] == r.expected_checks["t3_balance"]
        assert set(row["failing_checks"]) >= {k for k, v in r.expected_checks.items() if v == "fail"}


def test_cells_long_form_matches_wide_columns(synthetic_store):
    _, out = synthetic_store
    con = duckdb.connect(str(out / "gxnlp.duckdb"), read_only=True)
    # every table3 cell of the long table equals its wide column
    mismatches = con.execute("""
        SELECT count(*) FROM cells c JOIN reports r USING (report_id)
        WHERE c.cell = 'table3.granted.total' AND c.value IS DISTINCT FROM r.t3_granted_total""").fetchone()[0]
    assert mismatches == 0
    n = con.execute("SELECT count(*) FROM cells WHERE \"table\" = 'table3'").fetchone()[0]
    assert n == 70 * 25 * 7  # 25 printed rows × 7 columns (other_processing is a 2019-template row)
    raw = con.execute("SELECT raw, line FROM cells WHERE cell = 'table2.penalty' LIMIT 1").fetchone()
    assert raw[0] is not None and raw[1] > 0  # provenance kept: printed text and line


def test_duckdb_views(synthetic_store):
    corpus, out = synthetic_store
    con = duckdb.connect(str(out / "gxnlp.duckdb"), read_only=True)
    expected_fails = sum(1 for r in corpus.reports for k, v in r.expected_checks.items()
                         if v == "fail" and k != "claims_vs_tables")
    got = con.execute("""SELECT count(*) FROM failing_checks WHERE check_id IN
                         ('t3_row_totals','t3_results_total','t3_balance','t4_totals','sums')""").fetchone()[0]
    assert got == expected_fails
    claim_errors = sum(1 for r in corpus.reports if r.expected_checks["claims_vs_tables"] == "fail")
    assert con.execute("SELECT count(DISTINCT report_id) FROM inconsistent_claims").fetchone()[0] == claim_errors
    assert con.execute("SELECT count(*) FROM duplicates").fetchone()[0] == 0
    tables = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"reports", "cells", "checks", "claims", "sums", "sentences", "errors", "files", "corrections",
            "coverage", "agencies", "failing_checks", "inconsistent_claims", "missing_reports"} <= tables


def test_coverage_pairs_each_synthetic_agency_once(synthetic_store):
    corpus, out = synthetic_store
    cov = table(out, "coverage")
    files = table(out, "files").set_index("file_name")
    agency_of_report = dict(zip(cov["report_id"], cov["agency_id"]))
    ids = defaultdict(set)
    for r in corpus.reports:
        ids[r.agency_id].add(agency_of_report[files.loc[r.file_name, "report_id"]])
    assert all(len(v) == 1 for v in ids.values()), "every agency's reports share one agency_id"
    assert len({next(iter(v)) for v in ids.values()}) == len(ids), "no two agencies merged"
    years = defaultdict(set)
    for r in corpus.reports:
        years[r.agency_id].add(r.year)
    agencies = table(out, "agencies").set_index("agency_id")
    for aid, ys in years.items():
        row = agencies.loc[next(iter(ids[aid]))]
        assert sorted(row["years"]) == sorted(ys)
        assert list(row["missing_years"]) == [y for y in range(min(synth.YEARS), max(synth.YEARS) + 1) if y not in ys]
        assert bool(row["pairable"]) == (len(ys) >= 2)


def test_sentences_and_sections_tables(synthetic_store):
    corpus, out = synthetic_store
    sections = table(out, "sections")
    sentences = table(out, "sentences")
    text = {(r, s): t for r, s, t in zip(sections["report_id"], sections["section"], sections["text"])}
    for row in sentences.head(300).itertuples():
        assert text[(row.report_id, row.section)][row.start:row.end] == row.text
    assert sentences.groupby("report_id").size().min() >= 15


def test_sentences_from_the_report_json_are_located_in_their_sections():
    from gxnlp.corpus.store import sentences_of

    d = {"sections": {"overview": "（一）主动公开。全年公开信息5条。全年公开信息5条。", "other": "无。"},
         "sentences": [{"text": "全年公开信息5条。", "section": "overview", "labels": ["channel:website"]},
                       {"text": "全年公开信息5条。", "section": "overview", "labels": []},
                       {"text": "无。", "section": "other", "labels": []}]}
    assert sentences_of(d) == [("overview", 8, 17, "全年公开信息5条。", ["channel:website"]),
                               ("overview", 17, 26, "全年公开信息5条。", []), ("other", 0, 2, "无。", [])]
    split = sentences_of({"sections": d["sections"]})  # no sentences in the JSON: split here, headings dropped
    assert [s[3] for s in split] == ["全年公开信息5条。", "全年公开信息5条。", "无。"]


def test_a_failed_path_does_not_hide_the_same_content_parsed_elsewhere(tmp_path):
    """A timed out in an earlier run; B, same bytes, parsed later: B holds the report."""
    from gxnlp import parse
    from gxnlp.corpus.store import FileRecord, build_store

    seed = Path(__file__).resolve().parent.parent / "corpora" / "seeds" / "000_7d8359c2a2673d89.txt"
    report = parse(seed).to_dict()
    files = [FileRecord("/x/a.txt", "ab" * 32, 10, "error", "timeout", "timed out after 1 s"),
             FileRecord("/x/b.txt", "ab" * 32, 10, "done"),
             FileRecord("/x/c.txt", "ab" * 32, 10, "done"),
             FileRecord("/x/d.txt", None, None, "error", "unreadable", "broken symbolic link")]
    counts = build_store(tmp_path, files, lambda sha: {"report": dict(report)})
    assert counts["reports"] == 1 and counts["errors"] == 2 and counts["duplicates"] == 1
    f = table(tmp_path, "files").set_index("file_name")
    assert f.loc["a.txt", "status"] == "error" and pd.isna(f.loc["a.txt", "duplicate_of"])
    assert f.loc["b.txt", "status"] == "ok" and f.loc["c.txt", "duplicate_of"] == "/x/b.txt"
    r = table(tmp_path, "reports")
    assert list(r["source"]) == ["/x/b.txt"] and list(r["n_files"]) == [2]
