"""Boilerplate (gxnlp.corpus.reuse): masking, passages with both spans, kinds, the real evaluation set."""
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gxnlp.cli.boilerplate import boilerplate_command
from gxnlp.corpus.batch import run_batch
from gxnlp.corpus.reuse import align
from gxnlp.corpus.reuse.narrative import mask

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpora" / "seeds"
sys.path.insert(0, str(ROOT / "benchmarks"))


def test_stat_period_variants_mask_together():
    a, _ = mask("本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。")
    b, _ = mask("本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止")
    assert a == b == "本报告中所列数据的统计期限自D起至D止"
    c, pos = mask("统计期限为2022年1月1日至12月31日")
    assert c == "统计期限为D至D" and pos[5] == 5


def test_names_numbers_and_document_numbers_are_masked():
    x, _ = mask("我镇依据甘政办发〔2021〕12号共发文96件")
    y, _ = mask("我局依据银政发〔2019〕3号共发文7件")
    assert x == y


def test_contacts_and_damaged_dates_mask_together():
    a, _ = mask("联系电话：0750-2888468，地址：开平市沙塘东路1号")
    b, _ = mask("联系电话:83318412,地址:广州市连新路43号")
    assert a == b
    c, _ = mask("统计期限自202111日起至20211230日止")
    assert c == "统计期限自D起至D止"


def test_own_by_identity_not_equal_strings():
    from types import SimpleNamespace as NS

    from gxnlp.corpus.reuse.kinds import kind_of

    a = NS(agency="X", agency_key="x", site="X")
    assert kind_of(a, NS(agency=None, agency_key=None, site="X")) == "own"
    assert kind_of(a, NS(agency="Y", agency_key="y", site="X")) == "shared"


def test_edited_paragraph_is_one_passage():
    blocks = [(0, 0, 30), (34, 36, 40), (80, 84, 25)]
    assert len(align.chains(blocks, max_gap=24)) == 1
    assert len(align.chains(blocks, max_gap=2)) == 3


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory):
    import score_boilerplate

    docs = sorted(p.stem for p in (score_boilerplate.EVAL / "planted").glob("*.txt"))
    store = tmp_path_factory.mktemp("bp") / "store"
    score_boilerplate.build_store(docs, store)
    return store, score_boilerplate.score(store, docs, verbose=False)


def test_real_evaluation_set(evaluation):
    _, res = evaluation
    # targets (corpora/boilerplate/README.md): both ≥ 0.95; measured 1.0 and 0.988, 1 false link of 45
    # (benchmarks/boilerplate_scores.json)
    assert res["planted_linked"] >= 0.95, res["planted_missed"]
    assert res["template_recognised"] >= 0.98, res["template_by_kind"]
    assert res["links_by_status"].get("false", 0) <= 2


def test_tables_and_duckdb_views(evaluation):
    import duckdb
    import pandas as pd

    store, _ = evaluation
    reps = pd.read_parquet(store / "boilerplate" / "boilerplate_reports.parquet")
    assert len(reps) == 273 and reps["originality"].dropna().between(0, 1).all()
    con = duckdb.connect(str(store / "gxnlp.duckdb"), read_only=True)
    con.execute(f"SET file_search_path = '{store}'")
    assert con.execute("SELECT count(*) FROM boilerplate_matches WHERE kind = 'shared'").fetchone()[0] > 0
    m = pd.read_parquet(store / "boilerplate" / "boilerplate_matches.parquet")
    assert (m["text"].str.len() > 0).all() and (m["other_text"].str.len() > 0).all()


def test_cli_on_seeds(tmp_path):
    run_batch([SEEDS], tmp_path / "seeds", workers=1, progress=False)
    result = CliRunner().invoke(boilerplate_command, [str(tmp_path / "seeds")])
    assert result.exit_code == 0, result.output
    assert "reports:" in result.output and "boilerplate_" in result.output


def test_no_store_is_an_error(tmp_path):
    result = CliRunner().invoke(boilerplate_command, [str(tmp_path)])
    assert result.exit_code == 2 and "not a store" in result.output
