"""Load a report file into a Document of lines, whatever its format.

The format is sniffed from the bytes (the suffix is only a tie-breaker), and
every third-party failure is wrapped in a LoadError naming the file. Real tables
(Word, HTML, PDF) become lines whose `cells` hold the row, so later stages see
one representation for every format.
"""
from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from gxnlp import rules
from gxnlp.errors import GxnlpError, LoadError, ScannedPDFError
from gxnlp.io.guard import FORMAT_NAMES, MAX_BAD_BYTES, cause, check_docx_parts, quiet_pdfminer, utf16_without_bom
from gxnlp.model.core import Document, Line, Loc
from gxnlp.settings import ParseSettings

PDF_MAGIC = b"%PDF"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|div|table|p)\b",
                        re.I | re.S)
TEXT_CELL_SPLIT = re.compile(r"\t")
PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def sniff(data: bytes, suffix: str) -> str:
    head = data[:4096]
    if head.startswith(PDF_MAGIC) or (b"%PDF-" in head[:1024] and suffix == ".pdf"):
        return "pdf"
    if head.startswith(ZIP_MAGIC):
        return "docx"
    if head.startswith(OLE_MAGIC):
        return "doc"
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        return "image"  # a scanned report page: read by OCR (gxnlp/io/ocr.py)
    text_head = head.lstrip(codecs.BOM_UTF8)
    if HTML_START.match(text_head) or (suffix in (".html", ".htm") and b"<" in text_head[:200]):
        return "html"
    return "txt"


def load(path, settings: ParseSettings | None = None) -> Document:
    settings = ParseSettings.resolve(settings)
    path = Path(path)
    try:
        size = path.stat().st_size
        if size == 0:
            raise LoadError(path, "empty file")
        data = path.read_bytes()
    except IsADirectoryError as e:
        raise LoadError(path, "is a directory, not a report file") from e
    except PermissionError as e:
        raise LoadError(path, "permission denied") from e
    except FileNotFoundError as e:
        raise LoadError(path, "no such file") from e
    except OSError as e:
        raise LoadError(path, f"cannot read ({e.strerror or e})") from e
    return load_bytes(data, str(path), settings)


def load_bytes(data: bytes, source: str, settings: ParseSettings | None = None, format: str | None = None) -> Document:
    """`format` (txt, docx, html, pdf, image) overrides what the bytes are sniffed as."""
    settings = ParseSettings.resolve(settings)
    if not data:
        raise LoadError(source, "empty file")
    suffix = Path(source).suffix.lower()
    kind = format or sniff(data, suffix)
    if kind == "doc":
        raise LoadError(source, "legacy Word 97-2003 (.doc) file: convert it to .docx")
    if suffix == ".docx" and kind != "docx":
        raise LoadError(source, "not a valid .docx (not a zip archive)")
    if suffix == ".pdf" and kind != "pdf":
        raise LoadError(source, "not a PDF (no %PDF header)")
    if kind in ("txt", "html") and len(data) > settings.max_text_bytes:
        raise LoadError(source, f"too large for a report ({len(data) / 1e6:.0f} MB of text; "
                                f"the limit is {settings.max_text_bytes / 1e6:.0f} MB)")
    try:
        return READERS[kind](data, source, settings)
    except (GxnlpError, MemoryError):  # MemoryError: past a worker's --max-memory, the batch's to report
        raise
    except RecursionError as e:
        raise LoadError(source, f"damaged {FORMAT_NAMES[kind]} (nested too deeply)") from e
    except Exception as e:  # a third-party reader failed on damaged bytes: a bad file, not a bug
        raise LoadError(source, f"damaged {FORMAT_NAMES[kind]} ({cause(e)})") from e


# --- text -----------------------------------------------------------------------------

def decode_text(data: bytes, source: str, warnings: list | None = None) -> str:
    """UTF-8 (with or without BOM), UTF-16/32 with BOM, UTF-16 without BOM, then GB18030 (a superset
    of GBK). A few undecodable bytes are replaced (U+FFFD) and counted in a warning."""
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as e:
                raise LoadError(source, f"damaged {enc} text ({e.reason} at byte {e.start})") from e
    if b"\x00" in data[:2000]:
        utf16 = utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise LoadError(source, "binary data, not a text, Word, HTML or PDF report")
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    best = min(("utf-8", "gb18030"), key=lambda enc: data.decode(enc, "replace").count("\ufffd"))
    text = data.decode(best, "replace")
    bad = text.count("\ufffd")
    if bad <= max(1, MAX_BAD_BYTES * len(data)):
        if warnings is not None:
            warnings.append(f"damaged text: {bad} undecodable character{'s' if bad > 1 else ''} ({best}) "
                            f"replaced with U+FFFD")
        return text
    raise LoadError(source, "not a text, Word, HTML or PDF report (undecodable bytes; tried UTF-8, GB18030)")


def looks_like_text(text: str) -> bool:
    if not text.strip():
        return False
    sample = text[:20000]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    private = sum(1 for ch in sample if 0xE000 <= ord(ch) <= 0xF8FF or ch == "\ufffd")
    return (control + private) / len(sample) < 0.02


def split_cells(text: str) -> tuple[str, ...] | None:
    """Tab rows and web-style pipe rows are rows of cells; other lines are plain text."""
    if "\t" in text:
        return tuple(c.strip() for c in TEXT_CELL_SPLIT.split(text))
    if PIPE_ROW.match(text) and text.count("|") >= 3:
        inner = text.strip()[1:-1]
        return tuple(c.strip() for c in inner.split("|"))
    return None


def text_lines(text: str, *, page: int | None = None, first_line: int = 1) -> list[Line]:
    lines = []
    for i, raw in enumerate(text.splitlines()):
        if PIPE_RULE.match(raw) and "-" in raw and "|" in raw:
            continue  # the |---|---| under a pipe table header
        lines.append(Line(raw.rstrip("\r"), Loc(line=first_line + i, page=page), split_cells(raw)))
    return lines


def read_txt(data: bytes, source: str, settings: ParseSettings) -> Document:
    warnings: list[str] = []
    text = decode_text(data, source, warnings)
    if not looks_like_text(text):
        raise LoadError(source, "not a text, Word, HTML or PDF report (binary or control characters)")
    return Document(source, "txt", text_lines(text), warnings)


# --- tables from Word and HTML -----------------------------------------------------------

def grid_lines(grid: list[list[str]], table_index: int, first_line: int, page: int | None = None) -> list[Line]:
    lines = []
    for r, row in enumerate(grid):
        cells = tuple(" ".join(c.split()) if c else "" for c in row)
        lines.append(Line("\t".join(cells), Loc(line=first_line + r, page=page, table=table_index, row=r), cells))
    return lines


def read_docx(data: bytes, source: str, settings: ParseSettings) -> Document:
    try:
        import docx
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph
    except ImportError as e:  # pragma: no cover - a dependency
        raise LoadError(source, "python-docx is not installed") from e
    check_docx_parts(data, source, settings)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise LoadError(source, f"not a valid .docx ({cause(e)})") from e
    except Exception as e:  # python-docx/lxml raise many types on damaged packages
        raise LoadError(source, f"damaged .docx ({cause(e)})") from e
    lines: list[Line] = []
    table_index = 0
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, document).text
            for part in text.split("\n"):
                lines.append(Line(part, Loc(line=len(lines) + 1), split_cells(part)))
        elif tag == "tbl":
            grid = docx_grid(DocxTable(child, document))
            lines.extend(grid_lines(grid, table_index, len(lines) + 1))
            table_index += 1
    return Document(source, "docx", lines)


def docx_grid(table) -> list[list[str]]:
    """Rows of cell texts; a merged cell's text stands in its first grid cell, the rest are blank."""
    grid = []
    seen = set()  # the <w:tc> elements themselves: holding them keeps their identity stable
    for row in table.rows:
        out = []
        for cell in row.cells:
            if cell._tc in seen:
                out.append("")
            else:
                seen.add(cell._tc)
                out.append(cell.text.replace("\n", ""))
        grid.append(out)
    return grid


BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "blockquote",
              "pre", "ul", "ol", "center", "tr", "dd", "dt", "header", "footer", "main", "span"}
SKIP_TAGS = {"script", "style", "noscript", "template", "head", "iframe", "svg", "button", "select", "form",
             "nav", "aside"}
NAV_CLASS = re.compile(r"(^|[\s_-])(nav|menu|breadcrumb|crumb|footer|header|share|sidebar|toolbar)($|[\s_-])", re.I)


def read_html(data: bytes, source: str, settings: ParseSettings) -> Document:
    try:
        import lxml.html
    except ImportError as e:  # pragma: no cover
        raise LoadError(source, "lxml is not installed") from e
    warnings: list[str] = []
    text = decode_html(data, source, warnings)
    if not text.strip():
        raise LoadError(source, "empty HTML page")
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as e:  # lxml raises ParserError/ValueError on empty or odd documents
        raise LoadError(source, f"unreadable HTML ({e.__class__.__name__})") from e
    page_title = " ".join((root.findtext(".//title") or "").split())
    for bad in root.xpath("//script|//style|//noscript|//template|//head"):
        bad.drop_tree()
    body = root.find("body") if root.find("body") is not None else root
    container = article_container(body)
    lines: list[Line] = []
    walker = HtmlWalker(lines)
    walker.walk(container)
    walker.flush()
    title = report_title(body, page_title)
    if title and not any(title in line.text for line in lines[:5]):
        lines.insert(0, Line(title, Loc(line=0)))  # the headline sits outside the article body
    return Document(source, "html", lines, warnings)


def report_title(body, page_title: str) -> str | None:
    """The page's headline (<h1>…, or the <title> before its "_site name" suffix) when it names a report."""
    word = rules.load("metadata")["title_word"]
    for node in body.xpath(".//h1|.//h2|.//h3|.//*[contains(@class,'title')]"):
        text = " ".join(node.text_content().split())
        if word in text and len(text) <= 80:
            return text
    for part in re.split(r"[_|｜]| - ", page_title):
        if word in part:
            return part.strip()
    return None


def decode_html(data: bytes, source: str, warnings: list | None = None) -> str:
    head = data[:2048].decode("ascii", "ignore").lower()
    m = re.search(r"charset\s*=\s*[\"']?([a-z0-9_-]+)", head)
    if m and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = {"gb2312": "gb18030", "gbk": "gb18030"}.get(m.group(1), m.group(1))
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data, source, warnings)


CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")


def cjk_count(text: str) -> int:
    return len(CJK_CHAR.findall(text))


def article_container(body):
    """Descend while one child holds most of the page's Chinese text: that child is the article."""
    node = body
    while True:
        total = cjk_count(node.text_content())
        if total == 0:
            return node
        best, best_count = None, 0
        for child in node:
            if not isinstance(child.tag, str):
                continue
            count = cjk_count(child.text_content())
            if count > best_count:
                best, best_count = child, count
        if best is None or best_count < 0.8 * total or best.tag == "table" and not best.xpath(".//table"):
            return node
        node = best


class HtmlWalker:
    """Visible text in document order: block elements end lines, leaf tables become rows of cells."""

    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.buffer: list[str] = []
        self.table_index = 0

    def flush(self):
        text = "".join(self.buffer).replace("\xa0", " ")
        self.buffer = []
        for part in text.split("\n"):
            if part.strip():
                self.lines.append(Line(part.strip(), Loc(line=len(self.lines) + 1), split_cells(part.strip())))

    def walk(self, node):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in SKIP_TAGS or NAV_CLASS.search((node.get("class") or "") + " " + (node.get("id") or "")):
            self.tail(node)
            return
        if tag == "table" and not node.xpath(".//table"):
            self.flush()
            grid = html_grid(node)
            self.lines.extend(grid_lines(grid, self.table_index, len(self.lines) + 1))
            self.table_index += 1
            self.tail(node)
            return
        if tag == "br":
            self.buffer.append("\n")
            self.tail(node)
            return
        block = tag in BLOCK_TAGS and tag != "span"
        if block:
            self.flush()
        if node.text:
            self.buffer.append(node.text)
        for child in node:
            self.walk(child)
        if block:
            self.flush()
        self.tail(node)

    def tail(self, node):
        if node.tail:
            self.buffer.append(node.tail)


def html_grid(table) -> list[list[str]]:
    """Expand rowspan/colspan: the text stands in the first grid cell, covered cells are blank."""
    grid: list[list[str | None]] = []
    rows = [tr for tr in table.xpath(".//tr") if tr.xpath("ancestor::table[1]")[0] is table]
    for r, tr in enumerate(rows):
        while len(grid) <= r:
            grid.append([])
        col = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while col < len(grid[r]) and grid[r][col] is not None:
                col += 1
            text = " ".join(td.text_content().replace("\xa0", " ").split())
            rowspan = safe_span(td.get("rowspan")) if "rowspan" in td.attrib else 1
            colspan = safe_span(td.get("colspan")) if "colspan" in td.attrib else 1
            for dr in range(rowspan):
                while len(grid) <= r + dr:
                    grid.append([])
                target = grid[r + dr]
                while len(target) < col + colspan:
                    target.append(None)
                for dc in range(colspan):
                    target[col + dc] = text if dr == 0 and dc == 0 else ""
            col += colspan
    return [[c or "" for c in row] for row in grid if any(c is not None for c in row)]


def safe_span(value) -> int:
    try:
        return max(1, min(int(str(value).strip()), 200))
    except (TypeError, ValueError):
        return 1


# --- PDF ---------------------------------------------------------------------------------

def read_pdf(data: bytes, source: str, settings: ParseSettings) -> Document:
    """pypdfium2 for the text of every page; pdfplumber's geometry only on pages that hold a table."""
    import pypdfium2 as pdfium

    quiet_pdfminer()
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise LoadError(source, "encrypted PDF (password required)") from e
        raise LoadError(source, f"damaged or truncated PDF ({e})") from e
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise LoadError(source, "PDF has no pages")
        if n_pages > settings.max_pdf_pages:
            raise LoadError(source, f"too many pages for a report ({n_pages}; the limit is {settings.max_pdf_pages})")
        page_texts = [pdfium_text(pdf, i) for i in range(n_pages)]
        from gxnlp.io.ocr import image_pages, ocr_pdf_pages  # pages whose text is in pixels → OCR

        scanned = sum(cjk_count(t) + sum(ch.isalnum() for ch in t) for t in page_texts) < 20
        pixel_pages = image_pages(pdf, page_texts)
        if scanned and not pixel_pages:
            raise ScannedPDFError(source, "no text layer (scanned image?)")
        ocr_lines, ocr_warnings = ocr_pdf_pages(pdf, pixel_pages, source, scanned) if pixel_pages else ({}, [])
        markers = table_page_pattern()
        table_pages = [i for i, t in enumerate(page_texts) if markers.search(t)]
        tables = {}
        for i in table_pages:
            found = pdfium_tables(pdf, i)
            if found is not None:
                tables[i] = found
        slow = [i for i in table_pages if i not in tables]
        if slow:  # ruling that is not drawn as plain lines: pdfplumber reads the page itself
            tables.update(pdf_tables(data, source, slow))
        number_tables(tables)
        lines: list[Line] = []
        for i, text in enumerate(page_texts):
            if i in ocr_lines:
                page_lines = ocr_lines[i]
            elif i in tables:
                page_lines = merge_bands(pdf, i, tables[i])
            else:
                page_lines = [Line(raw, Loc(page=i + 1)) for raw in split_lines(text)]
            for line in page_lines:
                lines.append(Line(line.text, Loc(line=len(lines) + 1, page=i + 1, table=line.loc.table,
                                                 row=line.loc.row, col=None, bbox=line.loc.bbox), line.cells,
                                  line.cell_locs))
    finally:
        pdf.close()
    return Document(source, "pdf", lines, ocr_warnings, pages=n_pages)


def number_tables(tables: dict[int, tuple[float, float, list["PdfTable"]]]) -> None:
    """Give every table of the document its index, in page order, for provenance."""
    n = 0
    for i in sorted(tables):
        for table in tables[i][2]:
            table.rows = [replace(line, loc=replace(line.loc, table=n)) for line in table.rows]
            n += 1


def split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def pdfium_text(pdf, index: int, box: tuple[float, float, float, float] | None = None) -> str:
    """Text of a page, or of a box (left, top, right, bottom, in pdfplumber's top-down coordinates)."""
    page = pdf[index]
    textpage = page.get_textpage()
    try:
        if box is None:
            return textpage.get_text_bounded()
        height = page.get_height()
        left, top, right, bottom = box
        return textpage.get_text_bounded(left=left, bottom=height - bottom, right=right, top=height - top)
    finally:
        textpage.close()
        page.close()


@lru_cache(maxsize=1)
def table_page_pattern() -> re.Pattern:
    """A page needs pdfplumber's geometry only if it prints a standard table's header words."""
    words = rules.load("table_rows")["page_markers"]
    return re.compile("|".join(re.escape(w) for w in words))


@dataclass
class PdfTable:
    bbox: tuple[float, float, float, float]
    rows: list[Line]


RULE_WIDTH = 3.0  # a path object thinner than this (pt) is a ruling line
CELL_INSET = 1.0  # shrink a cell's box before reading its text, so a neighbour's glyphs never bleed in


def pdfium_tables(pdf, index: int):
    """Ruled tables from pypdfium2's path objects, cut into cells by pdfplumber's own algorithm
    (merge_edges → edges_to_intersections → intersections_to_cells → cells_to_tables): the same
    cells as pdfplumber without pdfminer's parse of every glyph. None when no table is found."""
    import pypdfium2.raw as pdfium_c
    from pdfplumber import table as plumber_table

    page = pdf[index]
    try:
        width, height = page.get_width(), page.get_height()
        edges = []
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3):
            left, bottom, right, top = obj.get_bounds()
            x0, x1, y0, y1 = left, right, height - top, height - bottom
            if y1 - y0 <= RULE_WIDTH < x1 - x0:
                y = (y0 + y1) / 2
                edges.append({"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0,
                              "orientation": "h", "object_type": "line"})
            elif x1 - x0 <= RULE_WIDTH < y1 - y0:
                x = (x0 + x1) / 2
                edges.append({"x0": x, "x1": x, "top": y0, "bottom": y1, "width": 0, "height": y1 - y0,
                              "orientation": "v", "object_type": "line"})
        if not edges:
            return None
        edges = plumber_table.merge_edges(edges, 3, 3, 3, 3)
        cells = plumber_table.intersections_to_cells(plumber_table.edges_to_intersections(edges, 3, 3))
        groups = [g for g in plumber_table.cells_to_tables(cells) if len(g) >= 4]
        if not groups:
            return None
        textpage = page.get_textpage()
        try:
            found = []
            for group in sorted(groups, key=lambda g: min(c[1] for c in g)):
                table = plumber_table.Table(None, group)
                rows = []
                for r, row in enumerate(table.rows):
                    cells_text = tuple("" if box is None else cell_text(textpage, box, height) for box in row.cells)
                    rows.append(Line("\t".join(cells_text), Loc(page=index + 1, row=r,
                                                                bbox=tuple(round(v, 1) for v in row.bbox)), cells_text))
                found.append(PdfTable(table.bbox, rows))
        finally:
            textpage.close()
        return float(width), float(height), found
    finally:
        page.close()


def cell_text(textpage, box, height: float) -> str:
    x0, top, x1, bottom = box
    text = textpage.get_text_bounded(left=x0 + CELL_INSET, bottom=height - bottom + CELL_INSET,
                                     right=x1 - CELL_INSET, top=height - top - CELL_INSET)
    return "".join(text.split())


def pdf_tables(data: bytes, source: str, pages: list[int]) -> dict[int, tuple[float, float, list[PdfTable]]]:
    """Ruled tables of the given pages: (page width, height, tables) by page index."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    out = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            table_index = 0
            for i in pages:
                if i >= len(pdf.pages):  # pdfium and pdfminer disagree on the page count: a damaged file
                    raise LoadError(source, f"damaged PDF (page {i + 1} is unreadable by pdfminer)")
                page = pdf.pages[i]
                found = []
                for table in page.find_tables():
                    rows = []
                    for r, (row, cells) in enumerate(zip(table.rows, table.extract())):
                        cells = tuple("".join((c or "").split("\n")).strip() for c in cells)
                        rows.append(Line("\t".join(cells), Loc(page=i + 1, table=table_index, row=r,
                                                               bbox=tuple(round(v, 1) for v in row.bbox)), cells))
                    found.append(PdfTable(table.bbox, rows))
                    table_index += 1
                if found:
                    out[i] = (float(page.width), float(page.height), found)
    except (PDFSyntaxError, PSException, PdfminerException, MalformedPDFException) as e:
        raise LoadError(source, f"damaged PDF ({cause(e)})") from e
    return out


def merge_bands(pdf, index: int, page_tables: tuple[float, float, list[PdfTable]]) -> list[Line]:
    """The page in reading order: pdfium text of the bands above, between and below the tables."""
    width, height, tables = page_tables
    tables = sorted(tables, key=lambda t: t.bbox[1])
    lines: list[Line] = []
    top = 0.0
    for table in tables + [None]:
        bottom = table.bbox[1] if table is not None else height
        if bottom - top > 1:
            text = pdfium_text(pdf, index, (0, top, width, bottom))
            lines += [Line(raw, Loc(page=index + 1)) for raw in split_lines(text) if raw.strip()]
        if table is not None:
            lines += table.rows
            top = max(top, table.bbox[3])
    return lines


def read_image(data: bytes, source: str, settings: ParseSettings) -> Document:
    from gxnlp.io.ocr import read_image as ocr_read_image

    return ocr_read_image(data, source, settings)


READERS = {"txt": read_txt, "docx": read_docx, "html": read_html, "pdf": read_pdf, "image": read_image}
