"""Every solution notebook runs clean (nbval), and notebooks/ is exactly nbgrader's generation."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from crm_lab import course

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((REPO / "solutions").glob("*/*.ipynb"))
CJK = re.compile(r"[\u4e00-\u9fff]")


def nbgrader_cells(notebook):
    return [(c, c.metadata["nbgrader"]) for c in notebook.cells if "nbgrader" in c.metadata]


def test_there_are_solution_notebooks():
    assert SOLUTIONS, "solutions/ holds no notebooks"
    assert {p.parent.name for p in SOLUTIONS} == set(course.assignments())


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.parent.name)
def test_solution_runs_clean_under_nbval(path, tmp_path):
    # Run a copy: notebooks write files (e.g. a CSV they read back) next to themselves.
    work = tmp_path / path.parent.name
    shutil.copytree(path.parent, work)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval-lax",
         "--nbval-current-env", "--nbval-cell-timeout=180",
         f"--nbval-sanitize-with={REPO / 'tests' / 'nbval_sanitize.cfg'}", str(work / path.name)],
        cwd=tmp_path, capture_output=True, text=True, timeout=1800,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    code_cells = sum(c.cell_type == "code" for c in nbformat.read(path, as_version=4).cells)
    assert re.search(rf"\b{code_cells} passed\b", proc.stdout), proc.stdout[-2000:]


# The fewest autograded and manually graded cells an assignment must have (course issues 12–14): each module m1–m6
# counts over all its notebooks, each case notebook of m7 on its own, the other assignments per notebook.
MINIMUM_PER_MODULE = {**{f"m{n}": (6, 2) for n in range(1, 7)}, **{f"p{n}": (5, 2) for n in (1, 2, 4, 5)}}
MINIMUM_PER_NOTEBOOK = {"m7": (4, 1)}
DEFAULT_MINIMUM = (5, 1)


def graded_cells(notebook):
    cells = nbgrader_cells(notebook)
    tests = [(c, m) for c, m in cells if m.get("grade") and not m.get("solution")]
    manual = [(c, m) for c, m in cells if m.get("grade") and m.get("solution")]
    return tests, manual


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_solution_has_the_course_structure(path):
    notebook = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "学习目标" in text and "本章小结" in text
    assert "重点" in text and "难点" in text
    tests, manual = graded_cells(notebook)
    prefix = path.parent.name.split("_")[0]
    if prefix not in MINIMUM_PER_MODULE:
        least_tests, least_manual = MINIMUM_PER_NOTEBOOK.get(prefix, DEFAULT_MINIMUM)
        assert len(tests) >= least_tests, f"at least {least_tests} autograded exercises"
        assert len(manual) >= least_manual, f"at least {least_manual} manually graded written answers"
    for cell, meta in tests:
        visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        assert "### BEGIN HIDDEN TESTS" in cell.source, f"{meta['grade_id']} has no hidden tests"
        messages = re.findall(r'^assert .+?, "(.+)"$', visible, flags=re.M)
        assert messages and all(CJK.search(m) for m in messages), (
            f"{meta['grade_id']}: every visible assert needs a Chinese hint"
        )
        assert meta.get("points", 0) > 0 and meta.get("locked")
    for cell, meta in manual:
        assert "评分" in cell.source, f"{meta['grade_id']}: a written task carries its rubric (评分) for the teacher"
    ids = [m["grade_id"] for _, m in nbgrader_cells(notebook)]
    assert len(ids) == len(set(ids)), "grade_id must be unique"


@pytest.mark.parametrize("assignment", sorted(a for a in course.assignments()
                                              if a.split("_")[0] in MINIMUM_PER_MODULE))
def test_module_has_enough_exercises(assignment):
    tests, manual = [], []
    for path in sorted((REPO / "solutions" / assignment).glob("*.ipynb")):
        notebook_tests, notebook_manual = graded_cells(nbformat.read(path, as_version=4))
        tests += notebook_tests
        manual += notebook_manual
    least_tests, least_manual = MINIMUM_PER_MODULE[assignment.split("_")[0]]
    assert len(tests) >= least_tests, f"{assignment}: at least {least_tests} autograded exercises"
    assert len(manual) >= least_manual, f"{assignment}: at least {least_manual} manually graded written tasks"
    ids = [m["grade_id"] for _, m in tests + manual]
    assert len(ids) == len(set(ids)), f"{assignment}: grade_id must be unique across its notebooks"


def test_student_notebooks_are_generated_from_solutions(tmp_path):
    course.release(dest=tmp_path)
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    shipped = sorted(p.relative_to(REPO / "notebooks") for p in (REPO / "notebooks").rglob("*")
                     if p.is_file() and ".ipynb_checkpoints" not in p.parts)
    assert generated == shipped
    for rel in generated:
        assert (tmp_path / rel).read_bytes() == (REPO / "notebooks" / rel).read_bytes(), (
            f"notebooks/{rel} was edited by hand or is stale: run `make release`"
        )


@pytest.mark.parametrize("path", sorted((REPO / "notebooks").glob("*/*.ipynb")),
                         ids=lambda p: p.parent.name)
def test_student_version_hides_solutions_and_hidden_tests(path):
    notebook = nbformat.read(path, as_version=4)
    source = "\n".join(c.source for c in notebook.cells)
    for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "参考答案"):
        assert marker not in source
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


def test_teacher_only_cells_are_not_in_the_student_version():
    from crm_lab.teacher_only import is_teacher_only

    labs_with_forms = 0
    for path in SOLUTIONS:
        solution = nbformat.read(path, as_version=4)
        student = nbformat.read(REPO / "notebooks" / path.parent.name / path.name, as_version=4)
        kept = [c for c in solution.cells if not is_teacher_only(c)]
        assert [c.cell_type for c in student.cells] == [c.cell_type for c in kept], path.parent.name
        assert not any(is_teacher_only(c) for c in student.cells)
        labs_with_forms += len(kept) < len(solution.cells)
    assert labs_with_forms >= 2, "e1 and e2 have steps done in forms, with the teacher's code in teacher-only cells"


def test_a_graded_cell_tagged_teacher_only_is_refused():
    from nbformat.v4 import new_code_cell, new_notebook

    from crm_lab.teacher_only import RemoveTeacherOnlyCells

    cell = new_code_cell("assert x == 1", metadata={"tags": ["teacher-only"],
                                                    "nbgrader": {"grade_id": "ex1_test", "grade": True}})
    with pytest.raises(ValueError, match="评分单元格"):
        RemoveTeacherOnlyCells().preprocess(new_notebook(cells=[cell]), {})


def test_readme_course_table_lists_every_assignment_with_hours():
    rows = re.findall(r"^\| `(\w+)` \| (.+?) \| (\d+|–) \| (已有|编写中) \|$",
                      (REPO / "README.md").read_text(encoding="utf-8"), flags=re.M)
    shipped = {assignment for assignment, _, _, status in rows if status == "已有"}
    assert shipped == set(course.assignments()), "README 的课程安排：已有的笔记本要标“已有”，还没有的标“编写中”"
    assert len(rows) == 15 and all(hours for _, _, hours, _ in rows)
