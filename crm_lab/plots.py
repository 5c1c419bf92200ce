"""画图：中文字体和课程统一的图表风格。

导入本模块时会自动调用一次 ``use_chinese_font()``，之后图里的中文标题、坐标轴和图例都能正常
显示。即使电脑上没有安装任何中文字体也可以：这时使用随 ``mplfonts`` 包安装的思源黑体
（Noto Sans CJK SC）。
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import font_manager

from crm_lab.data import CRMDataError, check_columns

# 电脑上已经装好的中文字体，按优先顺序（Windows、macOS、Linux 常见的字体）
PREFERRED_FONTS = (
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
)
BUNDLED_FONT_FILE = "NotoSansCJKsc-Regular.otf"


def bundled_font_path() -> Path | None:
    """随 ``mplfonts`` 包安装的思源黑体文件的位置；没装 ``mplfonts`` 时返回 None。"""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / BUNDLED_FONT_FILE
    return path if path.is_file() else None


def find_chinese_font() -> str | None:
    """返回能显示中文的字体名：先找电脑上已装的常见中文字体，再用 ``mplfonts`` 自带的字体。

    >>> find_chinese_font() is not None
    True
    """
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in PREFERRED_FONTS:
        if name in installed:
            return name
    path = bundled_font_path()
    if path is None:
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_chinese_font() -> str:
    """让 matplotlib 用中文字体画图，返回所用字体的名字。可以重复调用。

    >>> import matplotlib.pyplot as plt
    >>> name = use_chinese_font()
    >>> plt.rcParams["font.sans-serif"][0] == name
    True
    """
    name = find_chinese_font()
    if name is None:
        raise RuntimeError(
            "找不到能显示中文的字体。请在命令行运行 `pip install mplfonts` 后重启内核，"
            "或运行 `crm-lab doctor` 查看环境问题。"
        )
    others = [f for f in mpl.rcParams["font.sans-serif"] if f != name]
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = [name, *others]
    mpl.rcParams["axes.unicode_minus"] = False  # 中文字体里常常没有 Unicode 负号
    return name


def set_theme(style: str = "whitegrid", palette: str = "deep", **kwargs) -> str:
    """设置课程统一的 seaborn 风格，并保持中文字体（``sns.set_theme`` 单独用会把字体改回去）。

    参数与 ``seaborn.set_theme`` 相同；返回所用的中文字体名。

    >>> name = set_theme()
    >>> import matplotlib as mpl
    >>> mpl.rcParams["font.sans-serif"][0] == name
    True
    """
    import seaborn as sns

    sns.set_theme(style=style, palette=palette, **kwargs)
    return use_chinese_font()


use_chinese_font()


# ---------------------------------------------------------------------------------------------
# 客户分群（crm_lab.segment）
# ---------------------------------------------------------------------------------------------


def plot_choose_k(table):
    """画选 k 的两张图：左边肘部法（簇内平方和），右边轮廓系数；轮廓系数最大的 k 用红点标出。

    参数
    ----
    table : ``crm_lab.segment.choose_k`` 的结果。

    返回
    ----
    matplotlib 的 Figure（两个子图在 ``fig.axes`` 里）。

    >>> import pandas as pd
    >>> table = pd.DataFrame({"inertia": [90.0, 40.0, 30.0, 25.0], "silhouette": [0.5, 0.7, 0.55, 0.5]},
    ...                      index=pd.Index([2, 3, 4, 5], name="k"))
    >>> fig = plot_choose_k(table)
    >>> [ax.get_title() for ax in fig.axes]
    ['肘部法：簇内平方和', '轮廓系数（越大越好）']
    >>> plt.close(fig)
    """
    check_columns(table, ["inertia", "silhouette"], table="选 k 的表（table 参数，choose_k 的结果）")
    if table.empty:
        raise CRMDataError("选 k 的表是空的。请传入 choose_k(...) 的结果。")
    ks = table.index.to_numpy()
    best = table["silhouette"].idxmax()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    left.plot(ks, table["inertia"], marker="o")
    left.set_title("肘部法：簇内平方和")
    left.set_xlabel("k（簇的个数）")
    left.set_ylabel("簇内平方和（inertia，越小越紧凑）")
    right.plot(ks, table["silhouette"], marker="o", color="C1")
    right.plot([best], [table.loc[best, "silhouette"]], "o", color="red", markersize=11, fillstyle="none",
               markeredgewidth=2, label=f"最大：k = {best}")
    right.set_title("轮廓系数（越大越好）")
    right.set_xlabel("k（簇的个数）")
    right.set_ylabel("平均轮廓系数（−1 到 1）")
    right.legend()
    for ax in (left, right):
        ax.set_xticks(ks)
        ax.grid(alpha=0.3)
    fig.suptitle("选择聚类的个数 k")
    return fig


def plot_cluster_radar(profile, *, ax=None):
    """各群画像的雷达图：每个特征一根轴，画每群的 z 分数（0 = 总体平均，虚线圆）。

    参数
    ----
    profile : ``crm_lab.segment.cluster_profile`` 的结果；有 ``name`` 列（``name_clusters`` 的结果）时，
        图例里写上名字。至少要有 3 个特征。
    ax : 画在哪个极坐标子图上（可选）。

    返回
    ----
    matplotlib 的 Axes（极坐标）。

    >>> import pandas as pd
    >>> profile = pd.DataFrame({"size": [3, 5], "recency_z": [1.0, -0.6], "frequency_z": [-0.8, 0.5],
    ...                         "monetary_z": [-0.9, 0.6], "name": ["流失客户", "价值客户"]},
    ...                        index=pd.Index([0, 1], name="cluster"))
    >>> ax = plot_cluster_radar(profile)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['群 0 流失客户（3 人）', '群 1 价值客户（5 人）', '总体平均']
    >>> plt.close("all")
    """
    if not hasattr(profile, "columns"):
        raise CRMDataError(
            f"profile 应该是 cluster_profile(...) 的结果（DataFrame），收到的是 {type(profile).__name__}。"
        )
    z_columns = [c for c in profile.columns if isinstance(c, str) and c.endswith("_z")]
    if len(z_columns) < 3:
        raise CRMDataError(
            f"雷达图至少要 3 个特征的 z 分数（<列名>_z），profile 里只有 {len(z_columns)} 个："
            f"{', '.join(z_columns) or '没有'}。请传入 cluster_profile(...) 的结果；特征少于 3 个时请画条形图。"
        )
    features = [c[:-2] for c in z_columns]
    angles = np.linspace(0, 2 * np.pi, len(features), endpoint=False)
    closed = np.append(angles, angles[0])
    values = profile[z_columns].to_numpy(dtype=float)
    low, high = min(values.min(), 0.0), max(values.max(), 0.0)
    margin = 0.15 * (high - low or 1.0)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 7.5), subplot_kw={"projection": "polar"}, layout="constrained")
    ax.plot(np.linspace(0, 2 * np.pi, 100), np.zeros(100), "--", color="grey", linewidth=1, label="总体平均")
    for position, (label, row) in enumerate(zip(profile.index, values, strict=True)):
        text = f"群 {label}"
        if "name" in profile.columns:
            text += f" {profile['name'].iloc[position]}"
        if "size" in profile.columns:
            text += f"（{int(profile['size'].iloc[position])} 人）"
        ax.plot(closed, np.append(row, row[0]), marker="o", color=f"C{position % 10}", label=text)
        ax.fill(closed, np.append(row, row[0]), color=f"C{position % 10}", alpha=0.1)
    ax.set_xticks(angles, features)
    ax.set_ylim(low - margin, high + margin)
    ax.set_rlabel_position(float(np.degrees(angles[1]) / 2))  # 刻度数字放在前两根轴中间，不压住特征名
    ax.set_title("各群画像雷达图\n（z 分数：虚线圆 0 = 总体平均，越往外越高于平均）", pad=24)
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[1:] + handles[:1], labels[1:] + labels[:1], loc="upper center",
              bbox_to_anchor=(0.5, -0.08), ncols=2)
    return ax


def plot_cluster_pca(segmented, *, names=None, ax=None):
    """把分群结果投影到两个主成分上画散点图，每群一种颜色，“×”是每群的中心。

    坐标轴上写着每个主成分解释了多少方差：两者之和越大，这张二维图越能代表原来的多维数据。

    参数
    ----
    segmented : ``crm_lab.segment.kmeans_segments`` 的结果。
    names : 图例里每群的名字（可选）：字典 ``{簇编号: 名字}`` 或 ``name_clusters(...)["name"]``。
    ax : 画在哪个子图上（可选）。

    返回
    ----
    matplotlib 的 Axes。

    >>> import pandas as pd
    >>> from crm_lab.segment import kmeans_segments
    >>> rfm = pd.DataFrame({"recency": [5, 8, 200, 180, 10, 190], "frequency": [9, 12, 1, 2, 10, 1],
    ...                     "monetary": [900.0, 1100.0, 50.0, 80.0, 950.0, 40.0]})
    >>> ax = plot_cluster_pca(kmeans_segments(rfm, k=2), names={0: "沉睡客户", 1: "忠诚客户"})
    >>> ax.get_xlabel().startswith("第一主成分（解释")
    True
    >>> plt.close("all")
    """
    from crm_lab.segment import pca_projection

    projection = pca_projection(segmented)
    share = projection.attrs["report"]["解释方差比例"]
    names = {} if names is None else dict(names)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    for position, (cluster, points) in enumerate(projection.groupby("cluster", sort=True)):
        color = f"C{position % 10}"
        label = f"群 {cluster}" + (f" {names[cluster]}" if cluster in names else "") + f"（{len(points)} 人）"
        ax.scatter(points["pc1"], points["pc2"], s=12, alpha=0.5, color=color, label=label)
        ax.scatter(points["pc1"].mean(), points["pc2"].mean(), marker="X", s=160, color=color, edgecolor="black")
    ax.set_xlabel(f"第一主成分（解释 {share[0]:.1%} 的方差）")
    ax.set_ylabel(f"第二主成分（解释 {share[1]:.1%} 的方差）")
    ax.set_title("客户分群的二维投影（主成分分析 PCA，× 为各群中心）")
    ax.legend(markerscale=1.5)
    ax.grid(alpha=0.3)
    return ax


# ---------------------------------------------------------------------------------------------
# 满意度调研（crm_lab.survey）：指标树、IPA 象限图
# ---------------------------------------------------------------------------------------------

_IPA_COLOURS = {"继续保持": "#2e7d32", "重点改进": "#c62828", "低优先级": "#757575", "过度投入": "#ef6c00"}


def indicator_tree_chart(tree, *, root: str = "顾客满意度与忠诚度", title: str = "满意度与忠诚度指标体系",
                         show_items: bool = False, ax=None):
    """把指标树画成从左到右展开的树形图：根 → 一级指标 → 二级指标（→ 题目编号）。

    参数
    ----
    tree : ``crm_lab.survey.indicator_tree`` 的结果（含 ``一级指标``、``二级指标``、``item``、``权重`` 列）。
    root : 树根上写的文字。
    show_items : 是否再画一层题目编号（item 列）。
    ax : 画在哪个 Axes 上；不给时新建一张图。

    返回 matplotlib 的 Axes。

    >>> from crm_lab.survey import indicator_tree_default
    >>> ax = indicator_tree_chart(indicator_tree_default())
    >>> ax.get_title()
    '满意度与忠诚度指标体系'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt

    from crm_lab.data import check_columns

    check_columns(tree, ["一级指标", "二级指标", "item", "权重"], table="指标树（tree 参数）")
    # 每个结点用从根出发的路径表示：(一级,)、(一级, 二级)、(一级, 二级, item)。同名的二级指标
    # （例如“顾客期望—商品”和“感知质量—商品”）挂在不同的一级指标下，是不同的结点。
    depth = 3 if show_items else 2
    paths = [(r.一级指标, r.二级指标, r.item)[:depth] for r in tree.itertuples()]
    weight_of = {}
    for path, weight in zip(paths, tree["权重"], strict=True):
        for size in range(1, 3):
            weight_of[path[:size]] = weight_of.get(path[:size], 0.0) + float(weight)
    leaves = list(dict.fromkeys(paths))
    if ax is None:
        _, ax = plt.subplots(figsize=(11 if show_items else 9, max(3.0, 0.42 * len(leaves) + 1)))
    position = {leaf: (depth, -i) for i, leaf in enumerate(leaves)}
    for size in range(depth - 1, -1, -1):  # 父结点在子结点的正中
        for parent in dict.fromkeys(leaf[:size] for leaf in leaves):
            ys = [y for node, (x, y) in position.items() if len(node) == size + 1 and node[:size] == parent]
            position[parent] = (size, sum(ys) / len(ys))
    for node, (x1, y1) in position.items():
        if node:
            x0, y0 = position[node[:-1]]
            middle = (x0 + x1) / 2 + 0.1
            ax.plot([x0 + 0.25, middle, middle, x1 - 0.3], [y0, y0, y1, y1], color="#90a4ae", linewidth=1, zorder=1)
    colours = ["#1565c0", "#42a5f5", "#e3f2fd", "#ffffff"]
    for node, (x, y) in position.items():
        label = root if not node else str(node[-1])
        if node in weight_of:
            label += f"（{weight_of[node]:.0%}）"
        ax.text(x, y, label, ha="center", va="center", fontsize=9 if len(node) == 3 else 10, zorder=2,
                color="white" if len(node) < 2 else "black",
                bbox={"boxstyle": "round,pad=0.35", "facecolor": colours[len(node)], "edgecolor": "#1565c0"})
    ax.set_xlim(-0.6, depth + 0.6)
    ax.set_ylim(-len(leaves) + 0.4, 0.6)
    ax.set_title(title)
    ax.text(0.0, 0.0, "括号里是权重", transform=ax.transAxes, ha="left", va="bottom", fontsize=8, color="#607d8b")
    ax.axis("off")
    return ax


def ipa_chart(table, *, title: str = "重要性—表现分析（IPA）", xlabel: str = "表现（满意度得分）",
              ylabel: str = "重要性（权重）", ax=None):
    """IPA 象限图：横轴表现、纵轴重要性，虚线是分界（平均值或中位数），四个象限标上名称。

    参数
    ----
    table : ``crm_lab.survey.ipa`` 的结果（含 ``importance``、``performance``、``quadrant`` 列）。
    ax : 画在哪个 Axes 上；不给时新建一张图。

    返回 matplotlib 的 Axes。

    >>> import pandas as pd
    >>> from crm_lab.survey import ipa
    >>> table = ipa(pd.Series({"质量": 0.4, "价格": 0.3, "环境": 0.1}), pd.Series({"质量": 80, "价格": 50, "环境": 90}))
    >>> ax = ipa_chart(table)
    >>> ax.get_xlabel()
    '表现（满意度得分）'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt

    from crm_lab.data import check_columns

    check_columns(table, ["importance", "performance", "quadrant"], table="IPA 结果（table 参数）")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 6))
    split = table.attrs.get("report", {}).get("分界值") or {
        "importance": float(table["importance"].mean()), "performance": float(table["performance"].mean())}
    for quadrant, colour in _IPA_COLOURS.items():  # 图例按固定的象限顺序
        part = table[table["quadrant"] == quadrant]
        if not part.empty:
            ax.scatter(part["performance"], part["importance"], s=60, color=colour, label=quadrant, zorder=3)
    for name, row in table.iterrows():
        ax.annotate(str(name), (row["performance"], row["importance"]), textcoords="offset points",
                    xytext=(6, 4), fontsize=9)
    ax.axvline(split["performance"], color="#607d8b", linestyle="--", linewidth=1)
    ax.axhline(split["importance"], color="#607d8b", linestyle="--", linewidth=1)
    ax.margins(0.2)
    corners = {"重点改进": (0.02, 0.97, "left", "top"), "继续保持": (0.98, 0.97, "right", "top"),
               "低优先级": (0.02, 0.03, "left", "bottom"), "过度投入": (0.98, 0.03, "right", "bottom")}
    for quadrant, (x, y, ha, va) in corners.items():
        ax.text(x, y, quadrant, transform=ax.transAxes, ha=ha, va=va, fontsize=12, alpha=0.7,
                color=_IPA_COLOURS[quadrant])
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(title="象限", loc="center left", bbox_to_anchor=(1.01, 0.5))
    return ax


# ---------------------------------------------------------------------------------------------
# 潜在客户（crm_lab.leads）：销售漏斗
# ---------------------------------------------------------------------------------------------


def funnel_chart(table, *, title: str = "销售漏斗", ax=None):
    """销售漏斗图：每一阶段一条居中的横条，长度是走到这一阶段的线索数，旁边写人数和阶段转化率。

    参数
    ----
    table : ``crm_lab.leads.funnel`` 的结果（不分组的那种；分组结果请先选一组，例如 ``table.loc["展销会"]``）。
    ax : 画在哪个 Axes 上；不给时新建一张图。

    返回 matplotlib 的 Axes。

    >>> import pandas as pd
    >>> from crm_lab.leads import funnel
    >>> ax = funnel_chart(funnel(pd.DataFrame({"stage": ["线索", "已联系", "成交", "合格"]})))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['线索', '已联系', '合格', '意向', '成交']
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from crm_lab.data import CRMDataError, check_columns

    check_columns(table, ["leads", "step_conversion", "overall_conversion"], table="漏斗表（table 参数）")
    if table.index.nlevels > 1:
        raise CRMDataError(
            "funnel_chart 一次只画一个漏斗，这张漏斗表是分组的（用了 by=）。"
            "请先选一组，例如 funnel_chart(table.loc[\"展销会\"])。"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.7 * len(table) + 1.5))
    counts = table["leads"].to_numpy(dtype=float)
    widest = counts.max() if counts.max() > 0 else 1.0
    positions = list(range(len(table)))
    colours = plt.get_cmap("Blues")([0.85 - 0.5 * i / max(len(table) - 1, 1) for i in positions])
    ax.barh(positions, counts, left=(widest - counts) / 2, color=colours, edgecolor="white", height=0.8)
    for i, (count, step, overall) in enumerate(zip(counts, table["step_conversion"], table["overall_conversion"],
                                                   strict=True)):
        if i == 0 or np.isnan(step):  # 上一阶段没有人时转化率没有意义
            text = f"{count:.0f} 人"
        else:
            text = f"{count:.0f} 人（上一步的 {step:.0%}，总体 {overall:.0%}）"
        ax.text(widest / 2, i, text, ha="center", va="center", fontsize=10,
                color="white" if count >= 0.6 * widest else "black")  # 窄条上的字会超出条外
    ax.set_yticks(positions, [str(s) for s in table.index])
    ax.invert_yaxis()
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(title)
    ax.set_ylabel("阶段")
    ax.set_xlabel("线索数（条的长度）")
    return ax


# ---------------------------------------------------------------------------------------------
# 客户价值：帕累托图、RFM 细分
# ---------------------------------------------------------------------------------------------

ABC_COLOURS = {"A": "#c0392b", "B": "#e67e22", "C": "#95a5a6"}


def pareto_chart(abc_result, *, ax=None, title: str = "帕累托图：少数客户贡献了大部分金额", item_label: str = "客户",
                 value_label: str = "金额（元）", line: float = 0.8, max_labels: int = 30):
    """画帕累托图：柱子是每一项的金额（从大到小，按 A/B/C 类着色），折线是累计占比（右边的纵轴）。

    参数
    ----
    abc_result : ``crm_lab.value.abc_analysis`` 的结果（含 ``value``、``cumulative_share``、``abc_class`` 列）。
    ax : 画在哪个 matplotlib Axes 上；不给就新建一张图。
    title, item_label, value_label : 标题、横轴上“项”的名字（客户、商品……）、纵轴的名字。
    line : 在累计占比的哪个位置画一条虚线，默认 0.8（80%）。
    max_labels : 项数不超过它时横轴写出每一项的名字，否则只写名次。

    返回
    ----
    左边纵轴（金额）的 Axes；右边纵轴（累计占比）是 ``ax.right_ax``。

    >>> import pandas as pd
    >>> from crm_lab.value import abc_analysis
    >>> sales = pd.Series([500.0, 300.0, 120.0, 50.0, 30.0], index=["C1", "C2", "C3", "C4", "C5"])
    >>> ax = pareto_chart(abc_analysis(sales))
    >>> ax.get_ylabel(), ax.right_ax.get_ylabel()
    ('金额（元）', '累计占比')
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.patches import Patch
    from matplotlib.ticker import PercentFormatter

    from crm_lab.data import CRMDataError, check_columns

    check_columns(abc_result, ["value", "cumulative_share", "abc_class"],
                  table="ABC 分析的结果（abc_result 参数，请传入 abc_analysis(...) 的结果）")
    if abc_result.empty:
        raise CRMDataError("ABC 分析的结果是空的，没有可以画的项。")
    if not 0 < line < 1:
        raise CRMDataError(f"line（累计占比参考线）应该在 0 和 1 之间，例如 0.8，收到 {line!r}。")
    data = abc_result.sort_values("value", ascending=False, kind="stable")
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5))
    positions = np.arange(1, len(data) + 1)
    colours = [ABC_COLOURS.get(c, "#7f8c8d") for c in data["abc_class"]]
    many = len(data) > max_labels
    ax.bar(positions, data["value"], width=1.0 if many else 0.8, color=colours,
           edgecolor="none" if many else "white")
    right = ax.twinx()
    right.plot(positions, data["cumulative_share"], color="#2c3e50", linewidth=2,
               marker=None if many else "o", markersize=4)
    right.axhline(line, color="#2c3e50", linestyle="--", linewidth=1)
    right.text(positions[-1], line, f"{line:.0%} ", va="bottom", ha="right", color="#2c3e50")
    right.set_ylim(0, 1.05)
    right.yaxis.set_major_formatter(PercentFormatter(1.0))
    right.set_ylabel("累计占比")
    right.grid(False)
    ax.set_xlim(0.5, len(data) + 0.5)
    if many:
        ax.set_xlabel(f"{item_label}（按{value_label.split('（')[0]}从大到小排名）")
    else:
        ax.set_xticks(positions, [str(i) for i in data.index], rotation=45 if len(data) > 8 else 0, ha="right"
                      if len(data) > 8 else "center")
        ax.set_xlabel(item_label)
    ax.set_ylabel(value_label)
    ax.set_title(title)
    total = float(data["value"].sum())
    handles = []
    for klass in ("A", "B", "C"):
        members = data["abc_class"] == klass
        if members.any():
            handles.append(Patch(color=ABC_COLOURS[klass], label=(
                f"{klass} 类：{int(members.sum())} 个{item_label}（{members.mean():.0%}），"
                f"金额占 {data.loc[members, 'value'].sum() / total:.0%}")))
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 0.06))
    ax.right_ax = right
    return ax


def segment_share_chart(summary, *, ax=None, title: str = "各类客户的人数占比与消费金额占比"):
    """横向条形图：八类客户各占多少人、贡献多少消费金额（两根条并排比较）。

    参数
    ----
    summary : ``crm_lab.value.segment_summary`` 的结果（含 ``share``、``monetary_share`` 列，行索引是类别名）。
    ax : 画在哪个 Axes 上；不给就新建一张图。

    返回
    ----
    matplotlib 的 Axes。

    >>> import pandas as pd
    >>> from crm_lab.value import rfm_segment, segment_summary
    >>> rfm = pd.DataFrame({"recency": [5, 40, 200, 10], "frequency": [6, 1, 1, 3],
    ...                     "monetary": [600.0, 80.0, 20.0, 150.0]})
    >>> ax = segment_share_chart(segment_summary(rfm_segment(rfm)))
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['人数占比', '消费金额占比']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.ticker import PercentFormatter

    from crm_lab.data import CRMDataError, check_columns

    check_columns(summary, ["share", "monetary_share"],
                  table="细分汇总表（summary 参数，请传入 segment_summary(...) 的结果）")
    if summary.empty:
        raise CRMDataError("细分汇总表是空的，没有可以画的类别。")
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.6 * len(summary) + 1.5))
    rows = np.arange(len(summary))[::-1]  # 第一类画在最上面
    height = 0.38
    shares = summary["share"].fillna(0).to_numpy(dtype=float)
    money = summary["monetary_share"].fillna(0).to_numpy(dtype=float)
    people = ax.barh(rows + height / 2, shares, height, color="#3498db", label="人数占比")
    revenue = ax.barh(rows - height / 2, money, height, color="#c0392b", label="消费金额占比")
    for bars, values in ((people, shares), (revenue, money)):
        for bar, value in zip(bars, values, strict=True):
            ax.text(bar.get_width() + 0.005, bar.get_y() + bar.get_height() / 2, f"{value:.1%}", va="center",
                    fontsize=9)
    ax.set_yticks(rows, [str(i) for i in summary.index])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, min(1.0, max(shares.max(), money.max()) * 1.18 + 0.02))
    ax.set_xlabel("占全部客户的比例")
    ax.set_ylabel("客户类别")
    ax.set_title(title)
    ax.legend(loc="lower right")
    return ax


# ---------------------------------------------------------------------------------------------
# 流失预警：混淆矩阵和 ROC 曲线（配合 crm_lab.mining.evaluate_classifier）
# ---------------------------------------------------------------------------------------------


def plot_confusion_matrix(confusion, *, ax=None, title: str = "混淆矩阵", cmap: str = "Blues"):
    """画混淆矩阵热力图：每格写出人数和占全部样本的比例。返回 matplotlib 的 Axes。

    参数
    ----
    confusion : 2×2 的 DataFrame，行是实际类别、列是预测类别，例如
        ``evaluate_classifier(...)["confusion_matrix"]``。
    ax : 画在哪个坐标系上（可选）；title : 标题；cmap : 颜色。

    >>> import pandas as pd
    >>> confusion = pd.DataFrame([[50, 10], [5, 35]], index=["实际：未流失", "实际：流失"],
    ...                          columns=["预测：未流失", "预测：流失"])
    >>> ax = plot_confusion_matrix(confusion)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('预测类别', '实际类别')
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt
    import numpy as np

    values = np.asarray(confusion, dtype=float)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.8, 4))
    image = ax.imshow(values, cmap=cmap)
    total = values.sum()
    middle = (values.max() + values.min()) / 2
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            share = values[i, j] / total if total else 0.0
            ax.text(j, i, f"{int(values[i, j])}\n({share:.0%})", ha="center", va="center",
                    color="white" if values[i, j] > middle else "black", fontsize=12)
    ax.set_xticks(range(values.shape[1]), [str(c) for c in getattr(confusion, "columns", range(values.shape[1]))])
    ax.set_yticks(range(values.shape[0]), [str(c) for c in getattr(confusion, "index", range(values.shape[0]))])
    ax.set_xlabel("预测类别")
    ax.set_ylabel("实际类别")
    ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, label="人数")
    return ax


def plot_roc_curve(y_true, scores, *, ax=None, title: str = "ROC 曲线", label: str = "模型"):
    """画 ROC 曲线（横轴误报率、纵轴召回率），图例里写出 AUC。返回 matplotlib 的 Axes。

    参数
    ----
    y_true : 实际的 0/1 标签；scores : 模型给出的正类得分（概率），例如
        ``evaluate_classifier(...)["scores"]`` 的 ``y_true`` 和 ``score`` 两列。
    ax : 画在哪个坐标系上（可选）；title : 标题；label : 图例中模型的名字。

    >>> ax = plot_roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> ax.get_legend().get_texts()[0].get_text()
    '模型（AUC = 0.75）'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt
    from sklearn.metrics import roc_auc_score, roc_curve

    fpr, tpr, _ = roc_curve(y_true, scores)
    auc = roc_auc_score(y_true, scores)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.8, 4.4))
    ax.plot(fpr, tpr, linewidth=2, label=f"{label}（AUC = {auc:.2f}）")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="随机猜测（AUC = 0.50）")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("误报率（没流失却被预警的比例）")
    ax.set_ylabel("召回率（流失客户被预警出来的比例）")
    ax.set_title(title)
    ax.legend(loc="lower right")
    return ax


def buying_centre_chart(centre, *, title: str | None = None, name: str = "name", role: str = "role",
                        label: str | None = "title", touches: str = "touches", roles=None, ax=None):
    """画采购中心图（buying-centre map）：中间是客户，四周是五个角色，每个角色下面列出联系人。

    联系人的圆点越大，我们联系他的次数（``touches``）越多；一个联系人都没有的角色画成红色虚线框并写“缺”，
    一眼就能看出还没“找对人”的地方。

    参数
    ----
    centre : ``crm_lab.accounts.buying_centre`` 的结果（含 ``name``、``role`` 列，可选 ``label``、``touches`` 列）。
    title : 标题；不给时写“采购中心图：<客户编号>”。
    name, role, label, touches : 姓名、角色、职务、联系次数所在的列名；``label=None`` 不写职务。
    roles : 角色顺序，默认决策者、影响者、使用者、采购者、把关者。
    ax : 画在哪个 Axes 上；不给就新建一张图。

    返回
    ----
    画好的 Axes。

    >>> import pandas as pd
    >>> c = pd.DataFrame({"name": ["张处长", "李老师"], "role": ["决策者", "使用者"], "title": ["处长", "教师"],
    ...                   "touches": [1, 5]})
    >>> ax = buying_centre_chart(c, title="采购中心图")
    >>> ax.get_title()
    '采购中心图'
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    from matplotlib.patches import FancyBboxPatch

    check_columns(centre, [name, role], table="采购中心名单（centre 参数，请传入 buying_centre(...) 的结果）")
    if centre.empty:
        raise CRMDataError("采购中心名单是空的：这家客户还没有联系人，先登记联系人再画图。")
    roles = list(roles) if roles is not None else ["决策者", "影响者", "使用者", "采购者", "把关者"]
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 9))
    ax.set_xlim(-1.2, 1.3)
    ax.set_ylim(-1.05, 1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    account = centre.attrs.get("account_id", "客户")
    ax.add_patch(FancyBboxPatch((-0.22, -0.09), 0.44, 0.18, boxstyle="round,pad=0.02", color="#2c3e50"))
    ax.text(0, 0, str(account), ha="center", va="center", color="white", fontsize=15)
    colours = ["#c0392b", "#8e44ad", "#2980b9", "#27ae60", "#d35400"]
    biggest = float(centre[touches].max()) if touches in centre.columns and len(centre) else 0.0
    for i, r in enumerate(roles):
        angle = np.pi / 2 - 2 * np.pi * i / len(roles)
        x, y = 0.78 * np.cos(angle), 0.72 * np.sin(angle)
        people = centre[centre[role].astype("object") == r]
        colour = colours[i % len(colours)]
        missing = people.empty
        ax.plot([0, x * 0.8], [0, y * 0.8], color="#bdc3c7", linewidth=1.5, zorder=0,
                linestyle="--" if missing else "-")
        box = FancyBboxPatch((x - 0.2, y + 0.03), 0.4, 0.13, boxstyle="round,pad=0.02",
                             facecolor="white" if missing else colour, edgecolor="#c0392b" if missing else colour,
                             linestyle="--" if missing else "-", linewidth=2)
        ax.add_patch(box)
        ax.text(x, y + 0.095, f"缺：{r}" if missing else f"{r}（{len(people)}）", ha="center", va="center",
                fontsize=13, color="#c0392b" if missing else "white")
        for j, (_, person) in enumerate(people.iterrows()):
            py = y - 0.05 - 0.11 * j
            count = float(person[touches]) if touches in centre.columns else 0.0
            size = 40 + 260 * (count / biggest if biggest > 0 else 0)
            ax.scatter([x - 0.17], [py], s=size, color=colour, alpha=0.8, zorder=3)
            text = str(person[name])
            if label is not None and label in centre.columns and _notna(person[label]):
                text += f"·{person[label]}"
            if touches in centre.columns:
                text += f"（{int(count)} 次）"
            ax.text(x - 0.12, py, text, ha="left", va="center", fontsize=11)
    ax.set_title(title if title is not None else f"采购中心图：{account}", fontsize=16)
    return ax


def _notna(value) -> bool:
    """``value`` 不是空值（None、NaN、NaT）时为 True；给采购中心图用。"""
    import pandas as pd

    return bool(pd.notna(value))


# ---------------------------------------------------------------------------------------------
# 客户留存：同期群留存曲线和热力图（配合 crm_lab.retention.cohort_retention）
# ---------------------------------------------------------------------------------------------


def plot_retention_curves(table, *, kind: str = "line", cohorts=None, ax=None, title: str | None = None):
    """画同期群留存：``kind="line"`` 每个同期群一条留存曲线，``kind="heatmap"`` 画成留存热力图。返回 Axes。

    参数
    ----
    table : ``crm_lab.retention.cohort_retention(...)`` 的结果（行是同期群，列是首购后第几期，值是留存率 0～1）。
    kind : ``"line"``（留存曲线，默认）或 ``"heatmap"``（热力图，每格写出百分比）。
    cohorts : 只画哪些同期群（行索引的列表，可选），曲线太多时用；默认全部。
    ax : 画在哪个坐标系上（可选）；title : 标题（默认按 kind 给出）。

    >>> import pandas as pd
    >>> table = pd.DataFrame({0: [1.0, 1.0], 1: [0.5, 0.4], 2: [0.3, None]}, index=["2025-01", "2025-02"])
    >>> ax = plot_retention_curves(table)
    >>> ax.get_xlabel(), len(ax.get_lines())
    ('首购后第几个月', 2)
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    import pandas as pd
    from matplotlib.ticker import PercentFormatter

    if kind not in ("line", "heatmap"):
        raise CRMDataError(f"kind 只能是 \"line\"（留存曲线）或 \"heatmap\"（热力图），收到 {kind!r}。")
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise CRMDataError("table 应该是 cohort_retention(...) 得到的非空留存表（DataFrame）。")
    if cohorts is not None:
        missing = [c for c in cohorts if c not in table.index]
        if missing:
            raise CRMDataError(f"cohorts 里的同期群 {missing} 不在留存表里。现有的同期群：{list(table.index)}。")
        table = table.loc[list(cohorts)]
    values = table.astype(float)
    if ax is None:
        size = (9, 5) if kind == "line" else (max(8, 0.5 * values.shape[1] + 2), max(4, 0.35 * values.shape[0] + 1.5))
        _, ax = plt.subplots(figsize=size)
    if kind == "line":
        for cohort, row in values.iterrows():
            ax.plot(row.index, row.to_numpy(), marker="o", linewidth=1.8, label=str(cohort))
        ax.set_ylim(0, 1.05)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel("首购后第几个月")
        ax.set_ylabel("留存率（回来购买的客户占比）")
        ax.set_title(title or "各月同期群的留存曲线")
        ax.legend(title="首购月份", fontsize=9, ncol=2 if len(values) > 6 else 1)
    else:
        image = ax.imshow(values.to_numpy(), cmap="YlGnBu", vmin=0, vmax=1, aspect="auto")
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                share = values.iat[i, j]
                if np.isfinite(share):
                    ax.text(j, i, f"{share:.0%}", ha="center", va="center", fontsize=8,
                            color="white" if share > 0.6 else "black")
        ax.set_xticks(range(values.shape[1]), [str(c) for c in values.columns])
        ax.set_yticks(range(values.shape[0]), [str(c) for c in values.index])
        ax.set_xlabel("首购后第几个月")
        ax.set_ylabel("首购月份（同期群）")
        ax.set_title(title or "同期群留存热力图")
        ax.figure.colorbar(image, ax=ax, label="留存率")
    return ax
