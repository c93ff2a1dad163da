"""One install does the whole job: the built wheel, installed into a fresh venv without extras,
runs parse, tag, batch, find, boilerplate and report on real files shipped in the repo, from a
folder outside the checkout (so the checkout is never imported). (That the wheel tags exactly
like the checkout is tested with the tagger.)

The venv sees the system's site-packages (no download in CI); gxnlp itself comes from the wheel.
"""
import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS

REAL = ROOT / "corpora" / "real" / "files"
SEED = SEEDS / "001_91b930a4292c284b.txt"
REAL_FILES = [REAL / "pingtan_2023_page.txt", REAL / "hongze_district_2023.pdf"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"  # a copy: the build writes build/ and *.egg-info, not into the checkout
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "gxnlp", src / "gxnlp", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "-w", str(dist), str(src)], check=True, capture_output=True)
    wheel = next(dist.glob("gxnlp-*.whl"))
    env_dir = tmp / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=False, symlinks=os.name != "nt")
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                    "--quiet", str(wheel)], check=True, capture_output=True)
    work = tmp / "work"
    work.mkdir()
    return {"wheel": wheel, "python": python, "gxnlp": bindir / "gxnlp", "work": work}


def run(installed, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GXNLP_DEBUG")}
    r = subprocess.run([str(installed["gxnlp"]), *map(str, args)], cwd=installed["work"], capture_output=True,
                       text=True, env=env, timeout=300)
    assert "Traceback" not in r.stderr and "Warning" not in r.stderr, r.stderr
    return r


def test_wheel_ships_the_model_and_data_and_needs_no_extra(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    assert any(n.startswith("gxnlp/models/") and not n.endswith(".md") for n in names)
    assert any(n.startswith("gxnlp/data/") and n.endswith(".toml") for n in names)
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    requires = [line for line in zipfile.ZipFile(installed["wheel"]).read(meta).decode().splitlines()
                if line.startswith("Requires-Dist:")]
    plain = {line.split()[1].split(";")[0].split(">")[0].split("<")[0].split("=")[0].lower()
             for line in requires if "extra ==" not in line}
    assert {"jieba", "spacy", "scikit-learn", "pandas", "pdfplumber", "pyarrow", "duckdb", "datasketch", "tqdm",
            "filelock", "numpy", "opencc"} <= plain
    extras = {line.split('extra == "')[1].rstrip('"') for line in requires if 'extra == "' in line}
    assert extras <= {"dask", "ocr", "notebooks", "test", "dev", "all"}
    where = subprocess.run([str(installed["python"]), "-c", "import gxnlp; print(gxnlp.__file__)"],
                           cwd=installed["work"], capture_output=True, text=True, check=True).stdout
    assert str(installed["python"].parent.parent) in where and str(ROOT) not in where


def test_every_command_works_from_the_wheel(installed):
    work = installed["work"]
    r = run(installed, "parse", SEED, *REAL_FILES)
    assert r.returncode == 0 and r.stdout.count("agency:") == 3
    r = run(installed, "tag", "--csv", *REAL_FILES)
    assert r.returncode == 0 and len(r.stdout.splitlines()) > 20
    r = run(installed, "batch", SEEDS, *REAL_FILES, "--out", work / "store", "--workers", "2", "--no-progress")
    assert r.returncode == 0 and (work / "store" / "gxnlp.duckdb").exists(), r.stderr
    r = run(installed, "find", work / "store", "--year", "2023", "--jsonl")
    assert r.returncode == 0 and r.stdout.strip() and all(json.loads(x)["year"] == 2023 for x in r.stdout.splitlines())
    r = run(installed, "boilerplate", work / "store")
    assert r.returncode == 0 and "reports" in r.stdout
    r = run(installed, "report", REAL_FILES[0], "--html", work / "one.html")
    assert r.returncode == 0 and (work / "one.html").stat().st_size > 1000
    r = run(installed, "report", work / "store", "--html", work / "corpus.html")
    assert r.returncode == 0 and (work / "corpus.html").stat().st_size > 1000
