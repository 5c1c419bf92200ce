"""crm_lab.value, advanced part: LRFMC (airline case), BG/NBD + Gamma-Gamma, checked against the published CDNOW fit."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import raises
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_lab import load_dataset
from crm_lab.value import (
    DAYS_PER_CLV_MONTH,
    LRFMC_COLUMNS,
    bgnbd_log_likelihood,
    clv_bgnbd_gg,
    expected_average_value,
    expected_purchases,
    fit_bgnbd,
    fit_gamma_gamma,
    lrfmc_table,
    probability_alive,
    rfm_table,
    summary_from_transactions,
)

PROPERTY = settings(max_examples=40, deadline=None, database=None)

# Fader, Hardie & Lee (2005), "Counting your customers the easy way", section 5: CDNOW cohort, 2,357 customers,
# 39 weeks of calibration data. Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value", on the 946
# customers of the same cohort with repeat purchases; the note also reports corr(x, z̄) = 0.11.
CDNOW_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
CDNOW_BGNBD_LL = -9582.4
CDNOW_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}



# ------------------------------------------------------------------------------------------- LRFMC


def airline_members() -> pd.DataFrame:
    """Seven members in the classic air_data.csv layout (upper-case names), LAST_TO_END in days."""
    return pd.DataFrame({
        "MEMBER_NO": [101, 102, 103, 104, 105, 106, 107],
        "FFP_DATE": ["2005-03-16", "2010-11-01", "2013-01-20", "2012-06-30", "2011-02-11", "2009-09-09", "2013-12-01"],
        "LOAD_TIME": ["2014-03-31"] * 7,
        "LAST_TO_END": [1, 120, 30, 10, 600, 45, 5],
        "FLIGHT_COUNT": [210, 14, 5, 0, 3, 22, 2],
        "SEG_KM_SUM": [580717, 28000, 9300, 0, 4100, 45000, 3000],
        "avg_discount": [0.961639, 0.62, 1.35, 0.0, 0.45, 0.88, 0.7],
        "SUM_YR_1": [239560.0, 12000.0, None, 0.0, 0.0, 0.0, 900.0],
        "SUM_YR_2": [234188.0, 8000.0, 3000.0, 0.0, 0.0, 0.0, 0.0],
    })


def plain_lrfmc(members: pd.DataFrame, divisor: float) -> pd.DataFrame:
    """What a student following the textbook writes: clean, build L R F M C, standardise with pandas."""
    data = members[members["SUM_YR_1"].notna() & members["SUM_YR_2"].notna()]
    keep = (data["SUM_YR_1"] != 0) | (data["SUM_YR_2"] != 0) | ((data["SEG_KM_SUM"] == 0) & (data["avg_discount"] == 0))
    data = data[keep & (data["FLIGHT_COUNT"] > 0)]
    days = (pd.to_datetime(data["LOAD_TIME"]) - pd.to_datetime(data["FFP_DATE"])).dt.days
    table = pd.DataFrame({"L": days / divisor, "R": data["LAST_TO_END"] / divisor, "F": data["FLIGHT_COUNT"],
                          "M": data["SEG_KM_SUM"].astype(float), "C": data["avg_discount"]})
    table.index = pd.Index(data["MEMBER_NO"], name="MEMBER_NO")
    return table


CLASSIC = {"join_date": "FFP_DATE", "load_time": "LOAD_TIME", "last_flight": "LAST_TO_END", "flights": "FLIGHT_COUNT",
           "mileage": "SEG_KM_SUM", "avg_discount": "avg_discount", "member": "MEMBER_NO"}


@pytest.mark.parametrize(("unit", "divisor"), [("months", 30), ("days", 1)])
def test_lrfmc_matches_the_textbook_computation(unit, divisor):
    members = airline_members()
    result = lrfmc_table(members, **CLASSIC, fare=["SUM_YR_1", "SUM_YR_2"], unit=unit)
    expected = plain_lrfmc(members, divisor)
    pd.testing.assert_frame_equal(result[LRFMC_COLUMNS], expected, check_dtype=False)
    assert result.index.tolist() == [101, 102, 107]  # 103 no fare, 104 never flew, 105 and 106 free tickets
    report = result.attrs["report"]
    assert report["输入行数"] == 7
    assert report["排除的票价缺失行"] == 1
    assert report["排除的票价为0的行"] == 2  # 104 has fare 0 but no miles and no discount: the fare rule keeps it …
    assert report["排除的没有乘机的行"] == 1  # … and it is counted as a member who never flew
    assert report["排除的缺失值行"] == {}
    assert report["计入的会员数"] == 3
    assert report["观测窗口结束"] == pd.Timestamp("2014-03-31")
    # M1 (101): 2005-03-16 .. 2014-03-31 is 3302 days
    assert result.loc[101, "L"] == pytest.approx(3302 / divisor)


def test_lrfmc_without_fares_counts_members_who_never_flew_and_missing_values():
    members = airline_members().drop(columns=["SUM_YR_1", "SUM_YR_2"])
    members.loc[2, "avg_discount"] = np.nan
    members.loc[5, "FFP_DATE"] = None
    result = lrfmc_table(members, **CLASSIC)
    assert result.index.tolist() == [101, 102, 105, 107]
    report = result.attrs["report"]
    assert report["排除的缺失值行"] == {"FFP_DATE": 1, "avg_discount": 1}
    assert report["排除的没有乘机的行"] == 1
    assert report["排除的票价缺失行"] == 0 and report["排除的票价为0的行"] == 0
    assert report["计入的会员数"] == 4
    assert report["输入行数"] == 7


def test_lrfmc_last_flight_as_dates_and_load_time_as_a_date_give_the_same_table():
    members = airline_members()
    by_days = lrfmc_table(members, **CLASSIC, fare=["SUM_YR_1", "SUM_YR_2"])
    dated = members.drop(columns="LOAD_TIME")
    dated["LAST_FLIGHT_DATE"] = (pd.Timestamp("2014-03-31") - pd.to_timedelta(members["LAST_TO_END"], unit="D"))
    by_dates = lrfmc_table(dated, **dict(CLASSIC, last_flight="LAST_FLIGHT_DATE", load_time="2014/3/31"),
                           fare=["SUM_YR_1", "SUM_YR_2"])
    pd.testing.assert_frame_equal(by_days, by_dates)
    # default index when no member column is given: the table's own row labels
    assert lrfmc_table(members, **dict(CLASSIC, member=None), fare=["SUM_YR_1", "SUM_YR_2"]).index.tolist() == [0, 1, 6]


@PROPERTY
@given(st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 400), st.integers(1, 300), st.integers(0, 10**6),
                          st.floats(0.01, 1.5)), min_size=2, max_size=40))
def test_lrfmc_standardised_columns_have_mean_0_and_std_1(rows):
    join_days, last_days, flights, km, discount = map(list, zip(*rows, strict=True))
    end = pd.Timestamp("2014-03-31")
    members = pd.DataFrame({
        "ffp_date": end - pd.to_timedelta([j + 400 for j in join_days], unit="D"),
        "last_flight_date": end - pd.to_timedelta(last_days, unit="D"),
        "flight_count": flights, "seg_km_sum": km, "avg_discount": discount,
    })
    constant = [c for c, v in zip(LRFMC_COLUMNS, [join_days, last_days, flights, km, discount], strict=True)
                if len(set(v)) == 1]
    if constant:
        with pytest.warns(UserWarning, match="无法标准化"):
            result = lrfmc_table(members, load_time="2014-03-31")
    else:
        result = lrfmc_table(members, load_time="2014-03-31")
    for column in LRFMC_COLUMNS:
        z = result[f"Z{column}"]
        if column in constant:
            assert (z == 0).all()
        else:
            assert z.mean() == pytest.approx(0, abs=1e-9)
            assert z.std() == pytest.approx(1, rel=1e-9)
            np.testing.assert_allclose(z, (result[column] - result[column].mean()) / result[column].std())
    assert result["R"].ge(0).all() and result["L"].ge(result["R"]).all()


def test_lrfmc_without_standardising():
    result = lrfmc_table(airline_members(), **CLASSIC, fare=["SUM_YR_1", "SUM_YR_2"], standardise=False)
    assert list(result.columns) == LRFMC_COLUMNS
    assert "标准化" not in result.attrs["report"]


def test_lrfmc_bad_input():
    members = airline_members()

    def call(frame=None, **changes):
        return lambda: lrfmc_table(members if frame is None else frame, **{**CLASSIC, **changes})

    raises(call(members.drop(columns="SEG_KM_SUM")), "会员表（members 参数）缺少这些列：SEG_KM_SUM")
    raises(call(unit="years"), "unit 只能是", '"months"', "'years'")
    raises(call(standardise="yes"), "standardise 应该是 True 或 False")
    raises(call(members.iloc[0:0]), "是空的")
    raises(call(members["FFP_DATE"]), "应该是 pandas 的 DataFrame", "Series")
    raises(call(members.assign(SEG_KM_SUM=[100, -5, 0, 0, 1, 1, 1])), "飞行里程列 SEG_KM_SUM 有负数", "行 1（-5）")
    raises(call(members.assign(SEG_KM_SUM=["1", "很多", "0", "0", "1", "1", "1"])),
           "列 SEG_KM_SUM 有 1 个值不是数字", "行 1（'很多'）")
    raises(call(members.assign(avg_discount=[0.9, 85, 1.0, 0.0, 0.5, 0.5, 0.5])),
           "平均折扣列 avg_discount 应该大于 0、不大于 1.5", "行 1（85.0）", "除以 100")
    raises(call(members.assign(avg_discount=[0.9, 0.0, 1.0, 0.0, 0.5, 0.5, 0.5])), "平均折扣列", "行 1（0.0）")
    raises(call(members.assign(FLIGHT_COUNT=[3, -1, 1, 0, 1, 1, 1])), "乘机次数列 FLIGHT_COUNT 应该是 0 或正整数",
           "行 1（-1）")
    raises(call(members.assign(FLIGHT_COUNT=[3, 1.5, 1, 0, 1, 1, 1])), "乘机次数列", "行 1（1.5）")
    raises(call(members.assign(FFP_DATE=["2015-01-01", *members["FFP_DATE"][1:]])),
           "入会日期（列 FFP_DATE）晚于观测窗口结束时间 2014-03-31", "行 0（'2015-01-01'）")
    raises(call(members.assign(LAST_TO_END=[1, -3, 1, 1, 1, 1, 1])),
           "列 LAST_TO_END（最后一次乘机距观测结束的天数）有负数", "行 1（-3）")
    raises(call(members.assign(LAST_TO_END=[1, 5000, 1, 1, 1, 1, 1])), "最后一次乘机早于入会日期", "行 1（5000）")
    dated = members.assign(LAST_FLIGHT_DATE=["2014-04-02", *["2014-03-01"] * 6])
    raises(call(dated, last_flight="LAST_FLIGHT_DATE"), "最后一次乘机（列 LAST_FLIGHT_DATE）晚于观测窗口结束时间",
           "行 0（'2014-04-02'）")
    raises(call(members.assign(FFP_DATE=["2014-13-01", *members["FFP_DATE"][1:]])), "认不出的日期", "'2014-13-01'")
    raises(call(load_time="观测结束"), "load_time='观测结束' 既不是会员表里的列，也不是能识别的日期")
    raises(call(members.assign(MEMBER_NO=[1, 1, 2, 3, 4, 5, 6])), "会员编号列 MEMBER_NO 有重复",
           "行 0（1）", "行 1（1）")
    raises(call(members.assign(FLIGHT_COUNT=[0] * 7)), "没有剩下任何会员")
    raises(call(fare="SUM_YR_3"), "缺少这些列：SUM_YR_3")


# --------------------------------------------------------------------------------- CDNOW reference


def cdnow_summary() -> pd.DataFrame:
    """The CDNOW calibration summary shipped inside the lifetimes wheel (found without importing lifetimes)."""
    spec = importlib.util.find_spec("lifetimes")
    assert spec is not None and spec.submodule_search_locations, (
        "the CDNOW sample data comes with the lifetimes package: pip install -e '.[dev]'"
    )
    folder = Path(next(iter(spec.submodule_search_locations))) / "datasets"
    path = folder / "cdnow_customers_summary_with_transactions.csv"
    table = pd.read_csv(path, index_col="ID")
    return table.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})


@pytest.fixture(scope="module")
def cdnow():
    summary = cdnow_summary()
    assert len(summary) == 2357 and (summary["frequency"] > 0).sum() == 946
    return summary


def test_bgnbd_reproduces_the_published_cdnow_fit(cdnow):
    params = fit_bgnbd(cdnow)
    for name, published in CDNOW_BGNBD.items():
        assert params[name] == pytest.approx(published, rel=0.005), name  # published to 3 decimals
    ll = params.attrs["report"]["对数似然"]
    assert ll == pytest.approx(CDNOW_BGNBD_LL, abs=0.05)
    assert ll == pytest.approx(bgnbd_log_likelihood(params, cdnow))
    assert ll >= bgnbd_log_likelihood(CDNOW_BGNBD, cdnow) - 1e-9  # no worse than the published parameters
    assert params.attrs["report"]["收敛"] is True
    assert params.attrs["report"]["客户数"] == 2357 and params.attrs["report"]["有重复购买的客户"] == 946


def test_gamma_gamma_reproduces_the_published_cdnow_fit(cdnow):
    params = fit_gamma_gamma(cdnow)
    for name, published in CDNOW_GAMMA_GAMMA.items():
        assert params[name] == pytest.approx(published, rel=0.005), name
    report = params.attrs["report"]
    assert report["客户数"] == 946 and report["排除的只买过一次的客户"] == 1411
    assert report["频率与客单价的相关系数"] == pytest.approx(0.11, abs=0.005)
    repeat = cdnow[cdnow["frequency"] > 0]
    assert report["频率与客单价的相关系数"] == pytest.approx(repeat["frequency"].corr(repeat["monetary_value"]))


# Independent code path: the closed forms of the paper with math.lgamma and a plain power series for 2F1.

def hypergeometric_2f1(a, b, c, z, terms=2000):
    total, term = 1.0, 1.0
    for k in range(terms):
        term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
        total += term
    return total


def paper_p_alive(p, x, t_x, big_t):
    if x == 0:
        return 1.0
    return 1 / (1 + p["a"] / (p["b"] + x - 1) * ((p["alpha"] + big_t) / (p["alpha"] + t_x)) ** (p["r"] + x))


def paper_conditional_expectation(p, t, x, t_x, big_t):
    r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
    hyp = hypergeometric_2f1(r + x, b + x, a + b + x - 1, t / (alpha + big_t + t))
    top = (a + b + x - 1) / (a - 1) * (1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp)
    return top * paper_p_alive(p, x, t_x, big_t)


def paper_log_likelihood(p, x, t_x, big_t):
    r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
    log_beta = lambda u, v: math.lgamma(u) + math.lgamma(v) - math.lgamma(u + v)  # noqa: E731
    gamma_part = math.lgamma(r + x) - math.lgamma(r) + r * math.log(alpha)
    value = math.exp(log_beta(a, b + x) - log_beta(a, b) + gamma_part - (r + x) * math.log(alpha + big_t))
    if x > 0:
        value += math.exp(log_beta(a + 1, b + x - 1) - log_beta(a, b) + gamma_part - (r + x) * math.log(alpha + t_x))
    return math.log(value)


def test_p_alive_expected_purchases_and_likelihood_match_the_paper_formulas(cdnow):
    sample = cdnow.iloc[[0, 1, 2, 10, 100, 500, 1000, 2000]]
    sample = pd.concat([sample, cdnow[cdnow["frequency"] == cdnow["frequency"].max()].head(1)])
    alive = probability_alive(CDNOW_BGNBD, sample)
    expected = expected_purchases(CDNOW_BGNBD, 39, sample)
    for (label, row), p_alive, purchases in zip(sample.iterrows(), alive, expected, strict=True):
        x, t_x, big_t = int(row["frequency"]), row["recency"], row["T"]
        assert p_alive == pytest.approx(paper_p_alive(CDNOW_BGNBD, x, t_x, big_t), rel=1e-10), label
        assert purchases == pytest.approx(paper_conditional_expectation(CDNOW_BGNBD, 39, x, t_x, big_t),
                                          rel=1e-8), label
    assert alive.name == "p_alive" and alive.index.equals(sample.index)
    total = sum(paper_log_likelihood(CDNOW_BGNBD, int(x), t_x, t)
                for x, t_x, t in sample[["frequency", "recency", "T"]].itertuples(index=False))
    assert bgnbd_log_likelihood(CDNOW_BGNBD, sample) == pytest.approx(total, rel=1e-12)


def test_expected_purchases_of_a_new_customer_is_the_limit_of_a_fresh_customer():
    # E[X(t)] (eq. 9) equals the conditional expectation for someone with x = 0 observed for T → 0.
    r, alpha, a, b = CDNOW_BGNBD.values()
    t = 39.0
    series = hypergeometric_2f1(r, b, a + b - 1, t / (alpha + t))
    by_hand = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * series)
    assert expected_purchases(CDNOW_BGNBD, t) == pytest.approx(by_hand, rel=1e-8)
    fresh = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [0.0]})
    assert expected_purchases(CDNOW_BGNBD, t, fresh).iloc[0] == pytest.approx(by_hand, rel=1e-8)
    assert expected_purchases(CDNOW_BGNBD, 10) < expected_purchases(CDNOW_BGNBD, 20)


def test_expected_average_value_is_the_weighted_mean_of_the_paper():
    p, q, gamma = CDNOW_GAMMA_GAMMA.values()
    summary = pd.DataFrame({"frequency": [1, 5, 0], "monetary_value": [40.0, 10.0, 0.0]}, index=["A", "B", "C"])
    value = expected_average_value(CDNOW_GAMMA_GAMMA, summary)
    population = p * gamma / (q - 1)
    for label, x, zbar in [("A", 1, 40.0), ("B", 5, 10.0)]:
        assert value[label] == pytest.approx((gamma + x * zbar) * p / (p * x + q - 1))
        weight = p * x / (p * x + q - 1)
        assert value[label] == pytest.approx((1 - weight) * population + weight * zbar)
    assert value["C"] == pytest.approx(population)  # one-time buyers get the population mean
    assert value.name == "expected_average_value"


def test_clv_is_the_discounted_sum_of_monthly_purchases(cdnow):
    sample = cdnow.iloc[:6]
    month = DAYS_PER_CLV_MONTH / 7
    result = clv_bgnbd_gg(CDNOW_BGNBD, CDNOW_GAMMA_GAMMA, sample, months=6, monthly_discount_rate=0.02, margin=0.3,
                          time_unit="weeks")
    value = expected_average_value(CDNOW_GAMMA_GAMMA, sample)
    for label, row in sample.iterrows():
        x, t_x, big_t = int(row["frequency"]), row["recency"], row["T"]
        cumulative = [0.0] + [paper_conditional_expectation(CDNOW_BGNBD, i * month, x, t_x, big_t) for i in range(1, 7)]
        discounted = sum((cumulative[i] - cumulative[i - 1]) / 1.02**i for i in range(1, 7))
        assert result.loc[label, "clv"] == pytest.approx(0.3 * value[label] * discounted, rel=1e-8)
        assert result.loc[label, "expected_purchases"] == pytest.approx(cumulative[-1], rel=1e-8)
    no_discount = clv_bgnbd_gg(CDNOW_BGNBD, CDNOW_GAMMA_GAMMA, sample, months=6, monthly_discount_rate=0,
                               time_unit="weeks")
    np.testing.assert_allclose(no_discount["clv"], no_discount["expected_purchases"] * value)
    assert list(result.columns) == ["p_alive", "expected_purchases", "expected_average_value", "clv"]


# ------------------------------------------------------------------------- summary_from_transactions


@st.composite
def purchases(draw):
    n = draw(st.integers(1, 40))
    return pd.DataFrame({
        "customer_id": draw(st.lists(st.sampled_from(["A", "B", "C", "D"]), min_size=n, max_size=n)),
        "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(
            draw(st.lists(st.integers(0, 120), min_size=n, max_size=n)), unit="D")
        + pd.to_timedelta(draw(st.lists(st.integers(0, 86399), min_size=n, max_size=n)), unit="s"),
        "amount": draw(st.lists(st.floats(0.01, 1000, allow_nan=False), min_size=n, max_size=n)),
    })


@PROPERTY
@given(purchases(), st.sampled_from(["days", "weeks"]))
def test_summary_matches_a_plain_pandas_computation(orders, unit):
    summary = summary_from_transactions(orders, unit=unit, duplicates="keep")
    per_unit = 7 if unit == "weeks" else 1
    orders = orders.assign(day=orders["order_date"].dt.normalize())
    daily = orders.groupby(["customer_id", "day"])["amount"].sum().reset_index()
    end = orders["day"].max()
    for customer, days in daily.groupby("customer_id"):
        days = days.sort_values("day")
        row = summary.loc[customer]
        assert row["frequency"] == len(days) - 1
        assert row["recency"] == pytest.approx((days["day"].max() - days["day"].min()).days / per_unit)
        assert row["T"] == pytest.approx((end - days["day"].min()).days / per_unit)
        expected_m = days["amount"].iloc[1:].mean() if len(days) > 1 else 0.0
        assert row["monetary_value"] == pytest.approx(expected_m)
    assert summary.index.tolist() == sorted(orders["customer_id"].unique())
    assert summary.attrs["report"]["只买过一次的客户"] == int((summary["frequency"] == 0).sum())
    assert summary.attrs["time_unit"] == unit


def test_summary_on_the_course_orders_excludes_returns_and_feeds_the_models():
    orders = load_dataset("shop_orders")
    summary = summary_from_transactions(orders, date="order_time", status="status", unit="weeks",
                                        observation_end="2026-09-30")
    report = summary.attrs["report"]
    assert report["排除的退货/取消行"] == int(orders["status"].isin(["退货", "已取消"]).sum())
    assert report["观测结束"] == pd.Timestamp("2026-09-30")
    assert (summary["recency"] <= summary["T"]).all()
    done = orders[orders["status"] == "已完成"]
    assert len(summary) == done["customer_id"].nunique()
    clv = clv_bgnbd_gg(fit_bgnbd(summary), fit_gamma_gamma(summary), summary)  # time unit read from attrs
    assert clv["p_alive"].between(0, 1).all() and (clv["clv"] >= 0).all()
    assert clv.index.equals(summary.index)


def test_summary_bad_input():
    orders = pd.DataFrame({"customer_id": ["C1", "C2"], "order_date": ["2024-01-01", "2024-02-01"],
                           "amount": [10.0, 20.0]})
    raises(lambda: summary_from_transactions(orders.drop(columns="amount")), "缺少这些列：amount")
    raises(lambda: summary_from_transactions(orders.assign(amount=[10.0, -5.0])), "金额小于或等于 0", "行 1（-5.0）")
    raises(lambda: summary_from_transactions(orders, observation_end="2024-01-15"),
           "观测结束日期 2024-01-15 之后", "行 1", "2024-02-01 或更晚")
    raises(lambda: summary_from_transactions(orders, unit="months"), "unit 只能是", '"weeks"')
    raises(lambda: summary_from_transactions(orders.assign(order_date=["2024-01-01", "下周"])), "认不出的日期")


# ------------------------------------------------------------------------------- model bad input


def test_one_time_buyers_only():
    only_once = pd.DataFrame({"frequency": [0, 0, 0], "recency": [0.0, 0.0, 0.0], "T": [10.0, 20.0, 5.0],
                              "monetary_value": [0.0, 0.0, 0.0]})
    raises(lambda: fit_bgnbd(only_once), "没有一位客户有重复购买")
    raises(lambda: fit_gamma_gamma(only_once), "只有 0 位客户有重复购买")
    raises(lambda: fit_gamma_gamma(only_once.assign(frequency=[1, 0, 0], monetary_value=[5.0, 0, 0])),
           "只有 1 位客户有重复购买")
    # P(alive) of someone who bought once is 1 and their expected value is the population mean
    assert probability_alive(CDNOW_BGNBD, only_once).tolist() == [1.0, 1.0, 1.0]


def test_gamma_gamma_warns_when_frequency_and_value_are_correlated():
    rng = np.random.default_rng(3)
    x = rng.integers(1, 20, size=300)
    summary = pd.DataFrame({"frequency": x, "monetary_value": 5.0 * x + rng.gamma(2.0, 2.0, size=300)})
    with pytest.warns(UserWarning, match="相关系数是 0.9"):
        params = fit_gamma_gamma(summary)
    assert params.attrs["report"]["频率与客单价的相关系数"] > 0.9


def test_summary_columns_are_checked():
    good = pd.DataFrame({"frequency": [1, 0], "recency": [5.0, 0.0], "T": [10.0, 8.0], "monetary_value": [3.0, 0.0]})
    raises(lambda: fit_bgnbd(good.drop(columns="T")), "汇总表（summary 参数）缺少这些列：T")
    raises(lambda: fit_bgnbd(good.assign(recency=[12.0, 0.0])), "recency（第一次到最后一次购买）大于 T", "行 0（12.0）")
    raises(lambda: fit_bgnbd(good.assign(recency=[5.0, 2.0])), "没有重复购买（frequency 为 0），recency 却大于 0",
           "行 1（2.0）", "总次数 − 1")
    raises(lambda: fit_bgnbd(good.assign(frequency=[1.5, 0])), "应该是 0 或正整数", "行 0（1.5）")
    raises(lambda: fit_bgnbd(good.assign(frequency=[-1, 0])), "应该是 0 或正整数", "行 0（-1）")
    raises(lambda: fit_bgnbd(good.assign(T=[10.0, -1.0])), "有负数", "行 1")
    raises(lambda: fit_bgnbd(good.assign(T=[10.0, None])), "列 T 有 1 个空值", "行 1")
    raises(lambda: fit_bgnbd(good.iloc[0:0]), "是空的")
    raises(lambda: fit_gamma_gamma(good.assign(frequency=[1, 2], monetary_value=[3.0, -1.0])),
           "平均金额 ≤ 0", "行 1（-1.0）", "status=")
    raises(lambda: fit_gamma_gamma(good.drop(columns="monetary_value")), "缺少这些列：monetary_value")


def test_model_parameters_and_options_are_checked():
    summary = pd.DataFrame({"frequency": [1], "recency": [5.0], "T": [10.0], "monetary_value": [3.0]})
    raises(lambda: probability_alive(CDNOW_GAMMA_GAMMA, summary), "BG/NBD 模型的参数缺少 r, alpha, a, b", "传反了")
    raises(lambda: expected_average_value(CDNOW_BGNBD, summary), "Gamma-Gamma 模型的参数缺少 p, q, gamma")
    raises(lambda: probability_alive(dict(CDNOW_BGNBD, a=-1), summary), "参数 a 应该是正数", "-1")
    raises(lambda: probability_alive([0.2, 4, 0.8, 2.4], summary), "应该是 fit_* 函数的结果", "list")
    raises(lambda: expected_purchases(CDNOW_BGNBD, 0), "t 是预测的时长", "大于 0")
    raises(lambda: expected_average_value(dict(CDNOW_GAMMA_GAMMA, q=0.9), summary), "q = 0.9 ≤ 1")
    clv = lambda **kw: clv_bgnbd_gg(CDNOW_BGNBD, CDNOW_GAMMA_GAMMA, summary, **kw)  # noqa: E731
    raises(lambda: clv(), 'time_unit="days"', 'time_unit="weeks"')
    raises(lambda: clv(time_unit="months"), "time_unit 只能是")
    raises(lambda: clv(time_unit="weeks", months=0), "months（预测几个月）应该是正整数")
    raises(lambda: clv(time_unit="weeks", monthly_discount_rate=10), "monthly_discount_rate", "请写 0.1")
    raises(lambda: clv(time_unit="weeks", margin=0), "margin", "大于 0")


# ------------------------------------------------------------- rfm_table speed-ups keep the results


@PROPERTY
@given(st.lists(st.tuples(st.sampled_from(["C1", "C2", " ", None]), st.sampled_from(["2024-01-01", "2024-01-02"]),
                          st.sampled_from([1.0, 2.0]), st.sampled_from(["x", "y"]),
                          st.sampled_from(["已完成", " RETURNED ", "退货", None])), min_size=1, max_size=30))
def test_duplicates_blank_customers_and_statuses_match_plain_pandas(rows):
    table = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount", "note", "status"])
    returned = table["status"].map(lambda v: isinstance(v, str) and v.strip().casefold() in {"returned", "退货"})
    blank = table["customer_id"].map(lambda v: not isinstance(v, str) or not v.strip())
    if (returned | blank).all():
        raises(lambda: rfm_table(table, status="status", duplicates="keep"), "没有剩下任何交易")
        return
    rfm = rfm_table(table, status="status", duplicates="keep")
    report = rfm.attrs["report"]
    assert report["重复行"] == int(table.duplicated().sum())
    assert report["排除的退货/取消行"] == int(returned.sum())
    assert report["排除的缺少客户编号行"] == int((blank & ~returned).sum())
    kept = table[~(returned | blank)]
    assert rfm["monetary"].to_dict() == kept.groupby("customer_id")["amount"].sum().to_dict()
    dedup = table.drop_duplicates()
    kept_dedup = dedup[~(returned | blank)[dedup.index]]
    if not kept_dedup.empty:
        dropped = rfm_table(table, status="status", duplicates="drop")
        assert dropped["frequency"].to_dict() == kept_dedup.groupby("customer_id").size().to_dict()


def test_lrfmc_of_the_course_airline_members_gives_the_five_textbook_groups():
    from crm_lab.segment import LRFMC_CLUSTER_RULES, cluster_profile, kmeans_segments, name_clusters

    lrfmc = lrfmc_table(load_dataset("airline_members"), member="member_id")
    assert lrfmc.attrs["report"]["计入的会员数"] == len(lrfmc) == 6000
    segmented = kmeans_segments(lrfmc, k=5, columns=["ZL", "ZR", "ZF", "ZM", "ZC"])
    named = name_clusters(cluster_profile(segmented, columns=LRFMC_COLUMNS), rules=LRFMC_CLUSTER_RULES)
    assert sorted(named["name"]) == sorted(["重要保持客户", "重要发展客户", "重要挽留客户", "一般客户", "低价值客户"])
    keep = named.set_index("name").loc["重要保持客户"]
    assert keep["F"] == named["F"].max() and keep["M"] == named["M"].max()
