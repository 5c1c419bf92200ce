"""客户流失与留存：按“沉默窗口”判断谁流失了，按首购月份（同期群）算留存率。

流失的定义（本课程）：到分析日期为止，最近 ``window_days`` 天里没有一笔已完成的订单，就算流失。
留存曲线：把客户按第一次购买的月份分成同期群（cohort），看每一群在之后第 1、2、3…… 个月还有多少人回来购买
（Fader, P. S. & Hardie, B. G. S. 2007. How to project customer retention. *Journal of Interactive Marketing*,
21(1), 76–90）。
"""

from __future__ import annotations

import numbers

import pandas as pd

from crm_lab.data import CRMDataError, check_columns

__all__ = ["churn_status", "cohort_retention"]

DONE_STATUS = "已完成"


def _completed(orders, *, customer, date, status, done, table="订单表（orders 参数）"):
    """只留下已完成的订单，返回 (客户编号, 日期) 两列的表和排除的行数。"""
    required = [customer, date] + ([status] if status is not None else [])
    check_columns(orders, required, table=table)
    data = orders[required].copy()
    if data[customer].isna().any():
        rows = list(data.index[data[customer].isna()][:5])
        raise CRMDataError(f"{table}的列 {customer} 有空的客户编号（行 {rows}）。请补上或先删掉这些行。")
    when = pd.to_datetime(data[date], errors="coerce", format="mixed")
    bad = when.isna() & data[date].notna()
    if bad.any():
        rows = list(data.index[bad][:5])
        raise CRMDataError(f"{table}的日期列 {date} 有读不懂的日期（行 {rows}）。"
                           "请写成 2025-03-01 这样的格式，或用 pd.to_datetime 先转换。")
    data["_date"] = when.dt.normalize()
    excluded = 0
    if status is not None:
        keep = data[status].astype(str) == str(done)
        excluded = int((~keep).sum())
        data = data[keep]
    data = data[data["_date"].notna()]
    if data.empty:
        raise CRMDataError(f"{table}里没有状态为“{done}”的订单，无法判断流失和留存。请检查 status 和 done 参数。")
    return data, excluded


def churn_status(orders: pd.DataFrame, *, analysis_date=None, window_days: int = 90, customer: str = "customer_id",
                 date: str = "order_time", status: str | None = "status", done: str = DONE_STATUS) -> pd.DataFrame:
    """每位客户在分析日期的流失状态：最近 ``window_days`` 天里没有已完成的订单就算流失。

    公式：沉默天数 = 分析日期 − 最后一次购买的日期；沉默天数 > ``window_days`` → 流失（``churned`` = 1）。
    只看分析日期之前（不含当天）买过东西的客户；退货、已取消的订单不算购买（排除的行数记在报告里）。

    参数
    ----
    orders : 订单表，每行一个订单，例如 ``load_dataset("shop_orders")``。
    analysis_date : 分析日期，例如 ``"2026-06-30"``；默认是最后一笔订单的第二天。
    window_days : 沉默窗口（天），默认 90，必须是正整数。
    customer, date, status : 客户编号、下单时间、订单状态所在的列名；``status=None`` 表示全部订单都算。
    done : 算作购买的状态，默认 ``"已完成"``。

    返回
    ----
    DataFrame，每位客户一行（行索引是客户编号），列 ``first_order``、``last_order``、``orders``（已完成订单数）、
    ``days_silent``（沉默天数）、``churned``（0/1）。``attrs["report"]`` 里有 ``分析日期``、``沉默窗口``、
    ``排除的订单数``、``客户数``、``流失客户数``、``流失率``。

    例子
    ----
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["C1", "C1", "C2", "C3", "C3"],
    ...     "order_time": ["2025-01-05", "2025-05-20", "2025-02-01", "2025-03-01", "2025-06-01"],
    ...     "status": ["已完成", "已完成", "已完成", "已完成", "退货"],
    ... })
    >>> table = churn_status(orders, analysis_date="2025-06-30", window_days=90)
    >>> table[["orders", "days_silent", "churned"]]  # doctest: +NORMALIZE_WHITESPACE
                 orders  days_silent  churned
    customer_id
    C1                2           41        0
    C2                1          149        1
    C3                1          121        1
    >>> round(table.attrs["report"]["流失率"], 3)
    0.667
    """
    if isinstance(window_days, bool) or not isinstance(window_days, numbers.Integral) or window_days < 1:
        raise CRMDataError(f"window_days（沉默窗口天数）应该是正整数，例如 90。收到 {window_days!r}。")
    data, excluded = _completed(orders, customer=customer, date=date, status=status, done=done)
    if analysis_date is None:
        day = data["_date"].max() + pd.Timedelta(days=1)
    else:
        day = pd.to_datetime(analysis_date, errors="coerce")
        if pd.isna(day):
            raise CRMDataError(f"analysis_date（分析日期）读不懂：{analysis_date!r}。"
                               "请写成 \"2026-06-30\" 这样的日期。")
        day = day.normalize()
    before = data[data["_date"] < day]
    if before.empty:
        raise CRMDataError(f"分析日期 analysis_date={day.date()} 之前没有已完成的订单（最早的订单在 "
                           f"{data['_date'].min().date()}）。请选一个更晚的分析日期。")
    groups = before.groupby(customer, sort=True)["_date"]
    table = pd.DataFrame({"first_order": groups.min(), "last_order": groups.max(),
                          "orders": groups.size().astype("int64")})
    table["days_silent"] = (day - table["last_order"]).dt.days.astype("int64")
    table["churned"] = (table["days_silent"] > int(window_days)).astype("int64")
    table.index.name = customer
    table.attrs["report"] = {
        "分析日期": day, "沉默窗口": int(window_days), "排除的订单数": excluded,
        "客户数": len(table), "流失客户数": int(table["churned"].sum()), "流失率": float(table["churned"].mean()),
    }
    return table


def cohort_retention(orders: pd.DataFrame, *, period: str = "M", customer: str = "customer_id",
                     date: str = "order_time", status: str | None = "status", done: str = DONE_STATUS,
                     share: bool = True) -> pd.DataFrame:
    """同期群留存表：按第一次购买的月份（或季度）把客户分群，看每群在之后每个月还有多少人购买。

    第 0 期是首购的那个月（留存率 100%）；第 k 期的留存率 = 第 k 期有已完成订单的人数 ÷ 该群的人数。
    数据还没观察到的格子是空值（不是 0）。

    参数
    ----
    orders : 订单表，例如 ``load_dataset("shop_orders")``。
    period : ``"M"`` 按月（默认）或 ``"Q"`` 按季度。
    customer, date, status, done : 与 ``churn_status`` 相同。
    share : ``True``（默认）给出留存率（0～1），``False`` 给出人数。

    返回
    ----
    DataFrame：行索引 ``cohort``（首购月份，如 ``"2025-01"``），列 ``0, 1, 2, ……``（首购之后第几期）。
    ``attrs["sizes"]`` 是每群的人数（Series），``attrs["report"]`` 里有 ``排除的订单数``、``同期群数``、``客户数``。

    例子
    ----
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["C1", "C1", "C2", "C2", "C3", "C3"],
    ...     "order_time": ["2025-01-05", "2025-02-10", "2025-01-20", "2025-03-02", "2025-02-03", "2025-03-15"],
    ...     "status": ["已完成"] * 6,
    ... })
    >>> cohort_retention(orders)  # doctest: +NORMALIZE_WHITESPACE
    period    0    1    2
    cohort
    2025-01  1.0  0.5  0.5
    2025-02  1.0  1.0  NaN
    >>> cohort_retention(orders).attrs["sizes"].to_dict()
    {'2025-01': 2, '2025-02': 1}
    """
    if period not in ("M", "Q"):
        raise CRMDataError(f"period 只能是 \"M\"（按月）或 \"Q\"（按季度），收到 {period!r}。")
    data, excluded = _completed(orders, customer=customer, date=date, status=status, done=done)
    data["_period"] = data["_date"].dt.to_period(period)
    first = data.groupby(customer)["_period"].transform("min")
    data["_offset"] = (data["_period"] - first).map(lambda offset: offset.n).astype("int64")
    data["cohort"] = first.astype(str)
    active = data.drop_duplicates([customer, "_offset"])
    counts = active.pivot_table(index="cohort", columns="_offset", values=customer, aggfunc="count")
    last = data["_period"].max()
    cohorts = pd.PeriodIndex(counts.index, freq=period)
    observable = pd.DataFrame({k: [(last - c).n >= k for c in cohorts] for k in counts.columns}, index=counts.index)
    counts = counts.fillna(0).where(observable)
    sizes = counts[0].astype("int64")
    table = counts.div(sizes, axis=0) if share else counts
    table.columns = pd.Index([int(c) for c in table.columns], name="period")
    table.index.name = "cohort"
    table.attrs["sizes"] = sizes.rename("size")
    table.attrs["report"] = {"排除的订单数": excluded, "同期群数": len(table), "客户数": int(sizes.sum())}
    return table
