"""Loading: format sniffing, encodings, and every kind of bad input (one clear line, never a traceback)."""
import random
import subprocess
import sys

import pytest

import gxnlp
from gxnlp.errors import LoadError, ScannedPDFError
from gxnlp.io.load import load, sniff
from conftest import FIXTURES, SEEDS, TRUTH, load_truth, score

SEED = SEEDS / "002_5b59a7048e580c09.txt"
SEED_PDF = FIXTURES / "formats" / "002_5b59a7048e580c09.pdf"


def assert_one_line_error(excinfo, path, words):
    message = str(excinfo.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert words in message


def test_sniff_uses_content_not_suffix(tmp_path):
    html_as_txt = tmp_path / "page.txt"
    html_as_txt.write_bytes((FIXTURES / "formats" / "002_5b59a7048e580c09.html").read_bytes())
    assert gxnlp.parse(html_as_txt).format == "html"
    pdf_no_suffix = tmp_path / "report"
    pdf_no_suffix.write_bytes(SEED_PDF.read_bytes())
    assert gxnlp.parse(pdf_no_suffix).format == "pdf"
    assert sniff(b"PK\x03\x04rest", ".bin") == "docx"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_text_encodings_are_detected(tmp_path, encoding):
    path = tmp_path / f"{SEED.stem}.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode(encoding))
    report = gxnlp.parse(path)
    ratios, misses = score(report.to_dict(), load_truth(TRUTH / f"{SEED.stem}.json"))
    assert ratios["cells"] == 1.0 and ratios["meta"] == 1.0, misses[:5]


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(LoadError) as e:
        load(path)
    assert_one_line_error(e, path, "empty file")


def test_random_bytes(tmp_path):
    path = tmp_path / "random.txt"
    path.write_bytes(random.Random(7).randbytes(4096))
    with pytest.raises(LoadError) as e:
        load(path)
    assert_one_line_error(e, path, "not a text, Word, HTML or PDF report")


def test_truncated_pdf(tmp_path):
    path = tmp_path / "truncated.pdf"
    data = SEED_PDF.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 5])
    with pytest.raises(LoadError) as e:
        gxnlp.parse(path)
    assert_one_line_error(e, path, "PDF")


def test_docx_that_is_not_a_zip(tmp_path):
    path = tmp_path / "report.docx"
    path.write_text("一、总体情况\n这不是 Word 文件。", encoding="utf-8")
    with pytest.raises(LoadError) as e:
        load(path)
    assert_one_line_error(e, path, "not a valid .docx (not a zip archive)")


def test_damaged_zip_docx(tmp_path):
    path = tmp_path / "damaged.docx"
    path.write_bytes((FIXTURES / "formats" / "002_5b59a7048e580c09.docx").read_bytes()[:3000])
    with pytest.raises(LoadError) as e:
        load(path)
    assert_one_line_error(e, path, "docx")


def test_fifty_megabyte_file(tmp_path):
    path = tmp_path / "huge.txt"
    line = "一、总体情况 本机关全年主动公开政府信息100条。\n".encode("utf-8")
    with open(path, "wb") as f:
        for _ in range(50_000_000 // len(line) + 1):
            f.write(line)
    with pytest.raises(LoadError) as e:
        load(path)
    assert_one_line_error(e, path, "too large for a report")


def test_encrypted_pdf():
    path = FIXTURES / "bad" / "encrypted.pdf"
    with pytest.raises(LoadError) as e:
        load(path)
    assert_one_line_error(e, path, "encrypted PDF")


def test_scanned_pdf_without_text_layer(monkeypatch):
    from gxnlp.io import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)  # with the ocr extra the page is read (tests/test_ocr.py)
    path = FIXTURES / "bad" / "scanned.pdf"
    with pytest.raises(ScannedPDFError) as e:
        load(path)
    assert_one_line_error(e, path, "no text layer (scanned image?)")
    assert "install gxnlp[ocr] to read scanned reports" in str(e.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(LoadError) as e:
        load(tmp_path / "nope.txt")
    assert_one_line_error(e, tmp_path / "nope.txt", "no such file")
    with pytest.raises(LoadError):
        load(tmp_path)


def test_cli_batch_keeps_going_and_names_each_bad_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    notzip = tmp_path / "x.docx"
    notzip.write_text("plain", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "gxnlp.cli", "parse", str(SEED), str(empty), str(notzip),
         str(SEEDS / "001_91b930a4292c284b.txt"), "--jsonl"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert len(result.stdout.strip().splitlines()) == 2  # both good reports
    errors = result.stderr.strip().splitlines()
    assert errors == [f"gxnlp: {empty}: empty file", f"gxnlp: {notzip}: not a valid .docx (not a zip archive)"]
    assert "Traceback" not in result.stderr


def test_pdf_fast_table_path_reads_the_same_cells_as_pdfplumber():
    """Table cells from pypdfium2 geometry + pdfplumber's cell algorithm equal pdfplumber's own reading."""
    import pypdfium2 as pdfium

    from gxnlp.io.load import pdf_tables, pdfium_tables

    data = SEED_PDF.read_bytes()
    pdf = pdfium.PdfDocument(data)
    try:
        for page in range(len(pdf)):
            fast = pdfium_tables(pdf, page)
            slow = pdf_tables(data, str(SEED_PDF), [page]).get(page)
            assert (fast is None) == (slow is None)
            if fast is None:
                continue
            assert [[line.cells for line in t.rows] for t in fast[2]] == [[line.cells for line in t.rows] for t in slow[2]]
    finally:
        pdf.close()


def test_pdf_cells_keep_page_box_and_table_index():
    report = gxnlp.parse(SEED_PDF)
    cell = report.to_dict()["provenance"]["tables"]["table3"]["rows"]["granted"][0]
    assert cell["raw"] == "0"
    assert set(cell["loc"]) >= {"page", "table", "row", "col", "bbox"}
