"""crm_lab.basket: customers reached by association rules, checked against plain pandas on the course data."""

import functools

import pandas as pd
import pytest
from helpers import raises

from crm_lab import load_dataset
from crm_lab.basket import REACH_COLUMNS, REACH_LABELS, cross_sell_targets, rule_reach
from crm_lab.mining import association_rules, basket_matrix, frequent_itemsets


@functools.cache
def course():
    orders = load_dataset("shop_orders")
    lines = load_dataset("shop_order_lines").merge(orders[["order_id", "customer_id", "status"]], on="order_id")
    lines = lines[lines["status"] == "已完成"]
    basket = basket_matrix(lines)
    owners = orders.set_index("order_id")["customer_id"]
    rules = association_rules(frequent_itemsets(basket, min_support=0.002), min_threshold=1.0)
    return lines, basket, owners, rules


def small():
    basket = pd.DataFrame({"A": [True, True, False, True, True], "B": [True, False, True, False, True],
                           "C": [False, False, True, True, True]},
                          index=pd.Index(["O1", "O2", "O3", "O4", "O5"], name="order_id"))
    owners = pd.Series(["C1", "C1", "C2", "C3", "C4"], index=basket.index, name="customer_id")
    return basket, owners


def test_targets_match_plain_pandas_on_the_course_data():
    lines, basket, owners, rules = course()
    bought = lines.groupby("customer_id")["product_id"].agg(set)
    for a, b in zip(rules["antecedents"].head(8), rules["consequents"].head(8), strict=True):
        expected = sorted(c for c, items in bought.items() if a <= items and not b <= items) if len(b) == 1 else None
        got = cross_sell_targets(basket, owners, a, b)
        if expected is not None:
            assert got.tolist() == expected
        assert got.is_unique and got.is_monotonic_increasing and got.name == "customer_id"


def test_reach_agrees_with_the_rule_metrics():
    lines, basket, owners, rules = course()
    reach = rule_reach(rules, basket, owners)
    assert list(reach.columns) == REACH_COLUMNS and set(REACH_LABELS) == set(REACH_COLUMNS)
    assert reach.index.equals(rules.index)
    n = basket.shape[0]
    assert ((reach["orders_both"] / n - rules["support"]).abs() < 1e-12).all()
    assert ((reach["orders_both"] / reach["orders_antecedent"] - rules["confidence"]).abs() < 1e-12).all()
    assert (reach["customers_both"] <= reach["customers_antecedent"]).all()
    assert (reach["targets"] <= reach["customers_antecedent"] - reach["customers_both"]).all()
    assert ((reach["expected_buyers"] - reach["targets"] * rules["confidence"]).abs() < 1e-9).all()
    first = rules.index[0]
    assert reach.at[first, "targets"] == len(cross_sell_targets(basket, owners, rules.at[first, "antecedents"],
                                                                rules.at[first, "consequents"]))


def test_small_example_by_hand():
    basket, owners = small()
    # C1 bought A (O1, O2) and B (O1); C3 bought A without B; C4 bought A and B; C2 never bought A
    assert cross_sell_targets(basket, owners, "A", "B").tolist() == ["C3"]
    assert cross_sell_targets(basket, owners, ["A", "C"], "B").tolist() == ["C3"]
    assert cross_sell_targets(basket, owners, "B", frozenset({"A", "C"})).tolist() == ["C1", "C2"]
    rules = pd.DataFrame({"antecedents": [frozenset({"A"}), frozenset({"C"})],
                          "consequents": [frozenset({"B"}), frozenset({"A"})], "confidence": [0.5, 2 / 3]},
                         index=[10, 11])
    reach = rule_reach(rules, basket, owners)
    assert reach.loc[10].tolist() == [4, 2, 3, 2, 1, 0.5]
    counts = ["orders_antecedent", "orders_both", "customers_antecedent", "targets"]
    assert reach.loc[11, counts].tolist() == [3, 2, 3, 1]


def test_sparse_basket_gives_the_same_answer_as_a_dense_one():
    basket, owners = small()
    sparse = basket.astype(pd.SparseDtype(bool, False))
    assert cross_sell_targets(sparse, owners, "A", "B").equals(cross_sell_targets(basket, owners, "A", "B"))


def test_empty_rules_give_an_empty_table():
    basket, owners = small()
    empty = pd.DataFrame({"antecedents": [], "consequents": [], "confidence": []})
    reach = rule_reach(empty, basket, owners)
    assert reach.empty and list(reach.columns) == REACH_COLUMNS


@pytest.mark.parametrize("call, fragments", [
    (lambda b, o: cross_sell_targets(b, o, "牙膏", "B"), ("牙膏", "列名")),
    (lambda b, o: cross_sell_targets(b, o, [], "B"), ("空的",)),
    (lambda b, o: cross_sell_targets(b, o.iloc[1:], "A", "B"), ("找不到客户", "O1")),
    (lambda b, o: cross_sell_targets(b, pd.concat([o, o.iloc[:1]]), "A", "B"), ("重复的订单号",)),
    (lambda b, o: cross_sell_targets(b, o.to_dict(), "A", "B"), ("Series",)),
    (lambda b, o: cross_sell_targets(b.to_numpy(), o, "A", "B"), ("购物篮矩阵",)),
    (lambda b, o: rule_reach(pd.DataFrame({"antecedents": [frozenset({"A"})]}), b, o), ("consequents",)),
])
def test_bad_input_gets_a_chinese_error(call, fragments):
    basket, owners = small()
    raises(lambda: call(basket, owners), *fragments)
