"""crm_lab.automation: trigger rules as data, day-by-day simulation, consent, hold-out, response window."""

import pandas as pd
import pytest

from crm_lab import CRMDataError, load_dataset
from crm_lab.automation import default_rules, orders_after, simulate_triggers


def small():
    customers = pd.DataFrame({"customer_id": ["C1", "C2", "C3"],
                              "registered_at": pd.to_datetime(["2026-03-02", "2025-01-05", "2025-06-01"]),
                              "birth_month": [4, 3, 3], "consent_marketing": [True, True, False]})
    orders = pd.DataFrame({"customer_id": ["C2", "C2", "C2", "C3", "C1"],
                           "order_time": pd.to_datetime(["2025-12-01 10:00", "2025-12-20 09:00", "2026-01-10 12:00",
                                                         "2025-12-10 08:00", "2026-03-05 18:00"]),
                           "status": ["已完成", "已完成", "退货", "已完成", "已完成"]})
    return customers, orders


def test_each_rule_fires_on_the_right_day():
    customers, orders = small()
    log = simulate_triggers(customers, orders, start="2026-03-01", end="2026-04-30")
    fired = set(zip(log["date"].dt.strftime("%m-%d"), log["customer_id"], log["trigger"], strict=True))
    assert fired == {("03-02", "C1", "欢迎新客户"), ("03-01", "C2", "生日关怀"), ("04-01", "C1", "生日关怀"),
                     ("03-12", "C1", "售后关怀"),
                     ("03-20", "C2", "流失挽回")}  # 90 days after 2025-12-20; the returned order does not count
    assert log.attrs["report"]["因未同意而不发的触发"] == 2  # C3: birthday and win-back (2026-03-10)
    assert log["sent"].all() and (log["group"] == "发送组").all()


def test_win_back_does_not_fire_if_the_customer_ordered_in_between():
    customers, orders = small()
    rules = default_rules().query("event == '沉默'").assign(days=20)
    log = simulate_triggers(customers, orders, rules=rules, start="2025-12-01", end="2026-01-31", consent=None)
    fired = sorted(zip(log["customer_id"], log["date"].dt.strftime("%m-%d"), strict=True))
    assert fired == [("C2", "01-09"), ("C3", "12-30")]
    # C2's order of 12-01 is followed by one on 12-20, before its 20 days are up: no message on 12-21


def test_holdout_is_per_customer_reproducible_and_not_sent():
    customers = load_dataset("shop_customers")
    orders = load_dataset("shop_orders")
    log = simulate_triggers(customers, orders, start="2026-05-01", end="2026-05-31", holdout=0.2, seed=1)
    again = simulate_triggers(customers, orders, start="2026-05-01", end="2026-05-31", holdout=0.2, seed=1)
    pd.testing.assert_frame_equal(log, again)
    assert log.groupby("customer_id")["group"].nunique().max() == 1
    assert (log["sent"] == (log["group"] == "发送组")).all()
    assert 0.1 < log.attrs["report"]["对照组客户"] / len(customers) < 0.3
    allowed = set(customers.loc[customers["consent_marketing"], "customer_id"])
    assert set(log["customer_id"]) <= allowed
    assert log["date"].between("2026-05-01", "2026-05-31").all()


def test_orders_after_window_and_incomplete_observation():
    log = pd.DataFrame({"date": pd.to_datetime(["2026-03-01", "2026-03-01", "2026-03-01", "2026-08-20"]),
                        "customer_id": ["C1", "C2", "C3", "C1"]})
    orders = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C1"],
                           "status": ["已完成", "已完成", "退货", "已完成"],
                           "order_time": pd.to_datetime(["2026-03-01 20:00", "2026-03-31 10:00", "2026-03-05 00:00",
                                                         "2026-08-31 09:00"])})
    marked = orders_after(log, orders, days=30)
    assert marked["ordered_within"].tolist()[:3] == [False, True, False]  # same day does not count; returns do not
    assert marked["ordered_within"].tolist()[3] is True  # inside the (unfinished) window: it already came back
    log2 = log.iloc[:3].assign(date=pd.to_datetime("2026-08-15"))
    assert orders_after(log2, orders, days=30)["ordered_within"].isna().tolist() == [False, True, True]
    with pytest.raises(CRMDataError, match="days 参数"):
        orders_after(log, orders, days=0)


@pytest.mark.parametrize("change, fragment", [
    (lambda r: r.assign(event="周年"), "event"),
    (lambda r: r.assign(days=-1), "days"),
    (lambda r: r.assign(trigger="同名"), "重复"),
    (lambda r: r.drop(columns="message"), "message"),
])
def test_bad_rules_are_refused_in_chinese(change, fragment):
    customers, orders = small()
    with pytest.raises(CRMDataError, match=fragment):
        simulate_triggers(customers, orders, rules=change(default_rules()), start="2026-03-01", end="2026-03-31")


def test_bad_dates_and_holdout_are_refused():
    customers, orders = small()
    with pytest.raises(CRMDataError, match="早于"):
        simulate_triggers(customers, orders, start="2026-03-31", end="2026-03-01")
    with pytest.raises(CRMDataError, match="start 参数"):
        simulate_triggers(customers, orders, start="明天", end="2026-03-01")
    with pytest.raises(CRMDataError, match="holdout"):
        simulate_triggers(customers, orders, start="2026-03-01", end="2026-03-31", holdout=0.9)
    with pytest.raises(CRMDataError, match="重复的客户编号"):
        simulate_triggers(pd.concat([customers, customers]), orders, start="2026-03-01", end="2026-03-31")
