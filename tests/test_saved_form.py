"""One saved form: Report.to_dict() → JSON → Report.from_dict() gives the same Report,
directly and through a batch store, for every fixture in every format."""
import dataclasses
import json
import shutil

import pytest

import gxnlp
from gxnlp.corpus.batch import run_batch
from gxnlp.corpus.store import read_reports
from gxnlp.model import Report
from conftest import FIXTURES, ROOT, SEEDS

REAL = ROOT / "corpora" / "real" / "files"
FIXTURE_FILES = sorted([*SEEDS.glob("*.txt"), *(FIXTURES / "formats").glob("*.[dhp]*[xlf]"),
                        *(p for p in (FIXTURES / "layouts").iterdir() if p.suffix in (".txt", ".html", ".docx"))])
REAL_FILES = sorted(REAL.glob("*")) if REAL.is_dir() else []


def without_document(report: Report) -> Report:
    return dataclasses.replace(report, document=None)


def assert_same(a: Report, b: Report) -> None:
    for f in dataclasses.fields(Report):
        if f.name != "document":
            assert getattr(a, f.name) == getattr(b, f.name), f"{a.source}: {f.name} differs"


@pytest.mark.parametrize("path", FIXTURE_FILES + REAL_FILES[:6], ids=lambda p: p.name)
def test_json_round_trip_gives_an_equal_report(path):
    report = gxnlp.parse(path)
    back = Report.from_dict(json.loads(json.dumps(report.to_dict(), ensure_ascii=False)))
    assert_same(back, report)
    assert back.to_dict() == report.to_dict()


def test_a_cell_keeps_value_raw_and_location_together():
    saved = gxnlp.parse(SEEDS / "000_7d8359c2a2673d89.txt").to_dict()
    cell = saved["provenance"]["tables"]["table2"]["rows"]["penalty"][0]
    assert cell["value"] == saved["tables"]["table2"]["penalty"] == 749 and cell["raw"] == "749"
    assert cell["loc"]["line"] > 0


def test_the_spec_view_alone_reads_back_its_numbers():
    """A JSON line without provenance (e.g. `--no-provenance`) still gives the same table values."""
    report = gxnlp.parse(SEEDS / "001_91b930a4292c284b.txt")
    back = Report.from_dict(report.to_dict(provenance=False))
    assert back.to_dict(provenance=False)["tables"] == report.to_dict(provenance=False)["tables"]
    assert back.table3_frame().equals(report.table3_frame())


def test_reports_read_back_from_a_store_equal_the_parsed_ones(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for p in FIXTURE_FILES:
        shutil.copy(p, inputs / p.name)
    run_batch([inputs], tmp_path / "store", workers=1, progress=False)
    stored = dict(read_reports(tmp_path / "store"))
    parsed = {p.name: gxnlp.parse(p) for p in sorted(inputs.iterdir())}
    by_name = {r.source.rsplit("/", 1)[-1]: r for r in stored.values()}
    # identical bytes are one report in a store; every distinct file is there and equal
    assert len(by_name) >= len({p.read_bytes() for p in inputs.iterdir()})
    for name, report in by_name.items():
        assert_same(report, parsed[name])
