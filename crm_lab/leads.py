"""潜在客户（模块二）：MAN / BANT 资格鉴定、线索评分与优先级、销售漏斗、各来源的转化率和获客成本。

- ``qualify_man(leads)``：MAN 法则（Money 购买力、Authority 决策权、Need 需求）的八种组合及建议；
  ``rule="BANT"`` 时再加上 Timeline（购买时间）；
- ``lead_scores(leads, weights=...)``：加权打分（0～100）并分成 A/B/C 三级；``priority_list(scored)``：
  按优先级排好的跟进名单，带跟进计划；
- ``funnel(leads, stage=..., stages=[...])``：销售漏斗，每一阶段的人数、阶段转化率和总转化率；
  画图用 ``crm_lab.plots.funnel_chart``；
- ``source_performance(leads, costs)``：各线索来源（展销会、转介绍、网络 ……）的线索数、成交数、转化率、
  费用、每条线索成本和获客成本（CAC）。

“是/否”列可以写 True/False、1/0、是/否、有/无、有/没有、yes/no、Y/N（不分大小写、忽略首尾空格）；
空值或认不出的值一律报错，指出哪一列、哪几行。出错的规矩与 ``crm_lab.value`` 相同。
"""

from __future__ import annotations

import difflib
import numbers

import numpy as np
import pandas as pd

from crm_lab.data import CRMDataError, check_columns
from crm_lab.value import _blank, _check_choice, _rows

__all__ = [
    "FOLLOW_UP",
    "FUNNEL_STAGES",
    "MAN_RULES",
    "funnel",
    "lead_scores",
    "priority_list",
    "qualify_man",
    "source_performance",
]

# MAN 法则的八种组合：(M 有购买力, A 有决策权, N 有需求) -> (组合, 类别, 建议)。大写 = 具备，小写 = 不具备。
MAN_RULES = {
    (True, True, True): ("M+A+N", "理想的潜在客户", "有钱、有决策权、有需求：重点跟进，尽快拜访，促成交易。"),
    (True, True, False): ("M+A+n", "可以接触",
                          "有钱、有决策权，需求还不明显：用熟练的推销技巧发掘、激发需求，有成功的希望。"),
    (True, False, True): ("M+a+N", "可以接触", "有钱、有需求，但对方做不了主：设法找到有决策权的人。"),
    (False, True, True): ("m+A+N", "可以接触",
                          "有决策权、有需求，但购买力不足：了解其经济状况和信用，可考虑分期付款等方式。"),
    (False, False, True): ("m+a+N", "长期培养", "只有需求：长期观察、培养，等他具备其他条件后再重点跟进。"),
    (False, True, False): ("m+A+n", "长期培养", "只有决策权：长期观察、培养，等他具备其他条件后再重点跟进。"),
    (True, False, False): ("M+a+n", "长期培养", "只有购买力：长期观察、培养，等他具备其他条件后再重点跟进。"),
    (False, False, False): ("m+a+n", "非潜在客户", "没钱、没权、没需求：停止接触，不再投入精力。"),
}
_BANT_READY = ("合格的销售线索", "预算、决策权、需求、时间都具备：立即安排销售人员跟进，准备报价。")
_BANT_LATER = ("时机未到", "预算、决策权、需求都具备，但近期不买：保持联系，在对方计划采购前再重点跟进。")

FUNNEL_STAGES = ("线索", "已联系", "合格", "意向", "成交")

FOLLOW_UP = {
    "A": "24 小时内电话或当面联系，约定拜访或试用，争取尽快成交。",
    "B": "一周内联系，发送产品资料和优惠信息，了解需求后再评估。",
    "C": "每月一次群发资讯，保持联系；需求或条件出现时再升级。",
}
_DEFAULT_WEIGHTS = {"money": 30, "authority": 30, "need": 40}

_YES = {"true", "1", "1.0", "是", "有", "yes", "y", "√", "✓"}
_NO = {"false", "0", "0.0", "否", "无", "没有", "no", "n", "×", "✗"}


# ---------------------------------------------------------------------------------------------
# 1. 资格鉴定：MAN / BANT
# ---------------------------------------------------------------------------------------------


def qualify_man(leads: pd.DataFrame, *, money: str = "money", authority: str = "authority", need: str = "need",
                timeline: str = "timeline", rule: str = "MAN", yes: dict | None = None) -> pd.DataFrame:
    """用 MAN 法则（或 BANT）判断每条线索是不是合格的潜在客户，并给出下一步建议。

    MAN 法则：M（Money）有没有购买力，A（Authority）有没有购买决策权，N（Need）有没有需求。大写表示具备、
    小写表示不具备，共八种组合。下表是国内推销学和客户关系管理教材普遍引用的 MAN 组合表（课程大纲模块二
    任务一“谁是你的潜在客户”；课程教材为程越敏主编《客户关系管理》，高等教育出版社。编写时没能查阅教材原文，
    类别名称和建议的措辞请老师对照教材核对，改 ``MAN_RULES`` 即可）：

    ======  ==============  ============================================
    组合    类别            建议
    ======  ==============  ============================================
    M+A+N   理想的潜在客户  重点跟进，尽快拜访，促成交易
    M+A+n   可以接触        用推销技巧发掘、激发需求
    M+a+N   可以接触        设法找到有决策权的人
    m+A+N   可以接触        了解经济状况和信用，可考虑分期付款
    m+a+N   长期培养        长期观察、培养，使之具备其他条件
    m+A+n   长期培养        同上
    M+a+n   长期培养        同上
    m+a+n   非潜在客户      停止接触
    ======  ==============  ============================================

    ``rule="BANT"``（IBM 提出的 Budget 预算、Authority、Need、Timeline 购买时间）：``money`` 列当作预算，
    再看 ``timeline`` 列（近期是否计划购买）。B、A、N 都具备时：T 也具备是“合格的销售线索”，否则是“时机未到”；
    其余情况与 MAN 相同，组合后面加上 ``+T`` 或 ``+t``。

    参数
    ----
    leads : 线索表，每行一条线索（潜在客户）。
    money, authority, need, timeline : 四列的列名（``timeline`` 只在 BANT 时使用）。每列是“是/否”，
        或者是等级（例如 高/中/低），这时要用 ``yes=`` 说明哪些取值算“具备”。
    rule : ``"MAN"``（默认）或 ``"BANT"``。
    yes : ``{列名: [算“具备”的取值, ...]}``，用于等级列，例如课程数据 leads 可以写
        ``yes={"money": ["高", "中"], "authority": ["自己决定"], "need": ["强"], "timeline": ["1个月内", "1-3个月"]}``；
        列出的取值之外都算“不具备”。列出的取值必须在这一列里出现过（防止写错字后全部算成不具备）。

    返回
    ----
    ``leads`` 的副本，多了三列：``qualification_code``（组合，例如 "M+a+N"）、``qualification``（类别）、
    ``next_action``（建议）。各类别的线索数记在 ``attrs["report"]["各类别线索数"]``，``yes=`` 记在
    ``attrs["report"]["算作具备的取值"]``。

    例子
    ----
    >>> leads = pd.DataFrame({"name": ["甲", "乙", "丙"], "money": ["是", "是", "否"],
    ...                       "authority": ["是", "否", "否"], "need": ["是", "是", "否"]})
    >>> qualify_man(leads)[["name", "qualification_code", "qualification"]]
      name qualification_code qualification
    0    甲              M+A+N       理想的潜在客户
    1    乙              M+a+N          可以接触
    2    丙              m+a+n         非潜在客户
    >>> leads["timeline"] = [False, True, True]
    >>> qualify_man(leads, rule="BANT")["qualification"].tolist()
    ['时机未到', '可以接触', '非潜在客户']
    >>> graded = pd.DataFrame({"money": ["高", "中", "低"], "authority": ["自己决定", "无决策权", "自己决定"],
    ...                        "need": ["强", "强", "弱"]})
    >>> qualify_man(graded, yes={"money": ["高", "中"], "authority": ["自己决定"], "need": ["强"]})[
    ...     "qualification_code"].tolist()
    ['M+A+N', 'M+a+N', 'm+A+n']
    """
    _check_choice("rule", rule, {"MAN": "购买力、决策权、需求", "BANT": "预算、决策权、需求、购买时间"})
    columns = [money, authority, need] + ([timeline] if rule == "BANT" else [])
    check_columns(leads, columns, table="线索表（leads 参数）")
    if leads.empty:
        raise CRMDataError("线索表是空的，没有可以鉴定的线索。")
    yes = _check_yes(yes, [money, authority, need, timeline])  # 同一个 yes 可以用于 MAN 和 BANT
    flags = {c: _flags(leads[c], yes.get(c), column=c) for c in columns}
    keys = list(zip(flags[money], flags[authority], flags[need], strict=True))
    codes, classes, actions = [], [], []
    for position, key in enumerate(keys):
        code, label, action = MAN_RULES[key]
        if rule == "BANT":
            soon = bool(flags[timeline].iloc[position])
            code = code.replace("M", "B").replace("m", "b") + ("+T" if soon else "+t")
            if all(key):
                label, action = _BANT_READY if soon else _BANT_LATER
        codes.append(code)
        classes.append(label)
        actions.append(action)
    result = leads.copy()
    result["qualification_code"] = pd.Series(codes, index=leads.index, dtype=object)
    result["qualification"] = pd.Series(classes, index=leads.index, dtype=object)
    result["next_action"] = pd.Series(actions, index=leads.index, dtype=object)
    report = dict(leads.attrs.get("report", {}))
    report["鉴定规则"] = rule
    if yes:
        report["算作具备的取值"] = yes
    report["各类别线索数"] = {k: int(v) for k, v in result["qualification"].value_counts(sort=False).items()}
    result.attrs["report"] = report
    return result


# ---------------------------------------------------------------------------------------------
# 2. 线索评分与优先级
# ---------------------------------------------------------------------------------------------


def lead_scores(leads: pd.DataFrame, *, weights: dict | None = None, levels: dict | None = None,
                thresholds=(70, 40)) -> pd.DataFrame:
    """给每条线索加权打分（0～100 分），并按分数分成 A、B、C 三个优先级。

    分数 = 100 × Σ(权重 × 取值) / Σ权重。每一列的取值：“是/否”列记 1 或 0；数字列必须在 0～1 之间
    （例如 0.5 表示“部分具备”，金额之类的数请先换算，例如 ``df["budget"] / df["budget"].max()``）。
    分数 ≥ ``thresholds[0]`` 为 A 级，≥ ``thresholds[1]`` 为 B 级，其余为 C 级。

    参数
    ----
    leads : 线索表。
    weights : ``{列名: 权重}``，权重是 ≥ 0 的数（不必加起来等于 1 或 100）。
        默认 ``{"money": 30, "authority": 30, "need": 40}``（需求最重要）。
    levels : 等级列的取值怎么换成 0～1 的分，``{列名: {取值: 分}}``，例如
        ``{"money": {"低": 0, "中": 0.5, "高": 1}}``。表里出现、但没有写分数的取值会报错。
    thresholds : (A 级下限, B 级下限)，默认 (70, 40)，要求 100 ≥ A 级下限 > B 级下限 ≥ 0。

    返回
    ----
    ``leads`` 的副本，多了 ``lead_score``（0～100）和 ``priority``（"A"/"B"/"C"）两列。

    例子
    ----
    >>> leads = pd.DataFrame({"money": [1, 1, 0, 0], "authority": [1, 0, 1, 0], "need": [1, 1, 0.5, 0]},
    ...                      index=["L1", "L2", "L3", "L4"])
    >>> lead_scores(leads)[["lead_score", "priority"]]  # L2: 30 + 40 = 70；L3: 30 + 0.5 × 40 = 50
        lead_score priority
    L1       100.0        A
    L2        70.0        A
    L3        50.0        B
    L4         0.0        C
    >>> graded = pd.DataFrame({"money": ["高", "低"], "need": ["一般", "强"]})
    >>> lead_scores(graded, weights={"money": 1, "need": 1},
    ...             levels={"money": {"低": 0, "中": 0.5, "高": 1}, "need": {"弱": 0, "一般": 0.5, "强": 1}}
    ...             )["lead_score"].tolist()
    [75.0, 50.0]
    """
    weights = dict(_DEFAULT_WEIGHTS if weights is None else _check_weights(weights))
    a_min, b_min = _check_thresholds(thresholds)
    levels = {} if levels is None else levels
    if not isinstance(levels, dict) or [c for c in levels if c not in weights]:
        raise CRMDataError(
            f"levels 应该是字典 {{列名: {{取值: 分}}}}，列名要在 weights 里"
            f"（现在 weights 的列：{', '.join(weights)}），收到 {levels!r}。"
        )
    check_columns(leads, list(weights), table="线索表（leads 参数）")
    if leads.empty:
        raise CRMDataError("线索表是空的，没有可以打分的线索。")
    total = sum(weights.values())
    score = pd.Series(0.0, index=leads.index)
    for column, weight in weights.items():
        if column in levels:
            points = _level_points(leads[column], levels[column], column=column)
        else:
            points = _fraction(leads[column], where=f"线索表的列 {column}")
        score += weight * points
    score = score * 100 / total
    result = leads.copy()
    result["lead_score"] = score
    result["priority"] = pd.Series(np.where(score >= a_min - 1e-9, "A", np.where(score >= b_min - 1e-9, "B", "C")),
                                   index=leads.index, dtype=object)
    report = dict(leads.attrs.get("report", {}))
    report["评分权重"] = weights
    if levels:
        report["等级分数"] = levels
    report["分级标准"] = f"A ≥ {a_min:g} 分，B ≥ {b_min:g} 分，其余为 C"
    report["各级线索数"] = {k: int((result["priority"] == k).sum()) for k in "ABC"}
    result.attrs["report"] = report
    return result


def priority_list(scored: pd.DataFrame, *, priorities=("A", "B"), top: int | None = None) -> pd.DataFrame:
    """跟进名单：只留下指定优先级的线索，按优先级、分数从高到低排好，并写上跟进计划。

    参数
    ----
    scored : ``lead_scores`` 的结果（含 ``lead_score``、``priority`` 两列）。
    priorities : 列入名单的优先级，默认 ("A", "B")；全部列出写 ("A", "B", "C")。
    top : 只要前几名（可选）。

    返回
    ----
    DataFrame，多了 ``rank``（名次，从 1 开始）和 ``follow_up``（跟进计划，见 ``FOLLOW_UP``）两列。
    没有列入名单的线索数记在 ``attrs["report"]["未列入名单的线索"]``。

    例子
    ----
    >>> leads = pd.DataFrame({"money": [0, 1, 1, 0], "authority": [0, 1, 0, 1], "need": [1, 1, 1, 0]},
    ...                      index=["L1", "L2", "L3", "L4"])
    >>> priority_list(lead_scores(leads))[["rank", "lead_score", "priority"]]
        rank  lead_score priority
    L2     1       100.0        A
    L3     2        70.0        A
    L1     3        40.0        B
    """
    check_columns(scored, ["lead_score", "priority"], table="评分结果（scored 参数）")
    if isinstance(priorities, str):
        priorities = (priorities,)
    unknown = [p for p in priorities if p not in FOLLOW_UP]
    if unknown or not priorities:
        raise CRMDataError(f"priorities 只能从 \"A\"、\"B\"、\"C\" 中选，例如 (\"A\", \"B\")，收到 {priorities!r}。")
    if top is not None and (isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 1):
        raise CRMDataError(f"top（只要前几名）应该是正整数，例如 10，收到 {top!r}。")
    bad = ~scored["priority"].isin(list(FOLLOW_UP))
    if bad.any():
        raise CRMDataError(
            f"评分结果的 priority 列有不认识的等级：{_rows(bad, scored['priority'])}。请用 lead_scores(...) 的结果。"
        )
    order = {p: i for i, p in enumerate(FOLLOW_UP)}
    chosen = scored[scored["priority"].isin(list(priorities))]
    ranked = chosen.assign(_order=chosen["priority"].map(order)).sort_values(
        ["_order", "lead_score"], ascending=[True, False], kind="stable").drop(columns="_order")
    if top is not None:
        ranked = ranked.head(top)
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
    ranked["follow_up"] = ranked["priority"].map(FOLLOW_UP).astype(object)
    report = dict(scored.attrs.get("report", {}))
    report["未列入名单的线索"] = len(scored) - len(ranked)
    ranked.attrs["report"] = report
    return ranked


# ---------------------------------------------------------------------------------------------
# 3. 销售漏斗
# ---------------------------------------------------------------------------------------------


def funnel(leads: pd.DataFrame, *, stage: str = "stage", stages=FUNNEL_STAGES, by: str | None = None) -> pd.DataFrame:
    """销售漏斗：每一阶段有多少线索走到了（或走过了）这一步，阶段转化率和总转化率。

    ``stage`` 列记的是每条线索**走到的最后一个阶段**。走到第 k 个阶段的线索也算经过了前面所有阶段，
    所以第 k 阶段的人数 = 最后阶段在第 k 个或更后面的线索数，从上到下只减不增。

    参数
    ----
    leads : 线索表，每行一条线索。
    stage : 阶段所在的列名。
    stages : 按先后顺序排列的阶段名称（列表或元组），默认 ``FUNNEL_STAGES``
        （线索 → 已联系 → 合格 → 意向 → 成交，与课程数据 leads 的 stage_reached 一致）。
        表里的每个阶段都必须在其中。
    by : 分组的列（可选），例如 ``"source"``：每个来源一个漏斗，结果的行索引是（来源, 阶段）。

    返回
    ----
    DataFrame，行索引是阶段（按 ``stages`` 的顺序），列：``leads``（走到这一阶段的线索数）、
    ``stopped_here``（停在这一阶段的线索数）、``step_conversion``（本阶段人数 ÷ 上一阶段人数，第一阶段为 1）、
    ``overall_conversion``（本阶段人数 ÷ 第一阶段人数）。

    例子
    ----
    >>> leads = pd.DataFrame({"stage": ["线索", "已联系", "成交", "合格", "已联系", "成交", "意向", "线索"]})
    >>> funnel(leads)  # doctest: +NORMALIZE_WHITESPACE
           leads  stopped_here  step_conversion  overall_conversion
    stage
    线索         8             2         1.000000               1.000
    已联系        6             2         0.750000               0.750
    合格        4             1         0.666667               0.500
    意向       3             1         0.750000               0.375
    成交         2             2         0.666667               0.250
    """
    order = _check_stages(stages)
    check_columns(leads, [stage] + ([by] if by is not None else []), table="线索表（leads 参数）")
    if leads.empty:
        raise CRMDataError("线索表是空的，无法画销售漏斗。")
    column = leads[stage]
    if isinstance(column.dtype, pd.CategoricalDtype) and column.cat.ordered:
        categories = [str(c) for c in column.cat.categories]
        if [c for c in categories if c in order] != [c for c in order if c in categories]:
            raise CRMDataError(
                f"线索表的阶段列 {stage} 是有顺序的分类，它的顺序 {' → '.join(categories)} 与 stages 的顺序 "
                f"{' → '.join(order)} 不一致。请让两者一致，或者按正确的先后顺序写 stages=[...]。"
            )
    missing = _blank(column)
    if missing.any():
        raise CRMDataError(
            f"线索表的阶段列 {stage} 有空值：{_rows(missing)}。每条线索至少处在第一阶段“{order[0]}”，请补上。"
        )
    text = column.astype(object).map(lambda v: str(v).strip())
    unknown = ~text.isin(order)
    if unknown.any():
        names = "、".join(sorted(set(text[unknown])))
        raise CRMDataError(
            f"线索表的阶段列 {stage} 有不在 stages 里的阶段（{names}）：{_rows(unknown, column)}。"
            f"现在的阶段顺序是：{' → '.join(order)}。请改正拼写，或用 stages=[...] 按先后顺序写出全部阶段。"
        )
    position = text.map({name: i for i, name in enumerate(order)}).astype("int64")
    if by is None:
        result = _funnel_table(position, order)
    else:
        groups = leads[by]
        blank = _blank(groups)
        if blank.any():
            raise CRMDataError(f"分组列 {by} 有空值：{_rows(blank)}。请补上（例如写“未知”），或先删掉这些行。")
        parts = {key: _funnel_table(position[groups == key], order) for key in pd.unique(groups)}
        result = pd.concat(parts, names=[by, "stage"])
    result.attrs["report"] = {"线索数": len(leads), "阶段顺序": list(order)}
    return result


def _funnel_table(position: pd.Series, order) -> pd.DataFrame:
    reached = np.array([(position >= k).sum() for k in range(len(order))], dtype="int64")
    stopped = reached - np.append(reached[1:], 0)
    previous = np.concatenate([[reached[0]], reached[:-1]])
    with np.errstate(invalid="ignore", divide="ignore"):
        step = np.where(previous > 0, reached / np.where(previous > 0, previous, 1), np.nan)
        overall = reached / reached[0] if reached[0] else np.full(len(order), np.nan)
    return pd.DataFrame({"leads": reached, "stopped_here": stopped, "step_conversion": step,
                         "overall_conversion": overall}, index=pd.Index(list(order), name="stage"))


def _check_stages(stages) -> list[str]:
    if isinstance(stages, (set, frozenset, dict)):
        raise CRMDataError(
            "stages 要用列表或元组按先后顺序写，例如 [\"线索\", \"已联系\", \"成交\"]；集合和字典没有顺序。"
        )
    if isinstance(stages, str) or not isinstance(stages, (list, tuple, pd.Index, pd.Series)):
        raise CRMDataError(
            f"stages 应该是按先后顺序排列的阶段名称列表，例如 [\"线索\", \"已联系\", \"成交\"]，收到 {stages!r}。"
        )
    order = [str(s).strip() for s in stages]
    if len(order) < 2 or any(not s for s in order):
        raise CRMDataError(f"stages 至少要有 2 个不空的阶段，收到 {list(stages)!r}。")
    repeated = sorted({s for s in order if order.count(s) > 1})
    if repeated:
        raise CRMDataError(f"stages 里有重复的阶段：{'、'.join(repeated)}。每个阶段只能出现一次。")
    return order


# ---------------------------------------------------------------------------------------------
# 4. 线索来源的效果
# ---------------------------------------------------------------------------------------------


def source_performance(leads: pd.DataFrame, costs: pd.DataFrame, *, source: str = "source",
                       converted: str = "converted", cost: str = "cost") -> pd.DataFrame:
    """比较各线索来源（寻找潜在客户的方法）：线索数、成交客户数、转化率、费用、每条线索成本、获客成本（CAC）。

    转化率 = 成交客户数 ÷ 线索数；每条线索成本 = 费用 ÷ 线索数；获客成本 CAC = 费用 ÷ 成交客户数。
    某个来源没有成交客户时 CAC 无法计算，记为空值，``note`` 列写明原因（不会出现除以 0 的错误）。

    参数
    ----
    leads : 线索表，每行一条线索，含来源列 ``source`` 和成交列 ``converted``。成交列是“是/否”，
        也可以是成交日期（日期类型的列：有日期 = 已成交，空 = 未成交）。
    costs : 费用表，含 ``source`` 和 ``cost``（花的钱，≥ 0；没花钱填 0）。一个来源可以有多行（例如课程数据
        lead_source_costs 每月一行），按来源加总；行数记在 ``attrs["report"]``。请让费用和线索属于同一段时间。
        线索表里出现的每个来源都要在费用表里，费用表也不能有线索表里没有的来源（多半是写错了字）。
    source, converted, cost : 列名。

    返回
    ----
    DataFrame，每个来源一行（按在费用表里第一次出现的顺序），最后一行“合计”。列：``leads``、``customers``、
    ``conversion_rate``、``cost``、``cost_per_lead``、``cac``、``note``。

    例子
    ----
    >>> leads = pd.DataFrame({"source": ["展销会", "展销会", "展销会", "转介绍", "转介绍", "网络"],
    ...                       "converted": ["是", "否", "是", "是", "否", "否"]})
    >>> costs = pd.DataFrame({"source": ["展销会", "转介绍", "网络"], "cost": [600.0, 100.0, 300.0]})
    >>> table = source_performance(leads, costs)
    >>> table[["leads", "customers", "conversion_rate", "cost_per_lead", "cac"]].round(2)
    ... # doctest: +NORMALIZE_WHITESPACE
            leads  customers  conversion_rate  cost_per_lead     cac
    source
    展销会         3          2             0.67          200.00  300.00
    转介绍         2          1             0.50           50.00  100.00
    网络          1          0             0.00          300.00     NaN
    合计          6          3             0.50          166.67  333.33
    """
    check_columns(leads, [source, converted], table="线索表（leads 参数）")
    check_columns(costs, [source, cost], table="费用表（costs 参数）")
    if leads.empty:
        raise CRMDataError("线索表是空的，没有可以比较的来源。")
    if costs.empty:
        raise CRMDataError("费用表是空的：请为每个来源写一行费用（没花钱的来源填 0）。")
    for table, data in (("线索表", leads), ("费用表", costs)):
        blank = _blank(data[source])
        if blank.any():
            raise CRMDataError(f"{table}的来源列 {source} 有空值：{_rows(blank)}。请补上（例如写“未知”）。")
    lead_source = leads[source].astype(object).map(lambda v: str(v).strip())
    cost_source = costs[source].astype(object).map(lambda v: str(v).strip())
    amount = pd.to_numeric(costs[cost].astype(object), errors="coerce").astype(float)
    wrong = amount.isna() | (amount < 0) | ~np.isfinite(amount)
    if wrong.any():
        raise CRMDataError(
            f"费用表的列 {cost} 有空值、负数或不是数字的值：{_rows(wrong, costs[cost])}。"
            "费用应当是 ≥ 0 的数字（没花钱填 0），不要带“元”。"
        )
    known = set(lead_source)
    unknown = [s for s in cost_source if s not in known]
    if unknown:
        hints = [f"“{s}”是不是“{m[0]}”？" for s in unknown if (m := difflib.get_close_matches(s, sorted(known), n=1))]
        raise CRMDataError(
            f"费用表里有线索表中没有的来源：{'、'.join(unknown)}。{''.join(hints)}"
            f"线索表里的来源：{'、'.join(sorted(known))}。请检查拼写，或删掉这些行。"
        )
    without_cost = sorted(known - set(cost_source))
    if without_cost:
        raise CRMDataError(
            f"费用表缺少这些来源的费用：{'、'.join(without_cost)}。请各加一行；没花钱的来源（例如转介绍）填 0。"
        )
    column = leads[converted]
    if pd.api.types.is_datetime64_any_dtype(column):
        won = column.notna()
    else:
        won = _yes_no(column, where=f"线索表的成交列 {converted}")
    order = list(dict.fromkeys(cost_source))
    counts = lead_source.value_counts().reindex(order).astype("int64")
    customers = won.groupby(lead_source).sum().reindex(order).astype("int64")
    spend = amount.groupby(cost_source.to_numpy()).sum().reindex(order)
    counts["合计"], customers["合计"], spend["合计"] = counts.sum(), customers.sum(), spend.sum()
    result = pd.DataFrame({"leads": counts, "customers": customers, "conversion_rate": customers / counts,
                           "cost": spend.astype(float), "cost_per_lead": spend / counts})
    result["cac"] = (result["cost"] / result["customers"].where(result["customers"] > 0)).astype(float)
    result["note"] = np.where(result["customers"] == 0, "没有成交客户，无法计算获客成本（CAC）", "")
    result["note"] = result["note"].astype(object)
    result.index.name = source
    result.attrs["report"] = {"线索数": len(leads), "来源数": len(order), "费用表行数": len(costs),
                              "没有成交的来源": [s for s in order if customers[s] == 0]}
    return result


# ---------------------------------------------------------------------------------------------
# 内部工具
# ---------------------------------------------------------------------------------------------


def _yes_no(values: pd.Series, *, where: str, hint: str = "") -> pd.Series:
    """把“是/否”列转成 True/False；空值或认不出的值报错。"""
    missing = values.isna()
    if missing.any():
        raise CRMDataError(f"{where} 有 {int(missing.sum())} 个空值：{_rows(missing)}。请填“是”或“否”。")
    if pd.api.types.is_bool_dtype(values):
        return values.astype(bool)
    text = values.astype(object).map(lambda v: str(v).strip().casefold())
    yes, no = text.isin(_YES), text.isin(_NO)
    wrong = ~(yes | no)
    if wrong.any():
        raise CRMDataError(
            f"{where} 有认不出的“是/否”值：{_rows(wrong, values)}。"
            "请只写 是/否、有/无、1/0、True/False 或 yes/no。" + hint
        )
    return pd.Series(yes.to_numpy(), index=values.index)


def _check_yes(yes, columns) -> dict:
    if yes is None:
        return {}
    if not isinstance(yes, dict) or [c for c in yes if c not in columns]:
        raise CRMDataError(
            f"yes 应该是字典 {{列名: [算“具备”的取值, ...]}}，列名只能是 {', '.join(columns)}，收到 {yes!r}。"
        )
    return {c: [values] if isinstance(values, str) else list(values) for c, values in yes.items()}


def _flags(values: pd.Series, yes_values, *, column) -> pd.Series:
    """“具备/不具备”：给了 yes_values 时按取值判断，否则按“是/否”读。"""
    where = f"线索表的列 {column}"
    if yes_values is None:
        hint = f"如果这一列是等级（例如 高/中/低），请用 yes={{\"{column}\": [\"高\"]}} 说明哪些取值算“具备”。"
        return _yes_no(values, where=where, hint=hint)
    missing = _blank(values)
    if missing.any():
        raise CRMDataError(f"{where} 有 {int(missing.sum())} 个空值：{_rows(missing)}。请补上。")
    text = values.astype(object).map(lambda v: str(v).strip())
    absent = [str(v) for v in yes_values if str(v).strip() not in set(text)]
    if absent:
        raise CRMDataError(
            f"yes 里列 {column} 的取值 {'、'.join(absent)} 在表里没有出现，多半是写错了字。"
            f"这一列的取值：{'、'.join(dict.fromkeys(text))}。"
        )
    return text.isin([str(v).strip() for v in yes_values])


def _level_points(values: pd.Series, points: dict, *, column) -> pd.Series:
    where = f"线索表的列 {column}"
    if not isinstance(points, dict) or not points:
        raise CRMDataError(
            f"levels 里列 {column} 应该是字典 {{取值: 分}}，例如 {{\"低\": 0, \"高\": 1}}，收到 {points!r}。"
        )
    for level, point in points.items():
        if isinstance(point, bool) or not isinstance(point, numbers.Real) or not 0 <= point <= 1:
            raise CRMDataError(f"levels 里列 {column} 的取值 {level!r} 的分数应该在 0～1 之间，收到 {point!r}。")
    missing = _blank(values)
    if missing.any():
        raise CRMDataError(f"{where} 有 {int(missing.sum())} 个空值：{_rows(missing)}。请补上。")
    text = values.astype(object).map(lambda v: str(v).strip())
    table = {str(k).strip(): float(v) for k, v in points.items()}
    unknown = ~text.isin(list(table))
    if unknown.any():
        raise CRMDataError(
            f"{where} 有 levels 里没有写分数的取值（{'、'.join(sorted(set(text[unknown])))}）："
            f"{_rows(unknown, values)}。"
            f"请在 levels[{column!r}] 里为它们写上 0～1 的分数。"
        )
    return text.map(table).astype(float)


def _fraction(values: pd.Series, *, where: str) -> pd.Series:
    """评分用：“是/否”列记 1/0，数字列必须在 0～1 之间。"""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        missing = values.isna()
        if missing.any():
            raise CRMDataError(f"{where} 有 {int(missing.sum())} 个空值：{_rows(missing)}。请补上。")
        number = values.astype(float)
        wrong = (number < 0) | (number > 1)
        if wrong.any():
            raise CRMDataError(
                f"{where} 有不在 0～1 之间的数：{_rows(wrong, values)}。评分用的数字列要先换算到 0～1，"
                f"例如 df[列] / df[列].max()；“是/否”列记 1 和 0。"
            )
        return number
    return _yes_no(values, where=where).astype(float)


def _check_weights(weights) -> dict:
    if not isinstance(weights, dict) or not weights:
        raise CRMDataError(f"weights 应该是字典 {{列名: 权重}}，例如 {_DEFAULT_WEIGHTS}，收到 {weights!r}。")
    for column, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not np.isfinite(weight) or weight < 0:
            raise CRMDataError(f"weights 里列 {column} 的权重应该是 ≥ 0 的数，收到 {weight!r}。")
    if sum(weights.values()) <= 0:
        raise CRMDataError("weights 的权重全是 0，无法打分。请给重要的列填上正的权重。")
    return {k: float(v) for k, v in weights.items()}


def _check_thresholds(thresholds) -> tuple[float, float]:
    try:
        a_min, b_min = (float(v) for v in thresholds)
    except (TypeError, ValueError) as exc:
        raise CRMDataError(
            f"thresholds 应该是两个数 (A 级下限, B 级下限)，例如 (70, 40)，收到 {thresholds!r}。"
        ) from exc
    if not 0 <= b_min < a_min <= 100:
        raise CRMDataError(f"thresholds 要满足 100 ≥ A 级下限 > B 级下限 ≥ 0，收到 {thresholds!r}。")
    return a_min, b_min
