"""Tables from OCR boxes: rows and columns from ruling lines where the scan has them, else from box geometry.

find_rulings → rulings_to_tables (pdfplumber's own merge_edges → edges_to_intersections →
intersections_to_cells → cells_to_tables, as for text-layer PDFs) → boxes_to_cells → lines.
Every table row becomes a Line with `cells` (and per-cell `cell_locs`: page, bbox, confidence), so
the same label-anchored row reader (gxnlp/parse/tables.py) reads scans and text layers alike.
Without ruling, a line whose trailing boxes are numbers is split into label + one cell per number.
"""
from __future__ import annotations

import re
from typing import Optional

from gxnlp.model.core import Line, Loc

DIGIT = re.compile(r"\d")
NUMBERISH = re.compile(r"^[\d.,%-]+$|^[/\u2014-]$")  # a value box; blank words come from gxnlp/data via cells
RULE_MIN_FRACTION = 0.025  # a ruling segment is at least this share of the page side (pixels)
EDGE_TOLERANCE = 3.0  # pt, as load.pdfium_tables
LOW_CONFIDENCE = 0.6  # a digit read below this is a guess: a warning on its cell (RapidOCR scores a clean
#                       lone "0" 0.6–0.99, so a higher bar would flag most zero cells of a scan)


# --- ruling ---------------------------------------------------------------------------------

def find_rulings(gray, scale: float) -> list[dict]:
    """Horizontal and vertical ink runs (morphological opening), as pdfplumber edges in page units."""
    import cv2

    h, w = gray.shape
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    edges = []
    for orient, kernel in (("h", (max(25, int(w * RULE_MIN_FRACTION * 1.5)), 1)),
                           ("v", (1, max(25, int(h * RULE_MIN_FRACTION)))),):
        mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, bw, bh, _area in stats[1:n]:
            x0, y0, x1, y1 = x / scale, y / scale, (x + bw) / scale, (y + bh) / scale
            if orient == "h" and bw > 3 * bh:
                yc = (y0 + y1) / 2
                edges.append({"x0": x0, "x1": x1, "top": yc, "bottom": yc, "width": x1 - x0, "height": 0,
                              "orientation": "h", "object_type": "line"})
            elif orient == "v" and bh > 3 * bw:
                xc = (x0 + x1) / 2
                edges.append({"x0": xc, "x1": xc, "top": y0, "bottom": y1, "width": 0, "height": y1 - y0,
                              "orientation": "v", "object_type": "line"})
    return edges


def rulings_to_tables(edges: list[dict]) -> list[tuple[tuple, list[list[Optional[tuple]]]]]:
    """[(table bbox, rows of cell bboxes (None where a merged cell covers the slot))]."""
    from pdfplumber import table as plumber_table

    if not edges:
        return []
    t = EDGE_TOLERANCE
    edges = plumber_table.merge_edges(edges, t, t, t, t)
    cells = plumber_table.intersections_to_cells(plumber_table.edges_to_intersections(edges, t, t))
    out = []
    for group in plumber_table.cells_to_tables(cells):
        if len(group) < 4:
            continue
        table = plumber_table.Table(None, group)
        out.append((table.bbox, [list(row.cells) for row in table.rows]))
    return sorted(out, key=lambda x: x[0][1])


# --- boxes ----------------------------------------------------------------------------------

def inside(box, cell, slack: float = 1.0) -> bool:
    return cell[0] - slack <= box.cx <= cell[2] + slack and cell[1] - slack <= box.cy <= cell[3] + slack


def text_rows(boxes: list) -> list[list]:
    """Boxes grouped into printed lines (vertical centre within half a line height), each left to right."""
    rows: list[list] = []
    for box in sorted(boxes, key=lambda b: (b.cy, b.bbox[0])):
        if rows:
            last = rows[-1]
            ref = sum(b.cy for b in last) / len(last)
            height = max(b.height for b in last)
            if abs(box.cy - ref) <= 0.5 * max(height, box.height):
                last.append(box)
                continue
        rows.append([box])
    return [sorted(r, key=lambda b: b.bbox[0]) for r in rows]


def join_row(row: list) -> str:
    """One printed line: boxes far apart (more than a character) are separated by a space."""
    out = ""
    for prev, box in zip([None] + row, row):
        if prev is not None and box.bbox[0] - prev.bbox[2] > 0.8 * max(prev.height, box.height):
            out += " "
        out += box.text
    return out


def cell_text(boxes: list) -> str:
    return "".join(join_row(r).replace(" ", "") for r in text_rows(boxes))


def union(bboxes) -> tuple[float, float, float, float]:
    bboxes = list(bboxes)
    return (min(b[0] for b in bboxes), min(b[1] for b in bboxes), max(b[2] for b in bboxes), max(b[3] for b in bboxes))


def rnd(bbox) -> tuple[float, float, float, float]:
    return tuple(round(v, 1) for v in bbox)


def cell_loc(page: int, bbox, boxes: list) -> Loc:
    conf = round(min(b.conf for b in boxes), 3) if boxes else None
    return Loc(page=page, bbox=rnd(bbox), conf=conf)


def low_confidence(text: str, conf: Optional[float], threshold: float) -> bool:
    return conf is not None and conf < threshold and bool(DIGIT.search(text))


# --- page ------------------------------------------------------------------------------------

def page_lines(boxes: list, image, page: int) -> tuple[list[Line], list[str]]:
    """The page in reading order: table rows as cells, other boxes as text lines."""
    tables = rulings_to_tables(find_rulings(image.gray, image.scale))
    placed: set[int] = set()
    blocks: list[tuple[float, list[Line]]] = []
    warnings: list[str] = []
    for t_index, (tbbox, rows) in enumerate(tables):
        members = [i for i, b in enumerate(boxes) if inside(b, tbbox, 2.0)]
        lines = []
        for r, row in enumerate(rows):
            texts, locs = [], []
            for cell in row:
                if cell is None:
                    texts.append("")
                    locs.append(Loc(page=page))
                    continue
                mine = [i for i in members if i not in placed and inside(boxes[i], cell)]
                placed.update(mine)
                text = cell_text([boxes[i] for i in mine])
                loc = cell_loc(page, cell, [boxes[i] for i in mine])
                texts.append(text)
                locs.append(loc)
            real = [c for c in row if c is not None]
            if not real:
                continue
            lines.append(Line("\t".join(texts), Loc(page=page, table=t_index, row=r, bbox=rnd(union(real))),
                              tuple(texts), tuple(locs)))
        placed.update(members)
        if lines:
            blocks.append((tbbox[1], lines))
    rest = [b for i, b in enumerate(boxes) if i not in placed]
    for row in text_rows(rest):
        blocks.append((min(b.bbox[1] for b in row), [geometry_line(row, page, warnings, LOW_CONFIDENCE)]))
    blocks.sort(key=lambda x: x[0])
    return [line for _, lines in blocks for line in lines], warnings


def geometry_line(row: list, page: int, warnings: list[str], threshold: float) -> Line:
    """An unruled line; its trailing number boxes become cells (label + values) with their own boxes."""
    text = join_row(row)
    values = []
    k = len(row)
    while k > 1 and NUMBERISH.match(row[k - 1].text):
        k -= 1
    values = row[k:]
    bbox = rnd(union(b.bbox for b in row))
    if not values:
        return Line(text, Loc(page=page, bbox=bbox))
    label = row[:k]
    cells = (join_row(label), *(b.text for b in values))
    locs = (cell_loc(page, union(b.bbox for b in label), label), *(cell_loc(page, b.bbox, [b]) for b in values))
    return Line("\t".join(cells), Loc(page=page, bbox=bbox), cells, locs)


# --- provenance onto the report's cells --------------------------------------------------------

def cell_name(table_key: str, row_key: str, i: int, width: int) -> str:
    from gxnlp import rules

    columns = {"table3": rules.TABLE3_COLUMNS, "table4": rules.TABLE4_COLUMNS}.get(table_key)
    if columns is not None and width == len(columns):
        return f"{table_key}.{row_key}.{columns[i]}"
    return f"{table_key}.{row_key}" if width == 1 else f"{table_key}.{row_key}[{i}]"


def attach_cell_locs(doc, tables: dict) -> list[str]:
    """Give every table cell read by OCR its own page + bbox + confidence (from its line's `cell_locs`),
    and mark a digit read below LOW_CONFIDENCE: a note on the cell and a warning naming it."""
    from dataclasses import replace

    by_line = {ln.loc.line: ln for ln in doc.lines if ln.cell_locs is not None}
    if not by_line:
        return []
    warnings = []
    for key, table in tables.items():
        if table is None:
            continue
        for row_key, cells in table.rows.items():
            if not cells:
                continue
            for i, cell in enumerate(cells):
                loc = cell.loc
                line = by_line.get(loc.line) if loc is not None else None
                if line is None or loc.col is None or loc.col >= len(line.cell_locs):
                    continue
                own = line.cell_locs[loc.col]
                cells[i] = cell = replace(cell, loc=replace(loc, bbox=own.bbox or loc.bbox, conf=own.conf))
                if low_confidence(cell.raw, own.conf, LOW_CONFIDENCE):
                    note = f"OCR confidence {own.conf:.2f}: a guess"
                    cells[i] = replace(cell, note=f"{cell.note}; {note}" if cell.note else note)
                    warnings.append(f"{cell_name(key, row_key, i, len(cells))}: OCR read “{cell.raw}” "
                                    f"with confidence {own.conf:.2f} (page {own.page}; a guess)")
    return warnings
