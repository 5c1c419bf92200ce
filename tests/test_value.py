"""crm_lab.value: RFM, the eight segments, CLV, lifecycle stages and ABC analysis, including bad input."""

import math

import numpy as np
import pandas as pd
import pytest
from helpers import raises
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_lab import load_dataset
from crm_lab.value import (
    LIFECYCLE_RULES,
    SEGMENT_STRATEGIES,
    abc_analysis,
    clv_historical,
    clv_predictive,
    lifecycle_stage,
    rfm_scores,
    rfm_segment,
    rfm_table,
    segment_summary,
)

# Hypothesis must not write .hypothesis/ into the repository (conftest checks for stray files): no example
# database, and its cache of source constants goes to the temp folder (read when the first test runs).
PROPERTY = settings(max_examples=50, deadline=None, database=None)

SEGMENT_ORDER = ["重要价值客户", "重要发展客户", "重要保持客户", "重要挽留客户",
                 "一般价值客户", "一般发展客户", "一般保持客户", "一般挽留客户"]


def hand_orders() -> pd.DataFrame:
    """Nine rows whose RFM is worked out by hand in test_rfm_table_by_hand."""
    return pd.DataFrame({
        "customer_id": ["C1", "C1", "C1", "C1", "C2", "C2", None, "C3", "C3"],
        "order_id": ["O1", "O1", "O2", "O3", "O4", "O5", "O6", "O7", "O8"],
        "order_date": ["2024-03-01 10:00", "2024-03-01 10:00", "2024-03-10", "2024-03-10", "2024-02-01",
                       "2024-03-20", "2024-03-05", "2024-03-30", "2024-03-31"],
        "amount": [30.0, 20.0, 50.0, 15.0, 100.0, 40.0, 12.0, 8.5, -8.5],
        "status": ["已完成", "已完成", "已完成", "已完成", "已完成", "退货", "已完成", "已完成", " Cancelled"],
    })


def simple_orders(**columns) -> pd.DataFrame:
    data = {"customer_id": ["C1", "C2", "C3"], "order_date": ["2024-01-01", "2024-01-02", "2024-01-03"],
            "amount": [10.0, 20.0, 30.0]}
    data.update(columns)
    return pd.DataFrame(data)



# --------------------------------------------------------------------------------------- rfm_table


def test_rfm_table_by_hand():
    # Kept rows: 0-4 and 7. Row 5 is a return, row 8 a cancellation (its negative amount is fine, it is
    # excluded), row 6 has no customer. Last kept day 2024-03-30, so the analysis date is 2024-03-31.
    # C1: last 03-10 -> R 21; orders O1, O2, O3 -> F 3; M 30+20+50+15 = 115.
    # C2: last 02-01 -> R 29 (Feb 2024) + 30 = 59; F 1; M 100.   C3: last 03-30 -> R 1; F 1; M 8.5.
    rfm = rfm_table(hand_orders(), order="order_id", status="status")
    assert rfm.index.name == "customer_id"
    assert list(rfm.columns) == ["recency", "frequency", "monetary"]
    assert rfm.index.tolist() == ["C1", "C2", "C3"]
    assert rfm["recency"].tolist() == [21, 59, 1]
    assert rfm["frequency"].tolist() == [3, 1, 1]
    assert rfm["monetary"].tolist() == [115.0, 100.0, 8.5]
    assert rfm["recency"].dtype == "int64" and rfm["frequency"].dtype == "int64"
    report = rfm.attrs["report"]
    assert report["输入行数"] == 9
    assert report["重复行"] == 0 and report["删除的重复行"] == 0
    assert report["排除的退货/取消行"] == 2
    assert report["排除的状态明细"] == {"退货": 1, " Cancelled": 1}
    assert report["排除的缺少客户编号行"] == 1
    assert report["计入的交易行数"] == 6
    assert report["客户数"] == 3
    assert report["分析日期"] == pd.Timestamp("2024-03-31")


def test_rfm_table_frequency_choices_and_analysis_date():
    orders = hand_orders()
    by_days = rfm_table(orders, order="order_id", status="status", frequency="days")
    assert by_days["frequency"].tolist() == [2, 1, 1]  # C1 bought on 03-01 and 03-10
    by_rows = rfm_table(orders, status="status")  # no order column: each row is one order
    assert by_rows["frequency"].tolist() == [4, 1, 1]
    later = rfm_table(orders, order="order_id", status="status", analysis_date="2024-04-30")
    assert later["recency"].tolist() == [51, 89, 31]
    assert later.attrs["report"]["分析日期"] == pd.Timestamp("2024-04-30")
    same_day = rfm_table(orders, order="order_id", status="status", analysis_date=pd.Timestamp("2024-03-30 18:00"))
    assert same_day["recency"].tolist() == [20, 58, 0]


def test_rfm_table_does_not_change_its_input():
    orders = hand_orders()
    before = orders.copy()
    rfm_table(orders, order="order_id", status="status")
    pd.testing.assert_frame_equal(orders, before)


def test_rfm_table_reads_common_date_spellings_and_dtypes():
    texts = simple_orders(order_date=["2024年1月1日", "2024/1/2", " 2024-01-03 08:30:00 "])
    assert rfm_table(texts)["recency"].tolist() == [3, 2, 1]
    typed = simple_orders(order_date=pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]))
    assert rfm_table(typed)["recency"].tolist() == [3, 2, 1]
    aware_dates = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]).tz_localize("Asia/Shanghai")
    aware = simple_orders(order_date=aware_dates)
    assert rfm_table(aware)["recency"].tolist() == [3, 2, 1]
    assert rfm_table(aware, analysis_date="2024-01-10")["recency"].tolist() == [9, 8, 7]  # local wall-clock days
    text_amounts = simple_orders(amount=["10", " 20.5 ", "30"])
    assert rfm_table(text_amounts)["monetary"].tolist() == [10.0, 20.5, 30.0]


def test_rfm_table_on_the_course_orders():
    orders = load_dataset("shop_orders")
    message = raises(lambda: rfm_table(orders, date="order_time", order="order_id"),
                     "有一列 status", "退货或取消", 'status="status"', "exclude_status=()")
    assert "行 " in message
    rfm = rfm_table(orders, date="order_time", order="order_id", status="status")
    report = rfm.attrs["report"]
    counts = orders["status"].value_counts()
    assert report["排除的退货/取消行"] == counts["退货"] + counts["已取消"]
    assert report["排除的状态明细"] == {"退货": counts["退货"], "已取消": counts["已取消"]}
    done = orders[orders["status"] == "已完成"]
    assert report["计入的交易行数"] == len(done)
    assert len(rfm) == done["customer_id"].nunique()
    assert rfm["monetary"].sum() == pytest.approx(done["amount"].sum())
    assert report["来源"].endswith("shop_orders.csv")
    everything = rfm_table(orders, date="order_time", order="order_id", status="status", exclude_status=())
    assert everything["monetary"].sum() == pytest.approx(orders["amount"].sum())


def test_rfm_table_accepts_categorical_columns_and_a_single_excluded_status():
    orders = hand_orders()
    orders["status"] = orders["status"].astype("category")
    orders["customer_id"] = orders["customer_id"].astype("category")
    rfm = rfm_table(orders, order="order_id", status="status")
    assert rfm["monetary"].tolist() == [115.0, 100.0, 8.5]
    assert rfm.attrs["report"]["排除的退货/取消行"] == 2
    # Only 退货 excluded: the cancelled row 8 (amount -8.5) now counts as a purchase and is rejected.
    raises(lambda: rfm_table(orders, order="order_id", status="status", exclude_status="退货"),
           "有 1 行金额小于或等于 0", "行 8（-8.5）", "状态列 status")
    without_row_8 = rfm_table(orders.drop(index=8), order="order_id", status="status", exclude_status="退货")
    assert without_row_8.attrs["report"]["排除的状态明细"] == {"退货": 1}


@st.composite
def transaction_tables(draw):
    n = draw(st.integers(min_value=1, max_value=40))
    customers = draw(st.lists(st.sampled_from(["A", "B", "C", "D", "E"]), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(min_value=0, max_value=60), min_size=n, max_size=n))
    amounts = draw(st.lists(st.floats(min_value=0.01, max_value=1000, allow_nan=False), min_size=n, max_size=n))
    orders = draw(st.lists(st.integers(min_value=0, max_value=15), min_size=n, max_size=n))
    return pd.DataFrame({
        "customer_id": customers,
        "order_id": [f"{c}-{o}" for c, o in zip(customers, orders, strict=True)],  # an order has one customer
        "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D"),
        "amount": amounts,
    })


@PROPERTY
@given(transaction_tables(), st.sampled_from(["orders", "days"]))
def test_rfm_table_matches_a_plain_groupby(orders, frequency):
    rfm = rfm_table(orders, order="order_id", frequency=frequency, duplicates="keep")
    groups = orders.groupby("customer_id")
    analysis = orders["order_date"].max() + pd.Timedelta(days=1)
    expected_f = groups["order_id"].nunique() if frequency == "orders" else groups["order_date"].nunique()
    assert rfm.index.tolist() == sorted(orders["customer_id"].unique())
    assert rfm["recency"].tolist() == (analysis - groups["order_date"].max()).dt.days.tolist()
    assert rfm["frequency"].tolist() == expected_f.tolist()
    np.testing.assert_allclose(rfm["monetary"], groups["amount"].sum())
    assert (rfm["frequency"] <= groups.size()).all()
    assert (rfm["frequency"] >= 1).all() and (rfm["recency"] >= 1).all()
    report = rfm.attrs["report"]
    assert report["计入的交易行数"] == len(orders) and report["客户数"] == len(rfm)


# ------------------------------------------------------------------------------ rfm_table: bad input


def test_rfm_table_missing_columns_and_wrong_type():
    raises(lambda: rfm_table(simple_orders().drop(columns="order_date")),
           "交易表缺少这些列：order_date", "现有的列：customer_id, amount")
    raises(lambda: rfm_table(simple_orders(), order="order_no"), "缺少这些列：order_no")
    raises(lambda: rfm_table([1, 2, 3]), "应该是 pandas 的 DataFrame", "list")


def test_rfm_table_empty():
    raises(lambda: rfm_table(simple_orders().iloc[0:0]), "交易表是空的")


def test_rfm_table_unparsable_and_missing_dates():
    raises(lambda: rfm_table(simple_orders(order_date=["2024-01-01", "2024-13-01", "昨天"])),
           "日期列 order_date", "2 个认不出的日期", "行 1（'2024-13-01'）", "行 2（'昨天'）", "df.loc[[1, 2]]")
    raises(lambda: rfm_table(simple_orders(order_date=["2024-01-01", None, "2024-01-03"])),
           "日期列 order_date 有 1 个空值", "行 1")
    raises(lambda: rfm_table(simple_orders(order_date=[45292, 45293, 45294])),
           "是数字，不是日期", "45292", 'origin="1899-12-30"')


def test_rfm_table_non_numeric_and_missing_amounts():
    raises(lambda: rfm_table(simple_orders(amount=["10", "12元", "1,200"])),
           "金额列 amount", "2 个值不是数字", "行 1（'12元'）", "行 2（'1,200'）", "千分位逗号")
    raises(lambda: rfm_table(simple_orders(amount=[10.0, np.nan, 30.0])),
           "金额列 amount 有 1 个空值", "行 1")


def test_rfm_table_zero_or_negative_amounts_point_to_the_status_column():
    message = raises(lambda: rfm_table(simple_orders(amount=[10.0, -5.0, 0.0])),
                     "有 2 行金额小于或等于 0", "行 1（-5.0）", "行 2（0.0）", "退货", 'status="列名"')
    assert "自动排除并计数" in message
    with_status = simple_orders(amount=[10.0, -5.0, 30.0], state=["已完成", "退款", "已完成"])
    raises(lambda: rfm_table(with_status, status="state"), "行 1（-5.0）", "状态列 state")
    ok = rfm_table(with_status, status="state", exclude_status=("退款",))
    assert ok.index.tolist() == ["C1", "C3"]


def test_rfm_table_row_labels_follow_the_dataframe_index():
    orders = simple_orders(amount=[10.0, "x", 30.0])
    orders.index = ["r1", "r2", "r3"]
    raises(lambda: rfm_table(orders), "行 'r2'（'x'）", "df.loc[['r2']]")


def test_rfm_table_excludes_and_counts_missing_customer_ids():
    orders = simple_orders(customer_id=["C1", None, "  "])
    rfm = rfm_table(orders)
    assert rfm.index.tolist() == ["C1"]
    assert rfm.attrs["report"]["排除的缺少客户编号行"] == 2
    assert rfm.attrs["report"]["计入的交易行数"] == 1
    raises(lambda: rfm_table(simple_orders(customer_id=[None, None, ""])),
           "没有剩下任何交易", "缺少客户编号的行（3 行）")


def test_rfm_table_exact_duplicates_error_drop_keep():
    orders = pd.concat([simple_orders(), simple_orders().iloc[[1]]], ignore_index=True)
    raises(lambda: rfm_table(orders), "有 1 行与前面某一行完全相同", "行 3", "drop_duplicates()",
           'duplicates="drop"', 'duplicates="keep"')
    dropped = rfm_table(orders, duplicates="drop")
    assert dropped.loc["C2", "monetary"] == 20.0 and dropped.loc["C2", "frequency"] == 1
    assert dropped.attrs["report"]["重复行"] == 1 and dropped.attrs["report"]["删除的重复行"] == 1
    assert dropped.attrs["report"]["计入的交易行数"] == 3
    kept = rfm_table(orders, duplicates="keep")
    assert kept.loc["C2", "monetary"] == 40.0 and kept.loc["C2", "frequency"] == 2
    assert kept.attrs["report"]["重复行"] == 1 and kept.attrs["report"]["删除的重复行"] == 0
    raises(lambda: rfm_table(orders, duplicates="ignore"), "duplicates 只能是", "'ignore'")


def test_rfm_table_parameter_errors():
    raises(lambda: rfm_table(simple_orders(), frequency="order"), "frequency 只能是", '"orders"', '"days"',
           "'order'")
    raises(lambda: rfm_table(simple_orders(), analysis_date="2024-01-02"),
           "交易发生在分析日期 2024-01-02 之后", "行 2", "2024-01-03 或更晚")
    raises(lambda: rfm_table(simple_orders(), analysis_date="下周一"), "analysis_date", "'下周一'")


def test_rfm_table_order_ids_must_be_present_and_belong_to_one_customer():
    raises(lambda: rfm_table(simple_orders(order_id=["O1", None, "O3"]), order="order_id"),
           "订单号列 order_id 有 1 个空值", "行 1")
    raises(lambda: rfm_table(simple_orders(order_id=["O1", "O1", "O3"]), order="order_id"),
           "1 个订单号同时属于不止一位客户", "O1")


# --------------------------------------------------------------------------------------- rfm_scores


def test_rfm_scores_quantile_by_hand_and_direction():
    rfm = pd.DataFrame({"recency": [1, 2, 3, 4, 5], "frequency": [5, 4, 3, 2, 1],
                        "monetary": [10.0, 50.0, 30.0, 40.0, 20.0]})
    scored = rfm_scores(rfm)
    assert scored["R"].tolist() == [5, 4, 3, 2, 1]  # most recent gets the highest R
    assert scored["F"].tolist() == [5, 4, 3, 2, 1]
    assert scored["M"].tolist() == [1, 5, 3, 4, 2]
    assert list(scored.columns) == ["recency", "frequency", "monetary", "R", "F", "M"]
    assert "R" not in rfm.columns  # input untouched


def test_rfm_scores_ties_are_split_by_row_order_into_equal_groups():
    rfm = pd.DataFrame({"recency": [10] * 10, "frequency": [1] * 8 + [3, 7], "monetary": range(1, 11)})
    scored = rfm_scores(rfm, bins=5)
    # Eight customers share frequency 1: ranks 1..8 in table order -> scores 1,1,2,2,3,3,4,4.
    assert scored["F"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert scored["R"].value_counts().sort_index().tolist() == [2, 2, 2, 2, 2]
    # Fewer customers than bins: scores still within 1..bins.
    two = rfm_scores(rfm.head(2), bins=5)
    assert two["M"].tolist() == [3, 5]
    assert rfm_scores(rfm.head(1))["M"].tolist() == [5]


def test_rfm_scores_fixed_edges_are_right_closed():
    rfm = pd.DataFrame({"recency": [30, 31, 180, 181, 0], "frequency": [1, 2, 3, 8, 9],
                        "monetary": [100.0, 100.01, 500.0, 2000.0, 5.0]})
    scored = rfm_scores(rfm, method="fixed", recency_edges=[30, 60, 90, 180], frequency_edges=[1, 2, 4, 8],
                        monetary_edges=[100, 200, 500, 1000])
    assert scored["R"].tolist() == [5, 4, 2, 1, 5]
    assert scored["F"].tolist() == [1, 2, 3, 4, 5]
    assert scored["M"].tolist() == [1, 2, 3, 5, 1]
    assert "按分界点分为 5 档" in scored.attrs["report"]["评分方法"]


def test_rfm_scores_keep_the_report_of_rfm_table():
    scored = rfm_scores(rfm_table(hand_orders(), order="order_id", status="status"), bins=3)
    assert scored.attrs["report"]["排除的退货/取消行"] == 2
    assert scored.attrs["report"]["评分方法"] == "按排名等分为 3 档"


@st.composite
def rfm_frames(draw, min_size=1):
    n = draw(st.integers(min_value=min_size, max_value=60))
    return pd.DataFrame({
        "recency": draw(st.lists(st.integers(0, 400), min_size=n, max_size=n)),
        "frequency": draw(st.lists(st.integers(1, 6), min_size=n, max_size=n)),  # many ties
        "monetary": draw(st.lists(st.floats(0.01, 1e5, allow_nan=False), min_size=n, max_size=n)),
    })


@PROPERTY
@given(rfm_frames(), st.integers(min_value=2, max_value=10))
def test_rfm_scores_are_within_range_balanced_and_monotone(rfm, bins):
    scored = rfm_scores(rfm, bins=bins)
    for score, column, better_is_larger in [("R", "recency", False), ("F", "frequency", True),
                                             ("M", "monetary", True)]:
        points = scored[score]
        assert points.between(1, bins).all()
        sizes = points.value_counts().reindex(range(1, bins + 1), fill_value=0)
        if len(rfm) >= bins:
            assert sizes.max() - sizes.min() <= 1
        # a strictly better value never gets a lower score
        order = scored.sort_values(column, ascending=better_is_larger, kind="stable")
        values, scores = order[column].to_numpy(), order[score].to_numpy()
        for i in range(1, len(order)):
            if values[i] != values[i - 1]:
                assert scores[i] >= scores[i - 1]


def test_rfm_scores_bad_input():
    rfm = pd.DataFrame({"recency": [1, 2], "frequency": [1, 2], "monetary": [1.0, 2.0]})
    raises(lambda: rfm_scores(rfm, bins=1), "bins（分成几档）", "收到 1")
    raises(lambda: rfm_scores(rfm, bins=2.5), "bins", "2.5")
    raises(lambda: rfm_scores(rfm, bins=True), "bins", "True")
    raises(lambda: rfm_scores(rfm, method="quantil"), "method 只能是", '"quantile"', '"fixed"', "'quantil'")
    raises(lambda: rfm_scores(rfm, recency_edges=[1, 2, 3, 4]), "recency_edges 只在 method=\"fixed\" 时使用")
    raises(lambda: rfm_scores(rfm, method="fixed", recency_edges=[1, 2, 3, 4], frequency_edges=[1, 2, 3, 4]),
           "必须给出 monetary_edges", "4 个从小到大的分界点")
    raises(lambda: rfm_scores(rfm, method="fixed", recency_edges=[1, 2, 3], frequency_edges=[1, 2, 3, 4],
                              monetary_edges=[1, 2, 3, 4]), "recency_edges 应该有 bins − 1 = 4 个分界点", "bins=4")
    raises(lambda: rfm_scores(rfm, method="fixed", recency_edges=[1, 2, 2, 4], frequency_edges=[1, 2, 3, 4],
                              monetary_edges=[1, 2, 3, 4]), "recency_edges 的分界点必须是从小到大")
    raises(lambda: rfm_scores(rfm, method="fixed", recency_edges="30,60", frequency_edges=[1, 2, 3, 4],
                              monetary_edges=[1, 2, 3, 4]), "recency_edges 应该是一列数字")
    raises(lambda: rfm_scores(rfm.drop(columns="monetary")), "缺少这些列：monetary")
    raises(lambda: rfm_scores(rfm.assign(monetary=[1.0, np.nan])), "列 monetary 有 1 个空值", "行 1")
    raises(lambda: rfm_scores(rfm.iloc[0:0]), "是空的")


# ------------------------------------------------------------------------------ rfm_segment / summary


def eight_customers() -> tuple[pd.DataFrame, list[str]]:
    """One customer per (R good, F high, M high) combination; every mean lies between the two levels."""
    rows, expected = [], []
    names = {
        (True, True, True): "重要价值客户", (True, False, True): "重要发展客户",
        (False, True, True): "重要保持客户", (False, False, True): "重要挽留客户",
        (True, True, False): "一般价值客户", (True, False, False): "一般发展客户",
        (False, True, False): "一般保持客户", (False, False, False): "一般挽留客户",
    }
    for (recent, frequent, big), name in names.items():
        rows.append({"recency": 10 if recent else 100, "frequency": 10 if frequent else 1,
                     "monetary": 1000.0 if big else 10.0})
        expected.append(name)
    return pd.DataFrame(rows, index=[f"K{i}" for i in range(8)]), expected


@pytest.mark.parametrize("compare", ["mean", "median"])
def test_rfm_segment_names_all_eight_groups(compare):
    rfm, expected = eight_customers()
    segmented = rfm_segment(rfm, compare=compare)
    assert segmented["segment"].tolist() == expected
    assert segmented["strategy"].tolist() == [SEGMENT_STRATEGIES[s] for s in expected]
    assert segmented.attrs["report"]["细分基准值"] == {"recency": 55.0, "frequency": 5.5, "monetary": 505.0}
    assert list(SEGMENT_STRATEGIES) == SEGMENT_ORDER
    assert all(isinstance(v, str) and v for v in SEGMENT_STRATEGIES.values())


def test_rfm_segment_mean_and_median_differ_on_skewed_money():
    rfm = pd.DataFrame({"recency": [5, 5, 5, 5], "frequency": [2, 2, 2, 2], "monetary": [1.0, 2.0, 3.0, 100.0]})
    by_mean = rfm_segment(rfm)["segment"].tolist()
    by_median = rfm_segment(rfm, compare="median")["segment"].tolist()
    # All equal R and F: equal to the centre counts as 差 / 低.
    assert by_mean == ["一般挽留客户", "一般挽留客户", "一般挽留客户", "重要挽留客户"]  # mean 26.5
    assert by_median == ["一般挽留客户", "一般挽留客户", "重要挽留客户", "重要挽留客户"]  # median 2.5


def test_segment_summary_by_hand():
    rfm = pd.DataFrame({"recency": [5, 15, 300, 200], "frequency": [10, 6, 1, 1],
                        "monetary": [900.0, 700.0, 50.0, 350.0]})
    # means: recency 130, frequency 4.5, monetary 500
    summary = segment_summary(rfm_segment(rfm))
    assert summary.index.tolist() == SEGMENT_ORDER
    assert summary["customers"].tolist() == [2, 0, 0, 0, 0, 0, 0, 2]
    assert summary["share"].tolist() == [0.5, 0, 0, 0, 0, 0, 0, 0.5]
    assert summary.loc["重要价值客户", "recency_mean"] == 10.0
    assert summary.loc["重要价值客户", "frequency_mean"] == 8.0
    assert summary.loc["一般挽留客户", "monetary_mean"] == 200.0
    assert summary.loc["重要价值客户", "monetary_share"] == pytest.approx(0.8)
    assert math.isnan(summary.loc["重要发展客户", "monetary_mean"])
    assert summary.loc["一般挽留客户", "strategy"] == SEGMENT_STRATEGIES["一般挽留客户"]


@PROPERTY
@given(rfm_frames(), st.sampled_from(["mean", "median"]))
def test_segments_cover_every_customer_once(rfm, compare):
    segmented = rfm_segment(rfm, compare=compare)
    assert segmented["segment"].isin(SEGMENT_ORDER).all()
    summary = segment_summary(segmented)
    assert summary["customers"].sum() == len(rfm)
    assert summary["share"].sum() == pytest.approx(1.0)
    assert summary["monetary_share"].sum() == pytest.approx(1.0)


def test_rfm_segment_and_summary_bad_input():
    rfm, _ = eight_customers()
    raises(lambda: rfm_segment(rfm, compare="average"), "compare 只能是", '"mean"', '"median"', "'average'")
    raises(lambda: rfm_segment(rfm.drop(columns="recency")), "缺少这些列：recency")
    raises(lambda: rfm_segment(rfm.assign(frequency=["1"] * 7 + ["很多"])),
           "列 frequency 有 1 个值不是数字", "行 'K7'（'很多'）")
    segmented = rfm_segment(rfm)
    segmented.loc["K3", "segment"] = "VIP"
    raises(lambda: segment_summary(segmented), "不认识的类别", "行 'K3'（'VIP'）", "重要价值客户")
    raises(lambda: segment_summary(rfm), "缺少这些列：segment")


# ---------------------------------------------------------------------------------------------- CLV


def test_clv_historical_with_cost_column_and_margin():
    orders = hand_orders()
    orders["cost"] = [10.0, 10.0, 20.0, 5.0, 60.0, 30.0, 6.0, 5.0, 0.0]
    clv = clv_historical(orders, cost="cost", status="status")
    assert clv.index.tolist() == ["C1", "C2", "C3"]
    assert clv["revenue"].tolist() == [115.0, 100.0, 8.5]
    assert clv["cost"].tolist() == [45.0, 60.0, 5.0]
    assert clv["clv_historical"].tolist() == [70.0, 40.0, 3.5]
    assert clv.attrs["report"]["排除的退货/取消行"] == 2
    assert clv.attrs["report"]["排除的缺少客户编号行"] == 1
    assert clv.attrs["report"]["毛利计算"] == "金额 amount − 成本 cost"
    by_rate = clv_historical(orders.drop(columns="cost"), margin=0.2, status="status")
    np.testing.assert_allclose(by_rate["clv_historical"], [23.0, 20.0, 1.7])


def test_clv_historical_from_an_rfm_table():
    rfm = rfm_table(hand_orders(), order="order_id", status="status")
    clv = clv_historical(rfm, margin=0.5)
    assert clv["clv_historical"].tolist() == [57.5, 50.0, 4.25]
    assert clv["revenue"].tolist() == [115.0, 100.0, 8.5]
    assert clv.attrs["report"]["排除的退货/取消行"] == 2  # carried over from rfm_table


def test_clv_historical_bad_input():
    orders = simple_orders(cost=[1.0, 2.0, 3.0])
    raises(lambda: clv_historical(orders, margin=0.3, cost="cost"), "margin= 和 cost= 只能写一个")
    raises(lambda: clv_historical(orders), "margin=0.3", 'cost="成本列名"')
    raises(lambda: clv_historical(orders, margin=30), "margin 是毛利率", "收到 30", "请写 0.3")
    raises(lambda: clv_historical(orders, margin=0), "margin", "大于 0")
    raises(lambda: clv_historical(orders, margin="30%"), "margin", "'30%'")
    raises(lambda: clv_historical(orders, cost="unit_cost"), "交易表缺少这些列：unit_cost")
    raises(lambda: clv_historical(orders.assign(cost=[1.0, -2.0, 3.0]), cost="cost"), "成本列 cost 有负数", "行 1")
    raises(lambda: clv_historical(orders.assign(cost=[1.0, None, 3.0]), cost="cost"), "成本列 cost 有 1 个空值")
    rfm = pd.DataFrame({"recency": [1], "frequency": [1], "monetary": [10.0]})
    raises(lambda: clv_historical(rfm, cost="cost"), "RFM 表只有消费总额", "margin=")
    raises(lambda: clv_historical(pd.DataFrame({"x": [1]}), margin=0.3),
           "交易表（或含 monetary 列的 RFM 表）缺少这些列：customer_id, amount")


def test_clv_predictive_by_hand():
    # m = 100, r = 0.8, d = 0.1: 100 + 100·0.8/1.1 + 100·0.64/1.21
    assert clv_predictive(100, retention_rate=0.8, discount_rate=0.1, periods=3) == pytest.approx(
        100 + 80 / 1.1 + 64 / 1.21)
    assert clv_predictive(100, retention_rate=0.8, discount_rate=0.1) == pytest.approx(100 * 1.1 / 0.3)
    assert clv_predictive(100, retention_rate=0.8, discount_rate=0.1, periods=1) == 100.0
    assert clv_predictive(100, retention_rate=0.0, discount_rate=0.1) == pytest.approx(100.0)
    assert isinstance(clv_predictive(100, retention_rate=0.8, discount_rate=0.1), float)
    # r / (1 + d) = 1: every period is worth m
    assert clv_predictive(10, retention_rate=0.5, discount_rate=-0.5, periods=4) == pytest.approx(40.0)


@PROPERTY
@given(st.floats(-500, 500), st.floats(0, 0.99), st.floats(0, 0.5), st.integers(1, 60))
def test_clv_predictive_is_the_finite_sum_and_tends_to_the_closed_form(m, r, d, periods):
    explicit = sum(m * r**t / (1 + d) ** t for t in range(periods))
    assert clv_predictive(m, retention_rate=r, discount_rate=d, periods=periods) == pytest.approx(
        explicit, rel=1e-9, abs=1e-9)
    q = r / (1 + d)
    long_sum = sum(m * q**t for t in range(5000))
    assert clv_predictive(m, retention_rate=r, discount_rate=d) == pytest.approx(long_sum, rel=1e-9, abs=1e-9)


def test_clv_predictive_with_series():
    margins = pd.Series([100.0, 50.0], index=["C1", "C2"])
    rates = pd.Series([0.8, 0.5], index=["C1", "C2"])
    clv = clv_predictive(margins, retention_rate=rates, discount_rate=0.1)
    assert clv.name == "clv_predictive" and clv.index.tolist() == ["C1", "C2"]
    assert clv.tolist() == pytest.approx([100 * 1.1 / 0.3, 50 * 1.1 / 0.6])
    only_rates = clv_predictive(100, retention_rate=rates, discount_rate=0.1, periods=2)
    assert only_rates.tolist() == pytest.approx([100 + 80 / 1.1, 100 + 50 / 1.1])


def test_clv_predictive_bad_input():
    raises(lambda: clv_predictive(100, retention_rate=1.0, discount_rate=0.1), "retention_rate", "小于 1", "收到 1")
    raises(lambda: clv_predictive(100, retention_rate=85, discount_rate=0.1), "请写 0.85")
    raises(lambda: clv_predictive(100, retention_rate=-0.1, discount_rate=0.1), "retention_rate", "不小于 0")
    raises(lambda: clv_predictive(100, retention_rate=0.8, discount_rate=-1), "discount_rate", "大于 -1")
    raises(lambda: clv_predictive(100, retention_rate=0.8, discount_rate=10), "discount_rate", "请写 0.1")
    raises(lambda: clv_predictive(100, retention_rate=0.6, discount_rate=-0.5), "retention_rate < 1 + discount_rate")
    raises(lambda: clv_predictive(100, retention_rate=0.8, discount_rate=0.1, periods=0), "periods", "正整数")
    raises(lambda: clv_predictive(1, retention_rate=0.9, discount_rate=-0.9, periods=100_000), "无穷大")
    raises(lambda: clv_predictive(100, retention_rate=0.8, discount_rate=0.1, periods=2.5), "periods", "2.5")
    raises(lambda: clv_predictive("100", retention_rate=0.8, discount_rate=0.1), "margin_per_period", "'100'")
    raises(lambda: clv_predictive(pd.Series([100.0, None]), retention_rate=0.8, discount_rate=0.1),
           "参数 margin_per_period", "1 个空值", "行 1")
    raises(lambda: clv_predictive(100, retention_rate=pd.Series([0.5, 1.5]), discount_rate=0.1),
           "参数 retention_rate", "1 个不在范围内", "行 1（1.5）")
    raises(lambda: clv_predictive(pd.Series([1.0], index=["C1"]), retention_rate=pd.Series([0.5], index=["C2"]),
                                  discount_rate=0.1), "margin_per_period 和 retention_rate", "行索引")


# ------------------------------------------------------------------------------------------ lifecycle


@pytest.mark.parametrize(
    ("recency", "frequency", "stage"),
    [
        (10, 1, "考察期"), (180, 1, "考察期"),            # one purchase within the last 180 days
        (30, 2, "形成期"), (180, 4, "形成期"),            # 2-4 purchases, still buying
        (0, 5, "稳定期"), (60, 40, "稳定期"),             # 5+ purchases, still buying
        (181, 1, "退化期"), (181, 50, "退化期"), (700, 3, "退化期"),  # more than 180 days without a purchase
    ],
)
def test_lifecycle_default_rules(recency, frequency, stage):
    customers = pd.DataFrame({"recency": [recency], "frequency": [frequency]})
    result = lifecycle_stage(customers)
    assert result["stage"].tolist() == [stage]
    assert result.attrs["report"]["未归类客户"] == 0


def test_lifecycle_custom_rules_first_match_and_unclassified():
    customers = pd.DataFrame({"recency": [10, 100, 400], "frequency": [1, 8, 2], "注册天数": [5, 300, 500]})
    rules = {"新客户": "`注册天数` <= 30", "老客户": "frequency >= 5", "沉睡": "recency > 365"}
    result = lifecycle_stage(customers, rules=rules)
    assert result["stage"].tolist() == ["新客户", "老客户", "沉睡"]
    partial = lifecycle_stage(customers, rules={"老客户": "frequency >= 5"})
    assert partial["stage"].tolist() == ["未归类", "老客户", "未归类"]
    assert partial.attrs["report"]["未归类客户"] == 2
    as_table = pd.DataFrame({"stage": ["任何人", "老客户"], "rule": ["True", "frequency >= 5"]})
    assert lifecycle_stage(customers, rules=as_table)["stage"].tolist() == ["任何人"] * 3  # first match wins
    edited = dict(LIFECYCLE_RULES, 退化期="recency > 90")
    assert lifecycle_stage(customers, rules=edited)["stage"].tolist() == ["考察期", "稳定期", "退化期"]
    assert LIFECYCLE_RULES["退化期"] == "recency > 180"  # the default is not changed by copying it


def test_lifecycle_on_rfm_table_keeps_the_report():
    staged = lifecycle_stage(rfm_table(hand_orders(), order="order_id", status="status"))
    assert staged["stage"].tolist() == ["形成期", "考察期", "考察期"]
    assert staged.attrs["report"]["排除的退货/取消行"] == 2
    assert staged.attrs["report"]["生命周期规则"] == LIFECYCLE_RULES


def test_lifecycle_bad_input():
    customers = pd.DataFrame({"recency": [10], "frequency": [1]})
    raises(lambda: lifecycle_stage(customers, rules={"沉睡": "recncy > 365"}),
           "生命周期规则 沉睡", "'recncy > 365'", "表里的列：recency, frequency")
    raises(lambda: lifecycle_stage(customers, rules={"沉睡": "recency >"}), "生命周期规则 沉睡", "无法计算")
    raises(lambda: lifecycle_stage(customers, rules={"沉睡": "recency + 1"}), "算出来的不是“是/否”")
    raises(lambda: lifecycle_stage(customers, rules={}), "rules 是空的")
    raises(lambda: lifecycle_stage(customers, rules=["recency > 1"]), "rules 应该是字典", "list")
    raises(lambda: lifecycle_stage(customers, rules={"沉睡": 365}), "生命周期规则 沉睡 的条件应该是文字")
    raises(lambda: lifecycle_stage(customers, rules=pd.DataFrame({"stage": ["a"]})), "缺少这些列：rule")
    raises(lambda: lifecycle_stage(customers.iloc[0:0]), "是空的")
    raises(lambda: lifecycle_stage(customers["recency"]), "应该是 pandas 的 DataFrame", "Series")


# ---------------------------------------------------------------------------------------------- ABC


def test_abc_by_hand_and_boundaries():
    table = abc_analysis(pd.Series({"P1": 30.0, "P2": 50.0, "P3": 15.0, "P4": 5.0}))
    assert table.index.tolist() == ["P2", "P1", "P3", "P4"]
    assert table["share"].tolist() == pytest.approx([0.5, 0.3, 0.15, 0.05])
    assert table["cumulative_share"].tolist() == pytest.approx([0.5, 0.8, 0.95, 1.0])
    # P1 brings the running total exactly to 80%: it is A; P3 starts at 80% -> B; P4 starts at 95% -> C.
    assert table["abc_class"].tolist() == ["A", "A", "B", "C"]
    assert table["rank"].tolist() == [1, 2, 3, 4]
    assert table.attrs["report"]["各类项目数"] == {"A": 2, "B": 1, "C": 1}
    # One item above 80% on its own is still A (the item crossing the line belongs to A).
    assert abc_analysis(pd.Series([90.0, 6.0, 4.0]))["abc_class"].tolist() == ["A", "B", "C"]
    # Ten equal items of 0.1: floating sums must not move the 9th item (it starts at exactly 80%) into A.
    tenths = abc_analysis(pd.Series([0.1] * 10))
    assert tenths["abc_class"].tolist() == ["A"] * 8 + ["B"] * 2
    assert tenths["cumulative_share"].iloc[-1] == 1.0
    # 0.3 + 0.3 is exactly 80% of 0.75, but floating point gives 0.7999999999999999: still B.
    assert abc_analysis(pd.Series([0.15, 0.3, 0.3]))["abc_class"].tolist() == ["A", "A", "B"]
    assert abc_analysis(pd.Series([3.0, 1.0]), a=0.5, b=0.9)["abc_class"].tolist() == ["A", "B"]


def test_abc_on_a_dataframe_with_by_and_missing_keys():
    orders = pd.DataFrame({"customer_id": ["C1", "C2", "C1", None, "C3"], "amount": [60.0, 30.0, 20.0, 99.0, 10.0]})
    table = abc_analysis(orders, by="customer_id", value="amount")
    assert table.index.name == "customer_id"
    assert table["value"].to_dict() == {"C1": 80.0, "C2": 30.0, "C3": 10.0}
    assert table.attrs["report"]["排除的缺少 customer_id 的行"] == 1
    assert table.attrs["report"]["输入行数"] == 5
    rows = abc_analysis(orders.dropna(), value="amount")  # each row is an item
    assert rows.index.tolist() == [0, 1, 2, 4]


@PROPERTY
@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=80).filter(lambda v: sum(v) > 0),
       st.floats(0.05, 0.9), st.floats(0.01, 0.5))
def test_abc_shares_sum_to_one_and_classes_are_monotone(values, a, gap):
    b = min(a + gap, 1.0)
    table = abc_analysis(pd.Series(values), a=a, b=b)
    assert table["share"].sum() == pytest.approx(1.0)
    assert table["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    assert table["cumulative_share"].is_monotonic_increasing
    assert table["value"].is_monotonic_decreasing
    assert table["rank"].tolist() == list(range(1, len(values) + 1))
    classes = table["abc_class"].tolist()
    assert classes == sorted(classes)  # A … then B … then C
    assert classes[0] == "A"
    a_share = table.loc[table["abc_class"] == "A", "share"].sum()
    assert a_share >= a - 1e-9  # A always reaches at least a
    before_last_a = a_share - table.loc[table["abc_class"] == "A", "share"].iloc[-1]
    assert before_last_a < a + 1e-9  # … and stops at the item that crosses a


def test_abc_bad_input():
    raises(lambda: abc_analysis(pd.Series([10.0, -1.0, 5.0])), "有负数", "行 1（-1.0）", ".clip(lower=0)")
    raises(lambda: abc_analysis(pd.Series([], dtype=float)), "是空的")
    raises(lambda: abc_analysis(pd.Series([0.0, 0.0])), "总和为 0")
    raises(lambda: abc_analysis(pd.Series([1.0, np.nan])), "1 个空值", "行 1")
    raises(lambda: abc_analysis(pd.Series(["1", "多"])), "不是数字", "行 1（'多'）")
    raises(lambda: abc_analysis(pd.Series([1.0]), a=0.95, b=0.8), "a 必须小于 b", "a=0.95、b=0.8")
    raises(lambda: abc_analysis(pd.Series([1.0]), a=80, b=95), "a 是A 类的累计占比上限", "请写 0.8")
    raises(lambda: abc_analysis(pd.Series([1.0]), b=1.5), "b", "不大于 1")
    raises(lambda: abc_analysis(pd.DataFrame({"amount": [1.0]})), "必须用 value= 指出金额所在的列", "amount")
    raises(lambda: abc_analysis(pd.DataFrame({"amount": [1.0]}), value="sales"), "缺少这些列：sales")
    raises(lambda: abc_analysis(pd.Series([1.0]), value="amount"), "Series 时不用写 by= 和 value=")
    raises(lambda: abc_analysis([1.0, 2.0]), "Series 或 DataFrame", "list")
    raises(lambda: abc_analysis(pd.DataFrame({"k": [None], "v": [1.0]}), by="k", value="v"), "列 k 全是空值")
