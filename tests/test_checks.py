"""Checks: arithmetic failures name their cells and both sides; report-level checks on edited seeds."""
import gxnlp
from conftest import FIXTURES, SEEDS

SEED = "002_5b59a7048e580c09"


def edited(tmp_path, old: str, new: str, seed: str = SEED):
    text = (SEEDS / f"{seed}.txt").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{seed}.txt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return gxnlp.parse(path)


def test_row_total_failure_names_cells_and_both_sides(tmp_path):
    # granted row: natural person 0 → 2, total stays 0
    report = edited(tmp_path, "(一) 予以公开\t0\t0", "(一) 予以公开\t2\t0")
    check = report.check("t3_row_totals")
    assert check.status == "fail"
    assert check.cells[:2] == ["table3.granted.total", "table3.granted.natural_person"]
    assert "table3.granted.total = 0" in check.detail and "= 2" in check.detail and "difference -2" in check.detail
    assert report.check("t3_results_total").status == "fail"  # the natural-person column no longer adds up


def test_balance_failure(tmp_path):
    report = edited(tmp_path, "四、结转下年度继续办理\t\t0\t0\t0\t0\t0\t0\t0", "四、结转下年度继续办理\t\t0\t0\t0\t0\t0\t0\t3")
    check = report.check("t3_balance")
    assert check.status == "fail"
    assert "table3.carried_forward.total" in check.cells and "table3.new_received.total" in check.cells


def test_table4_total_failure(tmp_path):
    report = edited(tmp_path, "0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0", "1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0")
    check = report.check("t4_totals")
    assert check.status == "fail" and "table4.review.total" in check.cells and "table4.review.upheld" in check.cells


def test_blank_total_makes_the_equation_unverifiable_not_failed():
    report = gxnlp.parse(SEEDS / "003_1761e557d26d0c58.txt")  # review group of table4 is all blank
    check = report.check("t4_totals")
    assert check.status == "pass" and "1 unverifiable" in check.detail


def test_year_disagreement(tmp_path):
    # 001 states the statistics period 2022-01-01..2022-12-31; retitle it 2021
    report = edited(tmp_path, "锦屏街道2022年", "锦屏街道2021年", seed="001_91b930a4292c284b")
    check = report.check("year_consistent")
    assert check.status == "fail" and "title says 2021" in check.detail and "statistics period says 2022" in check.detail


def test_misnumbered_and_missing_sections(tmp_path):
    report = edited(tmp_path, "五、存在的主要问题及改进情况", "六、存在的主要问题及改进情况")
    check = report.check("section_numbering")
    assert check.status == "fail" and "numbered 六 where the template has 五" in check.detail
    assert check.cells == ["sections.problems"]
    missing = gxnlp.parse(SEEDS / "000_7d8359c2a2673d89.txt").check("section_numbering")
    assert missing.status == "fail" and "四、 (review_litigation) is missing" in missing.detail


def test_fee_collected_in_overview_but_none_in_section_six(tmp_path):
    report = edited(tmp_path, "2023 年依申请公开 1 件", "2023 年依申请公开 1 件，收取信息处理费200元")
    check = report.check("fees_consistent")
    assert check.status == "fail" and "处理费200元" in check.detail
    assert gxnlp.parse(SEEDS / f"{SEED}.txt").check("fees_consistent").status == "pass"


def test_empty_section(tmp_path):
    report = edited(tmp_path, "依据《国务院办公厅关于印发<政府信息公开信息处理费管理办法>的通知》（国办函〔2020〕109号）规定，本年度我单位未收取信息处理费。", "")
    check = report.check("sections_empty")
    assert check.status == "fail" and check.cells == ["sections.other"]


def test_blank_cell_counts():
    report = gxnlp.parse(FIXTURES / "layouts" / "blank-tokens.txt")
    check = report.check("blank_cells")
    assert check.status == "fail" and "86 cells marked" in check.detail
    assert gxnlp.parse(SEEDS / f"{SEED}.txt").check("blank_cells").status == "pass"


def test_every_spec_check_id_is_reported(seed_paths):
    ids = {c.id for c in gxnlp.parse(seed_paths[0]).checks}
    assert {"t3_row_totals", "t3_results_total", "t3_balance", "t4_totals", "sections_complete",
            "tables_complete", "claims_vs_tables", "sums"} <= ids
