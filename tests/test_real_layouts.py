"""Real report layouts (corpora/real, corpora/openings): cells and metadata checked against the
hand-labelled truth files, and the parser's no-silent-shift rule on the whole truth sets."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import gxnlp
from gxnlp.cli.parse import summary
from gxnlp.parse.flat import chunks, fits, value_run
from gxnlp.parse.normalise import strip_pinyin

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "corpora" / "real"
OPENINGS = ROOT / "corpora" / "openings"
pytestmark = pytest.mark.skipif(not (REAL / "truth").exists(), reason="real truth not present")


def parse(path):
    return gxnlp.parse(path, {"tag_sentences": False})


def truth(stem):
    return json.loads((REAL / "truth" / f"{stem}.json").read_text(encoding="utf-8"))


def test_digit_run_split_confirmed_by_row_total():
    r = parse(REAL / "files" / "pingtan_2021_page.txt")
    t3 = r.to_dict()["tables"]["table3"]
    assert t3["new_received"] == [64, 0, 0, 2, 0, 4, 70] == truth("pingtan_2021_page")["table3"]["new_received"]
    cell = r.tables["table3"].rows["new_received"][0]
    assert cell.raw == "64" and "640020470" in cell.note
    assert any("640020470" in w for w in r.warnings)


def test_ambiguous_digit_run_left_null_with_warning():
    r = parse(REAL / "files" / "pingtan_2019_page.txt")
    t2 = r.to_dict()["tables"]["table2"]
    assert t2["format"] == "2019" and t2["coercion"] == {"items_last_year": None, "change": None, "decisions": None}
    assert any("126025" in w and "null" in w for w in r.warnings)
    assert r.meta.template == "2019" and r.to_dict()["template"] == "2019"
    assert r.to_dict()["tables"]["table3"]["other_processing"] == [0] * 7


def test_run_together_table4_split_by_group_totals():
    r = parse(REAL / "files" / "pingtan_2021_page.txt")
    assert r.to_dict()["tables"]["table4"] == truth("pingtan_2021_page")["table4"]


@pytest.mark.parametrize("stem", ["pingtan_jtj_2022_page", "pingtan_shs_2019_page", "pingtan_2022_page"])
def test_whole_tables_match_truth(stem):
    t = truth(stem)
    d = parse(REAL / "files" / t["file"]).to_dict()
    assert d["tables"]["table3"] == {k: t["table3"].get(k) for k in d["tables"]["table3"]}
    assert d["template"] == t["template"]


def test_flat_helpers():
    assert value_run("0000000" + "2.其他法律", 0) == "0000000"
    assert chunks("230 000023") == ["230", "000023"]
    assert ("23", "0", "0", "0", "0", "0", "23") in fits(["230", "000023"], 7)
    assert chunks("2648-18538") == ["2648", "-18538"]


def test_published_error_is_a_fail_and_pair_passes():
    r23 = parse(REAL / "files" / "hongze_district_2023.pdf")
    r24 = parse(REAL / "files" / "hongze_district_2024.pdf")
    assert r23.check("t4_totals").status == "fail"
    assert r24.check("t4_totals").status == "pass"
    for r in (r23, r24):
        assert all(r.tables[k] is not None for k in ("table2", "table3", "table4"))


@pytest.mark.parametrize("stem", ["pingtan_2011_page", "pingtan_county_2012_page"])
def test_pre2019_recognised(stem):
    r = parse(REAL / "files" / truth(stem)["file"])
    assert r.meta.template == "pre2019" and r.meta.year == truth(stem)["year"]
    assert r.check("t3_row_totals").status == "unverifiable"


@pytest.mark.parametrize("stem", ["pingtan_2021_page", "pingtan_spp_2021_page", "pingtan_gaj_2024_page",
                                  "hongze_district_2024", "huaian_city_2024"])
def test_metadata_from_real_pages(stem):
    t = truth(stem)
    r = parse(REAL / "files" / t["file"])
    assert (r.meta.agency, r.meta.year, r.meta.level) == (t["agency"], t["year"], t["level"])


def test_traditional_and_pinyin_normalised():
    pytest.importorskip("opencc")
    assert strip_pinyin("根據(jù)條例") == "根據條例"
    r = parse(OPENINGS / "024.txt")
    assert r.meta.title == "无锡市司法局2023年度政府信息公开工作报告"
    assert r.meta.agency == "无锡市司法局"


def test_breadcrumb_and_metadata_block_titles():
    assert parse(OPENINGS / "001.txt").meta.title == "东街街道2023年度政府信息公开工作年度报告"
    r = parse(OPENINGS / "126.txt")
    assert r.meta.agency != "主动公开政府"


def test_summary_says_what_was_not_read():
    r = parse(REAL / "files" / "pingtan_2019_page.txt")
    line = next(x for x in summary(r).splitlines() if "tables:" in x)
    assert "table2 ok" not in line and "table2 " in line and "/8 rows" in line


# Per-layout floors: the final run of benchmarks/score_real.py (README "Accuracy on real reports"),
# rounded down. Cells: right / all labelled cells; metadata: right / all labelled fields.
CELL_FLOORS = {"2019_template": 0.98, "html_table": 1.0, "lone_pipe": 0.98, "one_per_line": 0.98,
               "pdf_split": 1.0, "pipe": 0.99, "run_together": 0.98, "space_separated": 1.0,
               "traditional": 1.0, "all": 0.99}
META_FLOORS = {"2019_template": 1.0, "html_table": 1.0, "lone_pipe": 0.96, "metadata_only": 0.98,
               "one_per_line": 1.0, "pdf_split": 1.0, "pipe": 0.96, "pre2019": 0.97, "run_together": 1.0,
               "space_separated": 1.0, "traditional": 0.98, "all": 0.98}


@pytest.fixture(scope="module")
def scores():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import score_real

    return score_real.main(["--quiet", "--out", "/dev/null"])


def test_scores_on_truth_sets(scores):
    for layout, row in scores.items():
        if row["files"]:
            assert row["wrong"] == 0, layout  # no silent shift: a cell is right or null with a warning
            assert row["null_silent"] == 0, layout  # and a null cell is never silent
    for layout, floor in CELL_FLOORS.items():
        assert scores[layout]["cell_accuracy"] >= floor, (layout, scores[layout])
    for layout, floor in META_FLOORS.items():
        assert scores[layout]["metadata_accuracy"] >= floor, (layout, scores[layout])


def test_old_indicator_table_scored(scores):
    row = scores["old_indicators"]
    assert row["wrong"] == 0 and row["null_silent"] == 0 and row["cell_accuracy"] >= 0.93


# --- real cells and metadata, read by hand from the sources ---------------------------------

def test_old_indicator_table_read_and_glued_runs_confirmed_by_sums():
    from gxnlp.parse.oldtable import read_old_indicators

    # pingtan_2011: "主动公开信息数 条 425 1516 其中：1.网站公开 条 418 1509 2.政府公报公开 条 7 7"
    r = parse(REAL / "files" / "pingtan_2011_page.txt")
    rows, _ = read_old_indicators("\n".join(line.text for line in r.document.lines))
    assert [(x.indicator, x.unit, x.year_value, x.cumulative) for x in rows[:3]] == [
        ("主动公开信息数", "条", 425, 1516), ("1.网站公开", "条", 418, 1509), ("2.政府公报公开", "条", 7, 7)]
    # county_2011 prints the same rows glued: "条4251516其中：1.网站公开条41815092.政府公报公开条77";
    # only 425|1516 and 418|1509 make 主动公开 = 网站 + 公报 in both columns
    r = parse(REAL / "files" / "pingtan_county_2011_page.txt")
    rows, warnings = read_old_indicators("\n".join(line.text for line in r.document.lines))
    assert (rows[0].year_value, rows[0].cumulative, rows[1].year_value, rows[1].cumulative) == (425, 1516, 418, 1509)
    assert any("4251516" in w and "confirmed" in w for w in warnings)
    # 2015: "条294981916" and the sub-item read the same; the sums cannot choose: null with a warning
    r = parse(REAL / "files" / "pingtan_2015_page.txt")
    rows, warnings = read_old_indicators("\n".join(line.text for line in r.document.lines))
    assert rows[0].year_value is None and any("294981916" in w and "null" in w for w in warnings)


def test_table4_after_a_misprinted_heading():
    # pingtan_2022: heading "四、政府信息公开行政法复议…" (typo), then "… 0 1 1 0 2 1 0 0 0 1 0 0 0 0 0"
    t4 = parse(REAL / "files" / "pingtan_2022_page.txt").to_dict()["tables"]["table4"]
    assert t4 == {"review": [0, 1, 1, 0, 2], "litigation_direct": [1, 0, 0, 0, 1],
                  "litigation_after_review": [0, 0, 0, 0, 0]}


def test_long_fill_in_notes_after_labels():
    # 098: "规范性文件(行政机关制定发布的决定、公告…一般情况下属于规范性文件) |" then 87 | 0 | 0 one per line
    t2 = parse(OPENINGS / "098.txt").to_dict()["tables"]["table2"]
    assert t2["normative_documents"] == {"made": 87, "published": 0, "total_public": 0}
    assert t2["penalty"] == {"items_last_year": 0, "change": 0, "decisions": 0}


def test_traditional_mainland_wording_keeps_its_labels():
    pytest.importorskip("opencc")
    # 020: "行政規范性文件 | 0 | 0 | 0 |" (tw2sp would make 文件 → 文档); "行政事業性收費 | 26.55 |"
    r = parse(OPENINGS / "020.txt")
    t2 = r.to_dict()["tables"]["table2"]
    assert t2["normative_documents"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert t2["licensing"] == 76 and t2["fees_10k_yuan"] == 26.55
    assert r.meta.agency == "抚远市自然资源局"  # "2022年,撫遠市自然資源局不斷強化…"


def test_unread_row_is_never_silent():
    # 059 prints 其他对外管理服务事项 as two sub-rows (行政检查, 行政确认): not read, and said so
    r = parse(OPENINGS / "059.txt")
    assert r.to_dict()["tables"]["table2"]["other_services"] is None
    assert any("other_services" in w and "null" in w for w in r.warnings)


@pytest.mark.parametrize("name,field,value", [
    ("209.txt", "title", "西藏自治区审计厅2025年政务信息公开工作开展年度报告"),  # "标      题 …" block
    ("209.txt", "agency", "西藏自治区审计厅"),
    ("211.txt", "level", "province"),  # 西藏自治区人民政府: 自治区, not 区
    ("160.txt", "title", "应急管理部2023年政府信息公开工作报告"),  # publication date before the title
    ("007.txt", "agency", "沙塘镇人民政府"),  # "編制2021年度沙塘鎮人民政府信息公開年度報告"
    ("034.txt", "agency", "霍山县国税局"),  # 《霍山縣國稅局政府信息公開指南》
    ("053.txt", "agency", "泾县人民政府"),  # "2012年泾县人民政府信息公开年度报告"
    ("099.txt", "agency", "和平街道办事处"),  # a name starting with 和 in a title is not a fragment
    ("154.txt", "agency", "平利县农业农村局"),  # "平利县农业农村认真…" + the text's 县农业农村局
    ("149.txt", "level", "county"),  # only 区政府办公室 (generic): no agency, but its level
])
def test_openings_metadata(name, field, value):
    assert getattr(parse(OPENINGS / name).meta, field) == value


def test_real_titles_from_the_article_body():
    # the crawler header says "2019年度"; the article heading prints "2019年" and runs into 根据《条例》
    assert parse(REAL / "files" / "pingtan_2019_page.txt").meta.title == "平潭综合实验区2019年政府信息公开工作年度报告"
    r = parse(REAL / "files" / "pingtan_czj_2016_page.txt")
    assert r.meta.agency == "平潭综合实验区财政金融局"  # title 财金局…; signature "…条0 平潭综合实验区财政金融局2017年1月13日"


def test_hongze_pair_is_one_agency_and_runs_cross_year_checks():
    from gxnlp.check.across import cross_check
    from gxnlp.parse.agencies import normalise_agency, same_agency

    assert same_agency("洪泽区人民政府（淮安市洪泽区）", "淮安市洪泽区人民政府")
    assert normalise_agency("洪泽区人民政府（淮安市洪泽区）") == normalise_agency("淮安市洪泽区人民政府")
    reports = [parse(REAL / "files" / f"hongze_district_{y}.pdf") for y in (2023, 2024)]
    ran = {f.id for f in cross_check(reports)}
    assert {"x_carried", "x_in_force"} <= ran
