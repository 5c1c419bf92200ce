"""The nbgrader pipeline: generate → submit → autograde, with honest, dishonest and wrong submissions.

Every assignment: the blank student version scores 0 and the solution full marks. m0 also carries the tampering
cases (deleted/edited test, crash, endless loop); p3 the plausible wrong SQL answers, which must lose only their
exercise and show the Chinese hint of the visible test.
"""

import copy
from pathlib import Path

import nbformat
import pytest
from traitlets.config import PyFileConfigLoader

from crm_lab import course

REPO = Path(__file__).resolve().parent.parent
# Short enough to keep the test quick; the real limit is in nbgrader_config.py (checked below).
TEST_TIMEOUT = 20


def answer_index(notebook, grade_id):
    return next(i for i, c in enumerate(notebook.cells)
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def replace_answer(notebook, grade_id, source):
    notebook = copy.deepcopy(notebook)
    notebook.cells[answer_index(notebook, grade_id)].source = source
    return notebook


def m0_submissions(solution):
    deleted = replace_answer(solution, "ex3_member_price", "def member_price(price, level):\n    return price")
    del deleted.cells[answer_index(deleted, "ex3_member_price_test")]

    edited = replace_answer(solution, "ex2_weekend", "average_visitors = 0\nweekend_share = 0")
    edited.cells[answer_index(edited, "ex2_weekend_test")].source = "pass"

    return {
        "deleted_test": (deleted, {"ex3_member_price_test"}),
        "edited_test": (edited, {"ex2_weekend_test"}),
        "crash": (replace_answer(solution, "ex4_frequent", 'raise RuntimeError("出错了")'),
                  {"ex4_frequent_test"}),
        "endless_loop": (replace_answer(solution, "ex5_identity", "while True:\n    pass"),
                         {"ex5_identity_test"}),
    }


def p3_submissions(solution):
    def wrong_sql(grade_id, variable, query):
        return replace_answer(solution, grade_id, f"{variable} = '''\n{query}\n'''")

    return {
        # 忘了排除退货和已取消的订单
        "all_statuses": (wrong_sql("ex3_group", "sql_by_channel", "SELECT channel, COUNT(*) AS order_count, "
                                   "SUM(amount) AS sales FROM orders GROUP BY channel ORDER BY sales DESC"),
                         {"ex3_group_test"}, "WHERE status = '已完成'"),
        # 数的是订单行，不是不同的客户
        "count_rows": (wrong_sql("ex4_join", "sql_by_city", "SELECT c.city, COUNT(*) AS buyers, SUM(o.amount) AS sales "
                                 "FROM orders AS o JOIN customers AS c ON o.customer_id = c.customer_id "
                                 "WHERE o.status = '已完成' GROUP BY c.city ORDER BY sales DESC"),
                       {"ex4_join_test"}, "COUNT(DISTINCT o.customer_id)"),
        # SQL 写错了：测试给出中文提示，不只是一段 traceback
        "sql_error": (wrong_sql("ex2_select", "sql_shenzhen_gold",
                                "SELECT code, name FROM customer WHERE city = '深圳'"),
                      {"ex2_select_test"}, "sql_shenzhen_gold 里的 SQL 运行出错了"),
    }


# assignment → (its submissions beyond blank and solution, the manually graded cells)
ASSIGNMENTS = {
    "m0_getting_started": (m0_submissions, {"written_advice"}),
    "p3_customer_database": (p3_submissions, {"written_design"}),
    "e1_accounts_contacts": (lambda solution: {}, {"e1_report"}),
    "e2_business_activities": (lambda solution: {}, {"e2_report"}),
}


@pytest.fixture(scope="module", params=sorted(ASSIGNMENTS))
def graded(request, tmp_path_factory):
    assignment = request.param
    notebook_name = f"{assignment}.ipynb"
    root = course.new_course_dir(tmp_path_factory.mktemp("course"), [assignment])
    released = course.generate(root, assignment) / notebook_name
    solution = nbformat.read(root / "solutions" / assignment / notebook_name, as_version=4)
    blank = nbformat.read(released, as_version=4)
    make_submissions, manual = ASSIGNMENTS[assignment]
    cases = {"blank": (blank, set()), "solution": (solution, None), **make_submissions(solution)}
    expected = {}
    for student, (notebook, failing, *hint) in cases.items():
        folder = root / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / notebook_name)
        expected[student] = (failing, hint[0] if hint else None)
    course.autograde(root, assignment, f"--Execute.timeout={TEST_TIMEOUT}")
    points = {m["grade_id"]: m["points"] for c in solution.cells
              if (m := c.metadata.get("nbgrader", {})).get("grade")}
    return root, assignment, expected, points, manual


def scores(graded, student):
    root, assignment = graded[:2]
    table = course.cell_scores(root, assignment, student)
    return table.set_index("cell")


def test_every_graded_cell_is_in_the_gradebook(graded):
    points = graded[3]
    table = scores(graded, "solution")
    assert set(table.index) == set(points)
    assert (table["max_score"] == table.index.map(points)).all()


def test_blank_notebook_scores_zero_everywhere(graded):
    table = scores(graded, "blank")
    assert (table["score"].fillna(0) == 0).all(), table


def test_solution_scores_full_marks_on_autograded_cells(graded):
    table = scores(graded, "solution")
    auto = table[table["kind"] == "autograded"]
    assert len(auto) >= 5
    assert (auto["score"] == auto["max_score"]).all(), auto
    assert set(table[table["kind"] == "manual"].index) == graded[4]


def test_tampered_broken_or_wrong_submission_loses_only_that_exercise(graded):
    root, assignment, expected = graded[:3]
    students = [s for s in expected if s not in ("blank", "solution")]
    for student in students:
        failing, hint = expected[student]
        auto = scores(graded, student).query("kind == 'autograded'")
        assert (auto.loc[sorted(failing), "score"] == 0).all(), (student, auto)
        others = auto.drop(index=sorted(failing))
        assert (others["score"] == others["max_score"]).all(), (student, others)
        if hint:
            notebook = nbformat.read(root / "autograded" / student / assignment / f"{assignment}.ipynb", as_version=4)
            cell = notebook.cells[answer_index(notebook, sorted(failing)[0])]
            shown = "".join(o.get("evalue", "") for o in cell.outputs if o.get("output_type") == "error")
            assert hint in shown, (student, shown)


def test_deleted_test_cells_are_restored_at_autograde(graded):
    root, assignment, expected, points = graded[:4]
    for student in expected:
        notebook = nbformat.read(root / "autograded" / student / assignment / f"{assignment}.ipynb", as_version=4)
        ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in notebook.cells}
        assert set(points) <= ids, (student, set(points) - ids)


def test_course_config_protects_the_grader():
    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()
    assert config.CourseDirectory.source_directory == "solutions"
    assert config.CourseDirectory.release_directory == "notebooks"
    assert config.Execute.kernel_name == "python3"
    assert 0 < config.Execute.timeout <= 120 and config.Execute.interrupt_on_timeout
    assert config.OverwriteCells.add_missing_cells is True


def test_every_assignment_is_graded_here():
    assert set(ASSIGNMENTS) == set(course.assignments()), "add the new assignment to ASSIGNMENTS"
