"""找到随课件发放的文件夹（数据集、学生笔记本），无论是从 wheel 安装还是在源码目录里运行。"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SHIPPED_KINDS = ("datasets", "notebooks")


def shipped_dir(kind: str) -> Path:
    """返回随课件发放的文件夹 ``kind``（"datasets" 或 "notebooks"）。

    安装好的 wheel 把它们放在 ``crm_lab/_shipped/<kind>``；在源码目录里（``pip install -e``
    或直接运行）它们就在仓库根目录的 ``<kind>/``。

    >>> shipped_dir("datasets").name
    'datasets'
    """
    if kind not in SHIPPED_KINDS:
        raise ValueError(f"kind 只能是 {SHIPPED_KINDS} 之一，收到的是 {kind!r}")
    for candidate in (PACKAGE_DIR / "_shipped" / kind, PACKAGE_DIR.parent / kind):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"找不到课件的 {kind} 文件夹（找过 {PACKAGE_DIR / '_shipped' / kind} 和 "
        f"{PACKAGE_DIR.parent / kind}）。安装可能不完整：请重新运行 `pip install crm-lab` "
        "或在源码目录里运行 `make lab`。"
    )
