"""A built wheel carries the model: installed in a fresh venv, it tags real sentences exactly as the checkout."""
import json
import os
import shutil
import subprocess
import sys
import zipfile

from conftest import ROOT
from gxnlp.tag.data import read_jsonl
from gxnlp.tag.tagger import load_model, tag_texts

SOURCES = ("pyproject.toml", "README.md", "LICENSE", "gxnlp")


def real_sentences(n=40):
    rows = read_jsonl(ROOT / "corpora" / "annotations" / "real_reports.jsonl")
    return [(r["text"], r["section"]) for r in rows[::max(1, len(rows) // n)]][:n]


def test_wheel_installed_in_a_fresh_venv_tags_as_the_checkout(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif path.exists():
            shutil.copy(path, src / name)
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(dist)], check=True, capture_output=True)
    wheel = next(dist.glob("gxnlp-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"gxnlp/models/sentence_tagger.json", "gxnlp/models/sentence_tagger.npz",
            "gxnlp/models/MODEL_CARD.md", "gxnlp/data/taxonomy.toml"} <= names
    assert not [n for n in names if n.endswith(".skops")]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "gx_tagger = gxnlp.tag.components:make_tagger" in zipfile.ZipFile(wheel).read(entry_points).decode()

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)], check=True,
                   capture_output=True)
    items = real_sentences()
    script = tmp_path / "tag.py"
    script.write_text(
        "import json, sys, warnings\n"
        "warnings.simplefilter('error')\n"  # a missing model would warn and fall back to the rules
        "import gxnlp\n"
        "from gxnlp.tag.tagger import default_model\n"
        "items = json.load(open(sys.argv[1], encoding='utf-8'))\n"
        "tags = default_model().tag([tuple(i) for i in items])\n"
        "print(json.dumps({'file': gxnlp.__file__, 'tags': tags, 'sklearn': 'sklearn' in sys.modules}))\n",
        encoding="utf-8")
    (tmp_path / "items.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GXNLP_MODEL")}
    out = subprocess.run([str(python), str(script), str(tmp_path / "items.json")], capture_output=True, text=True,
                         check=True, cwd=tmp_path, env=env).stdout
    installed = json.loads(out)
    assert installed["file"].startswith(str(venv)) and not installed["sklearn"]
    checkout = load_model(ROOT / "gxnlp" / "models").tag(items)
    assert [[[lab, round(p, 12)] for lab, p in row] for row in installed["tags"]] == \
        [[[lab, round(p, 12)] for lab, p in row] for row in checkout]
    assert sum(map(len, checkout)) >= 20
    assert [r["labels"] for r in tag_texts([t for t, _ in items[:3]])]  # the checkout's API runs too
