"""crm_lab.widgets: every form action writes what crm would write, every mistake shows the Chinese
CRMDataError message in the form and writes nothing, the 360° view shows crm.customer_360, and the report
explorer's slider redraws the chart. Tested without a browser: set widget values, submit or click."""

import base64
import html

import pandas as pd
import pytest

from crm_lab import crm, widgets
from crm_lab.crm import TABLES, read_table


@pytest.fixture
def db():
    database = crm.connect(":memory:")
    yield database
    database.close()


@pytest.fixture
def shop(db):
    """A company with staff, two customers, a product and an opportunity, built with crm's functions."""
    ids = {"boss": crm.add_staff(db, name="王经理", role="销售经理"),
           "rep": crm.add_staff(db, name="小李", role="销售代表"),
           "service": crm.add_staff(db, name="小赵", role="客服专员")}
    ids["sxu"] = crm.add_customer(db, name="山西大学", city="太原", phone="0351-7010000", industry="教育")
    ids["mth"] = crm.add_customer(db, name="美特好", city="太原", industry="零售")
    ids["chair"] = crm.add_product(db, name="办公椅", price=500)
    return ids


def snapshot(db) -> dict:
    return {name: read_table(db, name) for name in TABLES}


def assert_unchanged(before: dict, db) -> None:
    for name, frame in before.items():
        pd.testing.assert_frame_equal(read_table(db, name), frame, obj=f"table {name}")


def fill(form, **values):
    for name, value in values.items():
        form.fields[name].value = value


def fails_in_form(form, db, *fragments):
    """Submitting shows every fragment (Chinese) in the form's message area and changes no table."""
    before = snapshot(db)
    assert form.submit() is False
    text = form.message.value
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {text!r}"
    assert "Traceback" not in text and "✘" in text and form.result is None
    assert form.text in html.unescape(text) and fragments[0] in form.text
    assert_unchanged(before, db)
    return text


def test_add_customer_form_saves_every_field(db, shop):
    form = widgets.customer_form(db)
    fill(form, name="太原市供水集团有限公司", industry="公用事业", phone="0351 404 0000",
         email="service@tysw.com", city="太原", district="杏花岭区", address="府西街 1 号", owner_id=shop["rep"],
         consent_marketing=True, remark="集团总部")
    assert form.submit() is True
    row = crm.find_customers(db, name="供水").iloc[0]
    assert row["kind"] == "企业" and form.text.startswith("✔ 已添加客户「太原市供水集团有限公司」")
    assert form.result == row["customer_id"] and f"客户编号 {row['customer_id']}" in form.message.value
    assert row["phone"] == "03514040000" and row["owner_id"] == shop["rep"] and bool(row["consent_marketing"])
    assert (row["email"], row["district"], row["remark"]) == ("service@tysw.com", "杏花岭区", "集团总部")


@pytest.mark.parametrize("values, fragments", [
    ({"name": "   "}, ["name（客户名称）", "必填"]),
    ({"name": "六味斋", "phone": "0351-123456789012345"}, ["phone（电话）", "格式不对"]),
    ({"name": "六味斋", "phone": "0351-6660000转2"}, ["phone（电话）", "格式不对"]),
    ({"name": "山西大学二号", "phone": "03517010000"}, ["已经属于客户", "山西大学"]),
    ({"name": "六味斋", "email": "liuweizhai.com"}, ["email（电子邮箱）", "name@example.com"]),
])
def test_add_customer_form_shows_the_mistake_and_writes_nothing(db, shop, values, fragments):
    form = widgets.customer_form(db)
    fill(form, **values)
    fails_in_form(form, db, *fragments)


def test_button_click_submits_and_an_unexpected_error_shows_no_traceback(db, shop, monkeypatch):
    form = widgets.customer_form(db)
    fill(form, name="中北大学")
    form.button.click()
    assert "已添加客户「中北大学」" in form.message.value
    assert crm.find_customers(db, name="中北")["customer_id"].tolist() == [form.result]

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(crm, "add_customer", broken)
    form.button.click()
    assert "程序出错了" in form.message.value and "ZeroDivisionError" in form.message.value


def test_edit_form_loads_saves_and_refuses_an_empty_name(db, shop):
    form = widgets.edit_customer_form(db)
    form.fields["customer_id"].value = shop["sxu"]
    assert form.fields["name"].value == "山西大学" and form.fields["phone"].value == "03517010000"
    fill(form, email="info@sxu.edu.cn", address="坞城路 92 号", city="")
    assert form.submit() is True and f"客户 {shop['sxu']}" in form.message.value
    row = crm.find_customers(db, name="山西大学").iloc[0]
    assert (row["email"], row["address"], row["city"]) == ("info@sxu.edu.cn", "坞城路 92 号", None)
    fill(form, name="")
    fails_in_form(form, db, "name（客户名称）", "必填")
    form.fields["customer_id"].value = None
    fails_in_form(form, db, "请先", "客户")


def test_search_form_lists_what_find_customers_finds(db, shop):
    form = widgets.search_form(db)
    fill(form, name="大学")
    assert form.submit() is True
    pd.testing.assert_frame_equal(form.result, crm.find_customers(db, name="大学"))
    assert "找到 1 位客户" in form.message.value
    assert "山西大学" in form.output.outputs[0]["data"]["text/html"]
    fill(form, name="", city="太原")
    form.submit()
    assert sorted(form.result["name"]) == ["山西大学", "美特好"]
    fill(form, city="", phone="电话")
    fails_in_form(form, db, "phone（电话）要写数字")


def test_contact_form_and_the_dropdowns_of_other_forms_refresh(db, shop):
    contacts = widgets.contact_form(db)
    customers = widgets.customer_form(db)
    fill(customers, name="六味斋", industry="餐饮")
    customers.submit()
    assert customers.result in [v for _, v in contacts.fields["customer_id"].options]
    fill(contacts, customer_id=customers.result, name="李店长", title="门店经理", role="决策者", phone="13900139000")
    assert contacts.submit() is True
    row = read_table(db, "contacts").iloc[0]
    assert (row["customer_id"], row["name"], row["role"], row["phone"]) == (customers.result, "李店长", "决策者",
                                                                           "13900139000")
    assert f"联系人编号 {row['contact_id']}" in contacts.message.value
    fill(contacts, customer_id=None, name="王会计")
    fails_in_form(contacts, db, "customer_id（所属客户）", "必填")


def test_opportunity_moves_through_the_stages_and_an_invalid_move_is_refused(db, shop):
    new = widgets.opportunity_form(db)
    fill(new, customer_id=shop["sxu"], title="新校区办公家具", amount=380000.0, owner_id=shop["rep"],
         expected_close="2025-06-30")
    assert new.submit() is True
    move = widgets.stage_form(db)
    assert new.result in [v for _, v in move.fields["opportunity_id"].options]
    fill(move, opportunity_id=new.result, to_stage="赢单")
    text = fails_in_form(move, db, "不能直接变成“赢单”", "需求确认")
    assert "初步接触" in text
    for stage in ("需求确认", "方案报价", "谈判", "赢单"):
        fill(move, to_stage=stage)
        assert move.submit() is True, move.message.value
        assert f"变成“{stage}”" in move.message.value
    changes = read_table(db, "stage_changes")
    assert changes["to_stage"].tolist() == ["初步接触", "需求确认", "方案报价", "谈判", "赢单"]
    fill(move, to_stage="谈判")
    fails_in_form(move, db, "最终结果")
    fill(new, title="", customer_id=shop["sxu"])
    fails_in_form(new, db, "title（机会名称）", "必填")
    fill(new, title="宿舍家具", amount=-5.0)
    fails_in_form(new, db, "amount（预计金额）", "负数")


def test_activity_form_offers_only_this_customers_contacts(db, shop):
    mine = crm.add_contact(db, customer_id=shop["sxu"], name="张处长", role="决策者")
    theirs = crm.add_contact(db, customer_id=shop["mth"], name="刘经理", role="采购者")
    deal = crm.add_opportunity(db, customer_id=shop["sxu"], title="会议桌", amount=9000)
    form = widgets.activity_form(db)
    form.fields["customer_id"].value = shop["sxu"]
    offered = [v for _, v in form.fields["contact_id"].options]
    assert mine in offered and theirs not in offered
    assert [v for _, v in form.fields["opportunity_id"].options] == [None, deal]
    fill(form, kind="拜访", subject="介绍新款会议桌", outcome="对方要报价单", contact_id=mine, opportunity_id=deal,
         staff_id=shop["rep"], happened_at="2025-03-02 09:30")
    assert form.submit() is True
    row = read_table(db, "activities").iloc[0]
    assert (row["contact_id"], row["opportunity_id"], row["kind"]) == (mine, deal, "拜访")
    assert row["happened_at"] == pd.Timestamp("2025-03-02 09:30")
    fill(form, subject=" ")
    fails_in_form(form, db, "subject（主题）", "必填")
    fill(form, subject="回访", happened_at="上周三")
    fails_in_form(form, db, "happened_at", "不是有效的时间")


def test_ticket_open_assign_resolve_rate_and_wrong_order(db, shop):
    opened = widgets.ticket_form(db)
    fill(opened, customer_id=shop["sxu"], subject="椅子扶手松动", ticket_type="投诉", channel="微信")
    assert opened.submit() is True
    ticket = opened.result
    step = widgets.ticket_step_form(db)
    step.fields["ticket_id"].value = ticket
    fill(step, step="评价", rating=4)
    fails_in_form(step, db, "现在是“待处理”", "不能评价工单")
    fill(step, step="分派", staff_id=None)
    fails_in_form(step, db, "处理员工")
    fill(step, step="分派", staff_id=shop["service"])
    assert step.submit() is True and "已分派" in step.message.value
    fill(step, step="解决", resolution="已上门更换扶手")
    assert step.submit() is True
    fill(step, step="评价", rating=4)
    assert step.submit() is True and "已评价" in step.message.value
    row = read_table(db, "tickets").iloc[0]
    assert (row["status"], row["assignee_id"], row["resolution"], row["rating"]) == (
        "已评价", shop["service"], "已上门更换扶手", 4)
    assert ticket not in [v for _, v in step.fields["ticket_id"].options]  # rated tickets leave the list
    fill(opened, subject="")
    fails_in_form(opened, db, "subject（问题描述）", "必填")


def test_customer_360_view_shows_every_part(db, shop):
    crm.add_contact(db, customer_id=shop["sxu"], name="张处长", role="决策者")
    crm.add_order(db, customer_id=shop["sxu"], lines=[{"product_id": shop["chair"], "quantity": 3}])
    crm.open_ticket(db, customer_id=shop["sxu"], subject="送货慢")
    view = widgets.customer_360_view(db, customer_id=shop["sxu"])
    expected = crm.customer_360(db, shop["sxu"])
    assert list(view.sections) == list(expected)
    for title, frame in expected.items():
        pd.testing.assert_frame_equal(view.sections[title], frame)
    shown = "".join(o["data"]["text/html"] for o in view.output.outputs)
    assert "山西大学" in shown and "张处长" in shown and "送货慢" in shown and "订单</b>（共 1 条）" in shown
    view.picker.value = shop["mth"]
    assert view.sections["客户资料"]["name"].tolist() == ["美特好"] and len(view.sections["订单"]) == 0
    view.picker.value = None
    assert view.sections == {} and view.output.outputs == ()


def _orders_in_months(db, customer, product, months: dict):
    for month, count in months.items():
        for day in range(count):
            crm.add_order(db, customer_id=customer, order_time=f"{month}-{day + 1:02d}",
                          lines=[{"product_id": product, "quantity": day + 1}])


def test_report_explorer_slider_redraws_the_chart(db, shop):
    months = {"2024-11": 2, "2025-01": 1, "2025-02": 3, "2025-03": 1, "2025-05": 2}
    _orders_in_months(db, shop["sxu"], shop["chair"], months)
    explorer = widgets.report_explorer(db, months=12)
    span = pd.period_range("2024-11", "2025-05", freq="M").strftime("%Y-%m").tolist()
    assert explorer.data["月份"].tolist() == span and explorer.months.max == len(span)
    expected = pd.Series({m: 500 * sum(range(1, n + 1)) for m, n in months.items()}).reindex(span, fill_value=0)
    assert explorer.data["销售额"].tolist() == expected.tolist()
    assert explorer.data["订单数"].tolist() == pd.Series(months).reindex(span, fill_value=0).tolist()
    first_png, first_figure = explorer.png, explorer.figure
    assert len(first_figure.axes[0].patches) == len(span)

    explorer.months.value = 3
    assert explorer.figure is not first_figure and explorer.png != first_png
    assert explorer.data["月份"].tolist() == span[-3:]
    ax = explorer.figure.axes[0]
    assert len(ax.patches) == 3 and [p.get_height() for p in ax.patches] == expected.tail(3).tolist()
    assert ax.get_title() == "最近 3 个月的销售额（已完成的订单）" and ax.get_xlabel() == "月份"
    shown = explorer.output.outputs[0]["data"]["image/png"]
    assert base64.b64decode(shown) == explorer.png

    explorer.measure.value = "订单数"
    ax = explorer.figure.axes[0]
    assert ax.get_ylabel() == "订单数（单）"
    assert [p.get_height() for p in ax.patches] == [months.get(m, 0) for m in span[-3:]]
    assert "crm-report-months" in explorer.months._dom_classes and explorer.months.description == "最近 N 个月"
    assert "crm-report-chart" in explorer.output._dom_classes


def test_report_explorer_on_an_empty_database(db):
    explorer = widgets.report_explorer(db)
    assert explorer.data.empty and explorer.months.max == 1 and explorer.png.startswith(b"\x89PNG")
