"""gxnlp batch: every input accounted for, resumable after kill -9, same results on dask."""
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from gxnlp.corpus import batch
from gxnlp.corpus import synth
from gxnlp.cli.batch import batch_command, find_command
from gxnlp.corpus.batch import run_batch
from gxnlp.corpus.store import PARQUET_DIR, schemas

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpora" / "seeds"
BAD = ROOT / "tests" / "fixtures" / "bad"
FORMATS = ROOT / "tests" / "fixtures" / "formats"
SEED0 = "000_7d8359c2a2673d89"


def tables(out: Path) -> dict:
    return {name: pq.read_table(out / PARQUET_DIR / f"{name}.parquet") for name in schemas()}


def assert_same_store(a: Path, b: Path) -> None:
    ta, tb = tables(a), tables(b)
    for name in ta:
        assert ta[name].equals(tb[name]), f"table {name} differs"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """Seeds, bad files of every kind, other formats, duplicates, and things that are not files."""
    d = tmp_path_factory.mktemp("mixed")
    for p in SEEDS.glob("*.txt"):
        shutil.copy(p, d / p.name)
    sub = d / "sub" / "deeper"
    sub.mkdir(parents=True)
    for name in ("empty.txt", "random-bytes.txt", "truncated.pdf", "encrypted.pdf", "not-a-zip.docx",
                 "scanned.pdf", "gbk-encoded.txt"):
        shutil.copy(BAD / name, sub / name)
    for suffix in ("docx", "html", "pdf"):
        shutil.copy(FORMATS / f"{SEED0}.{suffix}", sub / f"{SEED0}.{suffix}")
    shutil.copy(SEEDS / f"{SEED0}.txt", sub / "copy-of-seed.txt")  # same bytes, another path
    (d / "also-empty.txt").write_bytes(b"")  # a second zero-byte file: same hash as empty.txt
    (d / "folder.txt").mkdir()  # a directory named like a report
    os.symlink(d / "nowhere.txt", d / "broken-link.txt")
    (d / "notes.md").write_text("not a report suffix", encoding="utf-8")
    locked = d / "locked.txt"
    shutil.copy(SEEDS / "001_91b930a4292c284b.txt", locked)
    locked.write_bytes(locked.read_bytes() + b"\n")
    locked.chmod(0)
    yield d
    locked.chmod(0o644)


@pytest.fixture(scope="module")
def mixed_store(mixed, tmp_path_factory):
    out = tmp_path_factory.mktemp("mixed-out")
    summary = run_batch([mixed], out, workers=2, progress=False, timeout=60)
    return out, summary


def test_every_input_is_accounted_for(mixed, mixed_store):
    out, summary = mixed_store
    t = {k: v.to_pandas() for k, v in tables(out).items()}
    expected = {str(p) for p in mixed.rglob("*") if p.suffix in (".txt", ".pdf", ".docx", ".html")}
    assert set(t["files"]["path"]) == expected and summary.files == len(expected) == 20
    for row in t["files"].itertuples():
        if row.status == "ok":
            assert row.report_id in set(t["reports"]["report_id"])
        elif row.status == "duplicate":
            assert row.duplicate_of and row.report_id in set(t["reports"]["report_id"])
        else:
            assert row.status == "error" and row.path in set(t["errors"]["path"])
    reasons = dict(zip(t["errors"]["path"].map(lambda p: Path(p).name), t["errors"]["reason"]))
    assert reasons["empty.txt"] == "empty file"
    assert reasons["also-empty.txt"] == "empty file"
    assert reasons["folder.txt"] == "is a directory, not a report file"
    assert reasons["broken-link.txt"] == "broken symbolic link"
    assert reasons["not-a-zip.docx"] == "not a valid .docx (not a zip archive)"
    assert "encrypted" in reasons["encrypted.pdf"]
    from gxnlp.io.ocr import available
    if available():  # the ocr extra reads the scan in the worker
        assert "scanned.pdf" not in reasons
    else:
        assert "scanned" in reasons["scanned.pdf"] and "install gxnlp[ocr]" in reasons["scanned.pdf"]
    assert reasons["truncated.pdf"].startswith("damaged or truncated PDF")
    assert reasons["random-bytes.txt"].startswith("binary data")
    if os.geteuid() == 0:  # root reads a chmod-000 file: it is a normal report then
        assert "locked.txt" not in reasons
    else:
        assert reasons["locked.txt"] == "permission denied"
    dups = t["files"][t["files"]["duplicate_of"].notna()]
    assert {Path(p).name: Path(d).name for p, d in zip(dups["path"], dups["duplicate_of"])} == {
        "copy-of-seed.txt": f"{SEED0}.txt", "empty.txt": "also-empty.txt"}  # first path in sorted order wins
    assert not any("Traceback" in r for r in t["errors"]["reason"])


def test_report_values_in_the_store(mixed_store):
    out, _ = mixed_store
    reports = tables(out)["reports"].to_pandas().set_index("file_name")
    seed = reports.loc[f"{SEED0}.txt"]
    assert (seed["agency"], seed["agency_key"], seed["year"]) == ("钟村街道办事处", "钟村街道", 2022)
    assert seed["t2_penalty"] == 749 and seed["t2_coercion"] == 122 and seed["t2_fees_10k_yuan"] == 393.250347
    assert seed["t3_new_received_total"] == 4 and seed["t3_unavailable_not_held_natural_person"] == 4
    assert seed["n_files"] == 2  # the seed and its copy
    assert reports.loc[f"{SEED0}.pdf", "t2_penalty"] == 749 and reports.loc[f"{SEED0}.pdf", "format"] == "pdf"
    assert reports.loc[f"{SEED0}.docx", "format"] == "docx"
    assert reports.loc["gbk-encoded.txt", "agency"] == "永嘉县民政局"


def test_find_command(mixed_store):
    out, _ = mixed_store
    result = CliRunner().invoke(find_command, ["--agency", "钟村", "--year", "2022", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 4  # txt, docx, html, pdf of seed 000 (the txt copy is a duplicate of one report)
    assert all(line.startswith("2022  钟村街道办事处") for line in lines)
    other = CliRunner().invoke(find_command, ["--agency", "番禺区钟村街道办事处", "--json", str(out)])
    assert other.exit_code == 0 and other.output.count('"agency_key": "钟村街道"') == 4
    none = CliRunner().invoke(find_command, ["--agency", "钟村", "--year", "2019", str(out)])
    assert none.exit_code == 1


def test_rerun_skips_done_content_and_gives_same_tables(mixed, mixed_store, tmp_path):
    out, first = mixed_store
    copy = tmp_path / "again"
    shutil.copytree(out, copy)
    summary = run_batch([mixed], copy, workers=2, progress=False)
    assert summary.parsed == 0 and summary.cached == first.parsed == (16 if os.geteuid() == 0 else 15)
    assert_same_store(out, copy)
    result = CliRunner().invoke(batch_command, ["--finalize", "--out", str(copy)])
    assert result.exit_code == 0, result.output
    assert_same_store(out, copy)


def test_results_of_another_parser_version_are_parsed_again(mixed, mixed_store, tmp_path, monkeypatch):
    out, first = mixed_store
    copy = tmp_path / "again"
    shutil.copytree(out, copy)
    monkeypatch.setattr(batch, "parser_fingerprint", lambda settings=None: "another-version")
    summary = run_batch([mixed], copy, workers=2, progress=False)
    assert summary.parsed == summary.stale == first.parsed and summary.cached == 0
    assert_same_store(out, copy)
    assert batch.Journal(copy).latest[str(mixed / f"{SEED0}.txt")]["parser"] == "another-version"


KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    import gxnlp.corpus.batch as b
    real = b.parse_to_result
    def slow(path, settings=None):
        time.sleep(0.05)
        return real(path, settings)
    b.parse_to_result = slow
    sys.argv = ["gxnlp batch", sys.argv[1], "--out", sys.argv[2], "--workers", "1", "--no-progress"]
    from gxnlp.cli.batch import batch_command
    batch_command()
""")


def test_killed_batch_resumes_to_identical_outputs(tmp_path):
    corpus = synth.generate(60, seed=5)
    synth.write_corpus(corpus, tmp_path / "in")
    full = tmp_path / "full"
    run_batch([tmp_path / "in"], full, workers=2, progress=False)

    part = tmp_path / "part"
    script = tmp_path / "slow_batch.py"
    script.write_text(KILL_SCRIPT, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "in"), str(part)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    journal = part / batch.JOURNAL
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if journal.exists() and journal.read_text(encoding="utf-8").count("\n") >= 15:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    done = journal.read_text(encoding="utf-8").count("\n")
    assert 15 <= done < 60, "killed midway"
    assert not (part / PARQUET_DIR / "reports.parquet").exists()  # tables are only built at the end

    summary = run_batch([tmp_path / "in"], part, workers=2, progress=False)
    assert summary.cached >= 15 and summary.parsed + summary.cached == 60
    assert_same_store(full, part)


def test_subset_first_then_all_equals_all_at_once(mixed, mixed_store, tmp_path):
    out, _ = mixed_store
    staged = tmp_path / "staged"
    run_batch([mixed / "sub"], staged, workers=1, progress=False)
    run_batch([mixed], staged, workers=2, progress=False)
    assert_same_store(out, staged)


def test_timeouts_internal_errors_and_crashes_are_rows(tmp_path, monkeypatch, capfd):
    import gxnlp.pipeline

    real = gxnlp.pipeline.parse

    def flaky(path, settings=None):
        name = Path(path).name
        if name.startswith("hang"):
            time.sleep(30)
        if name.startswith("bug"):
            raise ValueError("boom")
        if name.startswith("crash"):
            os._exit(3)
        return real(path, settings)

    monkeypatch.setattr(gxnlp.pipeline, "parse", flaky)  # the forked workers inherit it
    (tmp_path / "in").mkdir()
    for i, name in enumerate(["hang.txt", "bug.txt", "crash.txt", "good.txt"]):
        data = (SEEDS / f"{SEED0}.txt").read_bytes() + f"\n{i}".encode()
        (tmp_path / "in" / name).write_bytes(data)
    started = time.monotonic()
    run_batch([tmp_path / "in"], tmp_path / "out", workers=2, timeout=1.5, progress=False)
    assert time.monotonic() - started < 20
    errors = pq.read_table(tmp_path / "out" / PARQUET_DIR / "errors.parquet").to_pandas()
    reasons = dict(zip(errors["path"].map(lambda p: Path(p).name), errors["reason"]))
    assert reasons == {"hang.txt": "timed out after 1.5 s", "bug.txt": "internal error: ValueError: boom",
                       "crash.txt": "internal error: the worker process died (exit code 3)"}
    kinds = dict(zip(errors["path"].map(lambda p: Path(p).name), errors["kind"]))
    assert kinds == {"hang.txt": "timeout", "bug.txt": "internal", "crash.txt": "internal"}
    log = (tmp_path / "out" / batch.LOG_FILE).read_text(encoding="utf-8")
    assert "ValueError: boom" in log and "bug.txt" in log and "Traceback" in log
    captured = capfd.readouterr()
    assert "Traceback" not in captured.out + captured.err  # never on the console
    reports = pq.read_table(tmp_path / "out" / PARQUET_DIR / "reports.parquet").to_pandas()
    assert list(reports["file_name"]) == ["good.txt"]


def test_internal_error_inside_parse_is_caught(tmp_path, monkeypatch):
    import gxnlp.pipeline

    def broken(path, settings=None):
        raise KeyError("no such row")

    monkeypatch.setattr(gxnlp.pipeline, "parse", broken)
    outcome = batch.parse_to_result(str(SEEDS / f"{SEED0}.txt"))
    assert outcome["ok"] is False and outcome["kind"] == "internal"
    assert outcome["reason"] == "internal error: KeyError: 'no such row'"
    assert "Traceback" in outcome["traceback"]


def test_corrections_are_applied_and_listed(tmp_path):
    corrections = tmp_path / "corrections.yaml"
    corrections.write_text(textwrap.dedent(f"""\
        - file: {SEED0}.txt
          set: {{year: 2021, "table3.granted.total": 4, "table2.penalty": 750}}
          note: "p. 3: the table was misprinted"
        - file: "*/gbk-encoded.txt"
          set: {{agency: 永嘉县民政局（更正）}}
        - sha256: 0123456789abcdef
          set: {{year: 1999}}
        - file: {SEED0}.txt
          set: {{"table3.nonsense.total": 1}}
    """), encoding="utf-8")
    out = tmp_path / "out"
    run_batch([SEEDS, BAD / "gbk-encoded.txt"], out, workers=1, progress=False, corrections=corrections)
    t = {k: v.to_pandas() for k, v in tables(out).items()}
    seed = t["reports"].set_index("file_name").loc[f"{SEED0}.txt"]
    assert seed["year"] == 2021 and seed["t3_granted_total"] == 4 and seed["t2_penalty"] == 750
    assert seed["corrected"] and "t3_row_totals" in list(seed["failing_checks"])  # 4 ≠ 0+0+…: the fix broke a row
    check = t["checks"].set_index(["report_id", "check_id"]).loc[(seed["report_id"], "t3_row_totals")]
    assert check["status"] == "fail" and check["recomputed"] and "granted" in check["detail"]
    cell = t["cells"].set_index(["report_id", "cell"]).loc[(seed["report_id"], "table3.granted.total")]
    assert cell["value"] == 4 and cell["corrected"] and cell["raw"] == "0"
    log = t["corrections"]
    assert list(log["status"]) == ["applied"] * 4 + ["no match", "unknown field"]
    applied = log[log["status"] == "applied"]
    assert list(applied["field"]) == ["table2.penalty", "table3.granted.total", "year", "agency"]
    assert list(applied["old_value"])[:3] == ["749", "0", "2022"]
    assert list(applied["new_value"])[:3] == ["750", "4", "2021"]
    assert list(applied["note"])[:3] == ["p. 3: the table was misprinted"] * 3
    cov = t["coverage"]
    assert 2021 in set(cov[cov["report_id"] == seed["report_id"]]["year"])


def test_dask_engine_equals_local(mixed, mixed_store, tmp_path):
    from distributed import LocalCluster

    out, _ = mixed_store
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        summary = run_batch([mixed], tmp_path / "dask", engine="dask", scheduler=cluster.scheduler_address,
                            progress=False)
    assert summary.parsed == (16 if os.geteuid() == 0 else 15)
    assert_same_store(out, tmp_path / "dask")


def test_cli_usage_errors(tmp_path):
    r = CliRunner().invoke(batch_command, ["--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and "give INPUT" in r.output
    r = CliRunner().invoke(batch_command, [str(SEEDS), "--out", str(tmp_path / "o"), "--engine", "dask"])
    assert r.exit_code == 2 and "--scheduler" in r.output
