"""Cropped cell images for the audit page: what the page prints, next to what was parsed.

For a check whose `cause` is known (gxnlp/check/cause.py), each named cell's box is cut from the
page pixels and inlined as a data: URI PNG (the page's CSP allows `img-src data:` and nothing else).
"""
from __future__ import annotations

import base64
from typing import Optional

from gxnlp.model.core import Check, Report
from gxnlp.report.html import esc

MAX_IMAGES = 12  # per check


def png_uri(gray) -> str:
    import cv2

    ok, buf = cv2.imencode(".png", gray)
    return "data:image/png;base64," + base64.b64encode(buf.tobytes()).decode("ascii") if ok else ""


def cell_images(report: Report, check: Check, cache=None) -> list[tuple[str, str, str]]:
    """[(cell name, parsed value as printed, data URI)] for the cells of a check with a cause."""
    from pathlib import Path

    from gxnlp.check.cause import PageCache, cell_box, find_cell

    if check.cause is None or not Path(report.source).is_file():
        return []
    try:
        cache = cache or PageCache(report.source)
    except OSError:
        return []
    out = []
    for name in check.cells[:MAX_IMAGES]:
        cell = find_cell(report, name)
        if cell is None or cell.loc is None or cell.loc.page is None:
            continue
        pages = {cell.loc.page: cache.tables(cell.loc.page)} if cell.loc.conf is None else {}
        found = cell_box(cell, pages)
        if found is None:
            continue
        crop = cache.crop(found[0], found[1], found[2], scale=2.0)
        if crop is not None:
            out.append((name, cell.raw.strip() or "·", png_uri(crop)))
    return out


def cause_html(report: Report, check: Check, cache=None) -> str:
    """The cause badge and the cropped cells, or "" when the cause is unknown."""
    if check.cause is None:
        return ""
    words = {"source": "printed so: the published table is wrong",
             "parse": "misread: the page shows something else"}
    figs = "".join(f"<figure class=\"cellimg\"><img alt=\"{esc(name)}\" src=\"{uri}\">"
                   f"<figcaption>{esc(name)} = {esc(raw)}</figcaption></figure>"
                   for name, raw, uri in cell_images(report, check, cache))
    figs = f'<div class="cellimgs">{figs}</div>' if figs else ""
    return (f"<div class=\"cause cause-{esc(check.cause)}\"><b>cause: {esc(check.cause)}</b> "
            f"<span class=\"muted\">{esc(words.get(check.cause, ''))}</span>{figs}</div>")
