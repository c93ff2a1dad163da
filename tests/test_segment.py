"""Segmentation and metadata on real heading variants."""
import pytest

from gxnlp.io.load import text_lines
from gxnlp.model.core import Document
from gxnlp.parse.normalise import normalise
from gxnlp.parse.meta import find_level
from gxnlp.parse.segment import match_heading, read_meta, segment


def doc(text: str) -> Document:
    return normalise(Document("x.txt", "txt", text_lines(text)))


@pytest.mark.parametrize("line,key,number", [
    ("一、总体情况", "overview", "一"),
    ("1、总体情况", "overview", "1"),
    ("二、主动公开政府信息情况", "active_disclosure", "二"),
    ("四、因政府信息公开工作被申请行政复议和提起行政诉讼情况", "review_litigation", "四"),
    ("五、存在的主要问题和改进情况", "problems", "五"),
    ("六、存在的主要问题及改进情况", "problems", "六"),  # misnumbered: found by title, numeral kept
    ("六、其他需要报告的事项", "other", "六"),
])
def test_heading_variants(line, key, number):
    hit = match_heading(line)
    assert hit is not None and hit[0] == key and hit[1] == number


@pytest.mark.parametrize("line", ["一、本年新收政府信息公开申请数量", "四、结转下年度继续办理", "（一）主动公开情况",
                                  "三、本年度办理结果"])
def test_table_rows_and_subheadings_are_not_sections(line):
    assert match_heading(line) is None


def test_glued_heading_and_heading_split_over_lines():
    d = doc("某局2022年政府信息公开工作年度报告\n一、总体情况2022年，本局认真贯彻条例。\n"
            "三、收到和处理政府信息公开申请\n情况\n本年新收申请3件。\n")
    sections, _ = segment(d)
    assert sections["overview"].text.startswith("2022年，本局认真贯彻条例。")
    assert sections["requests"].heading == "三、收到和处理政府信息公开申请情况"
    assert sections["requests"].text == "本年新收申请3件。"


def test_table_of_contents_is_skipped():
    d = doc("目录\n一、总体情况\n二、主动公开政府信息情况\n一、总体情况\n本年度工作扎实推进。\n二、主动公开政府信息情况\n见下表。\n")
    sections, _ = segment(d)
    assert sections["overview"].text == "本年度工作扎实推进。"
    assert sections["active_disclosure"].text == "见下表。"


@pytest.mark.parametrize("agency,level", [
    ("海珠区人民政府昌岗街道办事处", "township"), ("广州市番禺区石碁镇人民政府", "township"),
    ("平阳县统计局", "department"), ("舟山市定海区卫生健康局", "department"), ("某县人民政府", "county"),
    ("杭州市人民政府", "city"), ("浙江省人民政府", "province"),
    ("某市某区人民政府办公室", "county"),  # a government's general office has its level (openings README)
])
def test_level_from_the_last_administrative_unit(agency, level):
    assert find_level(agency, "") == level


def test_year_from_statistics_period_when_title_has_none():
    d = doc("某街道政府信息公开工作年度报告\n一、总体情况\n本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。\n")
    sections, _ = segment(d)
    meta = read_meta(d, sections)
    assert meta.year == 2021 and meta.agency == "某街道" and meta.level == "township"
