"""Rules are data: every file loads, names are checked against the spec, and a wheel ships them."""
import json
import subprocess
import sys
import zipfile

import pytest

from gxnlp import rules
from gxnlp.errors import RulesError
from conftest import ROOT


@pytest.mark.parametrize("name", ["sections", "table_rows", "metadata", "metrics", "numerals", "labels"])
def test_data_files_load_read_only(name):
    data = rules.load(name)
    with pytest.raises(TypeError):
        data["new"] = 1


def test_unknown_row_key_is_named(monkeypatch):
    good = rules.load("table_rows")
    broken = {k: dict(v) if hasattr(v, "items") else v for k, v in good.items()}
    broken["table3"] = dict(good["table3"])
    broken["table3"]["rows"] = {**good["table3"]["rows"], "grnated": {"labels": ["予以公开"]}}
    with pytest.raises(RulesError, match="unknown table3 row key 'grnated'"):
        rules._validate_table_rows(broken)


def test_output_keys_match_the_spec(seed_paths):
    """The JSON keys are the spec's names (checked-in list, like spaCy's registration snapshot)."""
    import gxnlp

    expected = json.loads((ROOT / "tests" / "fixtures" / "spec_keys.json").read_text(encoding="utf-8"))
    d = gxnlp.parse(seed_paths[1]).to_dict()
    assert sorted(k for k in d if k != "provenance") == expected["report"]
    assert sorted(d["sections"]) == expected["sections"]
    assert sorted(d["tables"]["table3"]) == expected["table3_rows"]
    assert sorted(d["tables"]["table4"]) == expected["table4_groups"]
    assert sorted(d["tables"]["table2"]) == expected["table2_2021"]
    assert sorted(d["claims"][0]) == expected["claim"]


def test_wheel_ships_the_data_files(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, timeout=300)
    [wheel] = tmp_path.glob("gxnlp-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("sections", "table_rows", "metadata", "metrics", "numerals", "labels"):
        assert f"gxnlp/data/{name}.toml" in names
    assert "gxnlp/data/report.css" in names and "gxnlp/data/report.js" in names
