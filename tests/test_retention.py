"""crm_lab.retention: churn by an inactivity window, cohort retention tables, bad input."""

import pandas as pd
import pytest

from crm_lab import CRMDataError, load_dataset
from crm_lab.retention import churn_status, cohort_retention

SMALL = pd.DataFrame({
    "customer_id": ["C1", "C1", "C2", "C3", "C3", "C4"],
    "order_time": ["2025-01-05", "2025-05-20", "2025-02-01", "2025-03-01", "2025-06-01", "2025-07-02"],
    "status": ["已完成", "已完成", "已完成", "已完成", "退货", "已完成"],
})


def test_churn_is_silence_longer_than_the_window():
    table = churn_status(SMALL, analysis_date="2025-06-30", window_days=90)
    assert list(table.index) == ["C1", "C2", "C3"], "orders on or after the analysis date are not history"
    assert table.loc["C1", "days_silent"] == 41 and table.loc["C1", "churned"] == 0
    assert table.loc["C3", "last_order"] == pd.Timestamp("2025-03-01"), "a returned order is not a purchase"
    assert table["churned"].tolist() == [0, 1, 1]
    report = table.attrs["report"]
    assert report["排除的订单数"] == 1 and report["流失客户数"] == 2 and report["流失率"] == pytest.approx(2 / 3)


def test_window_boundary_and_default_date():
    exactly = churn_status(SMALL, analysis_date="2025-08-18", window_days=90)
    assert exactly.loc["C1", "days_silent"] == 90 and exactly.loc["C1", "churned"] == 0, "90 silent days is not > 90"
    default = churn_status(SMALL, window_days=30)
    assert default.attrs["report"]["分析日期"] == pd.Timestamp("2025-07-03")
    assert "C4" in default.index and default.loc["C4", "churned"] == 0


def test_churn_status_matches_an_independent_count_on_the_course_data():
    orders = load_dataset("shop_orders")
    table = churn_status(orders, analysis_date="2026-06-01", window_days=90)
    done = orders[(orders["status"] == "已完成") & (orders["order_time"] < "2026-06-01")]
    last = done.groupby("customer_id")["order_time"].max().dt.normalize()
    expected = (pd.Timestamp("2026-06-01") - last).dt.days > 90
    assert sorted(table.index) == sorted(last.index)
    assert (table["churned"] == expected.reindex(table.index).astype(int)).all()


def test_cohort_retention_counts_each_customer_once_per_month():
    orders = pd.DataFrame({"customer_id": ["C1", "C1", "C1", "C2", "C2", "C3"],
                           "order_time": ["2025-01-05", "2025-01-25", "2025-02-10", "2025-01-20", "2025-03-02",
                                          "2025-02-03"],
                           "status": ["已完成"] * 6})
    table = cohort_retention(orders)
    assert table.loc["2025-01"].tolist() == [1.0, 0.5, 0.5]
    assert table.loc["2025-02", 0] == 1.0 and table.loc["2025-02", 1] == 0.0
    assert pd.isna(table.loc["2025-02", 2]), "a month not yet observed is empty, not 0"
    counts = cohort_retention(orders, share=False)
    assert counts.loc["2025-01"].tolist() == [2, 1, 1]
    assert table.attrs["sizes"].to_dict() == {"2025-01": 2, "2025-02": 1}


def test_cohort_retention_on_course_data_by_quarter():
    orders = load_dataset("shop_orders")
    table = cohort_retention(orders, period="Q")
    assert (table[0] == 1).all()
    assert table.attrs["sizes"].sum() == orders.loc[orders["status"] == "已完成", "customer_id"].nunique()
    assert table.stack().dropna().between(0, 1).all()


@pytest.mark.parametrize("call, message", [
    (lambda: churn_status(SMALL, window_days=0), "window_days"),
    (lambda: churn_status(SMALL, window_days=True), "window_days"),
    (lambda: churn_status(SMALL, analysis_date="昨天"), "analysis_date"),
    (lambda: churn_status(SMALL, analysis_date="2024-01-01"), "之前没有已完成的订单"),
    (lambda: churn_status(SMALL.drop(columns="status")), "status"),
    (lambda: churn_status(SMALL, done="completed"), "completed"),
    (lambda: cohort_retention(SMALL, period="W"), "period"),
    (lambda: cohort_retention(SMALL.assign(order_time="某天")), "日期"),
    (lambda: cohort_retention(SMALL.assign(customer_id=None)), "客户编号"),
])
def test_bad_input_gets_a_chinese_message(call, message):
    with pytest.raises(CRMDataError, match=message):
        call()
