"""crm_lab.mining: basket analysis, churn features, classifier evaluation, cost thresholds, tree rules, bad input."""

import functools
import itertools
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from helpers import raises
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from sklearn import metrics as skm  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from crm_lab import load_dataset  # noqa: E402
from crm_lab.mining import (  # noqa: E402
    RULE_COLUMNS,
    association_rules,
    basket_matrix,
    choose_threshold,
    churn_features,
    evaluate_classifier,
    explain_rules,
    frequent_itemsets,
    rules_table,
    tree_rules,
)
from crm_lab.plots import plot_confusion_matrix, plot_roc_curve  # noqa: E402

PROPERTY = settings(max_examples=40, deadline=None, database=None)


@functools.cache
def course(name: str) -> pd.DataFrame:
    """A shipped table, read once per test session (callers must not modify it)."""
    return load_dataset(name)



def warns(call, *fragments):
    """Call must warn (UserWarning) with every fragment in one message; returns the call's result."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert any(all(f in m for f in fragments) for m in messages), f"{fragments} not in {messages}"
    return result


def as_sets(itemsets: pd.DataFrame) -> dict:
    return {frozenset(s): round(float(v), 12) for s, v in zip(itemsets["itemsets"], itemsets["support"], strict=True)}


# ------------------------------------------------------------------------------------- basket_matrix


def hand_lines() -> pd.DataFrame:
    # O1: bread, milk (milk twice -> one cell); O2: bread, milk, beer; O3: bread; O4: cola;
    # row 8 has no order, row 9 no product, row 10 quantity 0, row 11 a return.
    return pd.DataFrame({
        "order_id": ["O1", "O1", "O1", "O2", "O2", "O2", "O3", "O4", None, "O5", "O5", "O6"],
        "product_id": ["P1", "P2", "P2", "P1", "P2", "P3", "P1", "P4", "P1", " ", "P1", "P3"],
        "quantity": [1, 2, 1, 1, 1, 3, 2, 1, 1, 1, 0, 1],
        "status": ["已完成"] * 11 + ["退货"],
    })


NAMES = {"P1": "面包", "P2": "牛奶", "P3": "啤酒", "P4": "可乐"}


def test_basket_matrix_by_hand():
    basket = basket_matrix(hand_lines(), status="status")
    assert isinstance(basket.dtypes.iloc[0], pd.SparseDtype)
    assert all(d == pd.SparseDtype(bool, False) for d in basket.dtypes)
    assert basket.index.name == "order_id"
    assert basket.index.tolist() == ["O1", "O2", "O3", "O4"]
    assert basket.columns.tolist() == ["P1", "P2", "P3", "P4"]
    expected = pd.DataFrame([[1, 1, 0, 0], [1, 1, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1]],
                            index=basket.index, columns=basket.columns).astype(bool)
    pd.testing.assert_frame_equal(basket.sparse.to_dense(), expected)
    report = basket.attrs["report"]
    assert report["输入行数"] == 12
    assert report["排除的退货/取消行"] == 1
    assert report["排除的缺少订单号行"] == 1
    assert report["排除的缺少商品行"] == 1
    assert report["排除的数量为 0 的行"] == 1
    assert report["合并的重复商品行"] == 1
    assert report["订单数"] == 4 and report["商品数"] == 4
    assert report["非空格子占比"] == pytest.approx(7 / 16)
    # without status= the return row counts as a purchase (O6 with beer)
    assert basket_matrix(hand_lines()).index.tolist() == ["O1", "O2", "O3", "O4", "O6"]


def test_basket_matrix_names_from_a_product_table_dict_or_series():
    products = pd.DataFrame({"product_id": list(NAMES), "product_name": list(NAMES.values())})
    for items in (products, NAMES, pd.Series(NAMES)):
        basket = basket_matrix(hand_lines(), status="status", items=items)
        assert basket.columns.tolist() == ["面包", "牛奶", "啤酒", "可乐"]
    same_name = dict(NAMES, P2="面包")
    assert basket_matrix(hand_lines(), status="status", items=same_name).columns.tolist() == [
        "面包（P1）", "面包（P2）", "啤酒", "可乐"]
    partial = {"P1": "面包", "P2": "牛奶"}
    basket = warns(lambda: basket_matrix(hand_lines(), status="status", items=partial),
                   "2 种商品在 items 里找不到名称", "P3、P4")
    assert basket.columns.tolist() == ["面包", "牛奶", "P3", "P4"]
    raises(lambda: basket_matrix(hand_lines(), items=["面包"]), "items 应该是字典", "list")
    raises(lambda: basket_matrix(hand_lines(), items=products.rename(columns={"product_name": "name"})),
           "商品表（items 参数）缺少这些列：product_name")


@st.composite
def order_lines(draw):
    n = draw(st.integers(min_value=1, max_value=60))
    orders = draw(st.lists(st.integers(0, 12), min_size=n, max_size=n))
    products = draw(st.lists(st.sampled_from(["A", "B", "C", "D", "E", "F"]), min_size=n, max_size=n))
    return pd.DataFrame({"order_id": [f"O{o:02d}" for o in orders], "product_id": products})


@PROPERTY
@given(order_lines())
def test_basket_matrix_matches_a_crosstab(lines):
    basket = basket_matrix(lines)
    expected = pd.crosstab(lines["order_id"], lines["product_id"]) > 0
    pd.testing.assert_frame_equal(basket.sparse.to_dense(), expected, check_names=False)
    assert basket.attrs["report"]["合并的重复商品行"] == len(lines) - len(lines.drop_duplicates())


# --------------------------------------------------------------------------- itemsets and rules


def brute_force_itemsets(dense: pd.DataFrame, min_support: float) -> dict:
    """Every item combination with its support, by counting rows directly."""
    found = {}
    for size in range(1, dense.shape[1] + 1):
        for combo in itertools.combinations(dense.columns, size):
            support = dense[list(combo)].all(axis=1).mean()
            if support >= min_support:
                found[frozenset(combo)] = round(float(support), 12)
    return found


@PROPERTY
@given(order_lines(), st.sampled_from([0.1, 0.2, 0.3, 0.35, 0.5]), st.sampled_from([None, 1, 2]))
def test_apriori_and_fpgrowth_agree_with_each_other_and_with_counting(lines, min_support, max_len):
    basket = basket_matrix(lines)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "nothing frequent" is a valid outcome here
        fp = frequent_itemsets(basket, min_support=min_support, algorithm="fpgrowth", max_len=max_len)
        ap = frequent_itemsets(basket, min_support=min_support, algorithm="apriori", max_len=max_len)
    assert as_sets(fp) == as_sets(ap)
    expected = brute_force_itemsets(basket.sparse.to_dense(), min_support)
    assert as_sets(fp) == {k: v for k, v in expected.items() if max_len is None or len(k) <= max_len}
    assert fp["support"].is_monotonic_decreasing
    assert (fp["length"] == fp["itemsets"].map(len)).all()


def test_max_len_limits_the_itemsets():
    basket = basket_matrix(hand_lines(), status="status")
    everything = frequent_itemsets(basket, min_support=0.25)
    pairs = frequent_itemsets(basket, min_support=0.25, max_len=2)
    assert everything["length"].max() == 3 and pairs["length"].max() == 2
    assert as_sets(pairs) == {k: v for k, v in as_sets(everything).items() if len(k) <= 2}


def test_rule_metrics_equal_a_plain_pandas_computation():
    # Ten hand-built baskets over bread (B), milk (M), eggs (E), cola (C).
    baskets = ["BM", "BM", "BME", "BE", "B", "M", "ME", "C", "BMC", "E"]
    lines = pd.DataFrame([(f"O{i}", item) for i, basket in enumerate(baskets) for item in basket],
                         columns=["order_id", "product_id"])
    rules = association_rules(frequent_itemsets(basket_matrix(lines), min_support=0.1), min_threshold=0.0)
    dense = pd.crosstab(lines["order_id"], lines["product_id"]) > 0
    n = len(dense)
    assert set(RULE_COLUMNS) <= set(rules.columns)
    checked = 0
    for _, rule in rules.iterrows():
        a, c = sorted(rule["antecedents"]), sorted(rule["consequents"])
        has_a, has_c = dense[a].all(axis=1), dense[c].all(axis=1)
        support = (has_a & has_c).sum() / n
        confidence = (has_a & has_c).sum() / has_a.sum()
        lift = confidence / (has_c.sum() / n)
        assert rule["support"] == pytest.approx(support)
        assert rule["confidence"] == pytest.approx(confidence)
        assert rule["lift"] == pytest.approx(lift)
        assert rule["antecedent support"] == pytest.approx(has_a.mean())
        assert rule["consequent support"] == pytest.approx(has_c.mean())
        checked += 1
    assert checked == len(rules) > 10
    # bread -> milk by hand: 4 of 10 baskets have both, 6 have bread, 6 have milk
    bread_milk = rules[(rules["antecedents"] == frozenset("B")) & (rules["consequents"] == frozenset("M"))].iloc[0]
    assert (bread_milk["support"], bread_milk["confidence"], bread_milk["lift"]) == pytest.approx(
        (0.4, 4 / 6, (4 / 6) / 0.6))
    assert rules["lift"].is_monotonic_decreasing
    strong = association_rules(frequent_itemsets(basket_matrix(lines), min_support=0.1), min_threshold=1.2)
    assert (strong["lift"] >= 1.2).all() and len(strong) == (rules["lift"] >= 1.2).sum()
    confident = association_rules(frequent_itemsets(basket_matrix(lines), min_support=0.1), metric="confidence",
                                  min_threshold=0.5, min_confidence=0.6)
    assert (confident["confidence"] >= 0.6).all() and len(confident) == (rules["confidence"] >= 0.6).sum()


def test_rules_table_and_explanations():
    lines = pd.DataFrame({"order_id": ["O1", "O1", "O2", "O2", "O3", "O4", "O5", "O5"],
                          "product_id": ["P1", "P2", "P1", "P2", "P1", "P4", "P2", "P3"]})
    rules = association_rules(frequent_itemsets(basket_matrix(lines, items=NAMES), min_support=0.2))
    table = rules_table(rules)
    assert table.columns.tolist() == ["前项", "后项", "支持度", "置信度", "提升度"]
    first = rules.iloc[0]
    row = table.iloc[0]
    assert row["前项"] == "、".join(sorted(first["antecedents"]))
    assert row["支持度"] == round(first["support"], 3) and row["提升度"] == round(first["lift"], 3)
    texts = explain_rules(rules)
    assert texts.index.equals(rules.index) and len(texts) == len(rules)
    # bread (P1) -> milk (P2): 2 of the 3 bread orders have milk (67%); 3 of 5 orders have milk (60%)
    i = rules.index[(rules["antecedents"] == frozenset({"面包"})) & (rules["consequents"] == frozenset({"牛奶"}))][0]
    assert texts[i] == "买了面包的顾客中有67%也买了牛奶，是平均水平的1.1倍（所有订单中有60%买了牛奶）"


def test_course_data_has_the_planted_rules_and_the_explanations_say_the_right_numbers():
    orders = course("shop_orders")
    lines = course("shop_order_lines")
    done = lines[lines["order_id"].isin(orders.loc[orders["status"] == "已完成", "order_id"])]
    products = course("shop_products")
    basket = basket_matrix(done, items=products)
    assert basket.shape[0] == done["order_id"].nunique()
    rules = association_rules(frequent_itemsets(basket, min_support=0.01), min_threshold=2)
    strong = rules[(rules["lift"] > 2) & (rules["support"] >= 0.01)]
    assert len(strong) >= 5
    # one planted pair, recomputed from the raw lines with plain pandas
    name = dict(zip(products["product_id"], products["product_name"], strict=True))
    has = done.assign(name=done["product_id"].map(name)).groupby("order_id")["name"].agg(set)
    a, c = name["P205"], name["P206"]  # 手机壳 -> 钢化膜
    with_a = has.map(lambda s: a in s)
    both = has.map(lambda s: a in s and c in s)
    confidence = both.sum() / with_a.sum()
    base = has.map(lambda s: c in s).mean()
    i = rules.index[(rules["antecedents"] == frozenset({a})) & (rules["consequents"] == frozenset({c}))][0]
    text = explain_rules(rules)[i]
    assert f"买了{a}的顾客中有{round(confidence * 100)}%也买了{c}" in text
    assert f"是平均水平的{confidence / base:.1f}倍" in text
    assert f"所有订单中有{round(base * 100)}%买了{c}" in text


def test_no_rule_above_the_threshold_is_an_empty_labelled_result_with_a_hint():
    lines = pd.DataFrame({"order_id": ["O1", "O1", "O2", "O3"], "product_id": ["P1", "P2", "P1", "P2"]})
    itemsets = frequent_itemsets(basket_matrix(lines), min_support=0.25)
    rules = warns(lambda: association_rules(itemsets, min_threshold=5), "没有达到门槛的关联规则",
                  "min_support", "min_threshold（现在是 5）")
    assert rules.empty and rules.columns.tolist() == RULE_COLUMNS
    assert rules_table(rules).columns.tolist() == ["前项", "后项", "支持度", "置信度", "提升度"]
    assert explain_rules(rules).empty
    nothing = warns(lambda: frequent_itemsets(basket_matrix(lines), min_support=0.9),
                    "没有找到支持度 ≥ 0.9 的商品组合", "min_support=")
    assert nothing.empty and nothing.columns.tolist() == ["support", "itemsets", "length"]
    empty_rules = warns(lambda: association_rules(nothing), "没有达到门槛的关联规则", "min_support 调低（现在是 0.9）")
    assert empty_rules.columns.tolist() == RULE_COLUMNS
    singles = frequent_itemsets(basket_matrix(lines), min_support=0.5)  # only single items
    assert warns(lambda: association_rules(singles), "没有达到门槛").empty


def test_frequent_itemsets_accepts_dense_and_zero_one_tables():
    dense = pd.DataFrame({"面包": [1, 1, 0, 1], "牛奶": [1, 0, 1, 1]})
    expected = {frozenset({"面包"}): 0.75, frozenset({"牛奶"}): 0.75, frozenset({"面包", "牛奶"}): 0.5}
    assert as_sets(frequent_itemsets(dense, min_support=0.5)) == expected
    assert as_sets(frequent_itemsets(dense.astype(bool), min_support=0.5, algorithm="apriori")) == expected
    numbered = pd.DataFrame({0: [True, True, False], 1: [True, False, True]})
    assert as_sets(frequent_itemsets(numbered, min_support=0.6)) == {frozenset({"0"}): pytest.approx(2 / 3),
                                                                     frozenset({"1"}): pytest.approx(2 / 3)}


# ---------------------------------------------------------------------------- basket: bad input


def test_basket_bad_input():
    raises(lambda: basket_matrix(hand_lines().drop(columns="product_id")),
           "订单明细表（lines 参数）缺少这些列：product_id")
    raises(lambda: basket_matrix(hand_lines().iloc[0:0]), "订单明细表（lines 参数）是空的")
    raises(lambda: basket_matrix([("O1", "P1")]), "应该是 pandas 的 DataFrame")
    negative = hand_lines().assign(quantity=[1, -2, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1])
    raises(lambda: basket_matrix(negative), "数量列 quantity 有 2 行是负数", "行 1（-2）", "行 11（-1）", "退货")
    raises(lambda: basket_matrix(hand_lines().assign(quantity="x")), "数量列 quantity", "不是数字")
    assert basket_matrix(negative, quantity=None).shape == (6, 4)  # quantities unchecked: O5's zero line counts
    nothing = pd.DataFrame({"order_id": [None, "O1"], "product_id": ["P1", None]})
    raises(lambda: basket_matrix(nothing), "没有剩下任何商品")
    raises(lambda: frequent_itemsets(pd.DataFrame()), "购物篮矩阵是空的")
    raises(lambda: frequent_itemsets([[True]]), "basket 应该是购物篮矩阵", "list")
    raises(lambda: frequent_itemsets(pd.DataFrame({"P1": [1, 3, 0]})), "列 P1 有不是 0/1", "行 1（3）")
    raises(lambda: frequent_itemsets(pd.DataFrame({"P1": [1.0, np.nan]})), "列 P1 有不是 0/1", "行 1（空）")
    basket = basket_matrix(hand_lines())
    raises(lambda: frequent_itemsets(basket, min_support=5), "min_support", "0 到 1 之间", "0.05")
    raises(lambda: frequent_itemsets(basket, min_support=0), "min_support", "0 到 1 之间")
    raises(lambda: frequent_itemsets(basket, algorithm="eclat"), "algorithm 只能是", "fpgrowth")
    raises(lambda: frequent_itemsets(basket, max_len=0), "max_len")
    itemsets = frequent_itemsets(basket, min_support=0.2)
    raises(lambda: association_rules(itemsets, metric="gain"), "metric 只能是", "lift")
    raises(lambda: association_rules(itemsets, min_threshold="1"), "min_threshold")
    raises(lambda: association_rules(itemsets, min_confidence=1.5), "min_confidence")
    raises(lambda: association_rules(itemsets.drop(columns="support")), "缺少这些列：support")
    pairs_only = itemsets[itemsets["length"] >= 2]
    raises(lambda: association_rules(pairs_only), "频繁项集表不完整", "不要先删掉其中的行")
    raises(lambda: rules_table(pd.DataFrame({"x": [1]})), "关联规则表（rules 参数）缺少这些列")


# ------------------------------------------------------------------------------------- churn


def churn_orders() -> pd.DataFrame:
    """Orders around the cutoff 2024-03-01 (window 30 days: 03-01 … 03-30)."""
    return pd.DataFrame({
        "order_id": [f"O{i}" for i in range(1, 12)],
        "customer_id": ["C1", "C1", "C2", "C2", "C3", "C1", "C2", "C3", "C4", "C3", "C1"],
        "order_time": ["2024-01-05 10:00", "2024-02-20 18:30", "2024-01-10", "2024-02-29 23:59", "2024-02-01",
                       "2024-03-10", "2024-03-15", "2024-04-15", "2024-03-05", "2024-03-02", "2024-05-01"],
        "amount": [50.0, 30.0, 80.0, 20.0, 60.0, 25.0, 40.0, 30.0, 99.0, 10.0, 15.0],
        "status": ["已完成", "已完成", "已完成", "已完成", "已完成", "已完成", "已完成", "已完成", "已完成", "退货",
                   "已完成"],
        "discount": [0.0, 0.1, 0.0, 0.0, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    })


def churn_tickets() -> pd.DataFrame:
    return pd.DataFrame({
        "ticket_id": ["T1", "T2", "T3", "T4", "T5"],
        "customer_id": ["C1", "C1", "C3", "C9", "C2"],
        "opened_at": ["2024-01-06", "2024-02-21", "2024-02-02", "2024-02-03", "2024-03-16"],
        "rating": [5, 2, 1, 1, 1],
    })


def test_churn_features_by_hand():
    features = churn_features(churn_orders(), cutoff="2024-03-01", window_days=30, status="status",
                              discount="discount", tickets=churn_tickets())
    # C1: orders 01-05, 02-20 -> recency 10 (Feb 2024 has 29 days), tenure 56, F 2, M 80; 03-10 in window -> stays.
    # C2: 01-10, 02-29 -> recency 1, tenure 51, F 2, M 100; 03-15 in window -> stays.
    # C3: 02-01 -> recency 29, tenure 29; 03-02 is a return, 04-15 after the window -> churned.
    # C4 has no order before the cutoff: not a row.  Ticket T5 (C2) is after the cutoff: ignored.
    assert features.index.tolist() == ["C1", "C2", "C3"]
    assert features["recency"].tolist() == [10, 1, 29]
    assert features["tenure"].tolist() == [56, 51, 29]
    assert features["frequency"].tolist() == [2, 2, 1]
    assert features["monetary"].tolist() == [80.0, 100.0, 60.0]
    assert features["avg_order_value"].tolist() == [40.0, 50.0, 60.0]
    assert features["discount_share"].tolist() == [0.5, 0.0, 1.0]
    assert features["ticket_count"].tolist() == [2, 0, 1]
    assert features["bad_ticket_count"].tolist() == [1, 0, 1]
    assert features["bad_ticket"].tolist() == [1, 0, 1]
    assert features["mean_rating"].tolist() == [3.5, 5.0, 1.0]
    assert features["churned"].tolist() == [0, 0, 1]
    report = features.attrs["report"]
    assert report["排除的退货/取消行"] == 1
    assert report["截止日期之前的订单数"] == 5 and report["截止日期之后的订单数"] == 5
    assert report["截止日期之前的工单数"] == 4 and report["工单中没有订单的客户数"] == 1
    assert report["客户数"] == 3 and report["流失客户数"] == 1 and report["流失率"] == pytest.approx(1 / 3)
    assert report["截止日期"] == pd.Timestamp("2024-03-01")
    kept_nan = churn_features(churn_orders(), cutoff="2024-03-01", window_days=30, status="status",
                              tickets=churn_tickets(), no_ticket_rating=None)
    assert np.isnan(kept_nan.loc["C2", "mean_rating"])


def test_churn_label_matches_a_plain_pandas_computation():
    orders = course("shop_orders")
    cutoff, window = pd.Timestamp("2025-09-01"), 180
    features = churn_features(orders, cutoff=cutoff, window_days=window, status="status")
    done = orders[orders["status"] == "已完成"]
    before = done[done["order_time"] < cutoff]
    inside = done[(done["order_time"] >= cutoff) & (done["order_time"] < cutoff + pd.Timedelta(days=window))]
    customers = sorted(before["customer_id"].unique())
    expected = pd.Series([0 if c in set(inside["customer_id"]) else 1 for c in customers], index=customers)
    assert features.index.tolist() == customers
    assert features["churned"].tolist() == expected.tolist()
    assert features["frequency"].tolist() == before.groupby("customer_id")["order_id"].nunique().tolist()
    last = before.groupby("customer_id")["order_time"].max().dt.normalize()
    assert features["recency"].tolist() == (cutoff - last).dt.days.tolist()
    np.testing.assert_allclose(features["monetary"], before.groupby("customer_id")["amount"].sum())


@settings(max_examples=15, deadline=None, database=None)
@given(st.data())
def test_changing_rows_after_the_cutoff_never_changes_the_features(data):
    orders = course("shop_orders").iloc[:3000].copy()
    tickets = course("shop_tickets")
    cutoff = pd.Timestamp("2025-06-01")
    after = orders.index[orders["order_time"] >= cutoff]
    late_tickets = tickets.index[tickets["opened_at"] >= cutoff]
    changed = orders.copy()
    picked = data.draw(st.lists(st.sampled_from(list(after)), min_size=1, max_size=40, unique=True))
    kind = data.draw(st.sampled_from(["amount", "status", "customer", "time", "drop", "add"]))
    if kind == "amount":
        changed.loc[picked, "amount"] = changed.loc[picked, "amount"] * 3 + 1
    elif kind == "status":
        changed.loc[picked, "status"] = "已取消"
    elif kind == "customer":
        changed.loc[picked, "customer_id"] = data.draw(st.sampled_from(list(orders["customer_id"].unique())))
    elif kind == "time":
        changed.loc[picked, "order_time"] = cutoff + pd.Timedelta(days=data.draw(st.integers(0, 400)))
    elif kind == "drop":
        changed = changed.drop(index=picked)
    else:
        extra = orders.loc[picked].assign(order_id=[f"X{i}" for i in range(len(picked))],
                                          order_time=cutoff + pd.Timedelta(days=3))
        changed = pd.concat([changed, extra], ignore_index=True)
    changed_tickets = tickets.copy()
    changed_tickets.loc[late_tickets, "rating"] = 1

    def features(o, t):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # a late cutoff window may run past the data
            return churn_features(o, cutoff=cutoff, tickets=t, status="status")

    base, moved = features(orders, tickets), features(changed, changed_tickets)
    columns = [c for c in base.columns if c != "churned"]
    pd.testing.assert_frame_equal(base[columns], moved[columns])


def test_churn_bad_input():
    orders = churn_orders()
    raises(lambda: churn_features(orders.drop(columns="amount"), cutoff="2024-03-01", status="status"),
           "订单表缺少这些列：amount")
    bad_dates = orders.assign(order_time=["2024-01-05", "2024-02-30", *orders["order_time"][2:7], "下周",
                                          *orders["order_time"][8:]])
    raises(lambda: churn_features(bad_dates, cutoff="2024-03-01", status="status"),
           "日期列 order_time", "2 个认不出的日期", "行 1（'2024-02-30'）", "行 7（'下周'）")
    raises(lambda: churn_features(orders, cutoff="2023-12-01", status="status"),
           "截止日期 cutoff=2023-12-01 不在订单日期范围之内", "2024-01-05 到 2024-05-01")
    raises(lambda: churn_features(orders, cutoff="2024-06-01", status="status"), "不在订单日期范围之内")
    raises(lambda: churn_features(orders, cutoff="明天", status="status"), "cutoff（截止日期） 无法识别")
    raises(lambda: churn_features(orders, cutoff=None, status="status"), "cutoff（截止日期） 是空值")
    raises(lambda: churn_features(orders, cutoff="2024-03-01", window_days=0, status="status"), "window_days")
    raises(lambda: churn_features(orders, cutoff="2024-03-01"), "有一列 status", 'status="status"')
    warns(lambda: churn_features(orders, cutoff="2024-04-01", window_days=60, status="status"),
          "超出了数据的最后一天 2024-05-01", "流失会被高估", "2024-03-03")
    def with_tickets(tickets):
        return lambda: churn_features(orders, cutoff="2024-03-01", window_days=30, status="status", tickets=tickets)

    raises(with_tickets(churn_tickets().drop(columns="rating")), "工单表（tickets 参数）缺少这些列：rating")
    raises(with_tickets(churn_tickets().assign(opened_at="?")), "工单表", "认不出的日期")
    raises(with_tickets(churn_tickets().assign(rating=[5, "好", 1, 1, 1])), "评分列 rating", "行 1（'好'）")
    raises(lambda: churn_features(orders.assign(discount="九折"), cutoff="2024-03-01", window_days=30,
                                  status="status", discount="discount"), "折扣列 discount", "不是数字")
    warns(lambda: churn_features(orders, cutoff="2024-01-20", window_days=200, status="status"),
          "数据不够长", "window_days 改成 103 或更小")


# ------------------------------------------------------------------------------------ evaluation


def churn_xy():
    features = churn_course_features()
    return features.drop(columns="churned"), features["churned"].copy()


@functools.cache
def churn_course_features() -> pd.DataFrame:
    return churn_features(course("shop_orders"), cutoff="2026-03-01", tickets=course("shop_tickets"), status="status")


@pytest.mark.parametrize("model", [DecisionTreeClassifier(max_depth=3, random_state=0),
                                   make_pipeline(StandardScaler(), LogisticRegression())])
def test_evaluation_metrics_equal_sklearn_computed_directly(model):
    X, y = churn_xy()
    result = evaluate_classifier(clone(model), X, y, test_size=0.25, random_state=7)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=7, stratify=y)
    reference = clone(model).fit(X_train, y_train)
    score = reference.predict_proba(X_test)[:, 1]
    predicted = (score >= 0.5).astype(int)
    metrics = result["metrics"]["数值"]
    assert metrics["accuracy"] == pytest.approx(skm.accuracy_score(y_test, predicted))
    assert metrics["precision"] == pytest.approx(skm.precision_score(y_test, predicted))
    assert metrics["recall"] == pytest.approx(skm.recall_score(y_test, predicted))
    assert metrics["f1"] == pytest.approx(skm.f1_score(y_test, predicted))
    assert metrics["roc_auc"] == pytest.approx(skm.roc_auc_score(y_test, score))
    (tn, fp), (fn, tp) = skm.confusion_matrix(y_test, predicted)
    confusion = result["confusion_matrix"]
    assert confusion.loc["实际：未流失", "预测：未流失"] == tn and confusion.loc["实际：未流失", "预测：流失"] == fp
    assert confusion.loc["实际：流失", "预测：未流失"] == fn and confusion.loc["实际：流失", "预测：流失"] == tp
    assert result["scores"].index.equals(X_test.index)
    np.testing.assert_allclose(result["scores"]["score"], score)
    assert result["report"]["测试集样本数"] == len(X_test)
    assert result["metrics"].loc["recall", "指标"] == "召回率"


def test_evaluation_threshold_changes_the_predictions():
    X, y = churn_xy()
    strict = evaluate_classifier(make_pipeline(StandardScaler(), LogisticRegression()), X, y, threshold=0.8)
    scores = strict["scores"]
    assert (scores["y_pred"] == (scores["score"] >= 0.8).astype(int)).all()
    assert strict["confusion_matrix"].to_numpy().sum() == len(scores)
    # a model that learns nothing (constant feature) scores everyone 0.5: nobody is flagged at 0.9,
    # precision is reported as 0 (not an error or a warning) and ROC-AUC is 0.5
    constant = pd.DataFrame({"x": np.ones(20)})
    nobody = evaluate_classifier(LogisticRegression(), constant, pd.Series([0, 1] * 10), threshold=0.9)
    assert nobody["scores"]["y_pred"].sum() == 0
    assert nobody["metrics"].loc["precision", "数值"] == 0 and nobody["metrics"].loc["recall", "数值"] == 0
    assert nobody["metrics"].loc["roc_auc", "数值"] == pytest.approx(0.5)


def test_evaluation_bad_input():
    X, y = churn_xy()
    model = DecisionTreeClassifier(max_depth=2)
    raises(lambda: evaluate_classifier(model, X, pd.Series(1, index=X.index)), "y 里只有一类", "全部是 1")
    raises(lambda: evaluate_classifier(model, X, y.replace({1: 2})), "只能是 0/1", "行 ")
    raises(lambda: evaluate_classifier(model, X, y.iloc[:-1]), "行数应该相同")
    raises(lambda: evaluate_classifier(model, X, y.reset_index(drop=True)), "行索引不一致")
    raises(lambda: evaluate_classifier(model, X.assign(city="广州"), y), "不是数字的列：city", "get_dummies")
    holes = X.astype(float)
    holes.iloc[3, 0] = np.nan
    raises(lambda: evaluate_classifier(model, holes, y), "X 有空值（列 recency）", "fillna")
    raises(lambda: evaluate_classifier("tree", X, y), "model 应该是 scikit-learn 的分类器")
    raises(lambda: evaluate_classifier(model, X.to_numpy(), y), "X（特征表）应该是 pandas 的 DataFrame")
    raises(lambda: evaluate_classifier(model, X, y, test_size=30), "test_size", "0.3")
    one_positive = pd.Series([0] * (len(y) - 1) + [1], index=X.index)
    raises(lambda: evaluate_classifier(model, X, one_positive), "流失只有 1 个", "stratify=False")


def test_choose_threshold_minimises_the_cost_on_a_hand_built_example():
    y = [1, 1, 1, 0, 0, 0, 0, 0]
    s = [0.9, 0.6, 0.3, 0.7, 0.4, 0.2, 0.1, 0.05]
    # Flag when score >= t. Cost of a false alarm 1, of a missed churner 4.
    # t=0.3: flags 0.9 .6 .3 .7 .4 -> fp 2, fn 0 -> cost 2;  t=0.6: fp 1, fn 1 -> 5;  t=0.9: fn 2 -> 8.
    table = choose_threshold(y, s, cost_fp=1, cost_fn=4)
    best = table[table["best"]]
    assert len(best) == 1 and best["threshold"].iloc[0] == 0.3 and best["cost"].iloc[0] == 2
    for threshold in table["threshold"]:
        flagged = np.asarray(s) >= threshold
        fp = int((flagged & (np.asarray(y) == 0)).sum())
        fn = int((~flagged & (np.asarray(y) == 1)).sum())
        assert table.loc[table["threshold"] == threshold, "cost"].iloc[0] == fp * 1 + fn * 4
        assert fp + fn * 4 >= 2
    assert table.attrs["report"]["最佳阈值"] == 0.3 and table.attrs["report"]["最低总成本"] == 2
    # false alarms expensive: flag only the one sure churner (t=0.9: fn 2 -> cost 2) ...
    assert choose_threshold(y, s, cost_fp=5, cost_fn=1).query("best")["threshold"].iloc[0] == 0.9
    # ... or nobody, when the top score is not a churner
    assert choose_threshold([0, 1], [0.9, 0.5], cost_fp=5, cost_fn=1).query("best")["threshold"].iloc[0] == np.inf
    grid = choose_threshold(y, s, cost_fp=1, cost_fn=4, thresholds=[0.25, 0.5, 0.75])
    assert grid["threshold"].tolist() == [0.25, 0.5, 0.75] and grid.query("best")["threshold"].iloc[0] == 0.25
    raises(lambda: choose_threshold(y, s, cost_fp=-1, cost_fn=4), "cost_fp", "不小于 0")
    raises(lambda: choose_threshold(y, s[:-1], cost_fp=1, cost_fn=4), "长度不同")
    raises(lambda: choose_threshold([0, 2], [0.1, 0.2], cost_fp=1, cost_fn=1), "只能是 0/1")
    raises(lambda: choose_threshold([0, 1], [0.1, "高"], cost_fp=1, cost_fn=1), "scores（模型得分）", "不是数字")


# ------------------------------------------------------------------------------------ tree_rules


def test_tree_rules_follow_the_actual_splits():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"recency": rng.integers(1, 400, 200), "mean_rating": rng.integers(1, 6, 200),
                      "bad_ticket": rng.integers(0, 2, 200)})
    y = ((X["recency"] > 150) | ((X["mean_rating"] <= 2) & (X["bad_ticket"] == 1))).astype(int)
    tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)
    rules = tree_rules(tree, decimals=2)
    inner = tree.tree_
    assert len(rules) == (inner.children_left == -1).sum()
    root_feature, root_cut = X.columns[inner.feature[0]], inner.threshold[0]
    label = {"recency": "最近一次购买距今", "mean_rating": "平均评分", "bad_ticket": "给过差评"}[root_feature]
    assert rules["rule"].iloc[0].startswith(f"如果 {label} ≤ {round(root_cut, 2):g}")
    assert f"{label} > {round(root_cut, 2):g}" in rules["rule"].iloc[-1]
    # each leaf's sample count and probability, from the tree applied to the training data
    leaves = [node for node in range(inner.node_count) if inner.children_left[node] == -1]
    reached = tree.apply(X)
    for (_, row), leaf in zip(rules.iterrows(), leaves, strict=True):
        members = y[reached == leaf]
        assert row["samples"] == len(members)
        share = members.mean() if row["prediction"] == "流失" else 1 - members.mean()
        assert row["probability"] == pytest.approx(share)
        assert f"样本 {len(members)} 人" in row["rule"] and f"概率 {round(share * 100)}%" in row["rule"]


def test_tree_rules_merge_bounds_and_name_yes_no_features():
    X = pd.DataFrame({"frequency": [1, 2, 3, 10, 11, 12, 30, 31, 32], "bad_ticket": [0, 1, 0, 1, 0, 1, 0, 1, 0]})
    y = [0, 0, 0, 1, 1, 1, 0, 0, 0]
    tree = DecisionTreeClassifier(random_state=0).fit(X, y)
    texts = tree_rules(tree)["rule"].tolist()
    assert "如果 6.5 < 购买次数 ≤ 21 次，那么 流失（概率 100%，样本 3 人）" in texts
    stump = DecisionTreeClassifier(max_depth=1).fit(X[["bad_ticket"]], [0, 1, 0, 1, 0, 1, 0, 1, 0])
    assert tree_rules(stump)["rule"].tolist() == ["如果 给过差评：否，那么 未流失（概率 100%，样本 5 人）",
                                                  "如果 给过差评：是，那么 流失（概率 100%，样本 4 人）"]
    plain = DecisionTreeClassifier(max_depth=1).fit(X.to_numpy(), y)
    assert tree_rules(plain, ["次数", "差评"], labels={}, class_names=["留下", "离开"])["rule"].iloc[0].startswith(
        "如果 次数 ≤ 6.5，那么 留下")
    pure = DecisionTreeClassifier().fit(X, [1] * 9)
    assert tree_rules(pure, class_names=["流失"])["rule"].tolist() == ["所有样本都 流失（概率 100%，样本 9 人）"]


def test_tree_rules_bad_input():
    X = pd.DataFrame({"recency": [1, 2, 300, 400]})
    raises(lambda: tree_rules(LogisticRegression().fit(X, [0, 0, 1, 1])), "DecisionTreeClassifier")
    raises(lambda: tree_rules(DecisionTreeClassifier()), "还没有训练")
    tree = DecisionTreeClassifier().fit(X, [0, 0, 1, 1])
    raises(lambda: tree_rules(tree, ["a", "b"]), "feature_names 有 2 个名字", "用了 1 个特征")
    raises(lambda: tree_rules(tree, class_names=["只有一类"]), "class_names 有 1 个名字")
    raises(lambda: tree_rules(DecisionTreeClassifier().fit(X.to_numpy(), [0, 0, 1, 1])), "feature_names=[...]")


# ------------------------------------------------------------------------------------------ plots


def test_confusion_matrix_and_roc_plots(tmp_path):
    X, y = churn_xy()
    result = evaluate_classifier(DecisionTreeClassifier(max_depth=3, random_state=0), X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = plot_confusion_matrix(result["confusion_matrix"])
        ax.figure.savefig(tmp_path / "confusion.png")
        texts = [t.get_text() for t in ax.texts]
        assert [t.get_text() for t in ax.get_xticklabels()] == ["预测：未流失", "预测：流失"]
        assert ax.get_title() == "混淆矩阵" and ax.get_ylabel() == "实际类别"
        roc = plot_roc_curve(result["scores"]["y_true"], result["scores"]["score"], label="决策树")
        roc.figure.savefig(tmp_path / "roc.png")
    assert not [w for w in caught if "missing from" in str(w.message)]
    tp = result["confusion_matrix"].loc["实际：流失", "预测：流失"]
    assert any(t.startswith(f"{tp}\n") for t in texts)
    auc = result["metrics"].loc["roc_auc", "数值"]
    assert roc.get_legend().get_texts()[0].get_text() == f"决策树（AUC = {auc:.2f}）"
    assert (tmp_path / "roc.png").stat().st_size > 5000
    plt.close("all")
