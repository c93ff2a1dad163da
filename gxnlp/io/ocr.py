"""Read page pixels: scanned PDFs, image-only pages inside a text PDF, and PNG/JPEG report pages.

render → deskew → recognise (RapidOCR, ONNX models shipped inside the wheel: nothing is fetched at
run time) → boxes → lines (gxnlp/io/ocr_tables.py). The optional `ocr` extra provides the engine;
without it a scanned report is refused with one line naming the extra.

Coordinates: a PDF page's boxes are in PDF points (top-down, like pdfplumber and text-layer
provenance); an image's in its own pixels. Both are measured on the deskewed page, which
`page_image` rebuilds deterministically, so a box can be cropped again later (gxnlp/check/cause.py).
"""
from __future__ import annotations

import importlib.util
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from gxnlp.errors import LoadError, ScannedPDFError
from gxnlp.io.ocr_tables import LOW_CONFIDENCE, page_lines  # noqa: F401 (LOW_CONFIDENCE re-exported)
from gxnlp.model.core import Document, Line

OCR_HINT = "install gxnlp[ocr] to read scanned reports"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
RENDER_SCALE = 2.0  # 144 dpi: the seeds' 10.5–12 pt text is ~22 px high, what the recogniser expects
MAX_SKEW = 3.0  # degrees searched by deskew
MIN_TEXT_CHARS = 20  # a page with fewer text-layer characters whose area is mostly an image is read by OCR
MAX_IMAGE_PIXELS = 60_000_000


class OcrUnavailable(ImportError):
    pass


@dataclass(frozen=True)
class Box:
    """One recognised text run: `bbox` (x0, top, x1, bottom) in page units; `conf` the recogniser's score."""

    text: str
    bbox: tuple[float, float, float, float]
    conf: float

    @property
    def cy(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2

    @property
    def cx(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]


def available() -> bool:
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


@lru_cache(maxsize=1)
def engine():
    """The recogniser, built once per process (batch workers each build their own)."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as e:
        raise OcrUnavailable(OCR_HINT) from e
    # our own deskew replaces the 180° classifier; text_score 0 keeps every reading, so a doubtful
    # digit becomes a marked cell instead of a silently blank one
    return RapidOCR(use_cls=False, text_score=0.0, print_verbose=False)


def recognise(gray, *, detect: bool = True) -> list[tuple[list, str, float]]:
    """RapidOCR on a greyscale numpy image: [(quad, text, score)]."""
    import numpy as np

    rgb = np.stack([gray] * 3, axis=-1) if gray.ndim == 2 else gray
    result, _ = engine()(rgb, use_cls=False, use_det=detect, text_score=0.0, box_thresh=0.5, unclip_ratio=1.6)
    if not result:
        return []
    if not detect:  # rec only: [[text, score]]
        return [(None, r[0], float(r[1])) for r in result]
    return [(r[0], r[1], float(r[2])) for r in result]


# --- deskew ---------------------------------------------------------------------------------

def skew_angle(gray) -> float:
    """Degrees the page is rotated counter-clockwise, by the horizontal projection profile: text lines and
    ruling give the sharpest row profile when level (coarse 0.25° search, then 0.05°)."""
    import cv2
    import numpy as np

    h, w = gray.shape
    f = 900 / max(h, w)
    small = cv2.resize(gray, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
    ink = (small < 160).astype(np.float32)
    if ink.sum() < 50:
        return 0.0
    center = (small.shape[1] / 2, small.shape[0] / 2)

    def score(angle: float) -> float:
        m = cv2.getRotationMatrix2D(center, angle, 1.0)
        rot = cv2.warpAffine(ink, m, (small.shape[1], small.shape[0]), flags=cv2.INTER_NEAREST)
        profile = rot.sum(axis=1)
        return float(np.square(np.diff(profile)).sum())

    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.25)
    best = max(coarse, key=score)
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05)
    best = max(fine, key=score)
    return float(round(best, 2)) if abs(best) >= 0.1 else 0.0


def rotate(gray, angle: float):
    import cv2

    if not angle:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def deskew(gray):
    """(level image, angle applied)."""
    angle = skew_angle(gray)
    return rotate(gray, angle), angle


# --- pages ----------------------------------------------------------------------------------

def to_gray(image):
    import numpy as np

    return np.asarray(image.convert("L"))


def render_pdf_page(pdf, index: int, scale: float = RENDER_SCALE):
    page = pdf[index]
    try:
        return to_gray(page.render(scale=scale, grayscale=True).to_pil())
    finally:
        page.close()


def open_image(data: bytes, source: str):
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception as e:  # Pillow raises many types on damaged images
        raise LoadError(source, f"damaged image ({e.__class__.__name__})") from e
    return image


@dataclass
class PageImage:
    """A page as OCR saw it: the level greyscale pixels, and pixels per page unit."""

    gray: object
    scale: float
    angle: float


def page_image(source: str, page: int, *, level: bool = True, data: Optional[bytes] = None) -> PageImage:
    """Page `page` (1-based) of a PDF or image file as OCR reads it (deskewed when `level`)."""
    from pathlib import Path

    data = data if data is not None else Path(source).read_bytes()
    if data.startswith((PNG_MAGIC, JPEG_MAGIC)):
        gray, scale = to_gray(open_image(data, source)), 1.0
    else:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            gray, scale = render_pdf_page(pdf, page - 1), RENDER_SCALE
        finally:
            pdf.close()
    if not level:
        return PageImage(gray, scale, 0.0)
    gray, angle = deskew(gray)
    return PageImage(gray, scale, angle)


def read_boxes(image: PageImage) -> list[Box]:
    boxes = []
    for quad, text, conf in recognise(image.gray):
        text = "".join(text.split())
        if not text:
            continue
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        s = image.scale
        boxes.append(Box(text, (min(xs) / s, min(ys) / s, max(xs) / s, max(ys) / s), conf))
    return boxes


def ocr_page(image: PageImage, page: int) -> tuple[list[Line], list[str]]:
    """Lines of one page image (tables as rows of cells) and the warnings about doubtful digits."""
    boxes = read_boxes(image)
    return page_lines(boxes, image, page)


# --- PDFs and images --------------------------------------------------------------------------

def image_pages(pdf, page_texts: list[str]) -> list[int]:
    """Pages whose text is in pixels: little or no text layer, and an image covering most of the page."""
    import pypdfium2.raw as pdfium_c

    out = []
    for i, text in enumerate(page_texts):
        if sum(ch.isalnum() for ch in text) >= MIN_TEXT_CHARS:
            continue
        page = pdf[i]
        try:
            area = page.get_width() * page.get_height()
            covered = 0.0
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
                left, bottom, right, top = obj.get_bounds()
                covered += max(0.0, right - left) * max(0.0, top - bottom)
        finally:
            page.close()
        if area and covered / area >= 0.3:
            out.append(i)
    return out


def ocr_pdf_pages(pdf, pages: list[int], source: str, scanned: bool) -> tuple[dict[int, list[Line]], list[str]]:
    """OCR lines by page index for the pages given. Without the extra: a scanned PDF is refused with the
    hint; image pages inside a text PDF are skipped with a warning."""
    if not available():
        if scanned:
            raise ScannedPDFError(source, f"no text layer (scanned image?): {OCR_HINT}")
        return {}, [f"pages {', '.join(str(i + 1) for i in pages)} are images: {OCR_HINT}"]
    out, warnings = {}, []
    for i in pages:
        gray, angle = deskew(render_pdf_page(pdf, i))
        lines, page_warnings = ocr_page(PageImage(gray, RENDER_SCALE, angle), i + 1)
        out[i] = lines
        warnings += page_warnings
    warnings.insert(0, f"read by OCR: page{'s' if len(pages) > 1 else ''} {', '.join(str(i + 1) for i in pages)}")
    return out, warnings


def read_image(data: bytes, source: str, settings=None) -> Document:
    """A PNG/JPEG report page (or a multi-frame TIFF-like image: its first frame)."""
    if not available():
        raise LoadError(source, f"an image, not a text report: {OCR_HINT}")
    gray, angle = deskew(to_gray(open_image(data, source)))
    lines, warnings = ocr_page(PageImage(gray, 1.0, angle), 1)
    numbered = [Line(ln.text, type(ln.loc)(**{**ln.loc.to_dict(), "line": n + 1, "bbox": ln.loc.bbox}), ln.cells,
                     ln.cell_locs) for n, ln in enumerate(lines)]
    return Document(source, "image", numbered, ["read by OCR: page 1", *warnings], pages=1)
