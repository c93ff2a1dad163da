"""Claims on real narrative: the hand-labelled sentences of corpora/claims/real/claims.jsonl and the
whole real reports of corpora/real/files/ (benchmarks/score_claims_real.py does the scoring).

Thresholds are what the extractor reaches (rounded down); the issue's targets are 0.92 overall and 0.85
for every metric with 20+ claims. The dev/held-back split and the per-metric figures are in
benchmarks/claims_real_scores.json; rules were tuned on the dev documents only.
"""
import importlib.util

import pytest

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("score_claims_real", ROOT / "benchmarks" / "score_claims_real.py")
scorer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scorer)

RECALL, PRECISION = 0.95, 0.95  # all 400 sentences (0.956/0.957)
DEV = (0.97, 0.97)  # dev documents (0.979/0.976)
HELD_BACK = (0.89, 0.90)  # held-back documents, never tuned on (0.892/0.905)
PER_METRIC = 0.85  # every metric with 20+ claims, all sentences (lowest: active_disclosure_total precision 0.860)
STATUS_RIGHT = 56  # of 57; the other reads a table cell the parser leaves blank (unverifiable)


@pytest.fixture(scope="module")
def truth():
    return scorer.load_truth()


def test_real_claims_recall_and_precision(truth):
    overall = scorer.score_rows(truth)["overall"]
    assert overall["recall"] >= RECALL, overall
    assert overall["precision"] >= PRECISION, overall


def test_real_claims_per_metric(truth):
    scores = scorer.score_rows(truth)
    weak = {k: v for k, v in scores.items() if k.startswith("metric:") and v["support"] >= 20
            and (v["recall"] < PER_METRIC or v["precision"] < PER_METRIC)}
    assert not weak, weak


def test_real_claims_dev_and_held_back(truth):
    dev, test = scorer.split_docs(truth)
    for docs, (recall, precision) in ((dev, DEV), (test, HELD_BACK)):
        overall = scorer.score_rows([r for r in truth if r["source"] in docs])["overall"]
        assert overall["recall"] >= recall and overall["precision"] >= precision, overall


def test_split_is_by_document_and_fixed(truth):
    dev, test = scorer.split_docs(truth)
    assert not dev & test and len(dev) > 2 * len(test) > 0
    assert scorer.split_docs(truth) == (dev, test)


def test_no_false_inconsistent_on_real_reports(truth):
    """Every claim marked inconsistent in the 41 real reports is one the truth calls inconsistent."""
    if not scorer.REAL_FILES.exists():
        pytest.skip("corpora/real/files not copied yet")
    result = scorer.status_scores(truth)
    if result["reports_parsed"] == 0:
        pytest.skip("no real report copied yet")
    assert result["false_inconsistent"] == 0, {k: v for k, v in result["per_file"].items()
                                               if isinstance(v, dict) and v["false_inconsistent"]}
    if result["reports_parsed"] >= 41:
        assert result["status_right"] >= STATUS_RIGHT, result["status_right"]
