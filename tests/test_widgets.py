"""crm_lab.widgets: every form action writes what crm would write, every mistake shows the Chinese
CRMDataError message in the form and writes nothing, the 360° view shows crm.customer_360, and the report
explorer's slider redraws the chart. Tested without a browser: set widget values, submit or click."""

import base64
import html
import json
import tempfile
import time
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_lab import crm, widgets
from crm_lab.crm import TABLES, read_table


@pytest.fixture
def db():
    database = crm.connect(":memory:")
    yield database
    database.close()


def build_shop(database) -> dict:
    """Staff, two customers and a product, built with crm's functions; returns their ids."""
    ids = {"boss": crm.add_staff(database, name="王经理", role="销售经理"),
           "rep": crm.add_staff(database, name="小李", role="销售代表"),
           "service": crm.add_staff(database, name="小赵", role="客服专员")}
    ids["sxu"] = crm.add_customer(database, name="山西大学", city="太原", phone="0351-7010000", industry="教育")
    ids["mth"] = crm.add_customer(database, name="美特好", city="太原", industry="零售")
    ids["chair"] = crm.add_product(database, name="办公椅", price=500)
    return ids


@pytest.fixture
def shop(db):
    return build_shop(db)


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


# ---------------------------------------------------------------------------------------------
# Company, staff, product, order, approval, campaign and response forms. Each successful save is compared
# with the same crm call made on a second database built the same way (crm is the oracle).
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def reference():
    """A second database with the same shop, where the tests make the crm calls the forms should make."""
    database = crm.connect(":memory:")
    build_shop(database)
    yield database
    database.close()


def assert_same_tables(db, other, *, ignore=()) -> None:
    """Every table of the two databases is equal (rows, ids, values), except the columns in ``ignore``."""
    for name in TABLES:
        ours, theirs = read_table(db, name), read_table(other, name)
        dropped = [c for c in ignore if c in ours.columns]
        pd.testing.assert_frame_equal(ours.drop(columns=dropped), theirs.drop(columns=dropped), obj=f"table {name}")


def options(dropdown) -> list:
    return [option[1] if isinstance(option, tuple) else option for option in dropdown.options]


def test_company_form_saves_prefills_and_modifies(db, shop, reference):
    form = widgets.company_form(db)
    assert all(box.value == "" for box in form.fields.values())
    assert "0.15" in form.fields["discount_threshold"].placeholder
    fill(form, name="晋阳办公家具有限公司", address="太原市小店区", industry="办公家具", main_products="办公桌椅",
         phone="0351-5550000", email="sales@jinyang.cn", discount_threshold="0.15")
    assert form.submit() is True and form.result == 1
    crm.setup_company(reference, name="晋阳办公家具有限公司", address="太原市小店区", industry="办公家具",
                      main_products="办公桌椅", phone="0351-5550000", email="sales@jinyang.cn", discount_threshold=0.15)
    assert_same_tables(db, reference)
    assert "折扣率上限 0.15" in form.text and "15%" in form.text

    again = widgets.company_form(db)  # prefilled with the saved company; saving again modifies it
    assert again.fields["name"].value == "晋阳办公家具有限公司" and again.fields["discount_threshold"].value == "0.15"
    assert again.fields["phone"].value == "03515550000"
    fill(again, discount_threshold="", address="")
    assert again.submit() is True
    crm.setup_company(reference, name="晋阳办公家具有限公司", industry="办公家具", main_products="办公桌椅",
                      phone="0351-5550000", email="sales@jinyang.cn")
    assert_same_tables(db, reference)
    assert len(read_table(db, "company")) == 1


@pytest.mark.parametrize("values, fragments", [
    ({"name": ""}, ["name（公司名称）", "必填"]),
    ({"name": "晋阳", "discount_threshold": "八五折"}, ["discount_threshold", "应该是数字"]),
    ({"name": "晋阳", "discount_threshold": "1.5"}, ["discount_threshold", "0 到 1 之间"]),
    ({"name": "晋阳", "discount_threshold": "-0.1"}, ["discount_threshold", "0 到 1 之间"]),
    ({"name": "晋阳", "phone": "电话"}, ["phone（电话）", "格式不对"]),
    ({"name": "晋阳", "email": "sales.jinyang.cn"}, ["email（电子邮箱）", "格式不对"]),
])
def test_company_form_mistakes(db, values, fragments):
    form = widgets.company_form(db)
    fill(form, **values)
    fails_in_form(form, db, *fragments)


def test_staff_form_saves_and_refuses_mistakes(db, shop, reference):
    form = widgets.staff_form(db)
    assert options(form.fields["role"]) == list(crm.STAFF_ROLES) and form.fields["role"].value == "销售代表"
    fill(form, name="刘主管", role="管理员", phone="139 0013 9000", email="liu@jinyang.cn")
    assert form.submit() is True
    new_id = crm.add_staff(reference, name="刘主管", role="管理员", phone="139 0013 9000", email="liu@jinyang.cn")
    assert form.result == new_id and f"员工编号 {new_id}" in form.text and "可以审批折扣" in form.text
    assert_same_tables(db, reference)
    fill(form, name=" ")
    fails_in_form(form, db, "name（员工姓名）", "必填")
    fill(form, name="小周", phone="12")
    fails_in_form(form, db, "phone（电话）", "格式不对")
    fill(form, phone="", email="zhou@")
    fails_in_form(form, db, "email（电子邮箱）", "格式不对")


def test_product_form_saves_numbers_from_text(db, shop, reference):
    form = widgets.product_form(db)
    fill(form, name="人体工学办公椅", price="1,280", cost=" 760.5 ", category="办公椅", code="P-0001")
    assert form.submit() is True
    new_id = crm.add_product(reference, name="人体工学办公椅", price=1280, cost=760.5, category="办公椅", code="P-0001")
    assert form.result == new_id and f"产品编号 {new_id}" in form.text
    assert_same_tables(db, reference)
    fill(form, name="文件柜", price="900", cost="", category="", code="")
    assert form.submit() is True
    crm.add_product(reference, name="文件柜", price=900)
    assert_same_tables(db, reference)


@pytest.mark.parametrize("values, fragments", [
    ({"name": "书桌", "price": ""}, ["price（标价）", "必填"]),
    ({"name": "书桌", "price": "   "}, ["price（标价）", "必填"]),
    ({"name": "", "price": "300"}, ["name（产品名称）", "必填"]),
    ({"name": "书桌", "price": "300元"}, ["price（标价）", "应该是数字", "300元"]),
    ({"name": "书桌", "price": "-300"}, ["price（标价）", "负数"]),
    ({"name": "书桌", "price": "300", "cost": "-1"}, ["cost（进价", "负数"]),
    ({"name": "书桌", "price": "nan"}, ["price（标价）", "应该是数字"]),
    ({"name": "书桌", "price": "inf"}, ["price（标价）", "应该是数字"]),
])
def test_product_form_mistakes(db, shop, values, fragments):
    form = widgets.product_form(db)
    fill(form, **values)
    fails_in_form(form, db, *fragments)


def test_product_form_refuses_a_code_in_use(db, shop):
    crm.add_product(db, name="书桌", price=300, code="D-1")
    form = widgets.product_form(db)
    fill(form, name="书桌二号", price="320", code="D-1")
    fails_in_form(form, db, "code（外部编号）", "已经有产品在用")


@pytest.fixture
def campaign(db, shop, reference):
    for database in (db, reference):
        crm.add_campaign(database, name="开学季满减", targeted=200, cost=1500, channel="微信")
    return 1


def test_order_form_saves_what_add_order_saves(db, shop, reference, campaign):
    desk = crm.add_product(db, name="书桌", price=800)
    assert crm.add_product(reference, name="书桌", price=800) == desk
    form = widgets.order_form(db, lines=3)
    assert options(form.fields["lines"].rows[0]["product_id"]) == [None, shop["chair"], desk]
    assert options(form.fields["campaign_id"]) == [None, campaign]
    fill(form, customer_id=shop["mth"], staff_id=shop["rep"], campaign_id=campaign, order_time="2026-08-21 11:00",
         channel="门店", payment="微信支付")
    rows = form.fields["lines"].rows
    rows[0]["product_id"].value, rows[0]["quantity"].value, rows[0]["discount"].value = shop["chair"], "4", "0.05"
    rows[1]["quantity"].value = "7"  # no product: this row is ignored
    rows[2]["product_id"].value, rows[2]["quantity"].value = desk, "2"
    assert form.fields["lines"].value == [{"product_id": shop["chair"], "quantity": 4, "discount": 0.05},
                                          {"product_id": desk, "quantity": 2}]
    assert form.submit() is True
    order_id = crm.add_order(reference, customer_id=shop["mth"], staff_id=shop["rep"], campaign_id=campaign,
                             order_time="2026-08-21 11:00", channel="门店", payment="微信支付",
                             lines=[{"product_id": shop["chair"], "quantity": 4, "discount": 0.05},
                                    {"product_id": desk, "quantity": 2}])
    assert_same_tables(db, reference)
    saved = read_table(db, "orders").set_index("order_id").loc[order_id]
    assert form.result == order_id and saved["status"] == "已完成"
    assert f"订单编号 {order_id}" in form.text and f"{saved['amount']:,.2f} 元" in form.text and "已完成" in form.text


def test_order_form_big_discount_waits_for_approval_and_shows_up_in_the_approval_form(db, shop, reference):
    crm.setup_company(db, name="晋阳", discount_threshold=0.15)
    crm.setup_company(reference, name="晋阳", discount_threshold=0.15)
    approval = widgets.approval_form(db)
    assert options(approval.fields["order_id"]) == [None]
    form = widgets.order_form(db, lines=2)
    fill(form, customer_id=shop["sxu"], staff_id=shop["rep"], order_time="2026-08-21 11:00")
    form.fields["lines"].value = [{"product_id": shop["chair"], "quantity": 10, "discount": 0.2}]
    assert form.submit() is True
    crm.add_order(reference, customer_id=shop["sxu"], staff_id=shop["rep"], order_time="2026-08-21 11:00",
                  lines=[{"product_id": shop["chair"], "quantity": 10, "discount": 0.2}])
    assert_same_tables(db, reference)
    request = read_table(db, "approvals").iloc[0]
    assert "待审批" in form.text and "20%" in form.text and "15%" in form.text
    assert options(approval.fields["order_id"]) == [None, form.result]  # refreshed after the order was saved
    label = approval.fields["order_id"].options[1][0]
    assert "山西大学" in label and "4,000.00 元" in label and f"{request['discount'] * 100:g}%" in label


@pytest.mark.parametrize("header, lines, fragments", [
    ({"customer_id": None}, [{"product_id": "chair", "quantity": 1}], ["customer_id（客户）", "必填"]),
    ({}, [], ["lines（订单明细）", "至少要在一行里选一个产品"]),
    ({}, [{"product_id": "chair", "quantity": "0"}], ["第 1 行", "quantity（数量）", "必须大于 0"]),
    ({}, [{"product_id": "chair", "quantity": ""}], ["第 1 行", "quantity（数量）", "必填"]),
    ({}, [{"product_id": "chair", "quantity": "两把"}], ["quantity（数量）", "应该是数字"]),
    ({}, [{"product_id": "chair", "quantity": "1.5"}], ["quantity（数量）", "整数"]),
    ({}, [{"product_id": "chair", "quantity": "1", "discount": "-0.1"}], ["discount（折扣率）", "0 到 1 之间"]),
    ({}, [{"product_id": "chair", "quantity": "1", "discount": "1.2"}], ["discount（折扣率）", "0 到 1 之间"]),
    ({}, [{"product_id": "chair", "quantity": "1", "discount": "八折"}], ["discount（折扣率）", "应该是数字"]),
    ({"order_time": "上周三"}, [{"product_id": "chair", "quantity": 1}], ["order_time", "不是有效的时间"]),
])
def test_order_form_mistakes(db, shop, header, lines, fragments):
    form = widgets.order_form(db)
    fill(form, **{"customer_id": shop["sxu"], **header})
    for row, line in zip(form.fields["lines"].rows, lines, strict=False):
        row["product_id"].value = shop[line["product_id"]]
        row["quantity"].value = line["quantity"] if isinstance(line["quantity"], str) else str(line["quantity"])
        row["discount"].value = line.get("discount", "")
    fails_in_form(form, db, *fragments)


def test_order_form_lines_value_round_trip_and_too_many_lines(db, shop):
    form = widgets.order_form(db, lines=2)
    lines = [{"product_id": shop["chair"], "quantity": 3, "discount": 0.1},
             {"product_id": shop["chair"], "quantity": 1}]
    form.fields["lines"].value = lines
    assert form.fields["lines"].value == lines
    form.fields["lines"].value = []
    assert form.fields["lines"].value == [] and form.fields["lines"].rows[0]["quantity"].value == "1"
    with pytest.raises(crm.CRMDataError, match="order_form"):
        form.fields["lines"].value = lines * 2
    for bad in (0, 21, True, "3"):
        with pytest.raises(crm.CRMDataError, match="lines（明细行数）"):
            widgets.order_form(db, lines=bad)


def pending_order(database, shop_ids, *, discount=0.3) -> int:
    return crm.add_order(database, customer_id=shop_ids["sxu"], staff_id=shop_ids["rep"], order_time="2026-08-21",
                         lines=[{"product_id": shop_ids["chair"], "quantity": 2, "discount": discount}])


def test_approval_form_approves_and_rejects_like_approve_discount(db, shop, reference):
    first, second = pending_order(db, shop), pending_order(db, shop, discount=0.5)
    pending_order(reference, shop), pending_order(reference, shop, discount=0.5)
    form = widgets.approval_form(db)
    assert options(form.fields["order_id"]) == [None, first, second]
    assert [label for label, _ in form.fields["approve"].options] == ["批准", "驳回"]
    fill(form, order_id=first, approver_id=shop["boss"], approve=True, comment="老客户，同意")
    assert form.submit() is True and "已批准" in form.text and "已完成" in form.text
    crm.approve_discount(reference, order_id=first, approver_id=shop["boss"], comment="老客户，同意")
    assert options(form.fields["order_id"]) == [None, second]  # decided orders leave the list
    fill(form, order_id=second, approver_id=shop["boss"], approve=False, comment="折扣太大")
    assert form.submit() is True and "已驳回" in form.text and "已取消" in form.text
    crm.approve_discount(reference, order_id=second, approver_id=shop["boss"], approve=False, comment="折扣太大")
    assert_same_tables(db, reference, ignore=["decided_at"])
    assert read_table(db, "orders")["status"].tolist() == ["已完成", "已取消"]


def test_approval_form_mistakes(db, shop):
    order = pending_order(db, shop)
    form = widgets.approval_form(db)
    fill(form, order_id=order, approver_id=shop["rep"])
    fails_in_form(form, db, "不能审批折扣", "小李", "销售经理")
    fill(form, approver_id=None)
    fails_in_form(form, db, "approver_id（审批人）")
    fill(form, order_id=None, approver_id=shop["boss"])
    fails_in_form(form, db, "order_id（订单）", "待审批订单")
    fill(form, order_id=order, comment="同意" * 300)
    fails_in_form(form, db, "comment（审批意见）", "太长")


def test_campaign_form_saves_and_refuses_mistakes(db, shop, reference):
    form = widgets.campaign_form(db)
    fill(form, name="教师节关怀", channel="短信", start_date="2026-09-05", end_date="2026-09-12", targeted="120",
         cost="600.5", owner_id=shop["rep"])
    assert form.submit() is True
    new_id = crm.add_campaign(reference, name="教师节关怀", channel="短信", start_date="2026-09-05",
                              end_date="2026-09-12", targeted=120, cost=600.5, owner_id=shop["rep"])
    assert form.result == new_id and f"营销活动编号 {new_id}" in form.text
    fill(form, name="国庆促销", channel="", start_date="", end_date="", targeted="", cost="", owner_id=None)
    assert form.submit() is True
    crm.add_campaign(reference, name="国庆促销")
    assert_same_tables(db, reference)
    for values, fragments in [
        ({"name": ""}, ["name（营销活动名称）", "必填"]),
        ({"name": "教师节关怀"}, ["已经存在"]),
        ({"name": "双十一", "cost": "-100"}, ["cost（活动费用）", "负数"]),
        ({"name": "双十一", "cost": "一千"}, ["cost（活动费用）", "应该是数字"]),
        ({"name": "双十一", "cost": "", "targeted": "12.5"}, ["targeted（目标客户数）", "整数"]),
        ({"name": "双十一", "targeted": "-3"}, ["targeted（目标客户数）", "负数"]),
        ({"name": "双十一", "targeted": "", "start_date": "2026-11-11", "end_date": "2026-11-01"}, ["早于"]),
        ({"name": "双十一", "start_date": "十一月", "end_date": ""}, ["start_date", "不是有效的日期"]),
    ]:
        fill(form, **values)
        fails_in_form(form, db, *fragments)


def test_response_form_saves_and_refuses_mistakes(db, shop, reference, campaign):
    form = widgets.response_form(db)
    assert options(form.fields["response"]) == list(crm.RESPONSE_TYPES)
    fill(form, campaign_id=campaign, customer_id=shop["sxu"], response="已购买", responded_at="2026-09-03 15:00")
    assert form.submit() is True
    new_id = crm.record_response(reference, campaign_id=campaign, customer_id=shop["sxu"], response="已购买",
                                 responded_at="2026-09-03 15:00")
    assert form.result == new_id and f"回应编号 {new_id}" in form.text
    assert_same_tables(db, reference)
    fails_in_form(form, db, "已经记录过了")
    fill(form, campaign_id=None, customer_id=shop["mth"])
    fails_in_form(form, db, "campaign_id（营销活动）", "必填")
    fill(form, campaign_id=campaign, responded_at="昨天")
    fails_in_form(form, db, "responded_at", "不是有效的时间")


def test_new_forms_refresh_when_other_forms_save(db):
    order, response, approval = widgets.order_form(db), widgets.response_form(db), widgets.approval_form(db)
    staff, product, campaign = widgets.staff_form(db), widgets.product_form(db), widgets.campaign_form(db)
    fill(staff, name="王经理", role="销售经理")
    fill(product, name="办公椅", price="500")
    fill(campaign, name="开学季")
    assert staff.submit() and product.submit() and campaign.submit()
    assert options(order.fields["staff_id"]) == [None, 1] and options(approval.fields["approver_id"]) == [None, 1]
    assert options(order.fields["lines"].rows[2]["product_id"]) == [None, 1]
    assert options(order.fields["campaign_id"]) == [None, 1] == options(response.fields["campaign_id"])
    assert options(campaign.fields["owner_id"]) == [None, 1]


PAYLOADS = ["x'); DROP TABLE customers; --", "' OR '1'='1", "'; DELETE FROM orders; --", "%", "_",
            "\" OR \"\"=\"", "1; UPDATE staff SET role='管理员'", "Robert'); DROP TABLE contacts;--"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sql_injection_through_the_new_forms_is_stored_as_text(db, shop, payload):
    short = payload[:20]  # code and payment hold at most 20 characters; crm strips the text it stores
    saved = []
    company = widgets.company_form(db)
    fill(company, name=payload, address=payload, industry=payload, main_products=payload)
    staff = widgets.staff_form(db)
    fill(staff, name=payload)
    product = widgets.product_form(db)
    fill(product, name=payload, price="10", category=payload, code=short)
    campaign = widgets.campaign_form(db)
    fill(campaign, name=payload, channel=payload)
    for form in (company, staff, product, campaign):
        assert form.submit() is True, form.text
        saved.append(form.result)
    order = widgets.order_form(db)
    fill(order, customer_id=shop["sxu"], channel=payload, payment=short, campaign_id=saved[3])
    order.fields["lines"].value = [{"product_id": saved[2], "quantity": 1, "discount": 0.5}]
    assert order.submit() is True, order.text
    approval = widgets.approval_form(db)
    fill(approval, order_id=order.result, approver_id=shop["boss"], comment=payload)
    assert approval.submit() is True, approval.text

    tables = snapshot(db)
    assert tables["company"][["name", "address", "industry", "main_products"]].iloc[0].tolist() == [payload] * 4
    assert tables["staff"]["name"].tolist()[-1] == payload and len(tables["staff"]) == 4
    assert tables["staff"]["role"].tolist() == ["销售经理", "销售代表", "客服专员", "销售代表"]
    product_row = tables["products"].set_index("product_id").loc[saved[2]]
    assert (product_row["name"], product_row["category"], product_row["code"]) == (payload, payload, short.strip())
    assert tables["campaigns"][["name", "channel"]].iloc[0].tolist() == [payload, payload]
    assert tables["orders"][["channel", "payment"]].iloc[0].tolist() == [payload, short.strip()]
    assert tables["approvals"]["comment"].tolist() == [payload]
    assert len(tables["customers"]) == 2 and len(tables["contacts"]) == 0 and len(tables["orders"]) == 1


def test_whole_order_flow_in_forms(db):
    """company (threshold) → staff (a 销售经理) → product → customer → order with a big discount → 待审批 →
    approval_form approves → the order is 已完成, exactly as the same crm calls leave the reference database."""
    reference = crm.connect(":memory:")
    company = widgets.company_form(db)
    fill(company, name="晋阳办公家具有限公司", discount_threshold="0.15")
    staff = widgets.staff_form(db)
    product = widgets.product_form(db)
    customer = widgets.customer_form(db)
    order = widgets.order_form(db)
    approval = widgets.approval_form(db)
    assert company.submit()
    fill(staff, name="王经理", role="销售经理")
    assert staff.submit()
    fill(staff, name="小李", role="销售代表")
    assert staff.submit()
    fill(product, name="会议桌", price="2400", cost="1500")
    assert product.submit()
    fill(customer, name="山西大学", phone="0351-7010000")
    assert customer.submit()
    fill(order, customer_id=customer.result, staff_id=2, order_time="2026-08-21 11:00")
    order.fields["lines"].value = [{"product_id": product.result, "quantity": 5, "discount": 0.25}]
    assert order.submit() and "待审批" in order.text
    assert read_table(db, "orders")["status"].tolist() == ["待审批"]
    fill(approval, order_id=order.result, approver_id=2)
    fails_in_form(approval, db, "不能审批折扣")
    fill(approval, approver_id=1, comment="批量采购，同意")
    assert approval.submit() and "已完成" in approval.text

    crm.setup_company(reference, name="晋阳办公家具有限公司", discount_threshold=0.15)
    crm.add_staff(reference, name="王经理", role="销售经理")
    crm.add_staff(reference, name="小李", role="销售代表")
    crm.add_product(reference, name="会议桌", price=2400, cost=1500)
    crm.add_customer(reference, name="山西大学", phone="0351-7010000")
    crm.add_order(reference, customer_id=1, staff_id=2, order_time="2026-08-21 11:00",
                  lines=[{"product_id": 1, "quantity": 5, "discount": 0.25}])
    crm.approve_discount(reference, order_id=1, approver_id=1, comment="批量采购，同意")
    assert_same_tables(db, reference, ignore=["decided_at"])
    assert read_table(db, "orders")["status"].tolist() == ["已完成"]
    assert read_table(db, "approvals")[["status", "approver_id"]].iloc[0].tolist() == ["已批准", 1]
    reference.close()


# ---------------------------------------------------------------------------------------------
# Form record: what a student saved in a step form is redone when the notebook runs again
# ---------------------------------------------------------------------------------------------

def read_record(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def student_run(database, path):
    """One run of a lab notebook: worked example by code (no step), then the students' step forms.
    On the first run the forms are filled and saved; on later runs they are only created (and replay)."""
    widgets.use_form_record(database, path)
    with crm.fixed_now("2026-08-01 08:00"):  # the worked example's own rows: the same time on every run
        build_shop(database)
    first_run = not path.exists()
    forms = {}
    forms["company"] = widgets.company_form(database, step="练习1 公司")
    if first_run:
        fill(forms["company"], name="晋阳办公家具有限公司", discount_threshold="0.15")
        assert forms["company"].submit(), forms["company"].text
    forms["customers"] = widgets.customer_form(database, step="练习2 客户")
    if first_run:
        for name, phone in (("六味斋", "0351-4040000"), ("中北大学", "")):
            fill(forms["customers"], name=name, phone=phone, owner_id=2)
            assert forms["customers"].submit(), forms["customers"].text
        fill(forms["customers"], name="重复的电话", phone="0351-4040000")
        assert not forms["customers"].submit()  # a failed save is not recorded
    forms["order"] = widgets.order_form(database, step="练习3 订单")
    if first_run:
        fill(forms["order"], customer_id=4, staff_id=2)  # order time empty: the time of saving is recorded
        forms["order"].fields["lines"].value = [{"product_id": 1, "quantity": 6, "discount": 0.2}]
        assert forms["order"].submit(), forms["order"].text
    forms["approval"] = widgets.approval_form(database, step="练习4 审批")
    if first_run:
        fill(forms["approval"], order_id=1, approver_id=1, comment="同意")
        assert forms["approval"].submit(), forms["approval"].text
    return forms


def test_submit_records_the_values_in_the_file(db, tmp_path):
    path = tmp_path / "实验一.forms.json"
    record = widgets.use_form_record(db, path)
    assert record.path == path.resolve() and not path.exists() and record.steps() == []
    forms = student_run(db, path)
    data = read_record(path)
    assert data["format"] == "crm-lab 表单记录" and data["version"] == 1
    assert list(data["steps"]) == record.steps() == ["练习1 公司", "练习2 客户", "练习3 订单", "练习4 审批"]
    customers = record.entries("练习2 客户")
    assert [e["form"] for e in customers] == ["customer_form"] * 2
    assert [e["values"]["name"] for e in customers] == ["六味斋", "中北大学"]  # the failed save is not there
    assert customers[0]["values"] == {**{name: None for name in forms["customers"].fields}, "name": "六味斋",
                                      "kind": "企业", "phone": "0351-4040000", "owner_id": 2,
                                      "consent_marketing": False}
    order = record.entries("练习3 订单")[0]
    assert order["values"]["lines"] == [{"product_id": 1, "quantity": 6, "discount": 0.2}]
    stored_time = read_table(db, "orders")["order_time"].iloc[0]
    assert order["values"]["order_time"] is None  # left empty: crm stamped the moment of saving, kept as saved_at
    assert datetime.fromisoformat(order["saved_at"]) == stored_time
    assert abs(datetime.fromisoformat(order["saved_at"]) - datetime.now()).total_seconds() < 600
    assert "六味斋" in path.read_text(encoding="utf-8")  # UTF-8, not \\u escapes
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # the temporary file was renamed away
    assert forms["customers"].forget_button.description == "清空本步记录"


def test_forms_without_step_record_nothing(db, shop, tmp_path):
    path = tmp_path / "e1.forms.json"
    widgets.use_form_record(db, path)
    form = widgets.customer_form(db)
    fill(form, name="六味斋")
    assert form.submit() and not path.exists() and form.forget_button is None
    assert len(form.buttons.children) == 1


@pytest.mark.parametrize("second", ["memory", "file"])
def test_a_new_database_with_the_same_forms_gets_the_same_rows_and_ids(db, tmp_path, second):
    path = tmp_path / "实验二.forms.json"
    student_run(db, path)
    saved = path.read_bytes()
    time.sleep(1.1)  # the replay runs in a later second: every time crm stamps must still be the original one
    again = crm.connect(":memory:" if second == "memory" else tmp_path / "again.db")
    forms = student_run(again, path)
    assert_same_tables(again, db)
    assert read_table(again, "orders")["status"].tolist() == ["已完成"]
    assert path.read_bytes() == saved  # replaying writes nothing
    assert forms["customers"].replayed == [3, 4] and forms["customers"].result == 4
    assert forms["customers"].text.startswith("✔ 已按表单记录重做了 2 次保存：")
    assert "客户编号 3" in forms["customers"].text and "客户编号 4" in forms["customers"].text
    assert "订单编号 1" in forms["order"].text and "待审批" in forms["order"].text
    assert forms["approval"].replayed == [1] and forms["approval"].replay_errors == []
    assert options(forms["approval"].fields["order_id"]) == [None]  # refreshed after the replay
    again.close()


def test_rerunning_one_cell_on_the_same_database_does_not_redo_the_step(db, tmp_path):
    path = tmp_path / "e1.forms.json"
    widgets.use_form_record(db, path)
    form = widgets.customer_form(db, step="练习2")
    fill(form, name="六味斋")
    assert form.submit()
    rerun = widgets.customer_form(db, step="练习2")  # the student runs only this cell again
    assert rerun.replayed == [] and "已经做过了" in rerun.text and "Restart Kernel and Run All Cells" in rerun.text
    fill(rerun, name="中北大学")
    assert rerun.submit()
    widgets.use_form_record(db, path)  # running the setup cell again with the same file changes nothing
    widgets.customer_form(db, step="练习2")
    assert read_table(db, "customers")["name"].tolist() == ["六味斋", "中北大学"]
    fresh = crm.connect(":memory:")  # but a new database (Run All) redoes both
    widgets.use_form_record(fresh, path)
    assert widgets.customer_form(fresh, step="练习2").replayed == [1, 2]
    fresh.close()


def test_replay_follows_the_cell_order_across_steps(db, tmp_path):
    path = tmp_path / "e1.forms.json"
    widgets.use_form_record(db, path)
    first, second = widgets.customer_form(db, step="A"), widgets.customer_form(db, step="B")
    for form, name in ((first, "甲"), (second, "乙"), (first, "丙"), (second, "丁")):
        fill(form, name=name)
        assert form.submit()
    assert [e["values"]["name"] for e in widgets.use_form_record(db, path).entries("A")] == ["甲", "丙"]

    in_order = crm.connect(":memory:")
    widgets.use_form_record(in_order, path)
    widgets.customer_form(in_order, step="A"), widgets.customer_form(in_order, step="B")
    names = read_table(in_order, "customers").set_index("customer_id")["name"]
    assert names.to_dict() == {1: "甲", 2: "丙", 3: "乙", 4: "丁"}  # step by step, each in the order saved

    swapped = crm.connect(":memory:")
    widgets.use_form_record(swapped, path)
    widgets.customer_form(swapped, step="B"), widgets.customer_form(swapped, step="A")
    assert read_table(swapped, "customers")["name"].tolist() == ["乙", "丁", "甲", "丙"]


def test_a_failing_replay_entry_is_reported_kept_and_the_others_still_run(db, shop, tmp_path):
    path = tmp_path / "e1.forms.json"
    widgets.use_form_record(db, path)
    form = widgets.contact_form(db, step="联系人")
    for customer, name in ((shop["mth"], "刘经理"), (shop["sxu"], "张处长")):
        fill(form, customer_id=customer, name=name)
        assert form.submit()
    saved = path.read_bytes()
    entry = read_record(path)["steps"]["联系人"][0]

    again = crm.connect(":memory:")
    widgets.use_form_record(again, path)
    crm.add_customer(again, name="山西大学")  # this time the notebook makes only one customer
    replayed = widgets.contact_form(again, step="联系人")
    assert len(replayed.replay_errors) == 1 and replayed.replayed == [1]
    text = replayed.text
    assert text.startswith("✘ 本步「联系人」的第 1 条（") and entry["saved_at"].replace("T", " ") in text
    assert "name='刘经理'" in text and f"customer_id={shop['mth']}" in text
    assert f"没有编号为 {shop['mth']} 的客户" in text and "已按表单记录重做了 1 次保存" in text
    assert "还留在文件" in text and "清空本步记录" in text and "#b42318" in replayed.message.value
    assert path.read_bytes() == saved
    assert read_table(again, "contacts")["name"].tolist() == ["张处长"]
    again.close()


def test_a_hand_edited_entry_with_an_unknown_field_is_reported_not_raised(db, tmp_path):
    path = tmp_path / "e1.forms.json"
    path.write_text(json.dumps({"format": "crm-lab 表单记录", "version": 1, "steps": {"s": [
        {"form": "staff_form", "values": {"name": "王经理", "rank": "高级"}, "saved_at": "2026-09-01T10:00:00"},
        {"form": "staff_form", "values": {"name": "小李", "role": "销售代表"}, "saved_at": "2026-09-01T10:01:00"},
    ]}}, ensure_ascii=False), encoding="utf-8")
    widgets.use_form_record(db, path)
    form = widgets.staff_form(db, step="s")
    assert "TypeError" in form.text and "rank" in form.text and "员工编号 1" in form.text
    assert read_table(db, "staff")["name"].tolist() == ["小李"]


def test_forget_needs_two_clicks_and_keeps_the_other_steps(db, tmp_path):
    path = tmp_path / "e1.forms.json"
    widgets.use_form_record(db, path)
    keep, drop = widgets.customer_form(db, step="留下"), widgets.customer_form(db, step="清空")
    for form, name in ((keep, "甲"), (drop, "乙"), (drop, "丙")):
        fill(form, name=name)
        assert form.submit()
    drop.forget_button.click()
    assert "再点一次" in drop.text and len(read_record(path)["steps"]["清空"]) == 2
    fill(drop, name="丁")
    assert drop.submit()  # any other action cancels the pending confirmation
    drop.forget_button.click()
    assert len(read_record(path)["steps"]["清空"]) == 3
    drop.forget_button.click()
    assert "已清空本步「清空」的 3 条表单记录" in drop.text and "Restart Kernel and Run All Cells" in drop.text
    assert read_record(path)["steps"] == {"留下": [read_record(path)["steps"]["留下"][0]]}
    assert read_table(db, "customers")["name"].tolist() == ["甲", "乙", "丙", "丁"]  # the database keeps the rows
    assert widgets.use_form_record(db, path).forget("没有这一步") == 0
    with pytest.raises(crm.CRMDataError, match="没有用 step"):
        widgets.customer_form(db).forget()


@pytest.mark.parametrize("content, fragment", [
    ("{这不是 JSON", "读不了"),
    (b"\xff\xfe\x00garbage", "读不了"),
    ('{"steps": {}}', "不是 crm-lab 的表单记录"),
    ('[1, 2]', "不是 crm-lab 的表单记录"),
    ('{"format": "crm-lab 表单记录", "version": 9, "steps": {}}', "版本是 9"),
    ('{"format": "crm-lab 表单记录", "version": 1, "steps": {"练习1": [{"form": "customer_form"}]}}', "「练习1」"),
    ('{"format": "crm-lab 表单记录", "version": 1, "steps": {"练习1": "customer_form"}}', "「练习1」"),
])
def test_a_corrupt_record_file_is_refused_and_never_overwritten(db, tmp_path, content, fragment):
    path = tmp_path / "e1.forms.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    before = path.read_bytes()
    with pytest.raises(crm.CRMDataError) as caught:
        widgets.use_form_record(db, path)
    message = str(caught.value)
    assert fragment in message and str(path) in message and "改个名字" in message
    assert path.read_bytes() == before and sorted(tmp_path.iterdir()) == [path]


def test_a_record_file_broken_after_binding_stops_forms_and_saves(db, shop, tmp_path):
    path = tmp_path / "e1.forms.json"
    widgets.use_form_record(db, path)
    form = widgets.customer_form(db, step="练习2")
    path.write_text("坏了", encoding="utf-8")
    fill(form, name="六味斋")
    fails_in_form(form, db, "表单记录文件", "读不了")
    with pytest.raises(crm.CRMDataError, match="读不了"):
        widgets.contact_form(db, step="练习3")
    assert path.read_text(encoding="utf-8") == "坏了"


def test_a_step_belongs_to_one_kind_of_form(db, shop, tmp_path):
    path = tmp_path / "e1.forms.json"
    widgets.use_form_record(db, path)
    customers = widgets.customer_form(db, step="练习1")
    fill(customers, name="六味斋")
    assert customers.submit()
    saved = path.read_bytes()
    before = snapshot(db)
    wrong = widgets.contact_form(db, step="练习1")
    assert "customer_form" in wrong.text and "contact_form" in wrong.text and "换一个 step" in wrong.text
    assert wrong.replayed == [] and wrong.text.startswith("✘")
    assert_unchanged(before, db)
    fill(wrong, customer_id=shop["sxu"], name="张处长")
    fails_in_form(wrong, db, "customer_form")
    assert path.read_bytes() == saved
    wrong.forget()  # the step is emptied: now the contact form may use it
    assert wrong.submit() and [e["form"] for e in read_record(path)["steps"]["练习1"]] == ["contact_form"]


def test_a_step_needs_a_record_file_and_a_name(db, tmp_path):
    with pytest.raises(crm.CRMDataError, match=r'widgets\.use_form_record\(db, "实验一\.forms\.json"\)'):
        widgets.customer_form(db, step="练习2")
    widgets.use_form_record(db, tmp_path / "e1.forms.json")
    for bad in ("", "  ", 3):
        with pytest.raises(crm.CRMDataError, match="step（本步的名字）"):
            widgets.customer_form(db, step=bad)
    with pytest.raises(crm.CRMDataError, match="不存在"):
        widgets.use_form_record(db, tmp_path / "no-such-folder" / "e1.forms.json")
    with pytest.raises(crm.CRMDataError, match="是一个文件夹"):
        widgets.use_form_record(db, tmp_path)
    with pytest.raises(crm.CRMDataError, match="crm.connect"):
        widgets.use_form_record("crm.db", tmp_path / "e1.forms.json")


def test_every_form_function_takes_a_step_and_records_its_own_name(db, shop, tmp_path):
    widgets.use_form_record(db, tmp_path / "all.forms.json")
    makers = [name for name in widgets.__all__ if name.endswith("_form")]
    assert len(makers) == 16
    for name in makers:
        form = getattr(widgets, name)(db, step=name)
        assert form.kind == name and form.step == name


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["甲", "乙", "丙"]),
                          st.text(alphabet="山西大学美特好六味斋 '\";%_-", min_size=1, max_size=12)),
                min_size=1, max_size=6))
def test_replay_rebuilds_the_same_customers_for_any_sequence(saves):
    """Whatever sequence of saves (steps 甲/乙/丙, any names, some of them invalid), a fresh database replaying the
    forms in the same cell order ends with the same customers table."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.forms.json"
        first = crm.connect(":memory:")
        widgets.use_form_record(first, path)
        forms = {step: widgets.customer_form(first, step=step) for step in ("甲", "乙", "丙")}
        for step, name in saves:
            fill(forms[step], name=name)
            forms[step].submit()
        second = crm.connect(":memory:")
        widgets.use_form_record(second, path)
        replayed = {step: widgets.customer_form(second, step=step) for step in ("甲", "乙", "丙")}
        expected = read_table(first, "customers")
        by_step = [n.strip() for step in ("甲", "乙", "丙") for s, n in saves if s == step and n.strip()]
        assert expected["name"].tolist() == [n.strip() for _, n in saves if n.strip()]
        assert read_table(second, "customers")["name"].tolist() == by_step  # ids follow the cell order
        assert all(form.replay_errors == [] for form in replayed.values())
        first.close()
        second.close()


def test_edit_form_changes_the_owner_and_the_marketing_consent(db, shop):
    form = widgets.edit_customer_form(db)
    form.fields["customer_id"].value = shop["mth"]
    assert form.fields["owner_id"].value is None and form.fields["consent_marketing"].value is False
    fill(form, owner_id=shop["rep"], consent_marketing=True, address="小店区体育路 100 号")
    assert form.submit() is True
    row = read_table(db, "customers").set_index("customer_id").loc[shop["mth"]]
    assert (row["owner_id"], bool(row["consent_marketing"])) == (shop["rep"], True)
    assert row["address"] == "小店区体育路 100 号"
    form.fields["customer_id"].value = shop["sxu"]  # another customer: the boxes show his values
    assert form.fields["owner_id"].value is None and form.fields["consent_marketing"].value is False
    form.fields["customer_id"].value = shop["mth"]
    assert form.fields["owner_id"].value == shop["rep"] and form.fields["consent_marketing"].value is True


def test_ticket_forms_take_the_times_written_in_them(db, shop):
    opened = widgets.ticket_form(db)
    fill(opened, customer_id=shop["sxu"], subject="送货晚了两天", ticket_type="投诉", opened_at="2026-08-23 09:00")
    assert opened.submit() is True
    step = widgets.ticket_step_form(db)
    for action, extra, at in (("分派", {"staff_id": shop["service"]}, "2026-08-23 09:20"),
                              ("解决", {"resolution": "补发"}, "2026-08-23 16:30"), ("评价", {"rating": 4}, "")):
        fill(step, ticket_id=opened.result, step=action, at=at, **extra)
        assert step.submit() is True, step.text
    row = read_table(db, "tickets").iloc[0]
    assert (row["opened_at"], row["assigned_at"], row["resolved_at"]) == (
        pd.Timestamp("2026-08-23 09:00"), pd.Timestamp("2026-08-23 09:20"), pd.Timestamp("2026-08-23 16:30"))
    assert row["rated_at"] > pd.Timestamp("2026-08-23 16:30")  # empty: the time of saving
    fill(step, ticket_id=None)
    fill(opened, opened_at="23/08 九点")
    fails_in_form(opened, db, "opened_at")


def test_order_lines_take_an_optional_unit_price(db, shop):
    form = widgets.order_form(db)
    fill(form, customer_id=shop["sxu"])
    form.fields["lines"].value = [{"product_id": shop["chair"], "quantity": 2, "unit_price": 450},
                                  {"product_id": shop["chair"], "quantity": 1}]
    assert form.fields["lines"].value[0]["unit_price"] == 450 and "unit_price" not in form.fields["lines"].value[1]
    assert form.submit() is True
    lines = read_table(db, "order_lines")
    assert lines["unit_price"].tolist() == [450, 500]  # an empty price is the product's price
    assert read_table(db, "orders")["amount"].iloc[0] == 1400
