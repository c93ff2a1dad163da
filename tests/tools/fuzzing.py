"""Seeded mutation fuzzing over real report files, shared by tests/test_fuzz.py and benchmarks/fuzz.py.

The contract under test: whatever bytes a file holds, `gxnlp.parse` returns a Report or raises a
GxnlpError — never another exception. Mutations are byte-level (bit flips, overwrites, cuts,
splices, duplicated chunks) and, for .docx, also inside the zip's XML parts, so the XML parser and
python-docx are reached and not only the zip reader.
"""
from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SEED_DIRS = (ROOT / "tests" / "fixtures" / "formats", ROOT / "corpora" / "seeds", ROOT / "corpora" / "real" / "files")
SUFFIXES = (".txt", ".docx", ".html", ".pdf")
HOSTILE = [b"<", b">", b"<!", b"<table>", b"<td rowspan=99999>", b"</tr>", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf",
           b"%PDF-1.7", b"obj", b"endobj", b"stream", b"/Length 999999999", b"xref", b"trailer", b"<<", b">>",
           b"<w:p>", b"<w:tbl>", b"<!DOCTYPE", b"&#0;", b"\t", b"|", b"-", b"99999999999999999999", b"\n" * 3]


def seed_files() -> list[Path]:
    out = []
    for folder in SEED_DIRS:
        out += sorted(p for p in folder.glob("*") if p.suffix in SUFFIXES)
    return out


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.choice((1, 1, 1, 2, 3, 8))):
        if not buf:
            buf += bytes(rng.randrange(256) for _ in range(8))
        op = rng.randrange(8)
        i = rng.randrange(len(buf))
        if op == 0:  # flip one bit
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1:  # overwrite a byte
            buf[i] = rng.choice((0, 0xFF, 0x7F, 0x80, rng.randrange(256)))
        elif op == 2:  # truncate
            del buf[max(1, i):]
        elif op == 3:  # delete a chunk
            del buf[i:i + rng.randrange(1, 512)]
        elif op == 4:  # duplicate a chunk
            j = min(len(buf), i + rng.randrange(1, 512))
            buf[i:i] = buf[i:j]
        elif op == 5:  # insert a hostile token
            buf[i:i] = rng.choice(HOSTILE)
        elif op == 6:  # random bytes
            buf[i:i + 4] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
        else:  # swap two chunks
            j = rng.randrange(len(buf))
            a, b = sorted((i, j))
            n = min(64, b - a)
            buf[a:a + n], buf[b:b + n] = buf[b:b + n], buf[a:a + n]
    return bytes(buf)


def mutate_docx(data: bytes, rng: random.Random) -> bytes:
    """Mutate one XML part inside the zip and write a valid zip around it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = [(info.filename, z.read(info.filename)) for info in z.infolist()]
    except Exception:
        return mutate_bytes(data, rng)
    xml = [i for i, (name, _) in enumerate(parts) if name.endswith(".xml") or name.endswith(".rels")]
    if not xml:
        return mutate_bytes(data, rng)
    k = rng.choice(xml + [i for i in xml if parts[i][0] == "word/document.xml"] * 3)
    name, body = parts[k]
    parts[k] = (name, mutate_bytes(body, rng))
    if rng.random() < 0.05:  # drop a part altogether
        del parts[rng.randrange(len(parts))]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts:
            z.writestr(name, body)
    return out.getvalue()


def mutate(data: bytes, suffix: str, rng: random.Random) -> bytes:
    if suffix == ".docx" and rng.random() < 0.7:
        return mutate_docx(data, rng)
    return mutate_bytes(data, rng)


def cases(seed: int, count: int, files: list[Path] | None = None):
    """Yield (case id, suffix, bytes): `count` mutants, reproducible from `seed`. The formats take turns
    (txt, docx, html, pdf), then the files within a format, so 42 text files do not crowd out 8 PDFs."""
    files = files or seed_files()
    by_format = [[(p, p.read_bytes()) for p in files if p.suffix == s] for s in SUFFIXES]
    by_format = [group for group in by_format if group]
    for n in range(count):
        rng = random.Random(f"{seed}:{n}")
        group = by_format[n % len(by_format)]
        path, data = group[(n // len(by_format)) % len(group)]
        yield f"{seed}:{n}:{path.name}", path.suffix, mutate(data, path.suffix, rng)
