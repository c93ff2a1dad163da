"""The five real seed reports, in all four formats, scored against hand-made truth."""
import pytest

import gxnlp
from conftest import FIXTURES, SEEDS, TRUTH, load_truth, score

STEMS = sorted(p.stem for p in SEEDS.glob("*.txt"))
PARSE_FIELDS = ("cells", "sections", "checks", "meta")


def source(stem: str, fmt: str):
    return SEEDS / f"{stem}.txt" if fmt == "txt" else FIXTURES / "formats" / f"{stem}.{fmt}"


@pytest.mark.parametrize("fmt", ["txt", "docx", "html", "pdf"])
@pytest.mark.parametrize("stem", STEMS)
def test_seed_parse_scores_perfectly(stem, fmt):
    report = gxnlp.parse(source(stem, fmt))
    assert report.format == fmt
    ratios, misses = score(report.to_dict(), load_truth(TRUTH / f"{stem}.json"))
    for field in PARSE_FIELDS:
        assert ratios[field] == 1.0, (field, misses[:10])


def test_seed_000_has_no_section_four_and_a_cut_table3():
    report = gxnlp.parse(SEEDS / "000_7d8359c2a2673d89.txt")
    assert report.sections["review_litigation"] is None
    assert report.tables["table4"] is None
    t3 = report.to_dict()["tables"]["table3"]
    assert t3["unavailable_not_held"] == [4, 0, 0, 0, 0, 0, 4]
    assert t3["total_processed"] is None and t3["carried_forward"] is None  # not printed: null, not zero
    assert report.check("t3_balance").status == "unverifiable"
    assert report.check("sections_complete").status == "fail"
    assert "sections.review_litigation" in report.check("sections_complete").cells


def test_seed_004_agency_from_signature_block_when_title_is_a_year():
    report = gxnlp.parse(SEEDS / "004_fb0ef49ef4128532.txt")
    assert report.meta.title == "2021"
    assert report.meta.agency == "海珠区人民政府昌岗街道办事处"
    assert report.meta.year == 2021 and report.meta.level == "township"


def test_seed_004_blank_totals_after_page_break_stay_blank():
    t3 = gxnlp.parse(SEEDS / "004_fb0ef49ef4128532.txt").to_dict()["tables"]["table3"]
    assert t3["rejected_petition"] == [0, 0, 0, 0, 0, 0, None]
    assert t3["granted"] == [1, 1, 0, 0, 0, 2, 4]
    assert t3["total_processed"] == [2, 1, 0, 0, 0, 2, 5]


def test_seed_003_table4_leading_blanks_do_not_shift():
    t4 = gxnlp.parse(SEEDS / "003_1761e557d26d0c58.txt").to_dict()["tables"]["table4"]
    assert t4["review"] == [None] * 5
    assert t4["litigation_direct"] == [0] * 5 and t4["litigation_after_review"] == [0] * 5


def test_provenance_keeps_raw_text_and_location():
    report = gxnlp.parse(SEEDS / "000_7d8359c2a2673d89.txt")
    prov = report.to_dict()["provenance"]["tables"]
    penalty = prov["table2"]["rows"]["penalty"][0]
    assert penalty["raw"] == "749"
    line = penalty["loc"]["line"]
    assert "749" in (SEEDS / "000_7d8359c2a2673d89.txt").read_text(encoding="utf-8").splitlines()[line - 1]
    pdf = gxnlp.parse(FIXTURES / "formats" / "000_7d8359c2a2673d89.pdf").to_dict()["provenance"]["tables"]
    cell = pdf["table3"]["rows"]["new_received"][0]
    assert cell["raw"] == "4" and cell["loc"]["page"] >= 1 and len(cell["loc"]["bbox"]) == 4


def test_table3_frame_has_chinese_and_english_labels():
    frame = gxnlp.parse(SEEDS / "001_91b930a4292c284b.txt").table3_frame()
    assert frame.loc["partially_granted", "natural_person"] == 3
    assert frame.loc["other_no_correction", "total"] == 2
    assert frame.loc["partially_granted", "label_zh"].startswith("（二）部分公开")
    assert frame.attrs["columns_zh"]["total"] == "总计"
