"""The nbgrader pipeline on m0: generate → submit → autograde, with honest and dishonest submissions;
on the mini-CRM labs e1 and e2: the blank student version scores 0 and the solution full marks."""

import copy
from pathlib import Path

import nbformat
import pytest
from traitlets.config import PyFileConfigLoader

from crm_lab import course

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "m0_getting_started"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
# Short enough to keep the test quick; the real limit is in nbgrader_config.py (checked below).
TEST_TIMEOUT = 20


def answer_index(notebook, grade_id):
    return next(i for i, c in enumerate(notebook.cells)
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def replace_answer(notebook, grade_id, source):
    notebook = copy.deepcopy(notebook)
    notebook.cells[answer_index(notebook, grade_id)].source = source
    return notebook


def submissions(solution, blank):
    deleted = replace_answer(solution, "ex3_member_price", "def member_price(price, level):\n    return price")
    del deleted.cells[answer_index(deleted, "ex3_member_price_test")]

    edited = replace_answer(solution, "ex2_weekend", "average_visitors = 0\nweekend_share = 0")
    edited.cells[answer_index(edited, "ex2_weekend_test")].source = "pass"

    return {
        "blank": (blank, set()),
        "solution": (solution, None),
        "deleted_test": (deleted, {"ex3_member_price_test"}),
        "edited_test": (edited, {"ex2_weekend_test"}),
        "crash": (replace_answer(solution, "ex4_frequent", 'raise RuntimeError("出错了")'),
                  {"ex4_frequent_test"}),
        "endless_loop": (replace_answer(solution, "ex5_identity", "while True:\n    pass"),
                         {"ex5_identity_test"}),
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = course.new_course_dir(tmp_path_factory.mktemp("course"), [ASSIGNMENT])
    released = course.generate(root, ASSIGNMENT) / NOTEBOOK
    solution = nbformat.read(root / "solutions" / ASSIGNMENT / NOTEBOOK, as_version=4)
    blank = nbformat.read(released, as_version=4)
    expected = {}
    for student, (notebook, failing) in submissions(solution, blank).items():
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / NOTEBOOK)
        expected[student] = failing
    course.autograde(root, ASSIGNMENT, f"--Execute.timeout={TEST_TIMEOUT}")
    points = {m["grade_id"]: m["points"] for c in solution.cells
              if (m := c.metadata.get("nbgrader", {})).get("grade")}
    return root, expected, points


def scores(root, student):
    table = course.cell_scores(root, ASSIGNMENT, student)
    return table.set_index("cell")


def test_every_graded_cell_is_in_the_gradebook(graded):
    root, _, points = graded
    table = scores(root, "solution")
    assert set(table.index) == set(points)
    assert (table["max_score"] == table.index.map(points)).all()


def test_blank_notebook_scores_zero_everywhere(graded):
    root, _, _ = graded
    table = scores(root, "blank")
    assert (table["score"].fillna(0) == 0).all(), table


def test_solution_scores_full_marks_on_autograded_cells(graded):
    root, _, _ = graded
    table = scores(root, "solution")
    auto = table[table["kind"] == "autograded"]
    assert len(auto) >= 5
    assert (auto["score"] == auto["max_score"]).all(), auto
    assert set(table[table["kind"] == "manual"].index) == {"written_advice"}


@pytest.mark.parametrize("student", ["deleted_test", "edited_test", "crash", "endless_loop"])
def test_tampered_or_broken_submission_loses_only_that_exercise(graded, student):
    root, expected, _ = graded
    table = scores(root, student)
    auto = table[table["kind"] == "autograded"]
    failing = expected[student]
    assert (auto.loc[sorted(failing), "score"] == 0).all(), auto
    others = auto.drop(index=sorted(failing))
    assert (others["score"] == others["max_score"]).all(), others


def test_deleted_test_cell_is_restored_at_autograde(graded):
    root, _, _ = graded
    graded_nb = nbformat.read(root / "autograded" / "deleted_test" / ASSIGNMENT / NOTEBOOK, as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in graded_nb.cells]
    assert "ex3_member_price_test" in ids


def test_course_config_protects_the_grader():
    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()
    assert config.CourseDirectory.source_directory == "solutions"
    assert config.CourseDirectory.release_directory == "notebooks"
    assert config.Execute.kernel_name == "python3"
    assert 0 < config.Execute.timeout <= 120 and config.Execute.interrupt_on_timeout
    assert config.OverwriteCells.add_missing_cells is True


LABS = ["e1_accounts_contacts", "e2_business_activities"]


@pytest.fixture(scope="module", params=LABS)
def graded_lab(request, tmp_path_factory):
    """A lab notebook autograded twice: as released (blank) and as the solution, with the course's own timeout."""
    assignment, notebook = request.param, f"{request.param}.ipynb"
    root = course.new_course_dir(tmp_path_factory.mktemp(assignment), [assignment])
    released = course.generate(root, assignment) / notebook
    for student, source in (("blank", released), ("solution", root / "solutions" / assignment / notebook)):
        folder = root / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(nbformat.read(source, as_version=4), folder / notebook)
    course.autograde(root, assignment)
    return root, assignment


def test_lab_blank_scores_zero_and_solution_full_marks(graded_lab):
    root, assignment = graded_lab
    blank = course.cell_scores(root, assignment, "blank")
    assert (blank["score"].fillna(0) == 0).all(), blank
    solution = course.cell_scores(root, assignment, "solution")
    auto = solution[solution["kind"] == "autograded"]
    assert len(auto) >= 5 and (auto["score"] == auto["max_score"]).all(), auto
    assert (solution["kind"] == "manual").sum() >= 1
