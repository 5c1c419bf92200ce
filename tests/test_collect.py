"""crm_lab.collect: hand-ins from a USB stick or a file share → nbgrader's submitted/ layout, with an honest report."""

import hashlib

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from crm_lab import collect
from crm_lab.data import CRMDataError

STUDENTS = ["2023010112", "2023010113", "2023010114", "20230101"]


def released_notebook(*grade_ids):
    cells = [new_code_cell("x = 1", metadata={"nbgrader": {"grade_id": gid, "grade": False, "solution": True,
                                                            "locked": False, "schema_version": 3}})
             for gid in grade_ids]
    return new_notebook(cells=[new_code_cell("print('说明')"), *cells])


@pytest.fixture
def course(tmp_path):
    root = tmp_path / "course"
    for assignment, ids in (("m0_getting_started", ["ex1", "ex1_test", "ex2"]), ("m1_crm_intro", ["q1", "q1_test"])):
        folder = root / "notebooks" / assignment
        folder.mkdir(parents=True)
        nbformat.write(released_notebook(*ids), folder / f"{assignment}.ipynb")
    return root


def hand_in(folder, relative, notebook):
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def test_renamed_files_are_matched_by_id_and_by_grade_ids(course, tmp_path):
    inbox = tmp_path / "收上来的作业"
    hand_in(inbox, "2023010112_m0_getting_started.ipynb", released_notebook("ex1", "ex1_test", "ex2"))
    hand_in(inbox, "张三-2023010113-作业.ipynb", released_notebook("ex1", "ex2"))  # a deleted test cell
    hand_in(inbox, "2023010114/m0_getting_started (1).ipynb", released_notebook("ex1", "ex1_test", "ex2"))
    hand_in(inbox, "2023010112/随便起的名字.ipynb", released_notebook("q1", "q1_test"))  # m1, renamed
    report = collect.collect_submissions(inbox, course, students=STUDENTS)
    assert (report["状态"] == "已收取").all(), report
    for sid, assignment in (("2023010112", "m0_getting_started"), ("2023010113", "m0_getting_started"),
                            ("2023010114", "m0_getting_started"), ("2023010112", "m1_crm_intro")):
        folder = course / "submitted" / sid / assignment
        assert (folder / f"{assignment}.ipynb").is_file()
        assert (folder / "timestamp.txt").read_text().endswith(" UTC")
    assert report.attrs["report"] == {"已收取": 4, "未收取": 0}


def test_an_id_is_never_matched_inside_a_longer_number(course, tmp_path):
    inbox = tmp_path / "in"
    hand_in(inbox, "2023010112_m0.ipynb", released_notebook("ex1"))
    row = collect.collect_submissions(inbox, course, students=STUDENTS).iloc[0]
    assert row["学号"] == "2023010112"  # not "20230101", which is a prefix of it


@pytest.mark.parametrize("relative, content, reason", [
    ("2023019999_m0.ipynb", None, "不在课程名单上"),
    ("作业.ipynb", None, "没有学号"),
    ("2023010112和2023010113.ipynb", None, "多个学号"),
    ("2023010112_m0.ipynb", '{"cells": [', "文件损坏"),
    ("2023010112_m0.ipynb", "[1, 2]", "文件损坏"),
    ("2023010112_报告.docx", "PK", "不是笔记本"),
])
def test_what_cannot_be_matched_is_reported_and_not_copied(course, tmp_path, relative, content, reason):
    inbox = tmp_path / "in"
    if content is None:
        hand_in(inbox, relative, released_notebook("ex1", "ex2"))
    else:
        inbox.mkdir()
        (inbox / relative).write_text(content, encoding="utf-8")
    report = collect.collect_submissions(inbox, course, students=STUDENTS)
    assert report["状态"].tolist() == ["未收取"]
    assert reason in report.loc[0, "说明"]
    assert not (course / "submitted").exists()


def test_a_notebook_of_no_released_assignment_is_reported(course, tmp_path):
    inbox = tmp_path / "in"
    hand_in(inbox, "2023010112.ipynb", new_notebook(cells=[new_code_cell("1 + 1")]))
    report = collect.collect_submissions(inbox, course, students=STUDENTS)
    assert "认不出是哪次作业" in report.loc[0, "说明"]


def test_two_files_for_one_student_and_assignment_are_both_held_back(course, tmp_path):
    inbox = tmp_path / "in"
    hand_in(inbox, "2023010112_m0.ipynb", released_notebook("ex1"))
    hand_in(inbox, "2023010112_m0_改.ipynb", released_notebook("ex1", "ex2"))
    hand_in(inbox, "2023010113_m0.ipynb", released_notebook("ex1"))
    report = collect.collect_submissions(inbox, course, students=STUDENTS).set_index("文件")
    for name in ("2023010112_m0.ipynb", "2023010112_m0_改.ipynb"):
        assert report.loc[name, "状态"] == "未收取" and "有 2 份" in report.loc[name, "说明"]
    assert report.loc["2023010113_m0.ipynb", "状态"] == "已收取"
    assert not (course / "submitted" / "2023010112").exists()


def test_originals_are_untouched_and_dry_run_copies_nothing(course, tmp_path):
    inbox = tmp_path / "in"
    paths = [hand_in(inbox, "2023010112_m0.ipynb", released_notebook("ex1")),
             hand_in(inbox, ".ipynb_checkpoints/2023010113_m0-checkpoint.ipynb", released_notebook("ex1"))]
    before = {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in paths}
    report = collect.collect_submissions(inbox, course, students=STUDENTS, dry_run=True)
    assert report["文件"].tolist() == ["2023010112_m0.ipynb"]  # checkpoints are skipped
    assert report.loc[0, "复制到"] == "submitted/2023010112/m0_getting_started/m0_getting_started.ipynb"
    assert not (course / "submitted").exists()
    collect.collect_submissions(inbox, course, students=STUDENTS)
    assert {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in paths} == before


def test_without_released_notebooks_or_students_the_error_says_what_to_do(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    with pytest.raises(CRMDataError, match="generate_assignment"):
        collect.collect_submissions(inbox, tmp_path, students=STUDENTS)
    with pytest.raises(CRMDataError, match="--roster"):
        collect.course_students(tmp_path)
    with pytest.raises(CRMDataError, match="找不到存放作业的文件夹"):
        collect.collect_submissions(tmp_path / "nowhere", tmp_path, students=STUDENTS)


def test_roster_errors_name_the_rows(tmp_path):
    path = tmp_path / "名单.csv"
    pd.DataFrame({"学号": ["1", "2", "1"], "姓名": ["甲", "乙", "丙"]}).to_csv(path, index=False)
    with pytest.raises(CRMDataError, match="学号重复：第 2（1）、4（1） 行"):
        collect.read_roster(path)
    pd.DataFrame({"编号": ["1"], "姓名": ["甲"]}).to_csv(path, index=False)
    with pytest.raises(CRMDataError, match="没有 学号 列"):
        collect.read_roster(path)


def test_registered_students_are_in_the_gradebook(tmp_path):
    path = tmp_path / "名单.csv"
    pd.DataFrame({"学号": ["2023010112", "2023010113"], "姓名": ["张三", "李四"]}).to_csv(path, index=False)
    assert collect.register_students(tmp_path, collect.read_roster(path)) == 2
    assert collect.course_students(tmp_path) == ["2023010112", "2023010113"]


def form_record(**steps):
    return {"format": "crm-lab 表单记录", "version": 1, "steps": steps}


def test_form_records_are_collected_beside_their_notebook(course, tmp_path):
    import json

    inbox = tmp_path / "in"
    hand_in(inbox, "2023010112/m0_getting_started.ipynb", released_notebook("ex1", "ex1_test", "ex2"))
    record = json.dumps(form_record(练习2=[{"form": "customer_form", "values": {"name": "山西大学"}}]),
                        ensure_ascii=False)
    (inbox / "2023010112" / "m0_getting_started.forms.json").write_text(record, encoding="utf-8")
    (inbox / "2023010113_m0_getting_started.forms.json").write_text(record, encoding="utf-8")  # renamed, no notebook
    (inbox / "2023010114_记录.forms.json").write_text(record, encoding="utf-8")  # which assignment?
    (inbox / "2023010112_m1_crm_intro.forms.json").write_text("{坏了", encoding="utf-8")
    report = collect.collect_submissions(inbox, course, students=STUDENTS).set_index("文件")

    copied = course / "submitted" / "2023010112" / "m0_getting_started" / "m0_getting_started.forms.json"
    assert copied.read_text(encoding="utf-8") == record
    assert (course / "submitted" / "2023010113" / "m0_getting_started" / "m0_getting_started.forms.json").is_file()
    assert report.loc["2023010113_m0_getting_started.forms.json", "说明"] == "表单记录"
    assert "文件名里应该有笔记本的名字" in report.loc["2023010114_记录.forms.json", "说明"]
    assert "损坏" in report.loc["2023010112_m1_crm_intro.forms.json", "说明"]
    assert report.attrs["report"] == {"已收取": 3, "未收取": 2}
    # the notebook's hand-in time is the notebook's, not the record's
    assert not (course / "submitted" / "2023010113" / "m0_getting_started" / "timestamp.txt").exists()
