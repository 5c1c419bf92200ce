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
    """A copy of `notebook` with the answer cell `grade_id` replaced; `notebook` may be an assignment's several
    notebooks ({name: notebook}), then the copy is of the one that holds `grade_id`."""
    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = notebook[notebook_of(notebook, grade_id)]
    notebook = copy.deepcopy(notebook)
    notebook.cells[answer_index(notebook, grade_id)].source = source
    return notebook


def one_student_with_mistakes(solutions, mistakes):
    """The case of one student who makes each of `mistakes` ({answer grade_id: (wrong source, hint the test shows)})
    in an assignment of several notebooks: one notebook run per notebook, however many mistakes."""
    changed = {}
    for grade_id, (source, _) in mistakes.items():
        name = notebook_of(solutions, grade_id)
        changed[name] = replace_answer(changed.get(name, solutions[name]), grade_id, source)
    return (changed, {f"{grade_id}_test" for grade_id in mistakes},
            {f"{grade_id}_test": hint for grade_id, (_, hint) in mistakes.items()})


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


def m2_submissions(solution, blank, workdir):
    # 漏斗人数用 value_counts() 数：数的是停在每一步的线索，不是走到（或走过）这一步的线索
    stopped_here = replace_answer(solution, "m2_ex7_reached",
                                  'reached = leads["stage_reached"].astype(str).value_counts().reindex(order)')
    # 电话名单没有先筛掉已成交、已流失的线索
    all_statuses = replace_answer(solution, "m2_ex6_call_list",
                                  'call_list = lead_tools.priority_list(scored, priorities=("A",), top=10)')
    return {"stopped_here": (stopped_here, {"m2_ex7_reached_test"}, "value_counts() 数的是停在这一步的"),
            "all_statuses": (all_statuses, {"m2_ex6_call_list_test"}, "先筛选 status == “跟进中”")}


def m7_submissions(solutions, blanks, workdir):
    """One student who makes the usual mistake once in each industry case (one notebook run per case, not four)."""
    mistakes = {
        # 制造业：响应时间用了平均数，几条特别慢的请求把它拉高了
        "m7m_ex5_service": ('after = service["opened_at"] >= launch\n'
                            'median_before = float(service.loc[~after, "response_hours"].mean())\n'
                            'median_after = float(service.loc[after, "response_hours"].mean())\n'
                            'portal_share_after = float((service.loc[after, "channel"] == "网上服务平台").mean())',
                            "用中位数 median()"),
        # 房地产：每套成交的成本除以了来访组数（那是每个来访客户的成本）
        "m7r_ex2_cost": ('cost_per_deal = (costs.set_index("channel")["cost"] '
                         '/ leads["channel"].value_counts()).sort_values()', "分母应是成交套数"),
        # 航空业：把“标准化”做成了缩放到 0～1（min-max），平均值不是 0，k-means 用的也就不是 z 分数
        "m7a_ex3_zscore": ("raw = lrfmc[LRFMC_COLUMNS]\nmy_z = (raw - raw.min()) / (raw.max() - raw.min())",
                           "标准化后每列的平均值应为 0"),
        # 旅游业：“报名过”就算回头客（>= 1），回头客比例成了 100%
        "m7t_ex1_repeat": ('repeaters = trips_per_customer[trips_per_customer > 1].index\n'
                           'repeat_share = float((trips_per_customer >= 1).mean())\n'
                           'repeat_booking_share = float(bookings.loc[bookings["customer_id"].isin(repeaters), '
                           '"amount"].sum() / bookings["amount"].sum())', "报名次数 > 1 的客户数"),
        # 物流业：先筛出有投诉的运单再分组，没有投诉的客户就从名单里消失了
        "m7l_ex3_complaints": ('complaint_count = shipments[shipments["complaint"] != "无"]'
                               '.groupby("customer_id").size()', "没有投诉的客户也要保留"),
    }
    return {"one_mistake_per_case": one_student_with_mistakes(solutions, mistakes)}


def m3_submissions(solution, blank, workdir):
    # Excel 日期序列号按 1900-01-01 起算（应从 1899-12-30 起算），每个日期都晚了两天
    wrong_origin = replace_answer(solution, "ex4_excel_dates",
                                  'is_serial = step["registered_at"].str.fullmatch(r"\\d{5}", na=False)\n'
                                  'days = step.loc[is_serial, "registered_at"].astype(int)\n'
                                  'serial_dates = pd.Timestamp("1900-01-01") + pd.to_timedelta(days, unit="D")')
    # 生日短信名单忘了看客户是否同意接收营销信息
    no_consent = replace_answer(solution, "ex8_sms_list",
                                'targets = cleaned[cleaned["birth_month"] == 9]\n'
                                'sms_list = privacy.mask_columns(\n'
                                '    targets[["customer_id", "name", "phone", "birth_month"]], {"name": "name"})')
    return {"excel_origin_1900": (wrong_origin, {"ex4_excel_dates_test"}, "1899-12-30"),
            "sms_without_consent": (no_consent, {"ex8_sms_list_test"}, "没同意接收营销信息")}


def m6_submissions(solutions, blanks, workdir):
    """One student who makes the usual mistakes of both m6 notebooks."""
    return {"usual_mistakes": one_student_with_mistakes(solutions, {
        # m6_1: ROI 用销售额而不是毛利算：把进价也当成赚到的钱
        "m6a_ex3_roi": ('per = targets.groupby("campaign_id").agg(response_rate=("responded", "mean"), '
                        'revenue=("order_amount", "sum"))\n'
                        'spend = campaigns.set_index("campaign_id")["cost"]\n'
                        'campaign_stats = per[["response_rate"]].copy()\n'
                        'campaign_stats["roi"] = (per["revenue"] - spend) / spend', "要用毛利"),
        # m6_1: 只看差值为正就宣布 B 组胜出，没看置信区间包含 0
        "m6a_ex5_verdict": ('orders_test = experiment.ab_test(ab, group="ab_group", converted="ordered")\n'
                            'p_value_ordered = orders_test["p_value"]\n'
                            'verdict_ordered = "B组更好" if orders_test["difference"] > 0 else "A组更好"',
                            "置信区间包含 0"),
        # m6_2: 余弦相似度只算了点积（两种都买过的客户数），忘了除以两列长度之积
        "m6b_ex2_cosine": ('sim_noodle_ham = (matrix["P005"] * matrix["P006"]).sum()', "除以两列长度之积"),
        # m6_2: 最相似的商品没有去掉商品自己（自己和自己的相似度是 1）
        "m6b_ex3_most_similar": ('best_for_pen = similarity["P102"].idxmax()', "要先去掉它自己"),
    })}


def m5_submissions(solution, blank, workdir):
    # 缺决策者的大客户：筛出“角色不是决策者”的联系人，有采购者的客户就都被选进来了
    not_decider_rows = replace_answer(solution, "m5_ex7_no_decider",
                                      'no_decider = [k for k in key_accounts\n'
                                      '              if k in set(contacts.loc[contacts["role"] != "决策者", '
                                      '"account_id"])]')
    # 加权销售机会把已经赢单的机会也算了进去（赢单概率 100%），大客户的“机会”被夸大
    with_closed = replace_answer(solution, "m5_ex8_pipeline",
                                 'weighted = opportunities.assign(weighted=opportunities["amount"] * '
                                 'opportunities["probability"] / 100)\n'
                                 'pipeline = weighted.groupby("account_id")["weighted"].sum().reindex(key_accounts, '
                                 'fill_value=0)')
    return {"not_decider_rows": (not_decider_rows, {"m5_ex7_no_decider_test"}, "筛选 role != '决策者'"),
            "closed_in_pipeline": (with_closed, {"m5_ex8_pipeline_test"}, "只算未结束的机会")}


def m4_submissions(solution, blank, workdir):
    """One student with two usual mistakes: the bad-ticket churn rate counted per ticket, not per customer, and
    NPS promoters taken as 7-10 instead of 9-10."""
    wrong = replace_answer(solution, "m4_ex3_bad_ticket",
                           'churn_bad = with_churn.loc[with_churn["rating"] <= 2, "churned"].mean()\n'
                           'churn_other = with_churn.loc[with_churn["rating"] > 2, "churned"].mean()')
    wrong = replace_answer(wrong, "m4_ex6_nps",
                           '_answered = responses["nps"].dropna()\n'
                           'nps_by_hand = ((_answered >= 7).mean() - (_answered <= 6).mean()) * 100')
    return {"per_ticket_and_passives": (wrong, {"m4_ex3_bad_ticket_test", "m4_ex6_nps_test"},
                                        {"m4_ex3_bad_ticket_test": "按客户算", "m4_ex6_nps_test": "9～10 分"})}


def p1_submissions(solution, blank, workdir):
    """Two students with the usual mistakes: α with the sum of the item variances where the variance of the total
    belongs, and NPS with 7-8 counted as promoters; the item whose deletion lowers α most taken for the one to
    delete, and an indicator's score summed with its raw weights instead of their share."""
    wrong = replace_answer(solution, "p1_ex2_alpha",
                           'loyal = responses[["loyalty_1", "loyalty_2", "loyalty_3"]].dropna()\n'
                           'alpha_loyalty = 3 / 2 * (1 - loyal.var().sum() / loyal.var().sum())')
    wrong = replace_answer(wrong, "p1_ex5_nps",
                           'scores = responses.loc[responses["identity"] == "学生", "nps"].dropna()\n'
                           'nps_students = ((scores >= 7).mean() - (scores <= 6).mean()) * 100')
    other = replace_answer(solution, "p1_ex3_delete", 'item_to_delete = deleted["alpha_if_deleted"].idxmin()')
    other = replace_answer(other, "p1_ex4_index",
                           'part = weighted_tree[weighted_tree["一级指标"] == "感知价值"].set_index("item")\n'
                           'value_score = ((responses[part.index].mean() - 1) / 4 * 100 * part["权重"]).sum()')
    return {"sum_of_variances_and_passives": (wrong, {"p1_ex2_alpha_test", "p1_ex5_nps_test"},
                                              {"p1_ex2_alpha_test": "每人总分", "p1_ex5_nps_test": "9～10 分"}),
            "smallest_alpha_and_raw_weights": (other, {"p1_ex3_delete_test", "p1_ex4_index_test"},
                                               {"p1_ex3_delete_test": "idxmax", "p1_ex4_index_test": "权重之和"})}


def p2_submissions(solution, blank, workdir):
    # 忘了排除退货和已取消的订单：收入合计偏大；毛利占比和客户分类表由它算出，也跟着错
    all_statuses = replace_answer(solution, "p2_ex1_value",
                                  'customer_value = lines.groupby("customer_id").agg(revenue=("line_amount", "sum"), '
                                  'gross_margin=("line_margin", "sum"))')
    return {"all_statuses": (all_statuses, {"p2_ex1_value_test", "p2_ex4_segment_margin_test",
                                           "p2_ex6_table_test"}, "先筛选 status")}


def p5_submissions(solution, blank, workdir):
    """One student with two usual mistakes: the cost per contact as the mean of each campaign's cost per person
    (not total cost ÷ total people), and the expected ROI from sales instead of gross profit."""
    wrong = replace_answer(solution, "p5_ex2_cost",
                           'cost_per_contact = (history["cost"] / history["targeted"]).groupby(history["channel"], '
                           'observed=True).mean()')
    wrong = replace_answer(wrong, "p5_ex4_roi",
                           'row = plan.iloc[1]\n'
                           'budget_1 = row["contacts"] * row["cost_per_contact"]\n'
                           'profit_1 = row["contacts"] * row["order_rate"] * row["avg_amount"]\n'
                           'roi_1 = (profit_1 - budget_1) / budget_1')
    return {"mean_of_ratios_and_sales": (wrong, {"p5_ex2_cost_test", "p5_ex4_roi_test"},
                                         {"p5_ex2_cost_test": "分别加起来", "p5_ex4_roi_test": "毛利率"})}


def p4_submissions(solution, blank, workdir):
    """One student with two usual mistakes: the confidence of 薯片 → 可乐 divided by the consequent's support (and
    the lift left undivided), and the label of the decision tree taken from all orders ("ever bought books"), which
    peeks at the history the features already hold."""
    wrong = replace_answer(solution, "p4_ex1_rule_by_hand",
                           'support_chips_cola = (small["薯片"] & small["可乐"]).mean()\n'
                           'confidence_chips_cola = support_chips_cola / small["可乐"].mean()\n'
                           'lift_chips_cola = confidence_chips_cola')
    wrong = replace_answer(wrong, "p4_ex6_label",
                           '_books = done_lines[done_lines["category"] == TARGET_CATEGORY]\n'
                           'bought_target = pd.Series(X.index.isin(_books["customer_id"]).astype(int), index=X.index)')
    # 交叉销售名单忘了去掉已经买过后项的客户；练习 5 用这份名单，也跟着错
    no_exclusion = replace_answer(solution, "p4_ex4_cross_sell",
                                  'cross_sell_ids = sorted(set(done_lines.loc[done_lines["product_name"] == a_name, '
                                  '"customer_id"]))\n'
                                  'expected_new_buyers = len(cross_sell_ids) * top_rule["confidence"]')
    return {"denominator_and_leak": (wrong, {"p4_ex1_rule_by_hand_test", "p4_ex6_label_test"},
                                     {"p4_ex1_rule_by_hand_test": "前项（薯片）的支持度",
                                      "p4_ex6_label_test": "偷看了截止日期之前的历史"}),
            "buyers_not_removed": (no_exclusion, {"p4_ex4_cross_sell_test", "p4_ex5_cluster_target_test"},
                                   {"p4_ex4_cross_sell_test": "要去掉买过 b_name 的人"})}


def m1_submissions(solution, blank, workdir):
    # 把退货和已取消的订单也算成了收入（用了 orders 而不是只含已完成订单的 done）
    all_statuses = replace_answer(solution, "m1_ex2_repeat",
                                  'per_customer = orders.groupby("customer_id").size()\n'
                                  'repeat_ids = per_customer[per_customer >= 2].index\n'
                                  'total_revenue = orders["amount"].sum()\n'
                                  'repeat_revenue = orders.loc[orders["customer_id"].isin(repeat_ids), '
                                  '"amount"].sum()\n'
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
    "m2_prospects": (m2_submissions, {"m2_follow_up_plan", "m2_source_choice"}),
    "p2_value_segmentation": (p2_submissions, {"p2_compare", "p2_naming"}),
    "p5_marketing_strategy": (p5_submissions, {"p5_strategy_compare", "p5_presentation"}),
    "p1_satisfaction_index": (p1_submissions, {"p1_indicator_system", "p1_countermeasures"}),
    "p4_data_mining": (p4_submissions, {"p4_selling_points", "p4_proposals"}),
    "m1_crm_intro": (m1_submissions, {"m1_written_compare", "m1_written_types"}),
    "p3_customer_database": (p3_submissions, {"written_design"}),
    "m7_industry_cases": (m7_submissions, {"m7m_memo", "m7r_memo", "m7a_memo", "m7l_memo", "m7t_memo"}),
    "m3_customer_data": (m3_submissions, {"written_card", "written_privacy"}),
    "m6_crm_marketing": (m6_submissions, {"m6a_relationship_plan", "m6a_campaign_proposal", "m6b_idic_plan",
                                          "m6b_journey"}),
    "m5_key_accounts": (m5_submissions, {"m5_plan", "m5_contact_strategy"}),
    "m4_churn_retention": (m4_submissions, {"m4_care_plan", "m4_loyalty_report"}),
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
    # the cases of an assignment of one notebook get that notebook; of several, all of them ({name: notebook})
    solution, blank = (solutions[names[0]], blanks[names[0]]) if len(names) == 1 else (solutions, blanks)
    make_submissions, manual = ASSIGNMENTS[assignment]
    work = tmp_path_factory.mktemp("work") / "run"
    cases = {"blank": (blanks, set()), "solution": (solutions, None), **make_submissions(solution, blank, work)}
    shutil.rmtree(work, ignore_errors=True)
    expected = {}
    for student, (notebook, failing, *extra) in cases.items():
        hint, files = (extra[0] if extra else None), (extra[1] if len(extra) > 1 else {})
        if isinstance(notebook, nbformat.NotebookNode):  # one notebook changed: the others are handed in solved
            notebook = {notebook_of(solutions, sorted(failing)[0]) if failing else names[0]: notebook}
        notebook = {**solutions, **notebook}  # notebooks a case leaves out are handed in solved
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
        # a hint is the Chinese fragment the (first) failing test must show, or {test grade_id: fragment}
        hints = hint if isinstance(hint, dict) else {sorted(failing)[0]: hint} if hint else {}
        for test_id, fragment in hints.items():
            name = notebook_of(graded[5], test_id)
            notebook = nbformat.read(root / "autograded" / student / assignment / name, as_version=4)
            cell = notebook.cells[answer_index(notebook, test_id)]
            shown = "".join(o.get("evalue", "") for o in cell.outputs if o.get("output_type") == "error")
            assert fragment in shown, (student, test_id, shown)


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
