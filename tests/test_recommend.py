"""crm_lab.recommend: purchase matrix, cosine similarity, item-based and popular recommendations, honest hold-out."""

import numpy as np
import pandas as pd
import pytest

from crm_lab import CRMDataError, load_dataset
from crm_lab.recommend import (
    hit_rate,
    holdout_last_order,
    item_similarity,
    purchase_matrix,
    recommend_items,
    recommend_popular,
)


def tiny():
    purchases = pd.DataFrame({"customer_id": ["C1", "C1", "C2", "C2", "C3", "C3", "C4", "C1"],
                              "product_id": ["P1", "P2", "P1", "P3", "P2", "P3", "P4", "P1"]})
    return purchase_matrix(purchases)


def test_purchase_matrix_is_zero_one_and_counts_blank_rows():
    purchases = pd.DataFrame({"customer_id": ["C1", "C1", None, "C2"], "product_id": ["P1", "P1", "P2", None]})
    matrix = purchase_matrix(purchases)
    assert matrix.to_dict() == {"P1": {"C1": 1}}
    assert matrix.attrs["report"]["排除的缺少客户或商品的行"] == 2


def test_cosine_similarity_matches_the_formula():
    matrix = tiny()
    sim = item_similarity(matrix)
    v1, v2 = matrix["P1"], matrix["P2"]
    by_hand = (v1 * v2).sum() / (np.sqrt((v1 ** 2).sum()) * np.sqrt((v2 ** 2).sum()))
    assert sim.loc["P1", "P2"] == pytest.approx(by_hand) == pytest.approx(0.5)
    assert np.allclose(np.diag(sim), 1) and np.allclose(sim, sim.T)
    assert sim.loc["P1", "P4"] == 0  # no customer bought both


def test_unbought_item_has_zero_similarity_not_nan():
    matrix = tiny().assign(P9=0)
    sim = item_similarity(matrix)
    assert not sim.isna().any().any() and (sim["P9"] == 0).all()


def test_recommendations_exclude_bought_items_and_rank_by_summed_similarity():
    matrix = tiny()
    rec = recommend_items(matrix, n=3)
    bought = {(c, p) for c in matrix.index for p in matrix.columns if matrix.loc[c, p]}
    assert not bought & set(zip(rec["customer_id"], rec["product_id"], strict=True))
    c1 = rec[rec["customer_id"] == "C1"]
    sim = item_similarity(matrix)
    assert c1["product_id"].tolist() == ["P3"]  # P4 has score 0 and is not recommended
    assert c1["score"].iloc[0] == pytest.approx(sim.loc["P1", "P3"] + sim.loc["P2", "P3"])
    assert rec.groupby("customer_id")["rank"].apply(lambda r: r.tolist() == list(range(1, len(r) + 1))).all()
    assert rec[rec["customer_id"] == "C4"].empty


def test_popular_baseline_recommends_most_bought_unbought_items():
    rec = recommend_popular(tiny(), n=2)
    assert rec[rec["customer_id"] == "C4"]["product_id"].tolist() == ["P1", "P2"]
    assert rec[rec["customer_id"] == "C1"]["product_id"].tolist() == ["P3", "P4"]


def test_recommend_for_some_customers_only_and_bad_n():
    assert set(recommend_items(tiny(), customers=["C2"])["customer_id"]) == {"C2"}
    with pytest.raises(CRMDataError, match="不在矩阵里"):
        recommend_items(tiny(), customers=["C99"])
    with pytest.raises(CRMDataError, match="n 参数"):
        recommend_items(tiny(), n=0)
    with pytest.raises(CRMDataError, match="similarity 参数"):
        recommend_items(tiny(), item_similarity(tiny()).iloc[:2, :2])


def test_bad_matrix_is_refused_in_chinese():
    with pytest.raises(CRMDataError, match="负数"):
        item_similarity(pd.DataFrame({"P1": [1, -1]}))
    with pytest.raises(CRMDataError, match="purchase_matrix"):
        item_similarity(pd.DataFrame())


def test_holdout_hides_the_last_order_and_keeps_only_new_items():
    p = pd.DataFrame({"customer_id": ["C1", "C1", "C1", "C1", "C2", "C3", "C3"],
                      "order_id": ["O1", "O2", "O3", "O3", "O4", "O5", "O6"],
                      "order_time": pd.to_datetime(["2026-01-01", "2026-01-03", "2026-02-01", "2026-02-01",
                                                    "2026-01-05", "2026-01-01", "2026-01-09"]),
                      "product_id": ["P1", "P2", "P1", "P3", "P3", "P1", "P1"]})
    train, test = holdout_last_order(p)
    assert sorted(train["order_id"]) == ["O1", "O2", "O4", "O5"]
    assert test[["customer_id", "product_id"]].values.tolist() == [["C1", "P3"]]
    assert test.attrs["report"] == {"客户数": 3, "只有一单的客户": 1, "最后一单全是回购的客户": 1, "参加检验的客户": 1}
    with pytest.raises(CRMDataError, match="缺少"):
        holdout_last_order(p.assign(order_time=pd.NaT))


def test_hit_rate_counts_customers_without_recommendations_as_misses():
    rec = pd.DataFrame({"customer_id": ["C1", "C1", "C2", "C9"], "product_id": ["P2", "P3", "P1", "P1"]})
    later = pd.DataFrame({"customer_id": ["C1", "C1", "C2", "C3"], "product_id": ["P3", "P2", "P4", "P1"]})
    assert hit_rate(rec, later) == pytest.approx(1 / 3)
    with pytest.raises(CRMDataError, match="held_out"):
        hit_rate(rec, later.iloc[:0])


def test_on_course_data_the_honest_evaluation_runs_and_beats_random():
    orders = load_dataset("shop_orders")
    done = orders[orders["status"] == "已完成"]
    purchases = load_dataset("shop_order_lines").merge(done[["order_id", "customer_id", "order_time"]])
    train, test = holdout_last_order(purchases)
    matrix = purchase_matrix(train)
    item_based = hit_rate(recommend_items(matrix, n=5), test)
    popular = hit_rate(recommend_popular(matrix, n=5), test)
    rng = np.random.default_rng(0)
    unbought = {c: matrix.columns[matrix.loc[c] == 0] for c in matrix.index}
    random = pd.DataFrame([(c, p) for c, items in unbought.items()
                           for p in rng.choice(items, min(5, len(items)), replace=False)],
                          columns=["customer_id", "product_id"])
    assert item_based > hit_rate(random, test) and popular > hit_rate(random, test)
    assert not set(train["order_id"]) & set(test["order_id"])
