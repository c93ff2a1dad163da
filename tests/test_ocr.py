"""Scanned reports (the `ocr` extra): cells against truth, text layer vs scan, and source-or-parse causes.

Fixtures: tests/fixtures/scans/make_scans.py (render → skew ±1.5° → noise → JPEG → image-only PDF).
Skipped cleanly when rapidocr_onnxruntime is not installed; .ci/run installs the extra.
"""
import dataclasses
import importlib.util
import json

import pytest

from conftest import FIXTURES, ROOT, score

SCANS = FIXTURES / "scans"
SEED = "000_7d8359c2a2673d89"
HONGZE = ROOT / "corpora/real/files/hongze_district_2023.pdf"


def truth(stem: str, real: bool = False) -> dict:
    d = ROOT / ("corpora/real/truth" if real else "corpora/truth")
    return json.loads((d / f"{stem}.json").read_text(encoding="utf-8"))


def test_without_the_extra_a_scan_is_refused_in_one_line(monkeypatch):
    from gxnlp.errors import ScannedPDFError
    from gxnlp.io import ocr
    from gxnlp.io.load import load

    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(ScannedPDFError) as e:
        load(SCANS / f"{SEED}.scan.pdf")
    assert "install gxnlp[ocr] to read scanned reports" in str(e.value) and "\n" not in str(e.value)


def test_without_the_extra_cause_stays_unset(monkeypatch):
    from gxnlp.check import cause
    from gxnlp.io import ocr
    from gxnlp.pipeline import parse

    monkeypatch.setattr(ocr, "available", lambda: False)
    report = parse(HONGZE)
    assert [c.cause for c in report.checks if c.status == "fail"] == [None]


def test_png_page_is_sniffed_as_an_image():
    from gxnlp.io.load import sniff

    assert sniff(b"\x89PNG\r\n\x1a\n" + b"\0" * 20, ".png") == "image"
    assert sniff(b"\xff\xd8\xff\xe0" + b"\0" * 20, ".jpg") == "image"


needs_ocr = pytest.mark.skipif(importlib.util.find_spec("rapidocr_onnxruntime") is None,
                               reason="the ocr extra is not installed (pip install 'gxnlp[ocr]')")


@pytest.fixture(scope="module")
def seed_scan():
    from gxnlp.pipeline import parse

    return parse(SCANS / f"{SEED}.scan.pdf")


@pytest.fixture(scope="module")
def hongze_scan():
    from gxnlp.pipeline import parse

    return parse(SCANS / "hongze_district_2023.p3-4.scan.pdf")


@pytest.fixture(scope="module")
def hongze_text():
    from gxnlp.pipeline import parse

    return parse(HONGZE)


def all_cells(report):
    for key, table in report.tables.items():
        if table is None:
            continue
        for row, cells in table.rows.items():
            for i, cell in enumerate(cells or []):
                yield f"{key}.{row}[{i}]", cell


@needs_ocr
def test_seed_scan_scores_against_truth(seed_scan):
    scores, misses = score(seed_scan.to_dict(provenance=False), truth(SEED))
    assert seed_scan.format == "pdf" and seed_scan.warnings[0].startswith("read by OCR")
    assert scores["cells"] >= 0.98, misses
    assert scores["sections"] >= 0.98, misses


@needs_ocr
def test_real_scan_tables_score_against_truth(hongze_scan):
    t = truth("hongze_district_2023", real=True)
    part = {"file": t["file"], "partial": True, "table3": t["table3"], "table4": t["table4"]}
    scores, misses = score(hongze_scan.to_dict(provenance=False), part)
    assert scores["cells"] >= 0.98, misses


@needs_ocr
def test_ocr_cells_keep_page_bbox_confidence_and_mark_guesses(seed_scan, hongze_scan):
    from gxnlp.io.ocr import LOW_CONFIDENCE

    n = 0
    for report in (seed_scan, hongze_scan):
        for name, cell in all_cells(report):
            if not cell.raw or cell.loc is None or cell.loc.line is None:
                continue  # a value the web-text reader took from the joined text has no cell of its own
            assert cell.loc.page and cell.loc.bbox and cell.loc.conf is not None, name
            n += 1
            guess = cell.loc.conf < LOW_CONFIDENCE and any(ch.isdigit() for ch in cell.raw)
            assert guess == bool(cell.note and "OCR confidence" in cell.note), (name, cell)
            if guess:
                assert any(w.startswith(name.split("[")[0].rsplit(".", 1)[0]) and "a guess" in w
                           for w in report.warnings), name
    assert n > 100


@needs_ocr
def test_text_layer_and_scan_agree_on_every_cell_both_read(seed_scan, hongze_scan, hongze_text):
    from gxnlp.pipeline import parse

    pairs = [(parse(FIXTURES / "formats" / f"{SEED}.pdf"), seed_scan), (hongze_text, hongze_scan)]
    compared = 0
    for text, scan in pairs:
        scanned = dict(all_cells(scan))
        for name, cell in all_cells(text):
            other = scanned.get(name)
            if other is None or (cell.value is None and other.value is None):
                continue
            if cell.raw and other.raw:
                assert cell.value == other.value, (text.source, name, cell.raw, other.raw)
                compared += 1
    assert compared > 150


@needs_ocr
def test_published_table_error_is_source_on_text_layer_and_scan(hongze_text, hongze_scan):
    for report in (hongze_text, hongze_scan):
        failing = {c.id: c for c in report.checks if c.status == "fail" and c.id == "t4_totals"}
        assert failing["t4_totals"].cause == "source", failing["t4_totals"].detail
        assert "printed as parsed" in failing["t4_totals"].detail


@needs_ocr
def test_a_misread_cell_is_parse_with_both_readings(hongze_text):
    from gxnlp.check.cause import assign_causes, find_cell
    from gxnlp.model.core import Check

    report = dataclasses.replace(hongze_text, checks=[])
    upheld = find_cell(report, "table4.review.upheld")
    row = report.tables["table4"].rows["review"]
    report.tables["table4"] = dataclasses.replace(report.tables["table4"],
                                                  rows={**report.tables["table4"].rows, "review": list(row)})
    report.tables["table4"].rows["review"][0] = dataclasses.replace(upheld, value=7.0, raw="7")
    report.checks = [Check("t4_totals", "fail", "made up", ["table4.review.upheld", "table4.review.total"])]
    assign_causes(report, str(HONGZE))
    check = report.checks[0]
    assert check.cause == "parse"
    assert "parsed “7”, page shows “10”" in check.detail


@needs_ocr
def test_audit_page_shows_the_cropped_cells(hongze_text):
    from gxnlp.report.page import report_page

    html = report_page(hongze_text)
    assert "cause: source" in html
    assert html.count("src=\"data:image/png;base64,") >= 5
