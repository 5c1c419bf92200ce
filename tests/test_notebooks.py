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


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.parent.name)
def test_solution_has_the_course_structure(path):
    notebook = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "学习目标" in text and "本章小结" in text
    assert "重点" in text and "难点" in text
    cells = nbgrader_cells(notebook)
    tests = [(c, m) for c, m in cells if m.get("grade") and not m.get("solution")]
    manual = [(c, m) for c, m in cells if m.get("grade") and m.get("solution")]
    assert len(tests) >= 5, "at least 5 autograded exercises"
    assert len(manual) >= 1, "at least 1 manually graded written answer"
    for cell, meta in tests:
        visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        assert "### BEGIN HIDDEN TESTS" in cell.source, f"{meta['grade_id']} has no hidden tests"
        messages = re.findall(r'^assert .+?, "(.+)"$', visible, flags=re.M)
        assert messages and all(CJK.search(m) for m in messages), (
            f"{meta['grade_id']}: every visible assert needs a Chinese hint"
        )
        assert meta.get("points", 0) > 0 and meta.get("locked")
    ids = [m["grade_id"] for _, m in cells]
    assert len(ids) == len(set(ids)), "grade_id must be unique"


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
