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
