"""crm_lab.experiment: campaign ROI, A/B test confidence interval and z-test, sample size."""

import math

import pandas as pd
import pytest
from helpers import raises

from crm_lab import load_dataset
from crm_lab.experiment import ab_test, campaign_roi, sample_size


def ab_table(x_a, n_a, x_b, n_b):
    return pd.DataFrame({"ab_group": ["A组"] * n_a + ["B组"] * n_b,
                         "ordered": [True] * x_a + [False] * (n_a - x_a) + [True] * x_b + [False] * (n_b - x_b)})


def test_ab_test_matches_the_textbook_formulas():
    r = ab_test(ab_table(50, 1000, 80, 1000))
    se = math.sqrt(0.05 * 0.95 / 1000 + 0.08 * 0.92 / 1000)
    assert r["difference"] == pytest.approx(0.03)
    assert r["se"] == pytest.approx(se)
    assert r["ci_low"] == pytest.approx(0.03 - 1.959964 * se, abs=1e-6)
    assert r["ci_high"] == pytest.approx(0.03 + 1.959964 * se, abs=1e-6)
    pooled = math.sqrt(0.065 * 0.935 * 2 / 1000)
    assert r["z"] == pytest.approx(0.03 / pooled)
    assert r["p_value"] == pytest.approx(math.erfc(abs(r["z"]) / math.sqrt(2)))
    assert r["significant"] and "不包含 0" in r["conclusion"]


def test_interval_containing_zero_is_not_a_win():
    r = ab_test(ab_table(34, 1016, 49, 1016))
    assert r["ci_low"] < 0 < r["ci_high"] and r["p_value"] > 0.05
    assert not r["significant"] and "包含 0" in r["conclusion"]


def test_ab_test_control_and_treatment_can_be_named_and_yes_no_text_accepted():
    t = ab_table(50, 1000, 80, 1000)
    t["ordered"] = t["ordered"].map({True: "是", False: "否"})
    r = ab_test(t, control="B组", treatment="A组")
    assert r["difference"] == pytest.approx(-0.03) and r["significant"]
    assert r["control"] == "B组" and "B组的转化率确实更高" in r["conclusion"]


def test_ab_test_course_data():
    targets = load_dataset("campaign_targets")
    r = ab_test(targets[targets["campaign_id"] == "CP10"], converted="responded")
    assert r["n_control"] == r["n_treatment"] > 0 and r["significant"]


def test_ab_test_bad_input():
    raises(lambda: ab_test(pd.DataFrame({"ab_group": ["A", "B", "C"], "ordered": [1, 0, 1]})), "两个组", "A、B、C")
    raises(lambda: ab_test(ab_table(1, 10, 2, 10), control="C组"), "control", "A组")
    raises(lambda: ab_test(ab_table(1, 10, 2, 10), converted="x"), "x")
    raises(lambda: ab_test(ab_table(1, 10, 2, 10), confidence=95), "confidence", "0.05")


def test_sample_size_known_values_and_direction():
    assert sample_size(0.05, 0.01) == 8158  # 与 Fleiss 公式的常见在线计算器一致
    assert sample_size(0.05, 0.03) < sample_size(0.05, 0.01)
    assert sample_size(0.05, 0.01, power=0.9) > sample_size(0.05, 0.01)
    assert sample_size(0.05, -0.01) > 0


def test_sample_size_bad_input():
    raises(lambda: sample_size(0.033, 1.5), "difference", "0.015")
    raises(lambda: sample_size(3.3, 0.01), "baseline")
    raises(lambda: sample_size(0.05, 0), "difference")


def test_campaign_roi_counts_and_roi():
    campaigns = pd.DataFrame({"campaign_id": ["CP1", "CP2", "CP3"], "cost": [100.0, 50.0, 10.0]})
    targets = pd.DataFrame({"campaign_id": ["CP1"] * 4 + ["CP2"] * 2,
                            "responded": [True, True, False, False, True, False],
                            "ordered": [True, True, False, False, False, False],
                            "order_amount": [300.0, 100.0, None, None, None, None]})
    r = campaign_roi(campaigns, targets, margin=0.5)
    assert r.loc["CP1", "targeted"] == 4 and r.loc["CP1", "orders"] == 2
    assert r.loc["CP1", "roi"] == pytest.approx((400 * 0.5 - 100) / 100)
    assert r.loc["CP1", "cost_per_order"] == pytest.approx(50)
    assert r.loc["CP3", "targeted"] == 0 and math.isnan(r.loc["CP3", "response_rate"])
    assert campaign_roi(campaigns, targets).loc["CP1", "roi"] == pytest.approx(3.0)


def test_campaign_roi_course_data_adds_up():
    campaigns, targets = load_dataset("campaigns"), load_dataset("campaign_targets")
    r = campaign_roi(campaigns, targets, margin=0.4)
    assert r["targeted"].sum() == len(targets)
    assert r["revenue"].sum() == pytest.approx(targets["order_amount"].sum())


def test_campaign_roi_bad_input():
    campaigns = pd.DataFrame({"campaign_id": ["CP1"], "cost": [0.0]})
    targets = pd.DataFrame({"campaign_id": ["CP1"], "responded": [True], "ordered": [False], "order_amount": [None]})
    raises(lambda: campaign_roi(campaigns, targets), "cost", "CP1")
    raises(lambda: campaign_roi(campaigns.assign(cost=10.0), targets, margin=35), "margin")
    raises(lambda: campaign_roi(campaigns.assign(cost=10.0), targets.assign(campaign_id="CP9")), "CP9")
    raises(lambda: campaign_roi(campaigns.assign(cost=10.0), targets.drop(columns="ordered")), "ordered")
