"""Start-up: whole-process `gxnlp parse one.txt` (without and with tagging) against
`python -c "import pandas, pdfplumber"`, measured in the same run (median of --runs each,
interleaved so the machine's load hits all three alike).

Targets (issue 15): --no-tags ≤ 1.0× the baseline, with tags ≤ 1.5×.

    python benchmarks/startup.py [--runs 7] [--file corpora/seeds/001_91b930a4292c284b.txt]
Writes benchmarks/startup.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "startup.json"
TARGETS = {"no_tags": 1.0, "tags": 1.5}


def gxnlp_command() -> list[str]:
    """`gxnlp` as a user runs it: the console script beside this Python, else `python -m gxnlp.cli`."""
    script = Path(sys.executable).with_name("gxnlp")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gxnlp.cli"]


def no_tags_supported(cmd: list[str]) -> bool:
    help_text = subprocess.run(cmd + ["parse", "--help"], capture_output=True, text=True).stdout
    return "--no-tags" in help_text


def commands(path: str) -> dict[str, list[str]]:
    gx = gxnlp_command()
    if no_tags_supported(gx):
        no_tags = gx + ["parse", path, "--no-tags"]
    else:  # before `parse --no-tags` landed: the same work through the API
        no_tags = [sys.executable, "-c", "import sys, gxnlp; from gxnlp.cli.parse import summary; "
                   "print(summary(gxnlp.parse(sys.argv[1], gxnlp.ParseSettings(tag_sentences=False))))", path]
    return {"baseline": [sys.executable, "-c", "import pandas, pdfplumber"],
            "no_tags": no_tags,
            "tags": gx + ["parse", path]}


def timed(cmd: list[str], cwd: str) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--file", default=str(ROOT / "corpora" / "seeds" / "001_91b930a4292c284b.txt"))
    args = ap.parse_args()
    cmds = commands(str(Path(args.file).resolve()))
    times: dict[str, list[float]] = {k: [] for k in cmds}
    with tempfile.TemporaryDirectory() as cwd:  # not the checkout: what an installed package does
        for cmd in cmds.values():  # warm the OS file cache once
            timed(cmd, cwd)
        for _ in range(args.runs):
            for name, cmd in cmds.items():
                times[name].append(timed(cmd, cwd))
    median = {k: statistics.median(v) for k, v in times.items()}
    ratios = {k: round(median[k] / median["baseline"], 2) for k in ("no_tags", "tags")}
    result = {"machine": f"{platform.machine()} {platform.python_version()}", "cpu_count": os.cpu_count(),
              "runs": args.runs, "file": os.path.relpath(args.file, ROOT),
              "commands": {k: " ".join(Path(c).name if i == 0 else c for i, c in enumerate(v))
                           for k, v in cmds.items()},
              "median_seconds": {k: round(v, 3) for k, v in median.items()},
              "ratios": ratios, "targets": TARGETS,
              "met": {k: ratios[k] <= TARGETS[k] for k in TARGETS}}
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for k in ("no_tags", "tags"):
        print(f"gxnlp parse ({k.replace('_', '-')}): {median[k]:.3f} s = {ratios[k]}× "
              f"`import pandas, pdfplumber` ({median['baseline']:.3f} s); target ≤ {TARGETS[k]}× "
              f"{'met' if result['met'][k] else 'NOT met'}")
    return result


if __name__ == "__main__":
    main()
