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
    "datetime": "日期时间",
    "bool": "是/否",
    "category": "类别",
}


@dataclass(frozen=True)
class Column:
    """一列的说明。``values`` 是类别列允许的取值（按顺序）；``nullable`` 表示允许空值。"""

    name: str
    dtype: str
    meaning: str
    unit: str = ""
    values: tuple[str, ...] = ()
    nullable: bool = False

    def __post_init__(self):
        if self.dtype not in DTYPES:
            raise ValueError(f"列 {self.name} 的类型 {self.dtype!r} 不在 {sorted(DTYPES)} 之中")
        if (self.dtype == "category") != bool(self.values):
            raise ValueError(f"列 {self.name}：只有类别列（category）要写 values，而且必须写")


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

CHANNELS = ("展销会现场", "微信小程序", "淘宝店", "抖音直播", "朋友推荐")
MEMBER_LEVELS = ("普通会员", "银卡会员", "金卡会员")
CATEGORIES = ("零食饮料", "文具", "数码配件", "生活日用", "图书", "服饰", "美妆个护")
ORDER_STATUSES = ("已完成", "退货", "已取消")

SHOP_CUSTOMERS = TableSchema(
    name="shop_customers",
    title="校园展销会商城的客户",
    description="校园展销会商城（线下展销会 + 线上小程序/网店）两年来注册的个人客户档案。",
    used_by=("m1_crm_intro", "m3_customer_data", "m4_churn_retention", "m6_crm_marketing",
             "p2_value_segmentation", "p3_customer_database", "p4_data_mining"),
    columns=(
        Column("customer_id", "str", "客户编号，每位客户唯一"),
        Column("name", "str", "客户姓名"),
        Column("gender", "category", "性别", values=("男", "女")),
        Column("age_band", "category", "年龄段", "岁", values=("18-22", "23-30", "31-40", "41-50", "51+")),
        Column("identity", "category", "身份", values=("学生", "教职工", "校外个人")),
        Column("city", "str", "所在城市"),
        Column("district", "str", "所在区"),
        Column("organisation", "str", "学校或工作单位", nullable=True),
        Column("channel", "category", "注册渠道（从哪里认识我们）", values=CHANNELS),
        Column("registered_at", "date", "注册日期", "年-月-日"),
        Column("birth_month", "int", "出生月份（用于生日关怀）", "月"),
        Column("member_level", "category", "当前会员等级", values=MEMBER_LEVELS),
        Column("consent_marketing", "bool", "是否同意接收营销信息（《个人信息保护法》要求取得同意）"),
        Column("phone", "str", "手机号，已脱敏（中间四位用 * 代替）"),
    ),
)

SHOP_PRODUCTS = TableSchema(
    name="shop_products",
    title="校园展销会商城的商品",
    description="商城在售的商品目录，含售价和进价（成本），可以计算毛利。",
    used_by=("m5_key_accounts", "m6_crm_marketing", "p2_value_segmentation", "p4_data_mining"),
    columns=(
        Column("product_id", "str", "商品编号"),
        Column("product_name", "str", "商品名称"),
        Column("category", "category", "商品品类", values=CATEGORIES),
        Column("price", "float", "标价", "元"),
        Column("cost", "float", "进价（成本）", "元"),
    ),
)

SHOP_ORDERS = TableSchema(
    name="shop_orders",
    title="校园展销会商城的订单",
    description="两年的订单（每单一行），和真实网店导出的一样标出了退货和已取消的订单。",
    used_by=("m1_crm_intro", "m4_churn_retention", "m6_crm_marketing", "p2_value_segmentation",
             "p3_customer_database", "p4_data_mining"),
    columns=(
        Column("order_id", "str", "订单号"),
        Column("customer_id", "str", "下单客户的编号，对应 shop_customers"),
        Column("order_time", "datetime", "下单时间", "年-月-日 时:分:秒"),
        Column("channel", "category", "下单渠道", values=("展销会现场", "微信小程序", "淘宝店", "抖音直播")),
        Column("payment", "category", "支付方式", values=("微信支付", "支付宝", "现金")),
        Column("status", "category", "订单状态", values=ORDER_STATUSES),
        Column("amount", "float", "订单实付金额（各行金额之和）", "元"),
    ),
)

SHOP_ORDER_LINES = TableSchema(
    name="shop_order_lines",
    title="校园展销会商城的订单明细",
    description="每个订单里买了哪些商品、买了几件、打了几折（每件商品一行），用于购物篮分析和毛利计算。",
    used_by=("m5_key_accounts", "m6_crm_marketing", "p2_value_segmentation", "p4_data_mining"),
    columns=(
        Column("order_id", "str", "订单号，对应 shop_orders"),
        Column("line_no", "int", "订单内的行号，从 1 开始"),
        Column("product_id", "str", "商品编号，对应 shop_products"),
        Column("quantity", "int", "数量", "件"),
        Column("unit_price", "float", "成交单价（打折前）", "元"),
        Column("discount", "float", "折扣率：0 表示不打折，0.2 表示便宜 20%"),
        Column("line_amount", "float", "本行实付金额 = 数量 × 单价 × (1 − 折扣率)", "元"),
    ),
)

SHOP_TICKETS = TableSchema(
    name="shop_tickets",
    title="校园展销会商城的客服工单",
    description="客户咨询和投诉的工单：类型、渠道、受理和解决时间、满意度评分和投诉原因。",
    used_by=("m4_churn_retention", "e2_business_activities"),
    columns=(
        Column("ticket_id", "str", "工单号"),
        Column("customer_id", "str", "客户编号，对应 shop_customers"),
        Column("order_id", "str", "相关订单号，对应 shop_orders", nullable=True),
        Column("ticket_type", "category", "工单类型", values=("咨询", "投诉", "退换货")),
        Column("contact_channel", "category", "联系渠道", values=("电话", "微信", "现场")),
        Column("opened_at", "datetime", "受理时间", "年-月-日 时:分:秒"),
        Column("resolved_at", "datetime", "解决时间", "年-月-日 时:分:秒"),
        Column("rating", "int", "客户对处理结果的满意度评分，1（很不满意）到 5（很满意）", "分"),
        Column("reason", "category", "问题原因",
               values=("商品质量", "发货慢", "服务态度", "价格", "商品咨询", "其他")),
    ),
)

SCHEMAS: dict[str, TableSchema] = {
    s.name: s
    for s in (CAMPUS_FAIR_CUSTOMERS, SHOP_CUSTOMERS, SHOP_PRODUCTS, SHOP_ORDERS, SHOP_ORDER_LINES, SHOP_TICKETS)
}
