"""把关联规则落到客户身上：一条规则能触达多少客户（实训 4：从规则找出新卖点）。

``crm_lab.mining`` 算出的规则是按**订单**说的（“买了 A 的订单里有 60% 也买了 B”）。做交叉销售、发优惠券时，
要的却是**客户**：谁买过 A、却还从来没买过 B？这个模块回答这个问题。

- ``cross_sell_targets(basket, owners, antecedent, consequent)``：交叉销售的目标客户——至少有一个订单买了前项 A、
  却没有任何一个订单买了后项 B 的客户；
- ``rule_reach(rules, basket, owners)``：每条规则一行：含前项的订单数、前项和后项同时出现的订单数、买过前项的客户数、
  两样都买过的客户数、交叉销售目标客户数，以及粗略估计的新增购买客户数（目标客户数 × 置信度）。

``basket`` 是 ``crm_lab.mining.basket_matrix`` 的结果（每个订单一行、每种商品一列），``owners`` 说明每个订单是哪位
客户下的，例如 ``orders.set_index("order_id")["customer_id"]``。与 ``crm_lab.mining`` 一样，不合格的输入抛出
``CRMDataError``，说明哪里不对、怎么改。
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_lab.data import CRMDataError, check_columns

__all__ = ["REACH_COLUMNS", "REACH_LABELS", "cross_sell_targets", "rule_reach"]

REACH_COLUMNS = ["orders_antecedent", "orders_both", "customers_antecedent", "customers_both", "targets",
                 "expected_buyers"]
# rule_reach 各列的中文名
REACH_LABELS = {
    "orders_antecedent": "含前项的订单数",
    "orders_both": "同时含前后项的订单数",
    "customers_antecedent": "买过前项的客户数",
    "customers_both": "两样都买过的客户数",
    "targets": "交叉销售目标客户数",
    "expected_buyers": "预计新增购买客户数",
}


def cross_sell_targets(basket: pd.DataFrame, owners: pd.Series, antecedent, consequent) -> pd.Index:
    """交叉销售的目标客户：至少有一个订单含前项 ``antecedent`` 的全部商品，却没有任何订单含后项 ``consequent``
    的全部商品的客户。

    参数
    ----
    basket : 购物篮矩阵（``basket_matrix`` 的结果；也可以是普通的 True/False 表格），行索引是订单号。
    owners : 订单号 → 客户编号的 Series，例如 ``orders.set_index("order_id")["customer_id"]``。
        购物篮里的每个订单都要在里面。
    antecedent, consequent : 前项、后项：一种商品（文字），或几种商品（列表、集合，例如规则表里的 frozenset）。
        名字要和购物篮的列名一样。

    返回
    ----
    客户编号的 Index（排好序，不重复），名字是 ``owners`` 的名字。

    例子
    ----
    >>> basket = pd.DataFrame({"牙膏": [True, True, False, True], "牙刷": [True, False, False, False]},
    ...                       index=pd.Index(["O1", "O2", "O3", "O4"], name="order_id"))
    >>> owners = pd.Series(["C1", "C1", "C2", "C3"], index=basket.index, name="customer_id")
    >>> cross_sell_targets(basket, owners, "牙膏", "牙刷").tolist()  # C1 已经买过牙刷，C2 没买过牙膏
    ['C3']
    """
    who = _owners(basket, owners)
    has_a = _contains(basket, antecedent, role="前项 antecedent")
    has_b = _contains(basket, consequent, role="后项 consequent")
    return _targets(who, has_a, has_b)[1].rename(owners.name)


def rule_reach(rules: pd.DataFrame, basket: pd.DataFrame, owners: pd.Series) -> pd.DataFrame:
    """每条关联规则能触达多少订单和客户，以及交叉销售的目标客户有多少。

    对规则“A → B”：

    * ``orders_antecedent``：含 A 的订单数；``orders_both``：同时含 A 和 B 的订单数
      （÷ 订单总数就是支持度，``orders_both ÷ orders_antecedent`` 就是置信度）；
    * ``customers_antecedent``：买过 A 的客户数；``customers_both``：在同一个订单里同时买过 A 和 B 的客户数；
    * ``targets``：交叉销售目标客户数——买过 A、却从来没有买过 B 的客户（见 ``cross_sell_targets``）；
    * ``expected_buyers``：``targets × 置信度``，粗略估计：假设给目标客户推荐 B 之后，他们像规则里的订单一样，
      有“置信度”这么大的比例会买。这是乐观的上限，真实的响应率要用小范围试点（A/B 测试）来检验。

    参数
    ----
    rules : ``crm_lab.mining.association_rules`` 的结果（要有 ``antecedents``、``consequents``、``confidence`` 列）。
    basket : 算出这些规则的购物篮矩阵。owners : 订单号 → 客户编号，见 ``cross_sell_targets``。

    返回
    ----
    DataFrame，行索引与 ``rules`` 相同，列见 ``REACH_COLUMNS``（中文名见 ``REACH_LABELS``）。

    例子
    ----
    >>> basket = pd.DataFrame({"牙膏": [True, True, False, True], "牙刷": [True, False, False, False]},
    ...                       index=pd.Index(["O1", "O2", "O3", "O4"], name="order_id"))
    >>> owners = pd.Series(["C1", "C1", "C2", "C3"], index=basket.index, name="customer_id")
    >>> rules = pd.DataFrame({"antecedents": [frozenset({"牙膏"})], "consequents": [frozenset({"牙刷"})],
    ...                       "confidence": [1 / 3]})
    >>> reach = rule_reach(rules, basket, owners)
    >>> reach[["orders_antecedent", "orders_both", "customers_antecedent", "customers_both"]].to_dict("records")
    [{'orders_antecedent': 3, 'orders_both': 1, 'customers_antecedent': 2, 'customers_both': 1}]
    >>> int(reach.at[0, "targets"]), round(float(reach.at[0, "expected_buyers"]), 3)  # 只有 C3 是目标客户
    (1, 0.333)
    """
    check_columns(rules, ["antecedents", "consequents", "confidence"], table="关联规则表（rules 参数）")
    who = _owners(basket, owners)
    rows = []
    for a, b, confidence in zip(rules["antecedents"], rules["consequents"], rules["confidence"], strict=True):
        has_a = _contains(basket, a, role="前项 antecedents")
        has_b = _contains(basket, b, role="后项 consequents")
        both = has_a & has_b
        bought_a, targets = _targets(who, has_a, has_b)
        rows.append({"orders_antecedent": int(has_a.sum()), "orders_both": int(both.sum()),
                     "customers_antecedent": len(bought_a), "customers_both": int(who[both].nunique()),
                     "targets": len(targets), "expected_buyers": len(targets) * float(confidence)})
    return pd.DataFrame(rows, index=rules.index, columns=REACH_COLUMNS).astype(
        {c: "int64" for c in REACH_COLUMNS[:-1]} | {"expected_buyers": float})


# ---------------------------------------------------------------------------------------------
# 内部工具
# ---------------------------------------------------------------------------------------------


def _owners(basket, owners) -> pd.Series:
    """购物篮每一行（订单）的客户编号；有订单找不到客户时报错。"""
    if not isinstance(basket, pd.DataFrame):
        raise CRMDataError(
            f"basket 应该是购物篮矩阵（DataFrame，通常由 basket_matrix(...) 得到），收到的是 {type(basket).__name__}。"
        )
    if not isinstance(owners, pd.Series):
        raise CRMDataError(
            f"owners 应该是“订单号 → 客户编号”的 Series，例如 orders.set_index(\"order_id\")[\"customer_id\"]，"
            f"收到的是 {type(owners).__name__}。"
        )
    if owners.index.duplicated().any():
        repeated = owners.index[owners.index.duplicated()].unique().tolist()
        raise CRMDataError(f"owners 里有重复的订单号：{repeated[:5]}。每个订单只能属于一位客户。")
    who = owners.reindex(basket.index)
    missing = who.isna()
    if missing.any():
        shown = "、".join(map(str, basket.index[missing.to_numpy()][:5])) + ("等" if missing.sum() > 5 else "")
        raise CRMDataError(
            f"购物篮里有 {int(missing.sum())} 个订单在 owners 里找不到客户：{shown}。"
            "请用同一批订单的订单表，例如 orders.set_index(\"order_id\")[\"customer_id\"]。"
        )
    return pd.Series(who.to_numpy(dtype=object))  # 按位置取行，与 _contains 的结果对齐


def _targets(who: pd.Series, has_a: np.ndarray, has_b: np.ndarray) -> tuple[pd.Index, pd.Index]:
    """买过前项的客户，以及其中从没买过后项的客户（交叉销售目标）。"""
    bought_a = pd.Index(who[has_a].unique())
    return bought_a, bought_a.difference(pd.Index(who[has_b].unique()))


def _contains(basket: pd.DataFrame, items, *, role: str) -> np.ndarray:
    """每个订单是否含 ``items`` 里的全部商品。"""
    wanted = [items] if isinstance(items, str) else sorted(items, key=str)
    if not wanted:
        raise CRMDataError(f"{role} 是空的：请写出至少一种商品。")
    unknown = [i for i in wanted if i not in basket.columns]
    if unknown:
        raise CRMDataError(
            f"{role} 里的商品 {'、'.join(map(str, unknown))} 不是购物篮的列名。"
            "请检查名字是否写对（要和 basket_matrix 的列名完全一样，例如用了 items= 时是商品名称）。"
        )
    # 一列一列转成 numpy：稀疏列（basket_matrix 的结果）和普通列都行
    return np.column_stack([basket[item].to_numpy(dtype=bool) for item in wanted]).all(axis=1)
