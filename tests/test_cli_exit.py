"""Every command's exit code and failure output: one line on stderr, never a traceback.

0 done · 1 some input failed (find: nothing matched) · 2 usage, environment or internal error.
(`check`'s own exit codes for failing checks are covered with the audit's tests.)
"""
import json
import sys

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, SEEDS
from gxnlp.cli import main

SEED = SEEDS / "001_91b930a4292c284b.txt"
BAD = FIXTURES / "bad" / "random-bytes.txt"


def run(*args, **kw):
    result = CliRunner().invoke(main, [str(a) for a in args], **kw)
    assert "Traceback" not in result.output, result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # an exception escaped the command: the user would see a traceback
    return result


def one_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith("gxnlp: ") or line.startswith(("Usage:", "Try ", "Error:"))
                         for line in lines), result.stderr
    return lines[-1]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    out = tmp_path_factory.mktemp("store")
    r = run("batch", SEEDS, "--out", out, "--workers", "1", "--no-progress")
    assert r.exit_code == 0, r.output
    return out


# --- parse / tag / report: 0 when every file was read, 1 when one was not --------------------

@pytest.mark.parametrize("command", [["parse"], ["parse", "--jsonl"], ["tag"], ["tag", "--csv"], ["tag", "--jsonl"]])
def test_good_file_exits_0(command):
    r = run(*command, SEED)
    assert r.exit_code == 0 and r.stdout.strip() and not r.stderr.strip()


@pytest.mark.parametrize("command", [["parse"], ["parse", "--jsonl"], ["tag", "--jsonl"], ["check"]])
def test_bad_file_is_one_line_and_the_rest_is_output(command):
    r = run(*command, SEED, BAD)
    assert r.exit_code == 1 if command[0] != "check" else r.exit_code in (1, 0)
    assert str(BAD) in one_line(r) and r.stdout.strip()


def test_missing_file_exits_1():
    r = run("parse", "no/such/file.txt")
    assert r.exit_code == 1 and "no such file" in one_line(r)


@pytest.mark.parametrize("args", [["parse"], ["tag"], ["tag", "--csv", "--jsonl", str(SEED)], ["batch", str(SEED)],
                                  ["find"], ["report", str(SEED)], ["review", "r.json"], ["nosuchcommand"]])
def test_usage_errors_exit_2(args):
    r = run(*args)
    assert r.exit_code == 2 and "Error" in r.stderr


def test_report_page(tmp_path):
    r = run("report", SEED, "--html", tmp_path / "p.html")
    assert r.exit_code == 0 and (tmp_path / "p.html").stat().st_size > 1000
    r = run("report", BAD, "--html", tmp_path / "bad.html")
    assert r.exit_code == 1 and str(BAD) in one_line(r)


# --- batch / find / boilerplate ------------------------------------------------------------

def test_batch_rerun_and_lock(store):
    r = run("batch", SEEDS, "--out", store, "--workers", "1", "--no-progress")
    assert r.exit_code == 0 and "0 parsed" in r.stderr and "5 already done" in r.stderr
    from gxnlp.corpus.batch import Lock

    with Lock(store):  # another run holds the folder
        r = run("batch", SEEDS, "--out", store, "--no-progress")
    assert r.exit_code == 2 and "another gxnlp batch" in one_line(r)


def test_find_formats_and_no_match(store):
    r = run("find", store, "--agency", "钟村", "--jsonl")
    assert r.exit_code == 0 and json.loads(r.stdout.splitlines()[0])["agency"]
    assert run("find", store, "--agency", "钟村", "--json").stdout == r.stdout  # the old spelling still works
    assert "--json " not in run("find", "--help").stdout  # …but is not advertised
    r = run("find", store, "--csv")
    assert r.exit_code == 0 and r.stdout.splitlines()[0] == "year,agency,report_id,source,failing_checks"
    assert len(r.stdout.splitlines()) == 6
    r = run("find", store, "--agency", "不存在的机关")
    assert r.exit_code == 1 and one_line(r) == "gxnlp: no report matches"


@pytest.mark.parametrize("command", ["find", "boilerplate"])
def test_not_a_store_exits_2(command, tmp_path):
    r = run(command, tmp_path)
    assert r.exit_code == 2 and "not a store" in one_line(r)


def test_boilerplate_and_corpus_page(store, tmp_path):
    r = run("boilerplate", store)
    assert r.exit_code == 0 and "reports" in r.stdout
    r = run("report", store, "--html", tmp_path / "corpus.html")
    assert r.exit_code == 0 and (tmp_path / "corpus.html").exists()


# --- review ---------------------------------------------------------------------------------

def test_review_rejects_unknown_and_malformed_fingerprints(tmp_path):
    review = tmp_path / "review.json"
    r = run("review", review, "xyz", "dismissed")
    assert r.exit_code == 2 and "not a fingerprint" in r.stderr
    r = run("review", review, "0123456789ab", "dismissed")
    assert r.exit_code == 2 and "unknown fingerprint 0123456789ab" in one_line(r)
    assert not review.exists()
    findings = tmp_path / "findings.jsonl"
    findings.write_text(run("check", SEEDS, "--jsonl").stdout, encoding="utf-8")
    fp = json.loads(findings.read_text(encoding="utf-8").splitlines()[0])["fingerprint"]
    r = run("review", review, "0123456789ab", "dismissed", "--findings", findings)
    assert r.exit_code == 2 and "unknown fingerprint" in one_line(r)
    r = run("review", review, fp, "dismissed", "--findings", findings, "--note", "typo")
    assert r.exit_code == 0 and json.loads(review.read_text(encoding="utf-8"))[fp]["decision"] == "dismissed"
    r = run("review", review, fp, "confirmed")  # already in the review file: may be decided again
    assert r.exit_code == 0
    r = run("review", review, fp, "confirmed", SEEDS)  # or known from the reports themselves
    assert r.exit_code == 0


# --- a missing dependency or a bug: one line, exit 2 ----------------------------------------

@pytest.mark.parametrize("module, command", [("tqdm", "batch"), ("pyarrow", "boilerplate"), ("duckdb", "find")])
def test_missing_dependency_is_one_line(module, command, store, monkeypatch, tmp_path):
    for name in list(sys.modules):
        if name == module or name.startswith(module + "."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, module, None)  # what `import module` does when it is not installed
    args = {"batch": [SEEDS, "--out", tmp_path / "o", "--no-progress"], "boilerplate": [store],
            "find": [store]}[command]
    r = run(command, *args)
    if r.exit_code == 0:  # this command did not need the module on this path
        return
    assert r.exit_code == 2
    line = one_line(r)
    assert line.startswith(f"gxnlp: {command} needs {module}; pip install"), line


def test_missing_optional_extra_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    r = run("batch", SEED, "--out", tmp_path / "o", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1",
            "--no-progress")
    assert r.exit_code == 2 and one_line(r) == 'gxnlp: batch needs distributed; pip install "gxnlp[dask]"'


def test_internal_error_is_one_line(monkeypatch, store):
    import gxnlp.corpus.boilerplate as bp

    def boom(*a, **k):
        raise RuntimeError("a bug")

    monkeypatch.setattr(bp, "run", boom)
    monkeypatch.setattr("gxnlp.cli.boilerplate.run", boom, raising=False)
    monkeypatch.delenv("GXNLP_DEBUG", raising=False)
    r = run("boilerplate", store)
    assert r.exit_code == 2 and "internal error (RuntimeError: a bug); please report it" in one_line(r)


def test_noop_rerun_loads_nothing_and_rebuilds_nothing(store):
    """A rerun with nothing new reads the journal only: no worker, no model, no store rebuild."""
    import subprocess

    parquet = sorted((store / "parquet").glob("*.parquet"))
    before = {p: p.stat().st_mtime_ns for p in parquet}
    code = ("import sys; from gxnlp.corpus.batch import run_batch; "
            f"s = run_batch([{str(SEEDS)!r}], {str(store)!r}, workers=2, progress=False); "
            "print(s.parsed, s.cached, s.store['reports'], sorted(m for m in sys.modules if m.startswith("
            "('gxnlp.tag', 'sklearn', 'spacy', 'pyarrow', 'duckdb'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(" ", 3)
    assert out[:3] == ["0", "5", "5"] and out[3].strip() == "[]", out
    assert {p: p.stat().st_mtime_ns for p in parquet} == before
