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
