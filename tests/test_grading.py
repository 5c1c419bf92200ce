"""The nbgrader pipeline: generate → submit → autograde, with honest, dishonest and wrong submissions.

Every assignment: the blank student version scores 0 and the solution full marks. m0 also carries the tampering
cases (deleted/edited test, crash, endless loop); p3 the plausible wrong SQL answers, which must lose only their
exercise and show the Chinese hint of the visible test. e1 and e2 carry a student who did only the form steps,
in the forms: the blank notebook is handed in with the form record its forms wrote, and exactly the form
exercises score.
"""

import copy
import shutil
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


def m0_submissions(solution, blank, workdir):
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


def p3_submissions(solution, blank, workdir):
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


def m1_submissions(solution, blank, workdir):
    # 把退货和已取消的订单也算成了收入（用了 orders 而不是只含已完成订单的 done）
    all_statuses = replace_answer(solution, "m1_ex2_repeat",
                                  'per_customer = orders.groupby("customer_id").size()\n'
                                  'repeat_ids = per_customer[per_customer >= 2].index\n'
                                  'total_revenue = orders["amount"].sum()\n'
                                  'repeat_revenue = orders.loc[orders["customer_id"].isin(repeat_ids), "amount"].sum()\n'
                                  'repeat_share = repeat_revenue / total_revenue')
    # 维系成本除以了收到活动的全部客户，而不是下了单的客户
    all_targets = replace_answer(solution, "m1_ex3_costs",
                                 'care_ids = campaigns.loc[campaigns["campaign_type"].isin(["会员关怀", "生日关怀"]), '
                                 '"campaign_id"].tolist()\n'
                                 'care_cost = campaigns.loc[campaigns["campaign_id"].isin(care_ids), "cost"].sum()\n'
                                 'retention_cost = care_cost / targets[targets["campaign_id"].isin(care_ids)]'
                                 '["customer_id"].nunique()\n'
                                 'cost_ratio = acquisition_cost / retention_cost')
    return {"all_statuses": (all_statuses, {"m1_ex2_repeat_test"}, "退货和已取消的订单不是收入"),
            "all_targets": (all_targets, {"m1_ex3_costs_test"}, "下了单（ordered 为 True）的客户数")}


def m7_submissions(solution, blank, workdir):
    # 物流业：先筛出有投诉的运单再分组，没有投诉的客户就从名单里消失了
    complaints_only = replace_answer(solution, "m7l_ex3_complaints",
                                     'complaint_count = shipments[shipments["complaint"] != "无"]'
                                     '.groupby("customer_id").size()')
    return {"complaints_only": (complaints_only, {"m7l_ex3_complaints_test"}, "没有投诉的客户也要保留")}


# What a student types and clicks in each recorded form of e1/e2, in the order they do it: (step, fields) per save,
# fields written as Python source so they can use the notebook's own variables (ids looked up by name).
E1_FORMS = [
    ("练习1 公司", '{"name": "汾水办公家具有限公司", "address": "太原市万柏林区和平南路 88 号", '
                '"phone": "0351-6000000", "main_products": "办公家具", "discount_threshold": "0.15"}'),
    ("练习1 员工", '{"name": "王经理", "role": "销售经理"}'),
    ("练习2", '{"name": "山西大学", "kind": "企业", "industry": "教育", "phone": "0351-7010000", '
            '"email": "xb@sxu.edu.cn", "city": "太原", "address": "小店区坞城路 92 号"}'),
    ("练习2", '{"name": "山西美特好连锁超市股份有限公司", "kind": "企业", "industry": "零售", "phone": "0351-7777000", '
            '"email": "service@meitehao.example", "city": "太原", "address": "杏花岭区府西街 69 号"}'),
    ("练习2", '{"name": "山西六味斋实业有限公司", "kind": "企业", "industry": "餐饮", "phone": "0351-4040100", '
            '"email": "kf@liuweizhai.example", "city": "太原", "address": "迎泽区柳巷 128 号"}'),
    ("练习2", '{"name": "太原市供水集团有限公司", "kind": "企业", "industry": "公用事业", "phone": "0351-4166000", '
            '"email": "gs@tysw.example", "city": "太原", "address": "杏花岭区东华门 1 号"}'),
    ("练习4", '{"customer_id": customer_ids["山西大学"], "name": "赵副校长", "title": "副校长", "role": "决策者"}'),
    ("练习4", '{"customer_id": customer_ids["山西大学"], "name": "孙主任", "title": "办公室主任", "role": "使用者"}'),
    ("练习4", '{"customer_id": customer_ids["山西大学"], "name": "周科长", "title": "采购科长", "role": "采购者"}'),
    ("练习5", '{"customer_id": customer_ids["美特好"], "address": "太原市小店区体育路 100 号", "owner_id": rep_id, '
            '"consent_marketing": True}'),
]
_TEA = '[{"product_id": product_id_of("无糖茶饮"), "quantity": "300", "discount": "%s"}]'
_PENDING = 'int(read_table(db, "orders").query("status == \'待审批\'")["order_id"].max())'
_TEACHERS_DAY = 'int(read_table(db, "campaigns").query("name == \'教师节礼品团购\'")["campaign_id"].iloc[0])'
_SCHOOL = 'int(targets.query("industry == \'中小学\'").sort_values("customer_id")["customer_id"].iloc[%d])'
_COMPLAINT = 'int(read_table(db, "tickets")["ticket_id"].max())'
E2_FORMS = [
    ("练习1 订单", '{"customer_id": hongyun, "staff_id": staff_ids["梁振宇"], "order_time": "2026-08-21 11:00", '
                f'"lines": {_TEA % "0.25"}}}'),
    ("练习1 审批", f'{{"order_id": {_PENDING}, "approver_id": manager_id, "approve": False, "comment": "折扣过大"}}'),
    ("练习1 订单", '{"customer_id": hongyun, "staff_id": staff_ids["梁振宇"], "order_time": "2026-08-21 14:00", '
                f'"lines": {_TEA % "0.1"}}}'),
    ("练习2 机会", '{"customer_id": hongyun, "title": "门店饮料年度供应", "amount": 120000, '
                '"owner_id": staff_ids["梁振宇"]}'),
    *[("练习2 推进", f'{{"opportunity_id": int(read_table(db, "opportunities")["opportunity_id"].max()), '
                  f'"to_stage": "{stage}", "staff_id": staff_ids["梁振宇"]}}')
      for stage in ("需求确认", "方案报价", "赢单")],
    ("练习4 活动", '{"name": "教师节礼品团购", "channel": "电话", "cost": "1500", "targeted": str(len(targets))}'),
    *[("练习4 回应", f'{{"campaign_id": {_TEACHERS_DAY}, "customer_id": {_SCHOOL % n}, "response": "{answer}"}}')
      for n, answer in ((0, "已购买"), (1, "已购买"), (2, "不感兴趣"))],
    *[("练习4 订单", f'{{"customer_id": {_SCHOOL % n}, "campaign_id": {_TEACHERS_DAY}, '
                  '"order_time": "2026-08-30 10:00", '
                  '"lines": [{"product_id": product_id_of("团购·节日礼品"), "quantity": "1", "unit_price": "1200"}]}')
      for n in (0, 1)],
    ("练习5 受理", '{"customer_id": hongyun, "subject": "饮料送货晚了两天", "ticket_type": "投诉", "channel": "电话", '
                '"opened_at": "2026-08-23 09:00"}'),
    ("练习5 处理", f'{{"ticket_id": {_COMPLAINT}, "step": "分派", "staff_id": service_id, "at": "2026-08-23 09:20"}}'),
    ("练习5 处理", f'{{"ticket_id": {_COMPLAINT}, "step": "解决", "resolution": "补发并赠送一箱饮料", '
                '"at": "2026-08-23 16:30"}'),
    ("练习5 处理", f'{{"ticket_id": {_COMPLAINT}, "step": "评价", "rating": 4}}'),
]


def forms_student(saves, form_tests, code_tests):
    """A student who clicks through every recorded form (`saves`) and writes no code: their blank notebook is run
    once with the forms filled and saved (a cell after each form does what the student's clicks do), then the
    blank notebook is handed in with the form record those saves wrote. Only `form_tests` may score."""
    def submissions(solution, blank, workdir):
        import nbformat
        from nbclient import NotebookClient

        steps = list(dict.fromkeys(step for step, _ in saves))
        pending = list(saves)
        run = copy.deepcopy(blank)
        cells = []
        for cell in run.cells:
            cells.append(cell)
            step = next((s for s in steps if f'step="{s}")' in cell.source), None)
            if cell.cell_type != "code" or step is None:
                continue
            # the saves of this step and of earlier steps the student comes back to, up to the next form
            todo = []
            while pending and pending[0][0] in steps[: steps.index(step) + 1]:
                todo.append(pending.pop(0))
            source = [f"_forms = globals().setdefault('_forms', {{}})\n_forms[{step!r}] = _"]
            for save_step, fields in todo:
                source.append(f"_form = _forms[{save_step!r}]\nfor _name, _value in ({fields}).items():\n"
                              "    _form.fields[_name].value = _value\nassert _form.submit(), _form.text")
            cells.append(nbformat.v4.new_code_cell("\n".join(source)))
        assert not pending, f"no form for {pending}"
        run.cells = cells
        workdir.mkdir(parents=True)
        NotebookClient(run, timeout=120, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(workdir)}}).execute()
        fills = [c for c in run.cells if c.source.startswith("_forms = ")]
        errors = [o for c in fills for o in c.outputs if o.output_type == "error"]
        assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]
        records = sorted(workdir.glob("*.forms.json"))
        assert len(records) == 1, records
        return {"forms_only": (blank, set(code_tests), None, {records[0].name: records[0].read_bytes()})}
    return submissions


# assignment → (its submissions beyond blank and solution, the manually graded cells)
ASSIGNMENTS = {
    "m0_getting_started": (m0_submissions, {"written_advice"}),
    "m1_crm_intro": (m1_submissions, {"m1_written_compare", "m1_written_types"}),
    "p3_customer_database": (p3_submissions, {"written_design"}),
    "m7_industry_cases": (m7_submissions, {"m7l_memo"}),
    "e1_accounts_contacts": (forms_student(E1_FORMS, {"e1_ex1_company_test", "e1_ex2_customers_test",
                                                      "e1_ex4_contacts_test", "e1_ex5_edit_test"},
                                           {"e1_ex3_duplicate_test", "e1_ex6_buying_centre_test",
                                            "e1_ex7_no_decider_test"}), {"e1_report"}),
    "e2_business_activities": (forms_student(E2_FORMS, {"e2_ex1_approval_test", "e2_ex2_stages_test",
                                                        "e2_ex4_campaign_test", "e2_ex5_ticket_test"},
                                             {"e2_ex3_pipeline_test", "e2_ex6_group_share_test",
                                              "e2_ex7_ticket_times_test"}), {"e2_report"}),
}


def notebook_of(notebooks, grade_id):
    """The name of the notebook (of an assignment's several) that holds the cell `grade_id`."""
    return next(name for name, notebook in notebooks.items()
                if any(c.metadata.get("nbgrader", {}).get("grade_id") == grade_id for c in notebook.cells))


@pytest.fixture(scope="module", params=sorted(ASSIGNMENTS))
def graded(request, tmp_path_factory):
    assignment = request.param
    root = course.new_course_dir(tmp_path_factory.mktemp("course"), [assignment])
    released_dir = course.generate(root, assignment)
    names = sorted(p.name for p in (root / "solutions" / assignment).glob("*.ipynb"))
    solutions = {name: nbformat.read(root / "solutions" / assignment / name, as_version=4) for name in names}
    blanks = {name: nbformat.read(released_dir / name, as_version=4) for name in names}
    # an assignment of one notebook calls it <assignment>.ipynb; the cases of one of several name their notebook
    main = f"{assignment}.ipynb" if f"{assignment}.ipynb" in names else names[0]
    make_submissions, manual = ASSIGNMENTS[assignment]
    work = tmp_path_factory.mktemp("work") / "run"
    cases = {"blank": (blanks, set()), "solution": (solutions, None),
             **make_submissions(solutions[main], blanks[main], work)}
    shutil.rmtree(work, ignore_errors=True)
    expected = {}
    for student, (notebook, failing, *extra) in cases.items():
        hint, files = (extra[0] if extra else None), (extra[1] if len(extra) > 1 else {})
        if isinstance(notebook, nbformat.NotebookNode):  # one notebook changed: the others are handed in solved
            changed = notebook_of(solutions, sorted(failing)[0]) if failing else main
            notebook = {**solutions, changed: notebook}
        folder = root / "submitted" / student / assignment
        folder.mkdir(parents=True)
        for name, content in notebook.items():
            nbformat.write(content, folder / name)
        for name, content in files.items():
            (folder / name).write_bytes(content)
        expected[student] = (failing, hint)
    course.autograde(root, assignment, f"--Execute.timeout={TEST_TIMEOUT}")
    points = {m["grade_id"]: m["points"] for solution in solutions.values() for c in solution.cells
              if (m := c.metadata.get("nbgrader", {})).get("grade")}
    return root, assignment, expected, points, manual, solutions


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
            name = notebook_of(graded[5], sorted(failing)[0])
            notebook = nbformat.read(root / "autograded" / student / assignment / name, as_version=4)
            cell = notebook.cells[answer_index(notebook, sorted(failing)[0])]
            shown = "".join(o.get("evalue", "") for o in cell.outputs if o.get("output_type") == "error")
            assert hint in shown, (student, shown)


def test_deleted_test_cells_are_restored_at_autograde(graded):
    root, assignment, expected, points = graded[:4]
    for student in expected:
        ids = {c.metadata.get("nbgrader", {}).get("grade_id")
               for path in (root / "autograded" / student / assignment).glob("*.ipynb")
               for c in nbformat.read(path, as_version=4).cells}
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
