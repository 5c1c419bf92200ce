"""crm_lab.wenjuanxing: the 问卷星 import text read back into questions (round trip with survey.to_wenjuanxing_text)."""

import pandas as pd
import pytest
from helpers import raises
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_lab.survey import (
    QUESTIONNAIRE_COLUMNS,
    indicator_tree,
    indicator_tree_default,
    questionnaire,
    to_wenjuanxing_text,
)
from crm_lab.wenjuanxing import parse_wenjuanxing_text

PROPERTY = settings(max_examples=40, deadline=None, database=None)


def test_round_trip_of_the_default_questionnaire_gives_the_same_questions():
    q = questionnaire(indicator_tree_default())
    parsed = parse_wenjuanxing_text(to_wenjuanxing_text(q))
    assert parsed.columns.tolist() == QUESTIONNAIRE_COLUMNS
    pd.testing.assert_frame_equal(parsed, q[QUESTIONNAIRE_COLUMNS])
    assert parsed.attrs["title"] == q.attrs["title"]
    assert parsed.attrs["parts"] == list(dict.fromkeys(q["part"]))


def test_round_trip_with_own_questions_scale_and_title():
    basic = [{"item": "g", "type": "单选题", "question": "性别", "options": ["男", "女"]},
             {"item": "ch", "type": "多选题", "question": "渠道", "options": ["海报", "朋友"]},
             {"item": "name", "type": "填空题", "question": "班级 <全称> & 学号", "options": []}]
    tree = indicator_tree({"质量": {"商品": ["商品好"], "服务": ["服务好"]}, "忠诚": {"推荐": ["会推荐"]}})
    q = questionnaire(tree, title="测试问卷", basic=basic, scale_labels=["差", "中", "好"], include_nps=False)
    parsed = parse_wenjuanxing_text(to_wenjuanxing_text(q, title="另一个标题"))
    pd.testing.assert_frame_equal(parsed, q[QUESTIONNAIRE_COLUMNS])
    assert parsed.attrs["title"] == "另一个标题"
    blanks = parsed.loc[parsed["type"] == "填空题", "options"].tolist()
    assert blanks == [()] * int((q["type"] == "填空题").sum()) and len(blanks) >= 2


def test_windows_line_endings_bom_spaces_and_other_number_marks_are_read():
    text = "\ufeff问卷\r\n\r\n第一部分[段落说明]\r\n\r\n1、 性别 [单选题]  \r\n 男\r\n女\r\n\r\n\r\n2．班级[填空题]\r\n"
    parsed = parse_wenjuanxing_text(text)
    assert parsed["number"].tolist() == [1, 2]
    assert parsed["question"].tolist() == ["性别", "班级"]
    assert parsed["options"].tolist() == [("男", "女"), ()]
    assert parsed["part"].tolist() == ["第一部分", "第一部分"]


def test_questions_without_any_part_title_have_an_empty_part():
    parsed = parse_wenjuanxing_text("问卷\n\n1. 性别[单选题]\n男\n女\n")
    assert parsed["part"].tolist() == [""] and parsed.attrs["parts"] == []


names = st.text(alphabet="满意度商品价格服务好差一二三ABC", min_size=1, max_size=8)


@PROPERTY
@given(questions=st.lists(st.tuples(names, st.sampled_from(["单选题", "多选题", "填空题", "量表题"]),
                                    st.lists(names, min_size=2, max_size=4, unique=True)),
                          min_size=1, max_size=6))
def test_any_exported_questionnaire_reads_back_unchanged(questions):
    basic = [{"item": f"x{i}", "type": kind, "question": text, "options": [] if kind == "填空题" else options}
             for i, (text, kind, options) in enumerate(questions)]
    q = questionnaire(indicator_tree({"质量": {"商品": ["商品好"]}}), basic=basic)
    pd.testing.assert_frame_equal(parse_wenjuanxing_text(to_wenjuanxing_text(q)), q[QUESTIONNAIRE_COLUMNS])


def test_bad_input_names_the_line_and_the_fix():
    raises(lambda: parse_wenjuanxing_text(None), "应该是问卷的文字", "read_text")
    raises(lambda: parse_wenjuanxing_text(" \n\n "), "问卷文字是空的")
    raises(lambda: parse_wenjuanxing_text("1. 性别[单选题]\n男\n女"), "第 1 行", "应该是问卷标题")
    raises(lambda: parse_wenjuanxing_text("问卷\n\n1. 性别\n男\n女"), "第 3 行", "末尾没有题型")
    raises(lambda: parse_wenjuanxing_text("问卷\n\n1. 性别[判断题]\n是\n否"), "第 3 行", "[判断题] 不认识")
    raises(lambda: parse_wenjuanxing_text("问卷\n\n1. 性别[单选题]\n男"), "第 3 行", "只有 1 个选项")
    raises(lambda: parse_wenjuanxing_text("问卷\n\n1. 班级[填空题]\n一班"), "第 3 行是填空题", "第 4 行")
    raises(lambda: parse_wenjuanxing_text("问卷\n\n1. 性别[单选题]\n男\n男"), "重复的选项：男")
    raises(lambda: parse_wenjuanxing_text("问卷\n\n1. 性别[单选题]\n男\n女\n2. 班级[填空题]"),
           "第 6 行", "前面没有空行")
    raises(lambda: parse_wenjuanxing_text("问卷\n\n1. 性别[单选题]\n男\n女\n\n3. 班级[填空题]"),
           "第 7 行的题号是 3", "上一题（第 3 行）是 1")
    raises(lambda: parse_wenjuanxing_text("问卷\n\n2. 性别[单选题]\n男\n女"), "题号却是 2", "从 1 开始")
    raises(lambda: parse_wenjuanxing_text("问卷\n\n1. 性别[单选题]\n男\n女\n\n其他"), "第 7 行“其他”", "不是题目行")
    raises(lambda: parse_wenjuanxing_text("问卷\n\n第一部分[段落说明]\n1. 性别[单选题]"), "第 4 行", "前面没有空行")
    raises(lambda: parse_wenjuanxing_text("问卷\n\n第一部分[段落说明]\n说明文字"), "第 4 行“说明文字”",
           "紧跟在部分标题下面")
    raises(lambda: parse_wenjuanxing_text("问卷\n\n[段落说明]\n\n1. 性别[单选题]\n男\n女"), "第 3 行的部分标题是空的")
    raises(lambda: parse_wenjuanxing_text("问卷\n\n第一部分[段落说明]"), "没有找到任何题目")


@pytest.mark.parametrize("line", ["3. 您的身份[单选题]", "第一部分 客户基础信息[段落说明]"])
def test_a_title_line_that_looks_like_a_question_or_a_part_is_refused(line):
    raises(lambda: parse_wenjuanxing_text(f"{line}\n\n1. 性别[单选题]\n男\n女"), "第 1 行", "问卷标题")
