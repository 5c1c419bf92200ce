"""The airline case (m7_3_airline): the LRFMC clustering the notebook teaches is stable and its names make sense.

Same pipeline as the notebook: textbook cleaning with the fare columns, z-scores, k-means k=5, named by
LRFMC_CLUSTER_RULES. A change to the data generator, the cleaning rules or the clustering helpers that would
change what students read off the radar chart fails here.
"""

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from crm_lab import load_dataset
from crm_lab.segment import LRFMC_CLUSTER_RULES, cluster_profile, kmeans_segments, name_clusters
from crm_lab.synth_cases import airline_planted_groups
from crm_lab.value import LRFMC_COLUMNS, lrfmc_table


@pytest.fixture(scope="module")
def members():
    return load_dataset("airline_members")


@pytest.fixture(scope="module")
def lrfmc(members):
    return lrfmc_table(members, member="member_id", fare=["sum_yr_1", "sum_yr_2"])


def named_groups(lrfmc, *, random_state=0):
    segmented = kmeans_segments(lrfmc, columns=LRFMC_COLUMNS, k=5, random_state=random_state)
    names = name_clusters(cluster_profile(segmented, columns=LRFMC_COLUMNS), rules=LRFMC_CLUSTER_RULES)["name"]
    return segmented, segmented["cluster"].map(names)


def test_cleaning_rules_exclude_and_count_the_missing_and_zero_fares(members, lrfmc):
    report = lrfmc.attrs["report"]
    missing = members[["sum_yr_1", "sum_yr_2"]].isna().any(axis=1)
    zero = ~missing & members["sum_yr_1"].eq(0) & members["sum_yr_2"].eq(0)
    assert report["排除的票价缺失行"] == missing.sum() > 0
    assert report["排除的票价为0的行"] == zero.sum() > 0
    assert report["计入的会员数"] == len(lrfmc) == len(members) - missing.sum() - zero.sum()
    assert not lrfmc.index.isin(members.loc[missing | zero, "member_id"]).any()


def test_same_seed_gives_the_same_clusters_and_sizes(lrfmc):
    first, first_names = named_groups(lrfmc)
    second, second_names = named_groups(lrfmc)
    pd.testing.assert_series_equal(first["cluster"], second["cluster"])
    sizes = first_names.value_counts()
    assert sizes.to_dict() == second_names.value_counts().to_dict()
    assert set(sizes.index) == set(LRFMC_CLUSTER_RULES), "each of the five textbook groups names exactly one cluster"
    assert (sizes / len(lrfmc)).between(0.05, 0.40).all(), sizes


def test_another_seed_finds_the_same_partition(lrfmc):
    _, seed0 = named_groups(lrfmc, random_state=0)
    _, seed7 = named_groups(lrfmc, random_state=7)
    assert adjusted_rand_score(seed0, seed7) > 0.99
    assert (seed0 == seed7).mean() > 0.99, "the names follow the members, whatever the cluster numbers"


def test_named_groups_order_sensibly_by_value(lrfmc):
    segmented, names = named_groups(lrfmc)
    means = segmented.groupby(names)[LRFMC_COLUMNS].mean()
    assert means["M"].idxmax() == "重要保持客户" and means["F"].idxmax() == "重要保持客户"
    assert means["M"].idxmin() == "低价值客户"
    assert means["C"].idxmax() == "重要发展客户"
    assert means["R"].idxmax() in {"重要挽留客户", "低价值客户"}
    assert means.loc["重要挽留客户", "M"] > means.loc["一般客户", "M"] > means.loc["低价值客户", "M"]
    assert means.loc["重要保持客户", "R"] < means.loc["重要挽留客户", "R"]


def test_clusters_recover_the_groups_the_generator_planted(members, lrfmc):
    _, names = named_groups(lrfmc)
    planted = airline_planted_groups().set_axis(members["member_id"]).loc[names.index]
    assert (names == planted).mean() > 0.95
