"""A whole class, run from the teacher guide: every ```bash block of docs/teacher.md is executed here as written.

Two ways of running a class, each in its own temporary HOME (the guide's ``~/crm-lab-course``):

- one PC: students hand in renamed files by USB → ``crm-lab collect`` → autograde → feedback → course grade;
- a shared server: release to a temporary nbgrader exchange, three students (each with their own HOME and
  config) fetch and submit (solution / blank / partly right with an edited test cell and a crashing answer),
  collect → autograde → feedback → each student fetches it → export → course grade.

Expected scores come from the notebook's cell metadata (points per grade_id), never typed numbers.
"""

import hashlib
import html
import json
import os
import re
import shlex
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest
from helpers import free_port, lab_args, running_lab

from crm_lab import course

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "teacher.md"
ASSIGNMENT = "m0_getting_started"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
STEP = re.compile(r"<!-- 步骤: ([^\n]+?) -->\n```bash\n(.*?)```", re.S)
ALL_STEPS = {"准备课程", "教师 JupyterLab", "课堂演示", "收作业", "评分", "发布作业", "学生取作业", "学生交作业",
             "服务器评分", "学生取反馈", "导出总评"}
SOLUTION = course.source_checkout() / "solutions" / ASSIGNMENT / NOTEBOOK
SHEET_HEADER = ["学号", "姓名", "期末", "期中", "考勤", "课堂表现"]


# ---------------------------------------------------------------- the guide


def guide_steps() -> dict[str, str]:
    return dict(STEP.findall(GUIDE.read_text(encoding="utf-8")))


def guide_exchange_config(exchange: Path) -> str:
    block = re.search(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S).group(1)
    assert '"/srv/nbgrader/exchange"' in block
    return block.replace('"/srv/nbgrader/exchange"', repr(str(exchange)))


def user_env(home: Path) -> dict[str, str]:
    """A user whose HOME is ``home``: Jupyter config in ~/.jupyter, the course environment first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env.update(HOME=str(home), PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
               PYTHONPATH=str(REPO))
    return env


def run_step(name: str, home: Path) -> str:
    script = guide_steps()[name]
    proc = subprocess.run(["bash", "-e", "-c", script], cwd=home, env=user_env(home), capture_output=True,
                          text=True, timeout=900)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"步骤 {name} 失败：\n{script}\n{output[-6000:]}"
    return output


def test_every_command_block_of_the_guide_is_a_tested_step():
    text = GUIDE.read_text(encoding="utf-8")
    assert text.count("```bash") == len(STEP.findall(text)), "每个 bash 代码块前都要有 <!-- 步骤: … --> 记号"
    assert set(guide_steps()) == ALL_STEPS


# ---------------------------------------------------------------- notebooks a student could hand in


def grading_cells(notebook) -> dict[str, dict]:
    return {m["grade_id"]: m for c in notebook.cells if (m := c.metadata.get("nbgrader", {})).get("grade_id")}


def solution_code(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if "### BEGIN SOLUTION" not in line
                     and "### END SOLUTION" not in line)


def filled(blank, overrides: dict[str, str] = None):
    """The released notebook with every answer cell filled from the solution, except ``overrides``."""
    overrides = overrides or {}
    solution = {m["grade_id"]: c.source for c in nbformat.read(SOLUTION, as_version=4).cells
                if (m := c.metadata.get("nbgrader", {})).get("solution")}
    notebook = nbformat.from_dict(json.loads(nbformat.writes(blank)))
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in overrides:
            cell.source = overrides[grade_id]
        elif grade_id in solution:
            cell.source = "多关照常客和教职工。" if grade_id == "written_advice" else solution_code(solution[grade_id])
    return notebook


def edit_test_cell(notebook, grade_id: str, source: str):
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
    return notebook


PARTLY_RIGHT = {"ex2_weekend": "average_visitors = 0\nweekend_share = 0",
                "ex4_frequent": 'raise RuntimeError("出错了")'}
PARTLY_RIGHT_FAILS = {"ex2_weekend_test", "ex4_frequent_test"}


def expected_points(failing: set[str] | None) -> float:
    """Points a submission earns at autograde: every autograded test cell except ``failing`` (None: all fail)."""
    cells = grading_cells(nbformat.read(SOLUTION, as_version=4))
    auto = {gid: m["points"] for gid, m in cells.items() if m.get("grade") and not m.get("solution")}
    return 0.0 if failing is None else float(sum(p for gid, p in auto.items() if gid not in failing))


def max_points() -> float:
    return float(sum(m["points"] for m in grading_cells(nbformat.read(SOLUTION, as_version=4)).values()
                     if m.get("grade")))


def write_sheet(path: Path, rows: list[list]) -> None:
    pd.DataFrame(rows, columns=SHEET_HEADER).to_excel(path, index=False)


def hand_grade(homework_percent: float, final: float, midterm: float, attendance: float, participation: float):
    usual = 0.5 * homework_percent + 0.25 * attendance + 0.25 * participation
    return usual, 0.7 * final + 0.2 * midterm + 0.1 * usual


def check_grade_files(folder: Path, expected: dict[str, tuple[float, float, float]]) -> None:
    """总评成绩.xlsx has Chinese headers and the hand-computed values; the CSV starts with a BOM."""
    book = openpyxl.load_workbook(folder / "总评成绩.xlsx")
    sheet = book["总评"]
    header = [c.value for c in sheet[1]]
    for name in ("学号", "姓名", "作业", "考勤", "课堂表现", "平时", "期中", "期末", "总评", "缺交作业"):
        assert name in header, header
    rows = {str(r[header.index("学号")]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(expected)
    for sid, (homework, usual, total) in expected.items():
        row = rows[sid]
        assert row[header.index("作业")] == pytest.approx(homework, abs=0.051)
        assert row[header.index("平时")] == pytest.approx(usual, abs=0.051)
        assert row[header.index("总评")] == pytest.approx(total, abs=0.051)
    assert [c.value for c in book["作业统计"][1]][:4] == ["作业", "满分", "应交人数", "提交人数"]
    assert (folder / "总评成绩.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (folder / "总评成绩_分布.png").read_bytes().startswith(b"\x89PNG")


def page_text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- one PC: USB hand-ins


ROSTER = [("2023010112", "张三"), ("2023010113", "李四"), ("2023010114", "王五"), ("2023010115", "赵六")]


@pytest.fixture(scope="module")
def usb_class(tmp_path_factory):
    home = tmp_path_factory.mktemp("usb-teacher")
    pd.DataFrame(ROSTER, columns=["学号", "姓名"]).to_csv(home / "学生名单.csv", index=False, encoding="utf-8-sig")
    setup_log = run_step("准备课程", home)
    course_dir = home / "crm-lab-course"
    blank = nbformat.read(course_dir / "notebooks" / ASSIGNMENT / NOTEBOOK, as_version=4)
    inbox = home / "收上来的作业" / "m0"
    (inbox / "2023010113").mkdir(parents=True)
    nbformat.write(filled(blank), inbox / "张三-2023010112-作业.ipynb")
    nbformat.write(edit_test_cell(filled(blank, PARTLY_RIGHT), "ex2_weekend_test", "pass"),
                   inbox / "2023010113" / "m0_getting_started (1).ipynb")
    nbformat.write(blank, inbox / "2023019999_m0_getting_started.ipynb")  # not on the roster
    nbformat.write(blank, inbox / "作业.ipynb")  # no id at all
    nbformat.write(blank, inbox / "2023010114_m0.ipynb")  # two files for one student
    nbformat.write(filled(blank), inbox / "2023010114_m0_最终版.ipynb")
    (inbox / "2023010115_m0.ipynb").write_text('{"cells": [', encoding="utf-8")  # corrupted
    (inbox / "2023010115_报告.docx").write_bytes(b"PK\x03\x04 not a notebook")
    originals = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.rglob("*") if p.is_file()}
    collect_log = run_step("收作业", home)
    grade_log = run_step("评分", home)
    write_sheet(course_dir / "成绩登记表.xlsx", [
        ["2023010112", "张三", 90, 85, 100, 95], ["2023010113", "李四", 70, 75, 90, 80],
        ["2023010114", "王五", 60, 65, 80, 70], ["2023010115", "赵六", 55, 50, 60, 60]])
    grades_log = run_step("导出总评", home)
    return {"home": home, "course": course_dir, "inbox": inbox, "originals": originals, "setup": setup_log,
            "collect": collect_log, "grade": grade_log, "grades": grades_log}


def test_collect_files_each_handed_in_notebook_under_its_student(usb_class):
    submitted = usb_class["course"] / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == ["2023010112", "2023010113"]
    for sid in ("2023010112", "2023010113"):
        folder = submitted / sid / ASSIGNMENT
        assert sorted(p.name for p in folder.iterdir()) == [NOTEBOOK, "timestamp.txt"]
        assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ UTC$", (folder / "timestamp.txt").read_text())


def test_collect_reports_what_it_could_not_match(usb_class):
    log = usb_class["collect"]
    lines = {line.split()[0]: line for line in log.splitlines() if line.startswith("  ")}
    assert "不在课程名单上" in lines["2023019999_m0_getting_started.ipynb"]
    assert "没有学号" in lines["作业.ipynb"]
    assert "有 2 份" in lines["2023010114_m0.ipynb"] and "有 2 份" in lines["2023010114_m0_最终版.ipynb"]
    assert "文件损坏" in lines["2023010115_m0.ipynb"]
    assert "不是笔记本" in lines["2023010115_报告.docx"]
    assert "已收取：2 个文件" in log and "未收取：6 个文件" in log


def test_collect_never_touches_the_originals(usb_class):
    now = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in usb_class["inbox"].rglob("*") if p.is_file()}
    assert now == usb_class["originals"]


def test_usb_class_scores_are_what_each_deserves(usb_class):
    root = usb_class["course"]
    for sid, failing in (("2023010112", set()), ("2023010113", PARTLY_RIGHT_FAILS)):
        table = course.cell_scores(root, ASSIGNMENT, sid).set_index("cell")
        auto = table[table["kind"] == "autograded"]
        assert auto["score"].sum() == expected_points(failing)
        assert set(auto.index[auto["score"] == 0]) == failing


def test_usb_class_course_grades_match_a_hand_computation(usb_class):
    total = max_points()
    sheet = {"2023010112": (90, 85, 100, 95), "2023010113": (70, 75, 90, 80),
             "2023010114": (60, 65, 80, 70), "2023010115": (55, 50, 60, 60)}
    earned = {"2023010112": expected_points(set()), "2023010113": expected_points(PARTLY_RIGHT_FAILS),
              "2023010114": 0.0, "2023010115": 0.0}
    expected = {}
    for sid, (final, midterm, attendance, participation) in sheet.items():
        homework = earned[sid] / total * 100
        expected[sid] = (homework, *hand_grade(homework, final, midterm, attendance, participation))
    check_grade_files(usb_class["course"] / "总评成绩", expected)
    assert "缺交作业（按 0 分计）" in usb_class["grades"] and "2023010114" in usb_class["grades"]
    export = pd.read_csv(usb_class["course"] / "grades.csv", dtype={"student_id": str})
    assert set(export["student_id"]) == set(sheet)  # the roster registered students who handed in nothing


def test_teacher_lab_has_the_grading_tools(usb_class, tmp_path):
    port = free_port()
    command = ["bash", "-c", guide_steps()["教师 JupyterLab"].strip() + " --no-browser -- "
               + shlex.join(lab_args(port, tmp_path))]
    with running_lab(command, port=port, cwd=usb_class["home"], env=user_env(usb_class["home"]),
                     log=tmp_path / "lab.log") as base:
        config = lab_page_config(base)
        assert not [name for name in config["disabledExtensions"] if "nbgrader" in name]
        with urllib.request.urlopen(f"{base}/formgrader", timeout=30) as response:
            assert response.status == 200


def lab_page_config(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/lab", timeout=30) as response:
        page = response.read().decode("utf-8")
    data = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(data.group(1))


def test_student_lab_has_no_grading_tools(tmp_path):
    port = free_port()
    home = tmp_path / "student"
    home.mkdir()
    command = [sys.executable, "-m", "crm_lab.cli", "start", str(home / "crm-lab-work"), "--no-browser", "--",
               *lab_args(port, tmp_path)]
    with running_lab(command, port=port, cwd=home, env=user_env(home), log=tmp_path / "lab.log") as base:
        disabled = set(lab_page_config(base)["disabledExtensions"])
        assert {"@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:formgrader",
                "@jupyter/nbgrader:course-list"} <= disabled
        assert not {"@jupyter/nbgrader:validate-assignment", "@jupyter/nbgrader:assignment-list"} & disabled
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(f"{base}/formgrader", timeout=30)
        error.value.close()
        assert error.value.code == 404
    assert not (home / "crm-lab-work" / "solutions").exists()


# ---------------------------------------------------------------- shared server: the nbgrader exchange


STUDENTS = {"2023020001": "solution", "2023020002": "blank", "2023020003": "partly_right"}


@pytest.fixture(scope="module")
def server_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("server")
    exchange = root / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    config = guide_exchange_config(exchange)
    homes = {"teacher": root / "teacher", **{sid: root / sid for sid in STUDENTS}}
    for user, home in homes.items():
        (home / ".jupyter").mkdir(parents=True)
        own = "" if user == "teacher" else f"c.CourseDirectory.student_id = {user!r}  # the server login\n"
        (home / ".jupyter" / "nbgrader_config.py").write_text(config + own, encoding="utf-8")
    teacher = homes["teacher"]
    pd.DataFrame([(sid, f"学生{sid[-1]}") for sid in STUDENTS], columns=["学号", "姓名"]).to_csv(
        teacher / "学生名单.csv", index=False)
    run_step("准备课程", teacher)
    run_step("发布作业", teacher)
    for sid, kind in STUDENTS.items():
        run_step("学生取作业", homes[sid])
        path = homes[sid] / ASSIGNMENT / NOTEBOOK
        fetched = nbformat.read(path, as_version=4)
        if kind == "solution":
            nbformat.write(filled(fetched), path)
        elif kind == "partly_right":
            nbformat.write(edit_test_cell(filled(fetched, PARTLY_RIGHT), "ex2_weekend_test", "pass"), path)
        run_step("学生交作业", homes[sid])
    run_step("服务器评分", teacher)
    for sid in STUDENTS:
        run_step("学生取反馈", homes[sid])
    course_dir = teacher / "crm-lab-course"
    write_sheet(course_dir / "成绩登记表.xlsx", [
        ["2023020001", "学生1", 88, 92, 100, 90], ["2023020002", "学生2", 45, 60, 70, 50],
        ["2023020003", "学生3", 75, 70, 95, 85]])
    run_step("导出总评", teacher)
    return {"homes": homes, "course": course_dir}


def expected_failing(kind: str) -> set[str] | None:
    return {"solution": set(), "blank": None, "partly_right": PARTLY_RIGHT_FAILS}[kind]


def test_server_class_scores_are_what_each_deserves(server_class):
    export = pd.read_csv(server_class["course"] / "grades.csv", dtype={"student_id": str}).set_index("student_id")
    for sid, kind in STUDENTS.items():
        assert export.loc[sid, "score"] == expected_points(expected_failing(kind)), kind
        assert export.loc[sid, "max_score"] == max_points()
        table = course.cell_scores(server_class["course"], ASSIGNMENT, sid).set_index("cell")
        auto = table[table["kind"] == "autograded"]
        failing = expected_failing(kind)
        zero = set(auto.index[auto["score"].fillna(0) == 0])
        assert zero == (set(auto.index) if failing is None else failing), kind


def feedback_page(server_class, sid: str) -> Path:
    pages = list((server_class["homes"][sid] / ASSIGNMENT / "feedback").rglob(f"{ASSIGNMENT}.html"))
    assert len(pages) == 1, pages
    return pages[0]


def hidden_test_lines() -> set[str]:
    lines = set()
    for cell in nbformat.read(SOLUTION, as_version=4).cells:
        inside = False
        for line in cell.source.splitlines():
            if "### BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "### END HIDDEN TESTS" in line:
                inside = False
            elif inside and line.strip():
                lines.add(line.strip())
    return lines


def test_graded_notebooks_did_run_the_hidden_tests(server_class):
    graded = (server_class["course"] / "autograded" / "2023020002" / ASSIGNMENT / NOTEBOOK).read_text("utf-8")
    assert "BEGIN HIDDEN TESTS" in graded and hidden_test_lines()


@pytest.mark.parametrize("sid", sorted(STUDENTS))
def test_feedback_never_shows_hidden_tests(server_class, sid):
    text = page_text(feedback_page(server_class, sid))
    assert "HIDDEN TESTS" not in text
    leaked = [line for line in hidden_test_lines() if line in text]
    assert not leaked, leaked
    assert "隐藏测试" in text  # the placeholder tells the student there were more tests


def solution_lines(server_class) -> dict[str, set[str]]:
    """Per answer cell, the solution's lines that the released (student) notebook does not contain anywhere."""
    released = nbformat.read(server_class["course"] / "notebooks" / ASSIGNMENT / NOTEBOOK, as_version=4)
    released_text = "\n".join(c.source for c in released.cells)
    return {gid: {line.strip() for line in solution_code(c.source).splitlines()
                  if len(line.strip()) > 12 and line.strip() not in released_text}
            for c in nbformat.read(SOLUTION, as_version=4).cells
            if (gid := c.metadata.get("nbgrader", {}).get("grade_id")) and c.metadata["nbgrader"].get("solution")}


def test_feedback_shows_failed_tests_with_chinese_hints_but_no_solution(server_class):
    secret = solution_lines(server_class)
    assert all(secret[gid] for gid in PARTLY_RIGHT)
    for sid, kind in STUDENTS.items():
        text = page_text(feedback_page(server_class, sid))
        graded = nbformat.read(server_class["course"] / "autograded" / sid / ASSIGNMENT / NOTEBOOK, as_version=4)
        hints = [o["evalue"] for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade")
                 for o in c.get("outputs", []) if o.get("output_type") == "error"]
        failing = expected_failing(kind)
        tests = [gid for gid, m in grading_cells(graded).items() if m.get("grade") and not m.get("solution")]
        assert len(hints) == (len(tests) if failing is None else len(failing)), kind
        for hint in hints:
            assert re.search(r"[\u4e00-\u9fff]", hint), hint  # a Chinese hint …
            assert hint in text  # … that the student sees
        not_theirs = {"solution": set(), "blank": set(secret), "partly_right": set(PARTLY_RIGHT)}[kind]
        shown = [line for gid in not_theirs for line in secret[gid] if line in text]
        assert not shown, (kind, shown)


def test_server_class_course_grades_match_a_hand_computation(server_class):
    sheet = {"2023020001": (88, 92, 100, 90), "2023020002": (45, 60, 70, 50), "2023020003": (75, 70, 95, 85)}
    expected = {}
    for sid, (final, midterm, attendance, participation) in sheet.items():
        homework = expected_points(expected_failing(STUDENTS[sid])) / max_points() * 100
        expected[sid] = (homework, *hand_grade(homework, final, midterm, attendance, participation))
    check_grade_files(server_class["course"] / "总评成绩", expected)
