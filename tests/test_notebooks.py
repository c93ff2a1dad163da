"""The research notebooks run, offline, on the real reports of corpora/ and draw their plots (nbclient).

They import gxnlp as installed (no path tricks) and find the corpus through GXNLP_CORPUS, as a user
pointing them at their own reports would.
"""
import ast
import os

import pytest

from conftest import ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("matplotlib")
pytest.importorskip("ipykernel")

NOTEBOOKS = ROOT / "notebooks"
NAMES = ["01_problems_reported.ipynb", "02_claims_vs_tables.ipynb", "03_who_copies_whom.ipynb"]


def execute(name: str, monkeypatch):
    monkeypatch.setenv("GXNLP_CORPUS", str(ROOT / "corpora"))
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    return nb


def outputs(nb):
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def summary(nb) -> dict:
    """The dict the last cell displays (every notebook ends with its key numbers)."""
    last = [o for o in nb.cells[-1].outputs if o.get("output_type") == "execute_result"]
    return ast.literal_eval(last[0]["data"]["text/plain"])


def images(nb) -> int:
    return sum("image/png" in o.get("data", {}) for o in outputs(nb))


def errors_or_warnings(nb) -> list:
    return [o for o in outputs(nb) if o.get("output_type") == "error"
            or (o.get("name") == "stderr" and ("Warning" in o.get("text", "") or "Traceback" in o.get("text", "")))]


def test_all_notebooks_are_tested_and_committed_clean():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES
    for path in NOTEBOOKS.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        assert not outputs(nb), path.name  # committed without outputs
        source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert "sys.path" not in source and "synth" not in source, path.name  # installed package, real reports


def test_problems_reported(monkeypatch):
    nb = execute(NAMES[0], monkeypatch)
    assert images(nb) >= 3 and not errors_or_warnings(nb)
    s = summary(nb)
    assert s["reports"] >= 45 and s["problem_categories"] >= 8 and s["levels"] >= 3
    assert s["top_problem"].startswith("problem:") and s["reports_admitting_any"] >= 20


def test_claims_vs_tables(monkeypatch):
    nb = execute(NAMES[1], monkeypatch)
    assert images(nb) >= 3 and not errors_or_warnings(nb)
    s = summary(nb)
    assert s["reports"] >= 45 and s["claims"] > 500 and s["compared"] > 50
    assert 0 < s["inconsistent"] < s["compared"] and s["reports_with_contradiction"] >= 3
    assert "t4_totals" in s["failing_checks"]  # Hongze 2023's table 4 totals are wrong as published


def test_who_copies_whom(monkeypatch):
    nb = execute(NAMES[2], monkeypatch)
    assert images(nb) >= 3 and not errors_or_warnings(nb)
    s = summary(nb)
    assert s["reports"] >= 45 and {"template", "shared", "own"} <= set(s["kinds"])
    assert s["copy_pairs"] >= 3 and 0 < s["mean_originality"] < 1 and s["own_reuse_reports"] >= 3
