"""数据挖掘：购物篮分析（关联规则）和客户流失预警（分类模型）。

购物篮分析（实训 4：找出产品新的卖点——经常一起买的商品）

- ``basket_matrix(lines)``：订单明细 → 购物篮矩阵（每个订单一行、每种商品一列，买了为 True），用稀疏格式保存，
  几十万行明细、几千种商品也放得进内存；
- ``frequent_itemsets(basket)``：频繁项集（FP-growth 或 Apriori，由 mlxtend 计算）；
- ``association_rules(itemsets)``：关联规则及支持度、置信度、提升度；
- ``rules_table(rules)`` 和 ``explain_rules(rules)``：中文列名的规则表，以及每条规则的一句话解读。

客户流失预警（模块四）

- ``churn_features(orders, cutoff=...)``：只用截止日期之前的数据计算每位客户的特征，标签“流失”= 截止日期之后
  ``window_days`` 天内没有再下单；
- ``evaluate_classifier(model, X, y)``：留出测试集评价模型：混淆矩阵、精确率、召回率、F1、ROC-AUC；
- ``choose_threshold(y_true, scores, cost_fp=..., cost_fn=...)``：按误报和漏报的成本选阈值；
- ``tree_rules(tree)``：把决策树写成“如果 …… 那么 ……”的中文规则。

统一约定与 ``crm_lab.value`` 相同：表进表出；不合格的输入抛出 ``CRMDataError``，说明哪一列、哪几行、怎么改；
被排除的行计数，记在结果的 ``attrs["report"]``（键为中文的字典）里。

支持度、置信度、提升度的定义（Agrawal, Imieliński & Swami 1993；Brin et al. 1997），n 为订单（购物篮）总数::

    支持度 support(A→B)    = 同时含 A 和 B 的订单数 / n
    置信度 confidence(A→B) = support(A→B) / support(A)        买了 A 的订单中也买了 B 的比例
    提升度 lift(A→B)       = confidence(A→B) / support(B)     > 1 表示 A 让 B 更容易被买
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from mlxtend.frequent_patterns import apriori as _mlxtend_apriori
from mlxtend.frequent_patterns import association_rules as _mlxtend_association_rules
from mlxtend.frequent_patterns import fpgrowth as _mlxtend_fpgrowth
from sklearn import metrics as skm
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from crm_lab.data import CRMDataError, check_columns
from crm_lab.value import (
    EXCLUDED_STATUSES,
    _blank,
    _check_choice,
    _check_exclude_status,
    _clean_transactions,
    _numeric_column,
    _parse_dates,
    _rows,
    _status_in,
)

__all__ = [
    "FEATURE_LABELS",
    "RULE_COLUMNS",
    "RULE_LABELS",
    "association_rules",
    "basket_matrix",
    "choose_threshold",
    "churn_features",
    "evaluate_classifier",
    "explain_rules",
    "frequent_itemsets",
    "rules_table",
    "tree_rules",
]

# association_rules 的结果保留的列（mlxtend 还会算更多指标，这里只留课上讲的几个）
RULE_COLUMNS = ["antecedents", "consequents", "antecedent support", "consequent support", "support",
                "confidence", "lift", "leverage", "conviction"]
# rules_table 的中文列名
RULE_LABELS = {"antecedents": "前项", "consequents": "后项", "support": "支持度", "confidence": "置信度",
               "lift": "提升度"}
_RULE_METRICS = {"support": "支持度", "confidence": "置信度", "lift": "提升度", "leverage": "杠杆度",
                 "conviction": "确信度"}
_ALGORITHMS = {"fpgrowth": "FP-growth", "apriori": "Apriori"}

# churn_features 的特征：英文列名 → (中文名, 单位)。单位 "是否" 的列取值 0/1，tree_rules 写成“是/否”。
FEATURE_LABELS = {
    "recency": ("最近一次购买距今", "天"),
    "frequency": ("购买次数", "次"),
    "monetary": ("消费金额", "元"),
    "avg_order_value": ("平均客单价", "元"),
    "tenure": ("第一次购买距今", "天"),
    "discount_share": ("打折订单占比", ""),
    "ticket_count": ("工单数", "个"),
    "bad_ticket_count": ("差评工单数", "个"),
    "bad_ticket": ("给过差评", "是否"),
    "mean_rating": ("平均评分", "分"),
}
_CLASS_NAMES = ("未流失", "流失")


# ---------------------------------------------------------------------------------------------
# 1. 购物篮分析
# ---------------------------------------------------------------------------------------------


def basket_matrix(lines: pd.DataFrame, *, order: str = "order_id", item: str = "product_id",
                  quantity: str | None = "quantity", items=None, item_name: str = "product_name",
                  status: str | None = None, exclude_status=EXCLUDED_STATUSES) -> pd.DataFrame:
    """订单明细 → 购物篮矩阵：每个订单一行、每种商品一列，订单里有这种商品就是 True。

    矩阵用 pandas 的稀疏格式（``pd.SparseDtype(bool)``）保存：只记下 True 的位置，所以 50 万行明细、
    几千种商品也只占几兆内存；mlxtend 和 ``frequent_itemsets`` 可以直接使用。要看普通表格，用
    ``basket.sparse.to_dense()``。

    参数
    ----
    lines : 订单明细表，每行是某个订单里的一种商品（例如 ``load_dataset("shop_order_lines")``）。
    order, item : 订单号、商品所在的列名。这两列为空的行排除并计数。
    quantity : 数量所在的列名（默认 ``"quantity"``；表里没有这一列时不检查，写 ``None`` 也不检查）。
        数量为 0 的行排除并计数；数量为负数或不是数字时报错（退货请用 ``status=`` 标出）。
    items : 商品编号 → 商品名称的对照（可选），让列名和规则显示中文名称。可以是字典、Series
        （行索引是编号），或商品表（含 ``item`` 列和 ``item_name`` 列，例如 ``load_dataset("shop_products")``）。
        对照里找不到的商品保留编号，并给出警告；两种商品同名时写成“名称（编号）”。
    status, exclude_status : 订单状态所在的列名和要排除的状态，与 ``crm_lab.value.rfm_table`` 相同。
        课程数据的订单状态在订单表里：可以先 ``lines.merge(orders[["order_id", "status"]])`` 再用 ``status=``，
        或只保留已完成订单的明细。

    返回
    ----
    DataFrame，行索引是订单号（列名同 ``order``），列是商品（编号或名称，按编号排序），值为稀疏的 True/False。
    ``attrs["report"]``：``输入行数``、``排除的退货/取消行``、``排除的缺少订单号行``、``排除的缺少商品行``、
    ``排除的数量为 0 的行``、``合并的重复商品行``（同一订单里同一商品出现多行，只算一次）、``订单数``、``商品数``、
    ``非空格子占比``。

    例子
    ----
    >>> lines = pd.DataFrame({"order_id": ["O1", "O1", "O2", "O2", "O2", "O3"],
    ...                       "product_id": ["P1", "P2", "P1", "P3", "P1", None]})
    >>> basket = basket_matrix(lines)
    >>> basket.sparse.to_dense()  # doctest: +NORMALIZE_WHITESPACE
                 P1     P2     P3
    order_id
    O1         True   True  False
    O2         True  False   True
    >>> report = basket.attrs["report"]
    >>> report["合并的重复商品行"], report["排除的缺少商品行"], report["订单数"]
    (1, 1, 2)
    >>> basket_matrix(lines, items={"P1": "牙膏", "P2": "牙刷", "P3": "毛巾"}).columns.tolist()
    ['牙膏', '牙刷', '毛巾']
    """
    table = "订单明细表（lines 参数）"
    check_columns(lines, [c for c in (order, item, status) if c is not None], table=table)
    if lines.empty:
        raise CRMDataError(f"{table}是空的（没有任何行），无法组成购物篮。请确认读对了文件。")
    excluded_values = _check_exclude_status(exclude_status)
    report = {"输入行数": len(lines)}
    if lines.attrs.get("source"):
        report["来源"] = lines.attrs["source"]

    if status is None:
        returned = pd.Series(False, index=lines.index)
    else:
        returned = _status_in(lines[status], excluded_values)
    report["排除的退货/取消行"] = int(returned.sum())
    no_order = _blank(lines[order]) & ~returned
    no_item = _blank(lines[item]) & ~returned & ~no_order
    report["排除的缺少订单号行"] = int(no_order.sum())
    report["排除的缺少商品行"] = int(no_item.sum())
    keep = ~(returned | no_order | no_item)

    zero = pd.Series(False, index=lines.index)
    if quantity is not None and quantity in lines.columns:
        counts = _numeric_column(lines.loc[keep, quantity], where=f"{table}的数量列 {quantity}")
        negative = counts < 0
        if negative.any():
            raise CRMDataError(
                f"{table}的数量列 {quantity} 有 {int(negative.sum())} 行是负数："
                f"{_rows(negative, lines.loc[keep, quantity])}。"
                "购物篮只统计买了的商品。如果这些是退货，请在订单状态里标成“退货”并写 status=\"列名\"；"
                "如果是录入错误，请改正后再算。"
            )
        zero = (counts == 0).reindex(lines.index, fill_value=False)
    report["排除的数量为 0 的行"] = int(zero.sum())
    keep &= ~zero
    if not keep.any():
        raise CRMDataError(
            f"{table}排除退货/取消、缺少订单号或商品、数量为 0 的行之后，没有剩下任何商品。"
            f"请检查列 {order}、{item} 是否选对，以及 status= 和 exclude_status= 是否写对。"
        )

    kept = lines.loc[keep.to_numpy(), [order, item]]
    order_codes, order_ids = pd.factorize(kept[order], sort=True)
    item_codes, item_ids = pd.factorize(kept[item].astype(object).map(str), sort=True)
    matrix = sp.csr_matrix((np.ones(len(kept), dtype=bool), (order_codes, item_codes)),
                           shape=(len(order_ids), len(item_ids)))
    matrix.sum_duplicates()  # 同一订单里同一商品的多行合并成一格
    report["合并的重复商品行"] = len(kept) - int(matrix.nnz)
    columns = _item_labels(list(item_ids), items, item=item, item_name=item_name)
    basket = pd.DataFrame.sparse.from_spmatrix(matrix, index=pd.Index(order_ids, name=order), columns=columns)
    report["订单数"] = basket.shape[0]
    report["商品数"] = basket.shape[1]
    report["非空格子占比"] = matrix.nnz / (basket.shape[0] * basket.shape[1])
    basket.attrs["report"] = report
    return basket


def frequent_itemsets(basket: pd.DataFrame, *, min_support: float = 0.01, algorithm: str = "fpgrowth",
                      max_len: int | None = None) -> pd.DataFrame:
    """找出频繁项集：经常一起出现在同一个订单里的商品组合（由 mlxtend 计算）。

    参数
    ----
    basket : 购物篮矩阵，通常是 ``basket_matrix`` 的结果（也可以是普通的 True/False 或 0/1 表格）。
    min_support : 最小支持度，0 到 1 之间：组合至少出现在这么大比例的订单里（0.01 = 1%）。
    algorithm : ``"fpgrowth"``（默认，FP-growth，快）或 ``"apriori"``（Apriori，课本上的经典算法）。
        两种算法的结果完全相同，只是速度不同。
    max_len : 组合最多几种商品（可选，例如 2 只找两两组合）。

    返回
    ----
    DataFrame，列：``support``（支持度）、``itemsets``（商品组合，frozenset）、``length``（几种商品），
    按支持度从大到小排序。``attrs["report"]`` 里有 ``订单数``（``association_rules`` 要用）、``最小支持度``、
    ``算法``、``频繁项集数``。一个都找不到时返回空表，并给出中文警告。

    例子
    ----
    >>> lines = pd.DataFrame({"order_id": ["O1", "O1", "O2", "O2", "O3", "O4"],
    ...                       "product_id": ["面包", "牛奶", "面包", "牛奶", "面包", "可乐"]})
    >>> found = frequent_itemsets(basket_matrix(lines), min_support=0.5)
    >>> for support, items in zip(found["support"], found["itemsets"]):  # frozenset 显示的顺序不固定，排序后再看
    ...     print(support, sorted(items))
    0.75 ['面包']
    0.5 ['牛奶']
    0.5 ['牛奶', '面包']
    """
    _check_choice("algorithm", algorithm, _ALGORITHMS)
    min_support = _check_fraction("min_support", min_support, meaning="最小支持度（0.01 表示 1%）")
    if max_len is not None and (isinstance(max_len, bool) or not isinstance(max_len, numbers.Integral)
                                or max_len < 1):
        raise CRMDataError(f"max_len（组合最多几种商品）应该是正整数，例如 2；不限制请写 None。收到 {max_len!r}。")
    report = dict(getattr(basket, "attrs", {}).get("report", {}))
    basket = _check_basket(basket)
    n = basket.shape[0]
    # 两个省力的办法，结果不变：
    # 1. 支持度不够的单个商品不可能出现在任何频繁项集里（Apriori 性质），先去掉这些列；
    # 2. 单个商品的支持度直接数出来；多个商品的组合只可能出现在含 ≥ 2 种常见商品的订单里，所以只把这些订单交给
    #    mlxtend（门槛按订单数换算），再把出现次数除以全部订单数。mlxtend 会把输入展开成普通表格（df.values），
    #    这样展开的只是“多商品订单数 × 常见商品数”。
    if all(isinstance(d, pd.SparseDtype) and isinstance(d.fill_value, (bool, np.bool_)) and not d.fill_value
           for d in basket.dtypes):
        matrix = basket.sparse.to_coo().tocsc()
        matrix.eliminate_zeros()  # 存下来的 False
        item_support = pd.Series(np.diff(matrix.indptr) / n, index=basket.columns)
        keep = np.flatnonzero(item_support.to_numpy() >= min_support)
        rows = matrix[:, keep].tocsr()
        frequent = rows[np.diff(rows.indptr) >= 2].toarray()
    else:
        values = basket.to_numpy(dtype=bool)
        item_support = pd.Series(values.mean(axis=0), index=basket.columns)
        keep = np.flatnonzero(item_support.to_numpy() >= min_support)
        frequent = values[:, keep][values[:, keep].sum(axis=1) >= 2]
    columns = basket.columns[keep]
    found = [pd.DataFrame({"support": item_support.iloc[keep].to_numpy(),
                           "itemsets": [frozenset([c]) for c in columns]})]
    m = frequent.shape[0]
    if (max_len is None or max_len >= 2) and m and min_support * n <= m:
        miner = _mlxtend_fpgrowth if algorithm == "fpgrowth" else _mlxtend_apriori
        lowered = min_support * n / m * (1 - 1e-9)  # 换算后的门槛略放低，下面按出现次数精确筛选
        mined = miner(pd.DataFrame(frequent, columns=columns, copy=False), min_support=lowered, use_colnames=True,
                      max_len=max_len)
        mined = mined[mined["itemsets"].map(len) >= 2]
        support = np.rint(mined["support"].to_numpy() * m) / n
        found.append(pd.DataFrame({"support": support, "itemsets": mined["itemsets"].to_numpy(dtype=object)})
                     [support >= min_support])
    result = pd.concat(found, ignore_index=True)
    result["length"] = result["itemsets"].map(len).astype("int64")
    order_key = result["itemsets"].map(lambda s: tuple(sorted(map(str, s))))
    result = (result.assign(_key=order_key).sort_values(["support", "length", "_key"], ascending=[False, True, True],
                                                        kind="stable")
              .drop(columns="_key").reset_index(drop=True))
    report.update({"订单数": n, "最小支持度": min_support, "算法": _ALGORITHMS[algorithm], "频繁项集数": len(result)})
    result.attrs["report"] = report
    if result.empty:
        top = item_support.max()
        warnings.warn(
            f"没有找到支持度 ≥ {min_support:g} 的商品组合（最常见的单个商品支持度只有 {top:.4g}）。"
            f"请把 min_support 调低，例如 min_support={_lower(top)}。",
            UserWarning, stacklevel=2,
        )
    return result


def association_rules(itemsets: pd.DataFrame, *, metric: str = "lift", min_threshold: float = 1.0,
                      min_confidence: float | None = None) -> pd.DataFrame:
    """由频繁项集生成关联规则“买了 A → 也买 B”，并算出支持度、置信度、提升度（由 mlxtend 计算）。

    参数
    ----
    itemsets : ``frequent_itemsets`` 的结果。
    metric, min_threshold : 只保留 ``metric`` ≥ ``min_threshold`` 的规则。``metric`` 可以是 ``"lift"``
        （提升度，默认，门槛 1.0：只要“有促进作用”的规则）、``"confidence"``（置信度）、``"support"``（支持度）、
        ``"leverage"``（杠杆度）、``"conviction"``（确信度）。
    min_confidence : 再要求置信度至少这么多（可选，例如 0.3）。

    返回
    ----
    DataFrame，每条规则一行，列见 ``RULE_COLUMNS``：``antecedents``（前项 A）、``consequents``（后项 B）、
    ``antecedent support``、``consequent support``、``support``、``confidence``、``lift``、``leverage``、
    ``conviction``；按提升度、置信度从大到小排序。没有规则达到门槛时返回有这些列的空表，并给出中文警告和建议。
    中文列名的表用 ``rules_table``，一句话解读用 ``explain_rules``。

    例子
    ----
    >>> lines = pd.DataFrame({"order_id": ["O1", "O1", "O2", "O2", "O3", "O4"],
    ...                       "product_id": ["面包", "牛奶", "面包", "牛奶", "面包", "可乐"]})
    >>> itemsets = frequent_itemsets(basket_matrix(lines), min_support=0.5)
    >>> rules = association_rules(itemsets)
    >>> rules[["support", "confidence", "lift"]].round(3)
       support  confidence   lift
    0      0.5       1.000  1.333
    1      0.5       0.667  1.333
    >>> sorted(rules.at[0, "antecedents"]), sorted(rules.at[0, "consequents"])
    (['牛奶'], ['面包'])
    """
    _check_choice("metric", metric, _RULE_METRICS)
    if isinstance(min_threshold, bool) or not isinstance(min_threshold, numbers.Real) \
            or not math.isfinite(min_threshold):
        raise CRMDataError(
            f"min_threshold（{_RULE_METRICS[metric]}的门槛）应该是一个数，例如 1.0，收到 {min_threshold!r}。"
        )
    if min_confidence is not None:
        min_confidence = _check_fraction("min_confidence", min_confidence, meaning="最低置信度（0.3 表示 30%）",
                                         allow_zero=True)
    check_columns(itemsets, ["support", "itemsets"], table="频繁项集表（itemsets 参数）")
    report = dict(itemsets.attrs.get("report", {}))
    n = report.get("订单数")
    empty = pd.DataFrame({c: pd.Series(dtype=object if c in ("antecedents", "consequents") else float)
                          for c in RULE_COLUMNS})
    pairs = itemsets["itemsets"].map(len) >= 2 if not itemsets.empty else pd.Series(dtype=bool)
    if itemsets.empty or not pairs.any():
        rules = empty
    else:
        try:
            found = _mlxtend_association_rules(itemsets[["support", "itemsets"]], num_itemsets=n or 1,
                                               metric=metric, min_threshold=float(min_threshold))
        except KeyError as exc:
            raise CRMDataError(
                f"频繁项集表不完整：组合 {set(exc.args[0]) if exc.args else ''} 的子集不在表里，算不出置信度和提升度。"
                "请直接使用 frequent_itemsets(...) 的结果，不要先删掉其中的行（想筛选请筛选规则）。"
            ) from exc
        rules = found[RULE_COLUMNS] if not found.empty else empty
    if min_confidence is not None and not rules.empty:
        rules = rules[rules["confidence"] >= min_confidence]
    rules = rules.sort_values(["lift", "confidence", "support"], ascending=False, kind="stable").reset_index(drop=True)
    report.update({"规则筛选": f"{_RULE_METRICS[metric]}（{metric}）≥ {min_threshold:g}"
                   + (f"，置信度 ≥ {min_confidence:g}" if min_confidence is not None else ""),
                   "规则数": len(rules)})
    rules.attrs["report"] = report
    if rules.empty:
        support = report.get("最小支持度")
        hint = f"把 frequent_itemsets 的 min_support 调低（现在是 {support:g}）" if support else "把 min_support 调低"
        warnings.warn(
            f"没有达到门槛的关联规则（{report['规则筛选']}）。可以{hint}，"
            f"或把 association_rules 的 min_threshold（现在是 {min_threshold:g}）"
            + ("、min_confidence " if min_confidence is not None else "") + "调低。",
            UserWarning, stacklevel=2,
        )
    return rules


def rules_table(rules: pd.DataFrame, *, decimals: int = 3) -> pd.DataFrame:
    """把关联规则整理成中文列名的表：前项、后项、支持度、置信度、提升度。

    前项、后项写成文字（多种商品用“、”连接），数值保留 ``decimals`` 位小数。

    例子
    ----
    >>> lines = pd.DataFrame({"order_id": ["O1", "O1", "O2", "O2", "O3", "O4"],
    ...                       "product_id": ["面包", "牛奶", "面包", "牛奶", "面包", "可乐"]})
    >>> rules = association_rules(frequent_itemsets(basket_matrix(lines), min_support=0.5))
    >>> rules_table(rules)  # doctest: +NORMALIZE_WHITESPACE
       前项  后项  支持度    置信度    提升度
    0  牛奶  面包  0.5  1.000  1.333
    1  面包  牛奶  0.5  0.667  1.333
    """
    check_columns(rules, list(RULE_LABELS), table="关联规则表（rules 参数）")
    table = pd.DataFrame({
        "前项": rules["antecedents"].map(_items_text).astype(object),
        "后项": rules["consequents"].map(_items_text).astype(object),
        "支持度": rules["support"].astype(float).round(decimals),
        "置信度": rules["confidence"].astype(float).round(decimals),
        "提升度": rules["lift"].astype(float).round(decimals),
    }, index=rules.index)
    table.attrs["report"] = dict(rules.attrs.get("report", {}))
    return table


def explain_rules(rules: pd.DataFrame) -> pd.Series:
    """每条关联规则的一句话解读，例如“买了牙膏的顾客中有62%也买了牙刷，是平均水平的3.1倍”。

    “平均水平”是所有订单中买 B 的比例（后项支持度）：置信度 ÷ 平均水平 = 提升度。百分数四舍五入到整数，
    倍数保留一位小数。提升度小于 1 的规则写成“只有平均水平的 0.6 倍”。

    例子
    ----
    >>> rules = pd.DataFrame({"antecedents": [frozenset({"牙膏"}), frozenset({"洗发水", "沐浴露"})],
    ...                       "consequents": [frozenset({"牙刷"}), frozenset({"毛巾"})],
    ...                       "consequent support": [0.2, 0.5], "confidence": [0.62, 0.3], "lift": [3.1, 0.6]})
    >>> for text in explain_rules(rules):
    ...     print(text)
    买了牙膏的顾客中有62%也买了牙刷，是平均水平的3.1倍（所有订单中有20%买了牙刷）
    同时买了沐浴露、洗发水的顾客中有30%也买了毛巾，只有平均水平的0.6倍（所有订单中有50%买了毛巾）
    """
    check_columns(rules, ["antecedents", "consequents", "consequent support", "confidence", "lift"],
                  table="关联规则表（rules 参数）")
    texts = []
    for a, b, base, confidence, lift in zip(rules["antecedents"], rules["consequents"], rules["consequent support"],
                                            rules["confidence"], rules["lift"], strict=True):
        who = f"同时买了{_items_text(a)}" if len(a) > 1 else f"买了{_items_text(a)}"
        times = f"是平均水平的{lift:.1f}倍" if lift >= 1 else f"只有平均水平的{lift:.1f}倍"
        texts.append(f"{who}的顾客中有{_percent(confidence)}也买了{_items_text(b)}，{times}"
                     f"（所有订单中有{_percent(base)}买了{_items_text(b)}）")
    return pd.Series(texts, index=rules.index, dtype=object, name="解读")


# ---------------------------------------------------------------------------------------------
# 2. 客户流失预警
# ---------------------------------------------------------------------------------------------


def churn_features(orders: pd.DataFrame, *, cutoff, tickets: pd.DataFrame | None = None, window_days: int = 180,
                   customer: str = "customer_id", date: str = "order_time", amount: str = "amount",
                   order: str | None = "order_id", status: str | None = None, exclude_status=EXCLUDED_STATUSES,
                   discount: str | None = None, ticket_date: str = "opened_at", rating: str = "rating",
                   bad_rating: float = 2, no_ticket_rating: float | None = 5.0,
                   duplicates: str = "error") -> pd.DataFrame:
    """流失预警的数据：每位客户在截止日期之前的特征，以及截止日期之后有没有流失。

    **不偷看未来**：所有特征只用截止日期 ``cutoff`` 之前（不含当天）的订单和工单计算；截止日期当天及以后的
    订单只用来决定标签。这样训练出的模型，在截止日期那天就能用来预警。

    参数
    ----
    orders : 订单表，每行一个订单（例如 ``load_dataset("shop_orders")``）。
    cutoff : 截止日期，例如 ``"2026-03-01"``。必须在订单日期范围之内。
    tickets : 客服工单表（可选，例如 ``load_dataset("shop_tickets")``），含客户编号、``ticket_date``、``rating`` 列。
    window_days : 观察窗口（天），默认 180：截止日期之后 180 天内没有已完成的订单就算流失。
        窗口超出数据的最后一天时给出警告（还没观察完，流失会被高估）。
    customer, date, amount, order, status, exclude_status, duplicates : 与 ``crm_lab.value.rfm_table`` 相同。
        退货/取消的订单不算购买，排除并计数。
    discount : 订单表中折扣率所在的列名（可选，大于 0 表示打了折），用来算 ``discount_share``。
    bad_rating : 评分 ≤ 这个数的工单算差评，默认 2（1～2 分）。
    no_ticket_rating : 没有工单的客户 ``mean_rating`` 记多少，默认 5（没有表达过不满）；写 ``None`` 保留空值。

    返回
    ----
    DataFrame，每位在截止日期之前买过东西的客户一行（行索引是客户编号），列（中文名见 ``FEATURE_LABELS``）：

    * ``recency``：截止日期 − 最后一次购买的日期（天）；``tenure``：截止日期 − 第一次购买的日期（天）；
    * ``frequency``：订单数；``monetary``：消费金额；``avg_order_value``：平均客单价；
    * ``discount_share``（给了 ``discount`` 时）：打折订单占比；
    * ``ticket_count``、``bad_ticket_count``、``bad_ticket``（0/1）、``mean_rating``（给了 ``tickets`` 时）；
    * ``churned``：标签，1 = 截止日期起 ``window_days`` 天内没有已完成的订单（流失），0 = 有。

    ``attrs["report"]`` 除了 ``rfm_table`` 的那些键，还有 ``截止日期``、``观察窗口``、``截止日期之前的订单数``、
    ``截止日期之后的订单数``、``截止日期之前的工单数``、``工单中没有订单的客户数``、``客户数``、``流失客户数``、``流失率``。

    例子
    ----
    >>> orders = pd.DataFrame({
    ...     "order_id": ["O1", "O2", "O3", "O4", "O5", "O6"],
    ...     "customer_id": ["C1", "C1", "C2", "C1", "C2", "C3"],
    ...     "order_time": ["2024-01-05", "2024-02-20", "2024-02-01", "2024-03-10", "2024-03-05", "2024-03-25"],
    ...     "amount": [50.0, 30.0, 80.0, 20.0, 60.0, 15.0],
    ...     "status": ["已完成", "已完成", "已完成", "已完成", "退货", "已完成"],
    ... })
    >>> features = churn_features(orders, cutoff="2024-03-01", window_days=20, status="status")
    >>> features  # doctest: +NORMALIZE_WHITESPACE
                 recency  frequency  monetary  avg_order_value  tenure  churned
    customer_id
    C1                10          2      80.0             40.0      56        0
    C2                29          1      80.0             80.0      29        1
    >>> features.attrs["report"]["流失率"]
    0.5
    """
    _check_choice("duplicates", duplicates, {"error": "报错", "drop": "删除并计数", "keep": "保留"})
    if isinstance(window_days, bool) or not isinstance(window_days, numbers.Integral) or window_days < 1:
        raise CRMDataError(f"window_days（观察窗口天数）应该是正整数，例如 180。收到 {window_days!r}。")
    kept, report, customer_ids = _clean_transactions(
        orders, customer=customer, amount=amount, date=date, order=order, status=status,
        exclude_status=exclude_status, duplicates=duplicates, extra=[discount] if discount else [], table="订单表",
    )
    kept["_customer"] = customer_ids.take(kept["_code"].to_numpy())
    cutoff_day = _parse_day(cutoff, name="cutoff（截止日期）")
    day = kept["_date"].dt.normalize()
    first, last = day.min(), day.max()
    if not first < cutoff_day <= last:
        raise CRMDataError(
            f"截止日期 cutoff={cutoff_day.date()} 不在订单日期范围之内（{first.date()} 到 {last.date()}）。"
            "截止日期之前要有订单才能计算特征，之后要有订单才能判断是否流失。"
            f"请选一个这中间的日期，例如 {(first + (last - first) / 2).date()}。"
        )
    window_end = cutoff_day + pd.Timedelta(days=int(window_days))
    if window_end > last + pd.Timedelta(days=1):
        latest = last + pd.Timedelta(days=1) - pd.Timedelta(days=int(window_days))
        hint = (f"请把 cutoff 提前到 {latest.date()} 或更早，或把 window_days 改小。" if latest > first else
                f"数据不够长：请把 window_days 改成 {(last + pd.Timedelta(days=1) - cutoff_day).days} 或更小。")
        warnings.warn(
            f"观察窗口 {cutoff_day.date()} 到 {(window_end - pd.Timedelta(days=1)).date()} 超出了数据的最后一天 "
            f"{last.date()}：窗口还没有结束，有些客户只是还没来得及再买，流失会被高估。{hint}",
            UserWarning, stacklevel=2,
        )
    before = day < cutoff_day
    history = kept[before.to_numpy()]
    history_day = day[before]
    who = history["_customer"]
    ids = history["_order"] if order is not None else pd.Series(np.arange(len(history)), index=history.index)
    groups = history_day.groupby(who, sort=True, observed=True)
    features = pd.DataFrame({
        "recency": (cutoff_day - groups.max()).dt.days.astype("int64"),
        "frequency": ids.groupby(who, sort=True, observed=True).nunique().astype("int64"),
        "monetary": history["_amount"].groupby(who, sort=True, observed=True).sum().astype(float),
    })
    features["avg_order_value"] = features["monetary"] / features["frequency"]
    features["tenure"] = (cutoff_day - groups.min()).dt.days.astype("int64")
    if discount is not None:
        rate = _numeric_column(history[discount], where=f"订单表的折扣列 {discount}")
        per_order = (rate > 0).groupby([who, ids], sort=True, observed=True).max()
        features["discount_share"] = per_order.groupby(level=0, sort=True).mean().astype(float)
    if tickets is not None:
        features = features.join(_ticket_features(tickets, customer=customer, ticket_date=ticket_date, rating=rating,
                                                  bad_rating=bad_rating, cutoff=cutoff_day,
                                                  customers=features.index, report=report))
        if no_ticket_rating is not None:
            features["mean_rating"] = features["mean_rating"].fillna(float(no_ticket_rating))
    future = (day >= cutoff_day) & (day < window_end)
    returning = set(kept.loc[future.to_numpy(), "_customer"])
    features["churned"] = (~features.index.isin(returning)).astype("int64")
    features.index.name = customer
    report.update({
        "截止日期": cutoff_day, "观察窗口": f"{cutoff_day.date()} 起 {int(window_days)} 天",
        "截止日期之前的订单数": int(ids.nunique()), "截止日期之后的订单数": int((~before).sum()),
        "客户数": len(features), "流失客户数": int(features["churned"].sum()),
        "流失率": float(features["churned"].mean()),
    })
    features.attrs["report"] = report
    return features


def evaluate_classifier(model, X: pd.DataFrame, y, *, test_size: float = 0.3, random_state: int | None = 0,
                        stratify: bool = True, threshold: float = 0.5, class_names=_CLASS_NAMES) -> dict:
    """留出法评价一个分类模型：训练集上训练，测试集上算混淆矩阵、精确率、召回率、F1 和 ROC-AUC。

    参数
    ----
    model : scikit-learn 的分类器，例如 ``DecisionTreeClassifier(max_depth=3)``、``LogisticRegression()``。
        它会在训练集上被训练（``model.fit``），训练好的模型放在结果的 ``"model"`` 里。
    X : 特征表（只含数字列、不能有空值），例如 ``churn_features(...).drop(columns="churned")``。
    y : 标签，0/1 或 True/False，1 表示正类（例如流失）；长度和行索引与 ``X`` 一致。
    test_size : 测试集占的比例，默认 0.3。random_state : 随机种子，固定后每次划分相同。
    stratify : 是否分层抽样（训练集和测试集中正类的比例相同），默认是。
    threshold : 预测概率 ≥ 这个值就判为正类，默认 0.5（按成本选阈值见 ``choose_threshold``）。
    class_names : 两类的中文名，默认 ``("未流失", "流失")``。

    返回
    ----
    字典：

    * ``"model"``：训练好的模型；
    * ``"confusion_matrix"``：混淆矩阵（DataFrame，行是“实际：…”，列是“预测：…”）；
    * ``"metrics"``：DataFrame，行 ``accuracy``、``precision``、``recall``、``f1``、``roc_auc``，列 ``指标``（中文名）、
      ``数值``、``含义``；
    * ``"scores"``：测试集每一行的 ``y_true``（实际）、``score``（预测为正类的概率）、``y_pred``（预测）；
    * ``"report"``：训练集、测试集的大小和正类比例。

    例子
    ----
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> X = pd.DataFrame({"recency": [5, 10, 20, 30, 200, 220, 250, 300, 15, 240]})
    >>> y = pd.Series([0, 0, 0, 0, 1, 1, 1, 1, 0, 1])
    >>> result = evaluate_classifier(DecisionTreeClassifier(random_state=0), X, y, test_size=0.4)
    >>> result["confusion_matrix"]  # doctest: +NORMALIZE_WHITESPACE
    预测     预测：未流失  预测：流失
    实际
    实际：未流失       2      0
    实际：流失        0      2
    >>> result["metrics"]["数值"].round(2).to_dict()
    {'accuracy': 1.0, 'precision': 1.0, 'recall': 1.0, 'f1': 1.0, 'roc_auc': 1.0}
    """
    for name in ("fit", "predict"):
        if not callable(getattr(model, name, None)):
            raise CRMDataError(
                f"model 应该是 scikit-learn 的分类器（有 fit 和 predict 方法），收到的是 {type(model).__name__}。"
                "例如 DecisionTreeClassifier(max_depth=3) 或 LogisticRegression()。"
            )
    test_size = _check_fraction("test_size", test_size, meaning="测试集占的比例（0.3 表示 30%）", open_high=True)
    threshold = _check_fraction("threshold", threshold, meaning="判为正类的概率门槛", allow_zero=True)
    X, y = _check_xy(X, y)
    counts = y.value_counts()
    if stratify and counts.min() < 2:
        raise CRMDataError(
            f"y 中{class_names[int(counts.idxmin())]}只有 {int(counts.min())} 个，无法分层抽样分成训练集和测试集。"
            "请收集更多数据，或写 stratify=False。"
        )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=y if stratify else None)
    if y_train.nunique() < 2 or y_test.nunique() < 2:
        raise CRMDataError(
            "划分后训练集或测试集里只有一类样本，无法训练或评价。请写 stratify=True，或调整 test_size / random_state。"
        )
    model.fit(X_train, y_train)
    scores = _positive_scores(model, X_test)
    predicted = (scores >= threshold).astype("int64") if _is_probability(model) else model.predict(X_test)
    truth = y_test.to_numpy(dtype="int64")
    predicted = np.asarray(predicted, dtype="int64")
    names = [str(c) for c in class_names]
    matrix = skm.confusion_matrix(truth, predicted, labels=[0, 1])
    confusion = pd.DataFrame(matrix, index=pd.Index([f"实际：{c}" for c in names], name="实际"),
                             columns=pd.Index([f"预测：{c}" for c in names], name="预测"))
    values = {  # 一个都没有预测为正类时，精确率记为 0
        "accuracy": skm.accuracy_score(truth, predicted),
        "precision": skm.precision_score(truth, predicted, zero_division=0),
        "recall": skm.recall_score(truth, predicted, zero_division=0),
        "f1": skm.f1_score(truth, predicted, zero_division=0),
        "roc_auc": skm.roc_auc_score(truth, scores),
    }
    positive = names[1]
    metrics = pd.DataFrame({
        "指标": ["准确率", "精确率", "召回率", "F1 值", "ROC-AUC"],
        "数值": [float(v) for v in values.values()],
        "含义": [
            "预测对的样本占全部样本的比例",
            f"预测为{positive}的样本中，真的{positive}的比例（预警准不准）",
            f"真的{positive}的样本中，被预测出来的比例（漏掉了多少）",
            "精确率和召回率的调和平均",
            f"随机抽一个{positive}的和一个{names[0]}的样本，模型给前者打分更高的概率（0.5 = 瞎猜，1 = 完美）",
        ],
    }, index=list(values))
    return {
        "model": model,
        "confusion_matrix": confusion,
        "metrics": metrics,
        "scores": pd.DataFrame({"y_true": truth, "score": scores, "y_pred": predicted}, index=X_test.index),
        "report": {"训练集样本数": len(X_train), "测试集样本数": len(X_test),
                   "训练集正类比例": float(y_train.mean()), "测试集正类比例": float(y_test.mean()),
                   "判为正类的门槛": threshold},
    }


def choose_threshold(y_true, scores, *, cost_fp: float, cost_fn: float, thresholds=None) -> pd.DataFrame:
    """按成本选阈值：误报（没流失却预警）和漏报（流失了却没预警）各有代价，选总成本最小的阈值。

    得分 ≥ 阈值判为正类。总成本 = 误报数 × ``cost_fp`` + 漏报数 × ``cost_fn``。
    例如给一位客户发挽留优惠券花 10 元（误报的代价），流失一位客户损失 200 元毛利（漏报的代价）。

    参数
    ----
    y_true : 实际的 0/1 标签。scores : 模型给出的正类得分（概率），与 ``y_true`` 一样长，例如
        ``evaluate_classifier(...)["scores"]`` 的 ``y_true`` 和 ``score`` 两列。
    cost_fp, cost_fn : 一次误报、一次漏报的成本（不能为负）。
    thresholds : 要比较的阈值（可选）；默认是所有不同的得分，再加上一个比最高分还高的阈值（谁都不预警）。

    返回
    ----
    DataFrame，每个阈值一行（从小到大），列：``threshold``、``tp``（预警对了）、``fp``（误报）、``fn``（漏报）、
    ``tn``、``cost``（总成本）、``best``（是否为成本最小的阈值；成本相同时取最高的阈值，少打扰客户）。
    最佳阈值和最低成本也记在 ``attrs["report"]``。

    例子
    ----
    >>> table = choose_threshold([0, 0, 1, 1, 0], [0.1, 0.4, 0.35, 0.8, 0.2], cost_fp=1, cost_fn=5)
    >>> table  # doctest: +NORMALIZE_WHITESPACE
       threshold  tp  fp  fn  tn  cost   best
    0       0.10   2   3   0   0   3.0  False
    1       0.20   2   2   0   1   2.0  False
    2       0.35   2   1   0   2   1.0   True
    3       0.40   1   1   1   2   6.0  False
    4       0.80   1   0   1   3   5.0  False
    5        inf   0   0   2   3  10.0  False
    >>> table.attrs["report"]["最佳阈值"]
    0.35
    """
    for name, value in (("cost_fp", cost_fp), ("cost_fn", cost_fn)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
            raise CRMDataError(f"{name}（一次{'误报' if name == 'cost_fp' else '漏报'}的成本）应该是不小于 0 的数，"
                               f"例如 10，收到 {value!r}。")
    truth = _binary_labels(pd.Series(np.asarray(y_true)), name="y_true")
    score = pd.Series(np.asarray(scores))
    if len(score) != len(truth):
        raise CRMDataError(f"y_true 和 scores 的长度不同（{len(truth)} 和 {len(score)}）。它们应该来自同一批样本。")
    score = _numeric_column(score, where="scores（模型得分）")
    if thresholds is None:
        candidates = np.append(np.unique(score.to_numpy()), np.inf)
    else:
        candidates = np.unique(_numeric_column(pd.Series(np.asarray(thresholds, dtype=object)),
                                               where="thresholds（阈值）").to_numpy())
    y = truth.to_numpy(dtype=bool)
    s = score.to_numpy()
    flagged = s[None, :] >= candidates[:, None]
    tp = (flagged & y).sum(axis=1)
    fp = (flagged & ~y).sum(axis=1)
    fn = y.sum() - tp
    tn = (~y).sum() - fp
    table = pd.DataFrame({"threshold": candidates, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
                          "cost": fp * float(cost_fp) + fn * float(cost_fn)})
    lowest = table["cost"].min()
    best = table.index[np.isclose(table["cost"], lowest)][-1]
    table["best"] = table.index == best
    table.attrs["report"] = {"最佳阈值": float(table.at[best, "threshold"]), "最低总成本": float(lowest),
                             "误报成本": float(cost_fp), "漏报成本": float(cost_fn)}
    return table


def tree_rules(tree, feature_names=None, *, class_names=_CLASS_NAMES, labels=None, decimals: int = 1,
               unit: str = "人") -> pd.DataFrame:
    """把训练好的决策树写成“如果 …… 那么 ……”的中文规则，每个叶子一条。

    例如：“如果 最近一次购买距今 > 120 天 且 平均评分 ≤ 2.5，那么 流失（概率 78%，样本 132 人）”。
    同一特征在一条路径上出现多次时合并成一个区间，例如“30 < 购买次数 ≤ 50 次”。概率是训练集里落在这个叶子的
    样本中属于预测类别的比例，样本数是这些训练样本的个数。

    参数
    ----
    tree : 训练好的 ``DecisionTreeClassifier``（例如 ``evaluate_classifier(...)["model"]``）。
    feature_names : 特征名（列名）的列表；用 DataFrame 训练的树可以不写。
    class_names : 各类别的中文名，按 ``tree.classes_`` 的顺序，默认 ``("未流失", "流失")``（对应 0 和 1）。
    labels : 特征的中文名和单位，``{列名: (中文名, 单位)}``，默认 ``FEATURE_LABELS``；单位为“是否”的 0/1 特征
        写成“是/否”。不在其中的特征用列名。
    decimals : 分界值保留几位小数。unit : 样本的单位，默认“人”。

    返回
    ----
    DataFrame，每个叶子一行（按树从左到右的顺序），列：``rule``（规则文字）、``prediction``（预测类别）、
    ``probability``、``samples``。

    例子
    ----
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> X = pd.DataFrame({"recency": [10, 20, 30, 200, 210, 220], "bad_ticket": [0, 0, 1, 0, 1, 1]})
    >>> tree = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, [0, 0, 0, 1, 1, 1])
    >>> for rule in tree_rules(tree)["rule"]:
    ...     print(rule)
    如果 最近一次购买距今 ≤ 115 天，那么 未流失（概率 100%，样本 3 人）
    如果 最近一次购买距今 > 115 天，那么 流失（概率 100%，样本 3 人）
    """
    if not isinstance(tree, DecisionTreeClassifier):
        raise CRMDataError(
            f"tree 应该是 scikit-learn 的 DecisionTreeClassifier（决策树分类器），收到的是 {type(tree).__name__}。"
        )
    if not hasattr(tree, "tree_"):
        raise CRMDataError("这棵决策树还没有训练：请先 tree.fit(X, y)，或用 evaluate_classifier(...)[\"model\"]。")
    if feature_names is None:
        if not hasattr(tree, "feature_names_in_"):
            raise CRMDataError("这棵树是用没有列名的数据训练的，请用 feature_names=[...] 写出各特征的名字。")
        feature_names = tree.feature_names_in_
    feature_names = [str(f) for f in feature_names]
    if len(feature_names) != tree.n_features_in_:
        raise CRMDataError(
            f"feature_names 有 {len(feature_names)} 个名字，但这棵树用了 {tree.n_features_in_} 个特征。"
            "请按训练时 X 的列顺序写出全部特征名，例如 feature_names=X.columns。"
        )
    names = [str(c) for c in class_names]
    if len(names) != len(tree.classes_):
        raise CRMDataError(
            f"class_names 有 {len(names)} 个名字，但这棵树有 {len(tree.classes_)} 个类别（{list(tree.classes_)}）。"
        )
    labels = FEATURE_LABELS if labels is None else labels
    structure = tree.tree_
    rows = []

    def visit(node, bounds):
        left, right = structure.children_left[node], structure.children_right[node]
        if left == right:  # 叶子
            fractions = structure.value[node, 0] / structure.value[node, 0].sum()
            k = int(np.argmax(fractions))
            conditions = [_condition_text(feature_names[f], lo, hi, labels, decimals) for f, (lo, hi) in bounds.items()]
            where = f"如果 {' 且 '.join(conditions)}，那么" if conditions else "所有样本都"
            samples = int(structure.n_node_samples[node])
            rows.append({"rule": f"{where} {names[k]}（概率 {_percent(fractions[k])}，样本 {samples} {unit}）",
                         "prediction": names[k], "probability": float(fractions[k]), "samples": samples})
            return
        f, cut = int(structure.feature[node]), float(structure.threshold[node])
        lo, hi = bounds.get(f, (None, None))
        visit(left, {**bounds, f: (lo, cut if hi is None else min(hi, cut))})
        visit(right, {**bounds, f: (cut if lo is None else max(lo, cut), hi)})

    visit(0, {})
    return pd.DataFrame(rows, columns=["rule", "prediction", "probability", "samples"])


# ---------------------------------------------------------------------------------------------
# 内部工具
# ---------------------------------------------------------------------------------------------


def _item_labels(ids: list[str], items, *, item: str, item_name: str) -> list[str]:
    """商品编号 → 列名：有对照就用名称；名称重复的写成“名称（编号）”。"""
    if items is None:
        return ids
    if isinstance(items, pd.DataFrame):
        check_columns(items, [item, item_name], table="商品表（items 参数）")
        mapping = dict(zip(items[item].astype(object).map(str), items[item_name].astype(object), strict=True))
    elif isinstance(items, pd.Series):
        mapping = {str(k): v for k, v in items.items()}
    elif isinstance(items, dict):
        mapping = {str(k): v for k, v in items.items()}
    else:
        raise CRMDataError(
            f"items 应该是字典 {{编号: 名称}}、Series 或商品表（DataFrame），收到的是 {type(items).__name__}。"
        )
    unknown = [i for i in ids if i not in mapping or pd.isna(mapping[i]) or not str(mapping[i]).strip()]
    if unknown:
        warnings.warn(
            f"有 {len(unknown)} 种商品在 items 里找不到名称，保留编号：{'、'.join(unknown[:5])}"
            f"{'等' if len(unknown) > 5 else ''}。请检查商品表是否完整。",
            UserWarning, stacklevel=3,
        )
    names = [i if i in unknown else str(mapping[i]).strip() for i in ids]
    repeated = pd.Series(names).duplicated(keep=False).to_numpy()
    return [f"{n}（{i}）" if r else n for n, i, r in zip(names, ids, repeated, strict=True)]


def _check_basket(basket) -> pd.DataFrame:
    if not isinstance(basket, pd.DataFrame):
        raise CRMDataError(
            f"basket 应该是购物篮矩阵（pandas 的 DataFrame，通常由 basket_matrix(...) 得到），"
            f"收到的是 {type(basket).__name__}。"
        )
    if basket.shape[0] == 0 or basket.shape[1] == 0:
        raise CRMDataError("购物篮矩阵是空的（没有订单或没有商品）。请检查 basket_matrix 的输入。")
    if basket.columns.duplicated().any():
        repeated = basket.columns[basket.columns.duplicated()].unique().tolist()
        raise CRMDataError(f"购物篮矩阵有重复的列名：{repeated[:5]}。每种商品只能有一列。")
    not_bool = [i for i, d in enumerate(basket.dtypes)
                if not pd.api.types.is_bool_dtype(d.subtype if isinstance(d, pd.SparseDtype) else d)]
    named = all(isinstance(c, str) for c in basket.columns)  # mlxtend 要求稀疏表的列名是文字
    if not not_bool and named:
        return basket
    columns = {str(c): basket.iloc[:, i] for i, c in enumerate(basket.columns)}
    target = pd.SparseDtype(bool) if all(isinstance(d, pd.SparseDtype) for d in basket.dtypes) else bool
    for i in not_bool:
        values = basket.iloc[:, i]
        dense = values.sparse.to_dense() if isinstance(values.dtype, pd.SparseDtype) else values
        wrong = ~dense.isin([0, 1]) | dense.isna()
        if wrong.any():
            raise CRMDataError(
                f"购物篮矩阵的列 {basket.columns[i]} 有不是 0/1（或 True/False）的值：{_rows(wrong, dense)}。"
                "购物篮矩阵只记“买了没有”，请用 basket_matrix(订单明细) 生成，或把数量换成 df > 0。"
            )
        columns[str(basket.columns[i])] = dense.astype(target)
    return pd.DataFrame(columns, index=basket.index)


def _ticket_features(tickets, *, customer, ticket_date, rating, bad_rating, cutoff, customers, report) -> pd.DataFrame:
    table = "工单表（tickets 参数）"
    check_columns(tickets, [customer, ticket_date, rating], table=table)
    if isinstance(bad_rating, bool) or not isinstance(bad_rating, numbers.Real):
        raise CRMDataError(f"bad_rating（差评的最高分）应该是一个数，例如 2，收到 {bad_rating!r}。")
    opened = _parse_dates(tickets[ticket_date], column=ticket_date, table=table)
    before = (opened < cutoff).to_numpy()
    earlier = tickets[before]
    scores = earlier[rating]
    unrated = scores.isna()
    values = _numeric_column(scores[~unrated], where=f"{table}的评分列 {rating}")
    ids = earlier[customer].astype(object)
    report["截止日期之前的工单数"] = len(earlier)
    report["工单中没有订单的客户数"] = int((~pd.Index(ids.dropna().unique()).isin(customers)).sum())
    bad = (values <= bad_rating).reindex(earlier.index, fill_value=False)
    grouped = pd.DataFrame({"ticket": 1, "bad": bad.astype("int64")}, index=earlier.index).groupby(ids.to_numpy())
    counts = grouped.sum()
    out = pd.DataFrame(index=customers)
    out["ticket_count"] = counts["ticket"].reindex(customers, fill_value=0).astype("int64")
    out["bad_ticket_count"] = counts["bad"].reindex(customers, fill_value=0).astype("int64")
    out["bad_ticket"] = (out["bad_ticket_count"] > 0).astype("int64")
    out["mean_rating"] = values.groupby(ids[~unrated].to_numpy()).mean().reindex(customers).astype(float)
    return out


def _check_xy(X, y) -> tuple[pd.DataFrame, pd.Series]:
    if not isinstance(X, pd.DataFrame):
        raise CRMDataError(f"X（特征表）应该是 pandas 的 DataFrame，收到的是 {type(X).__name__}。")
    if X.empty:
        raise CRMDataError("X（特征表）是空的。")
    not_numeric = [c for c in X.columns
                   if not (pd.api.types.is_numeric_dtype(X[c]) or pd.api.types.is_bool_dtype(X[c]))]
    if not_numeric:
        raise CRMDataError(
            f"X 里有不是数字的列：{', '.join(map(str, not_numeric))}。模型只能用数字特征："
            "请删掉这些列，或先转换成数字（例如 pd.get_dummies(X, columns=[...])）。"
        )
    missing = X.isna().any(axis=1)
    if missing.any():
        columns = [str(c) for c in X.columns[X.isna().any()]]
        raise CRMDataError(
            f"X 有空值（列 {', '.join(columns)}）：{_rows(missing)}。"
            "请先填补，例如 X.fillna({\"mean_rating\": 5})，或删掉这些行 / 列。"
        )
    y = pd.Series(y, index=X.index) if not isinstance(y, pd.Series) else y
    if len(y) != len(X):
        raise CRMDataError(f"X 有 {len(X)} 行，y 有 {len(y)} 个，行数应该相同。")
    if not y.index.equals(X.index):
        raise CRMDataError("X 和 y 的行索引不一致。请让它们来自同一张表，例如 X = df.drop(columns=\"churned\")、"
                           "y = df[\"churned\"]。")
    y = _binary_labels(y, name="y")
    if y.nunique() < 2:
        raise CRMDataError(
            f"y 里只有一类（全部是 {int(y.iloc[0])}），模型学不到怎么区分两类。"
            "请检查标签是否算对了，例如流失的截止日期和观察窗口是否合适。"
        )
    return X, y


def _binary_labels(values: pd.Series, *, name: str) -> pd.Series:
    if values.empty:
        raise CRMDataError(f"{name}（标签）是空的。")
    if values.isna().any():
        raise CRMDataError(f"{name}（标签）有空值：{_rows(values.isna())}。请补上或删掉这些行。")
    if pd.api.types.is_bool_dtype(values):
        return values.astype("int64")
    wrong = ~values.isin([0, 1])
    if wrong.any():
        raise CRMDataError(
            f"{name}（标签）只能是 0/1 或 True/False（1 表示正类，例如流失），但有别的值：{_rows(wrong, values)}。"
        )
    return values.astype("int64")


def _positive_scores(model, X) -> np.ndarray:
    if callable(getattr(model, "predict_proba", None)):
        return np.asarray(model.predict_proba(X))[:, list(model.classes_).index(1)]
    if callable(getattr(model, "decision_function", None)):
        return np.asarray(model.decision_function(X), dtype=float)
    raise CRMDataError(f"模型 {type(model).__name__} 既没有 predict_proba 也没有 decision_function，算不出 ROC-AUC。")


def _is_probability(model) -> bool:
    return callable(getattr(model, "predict_proba", None))


def _condition_text(feature: str, low, high, labels, decimals: int) -> str:
    name, unit = labels.get(feature, (feature, ""))
    if unit == "是否" and (low is None or low >= 0) and (high is None or high < 1):
        return f"{name}：{'是' if low is not None else '否'}"
    suffix = f" {unit}" if unit and unit != "是否" else ""
    if low is None:
        return f"{name} ≤ {_number(high, decimals)}{suffix}"
    if high is None:
        return f"{name} > {_number(low, decimals)}{suffix}"
    return f"{_number(low, decimals)} < {name} ≤ {_number(high, decimals)}{suffix}"


def _number(value: float, decimals: int) -> str:
    return f"{round(value, decimals):.{decimals}f}".rstrip("0").rstrip(".") if decimals > 0 else f"{round(value):d}"


def _items_text(itemset) -> str:
    return "、".join(sorted(map(str, itemset)))


def _percent(fraction: float) -> str:
    return f"{round(float(fraction) * 100):d}%"


def _lower(value: float) -> str:
    return f"{float(f'{value * 0.9:.1g}'):g}" if value > 0 else "0.001"


def _check_fraction(name, value, *, meaning, allow_zero=False, open_high=False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise CRMDataError(f"{name} 是{meaning}，应该是一个数，收到 {value!r}。")
    value = float(value)
    too_low = value < 0 if allow_zero else value <= 0
    too_high = value >= 1 if open_high else value > 1
    if too_low or too_high:
        hint = f"如果写的是百分数，请写 {value / 100:g}。" if 1 < value <= 100 else ""
        raise CRMDataError(f"{name} 是{meaning}，应该在 0 到 1 之间，收到 {value:g}。{hint}")
    return value


def _parse_day(value, *, name: str) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value.replace("年", "-").replace("月", "-").replace("日", "") if isinstance(value, str)
                           else value)
    except (ValueError, TypeError) as exc:
        raise CRMDataError(f"{name} 无法识别：{value!r}。请写成 \"2026-03-01\" 这样的日期。") from exc
    if pd.isna(day):
        raise CRMDataError(f"{name} 是空值。请写成 \"2026-03-01\" 这样的日期。")
    if day.tzinfo is not None:
        day = day.tz_localize(None)
    return day.normalize()
