"""Batch parsing: many files → per-file results → the store (Parquet + DuckDB).

Why this shape:
- every input is accounted for: a parsed report, a duplicate of one, or an error row with a
  reason (a GxnlpError's reason; "internal error: …" with the traceback in
  OUT_DIR/logs/internal-errors.log; "timed out after N s");
- resumable: results are keyed by the sha256 of the file's bytes (results/ab/<sha>.json.gz),
  so a rerun skips what is done, and a renamed or copied file is not parsed twice;
- crash-safe: each result is written to a temp name and os.replace()d, the journal is
  append-only (a torn last line is ignored), and the tables are rebuilt from the results at
  the end of every run (or by --finalize), so Ctrl-C or kill -9 leaves nothing half-written;
- a hung file cannot stall the run: the local engine kills the worker that passes its
  deadline and starts a new one.
"""
from __future__ import annotations

import gzip
import json
import os
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional


from gxnlp.corpus.state import LOCK_FILE, STORE_STATE, Lock, store_state  # noqa: F401 (re-exported)
from gxnlp.errors import GxnlpError
from gxnlp.corpus.worker_os import cap_memory, die_with_parent, memory_outcome  # noqa: F401

RESULTS_DIR = "results"
JOURNAL = "journal.jsonl"
LOG_FILE = "logs/internal-errors.log"
SUFFIXES = (".txt", ".docx", ".html", ".htm", ".pdf")
DEFAULT_TIMEOUT = 120.0


# --- inputs ---------------------------------------------------------------------------------

@dataclass
class Input:
    path: str  # absolute, symlinks not resolved: the identity of the input in the store
    problem: Optional[str] = None  # set when the path cannot be a report file at all


def expand_inputs(inputs: Iterable) -> list[Input]:
    """Files as given; folders searched recursively. Unlike pipeline.expand_paths, entries that
    look like reports but are not readable files (a folder named x.txt, a broken link) are kept,
    so that they end in `errors` instead of vanishing."""
    out: dict[str, Input] = {}
    for item in inputs:
        p = Path(item)
        if p.is_dir() and p.suffix.lower() not in SUFFIXES:
            for f in sorted(p.rglob("*")):
                if f.suffix.lower() not in SUFFIXES:
                    continue
                if f.is_file():
                    out.setdefault(os.path.abspath(f), Input(os.path.abspath(f)))
                elif f.is_symlink() and not f.exists():
                    out.setdefault(os.path.abspath(f), Input(os.path.abspath(f), "broken symbolic link"))
                elif f.is_dir():
                    out.setdefault(os.path.abspath(f), Input(os.path.abspath(f), "is a directory, not a report file"))
        elif p.is_dir():
            out.setdefault(os.path.abspath(p), Input(os.path.abspath(p), "is a directory, not a report file"))
        elif p.is_symlink() and not p.exists():
            out.setdefault(os.path.abspath(p), Input(os.path.abspath(p), "broken symbolic link"))
        elif not p.exists():
            out.setdefault(os.path.abspath(p), Input(os.path.abspath(p), "no such file"))
        else:
            out.setdefault(os.path.abspath(p), Input(os.path.abspath(p)))
    return [out[k] for k in sorted(out)]


def hash_file(path: str) -> tuple[str, int]:
    """sha256 of the bytes and the size; OSError for an unreadable file."""
    import hashlib

    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def os_reason(e: OSError) -> str:
    if isinstance(e, PermissionError):
        return "permission denied"
    if isinstance(e, IsADirectoryError):
        return "is a directory, not a report file"
    if isinstance(e, FileNotFoundError):
        return "no such file"
    return f"cannot read ({e.strerror or e})"


# --- the work done for one file (in a worker) -----------------------------------------------

def parse_to_result(path: str, settings: Optional[dict] = None) -> dict:
    """Parse one file; never raises. ok → the gzipped result JSON (compressed here, in the worker);
    else kind + reason (+ traceback)."""
    from gxnlp.pipeline import parse

    try:
        report = parse(path, settings)
        result = {"report": report.to_dict()}
        load_error = False
    except GxnlpError as e:
        result = {"error": {"kind": "load", "reason": e.reason}}
        load_error = True
    except MemoryError:  # past the worker's --max-memory: this file's error, not a crash (and not cached)
        return memory_outcome()
    except Exception as e:  # a parser bug must not stop the batch
        return {"ok": False, "kind": "internal", "reason": f"internal error: {type(e).__name__}: {e}",
                "traceback": traceback.format_exc()}
    try:
        text = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
        return {"ok": True, "load_error": load_error, "data": gzip.compress(text.encode("utf-8"), 3)}
    except Exception as e:  # a value JSON cannot hold: a bug too
        return {"ok": False, "kind": "internal", "reason": f"internal error: {type(e).__name__}: {e}",
                "traceback": traceback.format_exc()}


def warm_up(settings: Optional[dict] = None) -> None:
    """Load what the first parse loads (rules, the sentence model) by parsing a small synthetic
    report, so a worker's first file is not charged for it against its timeout. With fork,
    done once in the parent, the workers inherit it."""
    from gxnlp.io.load import load_bytes
    from gxnlp.parse.normalise import normalise
    from gxnlp.pipeline import build_report
    from gxnlp.settings import ParseSettings
    from gxnlp.corpus.synth import generate

    text = generate(1, seed=0).reports[0].text
    resolved = ParseSettings.resolve(settings)
    try:
        build_report(normalise(load_bytes(text.encode("utf-8"), "warm-up.txt", resolved)), resolved)
    except Exception:  # a broken parser shows up on the real files, with their names
        pass


NOT_PARSING = {"corpus", "report", "cli"}  # subpackages that never change a parse
NOT_PARSING_DATA = {"synth.toml", "boilerplate.toml"}


def parser_fingerprint(settings: Optional[dict] = None) -> str:
    """What a stored result depends on: gxnlp's code and rule files, the sentence model and the
    settings. A result made by another parser is parsed again, so a store never mixes versions.
    (The batch/store/boilerplate/synth modules do not change a parse and are left out.)"""
    import hashlib

    from gxnlp import __version__

    h = hashlib.sha256(__version__.encode())
    h.update(json.dumps(settings or {}, sort_keys=True, default=str).encode())
    pkg = Path(__file__).resolve().parent.parent
    files = [p for p in sorted(pkg.rglob("*")) if p.is_file() and p.suffix in (".py", ".toml", ".txt", ".jsonl")
             and "__pycache__" not in p.parts and not NOT_PARSING & set(p.relative_to(pkg).parts)
             and p.name not in NOT_PARSING_DATA]
    # the shipped model (package data), read as bytes: importing the tagger would load scikit-learn
    files += [p for p in sorted((pkg / "models").glob("*")) if p.is_file() and p.suffix != ".md"]
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def parse_with_thread_timeout(path: str, settings: Optional[dict], timeout: float) -> dict:
    """For engines whose tasks cannot be killed (dask threads): give up waiting after `timeout`."""
    import concurrent.futures as cf

    pool = cf.ThreadPoolExecutor(max_workers=1)
    future = pool.submit(parse_to_result, path, settings)
    try:
        return future.result(timeout=timeout)
    except cf.TimeoutError:
        return timeout_outcome(timeout)
    finally:
        pool.shutdown(wait=False)


def timeout_outcome(timeout: float) -> dict:
    return {"ok": False, "kind": "timeout", "reason": f"timed out after {timeout:g} s"}


def worker_main(conn, settings: Optional[dict], warm: bool = False, max_memory: Optional[int] = None) -> None:
    """A local worker: parse the paths sent down the pipe until told to stop."""
    import signal

    die_with_parent()  # a kill -9 of the batch leaves no orphan holding the lock
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if warm:  # spawned, not forked from a warmed-up parent
        warm_up(settings)
    cap_memory(max_memory)  # after the warm-up: the limit is for the files
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        task_id, path = msg
        outcome = parse_to_result(path, settings)
        try:
            conn.send((task_id, outcome))
        except (BrokenPipeError, OSError):  # the parent is gone (killed): stop quietly
            return


# --- engines ------------------------------------------------------------------------------

class LocalEngine:
    """N worker processes, one task each at a time, each task with a deadline.

    Not concurrent.futures: a pool there cannot stop one hung task. Here the parent waits on
    the workers' pipes until the earliest deadline, kills a worker that passes it, records
    "timed out" and starts a new worker; a worker that dies is recorded the same way.
    """

    def __init__(self, workers: int, timeout: float, settings: Optional[dict] = None,
                 max_memory: Optional[int] = None):
        import multiprocessing as mp

        # fork: a user's script without `if __name__ == "__main__"` must not be re-run by each
        # worker (spawn/forkserver re-import __main__); the workers touch no parent threads.
        self.ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        self.n, self.timeout, self.settings = max(1, workers), timeout, settings
        self.max_memory = max_memory  # MB of address space per worker (RLIMIT_AS), None for no cap
        self.workers: list[dict] = []

    def start_worker(self) -> dict:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=worker_main, daemon=True, args=(child, self.settings, True, self.max_memory))
        proc.start()
        child.close()
        return {"proc": proc, "conn": parent, "task": None, "deadline": None}

    def run(self, tasks: Iterator[tuple]) -> Iterator[tuple[tuple, dict]]:
        import itertools
        from multiprocessing.connection import wait

        first = next(tasks, None)
        if first is None:  # nothing to parse: no worker is started, no model loaded
            return
        tasks = itertools.chain([first], tasks)
        self.workers = [self.start_worker() for _ in range(self.n)]
        exhausted = False
        try:
            while True:
                for w in self.workers:
                    if w["task"] is None and not exhausted:
                        task = next(tasks, None)
                        if task is None:
                            exhausted = True
                            break
                        w["task"], w["deadline"] = task, time.monotonic() + self.timeout
                        w["conn"].send((0, task[0]))
                busy = [w for w in self.workers if w["task"] is not None]
                if not busy:
                    return
                now = time.monotonic()
                wait_for = max(0.0, min(w["deadline"] for w in busy) - now)
                ready = wait([w["conn"] for w in busy], timeout=wait_for)
                for w in busy:
                    if w["conn"] in ready:
                        task, w["task"] = w["task"], None
                        try:
                            _, outcome = w["conn"].recv()
                        except (EOFError, OSError):
                            w["proc"].join(1)
                            code = w["proc"].exitcode
                            outcome = {"ok": False, "kind": "internal",
                                       "reason": f"internal error: the worker process died (exit code {code})",
                                       "traceback": f"worker process exit code {code} while parsing {task[0]}"}
                            self.replace(w)
                        yield task, outcome
                    elif time.monotonic() >= w["deadline"]:
                        task, w["task"] = w["task"], None
                        self.replace(w)
                        yield task, timeout_outcome(self.timeout)
        finally:
            self.close()

    def replace(self, w: dict) -> None:
        w["proc"].kill()
        w["proc"].join()
        w["conn"].close()
        w.update(self.start_worker())

    def close(self) -> None:
        for w in self.workers:
            try:
                if w["task"] is None:
                    w["conn"].send(None)
            except OSError:
                pass
        for w in self.workers:
            w["proc"].join(timeout=2 if w["task"] is None else 0)
            if w["proc"].is_alive():
                w["proc"].kill()
                w["proc"].join()
            w["conn"].close()
        self.workers = []


class DaskEngine:
    """The same tasks on a dask.distributed cluster (Client(address)).

    Inputs must be readable by the workers at the same paths; results come back to this
    process, which writes them, so OUT_DIR need not be shared. A hung task cannot be killed
    in a dask thread: after the timeout it is recorded and abandoned (its thread runs on).
    """

    def __init__(self, scheduler, timeout: float, settings: Optional[dict] = None, window: int = 0):
        self.scheduler, self.timeout, self.settings, self.window = scheduler, timeout, settings, window

    def run(self, tasks: Iterator[tuple]) -> Iterator[tuple[tuple, dict]]:
        from distributed import Client, as_completed

        client = self.scheduler if hasattr(self.scheduler, "submit") else Client(self.scheduler)
        try:
            client.run(warm_up, self.settings)  # every worker loads the model before the clocks start
            window = self.window or max(4, 4 * sum(client.nthreads().values()))
            pending = {}
            ac = as_completed()
            n = 0

            def submit_one() -> bool:
                nonlocal n
                task = next(tasks, None)
                if task is None:
                    return False
                n += 1
                fut = client.submit(parse_with_thread_timeout, task[0], self.settings, self.timeout, pure=False,
                                    key=f"gxnlp-parse-{n}")
                pending[fut.key] = task
                ac.add(fut)
                return True

            while len(pending) < window and submit_one():
                pass
            for fut in ac:
                task = pending.pop(fut.key)
                try:
                    outcome = fut.result()
                except Exception as e:  # a killed worker, a lost connection
                    outcome = {"ok": False, "kind": "internal", "reason": f"internal error: {type(e).__name__}: {e}",
                               "traceback": traceback.format_exc()}
                fut.release()
                yield task, outcome
                while len(pending) < window and submit_one():
                    pass
        finally:
            if client is not self.scheduler:
                client.close()


# --- the run ------------------------------------------------------------------------------

def result_path(out: Path, sha: str) -> Path:
    return out / RESULTS_DIR / sha[:2] / f"{sha}.json.gz"


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def checksum(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def result_intact(out: Path, sha: str, rec: dict) -> bool:
    """The stored result exists and is the one written: its sha256 matches the journal's (or, for a
    result written before checksums, it decompresses and parses). Anything else is parsed again."""
    try:
        data = result_path(out, sha).read_bytes()
    except OSError:
        return False
    if rec.get("result_sha256"):
        return checksum(data) == rec["result_sha256"]
    try:
        json.loads(gzip.decompress(data))
        return True
    except (OSError, EOFError, ValueError):
        return False


def load_result(out: Path, sha: str) -> Optional[dict]:
    try:
        with gzip.open(result_path(out, sha), "rb") as f:
            return json.loads(f.read())
    except (OSError, EOFError, ValueError):
        return None


class Journal:
    """Append-only record of each path's latest outcome; the last line for a path wins."""

    def __init__(self, out: Path):
        from gxnlp.corpus.store import iter_jsonl

        self.path = out / JOURNAL
        self.latest: dict[str, dict] = {}
        for rec in iter_jsonl(self.path):
            if isinstance(rec, dict) and "path" in rec:
                self.latest[rec["path"]] = rec
        self.f = None

    def record(self, rec: dict) -> None:
        if self.latest.get(rec["path"]) == rec:  # a rerun with nothing new writes nothing
            return
        if self.f is None:
            self.f = open(self.path, "a", encoding="utf-8")
        self.f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self.f.flush()
        self.latest[rec["path"]] = rec

    def close(self) -> None:
        if self.f is not None:
            self.f.close()
            self.f = None

    def compact(self) -> None:
        """Rewrite with one line per path (atomically)."""
        self.close()
        lines = "".join(json.dumps(self.latest[p], ensure_ascii=False) + "\n" for p in sorted(self.latest))
        write_atomic(self.path, lines.encode("utf-8"))


@dataclass
class BatchSummary:
    files: int = 0
    parsed: int = 0
    cached: int = 0
    stale: int = 0  # done before by another version of the parser: parsed again
    duplicates_in_run: int = 0
    errors: int = 0
    seconds: float = 0.0
    store: Optional[dict] = None


def run_batch(inputs: Iterable, out_dir, *, workers: Optional[int] = None, timeout: float = DEFAULT_TIMEOUT,
              engine: str = "local", scheduler=None, corrections=None, retry_errors: bool = False,
              progress: bool = True, settings: Optional[dict] = None, finalize: bool = True,
              max_memory: Optional[int] = None) -> BatchSummary:
    """Parse every input into OUT_DIR (skipping content already done), then rebuild the store."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fixes = load_corrections_file(corrections)
    started = time.monotonic()
    with Lock(out):
        summary = parse_all(expand_inputs(inputs), out, workers=workers, timeout=timeout, engine=engine,
                            scheduler=scheduler, retry_errors=retry_errors, progress=progress, settings=settings,
                            max_memory=max_memory)
        if finalize:
            summary.store = finalize_store(out, fixes, unless_unchanged=True)
    summary.seconds = time.monotonic() - started
    return summary


def load_corrections_file(corrections):
    if corrections is None:
        return None
    from gxnlp.corpus.corrections import load_corrections

    return load_corrections(corrections)


def parse_all(items: list[Input], out: Path, *, workers, timeout, engine, scheduler, retry_errors, progress,
              settings, max_memory: Optional[int] = None) -> BatchSummary:
    import tqdm as tqdm_module
    from tqdm import tqdm

    tqdm_module.tqdm.monitor_interval = 0  # no monitor thread in a process that forks workers
    # nothing is loaded here: the journal decides what is left to do, and each worker warms
    # itself up (in parallel) only when there is work
    parser = parser_fingerprint(settings)
    journal = Journal(out)
    done = {r["sha256"]: r for r in journal.latest.values() if r.get("status") == "done" and r.get("sha256")}
    summary = BatchSummary(files=len(items))
    tty = sys.stderr.isatty()
    bar = tqdm(total=len(items), unit="file", file=sys.stderr, disable=not progress, dynamic_ncols=True,
               desc="gxnlp batch", smoothing=0.05, mininterval=0.2 if tty else 30)  # a log file gets a line per 30 s
    waiting: dict[str, list[str]] = {}  # sha → paths waiting for its one parse in this run
    seen: set[str] = set()  # content met in this run

    def account(path: str, rec: dict) -> None:
        journal.record({"path": path, **rec})
        if rec["status"] == "error":
            summary.errors += 1
        bar.update(1)

    def tasks() -> Iterator[tuple[str, str, int]]:
        for item in items:
            if item.problem:
                account(item.path, {"sha256": None, "size": None, "status": "error", "kind": "unreadable",
                                    "reason": item.problem})
                continue
            try:
                sha, size = hash_file(item.path)
            except OSError as e:
                account(item.path, {"sha256": None, "size": None, "status": "error", "kind": "unreadable",
                                    "reason": os_reason(e)})
                continue
            if sha in waiting:
                waiting[sha].append(item.path)
                summary.duplicates_in_run += 1
                continue
            prior = done.get(sha)
            if prior is not None and prior.get("parser") == parser and result_intact(out, sha, prior) and (
                    sha in seen or not (retry_errors and prior.get("load_error"))):
                if sha in seen:
                    summary.duplicates_in_run += 1
                else:
                    summary.cached += 1
                seen.add(sha)
                summary.errors += bool(prior.get("load_error"))
                account(item.path, {"sha256": sha, "size": size, "status": "done", "parser": parser,
                                    "load_error": bool(prior.get("load_error")),
                                    **({"result_sha256": prior["result_sha256"]} if prior.get("result_sha256") else {})})
                continue
            if prior is not None and prior.get("parser") != parser and sha not in seen:
                summary.stale += 1
            seen.add(sha)
            waiting[sha] = []
            yield item.path, sha, size

    if engine == "dask":
        runner = DaskEngine(scheduler, timeout, settings)
    elif engine == "local":
        runner = LocalEngine(workers or os.cpu_count() or 1, timeout, settings, max_memory)
    else:
        raise GxnlpError(out, f"unknown engine {engine!r} (local or dask)")
    try:
        for (path, sha, size), outcome in runner.run(tasks()):
            paths = [path] + waiting.pop(sha, [])
            if outcome["ok"]:
                write_atomic(result_path(out, sha), outcome["data"])
                summary.parsed += 1
                summary.errors += len(paths) if outcome.get("load_error") else 0
                rec = {"sha256": sha, "size": size, "status": "done", "parser": parser,
                       "load_error": bool(outcome.get("load_error")), "result_sha256": checksum(outcome["data"])}
                done[sha] = rec
                for p in paths:
                    account(p, rec)
            else:
                if outcome.get("traceback"):
                    log_internal(out, path, sha, outcome)
                for p in paths:
                    account(p, {"sha256": sha, "size": size, "status": "error", "kind": outcome["kind"],
                                "reason": outcome["reason"]})
    finally:
        bar.close()
        journal.close()
    return summary


def log_internal(out: Path, path: str, sha: str, outcome: dict) -> None:
    log = out / LOG_FILE
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a", encoding="utf-8") as f:
        f.write(f"=== {time.strftime('%Y-%m-%d %H:%M:%S')} {path} (sha256 {sha})\n{outcome['traceback']}\n")


def finalize_store(out: Path, corrections=None, *, unless_unchanged: bool = False) -> dict:
    """Rebuild the Parquet tables and gxnlp.duckdb from the journal and the per-file results.
    With `unless_unchanged`, a store already built from the same journal is left as it is."""
    from gxnlp.corpus.layout import DUCKDB_FILE, PARQUET_DIR

    journal = Journal(out)
    key = store_state(out, journal.latest, corrections)
    state_file = out / STORE_STATE
    if unless_unchanged and (out / DUCKDB_FILE).exists() and (out / PARQUET_DIR).is_dir():
        try:
            state = json.loads(state_file.read_text(encoding="utf-8"))
            if state.get("key") == key:
                return state["counts"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
    from gxnlp.corpus.store import FileRecord, build_store

    state_file.unlink(missing_ok=True)
    journal.compact()
    files = [FileRecord(r["path"], r.get("sha256"), r.get("size"), r["status"], r.get("kind"), r.get("reason"))
             for r in journal.latest.values()]
    for tmp in (out / RESULTS_DIR).glob("*/.*.tmp-*"):  # left by a killed run
        tmp.unlink(missing_ok=True)
    counts = build_store(out, files, lambda sha: load_result(out, sha), corrections)
    write_atomic(state_file, json.dumps({"key": key, "counts": counts}, default=str).encode("utf-8"))
    return counts
