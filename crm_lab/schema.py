"""随课件发放的每张表的结构：列名、类型、单位和中文含义。

这是唯一的来源：``load_dataset`` 用它检查和转换数据，``crm_lab.synth`` 按它生成数据，
``datasets/README.md``（数据字典）也由它生成。
"""

from __future__ import annotations

from dataclasses import dataclass, field

# 数据字典里显示的类型名，以及 load_dataset 转换成的 pandas 类型。
DTYPES = {
    "str": "文本",
    "int": "整数",
    "float": "小数",
    "date": "日期",
}


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    meaning: str
    unit: str = ""

    def __post_init__(self):
        if self.dtype not in DTYPES:
            raise ValueError(f"列 {self.name} 的类型 {self.dtype!r} 不在 {sorted(DTYPES)} 之中")


@dataclass(frozen=True)
class TableSchema:
    name: str
    title: str
    description: str
    used_by: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


CAMPUS_FAIR_CUSTOMERS = TableSchema(
    name="campus_fair_customers",
    title="校园展销会小店客户名单",
    description="校园展销会小店的 50 位顾客：身份、学院、会员等级、到店次数、消费金额和满意度。",
    used_by=("m0_getting_started",),
    columns=(
        Column("customer_id", "str", "顾客编号，每位顾客唯一"),
        Column("name", "str", "顾客姓名"),
        Column("gender", "str", "性别：男 / 女"),
        Column("identity", "str", "身份：大一学生 / 大二学生 / 大三学生 / 教职工 / 校外访客"),
        Column("college", "str", "所在学院；校外访客记为“校外”"),
        Column("phone", "str", "手机号，已脱敏（中间四位用 * 代替）"),
        Column("first_visit", "date", "第一次在小店消费的日期", "年-月-日"),
        Column("visits", "int", "本学期在小店消费的次数", "次"),
        Column("total_spent", "float", "本学期在小店消费的总金额", "元"),
        Column("favorite_category", "str", "买得最多的商品品类"),
        Column("member_level", "str", "会员等级：非会员 / 普通会员 / 金卡会员"),
        Column("satisfaction", "int", "对小店的总体满意度，1（很不满意）到 5（很满意）", "分"),
    ),
)

SCHEMAS: dict[str, TableSchema] = {s.name: s for s in (CAMPUS_FAIR_CUSTOMERS,)}
