"""Boilerplate detection at scale: time and peak memory for N synthetic reports.

The store's `reports`, `sections` and `sentences` tables are written directly from
gxnlp.synth (sentences split with the same function the store uses), without parsing, so
that 100k reports can be set up in a couple of minutes; `gxnlp boilerplate` is then run in a
child process whose wall time and peak RSS (ru_maxrss) are measured.
Targets on 2 cores: 100k reports in ≤ 10 min and ≤ 4 GB; growth near-linear.

    python benchmarks/boilerplate_scale.py                 # small: 2000 5000 10000
    python benchmarks/boilerplate_scale.py --sizes 10000 30000 100000
Figures are merged into benchmarks/results.json under "boilerplate_scale" (per size) and written to
benchmarks/boilerplate_scale.json.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
CHUNK = 10_000


def build_store(n: int, out: Path, seed: int = 11) -> dict:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from gxnlp.corpus import synth
    from gxnlp.parse.agencies import normalise_agency
    from gxnlp.corpus.store import sentences_of

    pq_dir = out / "parquet"
    pq_dir.mkdir(parents=True, exist_ok=True)
    s, i = pa.string(), pa.int64()
    schemas = {
        "reports": pa.schema([("report_id", s), ("agency", s), ("agency_key", s), ("year", i)]),
        "sections": pa.schema([("report_id", s), ("section", s), ("text", s)]),
        "sentences": pa.schema([("report_id", s), ("sentence_no", i), ("section", s), ("start", i), ("end", i),
                                ("text", s)]),
        # the saved form, which gxnlp.corpus.store.read_reports reads (boilerplate reads only this)
        "saved": pa.schema([("report_id", s), ("saved", s)]),
    }
    writers = {k: pq.ParquetWriter(pq_dir / f"{k}.parquet", v, compression="zstd") for k, v in schemas.items()}
    n_sentences = 0
    done = 0
    chunk_no = 0
    while done < n:
        size = min(CHUNK, n - done)
        corpus = synth.generate(size, seed=seed + chunk_no)
        cols = {k: {f: [] for f in v.names} for k, v in schemas.items()}
        for r in corpus.reports:
            rid = hashlib.sha256(f"{chunk_no}:{r.text}".encode("utf-8")).hexdigest()
            for key, val in (("report_id", rid), ("agency", r.agency_printed),
                             ("agency_key", normalise_agency(r.agency_printed)), ("year", r.year)):
                cols["reports"][key].append(val)
            cols["saved"]["report_id"].append(rid)
            cols["saved"]["saved"].append(json.dumps({"source": "", "format": "txt", "agency": r.agency_printed,
                                                      "year": r.year, "sections": r.sections, "tables": {}},
                                                     ensure_ascii=False))
            for sec, text in r.sections.items():
                cols["sections"]["report_id"].append(rid)
                cols["sections"]["section"].append(sec)
                cols["sections"]["text"].append(text)
            for k, (sec, a, b, text, _) in enumerate(sentences_of({"sections": r.sections})):
                for key, val in zip(schemas["sentences"].names, (rid, k, sec, a, b, text)):
                    cols["sentences"][key].append(val)
                n_sentences += 1
        for k, w in writers.items():
            w.write_table(pa.table(cols[k], schema=schemas[k]))
        done += size
        chunk_no += 1
    for w in writers.values():
        w.close()
    return {"sentences": n_sentences}


def run_child(store: Path) -> dict:
    code = ("import json, sys; from gxnlp.corpus.boilerplate import run; "
            "print(json.dumps(run(sys.argv[1])))")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, str(store)], stdout=subprocess.PIPE)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"boilerplate run failed (status {status})")
    summary = json.loads(out.decode("utf-8").strip().splitlines()[-1])
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024), "summary": summary}


def merge_results(per_size: dict, extra: dict) -> None:
    data = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    mine = data.get("boilerplate_scale", {})
    mine.update(extra)
    sizes = mine.get("sizes", {})
    sizes.update(per_size)
    mine["sizes"] = dict(sorted(sizes.items(), key=lambda kv: int(kv[0])))
    s = mine["sizes"]
    # growth between consecutive measured sizes: near-linear means time_ratio ≈ reports_ratio
    keys = sorted(s, key=int)
    mine["growth"] = [{"from": int(x), "to": int(y), "reports_ratio": round(int(y) / int(x), 2),
                       "time_ratio": round(s[y]["seconds"] / s[x]["seconds"], 2),
                       "memory_ratio": round(s[y]["peak_rss_mb"] / s[x]["peak_rss_mb"], 2)}
                      for x, y in zip(keys, keys[1:])]
    big = s.get("100000")
    if big:
        mine["target_100k_met"] = big["seconds"] <= 600 and big["peak_rss_mb"] <= 4096
    data["boilerplate_scale"] = mine
    (ROOT / "benchmarks" / "boilerplate_scale.json").write_text(json.dumps(mine, indent=2) + "\n", encoding="utf-8")
    tmp = RESULTS.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, RESULTS)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 5000, 10000])
    ap.add_argument("--keep", action="store_true", help="keep the synthetic stores")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gxnlp-bp-bench-"))
    per_size = {}
    try:
        for n in args.sizes:
            store = tmp / f"store-{n}"
            t0 = time.perf_counter()
            built = build_store(n, store)
            setup = time.perf_counter() - t0
            r = run_child(store)
            r.update(reports=n, sentences=built["sentences"], setup_seconds=round(setup, 1),
                     ms_per_report=round(1000 * r["seconds"] / n, 2), load_average_1min=round(os.getloadavg()[0], 2))
            per_size[str(n)] = r
            s = r["summary"]
            print(f"{n} reports ({built['sentences']} sentences, {s['seeded_pairs']} seeded pairs): "
                  f"{r['seconds']} s, peak {r['peak_rss_mb']} MB, {r['ms_per_report']} ms/report "
                  f"[setup {r['setup_seconds']} s; load average {r['load_average_1min']}]", flush=True)
            if not args.keep:
                shutil.rmtree(store, ignore_errors=True)
        merge_results(per_size, {"machine": f"{platform.machine()} {platform.python_version()}",
                                 "cpu_count": os.cpu_count()})
        data = json.loads(RESULTS.read_text(encoding="utf-8"))["boilerplate_scale"]
        for g in data.get("growth", []):
            print(f"{g['from']} → {g['to']} reports (×{g['reports_ratio']}): time ×{g['time_ratio']}, "
                  f"peak memory ×{g['memory_ratio']}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
