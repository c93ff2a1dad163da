"""OCR speed: seconds per OCRed page and the share of pages that needed OCR.

    python benchmarks/ocr_speed.py [--scans DIR] [--out benchmarks/ocr_speed.json]

Parses the seed and real text-layer PDFs (no page should need OCR) and the scanned copies made by
tests/fixtures/scans/make_scans.py (the committed fixtures, or every report with `--scans DIR` after
`make_scans.py --all DIR`). Reports wall seconds per OCRed page, excluding model load, and cell accuracy of
the scans against their truth. Target: ≤ 2 s/page on 2 cores.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def truth_for(path: Path):
    stem = path.name.split(".")[0]
    for d in (ROOT / "corpora/truth", ROOT / "corpora/real/truth"):
        if (d / f"{stem}.json").exists():
            return json.loads((d / f"{stem}.json").read_text(encoding="utf-8"))
    return None


def main(argv=None) -> int:
    from conftest import score
    from gxnlp.io import ocr
    from gxnlp.pipeline import parse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scans", type=Path, default=ROOT / "tests/fixtures/scans")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks/ocr_speed.json")
    args = ap.parse_args(argv)
    ocr.engine()  # model load, once per process, not counted
    text_pdfs = sorted((ROOT / "tests/fixtures/formats").glob("*.pdf")) + sorted((ROOT / "corpora/real/files").glob("*.pdf"))
    scans = sorted(args.scans.glob("*.scan.pdf"))
    rows, pages, ocr_pages, ocr_seconds = [], 0, 0, 0.0
    for path in text_pdfs + scans:
        t = time.perf_counter()
        report = parse(path)
        dt = time.perf_counter() - t
        n = report.document.pages or 1
        read = next((w for w in report.warnings if w.startswith("read by OCR")), "")
        k = len(read.split(":", 1)[1].split(",")) if read else 0
        pages += n
        ocr_pages += k
        if k:
            ocr_seconds += dt
        row = {"file": path.name, "pages": n, "ocr_pages": k, "seconds": round(dt, 2)}
        truth = truth_for(path)
        if k and truth is not None:
            s, misses = score(report.to_dict(provenance=False), truth)
            row["cells"] = round(s.get("cells", 0.0), 4)
            row["misses"] = misses[:10]
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    out = {"cores": os.cpu_count(), "load_average": os.getloadavg()[0], "pages": pages, "ocr_pages": ocr_pages,
           "share_ocr": round(ocr_pages / pages, 3) if pages else 0.0,
           "s_per_ocr_page": round(ocr_seconds / ocr_pages, 2) if ocr_pages else None,
           "target_s_per_page": 2.0, "files": rows}
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{ocr_pages}/{pages} pages OCRed ({out['share_ocr']:.0%}); {out['s_per_ocr_page']} s per OCRed page "
          f"(load average {out['load_average']:.1f} on {out['cores']} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
