"""The analysis notebooks run, offline, on the shipped corpus and draw their plots (nbclient)."""
import ast

import pytest

from conftest import ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("matplotlib")
pytest.importorskip("ipykernel")

NOTEBOOKS = ROOT / "notebooks"


def execute(name: str):
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


def test_all_notebooks_are_tested():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == [
        "01_transparency_rhetoric.ipynb", "02_boilerplate.ipynb", "03_problem_categories.ipynb"]
    for path in NOTEBOOKS.glob("*.ipynb"):  # committed without outputs
        assert not outputs(nbformat.read(path, as_version=4)), path.name


def test_transparency_rhetoric():
    nb = execute("01_transparency_rhetoric.ipynb")
    assert images(nb) >= 4
    s = summary(nb)
    assert s["reports"] >= 150 + 5 and s["levels"] >= 3
    assert s["slogan_hits"] > 0 and s["mean_specificity"] > 0


def test_boilerplate():
    pytest.importorskip("pyarrow")
    pytest.importorskip("duckdb")
    nb = execute("02_boilerplate.ipynb")
    assert images(nb) >= 3
    s = summary(nb)
    assert s["reports"] >= 120 + 5
    assert {"template", "shared", "own"} <= set(s["kinds"])
    assert s["planted"] > 0 and s["recall"] >= 0.8  # the copies gxnlp.synth planted are found


def test_problem_categories():
    nb = execute("03_problem_categories.ipynb")
    assert images(nb) >= 3
    s = summary(nb)
    assert s["reports"] >= 150 + 5 and s["problem_categories"] >= 8
    assert s["top_problem"].startswith("problem:") and 0 < s["mean_remedy_rate"] < 1
