"""课程数据的生成器：固定随机种子，每次生成的文件一字不差。

运行 ``python -m crm_lab.synth``（或 ``crm-lab datasets --rebuild``）把所有表和数据字典
写进 ``datasets/``。数据是虚构的，但按真实小店的规律生成（教职工客单价更高、常客更可能
办会员、到店次数多的顾客满意度更高），让学生有东西可以发现。
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from crm_lab.schema import CAMPUS_FAIR_CUSTOMERS, DTYPES, SCHEMAS, TableSchema

SEED = 20250908
CSV_ENCODING = "utf-8-sig"  # 带 BOM 的 UTF-8：学生用 Excel 直接双击打开也不乱码

_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程")
_GIVEN = [
    "子涵", "欣怡", "浩然", "雨桐", "宇轩", "思琪", "梓萱", "俊杰", "佳怡", "一鸣", "诗雨", "晨曦",
    "嘉豪", "可欣", "明轩", "若曦", "天佑", "心怡", "博文", "雅婷", "志强", "丽娟", "建华", "秀英",
    "文博", "梦瑶", "海洋", "静怡", "家乐", "佳琪", "泽宇", "紫涵", "伟", "敏", "磊", "婷", "洋", "娜",
]
_COLLEGES = ["电子商务学院", "信息工程学院", "财经学院", "艺术设计学院", "机电工程学院"]
_CATEGORIES = ["零食饮料", "文具", "数码配件", "生活日用", "图书"]
_PHONE_PREFIXES = ["138", "139", "135", "150", "151", "155", "177", "186", "187", "188", "199"]

# 身份：(抽中的概率, 每次消费的平均金额/元, 平均到店次数)
_IDENTITIES = {
    "大一学生": (0.26, 22.0, 4.0),
    "大二学生": (0.24, 26.0, 4.5),
    "大三学生": (0.18, 28.0, 3.5),
    "教职工": (0.18, 48.0, 5.0),
    "校外访客": (0.14, 36.0, 1.6),
}
# 各身份最常买的品类的抽样权重（顺序同 _CATEGORIES）
_CATEGORY_WEIGHTS = {
    "大一学生": [0.40, 0.25, 0.15, 0.15, 0.05],
    "大二学生": [0.35, 0.15, 0.25, 0.15, 0.10],
    "大三学生": [0.30, 0.10, 0.30, 0.10, 0.20],
    "教职工": [0.15, 0.15, 0.15, 0.25, 0.30],
    "校外访客": [0.45, 0.05, 0.15, 0.30, 0.05],
}
_SEMESTER_START = date(2025, 9, 8)
_SEMESTER_DAYS = 100


def campus_fair_customers(n: int = 50, *, seed: int = SEED) -> pd.DataFrame:
    """生成校园展销会小店的客户名单（m0 使用）。

    >>> campus_fair_customers(5)["customer_id"].tolist()
    ['C001', 'C002', 'C003', 'C004', 'C005']
    """
    if n < 1 or n > 999:
        raise ValueError(f"n 必须在 1 到 999 之间，收到的是 {n}")
    rng = np.random.default_rng(seed)
    identities = list(_IDENTITIES)
    probs = np.array([_IDENTITIES[i][0] for i in identities])
    all_names = [s + g for s in _SURNAMES for g in _GIVEN]
    names = rng.choice(all_names, size=n, replace=False)

    rows = []
    for k in range(n):
        identity = str(rng.choice(identities, p=probs / probs.sum()))
        _, basket, mean_visits = _IDENTITIES[identity]
        visits = int(1 + rng.poisson(mean_visits - 1))
        spent = float(np.sum(rng.lognormal(np.log(basket), 0.35, size=visits)))
        if visits >= 8 or (visits >= 5 and rng.random() < 0.5):
            member = "金卡会员"
        elif visits >= 3 or rng.random() < 0.2:
            member = "普通会员"
        else:
            member = "非会员"
        satisfaction = int(np.clip(np.round(2.6 + 0.25 * visits + rng.normal(0, 0.8)), 1, 5))
        first_visit = _SEMESTER_START + timedelta(days=int(rng.integers(0, _SEMESTER_DAYS)))
        category = str(rng.choice(_CATEGORIES, p=_CATEGORY_WEIGHTS[identity]))
        college = "校外" if identity == "校外访客" else str(rng.choice(_COLLEGES))
        phone = f"{rng.choice(_PHONE_PREFIXES)}****{int(rng.integers(0, 10000)):04d}"
        rows.append(
            {
                "customer_id": f"C{k + 1:03d}",
                "name": str(names[k]),
                "gender": "男" if rng.random() < 0.45 else "女",
                "identity": identity,
                "college": college,
                "phone": phone,
                "first_visit": first_visit.isoformat(),
                "visits": visits,
                "total_spent": round(spent, 1),
                "favorite_category": category,
                "member_level": member,
                "satisfaction": satisfaction,
            }
        )
    table = pd.DataFrame(rows, columns=CAMPUS_FAIR_CUSTOMERS.column_names)
    return table


BUILDERS = {"campus_fair_customers": campus_fair_customers}


def data_dictionary(tables: dict[str, pd.DataFrame]) -> str:
    """由表结构（``crm_lab.schema``）和生成的数据写出数据字典 ``datasets/README.md``。"""
    lines = [
        "# 课程数据字典",
        "",
        "本文件由 `python -m crm_lab.synth` 根据 `crm_lab/schema.py` 自动生成，请不要手工修改。",
        "所有数据都是虚构的，由固定随机种子生成；文件编码为带 BOM 的 UTF-8，可以直接用 Excel 打开。",
        "",
    ]
    for name, schema in SCHEMAS.items():
        table = tables[name]
        lines += [
            f"## `{name}.csv`：{schema.title}",
            "",
            schema.description,
            "",
            f"- 使用它的笔记本：{'、'.join(schema.used_by)}",
            f"- 行数：{len(table)}",
            f"- 读取：`load_dataset(\"{name}\")`",
            "",
            "| 列名 | 类型 | 单位 | 含义 | 示例 |",
            "|---|---|---|---|---|",
        ]
        for col in schema.columns:
            example = table[col.name].iloc[0]
            lines.append(
                f"| `{col.name}` | {DTYPES[col.dtype]} | {col.unit or '—'} | {col.meaning} | {example} |"
            )
        lines.append("")
    return "\n".join(lines)


def write_datasets(out_dir: str | Path) -> list[Path]:
    """生成所有课程表并写入 ``out_dir``，返回写出的文件列表。"""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = {name: build() for name, build in BUILDERS.items()}
    written = []
    for name, table in tables.items():
        _check_against_schema(table, SCHEMAS[name])
        path = out / f"{name}.csv"
        table.to_csv(path, index=False, encoding=CSV_ENCODING, lineterminator="\n")
        written.append(path)
    readme = out / "README.md"
    readme.write_text(data_dictionary(tables), encoding="utf-8", newline="\n")
    written.append(readme)
    return written


def _check_against_schema(table: pd.DataFrame, schema: TableSchema) -> None:
    if list(table.columns) != schema.column_names:
        raise AssertionError(f"{schema.name} 的列 {list(table.columns)} 与表结构 {schema.column_names} 不一致")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m crm_lab.synth", description="生成课程数据集")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "datasets"),
                        help="输出文件夹（默认：源码目录下的 datasets/）")
    args = parser.parse_args(argv)
    for path in write_datasets(args.out):
        print(f"已写出 {path}")


if __name__ == "__main__":
    main()
