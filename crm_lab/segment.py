"""客户分群：用 k-means 聚类（scikit-learn）把客户分成几群，选 k，看每群的画像并给它们起名字。

- ``kmeans_segments(data, k=4)``：（可选对数变换 →）标准化 → k-means，给每行加上 ``cluster`` 列；
- ``choose_k(data)``：k 取不同值时的簇内平方和（肘部法）、轮廓系数和 CH 指数，帮你选 k；
- ``cluster_profile(segmented)``：每群的人数、占比、各特征的平均值，以及与总体平均相比的高低（z 分数和 ↑/↓）；
- ``name_clusters(profile, rules=...)`` 或 ``name_clusters(profile, names=...)``：按规则或手工给每群起名字；
- ``pca_projection(segmented)``：把多维特征投影到两个主成分上，用来画二维散点图。

画图在 ``crm_lab.plots``：``plot_choose_k``（肘部图 + 轮廓系数图）、``plot_cluster_radar``（雷达图）、
``plot_cluster_pca``（主成分散点图）。

统一约定（与 ``crm_lab.value`` 相同）
------------------------------------
* **表进表出**：结果是输入表的副本，行的顺序和行索引（客户编号）不变。
* **出错就说清楚**：列不存在、不是数字、有空值或无穷大、k 不合适等，一律抛出 ``CRMDataError``，
  消息说明哪一列、哪几行、怎么改。**有空值的行不会被悄悄去掉**：k-means 无法处理空值，而怎样补
  （删掉？填 0？填平均值？）要由你根据业务决定，所以报错并给出做法。
* ``attrs["report"]``：中文键的字典，沿用输入表的报告（例如 ``rfm_table`` 的）并添加：
  ``kmeans_segments`` 的 ``聚类行数``、``聚类使用的列``、``对数变换的列``、``标准化``、``k``、``随机种子``、
  ``各簇人数``、``簇内平方和``；``choose_k`` 的 ``试过的 k``、``轮廓系数最大的 k``、``轮廓系数计算``；
  ``cluster_profile`` 的 ``画像使用的列``、``总体平均值``、``总体标准差``；``name_clusters`` 的
  ``命名方式``、``命名规则``；``pca_projection`` 的 ``解释方差比例``、``主成分载荷``。
* ``attrs["model"]``：``kmeans_segments`` 拟合好的 scikit-learn ``Pipeline``，三步依次叫
  ``"log"``、``"scale"``、``"kmeans"``（不用的一步是 ``"passthrough"``）。新客户可以用
  ``model.predict(新表[列])`` 分到已有的群里；``model[:-1].transform(表[列])`` 得到 k-means 实际使用的数据。

k-means 的结果依赖随机的初始中心，这里固定 ``random_state=0``，同样的数据每次得到同样的分群。
簇的编号（0、1、2 ……）本身没有大小含义，要看画像才知道哪一群是什么客户。
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import calinski_harabasz_score, silhouette_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, StandardScaler

from crm_lab.data import CRMDataError, check_columns
from crm_lab.value import _rows, _show

__all__ = [
    "LRFMC_CLUSTER_RULES",
    "RFM_CLUSTER_RULES",
    "choose_k",
    "cluster_profile",
    "kmeans_segments",
    "name_clusters",
    "pca_projection",
]

CLUSTER_COLUMN = "cluster"
UNNAMED = "未命名"
_SCALE_CHOICES = {"standard": "z 分数标准化（平均 0、标准差 1）", "minmax": "缩放到 0～1", None: "不标准化"}

# 用 k-means 分 RFM 客户后按每群中心与总体平均比较来命名，与 crm_lab.value.rfm_segment 的八类一致：
# 条件里的 recency、frequency、monetary 指该群的 z 分数（> 0 高于平均，< 0 低于平均）。
# R 好 = recency < 0（最近买过）；F 高 = frequency > 0；M 高 = monetary > 0；等于平均算“差/低”。
RFM_CLUSTER_RULES = {
    "重要价值客户": "recency < 0 and frequency > 0 and monetary > 0",
    "重要发展客户": "recency < 0 and frequency <= 0 and monetary > 0",
    "重要保持客户": "recency >= 0 and frequency > 0 and monetary > 0",
    "重要挽留客户": "recency >= 0 and frequency <= 0 and monetary > 0",
    "一般价值客户": "recency < 0 and frequency > 0 and monetary <= 0",
    "一般发展客户": "recency < 0 and frequency <= 0 and monetary <= 0",
    "一般保持客户": "recency >= 0 and frequency > 0 and monetary <= 0",
    "一般挽留客户": "recency >= 0 and frequency <= 0 and monetary <= 0",
}

# 航空公司常旅客 LRFMC 模型的五类客户（L 入会时长、R 最近一次乘机距今、F 乘机次数、M 飞行里程、
# C 平均折扣系数）。依据：张良均等《Python 数据分析与挖掘实战》第 7 章“航空公司客户价值分析”对五类客户的描述：
#   重要保持：最近乘坐过（R 低），乘坐次数（F）、里程（M）高；
#   重要发展：最近乘坐过（R 低），折扣系数（C，舱位等级）高，但次数或里程还不高；
#   重要挽留：过去的次数、里程或折扣系数高，但很久没有乘坐（R 高）；
#   一般与低价值：折扣系数低、很久没有乘坐、次数和里程都低。
# 书中“一般与低价值”是一类描述，这里按 R 拆成两类：很久没坐的是低价值客户，其余（最近坐过但各项都不高）
# 是一般客户。条件从上往下判断，落在第一条满足的规则；五条合起来覆盖所有情况。老师可以复制后修改，例如
#     rules = dict(LRFMC_CLUSTER_RULES, 重要保持客户="R < 0 and F > 0 and M > 0 and C > 0")
LRFMC_CLUSTER_RULES = {
    "重要保持客户": "R < 0 and F > 0 and M > 0",
    "重要发展客户": "R < 0 and C > 0",
    "重要挽留客户": "R > 0 and (F > 0 or M > 0 or C > 0)",
    "低价值客户": "R > 0",
    "一般客户": "R <= 0",
}


# ---------------------------------------------------------------------------------------------
# 1. 聚类
# ---------------------------------------------------------------------------------------------


def kmeans_segments(data: pd.DataFrame, *, k: int, columns=None, log=False, scale: str | None = "standard",
                    random_state: int = 0, n_init: int = 10) -> pd.DataFrame:
    """用 k-means 把客户（表的每一行）分成 ``k`` 群，加上一列 ``cluster``（0 到 k−1）。

    步骤（一个 scikit-learn 的 ``Pipeline``）：

    1. 对数变换（可选）：x → ln(1 + x)。消费金额、购买次数这类“少数人特别大”的列取对数后，
       不会让几个大客户单独占一群；
    2. 标准化：默认把每列变成 z 分数 (x − 平均值) ÷ 标准差，让单位不同的列（天、次、元）同样重要；
    3. k-means：反复把每行分到最近的中心、再把中心移到该群的平均位置，直到不再变化。

    参数
    ----
    data : 每位客户一行的表，例如 ``rfm_table`` 的结果、LRFMC 表或自己的表。
    k : 分几群，2 到行数之间的整数。不知道选几时先用 ``choose_k``。
    columns : 用哪些列聚类（列名的列表）。默认用表里所有的数字列（不含 ``cluster`` 列和是/否列）。
    log : 对哪些列取对数：``False``（默认，都不取）、``True``（所有列）或列名的列表，
        例如 ``log=["frequency", "monetary"]``。取对数的列不能有负数。
    scale : ``"standard"``（默认，z 分数）、``"minmax"``（缩放到 0～1）或 ``None``（不标准化，
        只有各列单位相同时才合适）。
    random_state : 随机种子，固定它结果就可以重现。
    n_init : 用不同的初始中心跑几次 k-means，取簇内平方和最小的一次，默认 10。

    返回
    ----
    ``data`` 的副本（行顺序、行索引不变），多一列整数 ``cluster``。拟合好的模型在
    ``result.attrs["model"]``，聚类的设置和各簇人数在 ``result.attrs["report"]``。
    有空值或无穷大的行会报错（不会被悄悄去掉）；某一列所有行都相同时给出警告。

    例子
    ----
    >>> rfm = pd.DataFrame({"recency": [5, 8, 200, 180, 10, 190], "frequency": [9, 12, 1, 2, 10, 1],
    ...                     "monetary": [900.0, 1100.0, 50.0, 80.0, 950.0, 40.0]},
    ...                    index=["C1", "C2", "C3", "C4", "C5", "C6"])
    >>> segmented = kmeans_segments(rfm, k=2)
    >>> segmented["cluster"].tolist()
    [1, 1, 0, 0, 1, 0]
    >>> segmented.attrs["report"]["各簇人数"]
    {0: 3, 1: 3}
    >>> model = segmented.attrs["model"]
    >>> model.predict(pd.DataFrame({"recency": [7], "frequency": [11], "monetary": [1000.0]})).tolist()
    [1]
    """
    k = _check_k(k)
    _check_int("n_init", n_init, low=1, meaning="用不同初始中心运行的次数")
    _check_int("random_state", random_state, low=0, meaning="随机种子")
    features, log_columns, report = _prepare(data, columns=columns, log=log, scale=scale)
    _check_k_against_rows(features, [k])
    model = _pipeline(features.columns, log_columns, scale, k=k, random_state=random_state, n_init=n_init)
    labels = model.fit_predict(features)

    result = data.copy()
    result[CLUSTER_COLUMN] = labels.astype("int64")
    sizes = np.bincount(labels, minlength=k)
    report.update({
        "k": k,
        "随机种子": random_state,
        "各簇人数": {int(c): int(n) for c, n in enumerate(sizes)},
        "簇内平方和": float(model.named_steps["kmeans"].inertia_),
    })
    result.attrs["report"] = report
    result.attrs["model"] = model
    return result


def choose_k(data: pd.DataFrame, *, k_values=range(2, 11), columns=None, log=False,
             scale: str | None = "standard", random_state: int = 0, n_init: int = 10,
             silhouette_sample: int | None = 5000) -> pd.DataFrame:
    """k 取不同的值各聚类一次，列出帮助选 k 的三个指标。

    * ``inertia``（簇内平方和，肘部法）：每个点到所在簇中心的距离平方之和。k 越大它越小；
      画成折线后找“拐弯”的地方（肘部），再增加 k 它也下降不多了。
    * ``silhouette``（轮廓系数，−1 到 1）：每个点与本簇的平均距离 a、与最近的别的簇的平均距离 b，
      (b − a) ÷ max(a, b) 的平均值。越接近 1 说明簇内越紧、簇间越开。Rousseeuw (1987),
      *Journal of Computational and Applied Mathematics* 20, 53–65。
    * ``calinski_harabasz``（CH 指数）：簇间离散程度 ÷ 簇内离散程度（按自由度校正），越大越好。
      Caliński & Harabasz (1974), *Communications in Statistics* 3(1), 1–27。

    指标都是在对数变换、标准化之后的数据上算的（与 ``kmeans_segments`` 相同）。
    轮廓系数最大的 k 记在 ``attrs["report"]["轮廓系数最大的 k"]``，只是参考：还要看每群人数是否合理、
    能不能解释和命名。

    参数
    ----
    data, columns, log, scale, random_state, n_init : 与 ``kmeans_segments`` 相同。
    k_values : 要试的 k，默认 2 到 10。每个 k 至少是 2，且小于不同数据行的个数。
    silhouette_sample : 行数超过它时，轮廓系数用随机抽取的这么多行计算（计算量随行数平方增长）；
        ``None`` 表示总用全部行。抽样也用 ``random_state``，结果可以重现。

    返回
    ----
    DataFrame，行索引 ``k``，三列 ``inertia``、``silhouette``、``calinski_harabasz``。

    例子
    ----
    >>> from sklearn.datasets import make_blobs
    >>> points, _ = make_blobs(n_samples=150, centers=3, cluster_std=0.5, random_state=1)
    >>> table = choose_k(pd.DataFrame(points, columns=["x", "y"]), k_values=range(2, 7))
    >>> table.attrs["report"]["轮廓系数最大的 k"]
    3
    >>> bool(table["inertia"].is_monotonic_decreasing)
    True
    """
    ks = _check_k_values(k_values)
    _check_int("n_init", n_init, low=1, meaning="用不同初始中心运行的次数")
    _check_int("random_state", random_state, low=0, meaning="随机种子")
    if silhouette_sample is not None:
        _check_int("silhouette_sample", silhouette_sample, low=10, meaning="计算轮廓系数时抽取的行数")
    features, log_columns, report = _prepare(data, columns=columns, log=log, scale=scale)
    _check_k_against_rows(features, ks, for_silhouette=True)
    prepare = _pipeline(features.columns, log_columns, scale, k=2, random_state=random_state, n_init=n_init)[:-1]
    points = prepare.fit_transform(features)
    sample = silhouette_sample if silhouette_sample is not None and len(points) > silhouette_sample else None

    rows = []
    for k in ks:
        kmeans = KMeans(n_clusters=k, random_state=random_state, n_init=n_init).fit(points)
        rows.append({
            "k": k,
            "inertia": float(kmeans.inertia_),
            "silhouette": float(silhouette_score(points, kmeans.labels_, sample_size=sample,
                                                 random_state=random_state)),
            "calinski_harabasz": float(calinski_harabasz_score(points, kmeans.labels_)),
        })
    table = pd.DataFrame(rows).set_index("k")
    report["试过的 k"] = ks
    report["轮廓系数最大的 k"] = int(table["silhouette"].idxmax())
    report["轮廓系数计算"] = f"随机抽取 {sample} 行" if sample else "全部行"
    report["随机种子"] = random_state
    table.attrs["report"] = report
    return table


# ---------------------------------------------------------------------------------------------
# 2. 画像与命名
# ---------------------------------------------------------------------------------------------


def cluster_profile(segmented: pd.DataFrame, *, columns=None, cluster: str = CLUSTER_COLUMN,
                    marker_threshold: float = 0.0) -> pd.DataFrame:
    """每一群的画像：人数、占比、各特征的平均值，以及与总体平均相比高还是低。

    对每个特征 x，``x_z`` = (该群的平均值 − 全体的平均值) ÷ 全体的标准差（总体标准差，除以 n）。
    z = 0.8 表示这一群比平均高 0.8 个标准差；z 的正负就是“高于 / 低于平均”，教材里给聚类结果命名就是
    比较这个。``markers`` 把它写成文字：↑ 高于平均、↓ 低于平均、≈ 与平均相差不超过 ``marker_threshold``
    个标准差（默认 0：只要不相等就标 ↑ 或 ↓）。某列所有行都相同时，它的 z 记为 0。

    参数
    ----
    segmented : 含簇编号列的表，通常是 ``kmeans_segments`` 的结果，也可以是自己分好组的表。
    columns : 画像用哪些列。默认用聚类时用的列（``attrs["report"]["聚类使用的列"]``），
        没有时用所有数字列。可以加上没参与聚类的列，例如年龄，看各群有什么不同。
    cluster : 簇编号所在的列名，默认 ``"cluster"``。
    marker_threshold : 标 ≈ 的范围（几个标准差），例如 0.25。

    返回
    ----
    DataFrame，每群一行（行索引是簇编号，从小到大），列依次是：``size``（人数）、``share``（占比）、
    各特征的平均值（列名不变）、各特征的 ``<列名>_z``、``markers``（例如 "recency↓ frequency↑ monetary↑"）。
    全体的平均值和标准差记在 ``attrs["report"]["总体平均值"]``、``["总体标准差"]``。

    例子
    ----
    >>> rfm = pd.DataFrame({"recency": [5, 8, 200, 180, 10, 190], "frequency": [9, 12, 1, 2, 10, 1],
    ...                     "monetary": [900.0, 1100.0, 50.0, 80.0, 950.0, 40.0]})
    >>> profile = cluster_profile(kmeans_segments(rfm, k=2))
    >>> profile[["size", "share", "recency", "monetary", "monetary_z"]].round(2)  # doctest: +NORMALIZE_WHITESPACE
             size  share  recency  monetary  monetary_z
    cluster
    0           3    0.5   190.00     56.67       -0.99
    1           3    0.5     7.67    983.33        0.99
    >>> profile["markers"].tolist()
    ['recency↑ frequency↓ monetary↓', 'recency↓ frequency↑ monetary↑']
    """
    check_columns(segmented, [cluster], table="分群结果（segmented 参数）")
    if segmented.empty:
        raise CRMDataError("分群结果（segmented 参数）是空的，没有可以画像的行。")
    threshold = _check_threshold(marker_threshold)
    if columns is None:
        columns = segmented.attrs.get("report", {}).get("聚类使用的列")
    if columns is None:
        columns = [c for c in _numeric_columns(segmented) if c != cluster]
    features = _feature_values(segmented, _column_list(columns, segmented, exclude=cluster),
                               table="分群结果（segmented 参数）")
    labels = segmented[cluster]
    missing = labels.isna()
    if missing.any():
        raise CRMDataError(
            f"分群结果的列 {cluster} 有 {int(missing.sum())} 个空值：{_rows(missing)}。"
            "每一行都要属于某一群。请先补上或删掉这些行。"
        )

    groups = features.groupby(labels.to_numpy(), sort=True)
    sizes = groups.size().astype("int64")
    means = groups.mean()
    overall_mean = features.mean()
    overall_std = features.std(ddof=0)
    safe_std = overall_std.where(overall_std > 0, np.inf)  # 常数列：z 记为 0
    z = (means - overall_mean) / safe_std

    profile = pd.DataFrame({"size": sizes, "share": sizes / sizes.sum()})
    profile = pd.concat([profile, means, z.add_suffix("_z")], axis=1)
    profile["markers"] = [" ".join(f"{c}{_marker(row[c], threshold)}" for c in features.columns)
                          for _, row in z.iterrows()]
    profile.index.name = cluster
    report = dict(segmented.attrs.get("report", {}))
    report["画像使用的列"] = list(features.columns)
    report["总体平均值"] = {c: float(v) for c, v in overall_mean.items()}
    report["总体标准差"] = {c: float(v) for c, v in overall_std.items()}
    profile.attrs["report"] = report
    return profile


def name_clusters(profile: pd.DataFrame, *, rules=None, names=None, default: str = UNNAMED) -> pd.DataFrame:
    """给每一群起名字：按规则（比较各群与总体平均的高低）自动命名，或手工指定。

    两种方式，二选一：

    * ``rules={名字: 条件}``：条件是 pandas ``DataFrame.eval`` 的表达式，里面的列名代表该群的 **z 分数**
      （``cluster_profile`` 的 ``<列名>_z``），``> 0`` 就是高于平均、``< 0`` 就是低于平均，例如
      ``"recency < 0 and monetary > 0"``。从上往下判断，每群取第一条满足的规则；都不满足的叫 ``default``。
      现成的规则：``RFM_CLUSTER_RULES``（RFM 八类客户）和 ``LRFMC_CLUSTER_RULES``（航空公司五类客户，
      列名要是 L、R、F、M、C）。可以复制后修改。
    * ``names={簇编号: 名字}``：看过画像后自己起名字，例如 ``{0: "沉睡客户", 1: "忠诚大客户"}``，
      或按簇编号顺序给出名字的列表。

    参数
    ----
    profile : ``cluster_profile`` 的结果。
    rules, names : 见上，只写一个。
    default : 规则都不满足时的名字，默认 "未命名"。

    返回
    ----
    ``profile`` 的副本，多一列 ``name``。要给每位客户标上名字，可以写
    ``segmented["name"] = segmented["cluster"].map(named["name"])``。

    例子
    ----
    >>> rfm = pd.DataFrame({"recency": [5, 8, 200, 180, 10, 190], "frequency": [9, 12, 1, 2, 10, 1],
    ...                     "monetary": [900.0, 1100.0, 50.0, 80.0, 950.0, 40.0]})
    >>> segmented = kmeans_segments(rfm, k=2)
    >>> named = name_clusters(cluster_profile(segmented), rules=RFM_CLUSTER_RULES)
    >>> named["name"].tolist()
    ['一般挽留客户', '重要价值客户']
    >>> segmented["cluster"].map(named["name"]).tolist()
    ['重要价值客户', '重要价值客户', '一般挽留客户', '一般挽留客户', '重要价值客户', '一般挽留客户']
    >>> name_clusters(cluster_profile(segmented), names={0: "沉睡客户", 1: "忠诚大客户"})["name"].tolist()
    ['沉睡客户', '忠诚大客户']
    """
    if not isinstance(profile, pd.DataFrame):
        raise CRMDataError(
            f"profile 应该是 cluster_profile(...) 的结果（DataFrame），收到的是 {type(profile).__name__}。"
        )
    if (rules is None) == (names is None):
        raise CRMDataError(
            "请只写 rules= 或 names= 中的一个：按规则自动命名写 rules=RFM_CLUSTER_RULES（或自己的规则字典），"
            "手工命名写 names={0: \"名字\", 1: \"名字\", ...}。"
        )
    if not isinstance(default, str):
        raise CRMDataError(f"default（规则都不满足时的名字）应该是文字，收到 {default!r}。")
    result = profile.copy()
    report = dict(profile.attrs.get("report", {}))
    if names is not None:
        result["name"] = pd.Series(_manual_names(names, profile.index), index=profile.index, dtype=object)
        report["命名方式"] = "手工命名"
    else:
        rules = _check_name_rules(rules)
        z = _profile_z(profile)
        conditions = [_evaluate_rule(z, name, rule) for name, rule in rules.items()]
        labels = np.select(conditions, list(rules), default=default) if conditions else default
        result["name"] = pd.Series(labels, index=profile.index, dtype=object)
        report["命名方式"] = "按规则命名（比较各群的 z 分数）"
        report["命名规则"] = dict(rules)
    result.attrs["report"] = report
    return result


def pca_projection(segmented: pd.DataFrame) -> pd.DataFrame:
    """把聚类用的数据（对数变换、标准化之后）用主成分分析（PCA）投影到两个主成分上，用来画二维散点图。

    第一主成分是数据散开最大的方向，第二主成分是与它垂直的方向里散开最大的。
    两个主成分各解释了多少方差（占比）记在 ``attrs["report"]["解释方差比例"]``：
    两者之和越接近 1，二维图越能代表原来的多维数据。

    参数
    ----
    segmented : ``kmeans_segments`` 的结果（需要 ``attrs["model"]`` 里的模型和 ``cluster`` 列）。

    返回
    ----
    DataFrame，行索引与 ``segmented`` 相同，列 ``pc1``、``pc2``、``cluster``。

    例子
    ----
    >>> rfm = pd.DataFrame({"recency": [5, 8, 200, 180, 10, 190], "frequency": [9, 12, 1, 2, 10, 1],
    ...                     "monetary": [900.0, 1100.0, 50.0, 80.0, 950.0, 40.0]})
    >>> projection = pca_projection(kmeans_segments(rfm, k=2))
    >>> list(projection.columns), len(projection)
    (['pc1', 'pc2', 'cluster'], 6)
    >>> share = projection.attrs["report"]["解释方差比例"]
    >>> share[0] > share[1] > 0
    True
    """
    model, columns = _fitted_model(segmented)
    features = _feature_values(segmented, columns, table="分群结果（segmented 参数）")
    if len(columns) < 2:
        raise CRMDataError(
            f"聚类只用了 1 列（{columns[0]}），不需要投影到二维：直接按这一列画直方图或散点图即可。"
        )
    points = model[:-1].transform(features)
    pca = PCA(n_components=2).fit(points)
    coordinates = pca.transform(points)
    result = pd.DataFrame({"pc1": coordinates[:, 0], "pc2": coordinates[:, 1]}, index=segmented.index)
    result[CLUSTER_COLUMN] = segmented[CLUSTER_COLUMN].to_numpy()
    report = dict(segmented.attrs.get("report", {}))
    report["解释方差比例"] = [float(v) for v in pca.explained_variance_ratio_]
    report["主成分载荷"] = {f"pc{i + 1}": dict(zip(columns, map(float, row), strict=True))
                       for i, row in enumerate(pca.components_)}
    result.attrs["report"] = report
    return result


# ---------------------------------------------------------------------------------------------
# 内部工具
# ---------------------------------------------------------------------------------------------


def _prepare(data, *, columns, log, scale):
    """检查输入并取出特征：返回 (特征表, 取对数的列, 报告)。"""
    table = "聚类的表（data 参数）"
    if not isinstance(data, pd.DataFrame):
        raise CRMDataError(f"{table}应该是 pandas 的 DataFrame，收到的是 {type(data).__name__}。")
    if not (scale is None or isinstance(scale, str)) or scale not in _SCALE_CHOICES:
        allowed = "、".join(f"{k!r}（{v}）" for k, v in _SCALE_CHOICES.items())
        raise CRMDataError(f"scale 只能是 {allowed}，收到 {scale!r}。")
    if data.empty:
        raise CRMDataError(f"{table}是空的（没有任何行），无法聚类。")
    if columns is None:
        columns = [c for c in _numeric_columns(data) if c != CLUSTER_COLUMN]
        if not columns:
            raise CRMDataError(
                f"{table}里没有数字列，无法聚类。现有的列和类型：{_dtypes(data)}。"
                "请用 columns=[...] 指出要用的列，并先把它们转成数字。"
            )
    columns = _column_list(columns, data, exclude=CLUSTER_COLUMN)
    features = _feature_values(data, columns, table=table)
    if len(features) < 2:
        raise CRMDataError(f"{table}只有 1 行，至少要有 2 行（而且要多于 k 行）才能分群。")
    log_columns = _log_columns(log, features)
    for column in features.columns:
        values = features[column]
        if values.nunique() == 1:
            warnings.warn(
                f"列 {column} 所有行的值都相同（都是 {_show(data[column].iloc[0])}），对分群没有任何作用。"
                f"建议用 columns= 去掉它。", UserWarning, stacklevel=3,
            )
    report = dict(data.attrs.get("report", {}))
    report.update({
        "聚类行数": len(features),
        "聚类使用的列": list(features.columns),
        "对数变换的列": log_columns,
        "标准化": _SCALE_CHOICES[scale],
    })
    return features, log_columns, report


def _pipeline(columns, log_columns, scale, *, k, random_state, n_init) -> Pipeline:
    positions = [list(columns).index(c) for c in log_columns]
    log_step = (FunctionTransformer(_log1p_columns, kw_args={"positions": positions}, feature_names_out="one-to-one")
                if positions else "passthrough")
    scale_step = {"standard": StandardScaler(), "minmax": MinMaxScaler(), None: "passthrough"}[scale]
    return Pipeline([
        ("log", log_step),
        ("scale", scale_step),
        ("kmeans", KMeans(n_clusters=k, random_state=random_state, n_init=n_init)),
    ])


def _log1p_columns(X, positions):
    """对第 ``positions`` 列取 ln(1 + x)，其余列不变。"""
    values = np.array(X, dtype=float)
    values[:, positions] = np.log1p(values[:, positions])
    return values


def _numeric_columns(data) -> list:
    return [c for c in data.columns
            if pd.api.types.is_numeric_dtype(data[c]) and not pd.api.types.is_bool_dtype(data[c])]


def _dtypes(data) -> str:
    return "、".join(f"{c}（{'数字' if c in _numeric_columns(data) else data[c].dtype}）" for c in data.columns)


def _column_list(columns, data, *, exclude=None) -> list:
    if isinstance(columns, str):
        columns = [columns]
    try:
        columns = list(columns)
    except TypeError as exc:
        raise CRMDataError(f"columns 应该是列名的列表，例如 [\"recency\", \"monetary\"]，收到 {columns!r}。") from exc
    if not columns:
        raise CRMDataError("columns 是空的：至少要写一列，例如 columns=[\"recency\", \"frequency\", \"monetary\"]。")
    repeated = sorted({str(c) for c in columns if columns.count(c) > 1})
    if repeated:
        raise CRMDataError(f"columns 里有重复的列名：{', '.join(repeated)}。每列只写一次。")
    if exclude is not None and exclude in columns:
        raise CRMDataError(f"列 {exclude} 是簇编号，不能同时当作特征。请从 columns 里去掉它。")
    check_columns(data, columns, table="表")
    return columns


def _feature_values(data, columns, *, table) -> pd.DataFrame:
    """取出特征列并转成小数；不是数字、有空值或无穷大时报错。"""
    numeric = {}
    for column in columns:
        values = data[column]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            numeric[column] = values.astype(float)
            continue
        stripped = values.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
        converted = pd.to_numeric(stripped, errors="coerce").astype(float)
        wrong = converted.isna() & values.notna()
        if wrong.any():
            numbers_ = [c for c in _numeric_columns(data) if c != CLUSTER_COLUMN]
            raise CRMDataError(
                f"{table}的列 {column} 不是数字：{_rows(wrong, values)}。k-means 只能用数字列"
                f"（数字列有：{', '.join(map(str, numbers_)) or '没有'}）。"
                "文字类的列（城市、性别等）请从 columns 里去掉；"
                "如果是数字带了单位（“元”“次”）或千分位逗号，请先去掉再转换。"
            )
        numeric[column] = converted
    features = pd.DataFrame(numeric, index=data.index)
    missing = features.isna().any(axis=1)
    if missing.any():
        which = [c for c in features.columns if features[c].isna().any()]
        raise CRMDataError(
            f"{table}的列 {', '.join(map(str, which))} 有空值：{_rows(missing)}。k-means 不能处理空值，"
            "也不会悄悄删掉这些行。请决定怎么处理：删掉这些行 df.dropna(subset=[...])，"
            "或补上合理的值，例如 df.fillna({\"列名\": 0})。"
        )
    infinite = ~np.isfinite(features).all(axis=1)
    if infinite.any():
        which = [c for c in features.columns if not np.isfinite(features[c]).all()]
        raise CRMDataError(
            f"{table}的列 {', '.join(map(str, which))} 有无穷大（inf）：{_rows(infinite, features[which[0]])}。"
            "通常是除以 0 算出来的（例如 金额 ÷ 次数，而次数为 0）。请改正这些值或删掉这些行。"
        )
    return features


def _log_columns(log, features) -> list:
    if log is False or log is None:
        return []
    if log is True:
        chosen = list(features.columns)
    elif isinstance(log, str):
        chosen = [log]
    else:
        try:
            chosen = list(log)
        except TypeError as exc:
            raise CRMDataError(
                f"log 应该是 True、False 或列名的列表，例如 log=[\"frequency\", \"monetary\"]，收到 {log!r}。"
            ) from exc
        outside = [c for c in chosen if c not in features.columns]
        if outside:
            raise CRMDataError(
                f"log 里的列 {', '.join(map(str, outside))} 不在聚类使用的列里"
                f"（{', '.join(map(str, features.columns))}）。"
                "log 只能写聚类用到的列，例如 log=[\"frequency\", \"monetary\"]。"
            )
    for column in chosen:
        negative = features[column] < 0
        if negative.any():
            raise CRMDataError(
                f"列 {column} 有负数：{_rows(negative, features[column])}。取对数 ln(1 + x) 要求数值不小于 0。"
                "请不要对这一列取对数（用 log=[...] 只列出非负的列，例如消费金额、购买次数），"
                "或先检查这些负数是否录错。"
            )
    return chosen


def _check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise CRMDataError(f"k（分几群）应该是整数，例如 k=4，收到 {k!r}。不知道选几时先用 choose_k(...)。")
    if k < 2:
        raise CRMDataError(f"k（分几群）至少是 2，收到 {k}。分成 1 群等于没有分。")
    return int(k)


def _check_k_values(k_values) -> list[int]:
    try:
        ks = list(k_values)
    except TypeError as exc:
        raise CRMDataError(f"k_values 应该是一组整数，例如 range(2, 11) 或 [2, 3, 4]，收到 {k_values!r}。") from exc
    if not ks:
        raise CRMDataError("k_values 是空的：至少写一个 k，例如 k_values=range(2, 11)。")
    return sorted({_check_k(k) for k in ks})


def _check_k_against_rows(features, ks, *, for_silhouette=False) -> None:
    distinct = len(features.drop_duplicates())
    n = len(features)
    limit = min(distinct, n - 1) if for_silhouette else distinct
    too_big = [k for k in ks if k > limit]
    if too_big:
        rows = f"表里共有 {n} 行" + (f"，其中不同的只有 {distinct} 行" if distinct < n else "")
        why = "算轮廓系数时 k 还必须小于行数，" if for_silhouette and limit == n - 1 else ""
        raise CRMDataError(
            f"k={too_big[0]} 太大了：{rows}（按聚类用的列比较），{why}k 最多是 {limit}。"
            "请减小 k；每群通常应当有足够多的客户，群数一般取 2～8。"
        )


def _check_int(name, value, *, low, meaning) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise CRMDataError(f"{name}（{meaning}）应该是不小于 {low} 的整数，收到 {value!r}。")


def _check_threshold(value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
        raise CRMDataError(
            f"marker_threshold（标 ≈ 的范围，几个标准差）应该是不小于 0 的数，例如 0.25，收到 {value!r}。"
        )
    return float(value)


def _marker(z: float, threshold: float) -> str:
    if z > threshold:
        return "↑"
    return "↓" if z < -threshold else "≈"


def _profile_z(profile) -> pd.DataFrame:
    z_columns = [c for c in profile.columns if isinstance(c, str) and c.endswith("_z")]
    if not z_columns:
        raise CRMDataError(
            f"profile 里没有 z 分数列（<列名>_z），现有的列：{', '.join(map(str, profile.columns))}。"
            "请传入 cluster_profile(...) 的结果。"
        )
    return profile[z_columns].rename(columns=lambda c: c[:-2]).astype(float)


def _check_name_rules(rules) -> dict:
    if not isinstance(rules, dict) or not rules:
        raise CRMDataError(
            f"rules 应该是不为空的字典 {{名字: 条件}}，例如 RFM_CLUSTER_RULES 或 "
            f"{{\"重要客户\": \"monetary > 0\"}}，收到 {rules!r}。"
        )
    for name, rule in rules.items():
        if not isinstance(name, str) or not name.strip():
            raise CRMDataError(f"命名规则的名字应该是文字，例如 \"重要价值客户\"，收到 {name!r}。")
        if not isinstance(rule, str) or not rule.strip():
            raise CRMDataError(f"命名规则 {name} 的条件应该是文字表达式，例如 \"monetary > 0\"，收到 {rule!r}。")
    return dict(rules)


def _evaluate_rule(z, name, rule) -> np.ndarray:
    try:
        mask = z.eval(rule, engine="python")
    except Exception as exc:  # pandas 的各种解析错误都换成中文说明
        raise CRMDataError(
            f"命名规则 {name}：{rule!r} 无法计算（{type(exc).__name__}: {exc}）。"
            f"画像里可以用的列（代表各群的 z 分数）：{', '.join(map(str, z.columns))}。"
            "规则里的列名要和聚类用的列一致，不一致时先用 df.rename(columns={...}) 改名再聚类，或修改规则；"
            "条件的写法例如 \"recency < 0 and monetary > 0\"。"
        ) from exc
    if isinstance(mask, (bool, np.bool_)):  # 例如 "True"：其余各群都取这个名字
        mask = pd.Series(bool(mask), index=z.index)
    if not (isinstance(mask, pd.Series) and pd.api.types.is_bool_dtype(mask)):
        raise CRMDataError(
            f"命名规则 {name}：{rule!r} 算出来的不是“是/否”。条件里要有比较，例如 \"monetary > 0\"。"
        )
    return mask.to_numpy(dtype=bool)


def _manual_names(names, clusters) -> list:
    if isinstance(names, dict):
        unknown = [c for c in names if c not in clusters]
        missing = [c for c in clusters if c not in names]
        if unknown or missing:
            raise CRMDataError(
                f"names 的簇编号与画像不一致：画像里的簇是 {list(clusters)}"
                + (f"，names 多了 {unknown}" if unknown else "")
                + (f"，缺少 {missing}" if missing else "") + "。每一群都要起一个名字。"
            )
        return [names[c] for c in clusters]
    if isinstance(names, str):
        raise CRMDataError(f"names 应该是字典 {{簇编号: 名字}} 或名字的列表，收到一段文字 {names!r}。")
    try:
        names = list(names)
    except TypeError as exc:
        raise CRMDataError(f"names 应该是字典 {{簇编号: 名字}} 或名字的列表，收到 {names!r}。") from exc
    if len(names) != len(clusters):
        raise CRMDataError(
            f"names 有 {len(names)} 个名字，但画像里有 {len(clusters)} 群（{list(clusters)}）。每一群要有一个名字。"
        )
    return names


def _fitted_model(segmented):
    """取出 kmeans_segments 存下的模型和它用的列。"""
    table = "分群结果（segmented 参数）"
    check_columns(segmented, [CLUSTER_COLUMN], table=table)
    model = segmented.attrs.get("model")
    columns = segmented.attrs.get("report", {}).get("聚类使用的列")
    if not isinstance(model, Pipeline) or not columns:
        raise CRMDataError(
            f"{table}里没有找到拟合好的模型（attrs[\"model\"]）。请直接传入 kmeans_segments(...) 的结果；"
            "合并（merge）等操作会丢掉它，可以先画图再合并。"
        )
    check_columns(segmented, columns, table=table)
    return model, list(columns)
