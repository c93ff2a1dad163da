"""Sentence splitting: list items, headings, table rows, offsets; the seeds as annotated."""
import json

import pytest

import gxnlp
from conftest import ROOT, SEEDS
from gxnlp.tag.sentences import split_sentences

ANNOTATIONS = ROOT / "corpora" / "annotations"


def texts(sentences, heading=None):
    return [s.text for s in sentences if heading is None or s.heading == heading]


def test_list_items_split_after_colon_comma_and_semicolon():
    text = "主要问题有：一是信息时效性需进一步提高，二是信息质量不高；三是宣传不够。"
    assert texts(split_sentences("problems", text)) == [
        "主要问题有：", "一是信息时效性需进一步提高", "二是信息质量不高；", "三是宣传不够。"]


def test_enumerator_inside_a_word_does_not_split():
    text = "整改结果一是统一认识，二是加强学习。"
    assert texts(split_sentences("problems", text)) == ["整改结果一是统一认识", "二是加强学习。"]


def test_spans_index_the_section_text_exactly():
    text = "（一）主动公开情况\n\n全年公开信息76条。其中网站50条；\n规章\t0\t0\t0\n一是加强培训，二是完善制度。"
    sentences = split_sentences("overview", text)
    assert all(text[a:b] == s.text for s in sentences for a, b in [s.span])
    assert [s.section for s in sentences] == ["overview"] * 5
    assert sentences[1].span == (11, 21) and sentences[1].text == "全年公开信息76条。"


def test_a_wrapped_sentence_is_rejoined_and_its_span_covers_the_break():
    text = "（三）信息公开保密审查更加完善，保证信息发布的准确性。深入开展\n\n政务新媒体整顿工作。"
    sentences = split_sentences("overview", text)
    assert texts(sentences) == ["（三）信息公开保密审查更加完善，保证信息发布的准确性。", "深入开展政务新媒体整顿工作。"]
    assert sentences[1].span == (27, 43) and text[27:43] == "深入开展\n\n政务新媒体整顿工作。"


def test_table_rows_are_skipped():
    text = "行政许可\t0\t\t\n本年未收取信息处理费。\n\t行政复议"
    assert texts(split_sentences("active_disclosure", text)) == ["本年未收取信息处理费。"]


def test_heading_on_its_own_line_and_glued_to_its_text():
    sentences = split_sentences("overview", "（一）主动公开情况\n（二）依申请公开情况。我街道办结申请5件。")
    assert [(s.text, s.heading) for s in sentences] == [
        ("（一）主动公开情况", True), ("（二）依申请公开情况。", True), ("我街道办结申请5件。", False)]


def test_a_short_item_with_a_verb_is_a_sentence_not_a_heading():
    sentences = split_sentences("overview", "一是完善制度保障。在机构、人员方面，印发通知。")
    assert [(s.text, s.heading) for s in sentences] == [("一是完善制度保障。", False),
                                                       ("在机构、人员方面，印发通知。", False)]


def test_enumerated_problem_statement_is_not_a_heading():
    sentences = split_sentences("problems", "（一）信息公开不够及时，部分栏目长期未更新。")
    assert [s.heading for s in sentences] == [False]


def test_signature_and_date_lines_are_headings():
    sentences = split_sentences("other", "本单位2021年未收取信息处理费。\n\n海珠区人民政府昌岗街道办事处\n\n2022年1月13日")
    assert [(s.text, s.heading) for s in sentences] == [
        ("本单位2021年未收取信息处理费。", False), ("海珠区人民政府昌岗街道办事处", True), ("2022年1月13日", True)]


def test_no_split_inside_titles_and_quotes():
    text = "发布《钟村街政务服务又添新成员！可办理“政务+金融”的服务》，回应关切。落实“三审三校。”制度。"
    assert texts(split_sentences("overview", text)) == [
        "发布《钟村街政务服务又添新成员！可办理“政务+金融”的服务》，回应关切。", "落实“三审三校。”制度。"]


def test_numbered_items_and_decimals():
    text = "1.加强培训；2.完善制度。收费2.5万元。"
    assert texts(split_sentences("problems", text)) == ["1.加强培训；", "2.完善制度。", "收费2.5万元。"]


def test_empty_and_blank_text():
    assert split_sentences("other", "") == []
    assert split_sentences("other", "\n \n\t\n") == []


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem[:3])
def test_seed_sentences_and_sections_equal_the_annotated_corpus(path):
    """Every narrative sentence of a seed is found, in order, in its section, as seeds.jsonl has it."""
    gold = [json.loads(line) for line in (ANNOTATIONS / "seeds.jsonl").read_text(encoding="utf-8").splitlines()]
    gold = [(r["section"], r["text"]) for r in gold if r["doc"] == path.stem]
    report = gxnlp.parse(path)
    found = [(s.section, s.text) for key, sec in report.sections.items() if sec is not None
             for s in split_sentences(key, sec.text) if not s.heading]
    assert found == gold
