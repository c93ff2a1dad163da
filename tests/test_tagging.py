"""Taxonomy data, rule layer, SentenceTagger, the shipped model and its card, `gxnlp tag`.

The scorer-vs-pipeline proof, the split and training on real text: tests/test_tag_model.py."""
import json
import re
import socket
import warnings

import numpy as np
import pytest
from click.testing import CliRunner
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import gxnlp
from conftest import ROOT, SEEDS
from gxnlp.errors import RulesError
from gxnlp.model.core import Sentence
from gxnlp.cli.tag import tag_command
from gxnlp.tag.classifier import SentenceTagger
from gxnlp.tag.tagger import (RuleTagger, Scorer, default_model, default_model_path, load_model, load_taxonomy,
                              tag_sections, tag_texts)
from gxnlp.tag.train import main as train_main

ANNOTATIONS = ROOT / "corpora" / "annotations"
MODELS = ROOT / "gxnlp" / "models"


@pytest.fixture(scope="module")
def model():
    return load_model(MODELS)


def labels_of(model, text, section="problems"):
    return set(model.predict([(text, section)])[0])


# --- taxonomy ----------------------------------------------------------------------------

def test_taxonomy_has_the_35_labels_of_the_spec_with_definitions_words_and_examples():
    spec = re.findall(r"`((?:channel|problem|measure):[a-z_]+)`", (ROOT / "corpora" / "report-model.md")
                      .read_text(encoding="utf-8").split("## Sentence labels")[1])
    taxonomy = load_taxonomy()
    assert taxonomy.names == list(dict.fromkeys(spec)) and len(taxonomy.names) == 35
    for label in taxonomy.labels.values():
        assert label.definition and label.words and 2 <= len(label.examples) <= 3, label.name
    assert set(taxonomy.families) == {"channel", "problem", "measure"}
    assert taxonomy.families["problem"].scope == "clause"


def test_packaged_taxonomy_md_is_the_corpus_definition():
    assert (ROOT / "gxnlp" / "data" / "taxonomy.md").read_text(encoding="utf-8") == \
        (ROOT / "corpora" / "taxonomy.md").read_text(encoding="utf-8")


def test_user_taxonomy_adds_a_label_and_extends_another(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text('[label."channel:radio"]\ndefinition = "A radio broadcast."\nwords = ["广播"]\n'
                     'examples = ["利用村村通广播播报政策。", "在广播电台开设专栏。"]\n\n'
                     '[label."channel:wechat"]\nwords = ["企业微信"]\n', encoding="utf-8")
    taxonomy = load_taxonomy(extra)
    assert "channel:radio" in taxonomy.names and len(taxonomy.names) == 36
    assert "企业微信" in taxonomy.labels["channel:wechat"].words and "公众号" in taxonomy.labels["channel:wechat"].words
    assert RuleTagger(taxonomy).labels_for("利用村村通广播每日播报防控知识。") == ["channel:radio"]
    assert "channel:radio" not in load_taxonomy().names  # the shipped taxonomy is unchanged


@pytest.mark.parametrize("body, message", [
    ('[label."Radio"]\ndefinition = "x"\n', "bad label name"),
    ('[label."channel:radio"]\nwords = ["广播"]\n', "no definition"),
    ('[label."channel:radio"]\ndefinition = "x"\npatterns = ["("]\n', "bad pattern"),
    ('[label."channel:radio"\n', "Expected"),
])
def test_bad_user_taxonomy_raises_rules_error(tmp_path, body, message):
    extra = tmp_path / "bad.toml"
    extra.write_text(body, encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        load_taxonomy(extra)


# --- rule layer ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("三是信息更新的时效性有待提高。", ["problem:timeliness"]),
    # the channel word stands in a clause without a shortcoming cue
    ("一是疫情初期部分信息发布不够及时，群众一度通过非官方渠道获取信息。", ["problem:timeliness"]),
    ("一是加强人员业务培训。", ["measure:training"]),
    ("三是学习培训有待加强，需进一步加强培训和队伍建设。", ["problem:staff_capacity"]),  # a problem, not a measure
    ("依托广东省政务服务大厅，公开石碁镇网上办事大厅事项。", ["channel:service_hall"]),
    ("街网上办事大厅共进驻可网办事项360项。", []),  # 网上办事大厅 is masked: no service hall
    ("2021年新建LED显示屏1个，新增或更换社区政务公开宣传栏30个。", ["channel:bulletin_board"]),
    ("编印《金城区人民政府公报》4期。", ["channel:gazette"]),
    ("在《西江日报》发布全省水资源公报。", ["channel:newspaper"]),
])
def test_rule_layer(text, expected):
    families = {lab.split(":")[0] for lab in expected} or {"channel", "problem"}
    assert [lab for lab in RuleTagger().labels_for(text) if lab.split(":")[0] in families] == expected


# --- the estimator ---------------------------------------------------------------------------

TOY = [("在门户网站公开信息", "overview"), ("通过微信公众号发布信息", "overview"), ("信息更新不及时", "problems"),
       ("网站和公众号同步发布", "overview"), ("时效性有待提高", "problems"), ("全年未收取费用", "other")] * 3
TOY_LABELS = [["channel:website"], ["channel:wechat"], ["problem:timeliness"],
              ["channel:website", "channel:wechat"], ["problem:timeliness"], []] * 3


def test_sentence_tagger_is_a_proper_estimator():
    est = SentenceTagger(C=2.0, ngram_range=(1, 2), threshold=0.6, min_df=1, tune_thresholds=False, loss="log")
    copy = clone(est)
    assert copy.get_params() == est.get_params() and copy.C == 2.0 and copy.ngram_range == (1, 2)
    with pytest.raises(NotFittedError):
        est.predict(["在门户网站公开信息"])
    assert est.fit(TOY, TOY_LABELS) is est
    assert not hasattr(copy, "estimators_")
    assert est.classes_ == ["channel:website", "channel:wechat", "problem:timeliness"]
    assert est.predict([("在区门户网站公开信息", "overview"), ("信息更新不及时", "problems")]) == [
        ("channel:website",), ("problem:timeliness",)]
    proba = est.predict_proba(["在门户网站公开信息", "全年未收取费用"])
    assert proba.shape == (2, 3) and proba[0, 0] > 0.5 > proba[1, 0]


def test_sentence_tagger_takes_strings_sentences_and_dicts():
    est = SentenceTagger(min_df=1, tune_thresholds=False).fit(TOY, TOY_LABELS)
    forms = ["信息更新不及时", Sentence("信息更新不及时", "problems", (0, 7)),
             {"text": "信息更新不及时", "section": "problems"}]
    assert [p for p in est.predict(forms)] == [("problem:timeliness",)] * 3


def test_decision_scores_put_every_label_threshold_at_one_half(model):
    texts = [("二是信息质量需进一步提高。", "problems"), ("全年未收取信息处理费。", "other")]
    scores = model.decision_scores(texts)
    labels = model.predict(texts)
    assert labels[0] == ("problem:quality",) and labels[1] == ()
    for row, predicted, (text, _) in zip(scores, labels, texts):
        mode = lambda lab: model.modes.get(lab.split(":")[0], "classifier")
        by_classifier = {c for c, s in zip(model.classes_, row) if s >= 0.5 and mode(c) != "rules"}
        by_rules = {lab for lab in model.rules.labels_for(text)
                    if mode(lab) in ("rules", "union") or lab not in model.classes_}
        assert by_classifier | by_rules == set(predicted)
    assert model.predict(texts, threshold=1.01) == [(), ()]


# --- the shipped model ---------------------------------------------------------------------

def test_shipped_model_loads_offline_without_scikit_learn(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.delenv("GXNLP_MODEL", raising=False)
    assert default_model_path() == MODELS
    model = load_model()
    assert isinstance(model, Scorer)
    assert model.predict([("二是信息质量需进一步提高。", "problems")]) == [("problem:quality",)]
    assert not list(MODELS.glob("*.skops"))  # the numpy scorer replaced the skops file


def test_model_path_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GXNLP_MODEL", str(tmp_path / "elsewhere"))
    assert default_model_path() == tmp_path / "elsewhere"
    with pytest.warns(UserWarning, match="rule layer only"):
        fallback = load_model()
    assert isinstance(fallback, RuleTagger)
    assert fallback.predict(["三是信息更新的时效性有待提高。"]) == [("problem:timeliness",)]


def test_a_model_file_of_another_format_is_refused(tmp_path):
    est = SentenceTagger(min_df=1, tune_thresholds=False).fit(TOY, TOY_LABELS)
    est.export(tmp_path)
    meta = json.loads((tmp_path / "sentence_tagger.json").read_text(encoding="utf-8"))
    meta["format"] = 99
    (tmp_path / "sentence_tagger.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(RulesError, match="model format 99"):
        load_model(tmp_path)


@pytest.mark.parametrize("text, section, expected", [
    ("二是信息质量需进一步提高。", "problems", {"problem:quality"}),
    ("通过微信公众号发布信息540条。", "overview", {"channel:wechat"}),
    ("本单位2021年未收取信息处理费。", "other", set()),
])
def test_shipped_model_on_plain_sentences(model, text, section, expected):
    assert labels_of(model, text, section) == expected


def test_tag_sections_keeps_headings_unlabelled_and_offsets_exact(model):
    report = gxnlp.parse(SEEDS / "002_5b59a7048e580c09.txt")
    sentences = tag_sections(report.sections, model)
    headings = [s for s in sentences if s.heading]
    assert [h.text for h in headings][:2] == ["（一）主动公开情况", "（二）依申请公开办理情况"]
    assert all(h.labels == [] for h in headings)
    for s in sentences:
        assert report.sections[s.section].text[s.span[0]:s.span[1]] == s.text
    scored = [s for s in sentences if s.labels]
    assert scored and all(0.5 <= score <= 1.0 for s in scored for _, score in s.labels)


def test_model_card_is_written_by_the_train_script_and_reports_real_scores():
    card = (MODELS / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "Written by `python -m gxnlp.train`" in card and "--subset" not in card
    rows = re.findall(r"^\| (\w+):\* \| [\d.–]+ \| [\d.–]+ \| [\d.–]+ \| \d\.\d\d–\d\.\d\d \|", card, flags=re.M)
    assert set(rows) == {"channel", "problem", "measure"}
    per_label = re.findall(r"^\| (?:channel|problem|measure):\w+(?: †)? \| \d+ \| \d+ \| \d+ \|", card, flags=re.M)
    assert len(per_label) == 35
    assert "real_reports.jsonl" in card and "real_openings.jsonl" in card


def test_train_entry_point_on_a_subset(tmp_path):
    result = train_main(["--subset", "300", "--out", str(tmp_path), "--quiet", "--bootstrap", "20"])
    assert result["sentences"]["train"] == 300 and result["subset"] == 300
    assert result["scorer_gap"] <= 1e-6  # float32 weights in the npz
    assert (tmp_path / "MODEL_CARD.md").read_text(encoding="utf-8").count("--subset 300") == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing file would warn and fall back to rules
        small = load_model(tmp_path)
    assert isinstance(small, Scorer)
    predicted = small.predict([("通过区政府门户网站主动公开信息120条。", "overview")])
    assert set(predicted[0]) <= set(load_taxonomy().names)


# --- the rule layer's two implementations ----------------------------------------------------

def annotated_items():
    rows = [json.loads(line) for path in sorted(ANNOTATIONS.glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["text"], r["section"]) for r in rows]


def test_indexed_rule_layer_matches_the_plain_one_on_every_annotated_sentence(tmp_path):
    # the user file adds a one-character word, a pattern and not_words, to reach every branch
    extra = tmp_path / "mine.toml"
    extra.write_text('[label."channel:radio"]\ndefinition = "A radio broadcast."\nwords = ["广播", "台"]\n'
                     'patterns = ["[省市]电[台视]"]\nnot_words = ["电视台", "平台"]\n\n'
                     '[label."channel:website"]\nnot_words = ["网站群"]\n', encoding="utf-8")
    texts = [text for text, _ in annotated_items()]
    texts += ["街网上办事大厅共进驻可网办事项360项。", "在市电台和省电视台开设专栏，依托平台发布。", ""]
    for rules in (RuleTagger(), RuleTagger(load_taxonomy(extra))):
        hits = 0
        for text in texts:
            assert rules.analyse(text) == rules._analyse_reference(text), text
            for family in ("problem", "measure", "channel"):
                assert rules.cue_clauses(text, family) == rules._cue_clauses_reference(text, family), text
            hits += len(rules.labels_for(text))
        assert hits > 1000


# --- outputs -------------------------------------------------------------------------------

def test_tag_texts_keeps_input_order(model):
    rows = tag_texts(["三是信息更新的时效性有待提高。", "", "通过微信公众号发布信息540条。"], model)
    assert [r["text"] for r in rows] == ["三是信息更新的时效性有待提高。", "", "通过微信公众号发布信息540条。"]
    assert rows[1]["labels"] == []
    assert rows[2]["labels"] == ["channel:wechat"]


def test_cli_tag_sentences_file(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("三是信息更新的时效性有待提高。\n通过微信公众号发布信息540条。\n", encoding="utf-8")
    out = CliRunner().invoke(tag_command, ["--sentences", str(path), "--section", "problems"])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert [list(r) for r in rows] == [["text", "labels"]] * 2
    assert rows[0]["text"] == "三是信息更新的时效性有待提高。" and "problem:timeliness" in rows[0]["labels"]
    assert rows[1]["labels"] == ["channel:wechat"]


def test_cli_tag_reports_jsonl_and_csv(tmp_path):
    seed = str(SEEDS / "004_fb0ef49ef4128532.txt")
    out = CliRunner().invoke(tag_command, [seed, "--jsonl"])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert len(rows) == 23 and {r["source"] for r in rows} == {seed}
    assert {"text": "二是信息质量需进一步提高。", "section": "problems"}.items() <= rows[19].items()
    assert rows[19]["labels"] == ["problem:quality"]
    out = CliRunner().invoke(tag_command, [seed, "--csv"])
    lines = out.output.splitlines()
    assert lines[0] == "source,section,text,labels" and len(lines) == 24
    assert lines[20].endswith(",problems,二是信息质量需进一步提高。,problem:quality")


def test_cli_tag_bad_file_and_usage(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    out = CliRunner().invoke(tag_command, [str(bad)])
    assert out.exit_code == 1 and "empty.txt" in out.output
    assert CliRunner().invoke(tag_command, []).exit_code == 2
    assert CliRunner().invoke(tag_command, [str(bad), "--csv", "--jsonl"]).exit_code == 2


def test_default_model_is_cached_and_shipped():
    assert default_model() is default_model() and isinstance(default_model(), Scorer)


def test_combine_per_label_modes_intersection_and_section_gate():
    from gxnlp.tag.scorer import combine

    classes = ["measure:catalog", "problem:mechanism"]
    scores = [[0.9, 0.8], [0.9, 0.8]]
    ruled = [["problem:mechanism"], []]
    # per-label entry beats the family's; intersection keeps a classifier label only if the rules agree
    out = combine(classes, scores, ruled, {"measure": "rules", "problem:mechanism": "intersection"})
    assert [[lab for lab, _ in r] for r in out] == [["problem:mechanism"], []]
    gate = {"problem": ["problems"]}
    out = combine(classes, scores, [[], []], {}, sections=["overview", "none"], gate=gate)
    assert [lab for lab, _ in out[0]] == ["measure:catalog"]  # problem:* gated outside the problems section
    assert [lab for lab, _ in out[1]] == ["measure:catalog", "problem:mechanism"]  # unknown section: no gate
