"""客户价值：RFM、八类客户细分、客户终身价值（CLV）、客户生命周期阶段、ABC（帕累托）分析、LRFMC、BG/NBD。

- ``rfm_table(transactions)``：由交易表算出每位客户的 R（最近一次购买距今天数）、F（购买次数）、M（消费金额）；
- ``rfm_scores(rfm)``：把 R、F、M 换成 1～5 分（分数越高越好）；
- ``rfm_segment(rfm)`` 和 ``segment_summary(segmented)``：八类客户（重要价值客户 …… 一般挽留客户）及每类的策略；
- ``clv_historical(...)``：历史客户终身价值 = 累计毛利；``clv_predictive(...)``：按保留率预测的客户终身价值；
- ``lifecycle_stage(rfm)``：考察期 / 形成期 / 稳定期 / 退化期，规则可以改；
- ``abc_analysis(values)``：ABC 分类（A 类 = 贡献前 80% 的客户或商品）；
- ``lrfmc_table(members)``：航空公司常旅客的 LRFMC 模型（入会时长、最近乘机、乘机次数、里程、平均折扣）
  及其标准化；
- 进阶：概率模型预测 CLV。``summary_from_transactions`` 整理汇总表，``fit_bgnbd``（BG/NBD：客户还会来买
  几次、还“活着”的概率 ``probability_alive``、``expected_purchases``），``fit_gamma_gamma``（每次花多少：
  ``expected_average_value``），``clv_bgnbd_gg`` 把两者合成折现的 CLV。

统一约定
--------
* **表进表出**：参数是 pandas 的 DataFrame 或 Series，结果也是；列名用英文，说明用中文。
* **出错就说清楚**：不合格的输入一律抛出 ``CRMDataError``，消息说明哪一列、哪几行（行号是 DataFrame 的
  行索引，可以用 ``df.loc[[行号, ...]]`` 查看）、出了什么问题、怎么改。
* **不悄悄丢数据**：被排除的行（退货/取消的订单、没有客户编号的行，以及 ``duplicates="drop"`` 时删掉的
  重复行）不报错，但会计数，记在结果的 ``result.attrs["report"]`` 里。它是一个键为中文的字典，各函数往里
  添加自己的内容，并沿着 ``rfm_table → rfm_scores → rfm_segment``（以及 ``lifecycle_stage``、
  ``clv_historical``）一路传下去。``rfm_table`` 和 ``clv_historical`` 写入的键是：

  - ``输入行数``：交易表原有的行数；
  - ``重复行``：与前面某一行完全相同的行数（见下文 ``duplicates=``）；
  - ``删除的重复行``：其中被删掉的行数（``duplicates="drop"`` 时）；
  - ``排除的退货/取消行``：``status`` 列的值属于 ``exclude_status`` 的行数；
  - ``排除的状态明细``：上一项按状态分开计数，例如 ``{"退货": 553, "已取消": 379}``；
  - ``排除的缺少客户编号行``：客户编号为空的行数（先按状态排除，剩下的再看客户编号）；
  - ``计入的交易行数``：真正参与计算的行数 = 输入行数 − 删除的重复行 − 两类排除的行；
  - ``客户数``：结果里的客户数；
  - ``分析日期``：（仅 ``rfm_table``）计算 R 的基准日；
  - ``来源``：（交易表由 ``read_table`` / ``load_dataset`` 读入时）文件路径。

  其他函数添加的键：``rfm_scores`` 的 ``评分方法``；``rfm_segment`` 的 ``细分比较``、``细分基准值``；
  ``clv_historical`` 的 ``毛利计算``；``lifecycle_stage`` 的 ``生命周期规则``、``未归类客户``；
  ``abc_analysis``（从新的字典开始）的 ``输入行数``、``排除的缺少 <by> 的行``、``项目数``、``总计``、
  ``各类项目数``；``lrfmc_table``、``summary_from_transactions``、``fit_bgnbd``、``fit_gamma_gamma`` 的键见
  各自的说明。

* **完全相同的重复行**（每一列都一样）默认报错（``duplicates="error"``），因为它们多半是重复导出；
  ``duplicates="drop"`` 删掉它们并计数，``duplicates="keep"`` 保留（例如同一天买了两次同样的东西，
  而表里没有订单号）。
* **缺少客户编号**（空值或空白文字）的行排除并计数，不报错：线上订单里常有“游客下单”。
  金额、日期等其他列的空值或错值一律报错，因为它们无法判断该怎么处理。
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
import pandas as pd
from scipy import optimize, special

from crm_lab.data import CRMDataError, check_columns

__all__ = [
    "BGNBD_PARAMS",
    "EXCLUDED_STATUSES",
    "GAMMA_GAMMA_PARAMS",
    "LIFECYCLE_RULES",
    "LRFMC_COLUMNS",
    "RFM_COLUMNS",
    "SEGMENT_STRATEGIES",
    "abc_analysis",
    "bgnbd_log_likelihood",
    "clv_bgnbd_gg",
    "clv_historical",
    "clv_predictive",
    "expected_average_value",
    "expected_purchases",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "lifecycle_stage",
    "lrfmc_table",
    "probability_alive",
    "rfm_scores",
    "rfm_segment",
    "rfm_table",
    "segment_summary",
    "summary_from_transactions",
]

# 订单状态是这些值的行不算购买（比较时忽略首尾空格和英文大小写）。
EXCLUDED_STATUSES = ("退货", "已取消", "returned", "cancelled")

RFM_COLUMNS = ["recency", "frequency", "monetary"]

# 八类客户的固定顺序和一句话策略。R 好 = 最近买过；F 高 = 买得多；M 高 = 花得多。
SEGMENT_STRATEGIES = {
    "重要价值客户": "最近常来、花得多（R好 F高 M高）：重点维护，提供 VIP 专属服务和新品优先体验。",
    "重要发展客户": "最近来过、花得多但次数少（R好 F低 M高）：用积分、满减和定期提醒提高购买频率。",
    "重要保持客户": "以前常来、花得多，但很久没来（R差 F高 M高）：主动回访，了解原因，防止流失。",
    "重要挽留客户": "花得多，但来得少、很久没来（R差 F低 M高）：重点挽回，调查流失原因，给出回归优惠。",
    "一般价值客户": "最近常来但花得少（R好 F高 M低）：推荐搭配和更高档的商品，提高客单价。",
    "一般发展客户": "最近来过、次数少、花得少，多为新客户（R好 F低 M低）：做好新客关怀，用小额优惠促成再次购买。",
    "一般保持客户": "以前常来但花得少、很久没来（R差 F高 M低）：用短信、公众号推送等低成本方式唤醒。",
    "一般挽留客户": "很久没来、来得少、花得少（R差 F低 M低）：低成本维系，不必投入过多营销费用。",
}

_SEGMENT_BY_LEVELS = {  # (R 好, F 高, M 高) -> 客户类别
    (True, True, True): "重要价值客户",
    (True, False, True): "重要发展客户",
    (False, True, True): "重要保持客户",
    (False, False, True): "重要挽留客户",
    (True, True, False): "一般价值客户",
    (True, False, False): "一般发展客户",
    (False, True, False): "一般保持客户",
    (False, False, False): "一般挽留客户",
}

# 客户生命周期阶段的默认规则：键是阶段，值是条件（pandas 的 DataFrame.eval 表达式，可以用表里的任何列）。
# 从上往下判断，客户落在第一个满足的阶段；一条都不满足的记为“未归类”。
# 默认规则只用 RFM 表里的两列：recency（几天没买）和 frequency（买了几次）。
# 180 天与课程数据的流失定义（最后 180 天没有下单）一致；老师可以复制后修改，例如
#     rules = dict(LIFECYCLE_RULES, 退化期="recency > 90")
LIFECYCLE_RULES = {
    "考察期": "frequency == 1 and recency <= 180",      # 最近半年第一次来，只买过 1 次：双方还在相互了解
    "形成期": "2 <= frequency <= 4 and recency <= 180",  # 最近半年还在买，买过 2～4 次：交易在增加
    "稳定期": "frequency >= 5 and recency <= 180",       # 最近半年还在买，买过 5 次及以上：关系稳定
    "退化期": "recency > 180",                           # 超过半年（180 天）没有购买：关系在冷却
}
UNCLASSIFIED_STAGE = "未归类"

_FREQUENCY_CHOICES = {"orders": "订单数", "days": "购买天数"}
_STATUS_COLUMN_GUESSES = ("status", "订单状态", "状态")


# ---------------------------------------------------------------------------------------------
# 1. RFM
# ---------------------------------------------------------------------------------------------


def rfm_table(transactions: pd.DataFrame, *, customer: str = "customer_id", date: str = "order_date",
              amount: str = "amount", order: str | None = None, status: str | None = None,
              exclude_status=EXCLUDED_STATUSES, analysis_date=None, frequency: str = "orders",
              duplicates: str = "error") -> pd.DataFrame:
    """由交易表计算每位客户的 RFM：最近一次购买距今几天、买了几次、一共花了多少钱。

    参数
    ----
    transactions : 交易表（订单表），每行一笔交易（或订单中的一行商品）。
    customer, date, amount : 客户编号、交易日期、金额所在的列名。日期可以是日期类型，
        也可以是 “2024-06-01”“2024/6/1”“2024年6月1日” 这样的文字；金额必须大于 0。
    order : 订单号所在的列名（可选）。同一个订单有多行时（订单明细），F 按不同订单号计数。
    status : 订单状态所在的列名（可选）。状态属于 ``exclude_status`` 的行（默认：退货、已取消、
        returned、cancelled，不分英文大小写、忽略首尾空格）不算购买，排除后计数。没写 ``status`` 而表里
        有名为 status / 订单状态 / 状态 的列、其中又有这些值时会报错，免得把退货悄悄算成购买。
    analysis_date : 分析日期，R = 分析日期 − 最后一次购买的日期（按日历天数）。
        默认是最后一笔交易的第二天，所以最近一次购买在最后一天的客户 R = 1。
    frequency : F 怎么数。``"orders"``（默认）：给了 ``order`` 就数不同的订单号，没给就数行数（每行一单）；
        ``"days"``：数有购买的不同日期（同一天买几次只算一次）。
    duplicates : 完全相同的重复行怎么办：``"error"``（默认，报错）、``"drop"``（删掉并计数）、``"keep"``（保留）。

    返回
    ----
    DataFrame，每位客户一行（行索引是客户编号，按编号排序），三列：``recency``（天，整数）、
    ``frequency``（次，整数）、``monetary``（金额之和）。排除了哪些行见 ``result.attrs["report"]``
    （模块说明里有每个键的含义）。

    例子
    ----
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["C1", "C1", "C2", "C3", "C3", "C3"],
    ...     "order_date": ["2024-06-01", "2024-06-20", "2024-05-15", "2024-06-25", "2024-06-28", "2024-06-28"],
    ...     "amount": [100.0, 50.0, 80.0, 20.0, 30.0, 30.0],
    ...     "status": ["已完成", "已完成", "已完成", "已完成", "已完成", "退货"],
    ... })
    >>> rfm = rfm_table(orders, status="status")
    >>> rfm  # doctest: +NORMALIZE_WHITESPACE
                 recency  frequency  monetary
    customer_id
    C1                 9          2     150.0
    C2                45          1      80.0
    C3                 1          2      50.0
    >>> rfm.attrs["report"]["排除的退货/取消行"], str(rfm.attrs["report"]["分析日期"].date())
    (1, '2024-06-29')
    """
    _check_choice("frequency", frequency, _FREQUENCY_CHOICES)
    kept, report, customers = _clean_transactions(
        transactions, customer=customer, amount=amount, date=date, order=order, status=status,
        exclude_status=exclude_status, duplicates=duplicates,
    )
    last_day = kept["_date"].max().normalize()
    if analysis_date is None:
        analysis_day = last_day + pd.Timedelta(days=1)
    else:
        analysis_day = _parse_analysis_date(analysis_date)
        late = kept["_date"] >= analysis_day + pd.Timedelta(days=1)  # 发生在分析日期之后的某一天
        if late.any():
            raise CRMDataError(
                f"有交易发生在分析日期 {analysis_day.date()} 之后（列 {date}）：{_rows(late, kept['_date'])}。"
                f"R（距今天数）不能是负数。请把 analysis_date 改到 {last_day.date()} 或更晚，"
                f"或先只保留分析日期之前的交易，例如 df[df[{date!r}] <= {str(analysis_day.date())!r}]。"
            )

    # 按客户的整数编码汇总（编码按客户编号排好序）；numpy 的 bincount / maximum.at 比按文字分组快得多
    codes = kept["_code"].to_numpy()
    rows_per_customer = np.bincount(codes, minlength=len(customers))
    present = np.flatnonzero(rows_per_customer)
    stamps = kept["_date"].to_numpy()
    last = np.full(len(customers), np.iinfo(np.int64).min)
    np.maximum.at(last, codes, stamps.view(np.int64))
    last_purchase = pd.Series(last[present].view(stamps.dtype)).dt.normalize()  # 最后一天 = 最后一刻所在的那天
    if frequency == "days":
        counts = kept["_date"].dt.normalize().groupby(codes, sort=True).nunique().to_numpy()
    elif order is not None:  # 每个订单只属于一位客户（_clean_transactions 已检查）：数每位客户有几个订单
        owner = np.empty(kept["_order"].max() + 1, dtype=np.int64)
        owner[kept["_order"].to_numpy()] = codes
        counts = np.bincount(owner, minlength=len(customers))[present]
    else:
        counts = rows_per_customer[present]
    result = pd.DataFrame({
        "recency": (analysis_day - last_purchase).dt.days.astype("int64").to_numpy(),
        "frequency": counts.astype("int64"),
        "monetary": kept["_amount"].groupby(codes, sort=True).sum().astype(float).to_numpy(),
    }, index=customers.take(present).rename(customer))
    report["客户数"] = len(result)
    report["分析日期"] = analysis_day
    result.attrs["report"] = report
    return result


def rfm_scores(rfm: pd.DataFrame, *, bins: int = 5, method: str = "quantile", recency_edges=None,
               frequency_edges=None, monetary_edges=None) -> pd.DataFrame:
    """给每位客户的 R、F、M 打分（1 到 ``bins`` 分，分数越高越好），加上 ``R``、``F``、``M`` 三列。

    R 的方向是反的：``recency`` 越小（买得越近）R 分越高；F、M 则是数值越大分越高。

    参数
    ----
    rfm : 含 ``recency``、``frequency``、``monetary`` 三列的表，通常是 ``rfm_table`` 的结果。
    bins : 分成几档，默认 5（1～5 分）。
    method : ``"quantile"``（默认，按排名等分）或 ``"fixed"``（按给定的分界点）。

        * ``"quantile"``：把客户按数值从差到好排名（1, 2, …, n），得分 = ⌈名次 × bins ÷ n⌉，
          每档人数相同（最多差 1 人）。**数值相同的客户按表中先后顺序排名**（``rank(method="first")``），
          所以很多客户 frequency 都是 1 时，他们可能分在 1 分和 2 分两档——这样每档人数才均匀。
          想让数值相同的客户一定同分，请用 ``"fixed"``。
        * ``"fixed"``：必须同时给出 ``recency_edges``、``frequency_edges``、``monetary_edges``，每个都是
          ``bins − 1`` 个从小到大的分界点，区间含右端点。F、M：``≤ 第 1 个分界点`` 得 1 分，
          ``≤ 第 2 个`` 得 2 分 ……，大于最后一个得 ``bins`` 分；R 反过来：``≤ 第 1 个分界点`` 得 ``bins`` 分，
          大于最后一个得 1 分。例如 ``recency_edges=[30, 60, 90, 180]``：30 天内买过 5 分，超过 180 天 1 分。

    返回
    ----
    ``rfm`` 的副本，多了整数列 ``R``、``F``、``M``；``attrs["report"]`` 里记下 ``评分方法``。

    例子
    ----
    >>> rfm = pd.DataFrame({"recency": [5, 40, 200, 10], "frequency": [6, 1, 1, 3],
    ...                     "monetary": [600.0, 80.0, 20.0, 150.0]}, index=["C1", "C2", "C3", "C4"])
    >>> rfm_scores(rfm, bins=4)[["R", "F", "M"]]
        R  F  M
    C1  4  4  4
    C2  2  1  2
    C3  1  2  1
    C4  3  3  3
    >>> rfm_scores(rfm, bins=3, method="fixed", recency_edges=[30, 90],
    ...            frequency_edges=[1, 4], monetary_edges=[100, 500])[["R", "F", "M"]]
        R  F  M
    C1  3  3  3
    C2  2  1  1
    C3  1  1  1
    C4  3  2  2
    """
    _check_bins(bins)
    _check_choice("method", method, {"quantile": "按排名等分", "fixed": "按给定的分界点"})
    edges = {"recency": recency_edges, "frequency": frequency_edges, "monetary": monetary_edges}
    if method == "quantile":
        given = [f"{name}_edges" for name, value in edges.items() if value is not None]
        if given:
            raise CRMDataError(
                f"{', '.join(given)} 只在 method=\"fixed\" 时使用，现在 method=\"quantile\"。"
                "请加上 method=\"fixed\"，或者去掉这些分界点改用按排名等分。"
            )
    else:
        edges = {name: _check_edges(f"{name}_edges", value, bins) for name, value in edges.items()}
    values = _rfm_values(rfm, table="RFM 表（rfm 参数）")

    result = rfm.copy()
    n = len(values)
    for column, score in zip(RFM_COLUMNS, ["R", "F", "M"], strict=True):
        x = values[column]
        if method == "quantile":
            ordered = -x if column == "recency" else x  # 从差到好排名
            rank = ordered.rank(method="first").astype("int64")
            points = (rank * bins + n - 1) // n  # ⌈名次 × bins ÷ n⌉，整数运算
        else:
            position = np.searchsorted(np.asarray(edges[column]), x.to_numpy(), side="left")
            points = pd.Series(bins - position if column == "recency" else position + 1, index=x.index)
        result[score] = points.astype("int64")
    report = dict(rfm.attrs.get("report", {}))
    report["评分方法"] = (f"按排名等分为 {bins} 档" if method == "quantile"
                      else f"按分界点分为 {bins} 档：" + "；".join(f"{k} {list(v)}" for k, v in edges.items()))
    result.attrs["report"] = report
    return result


def rfm_segment(rfm: pd.DataFrame, *, compare: str = "mean") -> pd.DataFrame:
    """按 R、F、M 各自与平均值（或中位数）比较，把客户分成八类，并给出每类的一句话策略。

    比较规则（等于基准值时算“差/低”）：R 好 = ``recency`` 小于基准（最近买过）；
    F 高 = ``frequency`` 大于基准；M 高 = ``monetary`` 大于基准。八类客户：

    ========  ====  ====  ====
    类别      R     F     M
    ========  ====  ====  ====
    重要价值  好    高    高
    重要发展  好    低    高
    重要保持  差    高    高
    重要挽留  差    低    高
    一般价值  好    高    低
    一般发展  好    低    低
    一般保持  差    高    低
    一般挽留  差    低    低
    ========  ====  ====  ====

    参数
    ----
    rfm : 含 ``recency``、``frequency``、``monetary`` 三列的表，通常是 ``rfm_table`` 的结果。
    compare : 与什么比较：``"mean"``（平均值，默认）或 ``"median"``（中位数，不容易被少数大客户拉高）。

    返回
    ----
    ``rfm`` 的副本，多了两列：``segment``（类别名，例如“重要价值客户”）和 ``strategy``（该类的策略，
    来自 ``SEGMENT_STRATEGIES``）。三个基准值记在 ``attrs["report"]["细分基准值"]``。

    例子
    ----
    >>> rfm = pd.DataFrame({"recency": [5, 40, 200, 10], "frequency": [6, 1, 1, 3],
    ...                     "monetary": [600.0, 80.0, 20.0, 150.0]}, index=["C1", "C2", "C3", "C4"])
    >>> rfm_segment(rfm)["segment"].tolist()
    ['重要价值客户', '一般发展客户', '一般挽留客户', '一般价值客户']
    >>> rfm_segment(rfm).attrs["report"]["细分基准值"]
    {'recency': 63.75, 'frequency': 2.75, 'monetary': 212.5}
    """
    _check_choice("compare", compare, {"mean": "平均值", "median": "中位数"})
    values = _rfm_values(rfm, table="RFM 表（rfm 参数）")
    centre = values.mean() if compare == "mean" else values.median()
    recent = values["recency"] < centre["recency"]
    frequent = values["frequency"] > centre["frequency"]
    big = values["monetary"] > centre["monetary"]
    segment = [_SEGMENT_BY_LEVELS[key] for key in zip(recent, frequent, big, strict=True)]

    result = rfm.copy()
    result["segment"] = pd.Series(segment, index=rfm.index, dtype=object)
    result["strategy"] = pd.Series([SEGMENT_STRATEGIES[s] for s in segment], index=rfm.index, dtype=object)
    report = dict(rfm.attrs.get("report", {}))
    report["细分比较"] = "平均值" if compare == "mean" else "中位数"
    report["细分基准值"] = {c: float(centre[c]) for c in RFM_COLUMNS}
    result.attrs["report"] = report
    return result


def segment_summary(segmented: pd.DataFrame) -> pd.DataFrame:
    """按八类客户汇总：人数、人数占比、平均 R/F/M、消费金额占比和策略。

    参数
    ----
    segmented : ``rfm_segment`` 的结果（至少含 ``segment``、``recency``、``frequency``、``monetary`` 列）。

    返回
    ----
    DataFrame，八行，按 ``SEGMENT_STRATEGIES`` 的固定顺序（没有客户的类别也列出，人数为 0、平均值为空），
    列：``customers``（人数）、``share``（人数占比）、``recency_mean``、``frequency_mean``、
    ``monetary_mean``、``monetary_share``（消费金额占全部客户的比例）、``strategy``。

    例子
    ----
    >>> rfm = pd.DataFrame({"recency": [5, 40, 200, 10], "frequency": [6, 1, 1, 3],
    ...                     "monetary": [600.0, 80.0, 20.0, 150.0]})
    >>> summary = segment_summary(rfm_segment(rfm))
    >>> summary[["customers", "share", "monetary_mean"]].head(6)  # doctest: +NORMALIZE_WHITESPACE
            customers  share  monetary_mean
    segment
    重要价值客户          1   0.25          600.0
    重要发展客户          0   0.00            NaN
    重要保持客户          0   0.00            NaN
    重要挽留客户          0   0.00            NaN
    一般价值客户          1   0.25          150.0
    一般发展客户          1   0.25           80.0
    """
    check_columns(segmented, ["segment", *RFM_COLUMNS], table="细分结果（segmented 参数）")
    values = _rfm_values(segmented, table="细分结果（segmented 参数）")
    segment = segmented["segment"].astype(object)
    unknown = ~segment.isin(list(SEGMENT_STRATEGIES))
    if unknown.any():
        raise CRMDataError(
            f"细分结果的列 segment 有不认识的类别：{_rows(unknown, segment)}。"
            f"允许的类别：{'、'.join(SEGMENT_STRATEGIES)}。请用 rfm_segment(...) 的结果，不要手改类别名。"
        )
    order = list(SEGMENT_STRATEGIES)
    groups = values.groupby(segment.to_numpy(), sort=False)
    counts = groups.size().reindex(order, fill_value=0).astype("int64")
    means = groups.mean().reindex(order)
    sums = values["monetary"].groupby(segment.to_numpy(), sort=False).sum().reindex(order, fill_value=0.0)
    total = float(values["monetary"].sum())
    summary = pd.DataFrame({
        "customers": counts,
        "share": counts / counts.sum(),
        "recency_mean": means["recency"],
        "frequency_mean": means["frequency"],
        "monetary_mean": means["monetary"],
        "monetary_share": sums / total if total else np.nan,
        "strategy": pd.Series(SEGMENT_STRATEGIES, dtype=object),
    }, index=pd.Index(order, name="segment"))
    return summary


# ---------------------------------------------------------------------------------------------
# 2. 客户终身价值（CLV）
# ---------------------------------------------------------------------------------------------


def clv_historical(data: pd.DataFrame, *, margin: float | None = None, cost: str | None = None,
                   customer: str = "customer_id", amount: str = "amount", status: str | None = None,
                   exclude_status=EXCLUDED_STATUSES, duplicates: str = "error") -> pd.DataFrame:
    """历史客户终身价值：每位客户到目前为止带来的累计毛利（不折现）。

    两种算法，二选一：

    * ``margin=0.3``：毛利 = 消费金额 × 毛利率（所有商品的毛利率相同时最简单）；
    * ``cost="cost"``：交易表里有每行的成本列，毛利 = Σ(金额 − 成本)，可以算出不同商品毛利率不同的情况。

    参数
    ----
    data : 交易表（含客户编号和金额列），或 ``rfm_table`` 的结果（含 ``monetary`` 列，只能用 ``margin=``）。
        表里有 ``amount`` 指定的列时按交易表处理，否则按 RFM 表处理。
    margin : 毛利率，0 到 1 之间的小数（0.3 表示 30%）。
    cost : 交易表中成本所在的列名（成本不能为负，也不能为空）。
    customer, amount, status, exclude_status, duplicates : 与 ``rfm_table`` 相同；退货/取消的行和没有客户编号的行
        排除并计数，记在 ``attrs["report"]``。

    返回
    ----
    DataFrame，每位客户一行（行索引是客户编号），三列：``revenue``（消费金额）、``cost``（成本）、
    ``clv_historical``（累计毛利 = revenue − cost）。

    例子
    ----
    >>> orders = pd.DataFrame({"customer_id": ["C1", "C1", "C2"], "amount": [100.0, 50.0, 80.0],
    ...                        "cost": [60.0, 20.0, 70.0]})
    >>> clv_historical(orders, cost="cost")  # doctest: +NORMALIZE_WHITESPACE
                 revenue  cost  clv_historical
    customer_id
    C1             150.0  80.0            70.0
    C2              80.0  70.0            10.0
    >>> clv_historical(orders, margin=0.3)["clv_historical"].tolist()
    [45.0, 24.0]
    """
    if margin is not None and cost is not None:
        raise CRMDataError("margin= 和 cost= 只能写一个：按统一毛利率算写 margin=0.3，按成本列算写 cost=\"列名\"。")
    if margin is None and cost is None:
        raise CRMDataError(
            "请告诉函数怎么算毛利：写 margin=0.3（毛利率 30%），或写 cost=\"成本列名\"（交易表里每行的成本）。"
        )
    if margin is not None:
        margin = _check_rate("margin", margin, low=0.0, high=1.0, low_open=True,
                             meaning="毛利率（0 到 1 之间的小数，0.3 表示 30%）")
    is_rfm = isinstance(data, pd.DataFrame) and amount not in data.columns and "monetary" in data.columns
    if is_rfm:
        if cost is not None:
            raise CRMDataError(
                "RFM 表只有消费总额（monetary），没有成本，不能用 cost=。"
                "请传入交易表（每行的金额和成本），或改用 margin=毛利率。"
            )
        revenue = _rfm_values(data, table="RFM 表（data 参数）", columns=["monetary"])["monetary"]
        result = pd.DataFrame({"revenue": revenue.astype(float), "cost": revenue * (1 - margin)})
        result["clv_historical"] = revenue * margin
        report = dict(data.attrs.get("report", {}))
    else:
        has_amount = isinstance(data, pd.DataFrame) and amount in data.columns
        table = "交易表" if has_amount else "交易表（或含 monetary 列的 RFM 表）"
        kept, report, customers = _clean_transactions(
            data, customer=customer, amount=amount, status=status, exclude_status=exclude_status,
            duplicates=duplicates, extra=[cost] if cost else [], table=table,
        )
        if cost is None:
            kept["_cost"] = kept["_amount"] * (1 - margin)
        else:
            kept["_cost"] = _numeric_column(kept[cost], where=f"交易表的成本列 {cost}")
            negative = kept["_cost"] < 0
            if negative.any():
                raise CRMDataError(
                    f"交易表的成本列 {cost} 有负数：{_rows(negative, kept[cost])}。成本应当 ≥ 0，请改正后再算。"
                )
        groups = kept[["_amount", "_cost"]].groupby(kept["_code"], sort=True).sum()
        result = pd.DataFrame({"revenue": groups["_amount"].astype(float).to_numpy(),
                               "cost": groups["_cost"].astype(float).to_numpy()},
                              index=customers.take(groups.index.to_numpy()).rename(customer))
        result["clv_historical"] = result["revenue"] - result["cost"]
        report["客户数"] = len(result)
    report["毛利计算"] = f"消费金额 × 毛利率 {margin:g}" if cost is None else f"金额 {amount} − 成本 {cost}"
    result.attrs["report"] = report
    return result


def clv_predictive(margin_per_period, *, retention_rate, discount_rate, periods: int | None = None):
    """按保留率预测客户终身价值（Gupta & Lehmann 2003 的保留模型）。

    公式（m = 每期毛利，r = 保留率，d = 每期折现率，T = ``periods``）::

        有限期：CLV = Σ_{t=0}^{T-1} m · r^t / (1 + d)^t
        无限期：CLV = Σ_{t=0}^{∞}  m · r^t / (1 + d)^t = m · (1 + d) / (1 + d − r)

    假设：每期毛利 m 固定不变；每期保留率 r 固定（上期的客户本期还在的概率），流失的客户不会回来；
    折现率 d 固定；毛利在每期**期初**收到，所以第 0 期（本期）的 m 不打折也不乘保留率；
    ``periods`` 是一共计入几期（第 0 期到第 T−1 期）。期的长度（年、季度、月）由你决定，
    但 m、r、d 必须是同一种期（例如都是“每年”）。

    来源：Gupta, S. & Lehmann, D. R. (2003). Customers as assets. *Journal of Interactive Marketing*, 17(1), 9–24.

    参数
    ----
    margin_per_period : 每期毛利 m，一个数，或每位客户一个数的 Series。
    retention_rate : 保留率 r，0 ≤ r < 1（0.8 表示 80%）；一个数或 Series。
    discount_rate : 每期折现率 d，−1 < d ≤ 1（0.1 表示 10%）；一个数或 Series。
    periods : 计入几期（正整数）；默认 ``None`` 表示无限期。无限期时还要求 r < 1 + d（否则总和发散）。

    返回
    ----
    参数都是数时返回一个数（float）；有 Series 时返回同样行索引的 Series，名为 ``clv_predictive``。

    例子
    ----
    >>> round(clv_predictive(100, retention_rate=0.8, discount_rate=0.1, periods=3), 2)  # 100 + 72.73 + 52.89
    225.62
    >>> round(clv_predictive(100, retention_rate=0.8, discount_rate=0.1), 2)  # 100 × 1.1 ÷ 0.3
    366.67
    >>> clv_predictive(pd.Series([100.0, 50.0], index=["C1", "C2"]), retention_rate=0.5, discount_rate=0.0)
    C1    200.0
    C2    100.0
    Name: clv_predictive, dtype: float64
    """
    m = _number_or_series("margin_per_period", margin_per_period, meaning="每期毛利")
    r = _number_or_series("retention_rate", retention_rate, meaning="保留率（0.8 表示 80%）",
                          low=0.0, high=1.0, high_open=True)
    d = _number_or_series("discount_rate", discount_rate, meaning="每期折现率（0.1 表示 10%）",
                          low=-1.0, high=1.0, low_open=True)
    if periods is not None and (isinstance(periods, bool) or not isinstance(periods, numbers.Integral)
                                or periods < 1):
        raise CRMDataError(f"periods（计入几期）应该是正整数，例如 5；无限期请写 periods=None。收到 {periods!r}。")
    index = _common_index(margin_per_period=m, retention_rate=r, discount_rate=d)
    q = np.asarray(r, dtype=float) / (1 + np.asarray(d, dtype=float))  # 每期的“保留并折现”系数
    if periods is None:
        diverge = np.asarray(np.asarray(r, dtype=float) >= 1 + np.asarray(d, dtype=float))
        if diverge.any():
            raise CRMDataError(
                "无限期的 CLV 要求保留率小于 1 + 折现率（retention_rate < 1 + discount_rate），否则总和无穷大。"
                "请检查 discount_rate，或写 periods=期数 只算有限期。"
            )
        factor = 1 / (1 - q)  # = (1 + d) / (1 + d − r)
    else:
        with np.errstate(all="ignore"):  # q = 1 的情形由 np.where 单独处理
            factor = np.where(np.isclose(q, 1.0), float(periods), (1 - q ** periods) / (1 - q))
    value = np.asarray(m, dtype=float) * factor
    if not np.isfinite(value).all():
        raise CRMDataError(
            "CLV 算出来是无穷大：保留率比 1 + 折现率大得多、期数又太多。请检查 discount_rate 和 periods。"
        )
    if index is None:
        return float(value)
    return pd.Series(np.broadcast_to(value, (len(index),)).copy(), index=index, name="clv_predictive")


# ---------------------------------------------------------------------------------------------
# 3. 客户生命周期
# ---------------------------------------------------------------------------------------------


def lifecycle_stage(customers: pd.DataFrame, *, rules=None) -> pd.DataFrame:
    """按规则判断每位客户处在生命周期的哪个阶段：考察期、形成期、稳定期、退化期。

    默认规则（``LIFECYCLE_RULES``，只用 RFM 表的 ``recency`` 和 ``frequency`` 两列）：

    ======  ==========================================  =======================================
    阶段    条件                                        含义
    ======  ==========================================  =======================================
    考察期  ``frequency == 1 and recency <= 180``       最近半年第一次来，只买过 1 次
    形成期  ``2 <= frequency <= 4 and recency <= 180``  最近半年还在买，买过 2～4 次，交易在增加
    稳定期  ``frequency >= 5 and recency <= 180``       最近半年还在买，买过 5 次及以上
    退化期  ``recency > 180``                           超过 180 天没有购买，关系在冷却
    ======  ==========================================  =======================================

    参数
    ----
    customers : 每位客户一行的表，含规则里用到的列，通常是 ``rfm_table`` 的结果。
    rules : 自己的规则，字典 ``{阶段: 条件}``，或含 ``stage``、``rule`` 两列的 DataFrame。条件是
        pandas ``DataFrame.eval`` 的表达式：列名、数字、``== != < <= > >=``、``and``、``or``、``not``，
        可以连写 ``2 <= frequency <= 4``；中文列名要用反引号括起来，例如 ```注册天数` > 30``。
        从上往下判断，客户落在**第一个**满足的阶段；一个都不满足的记为“未归类”，人数记在 ``attrs["report"]``。

    返回
    ----
    ``customers`` 的副本，多了一列 ``stage``。

    例子
    ----
    >>> rfm = pd.DataFrame({"recency": [10, 30, 20, 300], "frequency": [1, 3, 12, 8]},
    ...                    index=["C1", "C2", "C3", "C4"])
    >>> lifecycle_stage(rfm)["stage"].tolist()
    ['考察期', '形成期', '稳定期', '退化期']
    >>> shorter = {stage: rule.replace("180", "25") for stage, rule in LIFECYCLE_RULES.items()}  # 25 天不来算退化
    >>> lifecycle_stage(rfm, rules=shorter)["stage"].tolist()
    ['考察期', '退化期', '稳定期', '退化期']
    """
    if not isinstance(customers, pd.DataFrame):
        raise CRMDataError(f"customers 应该是 pandas 的 DataFrame，收到的是 {type(customers).__name__}。")
    if customers.empty:
        raise CRMDataError("客户表（customers 参数）是空的，没有可以判断阶段的客户。")
    rules = _check_rules(LIFECYCLE_RULES if rules is None else rules)
    conditions = []
    for stage, rule in rules.items():
        try:
            mask = customers.eval(rule, engine="python")
        except Exception as exc:  # pandas 的各种解析错误都换成中文说明
            raise CRMDataError(
                f"生命周期规则 {stage}：{rule!r} 无法计算（{type(exc).__name__}: {exc}）。"
                f"表里的列：{', '.join(map(str, customers.columns))}。"
                "条件的写法例如 \"frequency >= 5 and recency <= 180\"；中文列名要用反引号括起来。"
            ) from exc
        if isinstance(mask, (bool, np.bool_)):  # 例如 "True"：其余客户都归入这一阶段
            mask = pd.Series(bool(mask), index=customers.index)
        if not (isinstance(mask, pd.Series) and pd.api.types.is_bool_dtype(mask)):
            raise CRMDataError(
                f"生命周期规则 {stage}：{rule!r} 算出来的不是“是/否”。"
                "条件里要有比较，例如 \"recency > 180\"，而不是 \"recency + 1\"。"
            )
        conditions.append(mask.fillna(False).to_numpy(dtype=bool))
    stages = np.select(conditions, list(rules), default=UNCLASSIFIED_STAGE)
    result = customers.copy()
    result["stage"] = pd.Series(stages, index=customers.index, dtype=object)
    report = dict(customers.attrs.get("report", {}))
    report["生命周期规则"] = dict(rules)
    report["未归类客户"] = int((stages == UNCLASSIFIED_STAGE).sum())
    result.attrs["report"] = report
    return result


# ---------------------------------------------------------------------------------------------
# 4. ABC（帕累托）分析
# ---------------------------------------------------------------------------------------------


def abc_analysis(values, *, by: str | None = None, value: str | None = None, a: float = 0.8,
                 b: float = 0.95) -> pd.DataFrame:
    """ABC 分类（帕累托 80/20 分析）：按贡献从大到小排序，A 类贡献前 80%，B 类接下来的 15%，其余为 C 类。

    分界的处理：从最大的一项往下累加，**跨过 80% 的那一项也算 A 类**（所以 A 类至少有一项）；
    也就是说，一项之前（不含它自己）的累计占比小于 ``a`` 就是 A 类，小于 ``b`` 就是 B 类，否则是 C 类。
    数值相同的项按原来的先后顺序排，它们可能正好被分界线分到两类。

    参数
    ----
    values : 一个 Series（行索引是客户或商品，值是金额），或一个 DataFrame（配合 ``value=``、``by=``）。
    by : DataFrame 中分组的列，例如 ``"customer_id"``：先把同一客户的金额加总再分类。
        这一列为空的行排除并计数（``attrs["report"]``）。不写时 DataFrame 的每一行就是一项。
    value : DataFrame 中金额所在的列名（传 DataFrame 时必填）。值不能为负、不能为空，总和要大于 0。
    a, b : A 类、B 类的累计占比上限，0 < a < b ≤ 1，默认 0.8 和 0.95。

    返回
    ----
    DataFrame，按 ``value`` 从大到小排序，列：``value``、``share``（占总额比例）、``cumulative_share``
    （累计占比，最后一项为 1）、``abc_class``（"A"/"B"/"C"）、``rank``（名次，1 为最大）。
    ``attrs["report"]`` 里有 ``项目数``、``总计``、``各类项目数``。

    例子
    ----
    >>> sales = pd.Series([500.0, 300.0, 120.0, 50.0, 30.0], index=["C1", "C2", "C3", "C4", "C5"])
    >>> abc_analysis(sales)  # doctest: +NORMALIZE_WHITESPACE
        value  share  cumulative_share abc_class  rank
    C1  500.0   0.50              0.50         A     1
    C2  300.0   0.30              0.80         A     2
    C3  120.0   0.12              0.92         B     3
    C4   50.0   0.05              0.97         B     4
    C5   30.0   0.03              1.00         C     5
    >>> orders = pd.DataFrame({"customer_id": ["C1", "C2", "C1", "C3"], "amount": [60.0, 10.0, 25.0, 5.0]})
    >>> abc_analysis(orders, by="customer_id", value="amount")["abc_class"].to_dict()
    {'C1': 'A', 'C2': 'B', 'C3': 'C'}
    """
    a = _check_rate("a", a, low=0.0, high=1.0, low_open=True, meaning="A 类的累计占比上限（0.8 表示 80%）")
    b = _check_rate("b", b, low=0.0, high=1.0, low_open=True, meaning="B 类的累计占比上限（0.95 表示 95%）")
    if a >= b:
        raise CRMDataError(f"a 必须小于 b（A 类在前、B 类在后），现在 a={a:g}、b={b:g}。例如 a=0.8, b=0.95。")
    if isinstance(values, pd.Series):
        if by is not None or value is not None:
            raise CRMDataError("values 是 Series 时不用写 by= 和 value=；它们只用于 DataFrame。")
        raw, where = values, "values（Series）"
    elif isinstance(values, pd.DataFrame):
        if value is None:
            raise CRMDataError(
                "values 是 DataFrame 时必须用 value= 指出金额所在的列，例如 value=\"amount\"。"
                f"现有的列：{', '.join(map(str, values.columns))}。"
            )
        check_columns(values, [value] + ([by] if by is not None else []), table="ABC 分析的表（values 参数）")
        raw, where = values[value], f"列 {value}"
    else:
        raise CRMDataError(
            f"values 应该是 pandas 的 Series 或 DataFrame，收到的是 {type(values).__name__}。"
            "列表可以先写成 pd.Series(列表, index=名称列表)。"
        )
    report = {"输入行数": len(raw)}
    if len(raw) == 0:
        raise CRMDataError(f"ABC 分析的{where}是空的，没有可以分类的数据。")
    if by is not None:
        keys = values[by]
        missing_key = _blank(keys)
        report[f"排除的缺少 {by} 的行"] = int(missing_key.sum())
        raw, keys = raw[~missing_key], keys[~missing_key]
        if raw.empty:
            raise CRMDataError(f"ABC 分析的表里列 {by} 全是空值，排除这些行后没有数据了。请检查 by= 是否选对了列。")
    numbers_ = _numeric_column(raw, where=f"ABC 分析的{where}")
    negative = numbers_ < 0
    if negative.any():
        raise CRMDataError(
            f"ABC 分析的{where}有负数：{_rows(negative, raw)}。ABC 分析只处理非负的贡献（金额、利润）；"
            "亏损的项请单独分析，或先用 .clip(lower=0) 记为 0。"
        )
    if by is not None:
        numbers_ = numbers_.groupby(keys.to_numpy(), sort=False).sum()
        numbers_.index.name = by
    if float(numbers_.sum()) <= 0:
        raise CRMDataError(f"ABC 分析的{where}总和为 0，无法计算占比。请检查是不是选错了列。")

    ordered = numbers_.sort_values(ascending=False, kind="stable")
    running = ordered.cumsum()
    total = float(running.iloc[-1])
    before = (running - ordered) / total  # 这一项之前的累计占比
    tolerance = 1e-12
    classes = np.where(before < a - tolerance, "A", np.where(before < b - tolerance, "B", "C"))
    result = pd.DataFrame({
        "value": ordered.astype(float),
        "share": ordered / total,
        "cumulative_share": running / total,
        "abc_class": pd.Series(classes, index=ordered.index, dtype=object),
        "rank": np.arange(1, len(ordered) + 1, dtype="int64"),
    }, index=ordered.index)
    report["项目数"] = len(result)
    report["总计"] = total
    report["各类项目数"] = {k: int((classes == k).sum()) for k in "ABC"}
    result.attrs["report"] = report
    return result


# ---------------------------------------------------------------------------------------------
# 5. 航空公司客户价值：LRFMC
# ---------------------------------------------------------------------------------------------

LRFMC_COLUMNS = ["L", "R", "F", "M", "C"]
DAYS_PER_MONTH = 30  # 教材把天数除以 30 换算成月
_LRFMC_UNITS = {"months": "月（天数 ÷ 30）", "days": "天"}


def lrfmc_table(members: pd.DataFrame, *, join_date: str = "ffp_date", load_time="load_time",
                last_flight: str = "last_flight_date", flights: str = "flight_count", mileage: str = "seg_km_sum",
                avg_discount: str = "avg_discount", fare=None, member: str | None = None, unit: str = "months",
                standardise: bool = True) -> pd.DataFrame:
    """航空公司常旅客的 LRFMC 模型：每位会员的 L、R、F、M、C 五个指标，以及标准化后的 ZL … ZC。

    ==  ============================  ========================================================
    L   入会时长                      观测窗口结束时间 − 入会时间（默认单位：月 = 天数 ÷ 30）
    R   最近一次乘机距观测结束的时长  观测窗口结束时间 − 最后一次乘机时间（单位同 L）
    F   乘机次数                      观测窗口内的飞行次数
    M   飞行里程                      观测窗口内的总飞行公里数
    C   平均折扣系数                  观测窗口内所乘舱位折扣系数的平均值（0 < C ≤ 1.5，头等舱可以大于 1）
    ==  ============================  ========================================================

    做法与广为使用的“航空公司客户价值分析”案例相同（张良均 等《Python 数据分析与挖掘实战》第 7 章）：
    先清洗，再构造 L、R、F、M、C，最后做 z 分数标准化 ``Z = (x − 平均值) ÷ 标准差``（标准差用 pandas 的
    ``std()``，即样本标准差；每个 Z 列的平均值为 0、标准差为 1），供 k-means 聚类使用。

    清洗规则（被排除的行**不报错，但都计数**，记在 ``attrs["report"]``）：

    * 用到的列有空值的行排除（``排除的缺失值行``，按列计数）；
    * 给了 ``fare=``（票价列，一个列名或列名列表，例如 ``["SUM_YR_1", "SUM_YR_2"]``）时，照教材：票价有空值的行
      排除（``排除的票价缺失行``）；票价全部为 0、却有飞行里程或折扣的行（多半是积分兑换的免费机票）排除
      （``排除的票价为0的行``）；
    * 观测窗口内一次也没有乘机（``flights`` 为 0）的行排除（``排除的没有乘机的行``）：没有乘机就谈不上
      平均折扣 C。（教材保留了“里程和折扣都为 0”的行；这里把它们单独数出来，不参与计算。）

    其余不合理的值一律报错：日期晚于观测窗口结束时间、最后一次乘机早于入会、乘机次数不是非负整数、
    里程为负数、平均折扣不在 (0, 1.5] 之内。

    参数
    ----
    members : 会员表，每行一位会员。
    join_date : 入会日期所在的列（教材数据里是 ``FFP_DATE``）；默认值和其他列名的默认值都是课程数据
        ``load_dataset("airline_members")`` 的列名（教材列名的小写）。
    load_time : 观测窗口的结束时间：列名（教材数据的 ``LOAD_TIME``），或一个日期，例如 ``"2014-03-31"``。
    last_flight : 最后一次乘机：日期列（``LAST_FLIGHT_DATE``），或“距观测结束的天数”的数字列（``LAST_TO_END``）。
    flights, mileage, avg_discount : 乘机次数、总飞行公里数、平均折扣系数所在的列
        （教材数据里是 ``FLIGHT_COUNT``、``SEG_KM_SUM``、``avg_discount``）。
    fare : 票价列（可选），只用于上面的清洗规则。
    member : 会员编号所在的列（可选）；给了就用它作结果的行索引（不能重复），否则沿用会员表的行索引。
    unit : L 和 R 的单位：``"months"``（默认，天数 ÷ 30，与教材相同）或 ``"days"``。
    standardise : 是否加上标准化的 ``ZL``、``ZR``、``ZF``、``ZM``、``ZC`` 五列，默认加。
        某一列所有会员都一样时无法标准化，这一列的 Z 记为 0 并给出提醒。

    返回
    ----
    DataFrame，每位计入的会员一行，列 ``L``、``R``、``F``、``M``、``C``（和 ``ZL`` … ``ZC``）。
    ``attrs["report"]`` 的键：``输入行数``、``排除的缺失值行``、``排除的票价缺失行``、``排除的票价为0的行``、
    ``排除的没有乘机的行``、``计入的会员数``、``观测窗口结束``、``时间单位``、``标准化``（各列的平均值和标准差）。

    例子
    ----
    >>> members = pd.DataFrame({
    ...     "member_id": ["M1", "M2", "M3", "M4"],
    ...     "ffp_date": ["2010-04-01", "2012-03-31", "2013-09-01", "2011-01-01"],
    ...     "last_flight_date": ["2014-03-01", "2013-03-31", "2014-03-21", "2014-01-01"],
    ...     "flight_count": [20, 2, 5, 0],
    ...     "seg_km_sum": [30000, 1500, 6000, 0],
    ...     "avg_discount": [0.9, 0.5, 1.2, 0.0],
    ... })
    >>> lrfmc = lrfmc_table(members, member="member_id", load_time="2014-03-31")
    >>> lrfmc[LRFMC_COLUMNS].round(2)  # doctest: +NORMALIZE_WHITESPACE
                   L      R   F        M    C
    member_id
    M1         48.67   1.00  20  30000.0  0.9
    M2         24.33  12.17   2   1500.0  0.5
    M3          7.03   0.33   5   6000.0  1.2
    >>> lrfmc.attrs["report"]["排除的没有乘机的行"]
    1
    >>> lrfmc[["ZL", "ZF"]].std().round(6).tolist()
    [1.0, 1.0]
    """
    _check_choice("unit", unit, _LRFMC_UNITS)
    if not isinstance(standardise, bool):
        raise CRMDataError(f"standardise 应该是 True 或 False，收到 {standardise!r}。")
    table = "会员表（members 参数）"
    if not isinstance(members, pd.DataFrame):
        raise CRMDataError(f"{table}应该是 pandas 的 DataFrame，收到的是 {type(members).__name__}。")
    load_is_column = isinstance(load_time, str) and load_time in members.columns
    fares = [] if fare is None else [fare] if isinstance(fare, str) else list(fare)
    used = [join_date, last_flight, flights, mileage, avg_discount]
    check_columns(members, [*used, *([load_time] if load_is_column else []), *fares,
                            *([member] if member is not None else [])], table=table)
    if members.empty:
        raise CRMDataError(f"{table}是空的（没有任何行），无法计算 LRFMC。")
    report = {"输入行数": len(members)}
    if members.attrs.get("source"):
        report["来源"] = members.attrs["source"]
    data = members
    if member is not None:
        repeated = data[member].duplicated(keep=False) & data[member].notna()
        if repeated.any():
            raise CRMDataError(
                f"{table}的会员编号列 {member} 有重复：{_rows(repeated, data[member])}。"
                "每位会员只能有一行；如果是重复导出，请先用 df.drop_duplicates(subset=[列名]) 去掉。"
            )
    if not load_is_column:
        end_day = _observation_end(load_time)

    # 1) 用到的列有空值：排除并按列计数
    checked = [*used, *([load_time] if load_is_column else []), *([member] if member is not None else [])]
    missing = {c: int(data[c].isna().sum()) for c in checked}
    any_missing = data[checked].isna().any(axis=1)
    report["排除的缺失值行"] = {c: n for c, n in missing.items() if n}
    data = data[~any_missing.to_numpy()]

    numbers_ = {}
    for name, column in (("flights", flights), ("mileage", mileage), ("avg_discount", avg_discount)):
        numbers_[name] = _numeric_column(data[column], where=f"{table}的列 {column}")

    # 2) 教材的票价规则
    report["排除的票价缺失行"] = 0
    report["排除的票价为0的行"] = 0
    if fares:
        fare_missing = data[fares].isna().any(axis=1)
        fare_values = pd.DataFrame({c: _numeric_column(data.loc[~fare_missing, c], where=f"{table}的票价列 {c}")
                                    for c in fares})
        free = pd.Series(False, index=data.index)
        free[~fare_missing] = (fare_values == 0).all(axis=1) & (
            (numbers_["mileage"][~fare_missing] > 0) | (numbers_["avg_discount"][~fare_missing] > 0))
        report["排除的票价缺失行"] = int(fare_missing.sum())
        report["排除的票价为0的行"] = int(free.sum())
        keep = ~(fare_missing | free)
        data = data[keep.to_numpy()]
        numbers_ = {k: v[keep.to_numpy()] for k, v in numbers_.items()}

    # 3) 没有乘机
    count = numbers_["flights"]
    bad_count = (count < 0) | (count != np.floor(count))
    if bad_count.any():
        raise CRMDataError(
            f"{table}的乘机次数列 {flights} 应该是 0 或正整数：{_rows(bad_count, data[flights])}。请改正后再算。"
        )
    no_flight = count == 0
    report["排除的没有乘机的行"] = int(no_flight.sum())
    data = data[~no_flight.to_numpy()]
    numbers_ = {k: v[~no_flight.to_numpy()] for k, v in numbers_.items()}
    if data.empty:
        raise CRMDataError(
            f"{table}排除有空值、票价为 0 和没有乘机的行之后，没有剩下任何会员。"
            f"请检查列 {flights}、{mileage}、{avg_discount} 是否选对了，清洗情况：{report}。"
        )

    negative = numbers_["mileage"] < 0
    if negative.any():
        raise CRMDataError(
            f"{table}的飞行里程列 {mileage} 有负数：{_rows(negative, data[mileage])}。里程应当 ≥ 0，请改正后再算。"
        )
    discount = numbers_["avg_discount"]
    outside = (discount <= 0) | (discount > 1.5)
    if outside.any():
        hint = "如果写的是百分数（例如 85 表示 85 折），请先除以 100。" if (discount > 1.5).any() else ""
        raise CRMDataError(
            f"{table}的平均折扣列 {avg_discount} 应该大于 0、不大于 1.5（1 表示全价，头等舱可以大于 1）："
            f"{_rows(outside, data[avg_discount])}。{hint}"
        )

    # 4) 日期
    end = (_parse_dates(data[load_time], column=load_time, table=table).dt.normalize() if load_is_column
           else pd.Series(end_day, index=data.index))
    joined = _parse_dates(data[join_date], column=join_date, table=table).dt.normalize()
    late_join = joined > end
    if late_join.any():
        raise CRMDataError(
            f"{table}有会员的入会日期（列 {join_date}）晚于观测窗口结束时间 {_show(end[late_join].iloc[0])}："
            f"{_rows(late_join, data[join_date])}。请检查日期，或把 load_time= 改成观测窗口真正的结束日期。"
        )
    last = data[last_flight]
    if pd.api.types.is_numeric_dtype(last) and not pd.api.types.is_bool_dtype(last):
        recency_days = _numeric_column(last, where=f"{table}的列 {last_flight}（距观测结束的天数）")
        negative_days = recency_days < 0
        if negative_days.any():
            raise CRMDataError(
                f"{table}的列 {last_flight}（最后一次乘机距观测结束的天数）有负数：{_rows(negative_days, last)}。"
                "天数应当 ≥ 0；如果这一列是日期，请先用 pd.to_datetime 转换。"
            )
        last_day = end - pd.to_timedelta(recency_days, unit="D")
    else:
        last_day = _parse_dates(last, column=last_flight, table=table).dt.normalize()
        recency_days = (end - last_day).dt.days.astype(float)
        late_flight = last_day > end
        if late_flight.any():
            raise CRMDataError(
                f"{table}有会员的最后一次乘机（列 {last_flight}）晚于观测窗口结束时间："
                f"{_rows(late_flight, last)}。请检查日期，或把 load_time= 改成观测窗口真正的结束日期。"
            )
    before_join = last_day < joined
    if before_join.any():
        raise CRMDataError(
            f"{table}有会员的最后一次乘机早于入会日期（列 {last_flight} 早于列 {join_date}）："
            f"{_rows(before_join, data[last_flight])}。日期顺序不对，请检查这两列是否填反。"
        )

    divisor = DAYS_PER_MONTH if unit == "months" else 1
    result = pd.DataFrame({
        "L": (end - joined).dt.days.astype(float) / divisor,
        "R": recency_days.astype(float) / divisor,
        "F": numbers_["flights"].astype("int64"),
        "M": numbers_["mileage"].astype(float),
        "C": discount.astype(float),
    }, index=data.index)
    if member is not None:
        result.index = pd.Index(data[member], name=member)
    report["计入的会员数"] = len(result)
    report["观测窗口结束"] = (end.iloc[0] if end.nunique() == 1 else f"列 {load_time}")
    report["时间单位"] = _LRFMC_UNITS[unit]
    if standardise:
        means, stds = result.mean(), result.std()
        constant = [c for c in LRFMC_COLUMNS if result[c].max() == result[c].min()]  # std 可能因舍入不为 0
        if constant:
            warnings.warn(
                f"LRFMC 的 {'、'.join(constant)} 列所有会员都一样（或只有一位会员），无法标准化，"
                "这些列的 Z 值记为 0。聚类时它们不起作用；请检查数据是否选对了。",
                UserWarning, stacklevel=2,
            )
        for column in LRFMC_COLUMNS:
            result[f"Z{column}"] = ((result[column] - means[column]) / stds[column]
                                    if column not in constant else 0.0)
        report["标准化"] = {c: {"平均值": float(means[c]), "标准差": float(stds[c])} for c in LRFMC_COLUMNS}
    result.attrs["report"] = report
    return result


def _observation_end(load_time) -> pd.Timestamp:
    try:
        day = pd.Timestamp(_normalise_date_text(load_time))
    except (ValueError, TypeError) as exc:
        raise CRMDataError(
            f"load_time={load_time!r} 既不是会员表里的列，也不是能识别的日期。"
            "请写观测窗口结束时间所在的列名，或一个日期，例如 load_time=\"2014-03-31\"。"
        ) from exc
    if pd.isna(day):
        raise CRMDataError("load_time（观测窗口结束时间）是空值。请写列名或日期，例如 \"2014-03-31\"。")
    if day.tzinfo is not None:
        day = day.tz_localize(None)
    return day.normalize()


# ---------------------------------------------------------------------------------------------
# 6. 概率模型预测 CLV：BG/NBD（还会来买几次）+ Gamma-Gamma（每次花多少）
# ---------------------------------------------------------------------------------------------

BGNBD_PARAMS = ("r", "alpha", "a", "b")
GAMMA_GAMMA_PARAMS = ("p", "q", "gamma")
DAYS_PER_UNIT = {"days": 1, "weeks": 7}
_TIME_UNIT_NAMES = {"days": "天", "weeks": "周（天数 ÷ 7）"}
DAYS_PER_CLV_MONTH = 365.25 / 12  # clv_bgnbd_gg 里“一个月”的天数
# 重复购买次数与平均客单价的相关系数超过它时提醒：Gamma-Gamma 模型假设两者独立（Fader & Hardie 2013）。
INDEPENDENCE_WARNING = 0.3
LOG_PARAM_BOUND = 20.0  # 参数限制在 e^-20 到 e^20 之间


def summary_from_transactions(transactions: pd.DataFrame, *, customer: str = "customer_id",
                              date: str = "order_date", amount: str = "amount", status: str | None = None,
                              exclude_status=EXCLUDED_STATUSES, observation_end=None, unit: str = "days",
                              duplicates: str = "error") -> pd.DataFrame:
    """把交易表整理成 BG/NBD 和 Gamma-Gamma 模型要的“每位客户一行”的汇总表。

    同一天的几笔交易算一次购买（金额相加）。每位客户的第一次购买是“入门”，之后的叫**重复购买**：

    * ``frequency``：重复购买的次数 = 有购买的不同日期数 − 1（只买过一天的客户为 0）；
    * ``recency``：最后一次购买 − 第一次购买（即论文里的 t_x；只买过一天的客户为 0）；
    * ``T``：观测结束 − 第一次购买（客户被观察了多久）；
    * ``monetary_value``：重复购买的平均金额（不含第一次购买；只买过一天的客户为 0）。

    时长按日历天数计算，``unit="weeks"`` 时再除以 7（可以有小数，和 CDNOW 数据一样）。
    这与 lifetimes 包的 ``summary_data_from_transaction_data`` 的定义相同。

    参数
    ----
    transactions : 交易表（订单表）。
    customer, date, amount, status, exclude_status, duplicates : 与 ``rfm_table`` 相同；退货/取消的行、
        没有客户编号的行排除并计数。
    observation_end : 观测结束的日期，默认是最后一笔交易的日期。不能早于任何一笔交易。
    unit : ``"days"``（默认）或 ``"weeks"``。

    返回
    ----
    DataFrame，每位客户一行（行索引是客户编号），列 ``frequency``、``recency``、``T``、``monetary_value``。
    ``attrs["report"]`` 里除了交易表的清洗情况，还有 ``客户数``、``只买过一次的客户``、``观测结束``、``时间单位``；
    ``attrs["time_unit"]`` 是 ``"days"`` 或 ``"weeks"``，后面的函数据此换算月份。

    例子
    ----
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["C1", "C1", "C1", "C1", "C2"],
    ...     "order_date": ["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-31", "2024-01-21"],
    ...     "amount": [10.0, 5.0, 30.0, 50.0, 20.0],
    ... })
    >>> summary_from_transactions(orders)  # doctest: +NORMALIZE_WHITESPACE
                 frequency  recency     T  monetary_value
    customer_id
    C1                   2     30.0  30.0            40.0
    C2                   0      0.0  10.0             0.0
    """
    _check_choice("unit", unit, _TIME_UNIT_NAMES)
    kept, report, customers = _clean_transactions(
        transactions, customer=customer, amount=amount, date=date, status=status,
        exclude_status=exclude_status, duplicates=duplicates,
    )
    day = kept["_date"].dt.normalize()
    if observation_end is None:
        end = day.max()
    else:
        end = _parse_analysis_date(observation_end)
        late = day > end
        if late.any():
            raise CRMDataError(
                f"有交易发生在观测结束日期 {end.date()} 之后（列 {date}）：{_rows(late, kept['_date'])}。"
                f"请把 observation_end 改到 {day.max().date()} 或更晚，或先只保留观测期内的交易。"
            )
    daily = kept["_amount"].groupby([kept["_code"], day], sort=True).sum()  # 每位客户每天的金额
    code = daily.index.get_level_values(0)
    by_customer = daily.groupby(code, sort=True)
    span = pd.Series(daily.index.get_level_values(1)).groupby(code, sort=True).agg(["min", "max"])
    frequency = by_customer.size() - 1
    repeat_spend = by_customer.sum() - by_customer.first()
    per_unit = DAYS_PER_UNIT[unit]
    result = pd.DataFrame({
        "frequency": frequency.astype("int64").to_numpy(),
        "recency": (span["max"] - span["min"]).dt.days.to_numpy() / per_unit,
        "T": (end - span["min"]).dt.days.to_numpy() / per_unit,
        "monetary_value": (repeat_spend / frequency.where(frequency > 0)).fillna(0.0).astype(float).to_numpy(),
    }, index=customers.take(frequency.index.to_numpy()).rename(customer))
    report["客户数"] = len(result)
    report["只买过一次的客户"] = int((frequency == 0).sum())
    report["观测结束"] = end
    report["时间单位"] = _TIME_UNIT_NAMES[unit]
    result.attrs["report"] = report
    result.attrs["time_unit"] = unit
    return result


def bgnbd_log_likelihood(params, summary: pd.DataFrame, *, frequency: str = "frequency", recency: str = "recency",
                         T: str = "T") -> float:
    """BG/NBD 模型在参数 ``params``（r、alpha、a、b）下、对汇总表 ``summary`` 的对数似然（所有客户相加）。

    公式见 Fader, Hardie & Lee (2005) 式 (6)；``fit_bgnbd`` 找的就是让它最大的参数。

    >>> summary = pd.DataFrame({"frequency": [2, 0], "recency": [30.0, 0.0], "T": [40.0, 40.0]})
    >>> round(bgnbd_log_likelihood({"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.4}, summary), 4)
    -10.0569
    """
    r, alpha, a, b = _model_params(params, BGNBD_PARAMS, model="BG/NBD")
    x, t_x, t = _summary_arrays(summary, frequency=frequency, recency=recency, T=T)
    return float(_bgnbd_individual_ll(r, alpha, a, b, x, t_x, t).sum())


def fit_bgnbd(summary: pd.DataFrame, *, frequency: str = "frequency", recency: str = "recency",
              T: str = "T") -> pd.Series:
    """用最大似然估计 BG/NBD 模型的四个参数 r、alpha、a、b。

    BG/NBD（Beta-Geometric / Negative Binomial Distribution）模型的假设（Fader, Hardie & Lee 2005，
    “Counting your customers the easy way”, *Marketing Science* 24(2), 275–284）：

    1. 客户“活着”时，购买次数服从泊松过程，每位客户的购买率 λ 不同，服从 Gamma(r, alpha) 分布；
    2. 每次购买之后，客户以概率 p “离开”（以后不再买），p 因人而异，服从 Beta(a, b) 分布；
    3. λ 和 p 相互独立。

    参数越大越好理解的读法：``r / alpha`` 是活跃客户的平均购买率（每天或每周几次）；
    ``a / (a + b)`` 是每次购买后离开的平均概率。

    参数
    ----
    summary : ``summary_from_transactions`` 的结果，或任何含 frequency、recency、T 三列的表
        （列名不同时用下面三个参数指出）。``recency`` 不能大于 ``T``；只买过一次（frequency 为 0）的
        客户 recency 必须为 0。至少要有一位客户有重复购买。
    frequency, recency, T : 三列的列名。

    返回
    ----
    Series，行索引 ``r``、``alpha``、``a``、``b``；``attrs["report"]`` 记下客户数、对数似然和是否收敛，
    ``attrs["time_unit"]`` 沿用汇总表的时间单位。

    例子
    ----
    >>> from crm_lab import load_dataset
    >>> orders = load_dataset("shop_orders")
    >>> summary = summary_from_transactions(orders, date="order_time", status="status", unit="weeks")
    >>> params = fit_bgnbd(summary)
    >>> list(params.index)
    ['r', 'alpha', 'a', 'b']
    >>> round(float(params["r"] / params["alpha"]), 3)  # 活跃客户平均每周买几次
    0.249
    >>> round(float(params["a"] / (params["a"] + params["b"])), 3)  # 每次购买后离开的平均概率
    0.076
    >>> params.attrs["report"]["客户数"], params.attrs["time_unit"]
    (2203, 'weeks')
    """
    x, t_x, t = _summary_arrays(summary, frequency=frequency, recency=recency, T=T)
    if not (x > 0).any():
        raise CRMDataError(
            "汇总表里没有一位客户有重复购买（frequency 全是 0），无法估计 BG/NBD 模型。"
            "请用更长的观测期，或检查 frequency 列（它是重复购买次数，不是总购买次数）。"
        )
    n = len(x)

    def negative_mean_ll(log_params):
        r, alpha, a, b = np.exp(log_params)
        return -_bgnbd_individual_ll(r, alpha, a, b, x, t_x, t).sum() / n

    start = np.log([1.0, max(float(np.mean(t)), 1e-3), 1.0, 1.0])
    fitted = _maximise(negative_mean_ll, start, model="BG/NBD")
    params = pd.Series(np.exp(fitted.x), index=list(BGNBD_PARAMS), name="bgnbd")
    params.attrs["report"] = {
        "模型": "BG/NBD（Fader, Hardie & Lee 2005）",
        "客户数": n,
        "有重复购买的客户": int((x > 0).sum()),
        "对数似然": float(-fitted.fun * n),
        "收敛": bool(fitted.success),
    }
    params.attrs["time_unit"] = summary.attrs.get("time_unit")
    return params


def expected_purchases(params, t, summary: pd.DataFrame | None = None, *, frequency: str = "frequency",
                       recency: str = "recency", T: str = "T"):
    """BG/NBD 模型预测的购买次数。

    * 不给 ``summary``：一位**新客户**在最初 ``t`` 个时间单位内的期望购买次数 E[X(t)]（论文式 (9)）；
    * 给了 ``summary``：每位老客户在**接下来** ``t`` 个时间单位内的期望购买次数
      E[Y(t) | frequency, recency, T]（论文式 (10)），用到高斯超几何函数 ₂F₁（``scipy.special.hyp2f1``）。

    ``t`` 的单位和汇总表相同（天或周）。

    >>> params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # CDNOW 数据的估计值，单位：周
    >>> round(expected_purchases(params, 39), 3)  # 新客户头 39 周
    1.197
    >>> summary = pd.DataFrame({"frequency": [2, 0], "recency": [30.43, 0.0], "T": [38.86, 38.86]},
    ...                        index=["ID1", "ID2"])
    >>> expected_purchases(params, 39, summary).round(3)
    ID1    1.226
    ID2    0.195
    Name: expected_purchases, dtype: float64
    """
    r, alpha, a, b = _model_params(params, BGNBD_PARAMS, model="BG/NBD")
    t = _check_rate("t", t, low=0.0, high=math.inf, low_open=True, meaning="预测的时长（与汇总表同一单位）")
    if a == 1:
        a = 1 + 1e-10  # 公式里有 a − 1 作分母；a 恰好为 1 时取极限
    if summary is None:
        z = t / (alpha + t)
        return float((a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b, a + b - 1, z)))
    x, t_x, big_t = _summary_arrays(summary, frequency=frequency, recency=recency, T=T)
    z = t / (alpha + big_t + t)
    ratio = np.exp((r + x) * np.log((alpha + big_t) / (alpha + big_t + t)))
    numerator = (a + b + x - 1) / (a - 1) * (1 - ratio * special.hyp2f1(r + x, b + x, a + b + x - 1, z))
    value = numerator * _bgnbd_alive(r, alpha, a, b, x, t_x, big_t)
    return pd.Series(value, index=summary.index, name="expected_purchases")


def probability_alive(params, summary: pd.DataFrame, *, frequency: str = "frequency", recency: str = "recency",
                      T: str = "T") -> pd.Series:
    """BG/NBD 模型下，每位客户在观测结束时仍然“活着”（以后还会来买）的概率 P(alive)。

    公式（Fader, Hardie & Lee 2005 式 (11)；x = frequency，t_x = recency）::

        P(alive) = 1 / (1 + [x > 0] · a / (b + x − 1) · ((alpha + T) / (alpha + t_x)) ^ (r + x))

    只买过一次的客户 P(alive) = 1：模型假设客户只会在一次购买之后离开。

    >>> params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> summary = pd.DataFrame({"frequency": [2, 2, 0], "recency": [30.43, 5.0, 0.0], "T": [38.86] * 3})
    >>> probability_alive(params, summary).round(3).tolist()
    [0.727, 0.124, 1.0]
    """
    r, alpha, a, b = _model_params(params, BGNBD_PARAMS, model="BG/NBD")
    x, t_x, t = _summary_arrays(summary, frequency=frequency, recency=recency, T=T)
    return pd.Series(_bgnbd_alive(r, alpha, a, b, x, t_x, t), index=summary.index, name="p_alive")


def fit_gamma_gamma(summary: pd.DataFrame, *, frequency: str = "frequency",
                    monetary: str = "monetary_value") -> pd.Series:
    """用最大似然估计 Gamma-Gamma 模型的参数 p、q、gamma（每位客户平均每次花多少钱）。

    模型（Fader & Hardie 2013，“The Gamma-Gamma Model of Monetary Value”）：客户每次重复购买的金额服从
    Gamma(p, ν)，ν 因人而异、服从 Gamma(q, gamma)。于是客户平均客单价的总体均值是 ``p·gamma / (q − 1)``。

    只用**有重复购买**（frequency > 0）的客户；只买过一次的客户没有重复购买金额，排除并计数
    （``attrs["report"]["排除的只买过一次的客户"]``）。模型假设购买次数和客单价相互独立：函数算出两者的
    相关系数记在 ``attrs["report"]["频率与客单价的相关系数"]``，绝对值超过 0.3 时给出提醒。

    参数
    ----
    summary : ``summary_from_transactions`` 的结果，或含重复购买次数和平均金额两列的表。
    frequency, monetary : 这两列的列名。有重复购买的客户金额必须大于 0。

    返回
    ----
    Series，行索引 ``p``、``q``、``gamma``；``attrs["report"]`` 记下客户数、排除的客户、相关系数和对数似然。

    例子
    ----
    >>> from crm_lab import load_dataset
    >>> orders = load_dataset("shop_orders")
    >>> summary = summary_from_transactions(orders, date="order_time", status="status", unit="weeks")
    >>> params = fit_gamma_gamma(summary)
    >>> list(params.index)
    ['p', 'q', 'gamma']
    >>> round(float(params["p"] * params["gamma"] / (params["q"] - 1)))  # 全体客户的平均客单价 E(M)（元）
    121
    >>> params.attrs["report"]["排除的只买过一次的客户"]
    464
    """
    check_columns(summary, [frequency, monetary], table="汇总表（summary 参数）")
    if summary.empty:
        raise CRMDataError("汇总表（summary 参数）是空的（没有任何客户）。")
    x = _numeric_column(summary[frequency], where=f"汇总表的列 {frequency}")
    _check_counts(x, summary[frequency], column=frequency)
    m = _numeric_column(summary[monetary], where=f"汇总表的列 {monetary}")
    repeat = x > 0
    if repeat.sum() < 2:
        raise CRMDataError(
            f"只有 {int(repeat.sum())} 位客户有重复购买（{frequency} > 0），无法估计 Gamma-Gamma 模型。"
            "至少需要几十位有重复购买的客户。"
        )
    not_positive = repeat & (m <= 0)
    if not_positive.any():
        raise CRMDataError(
            f"汇总表的列 {monetary} 有 {int(not_positive.sum())} 位有重复购买的客户平均金额 ≤ 0："
            f"{_rows(not_positive, summary[monetary])}。Gamma-Gamma 模型只适用于正的金额；"
            "请检查是否把退货算了进去（summary_from_transactions 的 status= 参数）。"
        )
    x_r, m_r = x[repeat].to_numpy(), m[repeat].to_numpy()
    correlation = float(np.corrcoef(x_r, m_r)[0, 1]) if np.ptp(x_r) > 0 and np.ptp(m_r) > 0 else 0.0
    if abs(correlation) > INDEPENDENCE_WARNING:
        warnings.warn(
            f"重复购买次数与平均客单价的相关系数是 {correlation:.2f}（绝对值超过 {INDEPENDENCE_WARNING}）。"
            "Gamma-Gamma 模型假设两者相互独立，结果可能有偏差，解读 CLV 时请注意。",
            UserWarning, stacklevel=2,
        )
    n = len(x_r)

    def negative_mean_ll(log_params):
        p, q, gamma = np.exp(log_params)
        return -_gamma_gamma_individual_ll(p, q, gamma, x_r, m_r).sum() / n

    fitted = _maximise(negative_mean_ll, np.log([1.0, 1.0, max(float(m_r.mean()), 1e-3)]), model="Gamma-Gamma")
    params = pd.Series(np.exp(fitted.x), index=list(GAMMA_GAMMA_PARAMS), name="gamma_gamma")
    params.attrs["report"] = {
        "模型": "Gamma-Gamma（Fader & Hardie 2013）",
        "客户数": n,
        "排除的只买过一次的客户": int((~repeat).sum()),
        "频率与客单价的相关系数": correlation,
        "对数似然": float(-fitted.fun * n),
        "收敛": bool(fitted.success),
    }
    return params


def expected_average_value(params, summary: pd.DataFrame, *, frequency: str = "frequency",
                           monetary: str = "monetary_value") -> pd.Series:
    """Gamma-Gamma 模型下每位客户今后每次购买的期望金额（条件期望）。

    公式（Fader & Hardie 2013 式 (5)；x = 重复购买次数，z̄ = 重复购买的平均金额）::

        E[M | x, z̄] = (q − 1) / (p·x + q − 1) · p·gamma / (q − 1)  +  p·x / (p·x + q − 1) · z̄

    即总体均值 ``p·gamma / (q − 1)`` 与客户自己的平均金额 z̄ 的加权平均，买得越多越相信 z̄。
    只买过一次的客户（x = 0）得到总体均值。要求 q > 1。

    >>> params = {"p": 6.25, "q": 3.74, "gamma": 15.44}  # CDNOW 数据的估计值
    >>> summary = pd.DataFrame({"frequency": [2, 0], "monetary_value": [22.35, 0.0]})
    >>> expected_average_value(params, summary).round(2).tolist()
    [24.66, 35.22]
    """
    p, q, gamma = _model_params(params, GAMMA_GAMMA_PARAMS, model="Gamma-Gamma")
    if q <= 1:
        raise CRMDataError(
            f"Gamma-Gamma 参数 q = {q:g} ≤ 1，客单价的总体均值 p·gamma/(q − 1) 不存在，无法预测。"
            "通常是有重复购买的客户太少或金额差别极大；请检查数据。"
        )
    check_columns(summary, [frequency, monetary], table="汇总表（summary 参数）")
    x = _numeric_column(summary[frequency], where=f"汇总表的列 {frequency}")
    _check_counts(x, summary[frequency], column=frequency)
    m = _numeric_column(summary[monetary], where=f"汇总表的列 {monetary}")
    weight = p * x / (p * x + q - 1)
    value = (1 - weight) * p * gamma / (q - 1) + weight * m.where(x > 0, 0.0)
    return pd.Series(value.to_numpy(), index=summary.index, name="expected_average_value")


def clv_bgnbd_gg(bgnbd_params, gamma_gamma_params, summary: pd.DataFrame, *, months: int = 12,
                 monthly_discount_rate: float = 0.01, margin: float = 1.0, time_unit: str | None = None,
                 frequency: str = "frequency", recency: str = "recency", T: str = "T",
                 monetary: str = "monetary_value") -> pd.DataFrame:
    """用 BG/NBD + Gamma-Gamma 预测每位客户今后 ``months`` 个月的客户终身价值（折现）。

    公式（与 lifetimes 包的做法相同）::

        CLV = margin · E[M] · Σ_{i=1}^{months} (E[Y(i 个月)] − E[Y(i − 1 个月)]) / (1 + d)^i

    E[Y(t)] 是 BG/NBD 预测的接下来 t 时间内的购买次数（``expected_purchases``），E[M] 是 Gamma-Gamma 预测的
    每次金额（``expected_average_value``），d 是月折现率；第 i 个月的购买在月末折现。一个月按
    365.25 ÷ 12 = 30.44 天（4.35 周）计算。

    参数
    ----
    bgnbd_params, gamma_gamma_params : ``fit_bgnbd`` 和 ``fit_gamma_gamma`` 的结果（或同名键的字典）。
    summary : 汇总表（含 frequency、recency、T、monetary_value）。
    months : 预测几个月，正整数，默认 12。
    monthly_discount_rate : 月折现率，0 到 1 之间（0.01 表示每月 1%）。
    margin : 毛利率，0 < margin ≤ 1；默认 1，即算的是收入而不是毛利。
    time_unit : 汇总表的时间单位 ``"days"`` 或 ``"weeks"``；默认从 ``summary_from_transactions`` /
        ``fit_bgnbd`` 的结果里读取，自己准备的汇总表（例如 CDNOW 数据，单位是周）要写明。

    返回
    ----
    DataFrame，每位客户一行：``p_alive``、``expected_purchases``（今后 months 个月的期望购买次数）、
    ``expected_average_value``、``clv``。

    例子
    ----
    >>> bgnbd = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> gg = {"p": 6.25, "q": 3.74, "gamma": 15.44}
    >>> summary = pd.DataFrame({"frequency": [2, 0], "recency": [30.43, 0.0], "T": [38.86, 38.86],
    ...                         "monetary_value": [22.35, 0.0]}, index=["ID1", "ID2"])
    >>> clv_bgnbd_gg(bgnbd, gg, summary, time_unit="weeks").round(2)  # doctest: +NORMALIZE_WHITESPACE
         p_alive  expected_purchases  expected_average_value    clv
    ID1     0.73                1.56                   24.66  36.31
    ID2     1.00                0.25                   35.22   8.37
    """
    if isinstance(months, bool) or not isinstance(months, numbers.Integral) or months < 1:
        raise CRMDataError(f"months（预测几个月）应该是正整数，例如 12。收到 {months!r}。")
    d = _check_rate("monthly_discount_rate", monthly_discount_rate, low=0.0, high=1.0,
                    meaning="月折现率（0.01 表示每月 1%）")
    margin = _check_rate("margin", margin, low=0.0, high=1.0, low_open=True,
                         meaning="毛利率（0 到 1 之间的小数，1 表示按收入算）")
    unit = time_unit or _attr(bgnbd_params, "time_unit") or summary.attrs.get("time_unit")
    if unit is None:
        raise CRMDataError(
            "不知道汇总表的时间单位（天还是周），无法换算月份。请写 time_unit=\"days\" 或 time_unit=\"weeks\"。"
        )
    _check_choice("time_unit", unit, _TIME_UNIT_NAMES)
    month = DAYS_PER_CLV_MONTH / DAYS_PER_UNIT[unit]
    value = expected_average_value(gamma_gamma_params, summary, frequency=frequency, monetary=monetary)
    columns = {"frequency": frequency, "recency": recency, "T": T}
    cumulative = [expected_purchases(bgnbd_params, i * month, summary, **columns) for i in range(1, months + 1)]
    increments = np.diff(np.column_stack([np.zeros(len(summary))] + [c.to_numpy() for c in cumulative]), axis=1)
    discounted = increments @ (1 / (1 + d) ** np.arange(1, months + 1))
    return pd.DataFrame({
        "p_alive": probability_alive(bgnbd_params, summary, **columns),
        "expected_purchases": cumulative[-1],
        "expected_average_value": value,
        "clv": margin * value.to_numpy() * discounted,
    }, index=summary.index)


def _bgnbd_individual_ll(r, alpha, a, b, x, t_x, t):
    """每位客户的对数似然（Fader, Hardie & Lee 2005 式 (6)，取对数）。"""
    common = (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
              + special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x))
    stayed = -(r + x) * np.log(alpha + t)
    with np.errstate(divide="ignore", invalid="ignore"):
        left = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x),
                        -np.inf)
    return common + np.logaddexp(stayed, left)


def _bgnbd_alive(r, alpha, a, b, x, t_x, t):
    with np.errstate(over="ignore"):
        odds = np.where(x > 0, a / np.maximum(b + x - 1, 1e-300) * ((alpha + t) / (alpha + t_x)) ** (r + x), 0.0)
    return 1 / (1 + odds)


def _gamma_gamma_individual_ll(p, q, gamma, x, m):
    """每位客户平均金额 z̄ 的对数密度（Fader & Hardie 2013 式 (3)）。"""
    px = p * x
    return (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(gamma)
            + px * np.log(x) + (px - 1) * np.log(m) - (px + q) * np.log(gamma + x * m))


def _maximise(negative_mean_ll, start, *, model):
    """在对数参数上最小化负的平均对数似然（参数都要为正；对数限制在 ±LOG_PARAM_BOUND 之内）。"""
    with np.errstate(all="ignore"):
        fitted = optimize.minimize(negative_mean_ll, start, method="L-BFGS-B",
                                   bounds=[(-LOG_PARAM_BOUND, LOG_PARAM_BOUND)] * len(start))
    if not (np.isfinite(fitted.fun) and np.all(np.isfinite(fitted.x))):
        raise CRMDataError(
            f"{model} 模型的参数估计失败（似然函数算不出来）。常见原因：客户太少、几乎没有重复购买，"
            "或观测期太短。请用更多客户、更长观测期的数据。"
        )
    if not fitted.success or np.any(np.abs(fitted.x) > LOG_PARAM_BOUND - 1):
        warnings.warn(
            f"{model} 模型的参数估计没有收敛到一个确定的值（{fitted.message}），有的参数趋于 0 或无穷大。"
            "通常是客户太少或观测期太短，数据不足以估计所有参数；结果仅供参考。",
            UserWarning, stacklevel=3,
        )
    return fitted


def _model_params(params, names, *, model) -> list[float]:
    if not isinstance(params, (pd.Series, dict)):
        raise CRMDataError(
            f"{model} 模型的参数应该是 fit_* 函数的结果（Series）或字典 {{{', '.join(names)}}}，"
            f"收到的是 {type(params).__name__}。"
        )
    missing = [n for n in names if n not in params]
    if missing:
        raise CRMDataError(
            f"{model} 模型的参数缺少 {', '.join(missing)}：需要 {', '.join(names)}。"
            "请传入对应 fit_* 函数的结果（BG/NBD 用 fit_bgnbd，Gamma-Gamma 用 fit_gamma_gamma），不要传反了。"
        )
    values = []
    for name in names:
        value = params[name]
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
            raise CRMDataError(f"{model} 模型的参数 {name} 应该是正数，收到 {value!r}。")
        values.append(float(value))
    return values


def _summary_arrays(summary, *, frequency, recency, T):
    """检查汇总表的 frequency、recency、T 三列，返回三个 numpy 数组。"""
    table = "汇总表（summary 参数）"
    check_columns(summary, [frequency, recency, T], table=table)
    if summary.empty:
        raise CRMDataError(f"{table}是空的（没有任何客户）。")
    x = _numeric_column(summary[frequency], where=f"{table}的列 {frequency}")
    _check_counts(x, summary[frequency], column=frequency)
    t_x = _numeric_column(summary[recency], where=f"{table}的列 {recency}")
    t = _numeric_column(summary[T], where=f"{table}的列 {T}")
    negative = (t_x < 0) | (t < 0)
    if negative.any():
        raise CRMDataError(f"{table}的列 {recency} 或 {T} 有负数：{_rows(negative)}。时长应当 ≥ 0。")
    too_late = t_x > t + 1e-9
    if too_late.any():
        raise CRMDataError(
            f"{table}有客户的 {recency}（第一次到最后一次购买）大于 {T}（第一次购买到观测结束）："
            f"{_rows(too_late, summary[recency])}。日期顺序不对：请检查这两列是否填反，或观测结束日期是否太早。"
        )
    lonely = (x == 0) & (t_x > 0)
    if lonely.any():
        raise CRMDataError(
            f"{table}有客户没有重复购买（{frequency} 为 0），{recency} 却大于 0：{_rows(lonely, summary[recency])}。"
            f"只买过一次的客户 {recency} 应为 0；请检查 {frequency} 是不是“总购买次数”（应当是总次数 − 1）。"
        )
    return x.to_numpy(), t_x.to_numpy(), t.to_numpy()


def _check_counts(values: pd.Series, raw: pd.Series, *, column) -> None:
    wrong = (values < 0) | (values != np.floor(values))
    if wrong.any():
        raise CRMDataError(
            f"汇总表的列 {column}（重复购买次数）应该是 0 或正整数：{_rows(wrong, raw)}。"
        )


def _attr(params, key):
    return params.attrs.get(key) if isinstance(params, pd.Series) else None


# ---------------------------------------------------------------------------------------------
# 内部工具
# ---------------------------------------------------------------------------------------------


def _clean_transactions(data, *, customer, amount, status, exclude_status, duplicates, date=None, order=None,
                        extra=(), table="交易表"):
    """检查交易表、排除退货/取消和没有客户编号的行；返回 (保留的行, 报告, 客户编号)。

    保留的行只有用到的列，另加几列：``_code``（客户编号在“客户编号”中的位置，整数；客户编号已排好序，
    按 ``_code`` 分组就是按客户分组，比按文字分组快得多）、``_amount``（数值）、``_date``（日期，给了 date 时）、
    ``_order``（订单号的整数编码，给了 order 时）。行索引保持原样，出错时报告的行号就是学生表里的行索引。
    """
    _check_choice("duplicates", duplicates, {"error": "报错", "drop": "删除并计数", "keep": "保留"})
    excluded_values = _check_exclude_status(exclude_status)
    required = [c for c in (customer, date, amount, order, status, *extra) if c is not None]
    check_columns(data, required, table=table)
    if data.empty:
        raise CRMDataError(f"{table}是空的（没有任何行），无法计算。请确认读对了文件或工作表。")

    report = {"输入行数": len(data)}
    if data.attrs.get("source"):
        report["来源"] = data.attrs["source"]
    repeated = _duplicated_rows(data, required)
    report["重复行"] = int(repeated.sum())
    if repeated.any() and duplicates == "error":
        raise CRMDataError(
            f"{table}有 {int(repeated.sum())} 行与前面某一行完全相同（每一列都一样）：{_rows(repeated)}。"
            "多半是重复导出或重复粘贴。确认是重复的，请先用 df.drop_duplicates() 去掉，或写 duplicates=\"drop\""
            "（删掉的行数记在结果的 attrs[\"report\"] 里）；如果确实是两笔相同的交易（例如同一天买了两次同样的东西），"
            "请写 duplicates=\"keep\"，最好再加一列订单号并用 order= 指明。"
        )
    if duplicates == "drop":
        data = data[~repeated]
    report["删除的重复行"] = int(repeated.sum()) if duplicates == "drop" else 0

    if status is None:
        _guard_unused_status(data, exclude_values=excluded_values, table=table)
        returned = pd.Series(False, index=data.index)
        detail = {}
    else:
        returned = _status_in(data[status], excluded_values)
        detail = data.loc[returned.to_numpy(), status].astype(object).value_counts()
        detail = {str(k): int(v) for k, v in detail.items()}
    report["排除的退货/取消行"] = int(returned.sum())
    report["排除的状态明细"] = detail
    codes, customers = _customer_codes(data[customer])
    no_customer = (codes < 0) & ~returned.to_numpy()
    report["排除的缺少客户编号行"] = int(no_customer.sum())
    keep = ~(returned.to_numpy() | no_customer)
    kept = data.loc[keep, list(dict.fromkeys(required))].copy()  # 只复制用到的列
    kept["_code"] = codes[keep]
    report["计入的交易行数"] = len(kept)
    if kept.empty:
        raise CRMDataError(
            f"{table}排除退货/取消的行（{report['排除的退货/取消行']} 行）和缺少客户编号的行"
            f"（{report['排除的缺少客户编号行']} 行）之后，没有剩下任何交易。"
            f"请检查 status= 和 exclude_status= 是否写对，以及列 {customer} 是否填了客户编号。"
        )

    kept["_amount"] = _numeric_column(kept[amount], where=f"{table}的金额列 {amount}")
    not_positive = kept["_amount"] <= 0
    if not_positive.any():
        hint = (f"请在状态列 {status} 里把它们标成“退货”或“已取消”" if status is not None
                else "请在表里加一列订单状态，把它们标成“退货”或“已取消”，并写 status=\"列名\"")
        raise CRMDataError(
            f"{table}的列 {amount} 有 {int(not_positive.sum())} 行金额小于或等于 0："
            f"{_rows(not_positive, kept[amount])}。"
            f"RFM 和 CLV 只统计正常的购买。如果这些是退货、退款或取消的订单，{hint}，函数会自动排除并计数；"
            "如果是录入错误，请改正后再算。"
        )
    if date is not None:
        kept["_date"] = _parse_dates(kept[date], column=date, table=table)
    if order is not None:
        order_codes, order_ids = pd.factorize(kept[order])
        missing_order = pd.Series(order_codes < 0, index=kept.index)
        if missing_order.any():
            raise CRMDataError(
                f"{table}的订单号列 {order} 有 {int(missing_order.sum())} 个空值：{_rows(missing_order)}。"
                "请补上订单号；如果每行就是一个订单，可以不写 order=（按行数计算购买次数）。"
            )
        kept["_order"] = order_codes
        owner_codes = kept["_code"].to_numpy()
        lowest = np.full(len(order_ids), len(customers))
        highest = np.full(len(order_ids), -1)
        np.minimum.at(lowest, order_codes, owner_codes)
        np.maximum.at(highest, order_codes, owner_codes)
        shared = order_ids[lowest != highest]
        if len(shared):
            shown = "、".join(map(str, shared[:5].tolist()))
            raise CRMDataError(
                f"{table}里有 {len(shared)} 个订单号同时属于不止一位客户（列 {order}），例如 {shown}。"
                f"一个订单只能属于一位客户：请检查列 {customer} 和 {order} 是否对应，或 order= 是否选对了列。"
            )
    return kept, report, customers


def _duplicated_rows(data: pd.DataFrame, required) -> pd.Series:
    """与前面某一行完全相同的行（结果同 ``data.duplicated(keep="first")``）。

    完全相同的两行在数字、日期列上也一定相同：先把这些列合成每行一个整数“指纹”（很快），只有指纹重复的行
    才逐列比较全部列（文字列很慢）。大表上快好几倍；没有数字、日期列时直接逐列比较。
    """
    fingerprint = None
    for _, values in data.items():
        bits = _row_bits(values)
        if bits is not None:
            fingerprint = bits if fingerprint is None else (fingerprint * np.uint64(1_000_003)) ^ bits
    try:
        if fingerprint is None:
            return data.duplicated(keep="first")
        candidates = pd.Series(fingerprint).duplicated(keep=False).to_numpy()
        repeated = pd.Series(False, index=data.index)
        if candidates.any():
            repeated[candidates] = data[candidates].duplicated(keep="first").to_numpy()
        return repeated
    except TypeError:  # 有列表之类不能比较的单元格：只比较用到的列
        return data[required].duplicated(keep="first")


def _row_bits(values: pd.Series) -> np.ndarray | None:
    """数字、日期、类别列的每个值 → 64 位无符号整数，相等的值得到相同的整数；其他列返回 None。"""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype(np.uint64)
    if not isinstance(dtype, np.dtype) or dtype.kind not in "biufmM":
        return None
    if dtype.kind == "f":
        numbers_ = values.to_numpy(dtype=np.float64) + 0.0  # −0.0 与 0.0 相等
        numbers_[np.isnan(numbers_)] = np.nan  # 各种 NaN 都算同一个值
        return numbers_.view(np.uint64)
    if dtype.kind in "mM":
        return values.to_numpy().view(np.int64).astype(np.uint64)
    return values.to_numpy().astype(np.uint64)


def _customer_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """客户编号 → (每行的整数编码, 排好序的不同客户编号)；空值和空白文字的编码为 −1。"""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)  # 按编号本身排序，而不是按类别的顺序
    codes, uniques = pd.factorize(values)
    try:
        sorter = np.asarray(pd.Index(uniques).argsort())
    except TypeError:  # 数字和文字混在一起：交给 pandas 的排序规则（数字在前）
        codes, uniques = pd.factorize(values, sort=True)
    else:  # 只给不同的编号排序，比 factorize(sort=True) 快
        rank = np.empty(len(sorter), dtype=np.intp)
        rank[sorter] = np.arange(len(sorter))
        codes, uniques = np.append(rank, -1)[codes], uniques.take(sorter)
    blank = np.array([isinstance(u, str) and not u.strip() for u in np.asarray(uniques, dtype=object)], dtype=bool)
    if blank.any():
        renumber = np.append(np.where(blank, -1, np.cumsum(~blank) - 1), -1)  # 最后一个给编码 −1 用
        codes, uniques = renumber[codes], uniques[~blank]
    return codes, pd.Index(uniques)


def _check_rules(rules) -> dict:
    """把规则整理成有序字典 {阶段: 条件}，并检查写法。"""
    if isinstance(rules, pd.DataFrame):
        check_columns(rules, ["stage", "rule"], table="生命周期规则表（rules 参数）")
        rules = dict(zip(rules["stage"], rules["rule"], strict=True))
    if not isinstance(rules, dict):
        raise CRMDataError(
            f"rules 应该是字典 {{阶段: 条件}}（例如 dict(LIFECYCLE_RULES)）或含 stage、rule 两列的表，"
            f"收到的是 {type(rules).__name__}。"
        )
    if not rules:
        raise CRMDataError("rules 是空的：至少要有一条规则，例如 {\"退化期\": \"recency > 180\"}。")
    for stage, rule in rules.items():
        if not isinstance(stage, str) or not stage.strip():
            raise CRMDataError(f"生命周期规则的阶段名应该是文字，例如 \"考察期\"，收到 {stage!r}。")
        if not isinstance(rule, str) or not rule.strip():
            raise CRMDataError(
                f"生命周期规则 {stage} 的条件应该是文字表达式，例如 \"recency > 180\"，收到 {rule!r}。"
            )
    return dict(rules)


def _guard_unused_status(data, *, exclude_values, table):
    """没写 status= 但表里明显有订单状态列（含“退货”等）时报错，免得把退货当成购买算进去。"""
    for column in _STATUS_COLUMN_GUESSES:
        if column in data.columns:
            flagged = _status_in(data[column], exclude_values)
            if flagged.any():
                raise CRMDataError(
                    f"{table}有一列 {column}，其中 {int(flagged.sum())} 行是退货或取消的订单"
                    f"（{_rows(flagged, data[column])}），但没有写 status=，它们会被当成正常购买算进去。"
                    f"请加上 status=\"{column}\"，函数会排除这些行并计数；"
                    f"如果确实要把它们都算进去，请写 status=\"{column}\", exclude_status=()。"
                )


def _status_in(values: pd.Series, statuses: set) -> pd.Series:
    """每行的状态是否属于 ``statuses``（忽略首尾空格和英文大小写；空值不属于）。只逐个比较不同的值。"""
    codes, uniques = pd.factorize(values)
    flags = [(u.strip().casefold() if isinstance(u, str) else u) in statuses for u in uniques]
    return pd.Series(np.array([*flags, False], dtype=bool)[codes], index=values.index)  # 编码 −1（空值）取最后的 False


def _check_exclude_status(exclude_status) -> set:
    if exclude_status is None:
        return set()
    if isinstance(exclude_status, str):
        exclude_status = (exclude_status,)
    try:
        items = list(exclude_status)
    except TypeError as exc:
        raise CRMDataError(
            f"exclude_status 应该是一组状态，例如 (\"退货\", \"已取消\")，收到 {exclude_status!r}。"
        ) from exc
    return {v.strip().casefold() if isinstance(v, str) else v for v in items}


def _blank(values: pd.Series) -> pd.Series:
    """空值，或只有空白的文字。只逐个检查不同的值。"""
    codes, uniques = pd.factorize(values)
    flags = [isinstance(u, str) and not u.strip() for u in np.asarray(uniques, dtype=object)]
    return pd.Series(np.array([*flags, True], dtype=bool)[codes], index=values.index)  # 编码 −1 是空值


def _numeric_column(values: pd.Series, *, where: str) -> pd.Series:
    """把一列转成小数；有空值或不是数字的单元格时报错。``where`` 说明是哪一列，例如“交易表的金额列 amount”。"""
    missing = values.isna()
    if missing.any():
        raise CRMDataError(f"{where} 有 {int(missing.sum())} 个空值：{_rows(missing)}。请补上，或删掉这些行后再算。")
    if pd.api.types.is_bool_dtype(values):
        numbers_ = pd.Series(np.nan, index=values.index)
    elif pd.api.types.is_numeric_dtype(values):
        numbers_ = values.astype(float)
    else:
        stripped = values.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
        numbers_ = pd.to_numeric(stripped, errors="coerce").astype(float)
    wrong = numbers_.isna() | ~np.isfinite(numbers_)
    if wrong.any():
        raise CRMDataError(
            f"{where} 有 {int(wrong.sum())} 个值不是数字：{_rows(wrong, values)}。"
            "请只填数字：去掉“¥”“元”等单位和千分位逗号（例如 1,200 写成 1200）。"
        )
    return numbers_


def _parse_dates(values: pd.Series, *, column, table) -> pd.Series:
    """把一列转成日期（不带时区）；有空值或认不出的日期时报错，指出行号。"""
    missing = values.isna()
    if missing.any():
        raise CRMDataError(
            f"{table}的日期列 {column} 有 {int(missing.sum())} 个空值：{_rows(missing)}。"
            "请补上日期，或删掉这些行后再算。"
        )
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    elif pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise CRMDataError(
            f"{table}的日期列 {column} 是数字，不是日期（例如 {values.iloc[0]!r}）。"
            "从 Excel 复制来的日期有时会变成 45000 这样的序号：请在 Excel 里把这一列设成“日期”格式再导出，"
            f"或用 pd.to_datetime(df[{column!r}], unit=\"D\", origin=\"1899-12-30\") 转换。"
        )
    else:
        texts = values.astype(object).map(_normalise_date_text)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # 逐个识别时 pandas 对日月顺序的提醒
            try:
                parsed = pd.to_datetime(texts, format="mixed", errors="coerce")
            except (ValueError, TypeError) as exc:
                raise CRMDataError(
                    f"{table}的日期列 {column} 无法识别为日期（{exc}）。请统一写成 2024-06-01 这样的格式。"
                ) from exc
        wrong = parsed.isna()
        if wrong.any():
            raise CRMDataError(
                f"{table}的日期列 {column} 有 {int(wrong.sum())} 个认不出的日期：{_rows(wrong, values)}。"
                "请写成 2024-06-01（或 2024/6/1、2024年6月1日）这样的日期，并检查月份和日子是否存在。"
            )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed


def _normalise_date_text(value):
    if not isinstance(value, str):
        return value
    text = value.strip()
    for mark, replacement in (("年", "-"), ("月", "-"), ("日", " ")):
        text = text.replace(mark, replacement)
    return text.strip()


def _parse_analysis_date(analysis_date) -> pd.Timestamp:
    try:
        day = pd.Timestamp(_normalise_date_text(analysis_date))
    except (ValueError, TypeError) as exc:
        raise CRMDataError(
            f"analysis_date（分析日期）无法识别：{analysis_date!r}。请写成 \"2024-06-30\" 这样的日期。"
        ) from exc
    if pd.isna(day):
        raise CRMDataError("analysis_date（分析日期）是空值。不写它就默认用最后一笔交易的第二天。")
    if day.tzinfo is not None:
        day = day.tz_localize(None)
    return day.normalize()


def _rfm_values(rfm, *, table, columns=None) -> pd.DataFrame:
    """取出 R、F、M 列并检查：DataFrame、不空、是数字、没有空值。"""
    columns = RFM_COLUMNS if columns is None else columns
    check_columns(rfm, columns, table=table)
    if rfm.empty:
        raise CRMDataError(f"{table}是空的（没有任何客户）。")
    return pd.DataFrame({c: _numeric_column(rfm[c], where=f"{table}的列 {c}") for c in columns},
                        index=rfm.index)


def _rows(mask: pd.Series, values: pd.Series | None = None, *, limit: int = 5) -> str:
    """说明是哪几行：“共 3 行，例如 行 4（'abc'）、行 9（'x'）；可以用 df.loc[[4, 9]] 查看”。"""
    flags = mask.to_numpy(dtype=bool, na_value=False)
    positions = np.flatnonzero(flags)[:limit]
    labels = mask.index[positions].tolist()
    parts = []
    for position, label in zip(positions, labels, strict=True):
        text = f"行 {label!r}" if isinstance(label, str) else f"行 {label}"
        if values is not None:
            text += f"（{_show(values.iloc[position])}）"
        parts.append(text)
    more = "等" if int(flags.sum()) > len(labels) else ""
    return f"共 {int(flags.sum())} 行，例如 {'、'.join(parts)}{more}；可以用 df.loc[{labels!r}] 查看"


def _show(value) -> str:
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return "空"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, pd.Timestamp):
        return str(value.date()) if value == value.normalize() else str(value)
    return str(value)


def _check_choice(name: str, value, choices: dict) -> None:
    if not isinstance(value, str) or value not in choices:
        allowed = "、".join(f"\"{k}\"（{v}）" for k, v in choices.items())
        raise CRMDataError(f"{name} 只能是 {allowed}，收到 {value!r}。")


def _check_bins(bins) -> None:
    if isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or not 2 <= bins <= 100:
        raise CRMDataError(f"bins（分成几档）应该是 2 到 100 之间的整数，常用 5（1～5 分）。收到 {bins!r}。")


def _check_edges(name: str, edges, bins: int) -> list[float]:
    if edges is None:
        raise CRMDataError(
            f"method=\"fixed\" 时必须给出 {name}：{bins - 1} 个从小到大的分界点（bins={bins}），"
            "例如 recency_edges=[30, 60, 90, 180]。"
        )
    try:
        points = [float(v) for v in edges]
    except (TypeError, ValueError) as exc:
        raise CRMDataError(f"{name} 应该是一列数字，例如 [1, 2, 4, 8]，收到 {edges!r}。") from exc
    if len(points) != bins - 1:
        raise CRMDataError(
            f"{name} 应该有 bins − 1 = {bins - 1} 个分界点，收到 {len(points)} 个：{list(edges)!r}。"
            f"要用 {len(points) + 1} 档请写 bins={len(points) + 1}。"
        )
    if not all(math.isfinite(p) for p in points) or any(x >= y for x, y in zip(points[:-1], points[1:], strict=True)):
        raise CRMDataError(f"{name} 的分界点必须是从小到大、各不相同的数字，收到 {list(edges)!r}。")
    return points


def _check_rate(name, value, *, low, high, meaning, low_open=False, high_open=False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise CRMDataError(f"{name} 是{meaning}，应该是一个数，收到 {value!r}。")
    value = float(value)
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high:
        bounds = f"{'大于' if low_open else '不小于'} {low:g}、{'小于' if high_open else '不大于'} {high:g}"
        hint = f"如果写的是百分数，请写 {value / 100:g}。" if 1 < value <= 100 else ""
        raise CRMDataError(f"{name} 是{meaning}，应该{bounds}，收到 {value:g}。{hint}")
    return value


def _number_or_series(name, value, *, meaning, low=None, high=None, low_open=False, high_open=False):
    """一个数或一个数值 Series；按 low/high 检查范围，出错时指出参数名和（Series 的）行号。"""
    if isinstance(value, pd.Series):
        numbers_ = _numeric_column(value, where=f"参数 {name}（{meaning}）")
        out_of_range = pd.Series(False, index=value.index)
        if low is not None:
            out_of_range |= (numbers_ <= low) if low_open else (numbers_ < low)
        if high is not None:
            out_of_range |= (numbers_ >= high) if high_open else (numbers_ > high)
        if out_of_range.any():
            bounds = f"{'大于' if low_open else '不小于'} {low:g}、{'小于' if high_open else '不大于'} {high:g}"
            raise CRMDataError(
                f"参数 {name}（{meaning}）应该{bounds}，但有 {int(out_of_range.sum())} 个不在范围内："
                f"{_rows(out_of_range, value)}。"
            )
        if numbers_.empty:
            raise CRMDataError(f"参数 {name}（{meaning}）是空的 Series。")
        return numbers_
    if low is None:
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise CRMDataError(f"{name} 是{meaning}，应该是一个数或 pandas 的 Series，收到 {value!r}。")
        return float(value)
    return _check_rate(name, value, low=low, high=high, low_open=low_open, high_open=high_open, meaning=meaning)


def _common_index(**series_or_numbers):
    indexes = {k: v.index for k, v in series_or_numbers.items() if isinstance(v, pd.Series)}
    if not indexes:
        return None
    first_name, first = next(iter(indexes.items()))
    for name, index in indexes.items():
        if not index.equals(first):
            raise CRMDataError(
                f"参数 {first_name} 和 {name} 都是 Series，但行索引（客户）不一致。"
                "请让它们来自同一张表，或先用 .reindex(...) 对齐。"
            )
    return first
