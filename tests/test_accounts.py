"""crm_lab.accounts: multi-criteria account scores, contact coverage and the buying centre, including bad input."""

import pandas as pd
import pytest
from helpers import raises

from crm_lab import load_dataset
from crm_lab.accounts import BUYING_ROLES, account_scores, buying_centre, contact_coverage


@pytest.fixture
def table():
    return pd.DataFrame({"revenue": [100.0, 50.0, 0.0, 50.0], "days_overdue": [30.0, 0.0, 10.0, 0.0]},
                        index=["B1", "B2", "B3", "B4"])


def test_scores_are_min_max_then_weighted(table):
    result = account_scores(table, weights={"revenue": 0.75, "days_overdue": 0.25}, lower_is_better=["days_overdue"])
    assert result.loc["B1", "revenue_score"] == 100 and result.loc["B3", "revenue_score"] == 0
    assert result.loc["B1", "days_overdue_score"] == 0 and result.loc["B2", "days_overdue_score"] == 100
    assert result.loc["B3", "days_overdue_score"] == pytest.approx(100 * 20 / 30)
    assert result.loc["B2", "score"] == pytest.approx(0.75 * 50 + 0.25 * 100)
    assert result["score"].is_monotonic_decreasing
    assert result.loc["B1", "rank"] == 1
    assert result.loc["B2", "rank"] == result.loc["B4", "rank"] == 2  # ties share the rank
    assert result.loc["B3", "rank"] == 4
    assert set(result.index) == set(table.index)


def test_a_constant_criterion_scores_100_for_everyone(table):
    table["strategic"] = 3.0
    result = account_scores(table, weights={"revenue": 0.5, "strategic": 0.5})
    assert (result["strategic_score"] == 100).all()


@pytest.mark.parametrize("weights, fragment", [
    ({"revenue": 0.5, "days_overdue": 0.4}, "应该等于 1"),
    ({"revenue": 40, "days_overdue": 60}, "0.4"),
    ({"revenue": 1.2, "days_overdue": -0.2}, "不能为负"),
    ({"revenue": "高", "days_overdue": 0.5}, "应该是一个数"),
    ({"sales": 1.0}, "缺少这些列：sales"),
    ({}, "weights 应该是一个字典"),
])
def test_bad_weights_are_explained(table, weights, fragment):
    raises(lambda: account_scores(table, weights=weights), fragment)


def test_bad_columns_are_explained(table):
    table.loc["B2", "revenue"] = None
    raises(lambda: account_scores(table, weights={"revenue": 1.0}), "空值", "B2", "fillna(0)")
    text = pd.DataFrame({"revenue": ["多", "少"]})
    raises(lambda: account_scores(text, weights={"revenue": 1.0}), "不是数字")
    raises(lambda: account_scores(table.iloc[:0], weights={"revenue": 1.0}), "是空的")
    raises(lambda: account_scores(table.fillna(0), weights={"revenue": 1.0}, lower_is_better=["profit"]),
           "lower_is_better")


def test_contact_coverage_counts_roles_and_finds_missing_deciders():
    contacts = pd.DataFrame({"account_id": ["B1", "B1", "B1", "B2"], "role": ["决策者", "采购者", "采购者", "使用者"]})
    cov = contact_coverage(contacts, accounts=["B2", "B1", "B9"])
    assert list(cov.index) == ["B2", "B1", "B9"]
    assert list(cov.columns[:5]) == list(BUYING_ROLES)
    assert cov.loc["B1", "采购者"] == 2 and cov.loc["B1", "contacts"] == 3
    assert cov["has_decision_maker"].tolist() == [False, True, False]
    assert cov["missing"].tolist() == ["决策者", "", "决策者"]
    both = contact_coverage(contacts, required=("决策者", "影响者"))
    assert both.loc["B1", "missing"] == "影响者" and both.loc["B2", "missing"] == "决策者、影响者"


def test_contact_coverage_on_the_course_data_matches_a_direct_count():
    contacts, accounts = load_dataset("b2b_contacts"), load_dataset("b2b_accounts")
    cov = contact_coverage(contacts, accounts=accounts["account_id"])
    deciders = set(contacts.loc[contacts["role"] == "决策者", "account_id"])
    assert set(cov.index[cov["has_decision_maker"]]) == deciders
    assert cov["contacts"].sum() == len(contacts)


def test_contact_coverage_rejects_unknown_roles():
    contacts = pd.DataFrame({"account_id": ["B1"], "role": ["拍板人"]})
    raises(lambda: contact_coverage(contacts), "不认识的角色", "拍板人")
    raises(lambda: contact_coverage(contacts.rename(columns={"role": "角色"})), "缺少这些列：role")
    raises(lambda: contact_coverage(pd.DataFrame({"account_id": ["B1"], "role": ["决策者"]}), accounts=[]), "是空的")
    raises(lambda: contact_coverage(contacts, required=("老板",)), "required")


def test_buying_centre_orders_roles_and_counts_touches():
    contacts = pd.DataFrame({"contact_id": ["K1", "K2", "K3", "K4"], "account_id": ["B1", "B1", "B1", "B2"],
                             "name": ["甲", "乙", "丙", "丁"], "role": ["采购者", "使用者", "决策者", "决策者"]})
    acts = pd.DataFrame({"contact_id": ["K1", "K1", "K3", "K4"],
                         "activity_date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"])})
    centre = buying_centre(contacts, "B1", activities=acts)
    assert centre["role"].tolist() == ["决策者", "使用者", "采购者"]
    assert centre["touches"].tolist() == [1, 0, 2]
    assert centre.loc[2, "last_touch"] == pd.Timestamp("2025-02-01")
    assert pd.isna(centre.loc[1, "last_touch"])
    assert centre.attrs["missing_roles"] == ["影响者", "把关者"]
    assert "touches" not in buying_centre(contacts, "B1").columns
    raises(lambda: buying_centre(contacts, "B7"), "没有客户 'B7'")
    raises(lambda: buying_centre(contacts, "B1", activities=acts.drop(columns="activity_date")),
           "缺少这些列：activity_date")


def test_rank_method_is_not_squeezed_by_one_giant(table):
    result = account_scores(table, weights={"revenue": 1.0}, method="rank")
    assert result.loc["B1", "revenue_score"] == 100 and result.loc["B3", "revenue_score"] == 0
    assert result.loc["B2", "revenue_score"] == pytest.approx(50)  # B2 and B4 tie: average rank 2.5 of 4
    table.loc["B1", "revenue"] = 1e9
    assert account_scores(table, weights={"revenue": 1.0}, method="rank")["revenue_score"].equals(
        result["revenue_score"])
    squeezed = account_scores(table, weights={"revenue": 1.0})
    assert squeezed.loc["B2", "revenue_score"] < 0.01
    low = account_scores(table, weights={"days_overdue": 1.0}, lower_is_better=["days_overdue"], method="rank")
    assert low.loc["B1", "days_overdue_score"] == 0
    raises(lambda: account_scores(table, weights={"revenue": 1.0}, method="zscore"), "method", "rank")
