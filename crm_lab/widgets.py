"""迷你 CRM 的表单和报表浏览器（ipywidgets），实验一、实验二的笔记本里用。

每个表单都只是把填好的内容交给 ``crm_lab.crm`` 的函数（``add_customer``、``move_opportunity`` ……），
所以表单和代码做的是同一件事，检查也完全一样：

- 客户和联系人：``customer_form``（添加）、``edit_customer_form``（修改）、``search_form``（查找）、
  ``contact_form``（添加联系人）；
- 业务：``opportunity_form``（新建销售机会）、``stage_form``（推进阶段）、``activity_form``（记录业务活动）、
  ``ticket_form``（受理工单）、``ticket_step_form``（分派 → 解决 → 评价）；
- 查看：``customer_360_view``（客户 360° 视图）、``report_explorer``（最近 N 个月的销售图，拖动滑块重画）。

表单对象 ``Form`` 的用法
------------------------
``form.fields`` 是 {参数名: 输入框} 的字典，``form.button`` 是提交按钮，``form.message`` 是表单下方的提示区，
``form.submit()`` 等于点一下按钮，``form.text`` 是提示区的文字。
填错时（必填项没填、电话格式不对、电话重复、不允许的阶段变化 ……）提示区显示 ``CRMDataError`` 的中文说明，
数据库什么都不写；成功时显示新记录的编号，存在 ``form.result`` 里。
在笔记本里把表单对象放在单元格最后一行就会显示出来。一个表单保存成功后，同一数据库的其他表单的下拉框
（客户、联系人、机会、工单）会自动刷新。

>>> from crm_lab import crm
>>> db = crm.connect(":memory:")
>>> form = customer_form(db)
>>> form.fields["name"].value = "山西大学"
>>> form.fields["phone"].value = "0351-7010000转8"
>>> form.submit()
False
>>> "电话" in form.message.value and len(crm.read_table(db, "customers")) == 0
True
>>> form.fields["phone"].value = "0351-7010000"
>>> form.submit(), form.result
(True, 1)
"""

from __future__ import annotations

import base64
import html
import io
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import ipywidgets as w
import pandas as pd
from matplotlib.figure import Figure

from crm_lab import crm
from crm_lab.data import CRMDataError
from crm_lab.plots import use_chinese_font

__all__ = [
    "CustomerView",
    "Form",
    "ReportExplorer",
    "activity_form",
    "contact_form",
    "customer_360_view",
    "customer_form",
    "edit_customer_form",
    "opportunity_form",
    "report_explorer",
    "search_form",
    "stage_form",
    "ticket_form",
    "ticket_step_form",
]

NOT_CHOSEN = "（不选）"
_LABEL_STYLE = {"description_width": "8em"}
_LAYOUT = {"width": "32em"}


# ---------------------------------------------------------------------------------------------
# 输入框和下拉框
# ---------------------------------------------------------------------------------------------


def _text(label: str, placeholder: str = "") -> w.Text:
    return w.Text(description=label, placeholder=placeholder, style=_LABEL_STYLE, layout=_LAYOUT)


def _choice(label: str, options, value=None) -> w.Dropdown:
    options = list(options)
    first = options[0][1] if options and isinstance(options[0], tuple) else (options[0] if options else None)
    return w.Dropdown(description=label, options=options, value=value if value is not None else first,
                      style=_LABEL_STYLE, layout=_LAYOUT)


def _optional(values) -> list:
    return [(NOT_CHOSEN, None), *[(v, v) for v in values]]


def _customers(db) -> list:
    frame = crm.query(db, "SELECT customer_id, name, city FROM customers ORDER BY customer_id")
    labels = [f"{i} {n}" + (f"（{c}）" if c else "") for i, n, c in frame.itertuples(index=False)]
    return [(NOT_CHOSEN, None), *zip(labels, frame["customer_id"].astype(int).tolist(), strict=True)]


def _staff(db) -> list:
    frame = crm.query(db, "SELECT staff_id, name, role FROM staff ORDER BY staff_id")
    return [(NOT_CHOSEN, None), *[(f"{i} {n}（{r}）", int(i)) for i, n, r in frame.itertuples(index=False)]]


def _contacts(db, customer_id) -> list:
    if customer_id is None:
        return [(NOT_CHOSEN, None)]
    frame = crm.query(db, "SELECT contact_id, name, role FROM contacts WHERE customer_id = :c ORDER BY contact_id",
                      c=customer_id)
    return [(NOT_CHOSEN, None), *[(f"{i} {n}" + (f"（{r}）" if r else ""), int(i))
                                  for i, n, r in frame.itertuples(index=False)]]


def _opportunities(db, customer_id=None) -> list:
    sql = ("SELECT o.opportunity_id, o.title, o.stage, c.name FROM opportunities o "
           "JOIN customers c ON c.customer_id = o.customer_id")
    frame = (crm.query(db, sql + " ORDER BY o.opportunity_id") if customer_id is None
             else crm.query(db, sql + " WHERE o.customer_id = :c ORDER BY o.opportunity_id", c=customer_id))
    return [(NOT_CHOSEN, None), *[(f"{i} {t}（{n}）— {s}", int(i)) for i, t, s, n in frame.itertuples(index=False)]]


def _tickets(db) -> list:
    frame = crm.query(db, "SELECT t.ticket_id, t.subject, t.status, c.name FROM tickets t "
                          "JOIN customers c ON c.customer_id = t.customer_id WHERE t.status <> '已评价' "
                          "ORDER BY t.ticket_id")
    return [(NOT_CHOSEN, None), *[(f"{i} {s or ''}（{n}）— {st}", int(i))
                                  for i, s, st, n in frame.itertuples(index=False)]]


def _show(output: w.Output, *items) -> None:
    """把表格（DataFrame）、HTML 文字或 PNG 图片放进输出区，替换原来的内容（不依赖正在运行的内核）。"""
    bundles = []
    for item in items:
        if isinstance(item, pd.DataFrame):
            data = {"text/html": item.to_html(), "text/plain": item.to_string()}
        elif isinstance(item, bytes):
            data = {"image/png": base64.b64encode(item).decode("ascii"), "text/plain": "<图>"}
        else:
            data = {"text/html": item, "text/plain": html.unescape(item)}
        bundles.append({"output_type": "display_data", "data": data, "metadata": {}})
    output.outputs = tuple(bundles)


def _set_options(dropdown: w.Dropdown, options: list) -> None:
    """换下拉框的选项，原来选中的还在时保持选中。"""
    kept = dropdown.value
    dropdown.options = options
    values = [v for _, v in options]
    dropdown.value = kept if kept in values else values[0]


# ---------------------------------------------------------------------------------------------
# 表单
# ---------------------------------------------------------------------------------------------

_OPEN_FORMS: weakref.WeakSet = weakref.WeakSet()


@dataclass(eq=False)
class Form:
    """一个表单：``fields`` 是输入框，``submit()`` 把它们的值交给 ``action``，结果显示在 ``message`` 里。

    ``action(values)`` 收到 {参数名: 值}（空的文字框是 None），返回 (成功提示, 结果)；
    它抛出的 ``CRMDataError`` 的说明显示在表单里。``choices`` 是 {参数名: 取选项的函数}，``refresh()`` 用它更新下拉框。
    """

    title: str
    db: crm.CRMDatabase
    fields: dict[str, w.Widget]
    action: Callable[[dict], tuple[str, object]]
    button_label: str = "保存"
    choices: dict[str, Callable[[], list]] = field(default_factory=dict)
    result: object = None

    def __post_init__(self):
        self.button = w.Button(description=self.button_label, button_style="primary", icon="check")
        self.button.add_class("crm-form-submit")
        self.message = w.HTML()
        self.message.add_class("crm-form-message")
        self.text = ""
        self.output = w.Output()
        self.output.add_class("crm-form-output")
        self.box = w.VBox([w.HTML(f"<b>{html.escape(self.title)}</b>"), *self.fields.values(), self.button,
                           self.message, self.output])
        self.box.add_class("crm-form")
        self.button.on_click(self._clicked)
        _OPEN_FORMS.add(self)

    def values(self) -> dict:
        """各输入框现在的值；空的（或只有空格的）文字框算作 None。"""
        return {name: (None if isinstance(box.value, str) and not box.value.strip() else box.value)
                for name, box in self.fields.items()}

    def submit(self) -> bool:
        """提交表单：成功返回 True（提示区显示成功和新编号），填错返回 False（提示区显示中文说明）。"""
        try:
            text, self.result = self.action(self.values())
        except CRMDataError as error:
            self.result = None
            self._say(f"✘ {error}", ok=False)
            return False
        self._say(f"✔ {text}", ok=True)
        for form in list(_OPEN_FORMS):
            if form.db is self.db:
                form.refresh()
        return True

    def refresh(self) -> None:
        """按数据库的现状更新下拉框的选项（客户、员工、联系人 ……）。"""
        for name, options in self.choices.items():
            _set_options(self.fields[name], options())

    def _clicked(self, _button) -> None:
        try:
            self.submit()
        except Exception as error:  # 表单里不出现一大段 traceback，只说明出了什么错
            self._say(f"✘ 程序出错了（{type(error).__name__}：{error}）。请把这段话告诉老师。", ok=False)

    def _say(self, text: str, *, ok: bool) -> None:
        self.text = text
        colour = "#1a7f37" if ok else "#b42318"
        self.message.value = f'<div style="color:{colour}; white-space:pre-wrap">{html.escape(text)}</div>'

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


def customer_form(db) -> Form:
    """添加客户的表单（调用 ``crm.add_customer``）。客户名称必填；电话写手机号或带区号的座机号。"""
    fields = {
        "name": _text("客户名称 *", "例如 山西大学"),
        "kind": _choice("客户类型", crm.CUSTOMER_KINDS, value="企业"),
        "industry": _text("行业", "例如 教育、零售、餐饮、公用事业"),
        "phone": _text("电话", "例如 0351-7010000"),
        "email": _text("电子邮箱", "例如 info@sxu.edu.cn"),
        "city": _text("城市"),
        "district": _text("区县"),
        "address": _text("地址"),
        "owner_id": _choice("负责员工", _staff(db)),
        "consent_marketing": w.Checkbox(description="同意接收营销信息", style=_LABEL_STYLE),
        "remark": w.Textarea(description="备注", style=_LABEL_STYLE, layout=_LAYOUT),
    }

    def action(values):
        new_id = crm.add_customer(db, **values)
        return f"已添加客户「{values['name']}」，客户编号 {new_id}。", new_id

    return Form("添加客户", db, fields, action, choices={"owner_id": lambda: _staff(db)})


_EDITABLE = ("name", "industry", "phone", "email", "city", "district", "address", "remark")


def edit_customer_form(db) -> Form:
    """修改客户资料的表单：选一位客户，框里显示他现在的资料，改好后保存（调用 ``crm.update_customer``）。
    把一个框清空就是清空这个字段（客户名称不能清空）。"""
    fields = {"customer_id": _choice("客户 *", _customers(db))}
    labels = {"name": "客户名称 *", "industry": "行业", "phone": "电话", "email": "电子邮箱", "city": "城市",
              "district": "区县", "address": "地址", "remark": "备注"}
    fields.update({name: _text(labels[name]) for name in _EDITABLE})

    def load(change=None):
        customer_id = fields["customer_id"].value
        row = {} if customer_id is None else crm.find_customers(db).set_index("customer_id").loc[customer_id]
        for name in _EDITABLE:
            value = row.get(name) if customer_id is not None else None
            fields[name].value = "" if value is None or pd.isna(value) else str(value)

    def action(values):
        customer_id = values.pop("customer_id")
        if customer_id is None:
            raise CRMDataError("请先在“客户”下拉框里选一位要修改的客户。")
        crm.update_customer(db, customer_id, **values)
        return f"已保存客户 {customer_id}「{values['name']}」的资料。", customer_id

    fields["customer_id"].observe(load, names="value")
    load()
    return Form("修改客户资料", db, fields, action, choices={"customer_id": lambda: _customers(db)})


def search_form(db, *, limit: int = 50) -> Form:
    """查找客户的表单（调用 ``crm.find_customers``）：按名称、电话（数字的一部分）、城市查找，结果表显示在
    表单下方（最多 ``limit`` 行），完整结果在 ``form.result``。"""
    fields = {"name": _text("客户名称包含"), "phone": _text("电话包含"), "city": _text("城市包含")}
    form = None

    def action(values):
        found = crm.find_customers(db, **values)
        _show(form.output, found[["customer_id", "name", "kind", "city", "phone", "industry"]].head(limit))
        shown = "" if len(found) <= limit else f"，下面只显示前 {limit} 位"
        return f"找到 {len(found)} 位客户{shown}。", found

    form = Form("查找客户", db, fields, action, button_label="查找")
    form.button.icon = "search"
    return form


def contact_form(db) -> Form:
    """给客户添加联系人的表单（调用 ``crm.add_contact``），采购角色从 ``crm.BUYING_ROLES`` 里选。"""
    fields = {
        "customer_id": _choice("所属客户 *", _customers(db)),
        "name": _text("联系人姓名 *"),
        "title": _text("职务", "例如 后勤处处长"),
        "role": _choice("采购角色", _optional(crm.BUYING_ROLES)),
        "phone": _text("电话"),
        "email": _text("电子邮箱"),
    }

    def action(values):
        new_id = crm.add_contact(db, **values)
        return f"已添加联系人「{values['name']}」，联系人编号 {new_id}。", new_id

    return Form("添加联系人", db, fields, action, choices={"customer_id": lambda: _customers(db)})


def opportunity_form(db) -> Form:
    """新建销售机会的表单（调用 ``crm.add_opportunity``）。"""
    open_stages = [s for s in crm.STAGES if s not in crm.FINAL_STAGES]
    fields = {
        "customer_id": _choice("客户 *", _customers(db)),
        "title": _text("机会名称 *", "例如 新校区办公家具"),
        "amount": w.FloatText(description="预计金额（元）", value=0, style=_LABEL_STYLE, layout=_LAYOUT),
        "stage": _choice("阶段", open_stages),
        "owner_id": _choice("负责员工", _staff(db)),
        "expected_close": _text("预计成交日期", "例如 2025-06-30"),
        "next_step": _text("下一步", "例如 约见后勤处"),
    }

    def action(values):
        new_id = crm.add_opportunity(db, **values)
        return f"已新建销售机会「{values['title']}」，机会编号 {new_id}，阶段：{values['stage']}。", new_id

    return Form("新建销售机会", db, fields, action,
                choices={"customer_id": lambda: _customers(db), "owner_id": lambda: _staff(db)})


def stage_form(db) -> Form:
    """推进销售机会的表单（调用 ``crm.move_opportunity``）：一次只能前进或退回一步（见 ``crm.STAGE_MOVES``）。"""
    fields = {
        "opportunity_id": _choice("销售机会 *", _opportunities(db)),
        "to_stage": _choice("推进到", crm.STAGES),
        "next_step": _text("下一步"),
        "staff_id": _choice("操作员工", _staff(db)),
    }

    def action(values):
        opportunity_id = values.pop("opportunity_id")
        if opportunity_id is None:
            raise CRMDataError("请先在“销售机会”下拉框里选一个机会。")
        before = crm.read_table(db, "opportunities").set_index("opportunity_id")["stage"].get(opportunity_id)
        crm.move_opportunity(db, opportunity_id, **values)
        return f"销售机会 {opportunity_id} 已从“{before}”变成“{values['to_stage']}”。", opportunity_id

    return Form("推进销售机会", db, fields, action, button_label="推进",
                choices={"opportunity_id": lambda: _opportunities(db), "staff_id": lambda: _staff(db)})


def activity_form(db) -> Form:
    """记录业务活动的表单（调用 ``crm.log_activity``）：选好客户后，联系人和销售机会只列出这位客户的。"""
    fields = {
        "customer_id": _choice("客户 *", _customers(db)),
        "kind": _choice("活动方式", crm.ACTIVITY_KINDS),
        "subject": _text("主题 *", "例如 介绍新款书桌"),
        "outcome": _text("结果", "例如 对方要报价单"),
        "contact_id": _choice("联系人", _contacts(db, None)),
        "opportunity_id": _choice("销售机会", _opportunities(db, -1)),
        "staff_id": _choice("负责员工", _staff(db)),
        "happened_at": _text("时间", "不填是现在；例如 2025-03-02 09:30"),
    }

    def customer_changed(change=None):
        customer = fields["customer_id"].value
        _set_options(fields["contact_id"], _contacts(db, customer))
        _set_options(fields["opportunity_id"], _opportunities(db, -1 if customer is None else customer))

    def action(values):
        new_id = crm.log_activity(db, **values)
        return f"已记录业务活动「{values['subject']}」，活动编号 {new_id}。", new_id

    fields["customer_id"].observe(customer_changed, names="value")
    customer = fields["customer_id"]
    return Form("记录业务活动", db, fields, action, choices={
        "customer_id": lambda: _customers(db), "staff_id": lambda: _staff(db),
        "contact_id": lambda: _contacts(db, customer.value),
        "opportunity_id": lambda: _opportunities(db, -1 if customer.value is None else customer.value)})


def ticket_form(db) -> Form:
    """受理工单的表单（调用 ``crm.open_ticket``）：新工单的状态是“待处理”。"""
    fields = {
        "customer_id": _choice("客户 *", _customers(db)),
        "subject": _text("问题描述 *", "例如 椅子扶手松动"),
        "ticket_type": _choice("工单类型", crm.TICKET_TYPES),
        "channel": _choice("联系渠道", crm.TICKET_CHANNELS),
    }

    def action(values):
        new_id = crm.open_ticket(db, **values)
        return f"已受理工单，工单编号 {new_id}，状态：待处理。", new_id

    return Form("受理客户服务工单", db, fields, action, button_label="受理",
                choices={"customer_id": lambda: _customers(db)})


_TICKET_STEPS = ("分派", "解决", "评价")


def ticket_step_form(db) -> Form:
    """推进工单的表单：``step`` 选“分派”（要选处理员工，调用 ``crm.assign_ticket``）、“解决”（写处理结果，
    ``crm.resolve_ticket``）或“评价”（1～5 分，``crm.rate_ticket``）。顺序错了会显示说明。"""
    fields = {
        "ticket_id": _choice("工单 *", _tickets(db)),
        "step": w.ToggleButtons(description="这一步", options=_TICKET_STEPS, style=_LABEL_STYLE),
        "staff_id": _choice("处理员工", _staff(db)),
        "resolution": _text("处理结果", "解决时填写，例如 已上门更换扶手"),
        "rating": w.IntSlider(description="满意度评分", min=1, max=5, value=5, style=_LABEL_STYLE),
    }

    def action(values):
        ticket_id, step = values["ticket_id"], values["step"]
        if ticket_id is None:
            raise CRMDataError("请先在“工单”下拉框里选一张工单。")
        if step == "分派":
            if values["staff_id"] is None:
                raise CRMDataError("staff_id（处理员工）：分派工单时必须选一位处理员工。")
            crm.assign_ticket(db, ticket_id, staff_id=values["staff_id"])
        elif step == "解决":
            crm.resolve_ticket(db, ticket_id, resolution=values["resolution"])
        else:
            crm.rate_ticket(db, ticket_id, rating=values["rating"])
        status = crm.read_table(db, "tickets").set_index("ticket_id").loc[ticket_id, "status"]
        return f"工单 {ticket_id} 已{step}，现在的状态：{status}。", ticket_id

    return Form("处理工单（分派 → 解决 → 评价）", db, fields, action, button_label="确定",
                choices={"ticket_id": lambda: _tickets(db), "staff_id": lambda: _staff(db)})


# ---------------------------------------------------------------------------------------------
# 客户 360° 视图
# ---------------------------------------------------------------------------------------------

_360_COLUMNS = {
    "联系人": ["contact_id", "name", "title", "role", "phone", "email"],
    "订单": ["order_id", "order_time", "channel", "status", "amount"],
    "销售机会": ["opportunity_id", "title", "stage", "amount", "probability", "next_step"],
    "服务工单": ["ticket_id", "opened_at", "ticket_type", "subject", "status", "rating"],
    "业务活动": ["activity_id", "happened_at", "kind", "subject", "outcome"],
    "营销回应": ["campaign_id", "response", "responded_at"],
}


@dataclass(eq=False)
class CustomerView:
    """客户 360° 视图：``picker`` 选客户，``output`` 显示资料和各部分，``sections`` 是 ``crm.customer_360`` 的结果。"""

    db: crm.CRMDatabase
    rows: int = 10
    sections: dict = field(default_factory=dict)

    def __post_init__(self):
        self.picker = _choice("客户", _customers(self.db))
        self.picker.add_class("crm-360-picker")
        self.output = w.Output()
        self.output.add_class("crm-360-output")
        self.box = w.VBox([w.HTML("<b>客户 360° 视图</b>"), self.picker, self.output])
        self.picker.observe(lambda change: self.show(change["new"]), names="value")

    def show(self, customer_id) -> dict:
        """显示一位客户的全部信息（每部分最多 ``rows`` 行，最新的在前），返回各部分的 DataFrame。"""
        if customer_id is None:
            self.sections = {}
            _show(self.output)
            return self.sections
        self.sections = crm.customer_360(self.db, customer_id)
        profile = self.sections["客户资料"].iloc[0]
        facts = {"客户编号": profile["customer_id"], "名称": profile["name"], "类型": profile["kind"],
                 "行业": profile["industry"], "电话": profile["phone"], "电子邮箱": profile["email"],
                 "城市": profile["city"], "地址": profile["address"], "备注": profile["remark"]}
        items = [pd.Series(facts, name="客户资料").to_frame()]
        for title, columns in _360_COLUMNS.items():
            part = self.sections[title]
            items.append(f"<b>{title}</b>（共 {len(part)} 条）")
            if len(part):
                items.append(part[columns].head(self.rows))
        _show(self.output, *items)
        return self.sections

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


def customer_360_view(db, *, customer_id=None, rows: int = 10) -> CustomerView:
    """客户 360° 视图的小部件：从下拉框选一位客户，下方显示他的资料、联系人、订单、销售机会、服务工单、
    业务活动和营销回应（调用 ``crm.customer_360``）。给出 ``customer_id`` 时先显示这位客户。"""
    view = CustomerView(db, rows=rows)
    if customer_id is not None:
        view.picker.value = int(customer_id)  # 触发 show
    return view


# ---------------------------------------------------------------------------------------------
# 报表浏览器：最近 N 个月的销售
# ---------------------------------------------------------------------------------------------

_MEASURES = ("销售额", "订单数")


@dataclass(eq=False)
class ReportExplorer:
    """最近 N 个月的销售图：拖动 ``months`` 滑块或换 ``measure`` 下拉框都会重画。

    ``data`` 是画出的表（月份、订单数、销售额），``figure`` 是 matplotlib 的 Figure，``png`` 是图片的字节。
    滑块的 CSS 类是 ``crm-report-months``，图所在的输出区是 ``crm-report-chart``（浏览器测试用）。
    """

    db: crm.CRMDatabase
    monthly: pd.DataFrame
    months_shown: int = 12

    def __post_init__(self):
        total = max(len(self.monthly), 1)
        self.months = w.IntSlider(description="最近 N 个月", min=1, max=total, value=min(self.months_shown, total),
                                  continuous_update=False, style=_LABEL_STYLE, layout=_LAYOUT)
        self.months.add_class("crm-report-months")
        self.measure = _choice("指标", _MEASURES)
        self.measure.add_class("crm-report-measure")
        self.output = w.Output()
        self.output.add_class("crm-report-chart")
        self.box = w.VBox([w.HTML("<b>销售报表</b>"), self.months, self.measure, self.output])
        self.box.add_class("crm-report")
        self.months.observe(lambda change: self.redraw(), names="value")
        self.measure.observe(lambda change: self.redraw(), names="value")
        self.data = pd.DataFrame()
        self.figure = None
        self.png = b""
        self.redraw()

    def redraw(self) -> Figure:
        """按滑块和下拉框现在的值重画，返回新的 Figure。"""
        self.data = self.monthly.tail(self.months.value).reset_index(drop=True)
        measure = self.measure.value
        use_chinese_font()
        figure = Figure(figsize=(9, 4), layout="constrained")
        ax = figure.subplots()
        ax.bar(self.data["月份"], self.data[measure], color="#4C72B0")
        ax.set_title(f"最近 {len(self.data)} 个月的{measure}（已完成的订单）")
        ax.set_xlabel("月份")
        ax.set_ylabel("销售额（元）" if measure == "销售额" else "订单数（单）")
        ax.tick_params(axis="x", labelrotation=45)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=90)
        self.figure, self.png = figure, buffer.getvalue()
        _show(self.output, self.png)
        return figure

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


def report_explorer(db, *, months: int = 12) -> ReportExplorer:
    """销售报表浏览器：按月的销售额或订单数（``crm.sales_report(db, by="month")``，只算已完成的订单），
    滑块选最近 N 个月。月份连续排列，没有订单的月份记 0；“最近”从数据里最后一个有订单的月份往前数。

    >>> from crm_lab import crm
    >>> db = crm.connect(":memory:")
    >>> cid = crm.add_customer(db, name="美特好")
    >>> pen = crm.add_product(db, name="签字笔", price=3)
    >>> for day in ("2025-01-05", "2025-03-02"):
    ...     _ = crm.add_order(db, customer_id=cid, lines=[{"product_id": pen, "quantity": 10}], order_time=day)
    >>> explorer = report_explorer(db)
    >>> explorer.data[["月份", "销售额"]]
            月份   销售额
    0  2025-01  30.0
    1  2025-02   0.0
    2  2025-03  30.0
    >>> explorer.months.value = 2
    >>> explorer.data["月份"].tolist()
    ['2025-02', '2025-03']
    """
    sales = crm.sales_report(db, by="month")
    if len(sales):
        span = pd.period_range(sales["月份"].iloc[0], sales["月份"].iloc[-1], freq="M").strftime("%Y-%m")
        sales = sales.set_index("月份").reindex(span, fill_value=0).rename_axis("月份").reset_index()
    return ReportExplorer(db, sales, months_shown=months)
