import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

cells = []
SLIDE = {"slideshow": {"slide_type": "slide"}}
SUB = {"slideshow": {"slide_type": "subslide"}}


def md(text, meta=None):
    cells.append(new_markdown_cell(text.strip("\n"), metadata=meta or {}))


def code(text, meta=None):
    cells.append(new_code_cell(text.strip("\n"), metadata=meta or {}))


def answer(grade_id, text):
    code(text, {"nbgrader": {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3,
                             "solution": True, "task": False}})


def test(grade_id, points, text):
    code(text, {"nbgrader": {"grade": True, "grade_id": grade_id, "locked": True, "points": points,
                             "schema_version": 3, "solution": False, "task": False},
                "slideshow": {"slide_type": "skip"}})


def manual(grade_id, points, text):
    md(text, {"nbgrader": {"grade": True, "grade_id": grade_id, "locked": False, "points": points,
                           "schema_version": 3, "solution": True, "task": False},
              "slideshow": {"slide_type": "skip"}})


md("""
# 模块四 客户流失分析与客户关系维护

校园展销会商城两年里有两千多位买过东西的客户，可是很多人买过一两次就再也没有回来。这一模块回答：
**谁算流失了？为什么流失？能不能提前发现？发现之后怎样关怀、怎样把客户变成忠诚客户？**

**本模块地图：** 1 用沉默窗口定义流失 → 2 同期群留存曲线 → 3 流失类型与原因 → 4 流失预警模型（草稿未完成）
→ 5 客户关怀计划 → 6 客户忠诚 → 用你自己的数据 → 书面作业 → 本章小结和思考题。

> 草稿（WIP）：学习目标、重点、难点要换成教学大纲模块四的原话（seeds/000）；第 4～6 节还没写。
""", SLIDE)

code("""
import pandas as pd
import crm_lab
from crm_lab.retention import churn_status, cohort_retention
from crm_lab.plots import plot_retention_curves, use_chinese_font

use_chinese_font()
orders = crm_lab.load_dataset("shop_orders")
tickets = crm_lab.load_dataset("shop_tickets")
ANALYSIS_DATE = "2026-09-01"
print(f"订单 {len(orders)} 笔，从 {orders['order_time'].min():%Y-%m-%d} 到 {orders['order_time'].max():%Y-%m-%d}")
""")

md("""
## 1. 用沉默窗口定义流失

商城不是按月付费的会员制，客户不会“退订”，只会**不再来买**。所以先约定一个**沉默窗口**：

**沉默天数 = 分析日期 − 最后一次购买的日期；沉默天数 > 窗口 → 流失。**　流失率 = 流失客户数 ÷ 客户数。

先在三位客户的小例子上手算，再交给 `churn_status`。
""", SLIDE)

code("""
small = pd.DataFrame({
    "customer_id": ["C1", "C1", "C2", "C3", "C3"],
    "order_time": ["2025-01-05", "2025-05-20", "2025-02-01", "2025-03-01", "2025-06-01"],
    "status": ["已完成", "已完成", "已完成", "已完成", "退货"],
})
done = small[small["status"] == "已完成"].assign(order_time=lambda d: pd.to_datetime(d["order_time"]))
last = done.groupby("customer_id")["order_time"].max()
silent = (pd.Timestamp("2025-06-30") - last).dt.days
print("手算的沉默天数：", silent.to_dict())
print("手算的流失：", (silent > 90).astype(int).to_dict())
print(churn_status(small, analysis_date="2025-06-30", window_days=90)[["days_silent", "churned"]])
""")

md("""
窗口定多长，流失率就差很多。下面对同一天、同一批客户换三种窗口：
""")

code("""
rates = pd.Series({w: churn_status(orders, analysis_date=ANALYSIS_DATE, window_days=w).attrs["report"]["流失率"]
                   for w in (90, 180, 365)}, name="流失率")
rates.index.name = "沉默窗口（天）"
print(rates.map("{:.1%}".format))
""")

md("""
### 练习 1：半年窗口的流失率

用 `churn_status` 算出分析日期 `ANALYSIS_DATE` 时、沉默窗口 180 天的流失率（0～1 之间的小数），存进 `churn_rate_180`。
""")

answer("ex1_churn_rate", """
### BEGIN SOLUTION
churn_rate_180 = churn_status(orders, analysis_date=ANALYSIS_DATE, window_days=180)["churned"].mean()
### END SOLUTION
print(f"180 天窗口的流失率：{churn_rate_180:.1%}")
""")

test("ex1_churn_rate_test", 1, """
assert 0 < churn_rate_180 < 1, "流失率应该是 0～1 之间的小数，不是百分数，也不是人数。"
assert churn_rate_180 < rates[90], "窗口越长，算作流失的人越少：检查 window_days 是不是写成了 90。"
### BEGIN HIDDEN TESTS
_d = orders[orders["status"] == "已完成"]
_t = pd.to_datetime(_d["order_time"]).dt.normalize()
_last = _t[_t < ANALYSIS_DATE].groupby(_d["customer_id"]).max()
assert abs(churn_rate_180 - ((pd.Timestamp(ANALYSIS_DATE) - _last).dt.days > 180).mean()) < 1e-9
### END HIDDEN TESTS
""")

md("""
## 2. 同期群留存曲线

把客户按**第一次购买的月份**分群（同期群，cohort），看每一群在之后第 1、2、3…… 个月还有多少人回来买
（Fader & Hardie, 2007）。第 k 期留存率 = 第 k 期有已完成订单的人数 ÷ 该群人数。
""", SLIDE)

code("""
retention = cohort_retention(orders)
print(retention.iloc[:6, :7].round(2))
""")

code("""
ax = plot_retention_curves(retention.iloc[:6])
""")

md("""
### 练习 2：一个同期群第 3 个月的留存率

2024-10 首购的客户，第 3 个月（首购之后的第 3 期）有多少比例还回来买？请**不用** `cohort_retention`，
从 `orders` 手算，存进 `retention_oct_m3`，再和上表比较。
""")

answer("ex2_cohort", """
### BEGIN SOLUTION
_done = orders[orders["status"] == "已完成"].assign(month=lambda d: pd.to_datetime(d["order_time"]).dt.to_period("M"))
_first = _done.groupby("customer_id")["month"].min()
_members = _first.index[_first == pd.Period("2024-10", "M")]
_back = _done[_done["customer_id"].isin(_members) & (_done["month"] == pd.Period("2025-01", "M"))]
retention_oct_m3 = _back["customer_id"].nunique() / len(_members)
### END SOLUTION
print(f"2024-10 同期群第 3 期留存率：{retention_oct_m3:.1%}")
""")

test("ex2_cohort_test", 1, """
assert 0 < retention_oct_m3 < 1, "留存率是回来的人数 ÷ 群的人数，应在 0～1 之间。"
### BEGIN HIDDEN TESTS
assert abs(retention_oct_m3 - cohort_retention(orders).loc["2024-10", 3]) < 1e-9, \\
    "和 cohort_retention 的结果不一致：首购月份只看已完成的订单，第 3 期是 2025-01。"
### END HIDDEN TESTS
""")

md("""
## 3. 流失的类型与原因

常见的流失类型：**自然流失**（搬家、毕业、需求消失）、**竞争流失**（被对手的价格或服务吸引走）、
**过失流失**（企业自己的产品或服务出了问题）。工单里的 `reason` 能帮我们分辨后两种。
""", SLIDE)

code("""
status = churn_status(orders, analysis_date=ANALYSIS_DATE, window_days=180)
with_churn = tickets.merge(status[["churned"]], left_on="customer_id", right_index=True, how="inner")
reason_rate = with_churn.groupby("reason")["churned"].mean().sort_values(ascending=False)
print(reason_rate.map("{:.1%}".format))
""")

nb = new_notebook(cells=cells, metadata={"kernelspec": {"display_name": "Python 3", "language": "python",
                                                         "name": "python3"}, "language_info": {"name": "python"}})
import pathlib
pathlib.Path("solutions/m4_churn_retention").mkdir(parents=True, exist_ok=True)
nbformat.write(nb, "solutions/m4_churn_retention/m4_churn_retention.ipynb")
