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


def test_scores_on_truth_sets():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import score_real

    table = score_real.main(["--quiet", "--out", "/dev/null"])
    assert table["all"]["wrong"] == 0  # no silent shift: a cell is right or null with a warning
    assert table["all"]["cell_accuracy"] >= 0.98
    for layout in ("pdf_split", "space_separated", "html", "run_together"):
        assert table[layout]["cell_accuracy"] >= 0.98, layout
    assert table["all"]["metadata_accuracy"] >= 0.80
