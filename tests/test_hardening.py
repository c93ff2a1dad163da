"""Issue 18: each row of its table of failures, one test each (test_rowNN_…), plus the named limits.

Rows: 1 third-party exceptions from damaged files · 2 report page of a store without claims ·
3 find --agency over a report without agency · 4 a corrupt stored result · 5 zip-bomb .docx ·
6 workers outliving a kill -9 · 7 absolute paths in gxnlp.duckdb · 8 one bad byte / UTF-16 without
BOM · 9 a 5-million-character line · 10 20-digit and negative counts · 11 empty folders and the
exit-code table · 12 pdfminer log lines and causeless messages.
"""
import gzip
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import gxnlp
from conftest import FIXTURES, ROOT, SEEDS
from gxnlp.errors import GxnlpError, LoadError
from gxnlp.io.load import load_bytes
from gxnlp.settings import ParseSettings

sys.path.insert(0, str(ROOT / "tests" / "tools"))
import fuzzing  # noqa: E402

SEED = SEEDS / "000_7d8359c2a2673d89.txt"
FAST = ParseSettings(tag_sentences=False)
ENGLISH = "This is an English annual report with no Chinese at all. Nothing else here.\n"


def gxnlp_cli(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gxnlp.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def fuzz_case(seed: int, n: int, suffixes: tuple, expect: str) -> tuple[str, bytes]:
    """Mutant n of a seeded run over the seed files with these suffixes (as found by the fuzzer)."""
    files = [p for p in fuzzing.seed_files() if p.suffix in suffixes]
    path = files[n % len(files)]
    assert path.name == expect, "the fixture set changed: find new reproducers with tests/tools/fuzzing.py"
    return path.suffix, fuzzing.mutate(path.read_bytes(), path.suffix, fuzzing.random.Random(f"{seed}:{n}"))


# --- row 1 ------------------------------------------------------------------------------------

# mutants that raised PdfminerException, PdfiumError (get_page), IndexError (pdf_tables: pdfium
# and pdfminer disagree on the page count) and TypeError (HtmlWalker.walk) before the fix
FUZZ_REPRODUCERS = [(2, 112, "huaian_city_2024.pdf"), (2, 1384, "hongze_district_2024.pdf"),
                    (2, 1765, "huaian_city_2024.pdf"), (2, 455, "shuyang_fgj_2023.html")]


@pytest.mark.parametrize("seed,n,name", FUZZ_REPRODUCERS)
def test_row01_damaged_files_raise_load_error(tmp_path, seed, n, name):
    suffix, data = fuzz_case(seed, n, (".pdf", ".docx", ".html"), name)
    path = tmp_path / f"damaged{suffix}"
    path.write_bytes(data)
    try:
        gxnlp.parse(path, FAST)
    except GxnlpError as e:
        assert isinstance(e, LoadError) and str(path) in str(e)


def test_row01_three_bytes_of_html(tmp_path):
    page = tmp_path / "x.html"
    page.write_bytes(b"><!")  # TypeError in HtmlWalker.walk before: an element with no class attribute
    report = gxnlp.parse(page)
    assert report.format == "html" and report.meta.agency is None
    run = gxnlp_cli("parse", page)
    assert run.returncode == 0 and run.stderr == "" and f"{page}  [html]" in run.stdout


def test_row01_any_reader_failure_is_a_load_error_naming_its_cause(monkeypatch):
    from gxnlp.io import load as load_module

    def broken(data, source, settings):
        raise IndexError("list index out of range")

    monkeypatch.setitem(load_module.READERS, "html", broken)
    with pytest.raises(LoadError, match=r"damaged HTML page \(IndexError: list index out of range\)"):
        load_bytes(b"<html><body>x</body></html>", "x.html")


# --- rows 2 and 3: a store holding a report with no agency, no claims, no tables ----------------

@pytest.fixture(scope="module")
def odd_store(tmp_path_factory):
    from gxnlp.corpus.batch import run_batch

    base = tmp_path_factory.mktemp("odd")
    (base / "in").mkdir()
    (base / "in" / "english.txt").write_text(ENGLISH, encoding="utf-8")
    run_batch([base / "in"], base / "store", workers=1, progress=False)
    return base / "store"


def test_row02_report_page_of_a_store_without_claims(odd_store, tmp_path):
    from gxnlp.cli.report import report_command
    from gxnlp.corpus.store import read_reports

    (rid, report), = read_reports(odd_store)
    assert report.claims == [] and report.meta.agency is None
    result = CliRunner().invoke(report_command, [str(odd_store), "--html", str(tmp_path / "x.html")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x.html").stat().st_size > 1000


def test_row03_find_by_agency_when_a_report_has_none(odd_store):
    from gxnlp.cli.batch import find_command
    from gxnlp.corpus.store import find_reports

    assert len(find_reports(odd_store, agency="县")) == 0
    result = CliRunner().invoke(find_command, [str(odd_store), "--agency", "县"])
    assert result.exit_code == 1 and "no report matches" in result.output
    assert CliRunner().invoke(find_command, [str(odd_store)]).exit_code == 0


# --- row 4 ------------------------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_row04_a_corrupt_result_is_parsed_again(tmp_path, damage):
    from gxnlp.corpus.batch import JOURNAL, run_batch
    from gxnlp.corpus.store import read_reports

    (tmp_path / "in").mkdir()
    shutil.copy(SEED, tmp_path / "in")
    out = tmp_path / "store"
    run_batch([tmp_path / "in"], out, workers=1, progress=False, settings={"tag_sentences": False})
    rec = json.loads((out / JOURNAL).read_text(encoding="utf-8").splitlines()[-1])
    assert len(rec["result_sha256"]) == 64  # results carry a checksum
    result, = (out / "results").glob("*/*.json.gz")
    data = bytearray(result.read_bytes())
    if damage == "truncate":
        del data[len(data) // 2:]
    else:  # still a gzip of the right size: only the checksum sees it
        data[len(data) // 2] ^= 0x01
    result.write_bytes(bytes(data))
    again = run_batch([tmp_path / "in"], out, workers=1, progress=False, settings={"tag_sentences": False})
    assert again.parsed == 1 and again.cached == 0
    assert [r.meta.agency for _, r in read_reports(out)] == ["钟村街道办事处"]
    assert json.loads(gzip.decompress(result.read_bytes()))["report"]


# --- row 5 ------------------------------------------------------------------------------------

def zip_bomb(size: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = b" " * (1 << 22)
            for _ in range(size // len(chunk)):
                f.write(chunk)
    return buf.getvalue()


def test_row05_zip_bomb_docx_is_refused_before_inflating():
    import resource

    bomb = zip_bomb(256 << 20)  # 256 MiB of document.xml in ~250 kB
    assert len(bomb) < 2_000_000
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(LoadError, match=r"word/document.xml inflates to 268 MB \(the limit, max_docx_part_bytes"):
        load_bytes(bomb, "bomb.docx")
    assert time.perf_counter() - start < 0.5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss < 50_000  # kB: nothing was inflated
    with pytest.raises(LoadError, match="max_docx_part_bytes"):  # the limit is a setting
        load_bytes((FIXTURES / "formats" / "000_7d8359c2a2673d89.docx").read_bytes(), "x.docx",
                   ParseSettings(max_docx_part_bytes=1000))


# --- row 6 ------------------------------------------------------------------------------------

STUCK_SCRIPT = textwrap.dedent("""
    import sys, time
    import gxnlp.corpus.batch as b
    def stuck(path, settings=None):
        time.sleep(120)
    b.parse_to_result = stuck
    sys.argv = ["gxnlp batch", sys.argv[1], "--out", sys.argv[2], "--workers", "2", "--no-progress"]
    from gxnlp.cli.batch import batch_command
    batch_command()
""")


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        state = [line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("State:")]
    except OSError:
        return False
    return bool(state) and "Z" not in state[0].split()[1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_row06_workers_die_with_a_killed_batch(tmp_path):
    (tmp_path / "in").mkdir()
    for p in sorted(SEEDS.glob("*.txt"))[:3]:
        shutil.copy(p, tmp_path / "in")
    script = tmp_path / "stuck_batch.py"
    script.write_text(STUCK_SCRIPT, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "in"), str(tmp_path / "out")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        workers = []
        while time.monotonic() < deadline and len(workers) < 2:
            workers = [c for c in children(proc.pid) if alive(c)]
            time.sleep(0.05)
        assert len(workers) == 2, "the batch started its workers"
        time.sleep(1.0)  # the workers are inside their (stuck) parse
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(alive(w) for w in workers):
            time.sleep(0.05)
        assert not any(alive(w) for w in workers), "orphaned workers outlived the batch"
    finally:
        for w in children(proc.pid):
            os.kill(w, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()


def test_row06_a_worker_past_max_memory_is_a_per_file_error(tmp_path):
    from gxnlp.corpus import batch

    script = tmp_path / "capped.py"
    script.write_text(textwrap.dedent("""
        import json, sys
        import gxnlp.corpus.batch as b
        import gxnlp.pipeline
        def greedy(path, settings=None):
            hog = bytearray(4 << 30)  # 4 GiB: past any cap below
            return hog
        gxnlp.pipeline.parse = greedy
        b.cap_memory(1024)
        print(json.dumps({k: v for k, v in b.parse_to_result(sys.argv[1]).items() if k != "data"}))
    """), encoding="utf-8")
    run = subprocess.run([sys.executable, str(script), str(SEED)], capture_output=True, text=True, timeout=120)
    outcome = json.loads(run.stdout)
    assert outcome == {"ok": False, "kind": "memory", "reason": "exceeded the worker memory limit (1024 MB, --max-memory)"}
    assert batch.LocalEngine(1, 10, None, 1024).max_memory == 1024


# --- row 7 ------------------------------------------------------------------------------------

def test_row07_a_moved_store_keeps_its_boilerplate_views(odd_store, tmp_path):
    import pandas as pd

    from gxnlp.corpus.store import build_duckdb, connect_store

    store = tmp_path / "store"
    shutil.copytree(odd_store, store)
    (store / "boilerplate").mkdir(exist_ok=True)
    pd.DataFrame({"cluster_id": [1, 2]}).to_parquet(store / "boilerplate" / "boilerplate_clusters.parquet")
    build_duckdb(store)
    moved = tmp_path / "elsewhere" / "moved"
    moved.parent.mkdir()
    shutil.move(str(store), moved)
    con = connect_store(moved)
    try:
        assert con.execute("SELECT count(*) FROM boilerplate_clusters").fetchone() == (2,)
        sql = " ".join(r[0] for r in con.execute("SELECT sql FROM duckdb_views() WHERE NOT internal").fetchall())
    finally:
        con.close()
    assert str(tmp_path) not in sql  # no absolute path anywhere in gxnlp.duckdb


# --- row 8 ------------------------------------------------------------------------------------

def test_row08_one_bad_byte_is_replaced_and_counted(tmp_path):
    data = bytearray(SEED.read_bytes())
    data[200] = 0xFF
    path = tmp_path / "flipped.txt"
    path.write_bytes(bytes(data))
    report = gxnlp.parse(path, FAST)
    assert report.meta.agency == gxnlp.parse(SEED, FAST).meta.agency
    assert any(re.match(r"damaged text: \d undecodable characters? \(utf-8\) replaced", w) for w in report.warnings)
    with pytest.raises(LoadError, match="undecodable"):  # garbage still is not a report
        load_bytes(bytes(range(128, 256)) * 50, "x.txt")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_row08_utf16_without_bom(tmp_path, encoding):
    path = tmp_path / "utf16.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode(encoding))
    assert gxnlp.parse(path, FAST).to_dict() == gxnlp.parse(SEED, FAST).to_dict() | {"source": str(path)} \
        or gxnlp.parse(path, FAST).meta == gxnlp.parse(SEED, FAST).meta


# --- row 9 ------------------------------------------------------------------------------------

def test_row09_text_and_field_limits(tmp_path):
    from gxnlp.cli.parse import summary

    huge = tmp_path / "huge.txt"
    huge.write_text("数" * 5_000_000, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(LoadError, match=r"5,000,001 characters; the limit, max_text_chars, is 3,000,000"):
        gxnlp.parse(huge)
    assert time.perf_counter() - start < 5
    long_line = tmp_path / "long_line.txt"
    long_line.write_text("钟村街道办事处" * 50_000 + "\n" + SEED.read_text(encoding="utf-8"), encoding="utf-8")
    report = gxnlp.parse(long_line, FAST)
    assert len(report.meta.agency or "") <= 200 and len(report.meta.title or "") <= 200
    assert len(summary(report)) < 20_000


def test_row09_field_limit_drops_with_a_warning():
    from gxnlp.model.core import Meta
    from gxnlp.pipeline import limit_fields

    meta, warnings = Meta(title="年度报告", agency="某" * 201), []
    limit_fields(meta, warnings, ParseSettings())
    assert meta.agency is None and meta.title == "年度报告"
    assert warnings == ["agency dropped: 201 characters is not a agency (the limit, max_field_chars, is 200)"]


def test_named_limits_are_validated_settings():
    with pytest.raises(ValueError, match="Parse setting 'max_text_chars' cannot be negative"):
        ParseSettings(max_text_chars=-1)
    assert {"max_text_bytes", "max_pdf_pages", "max_docx_part_bytes", "max_text_chars",
            "max_field_chars"} <= set(ParseSettings.__dataclass_fields__)


# --- row 10 -----------------------------------------------------------------------------------

def test_row10_integers_stay_integers_and_negative_counts_warn(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    assert "行政处罚\t749" in text and "行政强制\t122" in text
    path = tmp_path / "odd_counts.txt"
    path.write_text(text.replace("行政处罚\t749", "行政处罚\t12345678901234567890")
                    .replace("行政强制\t122", "行政强制\t-5"), encoding="utf-8")
    report = gxnlp.parse(path, FAST)
    cells = {c.raw: c for t in report.tables.values() if t for row in t.rows.values() for c in row or []}
    big, negative = cells["12345678901234567890"], cells["-5"]
    assert big.value == 12345678901234567890 and type(big.value) is int
    assert "12345678901234567890" in json.dumps(report.to_dict())
    assert negative.value == -5 and "negative count" in negative.note
    assert any("negative count" in w and "«-5»" in w for w in report.warnings)


# --- row 11 -----------------------------------------------------------------------------------

def test_row11_folders_without_reports_fail_loudly(tmp_path):
    (tmp_path / "e").mkdir()
    (tmp_path / "x.txt").mkdir()
    run = gxnlp_cli("parse", "e", "x.txt", cwd=tmp_path)
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.splitlines() == ["gxnlp: e: no report files (.txt .docx .html .htm .pdf) in this folder",
                                       "gxnlp: x.txt: is a directory, not a report file"]


EXIT_TABLE = re.compile(r"<!-- exit-codes -->\n(.*?)<!-- /exit-codes -->", re.S)


def test_row11_one_exit_code_table_in_readme_and_docs():
    from gxnlp.cli import common

    tables = [EXIT_TABLE.search((ROOT / f).read_text(encoding="utf-8")) for f in ("README.md", "docs/STORE.md")]
    assert all(tables), "README.md and docs/STORE.md each hold the table between <!-- exit-codes --> marks"
    assert tables[0].group(1) == tables[1].group(1)
    codes = [int(m) for m in re.findall(r"^\| `(\d+)` \|", tables[0].group(1), re.M)]
    assert codes == [common.EXIT_OK, common.EXIT_FAILED, common.EXIT_ERROR, common.EXIT_INTERRUPTED]


def test_row11_exit_codes_as_documented(tmp_path, odd_store):
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 broken")
    assert gxnlp_cli("parse", SEED).returncode == 0
    assert gxnlp_cli("parse", SEED, tmp_path / "bad.pdf").returncode == 1
    assert gxnlp_cli("parse").returncode == 2  # usage
    assert gxnlp_cli("find", odd_store, "--agency", "没有").returncode == 1
    assert gxnlp_cli("find", tmp_path).returncode == 2  # not a store
    batch = gxnlp_cli("batch", tmp_path / "bad.pdf", "--out", tmp_path / "s", "--no-progress", "--workers", "1")
    assert batch.returncode == 0, batch.stderr  # a completed batch: its bad files are rows of `errors`


# --- row 12 -----------------------------------------------------------------------------------

def test_row12_damaged_pdf_is_one_line_on_stderr(tmp_path):
    suffix, data = fuzz_case(2, 112, (".pdf", ".docx", ".html"), "huaian_city_2024.pdf")
    path = tmp_path / "damaged.pdf"
    path.write_bytes(data)
    run = gxnlp_cli("parse", path)
    lines = run.stderr.strip().splitlines()
    assert run.returncode in (0, 1) and len(lines) <= 1, run.stderr  # no pdfminer log lines
    assert all(line.startswith(f"gxnlp: {path}: damaged PDF (") for line in lines)


def test_row12_damaged_docx_names_its_cause(tmp_path):
    source = FIXTURES / "formats" / "000_7d8359c2a2673d89.docx"
    with zipfile.ZipFile(source) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    parts["word/document.xml"] = parts["word/document.xml"][:-200]  # cut mid-element
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in parts.items():
            z.writestr(name, body)
    with pytest.raises(LoadError, match=r"damaged \.docx \(XMLSyntaxError: .+\)"):
        load_bytes(buf.getvalue(), "cut.docx")
