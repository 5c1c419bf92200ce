"""画图：中文字体和课程统一的图表风格。

导入本模块时会自动调用一次 ``use_chinese_font()``，之后图里的中文标题、坐标轴和图例都能正常
显示。即使电脑上没有安装任何中文字体也可以：这时使用随 ``mplfonts`` 包安装的思源黑体
（Noto Sans CJK SC）。
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

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
