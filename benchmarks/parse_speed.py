"""Parse speed per format, on one core, process start-up excluded.

Measures gxnlp.parse on the five seed reports in each format (txt from corpora/seeds,
docx/html/pdf from tests/fixtures/formats), and, as the yardstick, pdfplumber's plain
extract_text (and extract_tables, and pypdfium2's text) on the same PDFs in the same run.
Also the cost of sentence tagging: txt parse with and without `tag_sentences`, in
alternating rounds (target: ≤ 3 ms a report, so that txt parse keeps ≥ 100 reports/s).
Prints the figures and merges them into benchmarks/results.json under "parse_speed"
(keys this run does not measure are kept).

    python benchmarks/parse_speed.py [--repeat 5] [--tagging-only]
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


TAGGING_TARGET_MS = 3.0


def tagging_cost(repeat: int) -> dict:
    """ms a txt report spends in sentence tagging: parse with tagging minus parse without.

    Rounds alternate (all seeds tagged, all seeds untagged) so that drift in machine load
    falls on both; the figure is the median over rounds of the per-round difference.
    """
    import gxnlp

    paths = files("txt")
    tagged, untagged = gxnlp.ParseSettings(tag_sentences=True), gxnlp.ParseSettings(tag_sentences=False)

    def per_report(settings) -> float:
        t = time.perf_counter()
        for p in paths:
            gxnlp.parse(p, settings)
        return (time.perf_counter() - t) / len(paths) * 1000

    for _ in range(2):  # warm-up: model load, caches
        per_report(tagged), per_report(untagged)
    with_tag, without_tag = [], []
    for _ in range(max(5, 4 * repeat)):
        with_tag.append(per_report(tagged))
        without_tag.append(per_report(untagged))
    cost = statistics.median(a - b for a, b in zip(with_tag, without_tag))
    return {"files": len(paths), "rounds": len(with_tag),
            "txt_ms_per_report_with_tagging": round(statistics.median(with_tag), 2),
            "txt_ms_per_report_without_tagging": round(statistics.median(without_tag), 2),
            "tagging_ms_per_report": round(cost, 2), "tagging_target_ms": TAGGING_TARGET_MS,
            "tagging_target_met": cost <= TAGGING_TARGET_MS}


def save(out: dict) -> None:
    """Merge `out` into results.json["parse_speed"]; other keys and sections are kept (atomic replace)."""
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    results.setdefault("parse_speed", {}).update(out)
    tmp = RESULTS.with_suffix(".json.parse_speed.tmp")
    tmp.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, RESULTS)


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--tagging-only", action="store_true", help="measure only the cost of sentence tagging")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core

    tagging = tagging_cost(args.repeat)
    if args.tagging_only:
        out = {"tagging": {"machine": f"{platform.machine()} {platform.python_version()}", "cores_used": 1,
                           **tagging},
               "tagging_ms_per_report": tagging["tagging_ms_per_report"]}
        save(out)
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return out

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
    out["tagging"] = {"machine": out["machine"], "cores_used": 1, **tagging}
    out["tagging_ms_per_report"] = tagging["tagging_ms_per_report"]
    save(out)
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return out


if __name__ == "__main__":
    main()
