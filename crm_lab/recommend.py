"""一对一营销：根据购买记录给每位客户推荐商品（基于商品的协同过滤，item-based collaborative filtering）。

- ``purchase_matrix(purchases)``：购买明细 → 客户 × 商品矩阵（买过为 1，没买过为 0）；
- ``item_similarity(matrix)``：商品两两之间的余弦相似度（cosine similarity）；
- ``recommend_items(matrix, similarity)``：给每位客户推荐 n 件他没买过、和他买过的商品最相似的商品；
- ``recommend_popular(matrix)``：对照用的“最畅销商品”推荐（每人都推荐他没买过的最畅销的 n 件）；
- ``holdout_last_order(purchases)``：藏起每位客户的最后一单，用前面的订单做推荐、用最后一单检验；
- ``hit_rate(recommendations, held_out)``：命中率——推荐名单里至少有一件在藏起来的订单里被买了的客户占比。

公式（Sarwar, Karypis, Konstan & Riedl 2001；Linden, Smith & York 2003，亚马逊的“商品到商品”推荐）::

    商品 i 和 j 的余弦相似度  sim(i, j) = (v_i · v_j) / (|v_i| × |v_j|)
        v_i 是矩阵里商品 i 的那一列（每位客户买没买过），v_i · v_j = 两种都买过的客户数，
        |v_i| = √(买过 i 的客户数)（0/1 矩阵时）
    客户 u 对商品 j 的推荐分  score(u, j) = Σ sim(i, j)，对 u 买过的每件商品 i 求和；u 买过的 j 不推荐

约定与 ``crm_lab.mining`` 相同：表进表出；不合格的输入抛出 ``CRMDataError``，用中文说明哪个参数、什么问题、怎么改。
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from crm_lab.data import CRMDataError, check_columns

__all__ = ["purchase_matrix", "item_similarity", "recommend_items", "recommend_popular", "holdout_last_order",
           "hit_rate"]

_RECOMMENDATION_COLUMNS = ["rank", "score"]


def purchase_matrix(purchases: pd.DataFrame, *, customer: str = "customer_id",
                    item: str = "product_id") -> pd.DataFrame:
    """购买明细 → 客户 × 商品矩阵：每位客户一行、每种商品一列，买过（不论几次）为 1，没买过为 0。

    参数
    ----
    purchases : 购买明细，每行是某位客户买的一种商品（例如已完成订单的订单明细并上客户编号）。
    customer, item : 客户编号、商品编号所在的列名。这两列为空的行不算，个数记在 ``attrs["report"]``。

    返回
    ----
    DataFrame（整数 0/1），行索引是客户（名为 ``customer``），列是商品（名为 ``item``），都按编号排序。

    例子
    ----
    >>> purchases = pd.DataFrame({"customer_id": ["C1", "C1", "C2", "C2", "C1"],
    ...                           "product_id": ["P1", "P2", "P2", "P3", "P1"]})
    >>> purchase_matrix(purchases)  # doctest: +NORMALIZE_WHITESPACE
    product_id   P1  P2  P3
    customer_id
    C1            1   1   0
    C2            0   1   1
    """
    check_columns(purchases, [customer, item], table="购买明细（purchases 参数）")
    missing = purchases[customer].isna() | purchases[item].isna()
    kept = purchases.loc[~missing, [customer, item]]
    if kept.empty:
        raise CRMDataError(f"购买明细（purchases 参数）里没有同时写了 {customer} 和 {item} 的行，"
                           "无法组成客户 × 商品矩阵。请确认读对了表、列名写对了。")
    matrix = pd.crosstab(kept[customer], kept[item]).clip(upper=1).astype(int)
    matrix.index.name, matrix.columns.name = customer, item
    matrix.attrs["report"] = {"输入行数": len(purchases), "排除的缺少客户或商品的行": int(missing.sum()),
                              "客户数": matrix.shape[0], "商品数": matrix.shape[1]}
    return matrix


def item_similarity(matrix: pd.DataFrame) -> pd.DataFrame:
    """商品两两之间的余弦相似度：sim(i, j) = (v_i · v_j) / (|v_i| × |v_j|)，v_i 是商品 i 那一列。

    值在 0 到 1 之间：1 表示买 i 的客户和买 j 的客户完全相同，0 表示没有一位客户两种都买过。
    对角线（商品和它自己）是 1；没有人买过的商品和谁都是 0。

    参数
    ----
    matrix : 客户 × 商品矩阵（``purchase_matrix`` 的结果；也可以是购买次数，不能有负数或空格）。

    返回
    ----
    DataFrame，行和列都是商品。

    例子
    ----
    >>> m = pd.DataFrame({"P1": [1, 1, 0], "P2": [1, 0, 1], "P3": [1, 1, 0]}, index=["C1", "C2", "C3"])
    >>> item_similarity(m).round(3)  # doctest: +NORMALIZE_WHITESPACE
         P1   P2   P3
    P1  1.0  0.5  1.0
    P2  0.5  1.0  0.5
    P3  1.0  0.5  1.0
    """
    values = _matrix_values(matrix)
    norms = np.sqrt((values ** 2).sum(axis=0))
    dot = values.T @ values
    with np.errstate(divide="ignore", invalid="ignore"):
        sim = dot / np.outer(norms, norms)
    sim = np.nan_to_num(sim, nan=0.0, posinf=0.0, neginf=0.0)
    return pd.DataFrame(sim, index=matrix.columns.copy(), columns=matrix.columns.copy())


def recommend_items(matrix: pd.DataFrame, similarity: pd.DataFrame | None = None, *, n: int = 5,
                    customers=None) -> pd.DataFrame:
    """给每位客户推荐 n 件商品：推荐分 score(u, j) = 客户 u 买过的每件商品 i 与 j 的相似度之和；买过的不推荐。

    分数相同的按商品编号排；推荐分为 0（和他买过的东西毫无关系）的商品不推荐，所以有的客户可能不足 n 件。

    参数
    ----
    matrix : 客户 × 商品矩阵（``purchase_matrix`` 的结果）。
    similarity : 商品相似度（``item_similarity`` 的结果）；不写就用 ``item_similarity(matrix)`` 现算。
    n : 每位客户最多推荐几件（正整数，默认 5）。
    customers : 只给这些客户推荐（客户编号的列表）；不写就给矩阵里的每位客户推荐。

    返回
    ----
    DataFrame，每条推荐一行：客户编号列（名同矩阵的行索引名，默认 ``customer_id``）、商品列（名同矩阵的列名，
    默认 ``product_id``）、``rank``（第几推荐，从 1 开始）、``score``（推荐分）。

    例子
    ----
    >>> m = pd.DataFrame({"P1": [1, 1, 0], "P2": [1, 0, 1], "P3": [1, 1, 0]},
    ...                  index=pd.Index(["C1", "C2", "C3"], name="customer_id"))
    >>> m.columns.name = "product_id"
    >>> recommend_items(m, n=2)
      customer_id product_id  rank  score
    0          C2         P2     1    1.0
    1          C3         P1     1    0.5
    2          C3         P3     2    0.5
    """
    n = _check_n(n)
    if similarity is None:
        similarity = item_similarity(matrix)
    values = _matrix_values(matrix)
    if not isinstance(similarity, pd.DataFrame) or list(similarity.index) != list(matrix.columns) \
            or list(similarity.columns) != list(matrix.columns):
        raise CRMDataError("similarity 参数的行和列必须正好是矩阵的商品列（顺序也相同）。"
                           "请用 item_similarity(matrix) 从同一个矩阵算相似度。")
    scores = values @ similarity.to_numpy(dtype=float)
    return _top_n(matrix, scores, n=n, customers=customers)


def recommend_popular(matrix: pd.DataFrame, *, n: int = 5, customers=None) -> pd.DataFrame:
    """对照组推荐：每位客户都推荐他没买过的、买过的客户最多的 n 件商品（“最畅销商品”，不看个人喜好）。

    推荐分 ``score`` = 买过这件商品的客户数。返回的表和 ``recommend_items`` 一样。

    例子
    ----
    >>> m = pd.DataFrame({"P1": [1, 1, 0], "P2": [1, 0, 1], "P3": [1, 1, 0]},
    ...                  index=pd.Index(["C1", "C2", "C3"], name="customer_id"))
    >>> recommend_popular(m, n=1)[["customer_id", "product_id", "score"]]
      customer_id product_id  score
    0          C2         P2    2.0
    1          C3         P1    2.0
    """
    n = _check_n(n)
    values = _matrix_values(matrix)
    popularity = (values > 0).sum(axis=0).astype(float)
    scores = np.tile(popularity, (values.shape[0], 1))
    return _top_n(matrix, scores, n=n, customers=customers)


def holdout_last_order(purchases: pd.DataFrame, *, customer: str = "customer_id", order: str = "order_id",
                       time: str = "order_time", item: str = "product_id") -> tuple[pd.DataFrame, pd.DataFrame]:
    """把每位客户的最后一单藏起来：前面的订单用来推荐（train），最后一单用来检验推荐准不准（test）。

    这样检验才诚实：推荐时“看不到”要检验的订单，就像真的在预测客户下一次买什么。

    - 只下过一单的客户：没有历史可用，全部留在 train（帮助计算相似度），不参加检验；
    - test 只保留最后一单里 **以前没买过** 的商品（推荐本来就不推荐买过的东西）；最后一单全是回购的客户不参加检验。

    参数
    ----
    purchases : 购买明细，含客户、订单号、下单时间和商品四列。
    customer, order, time, item : 这四列的列名。

    返回
    ----
    (train, test) 两张表，列和 purchases 相同。``test.attrs["report"]``：``客户数``、``只有一单的客户``、
    ``最后一单全是回购的客户``、``参加检验的客户``。

    例子
    ----
    >>> p = pd.DataFrame({"customer_id": ["C1", "C1", "C1", "C2"], "order_id": ["O1", "O2", "O2", "O3"],
    ...                   "order_time": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-02-01", "2026-01-05"]),
    ...                   "product_id": ["P1", "P1", "P2", "P3"]})
    >>> train, test = holdout_last_order(p)
    >>> train["order_id"].tolist(), test["product_id"].tolist()
    (['O1', 'O3'], ['P2'])
    """
    check_columns(purchases, [customer, order, time, item], table="购买明细（purchases 参数）")
    blank = purchases[[customer, order, time, item]].isna().any(axis=1)
    if blank.any():
        raise CRMDataError(f"购买明细（purchases 参数）有 {int(blank.sum())} 行缺少客户、订单号、下单时间或商品。"
                           "请先删掉或补全这些行，再划分训练和检验数据。")
    orders = purchases[[customer, order, time]].drop_duplicates([customer, order])
    orders = orders.sort_values([customer, time, order])
    last = orders.groupby(customer, sort=False).tail(1)
    n_orders = orders.groupby(customer).size()
    last = last[last[customer].map(n_orders) >= 2]
    is_last = purchases.set_index([customer, order]).index.isin(last.set_index([customer, order]).index)
    train = purchases.loc[~is_last]
    test = purchases.loc[is_last]
    bought_before = pd.MultiIndex.from_frame(train[[customer, item]])
    new = ~pd.MultiIndex.from_frame(test[[customer, item]]).isin(bought_before)
    test = test.loc[new].drop_duplicates([customer, item])
    test.attrs["report"] = {"客户数": int(len(n_orders)), "只有一单的客户": int((n_orders < 2).sum()),
                            "最后一单全是回购的客户": int(len(last) - test[customer].nunique()),
                            "参加检验的客户": int(test[customer].nunique())}
    return train, test


def hit_rate(recommendations: pd.DataFrame, held_out: pd.DataFrame, *, customer: str = "customer_id",
             item: str = "product_id") -> float:
    """命中率 = 推荐名单里至少有一件商品后来真的被买了的客户数 ÷ 参加检验的客户数。

    参加检验的客户就是 held_out 里出现的客户；没有得到任何推荐的客户算作没命中。
    recommendations 里不在 held_out 中的客户不算。

    参数
    ----
    recommendations : ``recommend_items`` 或 ``recommend_popular`` 的结果。
    held_out : 藏起来的购买记录（``holdout_last_order`` 返回的 test）。
    customer, item : 两张表里客户和商品的列名。

    例子
    ----
    >>> rec = pd.DataFrame({"customer_id": ["C1", "C1", "C2"], "product_id": ["P2", "P3", "P1"]})
    >>> later = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "product_id": ["P3", "P4", "P1"]})
    >>> round(hit_rate(rec, later), 3)   # C1 命中，C2 和 C3 没命中
    0.333
    """
    check_columns(recommendations, [customer, item], table="推荐名单（recommendations 参数）")
    check_columns(held_out, [customer, item], table="藏起来的购买记录（held_out 参数）")
    evaluated = held_out[customer].dropna().unique()
    if len(evaluated) == 0:
        raise CRMDataError("held_out 参数里没有任何客户，无法计算命中率。请传入 holdout_last_order 返回的 test 表。")
    later = pd.MultiIndex.from_frame(held_out[[customer, item]])
    hits = pd.MultiIndex.from_frame(recommendations[[customer, item]]).isin(later)
    hit_customers = recommendations.loc[hits, customer].unique()
    return float(len(set(hit_customers) & set(evaluated)) / len(evaluated))


def _matrix_values(matrix) -> np.ndarray:
    if not isinstance(matrix, pd.DataFrame) or matrix.empty:
        raise CRMDataError("matrix 参数应该是一张非空的客户 × 商品表（DataFrame），请先用 purchase_matrix(…) 得到它。")
    values = matrix.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values) | (values < 0)
    if bad.any():
        rows = [str(r) for r in matrix.index[bad.any(axis=1)][:5]]
        raise CRMDataError(f"matrix 参数里有空格、负数或不是数字的格子（客户 {', '.join(rows)} 等）。"
                           "矩阵只能是 0/1（或购买次数）：请用 purchase_matrix(…) 生成，或先 fillna(0)。")
    return values


def _check_n(n) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise CRMDataError(f"n 参数是每位客户推荐几件商品，应该是正整数（例如 n=5），现在是 {n!r}。")
    return int(n)


def _top_n(matrix: pd.DataFrame, scores: np.ndarray, *, n: int, customers) -> pd.DataFrame:
    customer_name = matrix.index.name or "customer_id"
    item_name = matrix.columns.name or "product_id"
    rows = np.arange(matrix.shape[0])
    if customers is not None:
        wanted = pd.Index(list(customers) if not isinstance(customers, str) else [customers])
        unknown = wanted[~wanted.isin(matrix.index)]
        if len(unknown):
            raise CRMDataError(f"customers 参数里的客户 {', '.join(map(str, unknown[:5]))} 不在矩阵里（没有购买记录）。"
                               "请检查客户编号，或只给矩阵里有的客户推荐。")
        rows = matrix.index.get_indexer(wanted)
    scores = np.where(_matrix_values(matrix) > 0, -np.inf, scores)[rows]
    scores = np.where(scores > 1e-12, scores, -np.inf)
    order = np.argsort(-scores, axis=1, kind="stable")[:, :n]  # 列按编号排好，分数相同的按编号先后
    top = np.take_along_axis(scores, order, axis=1)
    keep = np.isfinite(top)
    result = pd.DataFrame({
        customer_name: np.repeat(matrix.index.to_numpy()[rows], order.shape[1])[keep.ravel()],
        item_name: matrix.columns.to_numpy()[order][keep],
        "rank": np.tile(np.arange(1, order.shape[1] + 1), len(rows))[keep.ravel()],
        "score": top[keep],
    })
    return result
