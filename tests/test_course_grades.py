"""crm_lab.grading: homework from nbgrader, the teacher's score sheet, 总评, and the files written for the teacher."""

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_lab import grading
from crm_lab.data import CRMDataError

EXPORT_HEADER = ("assignment,duedate,timestamp,student_id,last_name,first_name,email,raw_score,"
                 "late_submission_penalty,score,max_score")


def export_csv(path, rows):
    lines = [EXPORT_HEADER] + [
        f"{a},,{ts},{sid},{last},{first},,{score},0.0,{score},{max_score}"
        for a, ts, sid, last, first, score, max_score in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def homework(tmp_path):
    return grading.homework_scores(export_csv(tmp_path / "grades.csv", [
        ("m0", "2026-03-01 10:00:00", "2023001", "张", "三", 16, 16),
        ("m0", "2026-03-01 10:05:00", "2023002", "李", "四", 8, 16),
        ("m0", "", "2023003", "王", "五", 0, 16),
        ("m1", "2026-03-08 10:00:00", "2023001", "张", "三", 15, 20),
        ("m1", "2026-03-08 10:00:00", "2023002", "李", "四", 20, 20),
        ("m1", "2026-03-08 11:00:00", "2023003", "王", "五", 5, 20),
    ]))


def sheet_file(tmp_path, rows, header=("学号", "姓名", "期末", "期中", "考勤", "课堂表现"), name="成绩.xlsx"):
    path = tmp_path / name
    table = pd.DataFrame(rows, columns=list(header))
    if path.suffix == ".xlsx":
        table.to_excel(path, index=False)
    else:
        table.to_csv(path, index=False, encoding="gbk")
    return path


GOOD_ROWS = [["2023001", "张三", 90, 80, 100, 90], ["2023002", "李四", 60, 70, 80, 75],
             ["2023003", "王五", 40, 55, 50, 60]]


def test_course_grades_equal_a_hand_computation(homework, tmp_path):
    sheet = grading.read_score_sheet(sheet_file(tmp_path, GOOD_ROWS))
    grades = grading.course_grades(homework, sheet).set_index("学号")
    percent = {"2023001": [100, 75], "2023002": [50, 100], "2023003": [0, 25]}
    for sid, _, final, midterm, attendance, participation in GOOD_ROWS:
        work = np.mean(percent[sid])
        usual = 0.5 * work + 0.25 * attendance + 0.25 * participation
        assert grades.loc[sid, "作业"] == pytest.approx(work)
        assert grades.loc[sid, "平时"] == pytest.approx(usual)
        assert grades.loc[sid, "总评"] == pytest.approx(0.7 * final + 0.2 * midterm + 0.1 * usual)
    assert grades.loc["2023003", "缺交作业"] == "m0"
    assert grades.loc["2023001", "作业:m1"] == pytest.approx(75)
    assert grades.attrs["report"]["缺交作业"] == {"2023003": ["m0"]}


def test_weights_and_column_names_are_configurable(homework, tmp_path):
    header = ("学生编号", "姓名", "期末考试", "期中", "出勤", "课堂表现")
    sheet = grading.read_score_sheet(sheet_file(tmp_path, GOOD_ROWS, header, name="成绩.csv"),
                                     columns={"学号": "学生编号", "期末": "期末考试", "考勤": "出勤"})
    grades = grading.course_grades(homework, sheet, weights={"期末": 0.5, "期中": 0.3, "平时": 0.2},
                                   usual_weights={"作业": 1.0, "考勤": 0.0, "课堂表现": 0.0}).set_index("学号")
    assert grades.loc["2023002", "平时"] == pytest.approx(75)
    assert grades.loc["2023002", "总评"] == pytest.approx(0.5 * 60 + 0.3 * 70 + 0.2 * 75)


@pytest.mark.parametrize("weights", [{"期末": 0.7, "期中": 0.2, "平时": 0.2}, {"期末": 0.8, "期中": 0.2},
                                     {"期末": 1.2, "期中": -0.2, "平时": 0.0}])
def test_weights_must_sum_to_one(homework, tmp_path, weights):
    sheet = grading.read_score_sheet(sheet_file(tmp_path, GOOD_ROWS))
    with pytest.raises(CRMDataError, match="weights"):
        grading.course_grades(homework, sheet, weights=weights)


FIRST = ["2023001", "张三", 90, 80, 100, 90]


@pytest.mark.parametrize("rows, column, message, where", [
    ([FIRST, ["2023001", "张三", 60, 70, 80, 75]], None, "学号重复", "2（'2023001'）、3"),
    ([FIRST, ["2023002", "李四", 101, 70, 80, 75]], "期末", "超出了 0～100", "3（'101'）"),
    ([FIRST, ["2023002", "李四", 60, "缺考", 80, 75]], "期中", "不是数字", "3（'缺考'）"),
    ([FIRST, ["2023002", "李四", 60, 70, None, 75]], "考勤", "是空的", "3"),
    ([FIRST, [None, "李四", 60, 70, 80, 75]], None, "没有学号", "3"),
])
def test_bad_sheets_name_the_excel_rows(tmp_path, rows, column, message, where):
    with pytest.raises(CRMDataError, match=message) as error:
        grading.read_score_sheet(sheet_file(tmp_path, rows))
    assert f"第 {where}" in str(error.value)
    if column:
        assert f"“{column}”列" in str(error.value)


def test_missing_column_says_which_and_how_to_fix(tmp_path):
    path = sheet_file(tmp_path, [["2023001", "张三", 90, 80, 100]], ("学号", "姓名", "期末", "期中", "考勤"))
    with pytest.raises(CRMDataError, match="缺少列：课堂表现") as error:
        grading.read_score_sheet(path)
    assert "columns=" in str(error.value)


def test_students_missing_from_either_side_are_errors(homework, tmp_path):
    short = grading.read_score_sheet(sheet_file(tmp_path, GOOD_ROWS[:2]))
    with pytest.raises(CRMDataError, match="缺少这些学生.*2023003（王五）"):
        grading.course_grades(homework, short)
    extra = grading.read_score_sheet(sheet_file(tmp_path, [*GOOD_ROWS, ["2023009", "新同学", 80, 80, 80, 80]]))
    with pytest.raises(CRMDataError, match=r"第 5（'2023009'） 行的学生不在 nbgrader 成绩库里"):
        grading.course_grades(homework, extra)


def test_numeric_ids_from_excel_keep_their_digits(homework, tmp_path):
    rows = [[int(r[0])] + r[1:] for r in GOOD_ROWS]
    sheet = grading.read_score_sheet(sheet_file(tmp_path, rows))
    assert sheet["学号"].tolist() == ["2023001", "2023002", "2023003"]


def test_assignment_statistics_agree_with_numpy(homework):
    stats = grading.assignment_statistics(homework).set_index("作业")
    m1 = np.array([15, 20, 5.0])
    assert stats.loc["m1", "平均分"] == pytest.approx(m1.mean())
    assert stats.loc["m1", "中位数"] == pytest.approx(np.median(m1))
    assert (stats.loc["m1", "最高分"], stats.loc["m1", "最低分"]) == (20, 5)
    assert (stats.loc["m0", "提交人数"], stats.loc["m0", "应交人数"]) == (2, 3)
    assert stats.loc["m0", "平均分"] == pytest.approx(12)  # the missing submission is not averaged in


def test_unknown_assignment_and_missing_gradebook(tmp_path, homework):
    with pytest.raises(CRMDataError, match="没有这些作业：m9"):
        grading.homework_scores(homework.attrs["source"], assignments=["m9"])
    with pytest.raises(CRMDataError, match="找不到作业成绩"):
        grading.homework_scores(tmp_path / "nowhere")
    bad = tmp_path / "gradebook.db"
    bad.write_text("not a database")
    with pytest.raises(CRMDataError, match="不是可用的 nbgrader 成绩库"):
        grading.homework_scores(tmp_path)


def test_written_files_have_chinese_headers_bom_and_plot(homework, tmp_path):
    sheet = grading.read_score_sheet(sheet_file(tmp_path, GOOD_ROWS))
    grades = grading.course_grades(homework, sheet)
    paths = grading.write_grades(grades, grading.assignment_statistics(homework), tmp_path / "out")
    book = openpyxl.load_workbook(paths["xlsx"])
    header = [c.value for c in book["总评"][1]]
    assert header[:2] == ["学号", "姓名"] and "总评" in header and "作业:m0" in header
    first = [c.value for c in book["总评"][2]]
    assert first[header.index("总评")] == pytest.approx(round(grades.loc[0, "总评"], 1))
    assert paths["csv"].read_bytes().startswith(b"\xef\xbb\xbf")
    assert pd.read_csv(paths["csv"], encoding="utf-8-sig", dtype={"学号": str})["学号"].tolist() == [
        "2023001", "2023002", "2023003"]
    assert paths["png"].stat().st_size > 5000


def test_grade_distribution_plot_has_chinese_labels(homework, tmp_path):
    import matplotlib.pyplot as plt

    sheet = grading.read_score_sheet(sheet_file(tmp_path, GOOD_ROWS))
    ax = grading.plot_grade_distribution(grading.course_grades(homework, sheet))
    assert "总评成绩分布" in ax.get_title() and ax.get_ylabel() == "人数"
    assert sum(p.get_height() for p in ax.patches) == 3
    plt.close(ax.figure)


scores = st.floats(0, 100, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(final=scores, midterm=scores, attendance=scores, participation=scores,
       earned=st.floats(0, 16, allow_nan=False))
def test_total_stays_between_its_parts(final, midterm, attendance, participation, earned):
    homework = pd.DataFrame({"学号": ["1"], "姓名": ["甲"], "作业": ["m0"], "得分": [earned], "满分": [16.0],
                             "已提交": [True]})
    sheet = pd.DataFrame({"学号": ["1"], "姓名": ["甲"], "期末": [final], "期中": [midterm], "考勤": [attendance],
                          "课堂表现": [participation]})
    row = grading.course_grades(homework, sheet).iloc[0]
    parts = [final, midterm, attendance, participation, earned / 16 * 100]
    assert min(parts) - 1e-9 <= row["总评"] <= max(parts) + 1e-9
    assert 0 <= row["总评"] <= 100 + 1e-9
