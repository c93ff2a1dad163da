"""Fuzz benchmark: seeded mutants of real report files (all four formats) through gxnlp.parse.

Every mutant must end as a Report or a GxnlpError. Workers run in child processes (each with a
parent-death signal and its own RSS measurement); a watchdog in the parent kills and counts a worker
stuck on one input for longer than --hang seconds. Mutants that raise anything else, or hang, are saved
to --save for reproduction. Figures go to benchmarks/fuzz.json.

    timeout 700 python benchmarks/fuzz.py --minutes 10 [--workers 2] [--seed 0] [--tag]

Sentence tagging is off unless --tag (it reads text the loaders produced; the damage is in the loaders).
"""
from __future__ import annotations

import argparse
import collections
import json
import multiprocessing as mp
import os
import platform
import resource
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "tools"))
import fuzzing  # noqa: E402


def worker(index: int, seed: int, deadline: float, state, queue, save: str, tag: bool = False) -> None:
    from gxnlp.corpus.batch import die_with_parent

    die_with_parent()
    import gxnlp
    from gxnlp.errors import GxnlpError
    from gxnlp.settings import ParseSettings

    settings = ParseSettings(tag_sentences=tag)
    tmp = Path(tempfile.mkdtemp(prefix=f"gxfuzz{index}-"))
    stats = {"inputs": 0, "gxnlp_errors": 0, "reports": 0, "max_seconds": 0.0, "max_cpu_seconds": 0.0,
             "slowest": None, "other": []}
    n = 0
    for case, suffix, data in fuzzing.cases(seed * 1000 + index, 10**9):
        if time.time() > deadline:
            break
        path = tmp / f"case{suffix}"
        path.write_bytes(data)
        state[index * 2] = time.time()
        state[index * 2 + 1] = n
        start, cpu = time.perf_counter(), time.process_time()
        try:
            gxnlp.parse(path, settings)
            stats["reports"] += 1
        except GxnlpError:
            stats["gxnlp_errors"] += 1
        except Exception as e:  # the contract is broken: save the reproducer
            out = Path(save) / f"{case.replace(':', '_')}"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            frame = traceback.extract_tb(e.__traceback__)[-1]
            stats["other"].append({"case": case, "type": e.__class__.__name__, "message": str(e)[:200],
                                   "where": f"{Path(frame.filename).name}:{frame.lineno} {frame.name}",
                                   "saved": str(out)})
        elapsed = time.perf_counter() - start
        stats["max_cpu_seconds"] = max(stats["max_cpu_seconds"], time.process_time() - cpu)
        state[index * 2] = 0.0
        if elapsed > stats["max_seconds"]:
            stats["max_seconds"], stats["slowest"] = elapsed, case
        stats["inputs"] += 1
        n += 1
        if n % 200 == 0:
            queue.put(("progress", index, dict(stats, other=len(stats["other"]))))
    stats["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(("done", index, stats))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) - 1))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--hang", type=float, default=30.0,
                    help="wall seconds on one input after which the worker is killed and a hang recorded")
    ap.add_argument("--tag", action="store_true", help="tag sentences too (loads the model)")
    ap.add_argument("--save", default=str(Path(tempfile.gettempdir()) / "gxnlp-fuzz-failures"))
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "fuzz.json"))
    args = ap.parse_args(argv)

    ctx = mp.get_context("fork")
    start = time.time()
    deadline = start + args.minutes * 60
    state = ctx.Array("d", 2 * args.workers, lock=False)
    queue = ctx.Queue()
    procs = {}
    hangs = []
    done: dict[int, dict] = {}
    generation = collections.Counter()

    def spawn(i):
        p = ctx.Process(target=worker, args=(i, args.seed + 7919 * generation[i], deadline, state, queue, args.save, args.tag),
                        daemon=True)
        p.start()
        procs[i] = p

    for i in range(args.workers):
        spawn(i)
    partial: dict[int, list[dict]] = collections.defaultdict(list)
    while len(done) < args.workers:
        try:
            kind, i, stats = queue.get(timeout=1)
            if kind == "done":
                partial[i].append(stats)
                done[i] = stats
            else:
                print(f"[{time.time() - start:5.0f}s] worker {i}: {stats['inputs']} inputs, "
                      f"{stats['other']} other exceptions, max {stats['max_seconds']:.2f}s", flush=True)
        except Exception:
            pass
        for i, p in list(procs.items()):
            if i in done:
                continue
            began = state[i * 2]
            if began and time.time() - began > args.hang:
                hangs.append({"worker": i, "input_number": int(state[i * 2 + 1]), "seconds": time.time() - began})
                p.kill()
                p.join()
                state[i * 2] = 0.0
                generation[i] += 1
                if time.time() < deadline:
                    spawn(i)  # its counts so far are lost; the hang is recorded
                else:
                    done[i] = {"inputs": 0, "gxnlp_errors": 0, "reports": 0, "max_seconds": 0.0, "other": [],
                               "peak_rss_mb": 0.0}
            elif not p.is_alive() and i not in done and queue.empty():
                p.join(timeout=1)
                if not p.is_alive() and p.exitcode not in (0, None):
                    hangs.append({"worker": i, "crashed_exit_code": p.exitcode})
                    generation[i] += 1
                    spawn(i) if time.time() < deadline else done.setdefault(i, {"inputs": 0, "gxnlp_errors": 0,
                                                                                "reports": 0, "max_seconds": 0.0,
                                                                                "other": [], "peak_rss_mb": 0.0})
    stats = [s for runs in partial.values() for s in runs]
    other = [o for s in stats for o in s["other"]]
    result = {
        "minutes": round((time.time() - start) / 60, 2),
        "workers": args.workers,
        "tag_sentences": args.tag,
        "seed": args.seed,
        "seed_files": {suffix: sum(1 for p in fuzzing.seed_files() if p.suffix == suffix) for suffix in fuzzing.SUFFIXES},
        "inputs": sum(s["inputs"] for s in stats),
        "reports": sum(s["reports"] for s in stats),
        "gxnlp_errors": sum(s["gxnlp_errors"] for s in stats),
        "other_exceptions": len(other),
        "other_exception_types": dict(collections.Counter(f"{o['type']} at {o['where']}" for o in other)),
        "other_examples": other[:20],
        "hangs_or_crashes": hangs,
        "max_seconds_per_input": round(max((s["max_seconds"] for s in stats), default=0.0), 3),
        "max_cpu_seconds_per_input": round(max((s.get("max_cpu_seconds", 0.0) for s in stats), default=0.0), 3),
        "load_average": os.getloadavg(),
        "slowest_input": max(stats, key=lambda s: s["max_seconds"]).get("slowest") if stats else None,
        "peak_rss_mb_per_worker": [round(s["peak_rss_mb"], 1) for s in stats],
        "python": platform.python_version(),
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "other_examples"}, ensure_ascii=False, indent=1))
    return 0 if not other and not hangs else 1


if __name__ == "__main__":
    sys.exit(main())
