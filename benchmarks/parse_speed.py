"""Parse speed per format, on one core, process start-up excluded.

Measures gxnlp.parse on the five seed reports in each format (txt from corpora/seeds,
docx/html/pdf from tests/fixtures/formats), and, as the yardstick, pdfplumber's plain
extract_text (and extract_tables, and pypdfium2's text) on the same PDFs in the same run.
Prints the figures and merges them into benchmarks/results.json under "parse_speed".

    python benchmarks/parse_speed.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"


def files(fmt: str) -> list[Path]:
    if fmt == "txt":
        return sorted((ROOT / "corpora" / "seeds").glob("*.txt"))
    return sorted((ROOT / "tests" / "fixtures" / "formats").glob(f"*.{fmt}"))


def timed(fn, repeat: int) -> float:
    """Median seconds of `repeat` runs (after one warm-up run)."""
    fn()
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core

    import pdfplumber
    import pypdfium2 as pdfium

    import gxnlp

    out: dict = {"machine": f"{platform.machine()} {platform.python_version()}", "cores_used": 1,
                 "repeat": args.repeat, "formats": {}}
    settings = gxnlp.ParseSettings(tag_sentences=True)
    for fmt in ("txt", "html", "docx", "pdf"):
        paths = files(fmt)
        per_file = [timed(lambda p=p: gxnlp.parse(p, settings), args.repeat) for p in paths]
        total = sum(per_file)
        out["formats"][fmt] = {"files": len(paths), "median_ms_per_report": round(statistics.median(per_file) * 1000, 2),
                               "reports_per_s": round(len(paths) / total, 1)}
    pdfs = files("pdf")
    pages = sum(pdf_pages(p) for p in pdfs)
    data = {p: p.read_bytes() for p in pdfs}

    def plumber_text():
        for p in pdfs:
            with pdfplumber.open(io.BytesIO(data[p])) as pdf:
                for page in pdf.pages:
                    page.extract_text()

    def plumber_tables():
        for p in pdfs:
            with pdfplumber.open(io.BytesIO(data[p])) as pdf:
                for page in pdf.pages:
                    page.extract_tables()

    def pdfium_text():
        for p in pdfs:
            pdf = pdfium.PdfDocument(data[p])
            for i in range(len(pdf)):
                pdf[i].get_textpage().get_text_bounded()
            pdf.close()

    def gx_pdf():
        for p in pdfs:
            gxnlp.parse(p, settings)

    per_page = {name: round(timed(fn, args.repeat) / pages * 1000, 2)
                for name, fn in (("gxnlp_parse", gx_pdf), ("pdfplumber_extract_text", plumber_text),
                                 ("pdfplumber_extract_tables", plumber_tables), ("pypdfium2_text", pdfium_text))}
    out["pdf_ms_per_page"] = {"pages": pages, **per_page}
    out["pdf_target_met"] = per_page["gxnlp_parse"] <= per_page["pdfplumber_extract_text"]
    out["txt_html_target_met"] = all(out["formats"][f]["reports_per_s"] >= 100 for f in ("txt", "html"))
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    results["parse_speed"] = out
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return out


if __name__ == "__main__":
    main()
