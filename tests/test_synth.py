"""The synthetic corpus: realistic enough that gxnlp parses it exactly as recorded."""
import json
from collections import Counter

import pytest

from gxnlp import parse
from gxnlp.corpus import synth
from gxnlp.parse.agencies import normalise_agency


@pytest.fixture(scope="module")
def corpus():
    return synth.generate(90, seed=7, error_rate=0.4)


@pytest.fixture(scope="module")
def written(corpus, tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth")
    synth.write_corpus(corpus, folder)
    return folder


def test_generation_is_deterministic(corpus):
    again = synth.generate(90, seed=7, error_rate=0.4)
    assert [r.text for r in again.reports] == [r.text for r in corpus.reports]
    assert again.copies == corpus.copies
    assert synth.generate(90, seed=8).reports[0].text != corpus.reports[0].text


def test_variety(corpus):
    assert len(corpus.reports) == 90
    assert set(Counter(r.layout for r in corpus.reports)) == {"tab", "cells", "pipe"}
    assert set(r.year for r in corpus.reports) == set(synth.YEARS)
    kinds = Counter(corpus.agencies[r.agency_id].kind for r in corpus.reports)
    assert set(kinds) == {"township", "town", "department"}
    # one agency is printed under several names over the years
    names = {}
    for r in corpus.reports:
        names.setdefault(r.agency_id, set()).add(r.agency_printed)
    assert any(len(v) >= 2 for v in names.values())
    assert sum(1 for r in corpus.reports if r.planted_errors) >= 20
    assert corpus.copies, "copies across agencies are planted"


def test_parser_reads_what_was_written(corpus, written):
    for r in corpus.reports:
        d = parse(written / r.file_name).to_dict()
        assert d["year"] == r.year, r.file_name
        for name in ("table2", "table3", "table4"):
            assert d["tables"][name] == r.tables[name], (r.file_name, r.layout, name)
        a = corpus.agencies[r.agency_id]
        assert normalise_agency(d["agency"]) == normalise_agency(a.county + a.long_unit), r.file_name
        statuses = {c["id"]: c["status"] for c in d["checks"]}
        for check_id, expected in r.expected_checks.items():
            assert statuses[check_id] == expected, (r.file_name, r.planted_errors, check_id)


def test_planted_errors_fail_the_right_checks(corpus):
    expect = {"t3_row_total": "t3_row_totals", "t3_results": "t3_results_total", "t3_balance": "t3_balance",
              "t4_total": "t4_totals", "claim": "claims_vs_tables", "sum": "sums"}
    seen = set()
    for r in corpus.reports:
        for e in r.planted_errors:
            assert r.expected_checks[expect[e["kind"]]] == "fail"
            seen.add(e["kind"])
        if not r.planted_errors:
            assert set(r.expected_checks.values()) == {"pass"}
    assert seen == set(expect)


def test_section_texts_match_the_parser(corpus, written):
    for r in [r for r in corpus.reports if r.layout != "pipe"][:20]:  # pipe rows come back as tab rows
        d = parse(written / r.file_name).to_dict()
        assert r.sections == {k: v for k, v in d["sections"].items() if v is not None}, r.file_name


def test_manifest_and_copies_files(corpus, written):
    manifest = [json.loads(line) for line in (written / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [m["file_name"] for m in manifest] == [r.file_name for r in corpus.reports]
    assert manifest[0]["tables"] == corpus.reports[0].tables
    copies = [json.loads(line) for line in (written / "copies.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = {r.file_name: r.text for r in corpus.reports}
    agency_of = {r.file_name: r.agency_id for r in corpus.reports}
    assert len(copies) == len(corpus.copies)
    for c in copies:
        assert c["text"] in texts[c["copier"]]
        assert c["origin_text"] in texts[c["origin"]]
        assert agency_of[c["copier"]] != agency_of[c["origin"]]
