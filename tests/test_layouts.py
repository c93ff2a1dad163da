"""One fixture per layout variant, each with hand-derived expected values (tests/fixtures/layouts)."""
import pytest

import gxnlp
from conftest import FIXTURES, load_truth, score

LAYOUTS = FIXTURES / "layouts"
CASES = sorted(p for folder in (LAYOUTS, FIXTURES / "bad") for p in folder.iterdir()
               if p.suffix in (".txt", ".html", ".docx", ".pdf") and (folder / f"{p.stem}.json").exists())


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_layout_variant_reads_every_cell(path):
    """Layout variants, and the encodings of tests/fixtures/bad (GBK, UTF-16, UTF-8 with BOM) that must parse."""
    report = gxnlp.parse(path)
    ratios, misses = score(report.to_dict(), load_truth(path.with_suffix(".json")))
    assert ratios, "the truth file asserts nothing"
    for field, ratio in ratios.items():
        assert ratio == 1.0, (field, misses[:10])


def test_split_number_is_repaired_with_evidence():
    report = gxnlp.parse(LAYOUTS / "split-number.txt")
    # printed: 5 0 0 2 7 1 "1" "5" — eight cells; only 1|5 → 15 makes the total equal 5+0+0+2+7+1
    assert report.to_dict()["tables"]["table3"]["new_received"] == [5, 0, 0, 2, 7, 1, 15]
    warning = next(w for w in report.warnings if "joined cells" in w)
    assert "'1' and '5'" in warning and "15" in warning


def test_eight_column_table_drops_the_subtotal():
    t3 = gxnlp.parse(LAYOUTS / "table3-8-columns.txt").to_dict()["tables"]["table3"]
    assert all(row is None or len(row) == 7 for row in t3.values())


def test_2019_template_keeps_its_own_columns():
    d = gxnlp.parse(LAYOUTS / "template-2019.txt").to_dict()["tables"]
    assert d["table2"]["format"] == "2019"
    assert set(d["table2"]["licensing"]) == {"items_last_year", "change", "decisions"}
    assert d["table3"]["other_processing"] is not None
    assert d["table3"]["other_other"] is None


def test_markup_in_report_text_stays_text():
    other = gxnlp.parse(FIXTURES / "bad" / "html-with-script.html").sections["other"].text
    assert "<script>alert(1)</script>" in other and "<img src=x onerror=alert(1)>" in other
