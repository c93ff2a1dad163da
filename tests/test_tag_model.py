"""The tagger on real text: split by report family, the numpy scorer equal to the fitted pipeline,
lazy loading, `parse --no-tags`, `tag --uncertain`, retraining on a user's own labels."""
import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import ROOT, SEEDS
from gxnlp.cli.parse import parse_command
from gxnlp.cli.tag import tag_command
from gxnlp.tag.classifier import SentenceTagger
from gxnlp.tag.data import REAL_FILES, dedupe, doc_families, read_jsonl, read_rows, split_by_family
from gxnlp.tag.scorer import Scorer, load_model
from gxnlp.tag.taxonomy import load_taxonomy
from gxnlp.tag.train import evaluate, main as train_main

ANNOTATIONS = ROOT / "corpora" / "annotations"
MODELS = ROOT / "gxnlp" / "models"


@pytest.fixture(scope="module")
def real_split():
    rows = read_rows([ANNOTATIONS / f for f in REAL_FILES])
    families = doc_families(rows)
    train_fams, test_fams = split_by_family(rows, families=families)
    train = [r for r in rows if families[r["doc"]] in train_fams]
    test = dedupe([r for r in rows if families[r["doc"]] in test_fams], train)
    return rows, families, train, test


def test_the_split_is_by_report_family_never_by_sentence(real_split):
    rows, families, train, test = real_split
    assert len(rows) >= 2000 and len(test) >= 500
    train_docs, test_docs = {r["doc"] for r in train}, {r["doc"] for r in test}
    assert not train_docs & test_docs
    assert {families[d] for d in train_docs}.isdisjoint({families[d] for d in test_docs})
    # REAL.md: these pingtan reports are near-copies of each other; they must share a family
    assert len({families[d] for d in ("pingtan_2011_page", "pingtan_county_2011_page", "pingtan_county_2012_page",
                                      "pingtan_2012_page", "pingtan_2013_page")}) == 1
    assert sum(r["section"] == "problems" for r in test) >= 60  # the problem sections are tested too


def test_numpy_scorer_equals_the_fitted_pipeline_on_the_real_test_split(real_split, tmp_path):
    _, families, train, test = real_split
    rows = train[::3]  # a third of the training split keeps the test quick; the arithmetic is the same
    est = SentenceTagger(cv=2).fit([(r["text"], r["section"]) for r in rows], [r["labels"] for r in rows],
                                   groups=[families[r["doc"]] for r in rows])
    est.export(tmp_path)
    scorer = load_model(tmp_path)
    assert isinstance(scorer, Scorer)
    items = [(r["text"], r["section"]) for r in test]
    reference = est.predict_proba(items)  # scikit-learn: FeatureUnion.transform + decision_function + sigmoid
    assert reference.shape == (len(test), len(est.classes_))
    # the npz stores weights as float32 (half the size): probabilities agree to 1e-6, tags exactly
    assert np.abs(scorer.predict_proba(items) - reference).max() <= 1e-6
    assert scorer.predict(items) == est.predict(items)
    assert scorer.predict(items) == est.predict(items)


def test_scorer_handles_empty_odd_and_unseen_input():
    toy = [("在门户网站公开信息", "overview"), ("信息更新不及时", "problems"), ("全年未收取费用", "other")] * 4
    labels = [["channel:website"], ["problem:timeliness"], []] * 4
    est = SentenceTagger(min_df=1, tune_thresholds=False).fit(toy, labels)
    scorer = est.scorer()
    odd = [("", "overview"), ("Website  and\tWeChat 公众号", "a section never seen"), ("ＡＰＰ和小程序～😀同步发布信息", "none")]
    assert np.abs(scorer.predict_proba(odd) - est.predict_proba(odd)).max() <= 1e-6
    assert scorer.predict_proba([]).shape == (0, 2) and scorer.tag([]) == []


def test_shipped_model_reproduces_its_card_scores(real_split):
    _, _, _, test = real_split
    model = load_model(MODELS)
    info = model.meta["training"]
    assert sorted({r["doc"] for r in test}) == info["test_docs"]
    labels = load_taxonomy().names
    result = evaluate([r["labels"] for r in test], model.predict([(r["text"], r["section"]) for r in test]), labels)
    for family, value in info["scores"].items():
        assert value is None or abs(result["families"][family] - value) <= 1e-9, family


def run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout


def test_tagging_never_imports_scikit_learn_and_parsing_without_tags_never_loads_the_model():
    seed = SEEDS / "004_fb0ef49ef4128532.txt"
    out = run(f"import sys, gxnlp; r = gxnlp.parse({str(seed)!r}); "
              "print(sum(bool(s.labels) for s in r.sentences), sorted(m for m in ('sklearn', 'skops', 'scipy') "
              "if m in sys.modules))")
    tagged, heavy = out.split(" ", 1)
    assert int(tagged) > 5 and heavy.strip() == "[]"
    out = run(f"import sys, gxnlp; r = gxnlp.parse({str(seed)!r}, {{'tag_sentences': False}}); "
              "print(len(r.sentences), 'gxnlp.tag.scorer' in sys.modules)")
    assert out.split() == ["0", "False"]


def test_cli_parse_no_tags():
    seed = str(SEEDS / "004_fb0ef49ef4128532.txt")
    out = CliRunner().invoke(parse_command, [seed, "--jsonl", "--no-tags"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["sentences"] == []
    tagged = CliRunner().invoke(parse_command, [seed, "--jsonl"])
    assert json.loads(tagged.output)["sentences"]


def test_cli_tag_uncertain_lists_annotation_rows(tmp_path):
    out = CliRunner().invoke(tag_command, [str(SEEDS), "--uncertain", "7"])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert len(rows) == 7
    names = set(load_taxonomy().names)
    for r in rows:
        assert {"id", "doc", "section", "text", "labels"} <= set(r) and set(r["labels"]) <= names
    doubt = [r["uncertainty"] for r in rows]
    assert doubt == sorted(doubt, reverse=True)
    path = tmp_path / "to_label.jsonl"
    path.write_text(out.output, encoding="utf-8")
    assert len(read_jsonl(path)) == 7  # readable by the trainer as it is
    assert CliRunner().invoke(tag_command, ["--sentences", str(path), "--uncertain", "0"]).exit_code == 2


def test_train_on_a_users_own_labels(tmp_path):
    rows = read_jsonl(ANNOTATIONS / "real_reports.jsonl")[:500]
    mine = tmp_path / "mine.jsonl"
    mine.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = train_main(["--annotations", str(mine), "--out", str(tmp_path / "model"), "--quiet", "--bootstrap", "0"])
    assert result["files"] == ["mine.jsonl"] and result["supplement_weight"] == 0.0
    assert result["sentences"]["train"] + result["sentences"]["test"] + result["sentences"]["test_dropped"] == 500
    model = load_model(tmp_path / "model")
    out = CliRunner().invoke(tag_command, ["--sentences", str(mine), "--model", str(tmp_path / "model")])
    assert out.exit_code == 0 and len(out.output.splitlines()) == 500
