"""crm_lab.segment: k-means segments, choosing k, profiles, naming, PCA projection and their plots."""

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
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.datasets import make_blobs  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402

from crm_lab import load_dataset  # noqa: E402
from crm_lab.plots import plot_choose_k, plot_cluster_pca, plot_cluster_radar  # noqa: E402
from crm_lab.segment import (  # noqa: E402
    LRFMC_CLUSTER_RULES,
    RFM_CLUSTER_RULES,
    choose_k,
    cluster_profile,
    kmeans_segments,
    name_clusters,
    pca_projection,
)
from crm_lab.value import SEGMENT_STRATEGIES, rfm_segment, rfm_table  # noqa: E402

PROPERTY = settings(max_examples=40, deadline=None, database=None)


def blobs(n=240, centers=4, std=0.5, seed=7, columns=("x", "y", "z")):
    points, truth = make_blobs(n_samples=n, centers=centers, n_features=len(columns), cluster_std=std,
                               center_box=(-10, 10), random_state=seed)
    return pd.DataFrame(points, columns=list(columns)), truth


def small_rfm() -> pd.DataFrame:
    return pd.DataFrame({"recency": [5, 8, 200, 180, 10, 190, 60, 75], "frequency": [9, 12, 1, 2, 10, 1, 4, 3],
                         "monetary": [900.0, 1100.0, 50.0, 80.0, 950.0, 40.0, 300.0, 260.0]},
                        index=[f"C{i}" for i in range(1, 9)])


def standardised(frame: pd.DataFrame) -> np.ndarray:
    values = frame.to_numpy(dtype=float)
    return (values - values.mean(axis=0)) / values.std(axis=0)



@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# ------------------------------------------------------------------------------------- kmeans_segments


@pytest.mark.parametrize("scale", ["standard", "minmax", None])
def test_planted_blobs_are_recovered(scale):
    data, truth = blobs()
    segmented = kmeans_segments(data, k=4, scale=scale)
    assert adjusted_rand_score(truth, segmented["cluster"]) == pytest.approx(1.0)
    report = segmented.attrs["report"]
    assert report["聚类行数"] == 240 and report["k"] == 4
    assert report["聚类使用的列"] == ["x", "y", "z"]
    assert sum(report["各簇人数"].values()) == 240
    assert report["各簇人数"] == segmented["cluster"].value_counts().sort_index().to_dict()


def test_result_is_deterministic_and_keeps_rows_index_and_input():
    data, _ = blobs(std=2.5)  # overlapping blobs: the random start matters
    data.index = [f"K{i}" for i in range(len(data))][::-1]
    before = data.copy()
    first = kmeans_segments(data, k=5, random_state=3)
    again = kmeans_segments(data, k=5, random_state=3)
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(data, before)
    assert first.index.equals(data.index)
    pd.testing.assert_frame_equal(first.drop(columns="cluster"), data)
    assert first["cluster"].dtype == "int64"


def test_pipeline_is_log_scale_kmeans_and_predicts_the_same_labels():
    rfm = small_rfm()
    segmented = kmeans_segments(rfm, k=3, log=["frequency", "monetary"])
    model = segmented.attrs["model"]
    assert [name for name, _ in model.steps] == ["log", "scale", "kmeans"]
    assert model.predict(rfm[["recency", "frequency", "monetary"]]).tolist() == segmented["cluster"].tolist()
    # The prepared data is ln(1 + x) on the two chosen columns, then z-scores.
    expected = rfm.astype(float).assign(frequency=np.log1p(rfm["frequency"]), monetary=np.log1p(rfm["monetary"]))
    np.testing.assert_allclose(model[:-1].transform(rfm), standardised(expected))
    # And k-means on exactly that data with the same seed gives the same labels.
    direct = KMeans(n_clusters=3, random_state=0, n_init=10).fit(standardised(expected))
    assert direct.labels_.tolist() == segmented["cluster"].tolist()
    assert segmented.attrs["report"]["对数变换的列"] == ["frequency", "monetary"]


def test_default_columns_are_the_numeric_ones_and_report_of_the_input_is_kept():
    rfm = small_rfm()
    rfm["city"] = ["北京"] * 8
    rfm["vip"] = [True, False] * 4
    rfm.attrs["report"] = {"客户数": 8}
    segmented = kmeans_segments(rfm, k=2)
    assert segmented.attrs["report"]["聚类使用的列"] == ["recency", "frequency", "monetary"]
    assert segmented.attrs["report"]["客户数"] == 8
    again = kmeans_segments(segmented, k=3)  # the old cluster column is not a feature; it is replaced
    assert again.attrs["report"]["聚类使用的列"] == ["recency", "frequency", "monetary"]
    assert set(again["cluster"]) == {0, 1, 2}
    as_text = small_rfm().astype({"monetary": str})
    assert kmeans_segments(as_text, k=2, columns=["recency", "monetary"])["cluster"].nunique() == 2


def test_repeated_row_labels_are_kept():
    data, truth = blobs(n=60, centers=3, std=0.4, seed=2)
    data.index = [i // 2 for i in range(60)]  # every label twice
    segmented = kmeans_segments(data, k=3)
    assert segmented.index.equals(data.index)
    assert adjusted_rand_score(truth, segmented["cluster"]) == pytest.approx(1.0)
    assert cluster_profile(segmented)["size"].sum() == 60
    assert pca_projection(segmented).index.equals(data.index)


def test_log_true_takes_logs_of_every_column():
    rfm = small_rfm()
    model = kmeans_segments(rfm, k=2, log=True, scale=None).attrs["model"]
    np.testing.assert_allclose(model[:-1].transform(rfm), np.log1p(rfm.to_numpy(dtype=float)))


# ---------------------------------------------------------------------------------------------- choose_k


@pytest.mark.parametrize("planted", [2, 3, 4, 5])
def test_choose_k_finds_the_planted_number_of_blobs(planted):
    # Centres on a circle of radius 10, turned so that both x and y separate them (a column that is pure
    # noise would be blown up by the z-scores as much as the informative one).
    angles = np.pi / 4 + 2 * np.pi * np.arange(planted) / planted
    centres = 10 * np.column_stack([np.cos(angles), np.sin(angles)])
    data, _ = blobs(n=40 * planted, centers=centres, std=0.8, seed=planted, columns=("x", "y"))
    table = choose_k(data, k_values=range(2, 8))
    assert table.index.tolist() == list(range(2, 8))
    assert table.attrs["report"]["轮廓系数最大的 k"] == planted
    assert int(table["silhouette"].idxmax()) == planted
    assert table["inertia"].is_monotonic_decreasing


def silhouette_by_definition(points: np.ndarray, labels: np.ndarray) -> float:
    """Mean over points of (b − a) / max(a, b) (Rousseeuw 1987); a point alone in its cluster scores 0."""
    distances = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    scores = []
    for i, own in enumerate(labels):
        same = labels == own
        if same.sum() == 1:
            scores.append(0.0)
            continue
        a = distances[i, same].sum() / (same.sum() - 1)
        b = min(distances[i, labels == other].mean() for other in set(labels) if other != own)
        scores.append((b - a) / max(a, b))
    return float(np.mean(scores))


def test_choose_k_metrics_match_a_plain_numpy_computation():
    data, _ = blobs(n=60, centers=3, std=1.5, seed=2)
    table = choose_k(data, k_values=[2, 3, 4])
    points = standardised(data)
    for k in [2, 3, 4]:
        labels = kmeans_segments(data, k=k)["cluster"].to_numpy()
        centres = np.array([points[labels == c].mean(axis=0) for c in range(k)])
        inertia = ((points - centres[labels]) ** 2).sum()
        assert table.loc[k, "inertia"] == pytest.approx(inertia)
        assert table.loc[k, "silhouette"] == pytest.approx(silhouette_by_definition(points, labels))
        between = sum((labels == c).sum() * ((centres[c] - points.mean(axis=0)) ** 2).sum() for c in range(k))
        ch = (between / (k - 1)) / (inertia / (len(points) - k))
        assert table.loc[k, "calinski_harabasz"] == pytest.approx(ch)


def test_choose_k_samples_the_silhouette_on_large_tables():
    data, _ = blobs(n=400, centers=3, std=0.4, seed=1)
    table = choose_k(data, k_values=[2, 3, 4], silhouette_sample=100)
    assert table.attrs["report"]["轮廓系数计算"] == "随机抽取 100 行"
    assert table.attrs["report"]["轮廓系数最大的 k"] == 3
    pd.testing.assert_frame_equal(table, choose_k(data, k_values=[2, 3, 4], silhouette_sample=100))


# ----------------------------------------------------------------------------------------- cluster_profile


def test_profile_matches_a_plain_groupby():
    data, _ = blobs(n=150, centers=3, std=1.0, seed=5)
    segmented = kmeans_segments(data, k=3)
    profile = cluster_profile(segmented)
    groups = data.groupby(segmented["cluster"])
    assert profile["size"].sum() == len(data)
    assert profile["share"].sum() == pytest.approx(1.0)
    assert profile["size"].tolist() == groups.size().tolist()
    pd.testing.assert_frame_equal(profile[["x", "y", "z"]], groups.mean(), check_names=False)
    expected_z = (groups.mean() - data.mean()) / data.std(ddof=0)
    np.testing.assert_allclose(profile[["x_z", "y_z", "z_z"]], expected_z)
    # With z-scores and no logs, the profile's z columns are exactly the k-means centres.
    centres = segmented.attrs["model"].named_steps["kmeans"].cluster_centers_
    np.testing.assert_allclose(profile[["x_z", "y_z", "z_z"]], centres, atol=1e-9)
    assert profile.attrs["report"]["总体平均值"] == pytest.approx(data.mean().to_dict())


def test_profile_markers_and_threshold():
    frame = pd.DataFrame({"a": [1.0, 1.1, 5.0, 5.0], "b": [2.0, 2.0, 2.0, 2.0], "cluster": [0, 0, 1, 1]})
    profile = cluster_profile(frame, columns=["a", "b"])
    assert profile["markers"].tolist() == ["a↓ b≈", "a↑ b≈"]
    assert profile["b_z"].tolist() == [0.0, 0.0]
    mixed = pd.DataFrame({"a": [0.0, 10.0, 4.9, 5.1], "cluster": [0, 1, 2, 2]})
    assert cluster_profile(mixed)["markers"].tolist() == ["a↓", "a↑", "a≈"]  # group 2's mean equals the mean
    shifted = pd.DataFrame({"a": [0.0, 10.0, 5.5, 5.5], "cluster": [0, 1, 2, 2]})
    assert cluster_profile(shifted)["markers"].tolist() == ["a↓", "a↑", "a↑"]
    assert cluster_profile(shifted, marker_threshold=0.25)["markers"].tolist() == ["a↓", "a↑", "a≈"]


def test_profile_of_a_hand_grouped_table_and_extra_columns():
    frame = pd.DataFrame({"age": [20, 22, 40, 44], "spend": [10.0, 30.0, 50.0, 70.0],
                          "group": ["甲", "甲", "乙", "乙"]})
    profile = cluster_profile(frame, cluster="group")
    assert profile.index.tolist() == ["乙", "甲"] and profile.index.name == "group"
    assert profile.loc["甲", "age"] == 21 and profile.loc["乙", "spend"] == 60
    segmented = kmeans_segments(frame, k=2, columns=["spend"])
    assert cluster_profile(segmented)["markers"].str.contains("age").sum() == 0
    assert list(cluster_profile(segmented, columns=["spend", "age"]).columns[2:4]) == ["spend", "age"]


# ------------------------------------------------------------------------------------------- name_clusters


def hand_profile(columns, rows):
    return pd.DataFrame(rows, columns=[f"{c}_z" for c in columns]).rename_axis("cluster")


def test_rfm_rules_name_all_eight_combinations_like_rfm_segment():
    signs = [(r, f, m) for r in (-1, 1) for f in (-1, 1) for m in (-1, 1)]
    profile = hand_profile(["recency", "frequency", "monetary"], [[0.5 * r, 0.7 * f, 0.9 * m] for r, f, m in signs])
    named = name_clusters(profile, rules=RFM_CLUSTER_RULES)
    assert sorted(named["name"]) == sorted(SEGMENT_STRATEGIES)
    # The same centres, seen as customers around a zero mean, get the same names from value.rfm_segment.
    centres = pd.DataFrame([[0.5 * r, 0.7 * f, 0.9 * m] for r, f, m in signs],
                           columns=["recency", "frequency", "monetary"])
    assert named["name"].tolist() == rfm_segment(centres)["segment"].tolist()
    assert named.attrs["report"]["命名规则"] == RFM_CLUSTER_RULES


def test_lrfmc_rules_give_the_textbook_names():
    profile = hand_profile(list("LRFMC"), [
        [0.4, -1.0, 1.8, 1.8, 0.2],     # recent, many flights, long mileage
        [-0.6, -0.8, -0.5, -0.5, 1.4],  # recent, high discount class, few flights yet
        [0.7, 1.0, 0.3, 0.3, 0.1],      # used to fly a lot, long time no flight
        [-0.8, 1.4, -1.0, -1.0, -0.8],  # long time no flight, everything low
        [0.1, -0.5, -0.6, -0.6, -0.7],  # recent but everything low
    ])
    named = name_clusters(profile, rules=LRFMC_CLUSTER_RULES)
    assert named["name"].tolist() == ["重要保持客户", "重要发展客户", "重要挽留客户", "低价值客户", "一般客户"]


def test_lrfmc_end_to_end_on_planted_groups():
    rng = np.random.default_rng(0)
    centres = np.array([[0.5, -1.0, 2.0, 2.0, 0.3], [-0.5, -0.8, -0.3, -0.3, 1.5], [0.8, 1.0, 0.5, 0.5, 0.2],
                        [-0.7, 1.5, -0.8, -0.8, -0.7], [0.2, -0.5, -0.4, -0.4, -0.6]])
    points = np.vstack([c + rng.normal(0, 0.08, size=(40, 5)) for c in centres])
    units = np.array([1000.0, 100.0, 10.0, 10000.0, 0.2])  # days, days, flights, km, discount
    lrfmc = pd.DataFrame(points * units + units * 3, columns=list("LRFMC"))
    named = name_clusters(cluster_profile(kmeans_segments(lrfmc, k=5)), rules=LRFMC_CLUSTER_RULES)
    assert sorted(named["name"]) == sorted(LRFMC_CLUSTER_RULES)


def test_manual_names_default_and_mapping_back_to_customers():
    segmented = kmeans_segments(small_rfm(), k=2)
    profile = cluster_profile(segmented)
    named = name_clusters(profile, names={0: "甲", 1: "乙"})
    assert named["name"].tolist() == ["甲", "乙"]
    assert name_clusters(profile, names=["甲", "乙"])["name"].tolist() == ["甲", "乙"]
    unmatched = name_clusters(profile, rules={"高消费": "monetary > 5"}, default="其他")
    assert unmatched["name"].tolist() == ["其他", "其他"]
    catch_all = name_clusters(profile, rules={"高消费": "monetary > 0", "其余": "True"})
    assert sorted(catch_all["name"]) == ["其余", "高消费"]
    by_customer = segmented["cluster"].map(named["name"])
    assert by_customer.index.equals(segmented.index)


# ------------------------------------------------------------------------------------------ pca_projection


def test_pca_projection_equals_an_svd_of_the_scaled_data():
    data, _ = blobs(n=120, centers=3, std=2.0, seed=3)
    segmented = kmeans_segments(data, k=3)
    projection = pca_projection(segmented)
    centred = standardised(data) - standardised(data).mean(axis=0)
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    expected = centred @ vt[:2].T
    for i, column in enumerate(["pc1", "pc2"]):
        sign = np.sign(expected[:, i] @ projection[column].to_numpy())  # a component's sign is arbitrary
        np.testing.assert_allclose(projection[column], sign * expected[:, i], atol=1e-9)
    variance = singular ** 2 / (singular ** 2).sum()
    np.testing.assert_allclose(projection.attrs["report"]["解释方差比例"], variance[:2])
    assert projection["cluster"].tolist() == segmented["cluster"].tolist()
    assert projection.index.equals(segmented.index)


# ---------------------------------------------------------------------------------------------- properties


@st.composite
def feature_tables(draw):
    n = draw(st.integers(min_value=2, max_value=30))
    columns = draw(st.integers(min_value=1, max_value=3))
    cells = st.integers(min_value=0, max_value=6)  # small integers: many ties and duplicate rows
    data = {f"f{j}": draw(st.lists(cells, min_size=n, max_size=n)) for j in range(columns)}
    frame = pd.DataFrame(data)
    frame.index = draw(st.permutations([f"id{i}" for i in range(n)]))
    distinct = len(frame.drop_duplicates())
    if distinct < 2:
        frame.iloc[0, 0] = 99  # at least two different rows
        distinct = len(frame.drop_duplicates())
    k = draw(st.integers(min_value=2, max_value=distinct))
    return frame, k


@PROPERTY
@given(feature_tables(), st.booleans())
def test_labels_in_range_counts_add_up_and_rows_kept(table, log):
    frame, k = table
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*所有行的值都相同", category=UserWarning)
        segmented = kmeans_segments(frame, k=k, log=log, n_init=3)
        profile = cluster_profile(segmented)
    labels = segmented["cluster"]
    assert labels.between(0, k - 1).all()
    assert labels.nunique() == k  # k is at most the number of distinct rows: no empty cluster
    assert segmented.index.equals(frame.index)
    pd.testing.assert_frame_equal(segmented.drop(columns="cluster"), frame)
    assert sum(segmented.attrs["report"]["各簇人数"].values()) == len(frame)
    assert profile["size"].sum() == len(frame) and profile["share"].sum() == pytest.approx(1.0)
    # identical rows always land in the same cluster
    assert (segmented.groupby(list(frame.columns))["cluster"].nunique() == 1).all()


# ----------------------------------------------------------------------------------------------- bad input


def test_missing_and_non_numeric_columns_are_named():
    rfm = small_rfm()
    raises(lambda: kmeans_segments(rfm, k=2, columns=["recency", "money"]),
           "缺少这些列：money", "现有的列：recency, frequency, monetary")
    with_city = rfm.assign(city=["北京", "上海"] * 4)
    raises(lambda: kmeans_segments(with_city, k=2, columns=["recency", "city"]),
           "列 city 不是数字", "行 'C1'（'北京'）", "数字列有：recency, frequency, monetary", "从 columns 里去掉")
    raises(lambda: kmeans_segments(pd.DataFrame({"city": ["北京", "上海"]}), k=2),
           "没有数字列", "city（str）", "columns=[...]")
    raises(lambda: kmeans_segments([[1, 2], [3, 4]], k=2), "应该是 pandas 的 DataFrame", "list")
    raises(lambda: kmeans_segments(rfm, k=2, columns=["recency", "recency"]), "重复的列名：recency")
    raises(lambda: kmeans_segments(rfm, k=2, columns=[]), "columns 是空的")


def test_missing_and_infinite_values_are_rejected_with_row_labels():
    rfm = small_rfm().astype(float)
    rfm.loc["C3", "monetary"] = np.nan
    rfm.loc["C5", "frequency"] = np.nan
    raises(lambda: kmeans_segments(rfm, k=2), "列 frequency, monetary 有空值", "共 2 行", "行 'C3'", "行 'C5'",
           "dropna(subset=[...])", "fillna")
    raises(lambda: choose_k(rfm, k_values=[2]), "有空值")
    infinite = small_rfm().astype(float)
    infinite.loc["C2", "monetary"] = np.inf
    raises(lambda: kmeans_segments(infinite, k=2), "列 monetary 有无穷大", "行 'C2'（inf）", "除以 0")


def test_bad_k():
    rfm = small_rfm()
    raises(lambda: kmeans_segments(rfm, k=1), "至少是 2")
    raises(lambda: kmeans_segments(rfm, k=2.5), "应该是整数", "choose_k")
    raises(lambda: kmeans_segments(rfm, k=True), "应该是整数")
    raises(lambda: kmeans_segments(rfm, k=9), "k=9 太大了", "表里共有 8 行", "k 最多是 8")
    repeated = pd.concat([rfm.iloc[:3]] * 3)
    raises(lambda: kmeans_segments(repeated, k=4), "共有 9 行，其中不同的只有 3 行", "k 最多是 3")
    raises(lambda: choose_k(rfm, k_values=range(2, 9)), "k=8 太大了", "小于行数", "k 最多是 7")
    raises(lambda: choose_k(rfm, k_values=[]), "k_values 是空的")
    raises(lambda: choose_k(rfm, k_values=5), "k_values 应该是一组整数")
    raises(lambda: choose_k(rfm, k_values=[1, 2]), "至少是 2")


def test_single_row_empty_table_and_constant_columns():
    raises(lambda: kmeans_segments(small_rfm().iloc[:1], k=2), "只有 1 行")
    raises(lambda: kmeans_segments(small_rfm().iloc[:0], k=2), "是空的")
    constant = small_rfm().assign(store=1.0)
    with pytest.warns(UserWarning, match="列 store 所有行的值都相同（都是 1.0）.*columns= 去掉它"):
        segmented = kmeans_segments(constant, k=2)
    assert segmented["cluster"].tolist() == kmeans_segments(small_rfm(), k=2)["cluster"].tolist()
    all_same = pd.DataFrame({"a": [3.0] * 5})
    with pytest.warns(UserWarning, match="列 a 所有行的值都相同"):
        raises(lambda: kmeans_segments(all_same, k=2), "其中不同的只有 1 行")


def test_negative_values_with_log_and_other_bad_options():
    rfm = small_rfm().assign(profit=[10.0, -5.0, 3.0, 4.0, 5.0, 6.0, -1.0, 8.0])
    raises(lambda: kmeans_segments(rfm, k=2, log=True), "列 profit 有负数", "共 2 行", "行 'C2'（-5.0）", "ln(1 + x)",
           "log=[...]")
    assert kmeans_segments(rfm, k=2, log=["monetary"])["cluster"].nunique() == 2
    raises(lambda: kmeans_segments(rfm, k=2, columns=["recency"], log=["monetary"]),
           "log 里的列 monetary 不在聚类使用的列里")
    raises(lambda: kmeans_segments(rfm, k=2, log=1), "log 应该是 True、False 或列名的列表")
    raises(lambda: kmeans_segments(rfm, k=2, scale="zscore"), "scale 只能是", "'standard'", "'zscore'")
    raises(lambda: kmeans_segments(rfm, k=2, scale=["standard"]), "scale 只能是")
    segmented = kmeans_segments(rfm, k=2)
    raises(lambda: kmeans_segments(segmented, k=2, columns=["recency", "cluster"]), "列 cluster 是簇编号")
    raises(lambda: kmeans_segments(rfm, k=2, n_init=0), "n_init", "不小于 1 的整数")
    raises(lambda: kmeans_segments(rfm, k=2, random_state=None), "random_state", "随机种子")
    raises(lambda: choose_k(rfm, silhouette_sample=3, k_values=[2]), "silhouette_sample")


def test_bad_profiles_rules_and_names():
    segmented = kmeans_segments(small_rfm(), k=2)
    raises(lambda: cluster_profile(small_rfm()), "缺少这些列：cluster")
    raises(lambda: cluster_profile(segmented.assign(cluster=[0, 1, None, 0, 1, 0, 1, 0])),
           "列 cluster 有 1 个空值", "行 'C3'")
    raises(lambda: cluster_profile(segmented, columns=["cluster"]), "是簇编号，不能同时当作特征")
    raises(lambda: cluster_profile(segmented, marker_threshold=-1), "marker_threshold")
    profile = cluster_profile(segmented)
    raises(lambda: name_clusters(profile), "只写 rules= 或 names= 中的一个")
    raises(lambda: name_clusters(profile, rules=RFM_CLUSTER_RULES, names=["a", "b"]), "只写 rules= 或 names=")
    raises(lambda: name_clusters(profile, rules=LRFMC_CLUSTER_RULES),
           "命名规则 重要保持客户", "可以用的列", "recency, frequency, monetary", "rename")
    raises(lambda: name_clusters(profile, rules={"甲": "monetary + 1"}), "不是“是/否”")
    raises(lambda: name_clusters(profile, rules={}), "不为空的字典")
    raises(lambda: name_clusters(profile, names={0: "甲", 5: "乙"}), "names 多了 [5]", "缺少 [1]")
    raises(lambda: name_clusters(profile, names=["甲"]), "names 有 1 个名字", "有 2 群")
    raises(lambda: name_clusters(profile[["size", "share"]], rules=RFM_CLUSTER_RULES), "没有 z 分数列")


def test_projection_needs_the_fitted_model_and_two_columns():
    segmented = kmeans_segments(small_rfm(), k=2)
    merged = segmented.reset_index().merge(pd.DataFrame({"index": ["C1"], "note": ["x"]}), how="left")
    raises(lambda: pca_projection(merged), "没有找到拟合好的模型", "kmeans_segments")
    one_column = kmeans_segments(small_rfm(), k=2, columns=["monetary"])
    raises(lambda: pca_projection(one_column), "只用了 1 列（monetary）")


# ------------------------------------------------------------------------------------------------- plots


def glyph_warnings(figure, path) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.savefig(path)
    return [str(w.message) for w in caught if "missing from" in str(w.message)]


def test_plot_choose_k(tmp_path):
    data, _ = blobs(n=120, centers=3, std=0.4, seed=1)
    table = choose_k(data, k_values=range(2, 6))
    fig = plot_choose_k(table)
    left, right = fig.axes
    assert left.get_title() == "肘部法：簇内平方和" and right.get_title() == "轮廓系数（越大越好）"
    assert left.get_xlabel() == right.get_xlabel() == "k（簇的个数）"
    np.testing.assert_allclose(left.lines[0].get_ydata(), table["inertia"])
    best_marker = right.lines[1]
    assert best_marker.get_xdata().tolist() == [3]
    assert "k = 3" in right.get_legend().get_texts()[0].get_text()
    assert glyph_warnings(fig, tmp_path / "k.png") == []
    raises(lambda: plot_choose_k(pd.DataFrame({"inertia": [1.0]})), "缺少这些列：silhouette")


def test_plot_cluster_radar(tmp_path):
    segmented = kmeans_segments(small_rfm(), k=3)
    named = name_clusters(cluster_profile(segmented), rules=RFM_CLUSTER_RULES)
    ax = plot_cluster_radar(named)
    assert ax.name == "polar"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:3] == [f"群 {c} {n}（{s} 人）" for c, n, s in zip(named.index, named["name"], named["size"],
                                                                    strict=True)]
    assert labels[3] == "总体平均"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["recency", "frequency", "monetary"]
    first = ax.lines[1].get_ydata()  # line 0 is the average circle
    np.testing.assert_allclose(first[:3], named[["recency_z", "frequency_z", "monetary_z"]].iloc[0])
    assert glyph_warnings(ax.figure, tmp_path / "radar.png") == []
    two = kmeans_segments(small_rfm(), k=2, columns=["recency", "monetary"])
    raises(lambda: plot_cluster_radar(cluster_profile(two)), "至少要 3 个特征", "只有 2 个")


def test_plot_cluster_pca(tmp_path):
    data, _ = blobs(n=90, centers=3, std=1.0, seed=4)
    segmented = kmeans_segments(data, k=3)
    ax = plot_cluster_pca(segmented, names={0: "甲群"})
    share = pca_projection(segmented).attrs["report"]["解释方差比例"]
    assert ax.get_xlabel() == f"第一主成分（解释 {share[0]:.1%} 的方差）"
    assert ax.get_ylabel() == f"第二主成分（解释 {share[1]:.1%} 的方差）"
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    sizes = segmented["cluster"].value_counts().sort_index()
    assert texts == [f"群 0 甲群（{sizes[0]} 人）", f"群 1（{sizes[1]} 人）", f"群 2（{sizes[2]} 人）"]
    assert sum(len(c.get_offsets()) for c in ax.collections) == 90 + 3  # every customer, plus one centre per group
    assert glyph_warnings(ax.figure, tmp_path / "pca.png") == []


# ------------------------------------------------------------------------------------------- course data


def test_segments_of_the_course_shop_customers():
    orders = load_dataset("shop_orders")
    rfm = rfm_table(orders, date="order_time", order="order_id", status="status")
    segmented = kmeans_segments(rfm, k=4, log=["frequency", "monetary"])
    report = segmented.attrs["report"]
    assert report["来源"].endswith("shop_orders.csv")  # rfm_table's report travels on
    assert report["聚类行数"] == len(rfm) == report["客户数"]
    profile = cluster_profile(segmented)
    assert profile["size"].sum() == len(rfm)
    named = name_clusters(profile, rules=RFM_CLUSTER_RULES)
    assert set(named["name"]) <= set(SEGMENT_STRATEGIES)
    top = named["monetary"].idxmax()  # the biggest spenders also buy most often and most recently
    assert named.loc[top, "name"] == "重要价值客户"
