"""The crm-lab command: start (never overwrites a student's file), doctor, datasets."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from crm_lab.cli import prepare_workspace, workspace_files
from crm_lab.collect import course_students

M0 = Path("m0_getting_started") / "m0_getting_started.ipynb"


def crm_lab(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crm_lab.cli", *args], capture_output=True,
                          text=True, timeout=300, **kwargs)


def test_fresh_workspace_gets_notebooks_and_data(tmp_path):
    result = prepare_workspace(tmp_path / "ws")
    copied = set(result["copied"])
    assert M0 in copied
    assert Path("datasets") / "campus_fair_customers.csv" in copied
    assert copied == {rel for _, rel in workspace_files()}
    assert (tmp_path / "ws" / M0).is_file()


def test_start_twice_keeps_the_students_edits(tmp_path):
    workspace = tmp_path / "ws"
    first = crm_lab("start", str(workspace), "--no-lab")
    assert first.returncode == 0, first.stderr
    assert "已复制" in first.stdout
    notebook = workspace / M0
    notebook.write_text("学生的答案", encoding="utf-8")
    second = crm_lab("start", str(workspace), "--no-lab")
    assert second.returncode == 0, second.stderr
    assert "保留了你已有的" in second.stdout
    assert notebook.read_text(encoding="utf-8") == "学生的答案"


def test_update_adds_only_what_is_missing(tmp_path):
    workspace = tmp_path / "ws"
    prepare_workspace(workspace)
    (workspace / M0).write_text("学生的答案", encoding="utf-8")
    data = workspace / "datasets" / "campus_fair_customers.csv"
    data.unlink()

    plain = prepare_workspace(workspace)
    assert plain["copied"] == [] and not data.exists()
    assert plain["available"] == [Path("datasets") / "campus_fair_customers.csv"]

    updated = prepare_workspace(workspace, update=True)
    assert updated["copied"] == [Path("datasets") / "campus_fair_customers.csv"]
    assert data.exists()
    assert (workspace / M0).read_text(encoding="utf-8") == "学生的答案"


def test_start_reports_unwritable_workspace(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = crm_lab("start", str(blocker / "ws"), "--no-lab")
    assert result.returncode == 1
    assert "无法在" in result.stderr and "换一个有写权限的文件夹" in result.stderr


def test_doctor_reports_everything_fine(tmp_path):
    result = crm_lab("doctor", "--workspace", str(tmp_path / "ws"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "【问题】" not in result.stdout
    for check in ("Python 版本", "软件包 nbgrader", "nbgrader 的 JupyterLab 插件", "中文字体",
                  "JupyterLab 中文界面", "工作区写入权限", "学生版笔记本"):
        assert f"【正常】{check}" in result.stdout
    assert "一切正常" in result.stdout


def test_doctor_reports_an_unwritable_workspace_with_a_fix(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = crm_lab("doctor", "--workspace", str(blocker / "sub" / "ws"))
    assert result.returncode == 1
    assert "【问题】工作区写入权限" in result.stdout
    assert "解决办法" in result.stdout


def test_datasets_lists_shipped_tables():
    result = crm_lab("datasets")
    assert result.returncode == 0, result.stderr
    assert "campus_fair_customers" in result.stdout and "50 行" in result.stdout


def test_teacher_workspace_gets_solutions_and_course_config(tmp_path):
    course = tmp_path / "course"
    result = crm_lab("start", "--teacher", str(course), "--no-lab")
    assert result.returncode == 0, result.stderr
    assert "课程文件夹（教师）" in result.stdout
    for rel in ("nbgrader_config.py", "solutions/m0_getting_started/m0_getting_started.ipynb", f"notebooks/{M0}",
                "datasets/campus_fair_customers.csv"):
        assert (course / rel).is_file(), rel
    solution = (course / "solutions" / M0.name.replace(".ipynb", "") / M0.name).read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" in solution
    (course / "nbgrader_config.py").write_text("# 老师改过的设置", encoding="utf-8")
    again = crm_lab("start", "--teacher", str(course), "--no-lab", "--update")
    assert again.returncode == 0, again.stderr
    assert (course / "nbgrader_config.py").read_text(encoding="utf-8") == "# 老师改过的设置"


def test_student_workspace_has_no_solutions(tmp_path):
    prepare_workspace(tmp_path / "ws")
    assert not (tmp_path / "ws" / "solutions").exists()
    assert not (tmp_path / "ws" / "nbgrader_config.py").exists()


def write_export(path):
    path.write_text(
        "assignment,duedate,timestamp,student_id,last_name,first_name,email,raw_score,late_submission_penalty,"
        "score,max_score\nm0,,2026-03-01 10:00:00,2023001,张,三,,12.0,0.0,12.0,16.0\n"
        "m0,,,2023002,李,四,,0.0,0.0,0.0,16.0\n", encoding="utf-8")
    return path


def test_grades_writes_the_course_grade(tmp_path):
    export = write_export(tmp_path / "grades.csv")
    sheet = tmp_path / "成绩登记表.csv"
    sheet.write_text("学号,姓名,期末,期中,考勤,课堂表现\n2023001,张三,80,90,100,60\n2023002,李四,50,60,40,20\n",
                     encoding="gbk")
    result = crm_lab("grades", str(sheet), "--gradebook", str(export), "--out", str(tmp_path / "out"),
                     "--weights", "期末=0.6,期中=0.2,平时=0.2")
    assert result.returncode == 0, result.stderr
    assert "缺交作业（按 0 分计）：2023002：m0" in result.stdout
    table = pd.read_csv(tmp_path / "out" / "总评成绩.csv", encoding="utf-8-sig", dtype={"学号": str})
    first = table.set_index("学号").loc["2023001"]
    usual = 0.5 * 75 + 0.25 * 100 + 0.25 * 60
    assert first["总评"] == pytest.approx(round(0.6 * 80 + 0.2 * 90 + 0.2 * usual, 1))
    assert (tmp_path / "out" / "总评成绩.xlsx").is_file() and (tmp_path / "out" / "作业统计.csv").is_file()


def test_grades_reports_a_bad_sheet_in_chinese(tmp_path):
    export = write_export(tmp_path / "grades.csv")
    sheet = tmp_path / "成绩登记表.csv"
    sheet.write_text("学号,姓名,期末,期中,考勤,课堂表现\n2023001,张三,80,90,100,60\n2023002,李四,五十,60,40,20\n",
                     encoding="utf-8")
    result = crm_lab("grades", str(sheet), "--gradebook", str(export), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "计算总评失败" in result.stderr and "“期末”列第 3（'五十'） 行不是数字" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
    bad_weights = crm_lab("grades", str(sheet), "--gradebook", str(export), "--weights", "期末=0.7,期中")
    assert bad_weights.returncode == 1 and "名称=值" in bad_weights.stderr


def test_collect_without_a_student_list_says_how_to_give_one(tmp_path):
    (tmp_path / "in").mkdir()
    result = crm_lab("collect", str(tmp_path / "in"), "--course", str(tmp_path))
    assert result.returncode == 1
    assert "收作业失败" in result.stderr and "--roster" in result.stderr


def test_students_registers_the_roster_and_collect_uses_it(tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("学号,姓名\n2023010112,张三\n", encoding="gbk")
    course = tmp_path / "course"
    course.mkdir()
    result = crm_lab("students", str(roster), "--course", str(course))
    assert result.returncode == 0, result.stderr
    assert "已把 1 位学生登记进" in result.stdout and (course / "gradebook.db").is_file()
    assert course_students(course) == ["2023010112"]
