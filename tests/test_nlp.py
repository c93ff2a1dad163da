"""The spaCy pipeline: jieba with the domain dictionary, gx_ components and extensions."""
import pytest
from spacy.language import Language
from spacy.tokens import Doc, Span

import gxnlp
from conftest import SEEDS
from gxnlp.tag.components import register_extensions
from gxnlp.tag.sentences import split_sentences


@pytest.fixture(scope="module")
def nlp():
    return gxnlp.nlp()


@pytest.fixture(scope="module")
def seed_doc(nlp):
    return nlp((SEEDS / "004_fb0ef49ef4128532.txt").read_text(encoding="utf-8"))


def test_pipeline_is_blank_zh_with_jieba_and_the_gx_components(nlp):
    assert nlp.lang == "zh" and nlp.tokenizer.segmenter == "jieba"
    assert nlp.pipe_names == ["gx_sections", "gx_sentencizer", "gx_tagger", "gx_claims"]
    for name in nlp.pipe_names:
        assert Language.has_factory(name)


def test_user_dictionary_keeps_domain_terms_whole(nlp):
    words = [t.text for t in nlp.make_doc("加强依申请公开办理，落实三审三校制度，规范政务新媒体和公开指南。")]
    for term in ("依申请公开", "三审三校", "政务新媒体", "公开指南"):
        assert term in words


def test_extensions_are_registered_once_and_guarded():
    register_extensions()  # a second call must not raise
    for name in ("gx_section", "gx_sections", "gx_sentences", "gx_claims"):
        assert Doc.has_extension(name)
    for name in ("gx_section", "gx_heading", "gx_labels", "gx_text", "gx_claim", "gx_claim_data"):
        assert Span.has_extension(name)


def test_a_whole_report_gets_sections_sentences_and_labels(seed_doc):
    report = gxnlp.parse(SEEDS / "004_fb0ef49ef4128532.txt")
    assert set(seed_doc._.gx_sections) == {k for k, s in report.sections.items() if s is not None}
    problems = seed_doc._.gx_sections["problems"]
    assert problems.text == report.sections["problems"].text
    expected = [s.text for key, sec in report.sections.items() if sec is not None
                for s in split_sentences(key, sec.text)]
    assert [s._.gx_text for s in seed_doc._.gx_sentences] == expected
    wrapped = seed_doc._.gx_sentences[10]  # the raw file breaks this sentence over lines
    assert wrapped.text.startswith("深入开展\n\n政务新媒体") and wrapped._.gx_text.startswith("深入开展政务新媒体")
    assert "channel:weibo" in [lab for lab, _ in wrapped._.gx_labels]
    quality = next(s for s in seed_doc._.gx_sentences if s.text == "二是信息质量需进一步提高。")
    assert quality._.gx_section == "problems" and not quality._.gx_heading
    assert [lab for lab, _ in quality._.gx_labels] == ["problem:quality"]
    heading = next(s for s in seed_doc._.gx_sentences if s.text == "（一）主动公开方面。")
    assert heading._.gx_heading and heading._.gx_labels is None
    assert list(seed_doc.spans["gx_sentences"]) == seed_doc._.gx_sentences


def test_doc_sents_follow_the_gx_sentences(seed_doc):
    starts = {s.start for s in seed_doc.sents}
    assert all(s.start in starts for s in seed_doc._.gx_sentences)
    assert sum(len(s) for s in seed_doc.sents) == len(seed_doc)


def test_claims_component_marks_numeric_claims(seed_doc):
    claims = {span.text: span._.gx_claim for span in seed_doc._.gx_claims}
    claim = next(c for text, c in claims.items() if "收到依申请公开信息" in text)
    assert claim.metric == "requests_received" and claim.value == 5


def test_a_single_section_text(nlp):
    section_nlp = gxnlp.nlp(section="problems")
    doc = section_nlp("一是信息时效性需进一步提高，二是信息质量需进一步提高。")
    assert [(s.text, s._.gx_section) for s in doc._.gx_sentences] == [
        ("一是信息时效性需进一步提高", "problems"), ("二是信息质量需进一步提高。", "problems")]
    assert [lab for lab, _ in doc._.gx_sentences[1]._.gx_labels] == ["problem:quality"]
    # or set the section on the doc before the components run
    doc = nlp.make_doc("三是信息更新的时效性有待提高。")
    doc._.gx_section = "problems"
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    assert doc._.gx_sections is None and doc._.gx_sentences[0]._.gx_section == "problems"
    assert "problem:timeliness" in [lab for lab, _ in doc._.gx_sentences[0]._.gx_labels]


def test_tagger_threshold_and_rule_model(tmp_path):
    strict = gxnlp.nlp(section="problems", threshold=1.01)
    assert strict("三是信息更新的时效性有待提高。")._.gx_sentences[0]._.gx_labels == []
    with pytest.warns(UserWarning, match="rule layer only"):
        rules_nlp = gxnlp.nlp(section="problems", model=tmp_path / "none.skops")
    doc = rules_nlp("三是信息更新的时效性有待提高。")
    assert doc._.gx_sentences[0]._.gx_labels == [("problem:timeliness", 1.0)]


def sentence_rows(doc):
    return [(s.text, s._.gx_section, bool(s._.gx_heading), [(lab, round(p, 9)) for lab, p in s._.gx_labels or []])
            for s in doc.spans["gx_sentences"]]


def test_nothing_but_plain_values_in_user_data(seed_doc):
    def plain(v):
        if isinstance(v, (list, tuple)):
            return all(plain(x) for x in v)
        if isinstance(v, dict):
            return all(plain(x) for x in v.values())
        return v is None or isinstance(v, (str, int, float, bool))

    assert seed_doc.user_data and all(plain(v) for v in seed_doc.user_data.values())


def test_docbin_round_trip_keeps_spans_and_labels(nlp, seed_doc):
    from spacy.tokens import DocBin

    data = DocBin(store_user_data=True, docs=[seed_doc]).to_bytes()
    doc = next(DocBin().from_bytes(data).get_docs(nlp.vocab))
    assert [(t, sec, h, [(lab, p) for lab, p in labels]) for t, sec, h, labels in sentence_rows(doc)] == \
        sentence_rows(seed_doc)
    assert set(doc._.gx_sections) == set(seed_doc._.gx_sections)
    assert [c._.gx_claim for c in doc._.gx_claims] == [c._.gx_claim for c in seed_doc._.gx_claims]


def test_pipe_with_two_processes_gives_the_single_process_result(nlp):
    texts = [(SEEDS / name).read_text(encoding="utf-8") for name in ("004_fb0ef49ef4128532.txt", "000_7d8359c2a2673d89.txt")]
    single = [sentence_rows(doc) for doc in nlp.pipe(texts)]
    double = [sentence_rows(doc) for doc in nlp.pipe(texts, n_process=2)]
    assert double == single and all(single)


def test_factories_are_registered_through_the_spacy_entry_point():
    import subprocess
    import sys
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group="spacy_factories")}
    assert {"gx_sections", "gx_sentencizer", "gx_tagger", "gx_claims"} <= names
    # a fresh process that never imports gxnlp: spaCy finds the factories by name
    code = ("import spacy; nlp = spacy.blank('zh'); nlp.add_pipe('gx_sections', config={'section': 'problems'}); "
            "nlp.add_pipe('gx_sentencizer'); nlp.add_pipe('gx_tagger'); "
            "doc = nlp('二是信息质量需进一步提高。'); print([l for l, _ in doc.spans['gx_sentences'][0]._.gx_labels])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['problem:quality']"
