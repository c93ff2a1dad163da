"""Guards for the loaders: limits checked before work, causes named in one short line, text
encodings found without a BOM, third-party log lines kept off stderr (issue 18)."""
from __future__ import annotations

import io
import logging
import zipfile

from gxnlp.errors import LoadError
from gxnlp.settings import ParseSettings

FORMAT_NAMES = {"txt": "text file", "docx": ".docx", "html": "HTML page", "pdf": "PDF", "image": "image"}
MAX_BAD_BYTES = 0.001  # up to 1 bad byte in 1000 is damage in a real report: replaced with U+FFFD and warned


def cause(e: BaseException, limit: int = 120) -> str:
    """'XMLSyntaxError: Opening and ending tag mismatch…' on one short line, for the error's reason."""
    message = " ".join(str(e).split())
    if len(message) > limit:
        message = message[:limit - 1] + "…"
    return f"{e.__class__.__name__}: {message}" if message else e.__class__.__name__


def utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a BOM: the byte order whose characters are those of a report (ASCII,
    CJK, CJK and full-width punctuation). Chinese text has few zero bytes, so counting zeros is not enough."""
    if len(data) < 4:
        return None
    even = data[:len(data) // 2 * 2]
    for enc in ("utf-16-le", "utf-16-be"):
        text = even[:4000].decode(enc, "replace")
        common = sum(1 for ch in text if 32 <= ord(ch) < 127 or ch in "\t\r\n" or 0x4E00 <= ord(ch) <= 0x9FFF
                     or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef")
        if common / len(text) > 0.9:
            try:
                return even.decode(enc)
            except UnicodeDecodeError:
                return None
    return None


def check_docx_parts(data: bytes, source: str, settings: ParseSettings) -> None:
    """Refuse a zip bomb before inflating it: the declared uncompressed size of every part (zipfile
    never inflates a part past its declared size, so the declaration bounds the work)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as e:
        raise LoadError(source, f"not a valid .docx ({cause(e)})") from e
    limit = settings.max_docx_part_bytes
    for info in infos:
        if info.file_size > limit:
            raise LoadError(source, f"damaged .docx: part {info.filename} inflates to {info.file_size / 1e6:.0f} MB "
                                    f"(the limit, max_docx_part_bytes, is {limit / 1e6:.0f} MB)")


def quiet_pdfminer() -> None:
    """pdfminer logs warnings ("Invalid MediaBox…", "Data-loss while decompressing…") to stderr through
    logging's last-resort handler; a damaged PDF is reported once, as a LoadError, instead."""
    logging.getLogger("pdfminer").setLevel(logging.CRITICAL)
