"""大客户管理（关键客户管理，Key Account Management, KAM）：多指标打分、联系人覆盖、采购中心（buying centre）。

模块五“大客户管理”用到的三个小工具：

* ``account_scores``：把收入、利润、增长、战略价值等几项指标各自换算成 0～100 分，再按给定的权重加权求和，
  得到每家客户的综合得分和名次（多指标加权打分法）；
* ``contact_coverage``：每家客户在采购中心的每个角色上各有几位联系人，有没有联系上决策者，缺哪些角色；
* ``buying_centre``：一家客户的采购中心名单：每位联系人的角色、职务，以及我们联系过他几次、最近一次是哪天。

采购中心的五个角色（决策者、影响者、使用者、采购者、把关者）来自 Webster & Wind (1972)
“A General Model for Understanding Organizational Buying Behavior”，Journal of Marketing 36(2)。
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from crm_lab.data import CRMDataError, check_columns

BUYING_ROLES = ("决策者", "影响者", "使用者", "采购者", "把关者")  # 与 crm_lab.crm.BUYING_ROLES 相同

__all__ = ["BUYING_ROLES", "account_scores", "buying_centre", "contact_coverage"]


def account_scores(table: pd.DataFrame, *, weights: dict, lower_is_better=(), method: str = "minmax") -> pd.DataFrame:
    """多指标加权打分：每项指标先换算成 0～100 分，再按权重加权求和。

    ``method="minmax"``（最小—最大法）：单项得分 = (x − 最小值) ÷ (最大值 − 最小值) × 100；
    ``method="rank"``（百分位名次法）：单项得分 = (从小到大的名次 − 1) ÷ (客户数 − 1) × 100，同值取平均名次。
    一家客户特别大时，最小—最大法会把其余客户都挤在 0 分附近，名次法不受影响。
    越小越好的指标（``lower_is_better``）反过来：得分 = 100 − 上面的得分。所有客户这一项都相同时，每家都记 100 分。
    综合得分 = Σ 权重 × 单项得分，权重加起来必须等于 1。

    参数
    ----
    table : 每家客户一行的 DataFrame，行索引是客户编号，含 ``weights`` 里的每一列（数字，不能有空值）。
    weights : ``{列名: 权重}``，例如 ``{"revenue": 0.4, "profit": 0.3, "growth": 0.2, "strategic": 0.1}``；
        权重不能为负，加起来等于 1。
    lower_is_better : 越小越好的列名（例如欠款天数），可以不写。
    method : ``"minmax"``（默认）或 ``"rank"``，见上。

    返回
    ----
    DataFrame（行索引与 ``table`` 相同），按综合得分从高到低排序，列：每项指标的单项得分 ``<列名>_score``、
    综合得分 ``score``（0～100）、名次 ``rank``（1 为最高，同分同名次）。

    例子
    ----
    >>> t = pd.DataFrame({"revenue": [100.0, 50.0, 0.0], "profit": [10.0, 30.0, 20.0]}, index=["B1", "B2", "B3"])
    >>> account_scores(t, weights={"revenue": 0.5, "profit": 0.5})  # doctest: +NORMALIZE_WHITESPACE
        revenue_score  profit_score  score  rank
    B2           50.0         100.0   75.0     1
    B1          100.0           0.0   50.0     2
    B3            0.0          50.0   25.0     3
    >>> t.loc["B1", "revenue"] = 10000.0  # 一家特别大：名次法的得分不变
    >>> account_scores(t, weights={"revenue": 0.5, "profit": 0.5}, method="rank")["score"].to_dict()
    {'B2': 75.0, 'B1': 50.0, 'B3': 25.0}
    """
    if method not in ("minmax", "rank"):
        raise CRMDataError(f"method 应该是 \"minmax\"（最小—最大法）或 \"rank\"（百分位名次法），收到 {method!r}。")
    if not isinstance(weights, dict) or not weights:
        raise CRMDataError(
            "weights 应该是一个字典 {列名: 权重}，例如 weights={\"revenue\": 0.6, \"profit\": 0.4}，"
            f"收到的是 {weights!r}。"
        )
    check_columns(table, list(weights), table="打分用的客户表（table 参数）")
    if table.empty:
        raise CRMDataError("打分用的客户表（table 参数）是空的，没有可以打分的客户。")
    for column, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not math.isfinite(weight):
            raise CRMDataError(f"weights 里 {column} 的权重应该是一个数，收到 {weight!r}。")
        if weight < 0:
            raise CRMDataError(f"weights 里 {column} 的权重是负数（{weight:g}）。权重表示重要程度，不能为负。")
    total = float(sum(weights.values()))
    if abs(total - 1) > 1e-6:
        raise CRMDataError(
            f"weights 的权重加起来是 {total:g}，应该等于 1（100%）。"
            "请调整各项权重，例如把 40、30、20、10 写成 0.4、0.3、0.2、0.1。"
        )
    unknown = [c for c in lower_is_better if c not in weights]
    if unknown:
        raise CRMDataError(
            f"lower_is_better 里的列 {', '.join(map(str, unknown))} 不在 weights 里。只有参加打分的列才能标成越小越好。"
        )
    parts = {}
    for column in weights:
        values = table[column]
        if values.isna().any():
            where = ", ".join(map(str, values.index[values.isna()][:5]))
            raise CRMDataError(
                f"打分用的客户表列 {column} 有 {int(values.isna().sum())} 个空值（客户 {where}）。"
                "请先补上（例如没有订单的客户收入记为 0：.fillna(0)）。"
            )
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            raise CRMDataError(
                f"打分用的客户表列 {column} 不是数字（类型 {values.dtype}）。请先用 pd.to_numeric 转成数字。")
        values = values.astype(float)
        low, high = float(values.min()), float(values.max())
        if high == low:
            score = pd.Series(100.0, index=table.index)
        else:
            if method == "rank":
                score = (values.rank(method="average") - 1) / (len(values) - 1) * 100
            else:
                score = (values - low) / (high - low) * 100
            if column in lower_is_better:
                score = 100 - score
        parts[f"{column}_score"] = score
    result = pd.DataFrame(parts, index=table.index)
    result["score"] = sum(weights[c] * result[f"{c}_score"] for c in weights)
    result = result.sort_values("score", ascending=False, kind="stable")
    result["rank"] = result["score"].round(9).rank(ascending=False, method="min").astype("int64")
    return result


def contact_coverage(contacts: pd.DataFrame, *, accounts=None, account: str = "account_id", role: str = "role",
                     roles=BUYING_ROLES, required=("决策者",)) -> pd.DataFrame:
    """联系人覆盖：每家客户在采购中心每个角色上各有几位联系人，缺了哪些必须有的角色。

    参数
    ----
    contacts : 联系人表，每位联系人一行，含客户编号列 ``account`` 和角色列 ``role``。
    accounts : 要检查的客户编号（列表、Series 或 Index）。不写时只检查联系人表里出现过的客户；
        写了就按它的顺序每家一行，一位联系人都没有的客户各角色都记 0。
    account, role : 客户编号列和角色列的列名。
    roles : 采购中心的角色，默认 ``BUYING_ROLES``（决策者、影响者、使用者、采购者、把关者）。
    required : 每家大客户都必须联系上的角色，默认只有决策者（“找对人”）。

    返回
    ----
    DataFrame（行索引是客户编号），每个角色一列（联系人数），``contacts``（联系人总数）、
    ``has_decision_maker``（有没有决策者）、``missing``（缺少的必需角色，用顿号连接，不缺为空字符串）。

    例子
    ----
    >>> c = pd.DataFrame({"account_id": ["B1", "B1", "B2"], "role": ["决策者", "采购者", "使用者"]})
    >>> cov = contact_coverage(c, accounts=["B1", "B2", "B3"])
    >>> cov[["决策者", "采购者", "contacts", "has_decision_maker", "missing"]]  # doctest: +NORMALIZE_WHITESPACE
                决策者  采购者  contacts  has_decision_maker missing
    account_id
    B1            1    1         2                True
    B2            0    0         1               False     决策者
    B3            0    0         0               False     决策者
    """
    check_columns(contacts, [account, role], table="联系人表（contacts 参数）")
    roles = list(roles)
    unknown_required = [r for r in required if r not in roles]
    if unknown_required:
        raise CRMDataError(
            f"required 里的角色 {'、'.join(map(str, unknown_required))} 不在 roles 里（{'、'.join(roles)}）。"
            "请检查拼写。"
        )
    role_values = contacts[role].astype("object")
    bad = role_values.notna() & ~role_values.isin(roles)
    if bad.any():
        raise CRMDataError(
            f"联系人表的列 {role} 里有不认识的角色：{'、'.join(map(str, pd.unique(role_values[bad])[:5]))}。"
            f"角色应该是 {'、'.join(roles)} 之一；请统一写法（例如“拍板人”改成“决策者”）。"
        )
    counts = pd.crosstab(contacts[account].astype("object"), pd.Categorical(role_values, categories=roles),
                         dropna=False)
    counts = counts.reindex(columns=roles, fill_value=0)
    counts.columns = roles
    if accounts is not None:
        wanted = pd.Index(list(accounts), dtype="object")
        if wanted.empty:
            raise CRMDataError("accounts（要检查的客户编号）是空的。不写 accounts 就检查联系人表里的全部客户。")
        counts = counts.reindex(wanted, fill_value=0)
    counts = counts.astype("int64")
    counts.index.name = account
    counts.columns.name = None
    counts["contacts"] = counts[roles].sum(axis=1)
    counts["has_decision_maker"] = counts["决策者"] > 0 if "决策者" in roles else False
    lacking = np.array([counts[r].to_numpy() == 0 for r in required]).T if required else None
    counts["missing"] = ["、".join(r for r, miss in zip(required, row, strict=True) if miss) for row in lacking] \
        if lacking is not None else ""
    return counts


def buying_centre(contacts: pd.DataFrame, account_id, *, activities: pd.DataFrame | None = None,
                  account: str = "account_id", role: str = "role", contact: str = "contact_id",
                  date: str = "activity_date", roles=BUYING_ROLES) -> pd.DataFrame:
    """一家客户的采购中心名单：每位联系人的角色，以及（给了 ``activities`` 时）我们联系过他几次、最近一次是哪天。

    参数
    ----
    contacts : 联系人表，含 ``account``、``role``、``contact`` 列，其余列（姓名、职务……）原样保留。
    account_id : 要看的那家客户的编号，例如 ``"B001"``。
    activities : 业务活动表（拜访、电话……），含 ``contact`` 和 ``date`` 列；可以不写。
    roles : 角色的排列顺序，默认决策者、影响者、使用者、采购者、把关者。

    返回
    ----
    这家客户的联系人 DataFrame，按角色顺序排列，加上 ``touches``（联系次数）和 ``last_touch``（最近一次联系的日期，
    从没联系过为空）；``attrs["missing_roles"]`` 是这家客户一个联系人也没有的角色列表。

    例子
    ----
    >>> c = pd.DataFrame({"contact_id": ["K1", "K2"], "account_id": ["B1", "B1"], "role": ["采购者", "决策者"]})
    >>> a = pd.DataFrame({"contact_id": ["K1", "K1"], "activity_date": pd.to_datetime(["2025-01-02", "2025-03-04"])})
    >>> centre = buying_centre(c, "B1", activities=a)
    >>> centre[["contact_id", "role", "touches"]].to_dict("list")
    {'contact_id': ['K2', 'K1'], 'role': ['决策者', '采购者'], 'touches': [0, 2]}
    >>> centre.attrs["missing_roles"]
    ['影响者', '使用者', '把关者']
    """
    check_columns(contacts, [account, role, contact], table="联系人表（contacts 参数）")
    mine = contacts[contacts[account] == account_id].copy()
    if mine.empty:
        known = ", ".join(map(str, pd.unique(contacts[account].dropna())[:5]))
        raise CRMDataError(
            f"联系人表里没有客户 {account_id!r} 的联系人。请检查 account_id 是否写对（例如 {known}），"
            "或者先给这家客户登记联系人。"
        )
    roles = list(roles)
    order = {r: i for i, r in enumerate(roles)}
    mine["_order"] = mine[role].astype("object").map(order).fillna(len(roles))
    mine = mine.sort_values(["_order", contact], kind="stable").drop(columns="_order")
    if activities is not None:
        check_columns(activities, [contact, date], table="业务活动表（activities 参数）")
        touched = activities[activities[contact].isin(mine[contact])]
        per_contact = touched.groupby(contact)[date].agg(["size", "max"])
        mine["touches"] = mine[contact].map(per_contact["size"]).fillna(0).astype("int64")
        mine["last_touch"] = mine[contact].map(per_contact["max"])
    mine = mine.reset_index(drop=True)
    present = set(mine[role].astype("object"))
    mine.attrs["missing_roles"] = [r for r in roles if r not in present]
    mine.attrs["account_id"] = account_id
    return mine
