"""Normalisation functions, on the damage real extraction produces."""
from gxnlp.io.load import text_lines
from gxnlp.model.core import Document
from gxnlp.parse.normalise import fold_compat, is_page_number, normalise, remove_cjk_spaces, strip_artefacts


def test_kangxi_radicals_and_full_width_digits_fold():
    assert fold_compat("⼀、总体情况 全年公开信息１２３条") == "一、总体情况 全年公开信息123条"
    assert fold_compat("（一）主动公开：") == "（一）主动公开："  # the genre's punctuation is kept


def test_spaces_inside_chinese_removed_but_not_around_numbers():
    assert remove_cjk_spaces("三、本 年 度 办 理 结 果") == "三、本年度办理结果"
    assert remove_cjk_spaces("受理申请 4 宗") == "受理申请 4 宗"


def test_word_artefacts_and_page_numbers():
    assert strip_artefacts("[bookmark: _GoBack]（二）依申请公开情况") == "（二）依申请公开情况"
    for line in ("- 3 -", "—12—", "第 3 页 共 9 页", "3/9"):
        assert is_page_number(line)
    assert not is_page_number("3")


def test_sentence_broken_over_lines_is_rejoined():
    text = "同时规范编制政府信息公开工作年度报告，自觉接受社会公众监督。三\n\n是强化业务培训指导。\n（三）政府信息管理情况\n加强审核。"
    lines = normalise(Document("x", "txt", text_lines(text))).lines
    texts = [ln.text for ln in lines if ln.text.strip()]
    assert texts[0].endswith("监督。三是强化业务培训指导。")
    assert texts[1] == "（三）政府信息管理情况"  # a heading is never glued to the line before
