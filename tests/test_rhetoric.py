"""Rhetoric features (gxnlp.rhetoric): slogans, numbers, section 五, labels — on hand-checked text."""
import math

import pytest

import gxnlp
from gxnlp.report import rhetoric
from gxnlp.model.core import Meta, Report, Section, Sentence
from conftest import SEEDS

SEED0 = SEEDS / "000_7d8359c2a2673d89.txt"  # 钟村街道 2022
SEED2 = SEEDS / "002_5b59a7048e580c09.txt"  # 钟楼街道 2023: 五 has （一）问题 / （二）改进情况
SEED4 = SEEDS / "004_fb0ef49ef4128532.txt"  # 昌岗街道 2021: 五 is one paragraph, 接下来 in mid-line


def test_slogans_are_found_once_each_with_their_spans():
    text = ("坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大精神，坚持以人民为中心，"
            "遵循“以公开为常态、不公开为例外”原则，努力建设人民满意的服务型政府。")
    hits = rhetoric.slogan_spans(text)
    assert [(text[a:b], sid) for a, b, sid in hits] == [
        ("习近平新时代中国特色社会主义思想", "xi_thought"),
        ("党的二十大精神", "party_congress"),  # one hit, not 二十大 + 精神
        ("以人民为中心", "people_centred"),
        ("公开为常态、不公开为例外", "open_by_default"),
        ("人民满意的服务型政府", "service_government"),  # the longer of two overlapping patterns
    ]


def test_numeric_tokens_leave_out_dates_document_numbers_markers_and_phones():
    text = ("2022年1月1日至2022年12月31日，全年主动公开信息220条，办结率100%，收费3.08万元，"
            "依据国办函〔2021〕30号，咨询电话0571-12345678，热线12345。1、加强培训")
    assert rhetoric.numeric_tokens(text) == ["220", "100%", "3.08"]


def test_seed_slogans_and_numbers():
    report = gxnlp.parse(SEED0)
    sents = rhetoric.narrative(rhetoric.sentences_of(report))
    slogans = [(s.section, s.text[a:b]) for s in sents for a, b, _ in rhetoric.slogan_spans(s.text)]
    assert slogans == [("overview", "党的二十大精神"), ("problems", "习近平新时代中国特色社会主义思想"),
                       ("problems", "党的二十大精神"), ("problems", "新发展理念"), ("problems", "新发展格局"),
                       ("problems", "营商环境")]
    numbers = [t for s in sents for t in rhetoric.numeric_tokens(s.text)]
    assert numbers == ["2675", "572", "450", "540", "1113", "4", "4", "100%", "4", "1", "3", "572", "360", "341", "3"]
    f = rhetoric.features(report)
    assert (f["slogan_hits"], f["slogan_kinds"], f["slogan_political"], f["slogan_governance"]) == (6, 4, 3, 3)
    assert f["numeric_tokens"] == 15 and f["claims"] == len(report.claims) == 16
    assert f["slogan_density"] == pytest.approx(6 * 1000 / f["narrative_chars"])
    assert f["specificity"] == pytest.approx(15 * 1000 / f["narrative_chars"])


def test_problem_part_stops_at_the_improvement_heading_line():
    part = rhetoric.problem_part(gxnlp.parse(SEED2))
    assert part.rstrip().endswith("公众不知道如何获取政府信息。")
    assert "改进情况" not in part  # "（二）2022年存在问题的改进情况" goes whole to the improvement part


def test_self_criticism_of_a_one_paragraph_section_five():
    report = gxnlp.parse(SEED4)
    assert rhetoric.problem_part(report).endswith("二是信息质量需进一步提高。")  # cut before 接下来 in the same line
    f = rhetoric.features(report)
    # 2021年，街道政府信息公开工作虽然取得了一定的成效，但还有不足： (33) + 一是信息时效性需进一步提高 (13)
    # + 二是信息质量需进一步提高。 (13)
    assert f["self_criticism_chars"] == 59
    assert f["self_criticism_sentences"] == 3
    assert f["self_criticism_generic_share"] == 1.0  # 不足, 需进一步提高 ×2; nothing concrete
    assert f["self_criticism_specificity"] == 0.0


def report_with(problems_text: str, sentences: list[Sentence]) -> Report:
    sections = {k: None for k in ("overview", "active_disclosure", "requests", "review_litigation", "problems", "other")}
    sections["problems"] = Section("problems", "五、存在的主要问题及改进情况", 0, 3, problems_text)
    return Report("mem.txt", "txt", Meta(agency="测试局", year=2023, level="department"), sections,
                  {"table2": None, "table3": None, "table4": None}, sentences=sentences)


def test_concrete_self_criticism_and_remedy_rate():
    text = "一是《政府信息公开指南》未及时更新，3条信息超期公开；二是工作人员业务能力有待提高。\n下一步，将加强业务培训。"
    cut = text.index("下一步")
    s1 = Sentence("一是《政府信息公开指南》未及时更新，3条信息超期公开", "problems", (0, 26),
                  [("problem:timeliness", 1.0)])
    s2 = Sentence("二是工作人员业务能力有待提高。", "problems", (27, 42), [("problem:staff_capacity", 1.0)])
    s3 = Sentence("下一步，将加强业务培训。", "problems", (cut, len(text)), [("measure:training", 1.0)])
    assert text[s1.span[0]:s1.span[1]] == s1.text and text[s2.span[0]:s2.span[1]] == s2.text
    f = rhetoric.features(report_with(text, [s1, s2, s3]))
    assert f["self_criticism_chars"] == 26 + 15
    assert f["self_criticism_sentences"] == 2
    # concrete: 《政府信息公开指南》 and "3" in s1; s2 is a stock admission with nothing concrete
    assert f["self_criticism_specificity"] == pytest.approx(2 * 1000 / 41)
    assert f["self_criticism_generic_share"] == 0.5
    assert (f["problem_count"], f["measure_count"], f["problem_categories"]) == (2, 1, 2)
    assert f["remedy_rate"] == 0.5  # staff_capacity → training is promised; timeliness is not answered


def test_rates_are_nan_without_text():
    f = rhetoric.features(report_with("", []))
    assert f["narrative_chars"] == 0 and f["self_criticism_chars"] == 0
    assert math.isnan(f["slogan_density"]) and math.isnan(f["specificity"])
    assert math.isnan(f["self_criticism_specificity"]) and math.isnan(f["remedy_rate"])


def test_a_user_lexicon_adds_slogans(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text('[[slogan]]\nid = "digital_government"\nfamily = "digital"\npatterns = ["数字政府"]\n',
                     encoding="utf-8")
    lex = rhetoric.load_lexicon(extra)
    text = "加快数字政府建设，坚持以人民为中心。"
    assert [sid for *_, sid in rhetoric.slogan_spans(text, lex)] == ["digital_government", "people_centred"]
    assert [sid for *_, sid in rhetoric.slogan_spans(text)] == ["people_centred"]  # the shipped lexicon is unchanged
    assert "digital" in lex.families


def test_frames_have_one_row_per_report_and_per_label():
    reports = [gxnlp.parse(p) for p in (SEED0, SEED4)]
    frame = rhetoric.features_frame(reports)
    assert list(frame["source"]) == [str(SEED0), str(SEED4)]
    assert list(frame["slogan_hits"]) == [6, 0]
    assert set(rhetoric.FEATURES) - {"slogan_<family>"} <= set(frame.columns)
    labels = rhetoric.labels_frame(reports)
    five = labels[labels["section"] == "problems"]
    assert set(five["part"]) <= {"problem", "improvement"} and (labels.loc[labels["section"] != "problems", "part"] == "").all()
    n_labels = sum(len(s.labels) for r in reports for s in rhetoric.sentences_of(r) if not s.heading)
    assert len(labels) == n_labels
