"""Source or parse? Re-read the cells a failing check names from the page pixels.

failing checks → cells they name → each cell's page box (its own box for an OCR cell; from the page's
ruling for a text-layer PDF row) → render, crop, OCR → compare with the parsed value →
`Check.cause = "source"` when the page prints what was parsed (the published table is wrong), or
`"parse"` when the page shows something else (both readings go into the detail).
Runs only when the `ocr` extra is installed; otherwise `cause` stays unset.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from gxnlp import rules
from gxnlp.model.core import Cell, Report

MAX_CELLS = 60  # cells re-read per report (a table failing everywhere names every cell)
CROP_SCALE = 4.0  # 288 dpi for the crop: a lone digit is ~40 px high
INSET = 2.0  # pt: keep ruling out of the crop
PAD = 12  # px of white around the crop, so the detector sees a margin


@dataclass(frozen=True)
class Reading:
    name: str
    parsed: Optional[float]
    raw: str
    page: int
    bbox: tuple[float, float, float, float]
    seen: str
    seen_value: Optional[float]

    @property
    def agrees(self) -> bool:
        if self.parsed is None or self.seen_value is None:
            return self.parsed is None and self.seen_value is None
        return abs(self.parsed - self.seen_value) < 1e-6


def find_cell(report: Report, name: str) -> Optional[Cell]:
    """'table3.granted.total' / 'table4.review.upheld' / 'table2.licensing' → the Cell."""
    parts = name.split(".")
    table = report.tables.get(parts[0])
    if table is None or len(parts) < 2:
        return None
    if parts[0] in ("table3", "table4") and len(parts) == 3:
        columns = rules.TABLE3_COLUMNS if parts[0] == "table3" else rules.TABLE4_COLUMNS
        cells = table.rows.get(parts[1])
        if cells is None or parts[2] not in columns:
            return None
        i = columns.index(parts[2])
        return cells[i] if i < len(cells) else None
    cells = table.rows.get(".".join(parts[1:]))
    return cells[0] if cells else None


def cell_box(cell: Cell, pages: dict) -> Optional[tuple[int, tuple[float, float, float, float], bool]]:
    """(page, bbox, leveled): an OCR cell's own box (on the deskewed page); a text-layer cell's box from
    the rendered page's ruling, by its row's bbox and column."""
    loc = cell.loc
    if loc is None or loc.page is None or loc.bbox is None:
        return None
    if loc.conf is not None:
        return loc.page, loc.bbox, True
    if loc.col is None:
        return None
    tables = pages.get(loc.page)
    if tables is None:
        return None
    best, best_d = None, 3.0  # pt
    for _tbbox, rows in tables:
        for row in rows:
            real = [c for c in row if c is not None]
            if not real or loc.col >= len(row) or row[loc.col] is None:
                continue
            top, bottom = min(c[1] for c in real), max(c[3] for c in real)
            d = abs(top - loc.bbox[1]) + abs(bottom - loc.bbox[3])
            if d < best_d:
                best, best_d = row[loc.col], d
    return (loc.page, best, False) if best is not None else None


class PageCache:
    """Rendered pages of one source file, as OCR saw them (leveled) or as printed."""

    def __init__(self, source: str):
        from pathlib import Path

        self.source = source
        self.data = Path(source).read_bytes()
        self.images: dict = {}
        self.ruled: dict = {}

    def image(self, page: int, leveled: bool):
        from gxnlp.io.ocr import page_image

        key = (page, leveled)
        if key not in self.images:
            self.images[key] = page_image(self.source, page, level=leveled, data=self.data)
        return self.images[key]

    def tables(self, page: int):
        from gxnlp.io.ocr_tables import find_rulings, rulings_to_tables

        if page not in self.ruled:
            img = self.image(page, False)
            self.ruled[page] = rulings_to_tables(find_rulings(img.gray, img.scale))
        return self.ruled[page]

    def crop(self, page: int, bbox, leveled: bool, scale: float = CROP_SCALE):
        """The cell's pixels, white-padded, at `scale` pixels per page unit."""
        import cv2
        import numpy as np

        img = self.image(page, leveled)
        s = img.scale
        h, w = img.gray.shape
        inset = INSET * 1.75 if leveled else INSET  # a deskewed scan's ruling is straight only to ~1 pt
        x0, y0 = max(0, int((bbox[0] + inset) * s)), max(0, int((bbox[1] + inset) * s))
        x1, y1 = min(w, int((bbox[2] - inset) * s)), min(h, int((bbox[3] - inset) * s))
        if x1 <= x0 or y1 <= y0:
            return None
        part = img.gray[y0:y1, x0:x1]
        f = scale / s if img.scale != 1.0 else max(1.0, 48 / max(1, part.shape[0]))
        part = cv2.resize(part, (max(1, int(part.shape[1] * f)), max(1, int(part.shape[0] * f))),
                          interpolation=cv2.INTER_CUBIC)
        return np.pad(part, PAD, constant_values=255)

    def ink(self, crop):
        """The crop cut to its ink, with a margin of a third of the ink's height (what the recogniser is trained on);
        None when the cell has no ink."""
        import numpy as np

        import cv2

        crop = crop.copy()
        dark = (crop < 128).astype(np.uint8)
        h, w = dark.shape
        for kernel in ((1, max(3, int(h * 0.45))), (max(3, int(w * 0.45)), 1)):  # ruling left in the crop,
            lines = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
            crop[cv2.dilate(lines, np.ones((3, 3), np.uint8)) > 0] = 255  # even slanted by a residual skew
        mask = crop < 128
        if mask.sum() < 8:
            return None
        ys, xs = np.nonzero(mask)
        y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        margin = max(4, (y1 - y0) // 3)
        return np.pad(crop[y0:y1, x0:x1], margin, constant_values=255)


def reread(cache: PageCache, name: str, cell: Cell) -> Optional[Reading]:
    from gxnlp.io.ocr import recognise
    from gxnlp.parse.cells import read_number

    loc = cell.loc
    found = None
    if loc is not None and loc.page is not None:
        pages = {loc.page: cache.tables(loc.page)} if loc.conf is None and loc.col is not None else {}
        found = cell_box(cell, pages)
    if found is None:
        return None
    page, bbox, leveled = found
    crop = cache.crop(page, bbox, leveled)
    if crop is None:
        return None
    tight = cache.ink(crop)
    if tight is None:  # no ink: a blank cell
        seen = ""
    else:  # a cell holds one short line: the recogniser alone, on the tight crop (no detector pass)
        seen = "".join("".join(text.split()) for _, text, conf in recognise(tight, detect=False) if conf >= 0.3)
    return Reading(name, cell.value, cell.raw, page, tuple(bbox), seen, read_number(seen))


def assign_causes(report: Report, source: Optional[str] = None) -> None:
    """Set `cause` on every failing check whose named cells can be re-read from the page."""
    from gxnlp.io.ocr import available

    if not available() or report.format not in ("pdf", "image"):
        return
    failing = [c for c in report.checks if c.status == "fail" and c.cells]
    if not failing:
        return
    from pathlib import Path

    path = source or report.source
    if not Path(path).is_file():
        return
    cache = PageCache(str(path))
    readings: dict[str, Optional[Reading]] = {}
    for check in failing:
        for name in check.cells:
            if name in readings or len(readings) >= MAX_CELLS:
                continue
            cell = find_cell(report, name)
            readings[name] = reread(cache, name, cell) if cell is not None else None
    for check in failing:
        done = [readings[n] for n in check.cells if readings.get(n) is not None]
        if not done:
            continue
        wrong = [r for r in done if not r.agrees]
        if wrong:
            check.cause = "parse"
            shown = "; ".join(f"{r.name}: parsed “{r.raw}”, page shows “{r.seen}”" for r in wrong)
            check.detail = f"{check.detail} [re-read from the page: {shown}]"
        else:
            check.cause = "source"
            check.detail = (f"{check.detail} [re-read from the page: {len(done)} cell"
                            f"{'s' if len(done) > 1 else ''} printed as parsed]")
