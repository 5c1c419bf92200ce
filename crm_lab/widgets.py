"""迷你 CRM 的表单和报表浏览器（ipywidgets），实验一、实验二的笔记本里用。

每个表单都只是把填好的内容交给 ``crm_lab.crm`` 的函数（``add_customer``、``move_opportunity`` ……），
所以表单和代码做的是同一件事，检查也完全一样：

- 企业基础设置：``company_form``（我们公司的信息和折扣率上限）、``staff_form``（添加员工）、
  ``product_form``（添加产品）；
- 客户和联系人：``customer_form``（添加）、``edit_customer_form``（修改）、``search_form``（查找）、
  ``contact_form``（添加联系人）；
- 业务：``opportunity_form``（新建销售机会）、``stage_form``（推进阶段）、``activity_form``（记录业务活动）、
  ``order_form``（录入订单）、``approval_form``（审批折扣）、``campaign_form``（登记营销活动）、
  ``response_form``（记录营销回应）、``ticket_form``（受理工单）、``ticket_step_form``（分派 → 解决 → 评价）；
- 表单记录：``use_form_record``（见下面“表单记录”），返回 ``FormRecord``；
- 查看：``customer_360_view``（客户 360° 视图）、``report_explorer``（最近 N 个月的销售图，拖动滑块重画）。

表单对象 ``Form`` 的用法
------------------------
``form.fields`` 是 {参数名: 输入框} 的字典（参数名就是 crm 函数的参数名），``form.button`` 是提交按钮，
``form.message`` 是表单下方的提示区，``form.submit()`` 等于点一下按钮，``form.text`` 是提示区的文字。
填错时（必填项没填、电话格式不对、电话重复、不允许的阶段变化 ……）提示区显示 ``CRMDataError`` 的中文说明，
数据库什么都不写；成功时显示新记录的编号，存在 ``form.result`` 里。
在笔记本里把表单对象放在单元格最后一行就会显示出来。一个表单保存成功后，同一数据库的其他表单的下拉框
（客户、员工、产品、联系人、机会、营销活动、待审批订单、工单）会自动刷新。
金额、数量、折扣率这些数字框是文字框：空着就是没填（必填的会提示），不会悄悄当成 0。

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

表单记录：重新运行笔记本时重做学生在表单里保存的内容
--------------------------------------------------------
笔记本每次运行都从头建数据库（“Restart Kernel and Run All Cells”、nbgrader 的 Validate 和自动评分都是这样），
点按钮保存的内容本来会丢。所以练习里的表单要这样用：

1. 打开数据库后运行一次 ``use_form_record(db, "实验一.forms.json")``：把这个数据库和笔记本旁边的一个 JSON 文件绑在一起；
2. 每个练习的表单加上本步的名字：``customer_form(db, step="练习2")``。

带 ``step`` 的表单每次保存成功，就把填的内容追加到文件里本步的记录中（填错的不记）；创建表单时（也就是
每次运行这个单元格时），先按顺序把本步记下的每一条重做一遍，和学生再点一次按钮完全一样，提示区说明重做了
几次、新记录的编号。单元格的顺序不变，重做出来的记录编号也不变。“不填是现在”的时间框记下的是保存那一刻的
时间，所以重做的订单、活动时间不变。

重做失败的条目（比如前面的练习改过，编号变了）在提示区说明是第几条、什么时候保存的、填了什么、错在哪里，
条目留在文件里不删。表单上的“清空本步记录”按钮（连点两次）删掉本步的全部条目，之后要重新运行整个笔记本。
只重新运行一个单元格（数据库还是同一个）时，已经做过的条目不会再做一遍。一个 ``step`` 只能给一种表单用；
记录文件坏了会报错说明怎么办，绝不悄悄覆盖。交作业时记录文件要和笔记本一起交。
文件的格式：{"format": "crm-lab 表单记录", "version": 1, "steps": {本步: [{"form": 表单函数名,
"values": {参数名: 值}, "saved_at": 保存时间}, ...]}}。不带 ``step`` 的表单（例题里用代码填的）什么都不记。

>>> import pathlib, tempfile
>>> folder = tempfile.TemporaryDirectory()
>>> path = pathlib.Path(folder.name) / "实验一.forms.json"
>>> db = crm.connect(":memory:")
>>> record = use_form_record(db, path)
>>> form = customer_form(db, step="练习2")
>>> form.fields["name"].value = "山西大学"
>>> form.submit()
True
>>> [(entry["form"], entry["values"]["name"]) for entry in record.entries("练习2")]
[('customer_form', '山西大学')]
>>> db = crm.connect(":memory:")  # 重新运行笔记本：新的空数据库
>>> record = use_form_record(db, path)
>>> form = customer_form(db, step="练习2")  # 创建表单时重做
>>> print(form.text)
✔ 已按表单记录重做了 1 次保存：
第 1 条：已添加客户「山西大学」，客户编号 1。
>>> crm.read_table(db, "customers")["name"].tolist()
['山西大学']
>>> folder.cleanup()"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import os
import tempfile
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import ipywidgets as w
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from crm_lab import crm
from crm_lab.data import CRMDataError
from crm_lab.plots import use_chinese_font

__all__ = [
    "CustomerView",
    "Form",
    "FormRecord",
    "OrderLines",
    "ReportExplorer",
    "activity_form",
    "approval_form",
    "campaign_form",
    "company_form",
    "contact_form",
    "customer_360_view",
    "customer_form",
    "edit_customer_form",
    "opportunity_form",
    "order_form",
    "product_form",
    "report_explorer",
    "response_form",
    "search_form",
    "stage_form",
    "staff_form",
    "ticket_form",
    "ticket_step_form",
    "use_form_record",
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

    用了 ``step`` 的表单（见模块说明“表单记录”）：``step`` 是本步的名字，``record`` 是记录文件，
    ``replayed`` 是创建表单时按记录重做成功的结果，``replay_errors`` 是重做失败的说明，
    ``forget_button`` 是“清空本步记录”按钮（要连点两次）。
    """

    title: str
    db: crm.CRMDatabase
    fields: dict[str, w.Widget]
    action: Callable[[dict], tuple[str, object]]
    button_label: str = "保存"
    choices: dict[str, Callable[[], list]] = field(default_factory=dict)
    result: object = None
    kind: str = field(default="", init=False)
    step: str | None = field(default=None, init=False)
    record: FormRecord | None = field(default=None, init=False)
    replayed: list = field(default_factory=list, init=False)
    replay_errors: list[str] = field(default_factory=list, init=False)

    def __post_init__(self):
        self.button = w.Button(description=self.button_label, button_style="primary", icon="check")
        self.button.add_class("crm-form-submit")
        self.forget_button = None
        self.message = w.HTML()
        self.message.add_class("crm-form-message")
        self.text = ""
        self.output = w.Output()
        self.output.add_class("crm-form-output")
        self.buttons = w.HBox([self.button])
        self.box = w.VBox([w.HTML(f"<b>{html.escape(self.title)}</b>"), *self.fields.values(), self.buttons,
                           self.message, self.output])
        self.box.add_class("crm-form")
        self.button.on_click(self._clicked)
        self._blocked = None
        self._confirm_forget = False
        _OPEN_FORMS.add(self)

    def values(self) -> dict:
        """各输入框现在的值；空的（或只有空格的）文字框算作 None。"""
        return {name: (None if isinstance(box.value, str) and not box.value.strip() else box.value)
                for name, box in self.fields.items()}

    def submit(self) -> bool:
        """提交表单：成功返回 True（提示区显示成功和新编号），填错返回 False（提示区显示中文说明）。
        有 ``step`` 的表单保存成功后，把这次填的内容追加到表单记录文件里（失败的不记）。"""
        self._confirm_forget = False
        values = self.values()
        try:
            if self._blocked:
                raise CRMDataError(self._blocked)
            if self.record is not None:
                self.record.entries(self.step)  # 记录文件坏了就先别写数据库
            moment = datetime.now().replace(microsecond=0)
            with crm.fixed_now(moment):  # 重做时用同一个“现在”，数据库里的时间和这次一模一样
                text, self.result = self.action(dict(values))
        except CRMDataError as error:
            self.result = None
            self._say(f"✘ {error}", ok=False)
            return False
        ok = True
        if self.record is not None:
            try:
                self.record._add(self.step, self.kind, values, moment)
                applied = _APPLIED[self.db]
                applied[self.step] = applied.get(self.step, 0) + 1
            except CRMDataError as error:
                ok = False
                text += (f"\n但是这次保存没能写进表单记录：{error}\n重新运行笔记本时不会重做这次保存，"
                         "请解决上面的问题后，重新运行整个笔记本，再填一次。")
        self._say(f"{'✔' if ok else '✘'} {text}", ok=ok)
        self._refresh_all()
        return True

    def refresh(self) -> None:
        """按数据库的现状更新下拉框的选项（客户、员工、联系人 ……）。"""
        for name, options in self.choices.items():
            box = self.fields[name]
            if isinstance(box, OrderLines):
                box.set_products(options())
            else:
                _set_options(box, options())

    def forget(self) -> int:
        """清空本步的表单记录（记录文件里本步的所有条目），返回清掉的条数。数据库里已有的数据不会消失，
        所以要重新运行整个笔记本。"""
        if self.record is None:
            raise CRMDataError("这个表单没有用 step，没有表单记录可以清空。")
        count = self.record.forget(self.step)
        _APPLIED[self.db][self.step] = 0
        self._blocked = None
        self._confirm_forget = False
        self._say(f"✔ 已清空本步「{self.step}」的 {count} 条表单记录（文件 {self.record.path.name}）。"
                  "数据库里还留着按这些记录保存的数据：请点菜单 Kernel → Restart Kernel and Run All Cells"
                  "（内核 → 重启内核并运行所有单元格），重新运行整个笔记本，然后重新填本步的表单。", ok=True)
        return count

    def _refresh_all(self) -> None:
        for form in list(_OPEN_FORMS):
            if form.db is self.db:
                form.refresh()

    def _use_record(self, kind: str, step: str | None) -> None:
        """创建表单时调用：记下表单的种类；有 ``step`` 时绑定表单记录并按记录重做本步保存过的内容。"""
        self.kind = kind
        if step is None:
            return
        if not isinstance(step, str) or not step.strip():
            raise CRMDataError(f"step（本步的名字）应该是一段文字，例如 step=\"练习2\"，收到的是 {step!r}。")
        record = _RECORDS.get(self.db)
        if record is None:
            raise CRMDataError(
                f"step={step!r}：这个数据库还没有表单记录文件，表单保存的内容重新运行时会丢失。"
                "请在打开数据库的单元格里先运行 widgets.use_form_record(db, \"实验一.forms.json\")"
                "（文件名可以自己取，以 .forms.json 结尾），再创建带 step 的表单。")
        entries = record.entries(step)
        self.step, self.record = step, record
        self.forget_button = w.Button(description="清空本步记录", icon="trash", layout={"width": "10em"})
        self.forget_button.add_class("crm-form-forget")
        self.forget_button.on_click(self._forget_clicked)
        self.buttons.children = (self.button, self.forget_button)
        others = sorted({entry["form"] for entry in entries} - {kind})
        if others:
            self._blocked = (
                f"本步「{step}」的表单记录是 {' 和 '.join(others)} 表单保存的，这个表单是 {kind}，不能混在一起，"
                "所以没有重做这些记录，这个表单也不能保存。请给这个表单换一个 step 名字（每个练习用自己的名字，"
                f"例如 step=\"{step}-{kind}\"）；如果本步的记录确实不要了，点“清空本步记录”。")
            self._say(f"✘ {self._blocked}", ok=False)
            return
        applied = _APPLIED[self.db]
        before = applied.get(step, 0)
        if entries[before:]:
            self._replay(entries[before:], first=before + 1)
        elif before:
            self._say(f"✔ 本步「{step}」的 {before} 条表单记录在这个数据库里已经做过了（只重新运行了这个单元格），"
                      "这次没有再做一遍。要从头重做，请点菜单 Kernel → Restart Kernel and Run All Cells。", ok=True)
        applied[step] = max(before, len(entries))

    def _replay(self, entries: list[dict], *, first: int) -> None:
        done = []
        for number, entry in enumerate(entries, start=first):
            try:
                with crm.fixed_now(entry["saved_at"]):  # 没填的时间都是当初保存的那一刻，每次重做都一样
                    text, result = self.action(dict(entry["values"]))
            except Exception as error:  # 记录文件可能被手改过：任何错误都只说明，不让整个笔记本停下
                reason = str(error) if isinstance(error, CRMDataError) else f"{type(error).__name__}：{error}"
                self.replay_errors.append(
                    f"本步「{self.step}」的第 {number} 条（{str(entry['saved_at']).replace('T', ' ')} 保存的："
                    f"{_describe(entry['values'])}）"
                    f"重做失败：{reason}")
            else:
                done.append(f"第 {number} 条：{text}")
                self.replayed.append(result)
                self.result = result
        lines = [f"已按表单记录重做了 {len(done)} 次保存：", *done] if done else []
        if self.replay_errors:
            lines = [*self.replay_errors, *lines, (
                f"重做失败的记录还留在文件 {self.record.path} 里，没有删掉。"
                "常见原因：前面的单元格或表单改过，编号变了。"
                "改法：用记事本改正（或删掉）文件里这一条，再重新运行整个笔记本；或者点“清空本步记录”，"
                "重新运行整个笔记本后把本步重新填一遍。")]
        self._say(("✘ " if self.replay_errors else "✔ ") + "\n".join(lines), ok=not self.replay_errors)
        self._refresh_all()

    def _clicked(self, _button) -> None:
        try:
            self.submit()
        except Exception as error:  # 表单里不出现一大段 traceback，只说明出了什么错
            self._say(f"✘ 程序出错了（{type(error).__name__}：{error}）。请把这段话告诉老师。", ok=False)

    def _forget_clicked(self, _button) -> None:
        if not self._confirm_forget:
            self._confirm_forget = True
            self._say(f"要清空本步「{self.step}」的全部表单记录吗？清空后重新运行时不再重做它们。"
                      "确定的话，再点一次“清空本步记录”。", ok=False)
            return
        try:
            self.forget()
        except CRMDataError as error:
            self._say(f"✘ {error}", ok=False)

    def _say(self, text: str, *, ok: bool) -> None:
        self.text = text
        colour = "#1a7f37" if ok else "#b42318"
        self.message.value = f'<div style="color:{colour}; white-space:pre-wrap">{html.escape(text)}</div>'

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


def _describe(values: dict) -> str:
    shown = [f"{name}={value!r}" for name, value in values.items()
             if value is not None and value is not False and value != "" and value != []]
    return "，".join(shown) or "（全空）"


# ---------------------------------------------------------------------------------------------
# 表单记录：学生在带 step 的表单里保存的内容记在 JSON 文件里，每次重新运行笔记本时重做
# ---------------------------------------------------------------------------------------------

RECORD_FORMAT = "crm-lab 表单记录"
RECORD_VERSION = 1
_RECORDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# {db: {本步: 这个数据库里已经做过（重做或保存）的条数}}：只重新运行一个单元格时不会把记录再做一遍
_APPLIED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class FormRecord:
    """一个数据库的表单记录文件（``use_form_record`` 返回）。每次都从文件读，所以手改文件后马上生效。

    文件内容：{"format": "crm-lab 表单记录", "version": 1, "steps": {本步名字: [条目 ……]}}，
    每个条目是 {"form": 表单函数名, "values": {参数名: 值}, "saved_at": 保存时间}。
    """

    path: Path

    def steps(self) -> list[str]:
        """记录里有哪些步（按第一次保存的先后）。"""
        return list(self._load()["steps"])

    def entries(self, step: str) -> list[dict]:
        """本步记下的条目（按保存的先后），没有时是空列表。"""
        return self._load()["steps"].get(step, [])

    def forget(self, step: str) -> int:
        """删掉本步的所有条目，返回删掉的条数。"""
        data = self._load()
        count = len(data["steps"].pop(step, []))
        if count:
            self._write(data)
        return count

    def _add(self, step: str, form: str, values: dict, saved_at: datetime) -> None:
        data = self._load()
        try:
            plain = json.loads(json.dumps(values, ensure_ascii=False, default=_plain))
        except TypeError as error:
            raise CRMDataError(f"表单的内容没法写进记录文件：{error}。请把这段话告诉老师。") from error
        data["steps"].setdefault(step, []).append({"form": form, "values": plain, "saved_at": saved_at.isoformat()})
        self._write(data)

    def _load(self) -> dict:
        if not self.path.exists():
            return {"format": RECORD_FORMAT, "version": RECORD_VERSION, "steps": {}}
        fix = (f"请把文件 {self.path} 改个名字（例如在后面加上 .bad）留作备份，然后重新运行整个笔记本，"
               "表单记录会从空的开始；或者请老师帮忙修好它。这个文件不会被自动覆盖或删除。")
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CRMDataError(f"表单记录文件 {self.path} 读不了（{error}）。{fix}") from error
        if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT or not isinstance(data.get("steps"), dict):
            raise CRMDataError(f"表单记录文件 {self.path} 不是 crm-lab 的表单记录（缺少 \"format\": "
                               f"\"{RECORD_FORMAT}\" 或 \"steps\"）。{fix}")
        if data.get("version") != RECORD_VERSION:
            raise CRMDataError(f"表单记录文件 {self.path} 的版本是 {data.get('version')!r}，这个 crm_lab 只认识版本 "
                               f"{RECORD_VERSION}。请更新 crm_lab，或者{fix}")
        for step, entries in data["steps"].items():
            good = isinstance(entries, list) and all(
                isinstance(e, dict) and isinstance(e.get("form"), str) and isinstance(e.get("values"), dict)
                and isinstance(e.get("saved_at"), str) for e in entries)
            if not good:
                raise CRMDataError(f"表单记录文件 {self.path} 里本步「{step}」的内容不对：每一条都应该有 \"form\"、"
                                   f"\"values\" 和 \"saved_at\"。{fix}")
        return data

    def _write(self, data: dict) -> None:
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        try:
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as file:
                    file.write(text)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as error:
            raise CRMDataError(f"表单记录文件 {self.path} 写不进去（{error}）。请检查文件是不是被别的程序打开了、"
                               "文件夹能不能写，然后再保存一次。") from error


def _plain(value):
    """JSON 里放不下的值：日期写成 ISO 文字，numpy 的数字变成 Python 的数字。"""
    if isinstance(value, (date, datetime, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} 类型的值 {value!r} 不能写进 JSON")


def use_form_record(db, path) -> FormRecord:
    """让这个数据库的带 ``step`` 的表单把学生保存的内容记在 JSON 文件 ``path`` 里，重新运行时重做。

    文件不存在时，第一次保存才新建；文件已有的内容马上检查一遍，坏了就报错（不会覆盖）。
    同一个数据库再调用一次就换成新的文件。返回 ``FormRecord``。
    """
    if not isinstance(db, crm.CRMDatabase):
        raise CRMDataError(f"db 应该是 crm.connect(...) 打开的数据库，收到的是 {type(db).__name__}。")
    if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise CRMDataError(f"path（表单记录文件）应该是文件名，例如 \"实验一.forms.json\"，收到的是 {path!r}。")
    record = FormRecord(Path(path).expanduser().resolve())
    if not record.path.parent.is_dir():
        raise CRMDataError(f"path：文件夹 {record.path.parent} 不存在，表单记录没法存在那里。请写笔记本所在文件夹里的"
                           "文件名，例如 \"实验一.forms.json\"。")
    if record.path.is_dir():
        raise CRMDataError(f"path：{record.path} 是一个文件夹，请写一个文件名，例如 \"实验一.forms.json\"。")
    record._load()
    if db not in _RECORDS or _RECORDS[db].path != record.path:
        _APPLIED[db] = {}
    _RECORDS[db] = record
    return record


def _number(value):
    """文字框里的数字：'1280'、' 1,280 ' → 1280，'0.15' → 0.15；空的 → None；不是数字的原样交给 crm，由它说明
    哪里不对（所以空框不会悄悄变成 0）。"""
    if not isinstance(value, str):
        return value
    text = value.strip().replace(",", "").replace("，", "")
    try:
        number = float(text)
    except ValueError:
        return value
    if not math.isfinite(number):
        return value
    return int(number) if number.is_integer() else number


def _recorded(form: Form, kind: str, step: str | None) -> Form:
    form._use_record(kind, step)
    return form


def customer_form(db, *, step: str | None = None) -> Form:
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

    return _recorded(Form("添加客户", db, fields, action, choices={"owner_id": lambda: _staff(db)}),
                     "customer_form", step)


_EDITABLE = ("name", "industry", "phone", "email", "city", "district", "address", "remark")


def edit_customer_form(db, *, step: str | None = None) -> Form:
    """修改客户资料的表单：选一位客户，框里显示他现在的资料，改好后保存（调用 ``crm.update_customer``）。
    把一个框清空就是清空这个字段（客户名称不能清空）。"""
    fields = {"customer_id": _choice("客户 *", _customers(db))}
    labels = {"name": "客户名称 *", "industry": "行业", "phone": "电话", "email": "电子邮箱", "city": "城市",
              "district": "区县", "address": "地址", "remark": "备注"}
    fields.update({name: _text(labels[name]) for name in _EDITABLE})
    fields["owner_id"] = _choice("负责员工", _staff(db))
    fields["consent_marketing"] = w.Checkbox(description="同意接收营销信息", style=_LABEL_STYLE)

    def load(change=None):
        customer_id = fields["customer_id"].value
        row = {} if customer_id is None else crm.read_table(db, "customers").set_index("customer_id").loc[customer_id]
        for name in _EDITABLE:
            value = row.get(name) if customer_id is not None else None
            fields[name].value = "" if value is None or pd.isna(value) else str(value)
        owner, consent = row.get("owner_id"), row.get("consent_marketing")
        fields["owner_id"].value = None if owner is None or pd.isna(owner) else int(owner)
        fields["consent_marketing"].value = consent is not None and not pd.isna(consent) and bool(consent)

    def action(values):
        customer_id = values.pop("customer_id")
        if customer_id is None:
            raise CRMDataError("请先在“客户”下拉框里选一位要修改的客户。")
        crm.update_customer(db, customer_id, **values)
        return f"已保存客户 {customer_id}「{values['name']}」的资料。", customer_id

    fields["customer_id"].observe(load, names="value")
    load()
    return _recorded(Form("修改客户资料", db, fields, action, choices={"customer_id": lambda: _customers(db),
                                                                   "owner_id": lambda: _staff(db)}),
                     "edit_customer_form", step)


def search_form(db, *, limit: int = 50, step: str | None = None) -> Form:
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
    return _recorded(form, "search_form", step)


def contact_form(db, *, step: str | None = None) -> Form:
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

    return _recorded(Form("添加联系人", db, fields, action, choices={"customer_id": lambda: _customers(db)}),
                     "contact_form", step)


def opportunity_form(db, *, step: str | None = None) -> Form:
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

    return _recorded(Form("新建销售机会", db, fields, action,
                          choices={"customer_id": lambda: _customers(db), "owner_id": lambda: _staff(db)}),
                     "opportunity_form", step)


def stage_form(db, *, step: str | None = None) -> Form:
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

    return _recorded(Form("推进销售机会", db, fields, action, button_label="推进",
                          choices={"opportunity_id": lambda: _opportunities(db), "staff_id": lambda: _staff(db)}),
                     "stage_form", step)


def activity_form(db, *, step: str | None = None) -> Form:
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
    return _recorded(Form("记录业务活动", db, fields, action, choices={
        "customer_id": lambda: _customers(db), "staff_id": lambda: _staff(db),
        "contact_id": lambda: _contacts(db, customer.value),
        "opportunity_id": lambda: _opportunities(db, -1 if customer.value is None else customer.value)}),
        "activity_form", step)


def ticket_form(db, *, step: str | None = None) -> Form:
    """受理工单的表单（调用 ``crm.open_ticket``）：新工单的状态是“待处理”。"""
    fields = {
        "customer_id": _choice("客户 *", _customers(db)),
        "subject": _text("问题描述 *", "例如 椅子扶手松动"),
        "ticket_type": _choice("工单类型", crm.TICKET_TYPES),
        "channel": _choice("联系渠道", crm.TICKET_CHANNELS),
        "opened_at": _text("受理时间", "不填是现在；例如 2026-08-23 09:00"),
    }

    def action(values):
        new_id = crm.open_ticket(db, **values)
        return f"已受理工单，工单编号 {new_id}，状态：待处理。", new_id

    return _recorded(Form("受理客户服务工单", db, fields, action, button_label="受理",
                          choices={"customer_id": lambda: _customers(db)}), "ticket_form", step)


_TICKET_STEPS = ("分派", "解决", "评价")


def ticket_step_form(db, *, step: str | None = None) -> Form:
    """推进工单的表单：``step`` 选“分派”（要选处理员工，调用 ``crm.assign_ticket``）、“解决”（写处理结果，
    ``crm.resolve_ticket``）或“评价”（1～5 分，``crm.rate_ticket``）。顺序错了会显示说明。"""
    fields = {
        "ticket_id": _choice("工单 *", _tickets(db)),
        "step": w.ToggleButtons(description="这一步", options=_TICKET_STEPS, style=_LABEL_STYLE),
        "staff_id": _choice("处理员工", _staff(db)),
        "resolution": _text("处理结果", "解决时填写，例如 已上门更换扶手"),
        "rating": w.IntSlider(description="满意度评分", min=1, max=5, value=5, style=_LABEL_STYLE),
        "at": _text("时间", "不填是现在；例如 2026-08-23 09:20"),
    }

    def action(values):
        ticket_id, step, at = values["ticket_id"], values["step"], values["at"]
        if ticket_id is None:
            raise CRMDataError("请先在“工单”下拉框里选一张工单。")
        if step == "分派":
            if values["staff_id"] is None:
                raise CRMDataError("staff_id（处理员工）：分派工单时必须选一位处理员工。")
            crm.assign_ticket(db, ticket_id, staff_id=values["staff_id"], at=at)
        elif step == "解决":
            crm.resolve_ticket(db, ticket_id, resolution=values["resolution"], at=at)
        else:
            crm.rate_ticket(db, ticket_id, rating=values["rating"], at=at)
        status = crm.read_table(db, "tickets").set_index("ticket_id").loc[ticket_id, "status"]
        return f"工单 {ticket_id} 已{step}，现在的状态：{status}。", ticket_id

    return _recorded(Form("处理工单（分派 → 解决 → 评价）", db, fields, action, button_label="确定",
                          choices={"ticket_id": lambda: _tickets(db), "staff_id": lambda: _staff(db)}),
                     "ticket_step_form", step)


# ---------------------------------------------------------------------------------------------
# 公司、员工、产品、订单、折扣审批、营销活动
# ---------------------------------------------------------------------------------------------


def _products(db) -> list:
    frame = crm.query(db, "SELECT product_id, name, price FROM products ORDER BY product_id")
    return [(NOT_CHOSEN, None), *[(f"{i} {n}（{p:g} 元）", int(i)) for i, n, p in frame.itertuples(index=False)]]


def _campaigns(db) -> list:
    frame = crm.query(db, "SELECT campaign_id, name FROM campaigns ORDER BY campaign_id")
    return [(NOT_CHOSEN, None), *[(f"{i} {n}", int(i)) for i, n in frame.itertuples(index=False)]]


def _percent(rate) -> str:
    return f"{rate * 100:g}%"


def _pending_orders(db) -> list:
    frame = crm.query(db, "SELECT o.order_id, c.name, o.amount, a.discount, a.threshold FROM approvals a "
                          "JOIN orders o ON o.order_id = a.order_id JOIN customers c ON c.customer_id = o.customer_id "
                          "WHERE a.status = '待审批' ORDER BY o.order_id")
    return [(NOT_CHOSEN, None), *[(f"订单 {i} {n} {a:,.2f} 元，最高折扣率 {_percent(d)}（上限 {_percent(t)}）", int(i))
                                  for i, n, a, d, t in frame.itertuples(index=False)]]


def _company_text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def company_form(db, *, step: str | None = None) -> Form:
    """我们公司的信息（调用 ``crm.setup_company``）：名称、地址、行业、主要经营产品、电话、邮箱和折扣率上限。

    已经登记过公司时，框里显示现在的信息，改好后再保存就是修改。折扣率上限 ``discount_threshold`` 是
    不用审批的最高折扣率：0.15 表示订单里任何一行便宜超过 15%（比八五折还便宜）时，订单要销售经理或管理员审批；
    不填是 0.1。
    """
    fields = {
        "name": _text("公司名称 *", "例如 晋阳办公家具有限公司"),
        "address": _text("地址"),
        "industry": _text("行业", "例如 办公家具批发零售"),
        "main_products": _text("主要经营产品", "例如 办公桌椅、文件柜"),
        "phone": _text("电话", "例如 0351-7010000"),
        "email": _text("电子邮箱"),
        "discount_threshold": _text("折扣率上限", "0.15 = 便宜超过 15%（比八五折还低）要审批；不填是 0.1"),
    }

    def load():
        company = crm.read_table(db, "company")
        for name, box in fields.items():
            box.value = _company_text(company[name].iloc[0]) if len(company) else ""

    def action(values):
        values["discount_threshold"] = _number(values["discount_threshold"])
        if values["discount_threshold"] is None:
            del values["discount_threshold"]
        crm.setup_company(db, **values)
        threshold = crm.read_table(db, "company")["discount_threshold"].iloc[0]
        return (f"已保存公司信息「{values['name']}」。折扣率上限 {threshold:g}：订单里任何一行便宜超过 "
                f"{_percent(threshold)} 时，订单要销售经理或管理员审批。", 1)

    form = _recorded(Form("我们公司的信息", db, fields, action), "company_form", step)
    load()
    return form


def staff_form(db, *, step: str | None = None) -> Form:
    """添加员工的表单（调用 ``crm.add_staff``）。角色从 ``crm.STAFF_ROLES`` 里选；销售经理和管理员可以审批折扣。"""
    fields = {
        "name": _text("员工姓名 *", "例如 王经理"),
        "role": _choice("角色", crm.STAFF_ROLES, value="销售代表"),
        "phone": _text("电话", "例如 13800138000"),
        "email": _text("电子邮箱"),
    }

    def action(values):
        new_id = crm.add_staff(db, **values)
        can = "，可以审批折扣" if values["role"] in crm.APPROVER_ROLES else ""
        return f"已添加员工「{values['name']}」（{values['role']}{can}），员工编号 {new_id}。", new_id

    return _recorded(Form("添加员工", db, fields, action), "staff_form", step)


def product_form(db, *, step: str | None = None) -> Form:
    """添加产品的表单（调用 ``crm.add_product``）：名称和标价必填，进价（成本）、品类、外部编号可不填。
    数字框空着就是没填（标价空着会提示必填，不会当成 0）。"""
    fields = {
        "name": _text("产品名称 *", "例如 人体工学办公椅"),
        "price": _text("标价（元） *", "只写数字，例如 1280"),
        "cost": _text("进价（元）", "成本，只写数字，可不填"),
        "category": _text("品类", "例如 办公椅"),
        "code": _text("外部编号", "可不填，例如 P-0001"),
    }

    def action(values):
        values.update(price=_number(values["price"]), cost=_number(values["cost"]))
        new_id = crm.add_product(db, **values)
        return f"已添加产品「{values['name']}」，产品编号 {new_id}，标价 {values['price']:g} 元。", new_id

    return _recorded(Form("添加产品", db, fields, action), "product_form", step)


class OrderLines(w.VBox):
    """订单表单里的明细行：每行一个产品下拉框、数量、折扣率和单价（不填按产品表的价格）。

    ``value`` 是选了产品的那些行：[{"product_id": 1, "quantity": 2, "discount": 0.2}, ...]（空着的数量、
    折扣率、单价不写进去，交给 ``crm.add_order`` 用默认值：折扣率 0，单价按产品表）；给 ``value`` 赋这样的列表
    就把它填进各行。``rows`` 是各行的输入框 {"product_id": 下拉框, "quantity"、"discount"、"unit_price": 文字框}。
    """

    def __init__(self, products: list, count: int):
        self.rows = [{
            "product_id": w.Dropdown(description=f"第 {n} 行 产品", options=products, value=None,
                                     style=_LABEL_STYLE, layout={"width": "26em"}),
            "quantity": w.Text(description="数量", value="1", style={"description_width": "3em"},
                               layout={"width": "9em"}),
            "discount": w.Text(description="折扣率", placeholder="0.2=八折", style={"description_width": "4em"},
                               layout={"width": "12em"}),
            "unit_price": w.Text(description="单价", placeholder="不填按产品价", style={"description_width": "3em"},
                                 layout={"width": "12em"}),
        } for n in range(1, count + 1)]
        super().__init__([w.HBox(list(row.values())) for row in self.rows])

    @property
    def value(self) -> list[dict]:
        lines = []
        for row in self.rows:
            if row["product_id"].value is None:
                continue
            line = {"product_id": row["product_id"].value, "quantity": _number(row["quantity"].value.strip() or None),
                    "discount": _number(row["discount"].value.strip() or None),
                    "unit_price": _number(row["unit_price"].value.strip() or None)}
            lines.append({key: value for key, value in line.items() if value is not None})
        return lines

    @value.setter
    def value(self, lines) -> None:
        if len(lines) > len(self.rows):
            raise CRMDataError(f"lines（订单明细）有 {len(lines)} 行，表单只有 {len(self.rows)} 行。"
                               f"请用 order_form(db, lines={len(lines)}) 建一个行数够的表单。")
        for number, row in enumerate(self.rows):
            line = lines[number] if number < len(lines) else {}
            row["product_id"].value = line.get("product_id")
            row["quantity"].value = str(line.get("quantity", "1" if not line else ""))
            row["discount"].value = "" if line.get("discount") is None else str(line["discount"])
            row["unit_price"].value = "" if line.get("unit_price") is None else str(line["unit_price"])

    def set_products(self, products: list) -> None:
        for row in self.rows:
            _set_options(row["product_id"], products)


_ROWS_NOTE = "（行号只数选了产品的行。）"


def order_form(db, *, lines: int = 3, step: str | None = None) -> Form:
    """录入订单的表单（调用 ``crm.add_order``）：客户必填；销售员、来自哪个营销活动、下单时间（不填是现在）、
    下单渠道、支付方式可不填；下面 ``lines`` 行明细，每行选产品、填数量和折扣率（0.2 表示便宜 20%，即八折；
    不填是 0）。没选产品的行不算，至少要有一行。

    保存后提示订单编号、金额和状态（从数据库读出来的）：任何一行的折扣率超过公司的折扣率上限时，订单是
    “待审批”，要在 ``approval_form`` 里由销售经理或管理员审批。
    """
    if isinstance(lines, bool) or not isinstance(lines, int) or not 1 <= lines <= 20:
        raise CRMDataError(f"lines（明细行数）应该是 1 到 20 的整数，收到的是 {lines!r}。")
    fields = {
        "customer_id": _choice("客户 *", _customers(db)),
        "staff_id": _choice("销售员", _staff(db)),
        "campaign_id": _choice("来自营销活动", _campaigns(db)),
        "order_time": _text("下单时间", "不填是现在；例如 2026-08-21 11:00"),
        "channel": _text("下单渠道", "例如 门店、电话、微信"),
        "payment": _text("支付方式", "例如 微信支付、银行转账"),
        "lines": OrderLines(_products(db), lines),
    }

    def action(values):
        if not values["lines"]:
            raise CRMDataError("lines（订单明细）：至少要在一行里选一个产品并填数量（没选产品的行不算）。")
        for number, line in enumerate(values["lines"], start=1):
            if "quantity" not in line:
                raise CRMDataError(f"lines 第 {number} 行的 quantity（数量） 是必填项：选了产品就要填数量。"
                                   f"{_ROWS_NOTE}")
        try:
            order_id = crm.add_order(db, **values)
        except CRMDataError as error:
            if "lines 第" in str(error):
                raise CRMDataError(f"{error}{_ROWS_NOTE}") from error
            raise
        row = crm.query(db, "SELECT o.amount, o.status, a.discount, a.threshold FROM orders o LEFT JOIN approvals a "
                            "ON a.order_id = o.order_id WHERE o.order_id = :i", i=order_id).iloc[0]
        text = f"已录入订单，订单编号 {order_id}，金额 {row['amount']:,.2f} 元，状态：{row['status']}。"
        if row["status"] == "待审批":
            text += (f"最高折扣率 {_percent(row['discount'])} 超过了公司的折扣率上限 {_percent(row['threshold'])}，"
                     "要销售经理或管理员在“审批折扣”表单里审批。")
        return text, order_id

    return _recorded(Form("录入订单", db, fields, action, choices={
        "customer_id": lambda: _customers(db), "staff_id": lambda: _staff(db), "campaign_id": lambda: _campaigns(db),
        "lines": lambda: _products(db)}), "order_form", step)


_DECISIONS = (("批准", True), ("驳回", False))


def approval_form(db, *, step: str | None = None) -> Form:
    """审批折扣的表单（调用 ``crm.approve_discount``）：订单下拉框只列出“待审批”的订单（客户、金额、折扣率）。
    审批人必须是销售经理或管理员（``crm.APPROVER_ROLES``）；批准后订单“已完成”，驳回后“已取消”。"""
    fields = {
        "order_id": _choice("待审批订单 *", _pending_orders(db)),
        "approver_id": _choice("审批人 *", _staff(db)),
        "approve": w.ToggleButtons(description="审批结果", options=_DECISIONS, value=True, style=_LABEL_STYLE),
        "comment": _text("审批意见", "例如 老客户，同意"),
    }

    def action(values):
        if values["order_id"] is None:
            raise CRMDataError("order_id（订单）：请先在“待审批订单”下拉框里选一个订单。")
        if values["approver_id"] is None:
            raise CRMDataError("approver_id（审批人）：请选一位销售经理或管理员。")
        crm.approve_discount(db, **values)
        status = crm.read_table(db, "orders").set_index("order_id").loc[values["order_id"], "status"]
        decision = "批准" if values["approve"] else "驳回"
        return f"订单 {values['order_id']} 的折扣已{decision}，订单状态：{status}。", values["order_id"]

    return _recorded(Form("审批折扣", db, fields, action, button_label="审批", choices={
        "order_id": lambda: _pending_orders(db), "approver_id": lambda: _staff(db)}), "approval_form", step)


def campaign_form(db, *, step: str | None = None) -> Form:
    """登记营销活动的表单（调用 ``crm.add_campaign``）：名称必填且不能重复；目标客户数和活动费用不填是 0。"""
    fields = {
        "name": _text("活动名称 *", "例如 2026 开学季满减"),
        "channel": _text("渠道", "例如 微信、短信、展销会"),
        "start_date": _text("开始日期", "例如 2026-09-01"),
        "end_date": _text("结束日期", "例如 2026-09-15"),
        "targeted": _text("目标客户数", "触达了多少位客户，不填是 0"),
        "cost": _text("活动费用（元）", "只写数字，不填是 0"),
        "owner_id": _choice("负责员工", _staff(db)),
    }

    def action(values):
        for name in ("targeted", "cost"):
            values[name] = _number(values[name])
            if values[name] is None:
                del values[name]
        new_id = crm.add_campaign(db, **values)
        return f"已登记营销活动「{values['name']}」，营销活动编号 {new_id}。", new_id

    return _recorded(Form("登记营销活动", db, fields, action, choices={"owner_id": lambda: _staff(db)}),
                     "campaign_form", step)


def response_form(db, *, step: str | None = None) -> Form:
    """记录客户对营销活动的回应（调用 ``crm.record_response``）：感兴趣、已购买或不感兴趣，每位客户每个活动记一次。"""
    fields = {
        "campaign_id": _choice("营销活动 *", _campaigns(db)),
        "customer_id": _choice("客户 *", _customers(db)),
        "response": _choice("回应", crm.RESPONSE_TYPES),
        "responded_at": _text("回应时间", "不填是现在；例如 2026-09-03 15:00"),
    }

    def action(values):
        new_id = crm.record_response(db, **values)
        return (f"已记录客户 {values['customer_id']} 对营销活动 {values['campaign_id']} 的回应：{values['response']}，"
                f"回应编号 {new_id}。"), new_id

    return _recorded(Form("记录营销回应", db, fields, action, choices={
        "campaign_id": lambda: _campaigns(db), "customer_id": lambda: _customers(db)}), "response_form", step)


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
